"""The open read API (JSON under /api/v1/), and writing with a personal token.

Reads show published actions only, with the same filters and search as the site
(records/query.py) and records in the schema (docs/record-schema.md). Lists are paged
with an opaque cursor. Errors are JSON: {"error": {"status": 400, "message": "..."}}.
Editors write with `Authorization: Bearer <token>` (create one in the admin, or with
`unactions create-token USER`).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Sequence
from functools import wraps
from urllib.parse import urlencode

from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from unactions.formats.errors import RecordsError
from unactions.formats.jsonfile import record_from_dict
from unactions.records.history import delete_with_history
from unactions.records.loader import load_records
from unactions.records.models import Action, Defender
from unactions.records.query import (
    ActionQuery,
    IndexedActions,
    QueryError,
    count_public,
    facet_counts,
    find_actions,
    indexed_query,
    listed_actions,
    named,
)
from unactions.records.serialize import record_of, records_of

from .models import ApiToken
from .openapi import FILTERS, PAGING, openapi

DEFAULT_LIMIT, MAX_LIMIT = 50, 500


class ApiError(Exception):
    def __init__(self, status: int, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.status, self.message, self.problems = status, message, problems


def error_response(status: int, message: str, problems=None) -> JsonResponse:
    body = {"status": status, "message": message}
    if problems:
        body["problems"] = problems
    return JsonResponse({"error": body}, status=status)


def api(methods: tuple[str, ...] = ("GET",), params: tuple[str, ...] | None = None):
    """A JSON view: allowed methods, JSON errors, no CSRF (tokens, not cookies). A list
    given the query `params` it takes refuses a GET with any other, naming it: a
    misspelt filter would otherwise return every action as if they were the matches."""

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = error_response(405, f"{request.method} is not allowed here")
                response["Allow"] = ", ".join(methods)
                return response
            if params is not None and request.method == "GET":
                if unknown := sorted(set(request.GET) - set(params)):
                    return error_response(
                        400,
                        f"unknown parameter {', '.join(map(repr, unknown))}: "
                        f"this list takes {', '.join(params)}",
                    )
            try:
                return view(request, *args, **kwargs)
            except ApiError as error:
                return error_response(error.status, error.message, error.problems)
            except QueryError as error:
                return error_response(400, str(error))

        return wrapper

    return decorate


def _absolute(request, path: str) -> str:
    return request.build_absolute_uri(path)


@api()
def index(request):
    return JsonResponse(
        {
            "actions": _absolute(request, reverse("api:actions")),
            "facets": _absolute(request, reverse("api:facets")),
            "defenders": _absolute(request, reverse("api:defenders")),
            "mechanisms": _absolute(request, reverse("api:mechanisms")),
            "openapi": _absolute(request, reverse("api:openapi")),
        }
    )


def _limit(request) -> int:
    value = request.GET.get("limit", str(DEFAULT_LIMIT))
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise ApiError(400, f"limit: {value!r} must be a number from 1 to {MAX_LIMIT}")
    return int(value)


def _encode(position: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def _decode(cursor: str) -> dict:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        position = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(position, dict):
            raise ValueError
        return position
    except (ValueError, TypeError):
        raise ApiError(400, "cursor: not a cursor this API gave") from None


def _offset(cursor: str | None) -> int:
    """The position a cursor of an offset points to (the start without one)."""
    offset = _decode(cursor).get("offset", 0) if cursor else 0
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise ApiError(400, "cursor: not a cursor this API gave")
    return offset


def _listed(request, key: str, items: Sequence, as_dict) -> JsonResponse:
    """A page of `items` (a sequence that reads only the slice asked for) as `key`,
    each as `as_dict` gives it, with their count and the next page's address. Names
    are in alphabetical order, stable enough for an offset: one added or removed
    while a client pages shifts the rest by one."""
    limit, offset = _limit(request), _offset(request.GET.get("cursor"))
    count = len(items)
    following = None
    if offset + limit < count:
        params = urlencode({"limit": limit, "cursor": _encode({"offset": offset + limit})})
        following = _absolute(request, f"{request.path}?{params}")
    return JsonResponse(
        {
            "count": count,
            "next": following,
            key: [as_dict(i) for i in items[offset : offset + limit]],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@api(methods=("GET", "POST"), params=FILTERS + PAGING)
def actions(request):
    if request.method == "POST":
        return _write(request)
    query = ActionQuery.from_params(request.GET)
    limit = _limit(request)
    sort = query.effective_sort
    cursor = request.GET.get("cursor")
    indexed = indexed_query(query, facets=False)
    rows = listed_actions(query, indexed)
    count = None
    if not cursor:
        # From the facet index or the tallies when they can tell: counting a million rows
        # takes a while, and fills the database's page cache of each server process.
        count = indexed.total if indexed is not None else count_public(query)
    if sort == "relevance" and query.q:
        # Ranks are not stable keys: the cursor holds an offset.
        offset = _offset(cursor)
        page = list(rows[offset : offset + limit + 1])
        following = {"offset": offset + limit}
    else:
        if cursor:
            position = _decode(cursor)
            try:
                date, pk = dt.date.fromisoformat(position["date"]), int(position["pk"])
            except (KeyError, ValueError, TypeError):
                raise ApiError(400, "cursor: not a cursor this API gave") from None
            if isinstance(rows, IndexedActions):
                rows = rows.after_action(date, pk)
            elif sort == "oldest":
                rows = rows.filter(Q(date__gt=date) | Q(date=date, pk__gt=pk))
            else:
                rows = rows.filter(Q(date__lt=date) | Q(date=date, pk__gt=pk))
        page = list(rows[: limit + 1])
        following = (
            {"date": page[limit - 1].date.isoformat(), "pk": page[limit - 1].pk}
            if len(page) > limit
            else None
        )
    params = [*query.params(), ("limit", str(limit))]
    next_url = None
    if len(page) > limit:
        next_url = _absolute(
            request,
            reverse("api:actions") + "?" + urlencode(params + [("cursor", _encode(following))]),
        )
    return JsonResponse(
        {
            "count": count,
            "next": next_url,
            "actions": [r.to_dict() for r in records_of(page[:limit])],
        },
        json_dumps_params={"ensure_ascii": False},
    )


@api(methods=("GET", "PUT", "DELETE"))
def action(request, record_id: str):
    if request.method == "PUT":
        return _write(request, record_id=record_id)
    if request.method == "DELETE":
        user = _user(request, "records.delete_action")
        found = Action.objects.filter(record_id=record_id).first()
        if found is None:
            raise ApiError(404, f"no action {record_id!r}")
        delete_with_history(found, user=user, comment="deleted through the API")
        return HttpResponse(status=204)
    found = Action.objects.published().with_record().filter(record_id=record_id).first()
    if found is None:
        raise ApiError(404, f"no published action {record_id!r}")
    return JsonResponse(record_of(found).to_dict(), json_dumps_params={"ensure_ascii": False})


@api(params=FILTERS)
def facets(request):
    query = ActionQuery.from_params(request.GET)
    return JsonResponse(
        {
            "facets": {
                f.key: [
                    {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                    for v in f.values
                ]
                for f in facet_counts(query)
            }
        },
        json_dumps_params={"ensure_ascii": False},
    )


@api(params=PAGING)
def defenders(request):
    return _listed(
        request,
        "defenders",
        named("defender"),
        lambda d: {"name": d.name, "slug": d.slug, "actions": d.n},
    )


@api()
def defender(request, slug: str):
    found = Defender.objects.filter(slug=slug).first()
    rows = find_actions(ActionQuery(selected={"defender": (slug,)}, sort="oldest"))
    records = [r.to_dict() for r in records_of(rows.with_record())] if found else []
    if not records:
        raise ApiError(404, f"no defender {slug!r} in a published action")
    return JsonResponse(
        {"name": found.name, "slug": found.slug, "actions": records},
        json_dumps_params={"ensure_ascii": False},
    )


@api(params=PAGING)
def mechanisms(request):
    return _listed(
        request,
        "mechanisms",
        named("mechanism"),
        lambda m: {"name": m.name, "slug": m.slug, "body": m.body, "actions": m.n},
    )


@api()
def openapi_description(request):
    return JsonResponse(openapi(_absolute(request, reverse("api:index"))))


def not_found(request, rest: str = ""):
    return error_response(404, f"no such API address: {request.path}")


def _user(request, *permissions: str):
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() not in ("bearer", "token") or not key.strip():
        raise ApiError(401, "writing needs a personal token: Authorization: Bearer <token>")
    user = ApiToken.user_for(key.strip())
    if user is None:
        raise ApiError(401, "this token is not valid")
    missing = [p for p in permissions if not user.has_perm(p)]
    if missing:
        raise ApiError(403, f"{user.get_username()} may not do this ({', '.join(missing)})")
    return user


def _write(request, record_id: str | None = None):
    user = _user(request, "records.add_action", "records.change_action")
    try:
        data = json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ApiError(400, f"the body is not JSON: {error}") from None
    items = data if isinstance(data, list) else [data]
    if record_id is not None and (len(items) != 1 or not isinstance(items[0], dict)):
        raise ApiError(400, "PUT takes one record")
    if record_id is not None and items[0].get("id") != record_id:
        raise ApiError(400, f"the record's id must be {record_id!r}, as in the address")
    records, problems = [], []
    for number, item in enumerate(items, start=1):
        try:
            records.append(record_from_dict(item, f"record {number}"))
        except RecordsError as error:
            problems.extend(str(p) for p in error.problems)
    if problems:
        raise ApiError(400, "nothing was stored: the records have problems", problems)
    try:
        result = load_records(records, user=user, comment="written through the API")
    except RecordsError as error:
        raise ApiError(
            400, "nothing was stored: the records have problems", [str(p) for p in error.problems]
        ) from None
    status = 201 if result.created else 200
    return JsonResponse(
        {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        status=status,
    )
