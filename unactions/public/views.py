"""The pages the public reads. Every one shows published actions only.

The list, the downloads and the defender and mechanism pages all describe what they show
with an `ActionQuery` (records/query.py), so a filtered view, its CSV and its JSON are
the same rows.
"""

from __future__ import annotations

import functools
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Max, prefetch_related_objects
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from unactions.formats import csvfile, jsonfile, searchtext
from unactions.records import followup
from unactions.records import statistics as stats
from unactions.records.models import Action, Defender, Mechanism, record_prefetches
from unactions.records.query import (
    ActionQuery,
    QueryError,
    count_actions,
    facet_counts,
    filter_actions,
    find_actions,
    indexed_query,
    listed_actions,
    matching,
    named,
)
from unactions.records.search import chinese_names
from unactions.records.serialize import record_of, records_of

from . import charts
from .models import Introduction
from .static_paths import is_static_build
from .templatetags.browse import without_cards

PAGE_SIZE = 25
# Names on a page of the defender list: a collection of a million actions names tens
# of thousands, too many for one page to render (3-4 s) or a reader to scroll.
DEFENDERS_PAGE_SIZE = 500


def _query(request) -> ActionQuery:
    return ActionQuery.from_params(request.GET)


def _bad_query(request, error: QueryError):
    return render(request, "public/bad_query.html", {"error": str(error)}, status=400)


def _page(request, items, size: int | None = PAGE_SIZE, count: int | None = None):
    paginator = Paginator(items, size or max(items.count(), 1))
    if count is not None:
        paginator.count = count  # known without counting the actions again
    number = request.GET.get("page", "1")
    if not number.isdigit() or not 1 <= int(number) <= max(paginator.num_pages, 1):
        raise Http404("No such page")
    return paginator.page(int(number))


@functools.lru_cache(maxsize=4)
def static_facets(language: str):
    """The whole list's facets, computed once per static export (it clears this)."""
    return facet_counts(ActionQuery())


def action_list(request):
    try:
        query = _query(request)
        # The static export links each value to its own page, so it shows the counts
        # of those pages rather than of the current combination: the same on every page.
        if is_static_build():
            actions = find_actions(query).with_record_joins()
            facets, count = static_facets(get_language()), count_actions(query)
        else:
            indexed = indexed_query(query)
            actions = listed_actions(query, indexed)
            facets = facet_counts(query, indexed=indexed)
            count = matching(query, facets)
        page = _page(request, actions, count=count)
        if is_static_build():
            # Each action is on a dozen of the export's pages: its card is made once.
            page.object_list = list(page.object_list)
            prefetch_related_objects(without_cards(page.object_list, query), *record_prefetches())
    except QueryError as error:
        return _bad_query(request, error)
    published = Action.objects.published()
    # The introduction opens the whole list; a search, a filter or a later page goes
    # straight to its actions (on a phone, the introduction filled the first screen).
    opening = not query.is_filtered and page.number == 1
    introduction = Introduction.current() if opening else None
    return render(
        request,
        "public/list.html",
        {
            "query": query,
            "page": page,
            "facets": facets,
            "updated": published.aggregate(latest=Max("updated"))["latest"],
            "introduction": introduction.text_for(get_language()) if introduction else "",
        },
    )


def action_detail(request, record_id: str):
    query = ActionQuery()
    if is_static_build():
        # Its card is on the export's list pages already: its links are read only if not.
        published = Action.objects.published().with_record_joins()
        action = get_object_or_404(published, record_id=record_id)
        prefetch_related_objects(without_cards([action], query), *record_prefetches())
    else:
        action = get_object_or_404(Action.objects.published().with_record(), record_id=record_id)
    return render(request, "public/action.html", {"action": action, "query": query})


def defender_list(request):
    page = _page(request, named("defender"), size=DEFENDERS_PAGE_SIZE)
    return render(
        request, "public/defender_list.html", {"page": page, "pages_of": "public:defenders"}
    )


def defender_detail(request, slug: str):
    defender = get_object_or_404(Defender, slug=slug)
    actions = find_actions(ActionQuery(selected={"defender": (slug,)}, sort="oldest"))
    actions = list(actions.with_record())
    if not actions:
        raise Http404("No published action names this defender")
    return render(request, "public/defender.html", {"defender": defender, "actions": actions})


