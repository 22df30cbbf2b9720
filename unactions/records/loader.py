"""Storing records: all of them in one transaction, or none.

The CLI's `import`, the editors' upload and the tests all come through `load_records`.
An action is matched by its record id: a record identical to the stored one leaves it
untouched, a different one replaces its fields, a new id creates an action.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from unactions.formats import extract
from unactions.formats.errors import Problem, RecordsError
from unactions.formats.record import ACTION_TYPES, BODIES, Record

from . import models, search
from .history import record_version
from .serialize import record_of


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


class _DryRun(Exception):
    pass


def load_records(
    records: Sequence[Record],
    *,
    dry_run: bool = False,
    user=None,
    author: str = "",
    comment: str = "",
    history: bool = True,
    status: str = models.Status.PUBLISHED,
    progress=None,
) -> ImportResult:
    """Store `records`; with `dry_run`, only say what storing them would do.

    New actions get `status` (the record schema carries none; updated actions keep
    theirs). Each created or updated action gets a version in its history, by `user`
    (an editor) or `author` (who ran the command).
    """
    _check(records)
    result = ImportResult()
    try:
        with transaction.atomic():
            terms = _Terms()
            stored = {
                a.record_id: a
                for a in models.Action.objects.with_record().filter(
                    record_id__in=[r.id for r in records]
                )
            }
            for done, record in enumerate(records, start=1):
                if progress:
                    progress(done, len(records))
                action = stored.get(record.id)
                if action is None:
                    action, kind = models.Action(record_id=record.id, status=status), "created"
                    result.created.append(record.id)
                elif record_of(action).to_dict() == record.to_dict():
                    result.unchanged.append(record.id)
                    continue
                else:
                    kind = "updated"
                    result.updated.append(record.id)
                _write(action, record, terms)
                if history:
                    record_version(
                        action,
                        kind,
                        user=user,
                        author=author,
                        comment=comment,
                        record=record.to_dict(),
                    )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return result


def _check(records: Sequence[Record]) -> None:
    problems = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        where = f"record {number} ({record.id})"
        if record.id in seen:
            problems.append(Problem(f"the id {record.id!r} appears twice", entry=where))
        seen.add(record.id)
        if record.body not in BODIES:
            problems.append(
                Problem(f"unknown body {record.body!r} (one of {', '.join(BODIES)})", entry=where)
            )
        if record.action_type not in ACTION_TYPES:
            problems.append(
                Problem(
                    f"unknown action_type {record.action_type!r} "
                    f"(one of {', '.join(ACTION_TYPES)})",
                    entry=where,
                )
            )
        for key in ("governments", "issues", "regions", "defenders"):
            names = getattr(record, key)
            if repeated := sorted({n for n in names if names.count(n) > 1}):
                problems.append(
                    Problem(f"{key} lists {', '.join(map(repr, repeated))} twice", entry=where)
                )
    if problems:
        raise RecordsError(problems)


class _Terms:
    """Vocabulary rows by name, created on first use, looked up once per import."""

    def __init__(self):
        self._cache: dict[tuple[type, str], object] = {}

    def get(self, model, name: str, **defaults):
        key = (model, name)
        if key not in self._cache:
            self._cache[key], _ = model.objects.get_or_create(name=name, defaults=defaults)
        return self._cache[key]


def _write(action: models.Action, record: Record, terms: _Terms) -> None:
    action.date = record.date
    action.date_text = record.date_text
    action.published_date = record.published_date
    action.body = record.body
    action.mechanism = record.mechanism
    action.mechanism_term = terms.get(
        models.Mechanism, extract.named_mechanism(record.mechanism), body=record.body
    )
    action.mandates = record.mandates
    action.experts = record.experts
    action.action_type = record.action_type
    action.action = record.action
    action.joint = record.joint
    action.summary = record.summary
    action.languages = list(record.languages)
    action.communication_refs = list(record.communication_refs)
    action.search_document = search.document(record, action.mechanism_term.name, action.summary_zh)
    is_new = action.pk is None
    action.revision += 1
    action.save()

    if not is_new:
        for related in (
            action.government_links,
            action.issue_links,
            action.region_links,
            action.defender_links,
            action.documents,
            action.related_sources,
        ):
            related.all().delete()
        models.Response.objects.filter(action=action).delete()

    for link, term, names in (
        (models.ActionGovernment, "government", record.governments),
        (models.ActionIssue, "issue", record.issues),
        (models.ActionRegion, "region", record.regions),
        (models.ActionDefender, "defender", record.defenders),
    ):
        term_model = link._meta.get_field(term).related_model
        # A region the vocabulary lacks goes after the deployment's own.
        defaults = {"position": 100} if term_model is models.Region else {}
        link.objects.bulk_create(
            link(action=action, position=i, **{term: terms.get(term_model, name, **defaults)})
            for i, name in enumerate(names)
        )
    models.Document.objects.bulk_create(
        models.Document(
            action=action, position=i, label=d.label, languages=list(d.languages), url=d.url
        )
        for i, d in enumerate(record.documents)
    )
    models.RelatedSource.objects.bulk_create(
        models.RelatedSource(
            action=action,
            position=i,
            publisher=s.publisher,
            kind=s.kind,
            title=s.title,
            outlet=s.outlet,
            date=s.date,
            url=s.url,
        )
        for i, s in enumerate(record.related_sources)
    )
    if record.response:
        models.Response.objects.create(
            action=action,
            text=record.response.text,
            date=record.response.date,
            languages=list(record.response.languages),
        )
