"""Every change to an action: who made it, when and what, and the way back.

After each save the loader and the editors' interface call `record_version`, which
stores the whole record as it now is (a load's first versions wait: see `keep`). Two
versions compare field by field (`changes`); `restore` brings an action back to an
earlier version, or back from deletion.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max

from unactions.formats import jsonfile

from .bulk import chunks, update_each
from .models import Action, ActionVersion
from .serialize import CHUNK, record_of, with_records

EDITORIAL_FIELDS = ("status", "embargo_until", "summary_zh")


def snapshot(action: Action, record: dict | None = None) -> dict[str, Any]:
    """The action's record and editorial fields, as stored in a version."""
    data = record if record is not None else record_of(action).to_dict()
    return with_editorial(data, action.status, action.embargo_until, action.summary_zh)


def data_of(version: ActionVersion) -> dict[str, Any]:
    """What a version recorded: its data, or for a first version not yet written out
    (see `ActionVersion`), the action as it is now, which is still what it recorded."""
    if version.data is not None:
        return version.data
    # Kept since this version was read?
    kept = ActionVersion.objects.filter(pk=version.pk).values_list("data", flat=True).first()
    if kept is not None:
        return kept
    return snapshot(Action.objects.with_record().get(pk=version.action_id))


def keep(action_ids: Iterable[int]) -> None:
    """Before these actions change or go: write out the data of their versions that
    have none yet (a load's first versions, see `ActionVersion`), from the actions as
    they are now. In a few statements a chunk of actions."""
    for chunk in chunks(sorted(set(action_ids)), CHUNK):
        pending = dict(_unkept(chunk).values_list("action_id", "pk"))
        if not pending:
            continue
        actions = Action.objects.filter(pk__in=list(pending))
        update_each(
            ActionVersion,
            "data",
            (
                (snapshot(action, record.to_dict()), pending[action.pk])
                for action, record in with_records(actions, fields=EDITORIAL_FIELDS)
            ),
        )


def check_kept(action_ids: Iterable[int]) -> None:
    """Refuse to go on where one of these actions, about to get a new version, still has
    a version without data: whatever changed the action did not `keep` it first, and
    that version would now read as the changed action. The transaction then rolls back."""
    for chunk in chunks(sorted(set(action_ids)), CHUNK):
        if _unkept(chunk).exists():
            raise RuntimeError("an action changed before its first version was kept (history.keep)")


def _unkept(action_ids: list[int]):
    """The versions of these actions whose data is not written out yet."""
    return ActionVersion.objects.filter(action_id__in=action_ids, data__isnull=True)


def with_editorial(
    record: dict, status: str, embargo_until: dt.date | None, summary_zh: str
) -> dict[str, Any]:
    """A record with the editorial fields a version keeps beside it."""
    return {
        **record,
        "status": status,
        "embargo_until": embargo_until.isoformat() if embargo_until else None,
        "summary_zh": summary_zh,
    }


def authorship(user, author: str = ""):
    """Who a version names: the editor's account (when logged in) and the name shown."""
    account = user if user is not None and user.is_authenticated else None
    return account, author or (user.get_username() if user is not None else "")


def record_version(action: Action, kind: str, **details) -> ActionVersion:
    """Store the action as it is now (see `version`)."""
    check_kept([action.pk])
    new = version(action, kind, **details)
    new.save()
    return new


def version(
    action: Action,
    kind: str,
    *,
    user=None,
    author: str = "",
    comment: str = "",
    record: dict | None = None,
) -> ActionVersion:
    """The action as it is now, as a version to store. Pass `record` when it is at hand,
    to skip a query."""
    if record is None:
        action = Action.objects.with_record().get(pk=action.pk)
    user, author = authorship(user, author)
    return ActionVersion(
        record_id=action.record_id,
        action=action if kind != ActionVersion.Kind.DELETED else None,
        number=action.revision,
        kind=kind,
        user=user,
        author=author,
        comment=comment[:500],
        data=snapshot(action, record),
    )


def delete_with_history(action: Action, *, user=None, comment: str = "") -> ActionVersion:
    """Delete an action, keeping its last state so that an admin can recover it."""
    with transaction.atomic():
        keep([action.pk])
        version = record_version(action, ActionVersion.Kind.DELETED, user=user, comment=comment)
        ActionVersion.objects.filter(record_id=action.record_id).update(action=None)
        action.delete()
    return version


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def changes(old: dict | None, new: dict) -> list[Change]:
    """What differs between two versions' data, field by field, as text."""
    old = old or {}
    found = []
    for key in new:
        if old.get(key) != new.get(key):
            found.append(Change(key, _text(old.get(key)), _text(new.get(key))))
    return found


def _text(value) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "; ".join(value)
    return json.dumps(value, ensure_ascii=False, indent=1)


def restore(version: ActionVersion, *, user=None) -> Action:
    """Make the action what `version` recorded: a revert, or a recovery after deletion."""
    from .loader import load_records

    data = dict(data_of(version))
    editorial = {key: data.pop(key, None) for key in EDITORIAL_FIELDS}
    [record] = jsonfile.loads(json.dumps([data]))
    with transaction.atomic():
        existing = list(Action.objects.filter(record_id=record.id).values_list("pk", flat=True))
        existed = bool(existing)
        keep(existing)
        load_records([record], user=user, history=False)
        action = Action.objects.get(record_id=record.id)
        action.status = editorial["status"] or action.status
        action.embargo_until = (
            dt.date.fromisoformat(editorial["embargo_until"])
            if editorial["embargo_until"]
            else None
        )
        action.summary_zh = editorial["summary_zh"] or ""
        last = ActionVersion.objects.filter(record_id=record.id).aggregate(n=Max("number"))["n"]
        action.revision = (last or 0) + 1
        action.save(update_fields=["status", "embargo_until", "summary_zh", "revision", "updated"])
        kind = ActionVersion.Kind.REVERTED if existed else ActionVersion.Kind.RECOVERED
        ActionVersion.objects.filter(record_id=record.id, action=None).update(action=action)
        record_version(action, kind, user=user, comment=f"back to revision {version.number}")
    from . import search

    search.refresh([action.pk])
    return action


def deleted_actions() -> list[ActionVersion]:
    """The last version of each deleted action that has not come back."""
    existing = Action.objects.values("record_id")
    versions = ActionVersion.objects.filter(kind=ActionVersion.Kind.DELETED).exclude(
        record_id__in=existing
    )
    latest: dict[str, ActionVersion] = {}
    for version in versions.order_by("-created", "-pk"):
        latest.setdefault(version.record_id, version)
    return list(latest.values())