def mechanism_list(request):
    mechanisms = named("mechanism", ("body", "name"))
    return render(request, "public/mechanism_list.html", {"mechanisms": mechanisms})


def mechanism_detail(request, slug: str):
    mechanism = get_object_or_404(Mechanism, slug=slug)
    query = ActionQuery(selected={"mechanism": (slug,)})
    indexed = indexed_query(query)
    facets = facet_counts(query, indexed=indexed)
    count = matching(query, facets)
    if not count:
        raise Http404("No published action of this mechanism")
    if is_static_build():
        # The static export has no pages for a mechanism's list: it shows it whole.
        page = _page(request, find_actions(query).with_record(), size=None)
    else:
        page = _page(request, listed_actions(query, indexed), count=count)
    counts = {f.key: f for f in facets}
    return render(
        request,
        "public/mechanism.html",
        {"mechanism": mechanism, "page": page, "types": counts["type"], "query": query},
    )


def download(request, format: str):
    try:
        query = _query(request)
        actions = find_actions(query).with_record()
    except QueryError as error:
        return _bad_query(request, error)
    writer = {"csv": csvfile.pieces, "json": jsonfile.pieces}[format]
    content_type = {"csv": "text/csv", "json": "application/json"}[format]
    # Sent as it is written: a whole collection would not fit in a server's memory.
    response = StreamingHttpResponse(
        writer(records_of(actions)), content_type=f"{content_type}; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="un-actions-{stamp}.{format}"'
    return response


def statistics_page(request):
    """Charts and tables of the published actions that match the current filters."""
    try:
        query = _query(request)
        filter_actions(query)  # refuses what it cannot filter by (a year that is no year)
    except QueryError as error:
        return _bad_query(request, error)
    indexed = stats.indexed_figures(query)
    yearly = stats.by_period_and_body(query, indexed=indexed)
    monthly = stats.by_period_and_body(query, monthly=True, indexed=indexed)
    tops = {key: stats.top(query, key, indexed=indexed) for key in stats.TOPS}
    replies = stats.reply_rate_by_year(query, indexed)
    governments = stats.replies_by_government(query, indexed)
    return render(
        request,
        "public/statistics.html",
        {
            "query": query,
            "total": stats.total(query, indexed),
            "yearly": yearly,
            "yearly_chart": charts.stacked_columns(
                yearly.categories, yearly.groups, yearly.values, _("Actions per year, by body")
            ),
            "monthly": monthly,
            "monthly_chart": charts.stacked_columns(
                monthly.categories, monthly.groups, monthly.values, _("Actions per month, by body")
            ),
            "tops": [
                {
                    "key": key,
                    "title": title,
                    "rows": tops[key],
                    "chart": charts.bars([(label, n) for _, label, n in tops[key]], title),
                }
                for key, title in (
                    ("type", _("Actions by type")),
                    ("issue", _("Top issues")),
                    ("mechanism", _("Top mechanisms")),
                    ("defender", _("Defenders named most often")),
                )
            ],
            "replies": replies,
            "replies_chart": charts.bars(
                [(str(r.year), round(100 * r.rate)) for r in replies],
                _("Share of communications answered, per year (%)"),
            ),
            "governments": governments,
            "reply_days": followup.reply_days(),
        },
    )


def search_page(request):
    """Search from static files (the static export); the live site searches on its list."""
    if not is_static_build():
        query = request.GET.get("q", "")
        return redirect(reverse("public:list") + ("?" + urlencode({"q": query}) if query else ""))
    return render(request, "public/search.html")


def search_index(request):
    """What the static export's search looks through: every published action, folded."""
    entries = []
    for action in Action.objects.published().with_record():
        record = record_of(action)
        entries.append(
            {
                "u": action.get_absolute_url(),
                "d": record.date.isoformat(),
                "t": record.action,
                "m": action.mechanism_term.name,
                "s": action.summary,
                "x": searchtext.fold(
                    " ".join(
                        [
                            record.summary,
                            action.summary_zh,
                            record.mechanism,
                            record.action,
                            *record.issues,
                            *record.defenders,
                            *record.governments,
                            *record.regions,
                            *record.communication_refs,
                            *(s.title for s in record.related_sources),
                            *chinese_names(action),
                        ]
                    )
                ),
            }
        )
    return JsonResponse(entries, safe=False, json_dumps_params={"ensure_ascii": False})
