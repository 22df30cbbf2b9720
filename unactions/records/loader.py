"""Storing records: all of them in one transaction, or none.

The CLI's `import`, the editors' upload and the tests all come through `load_records`.
An action is matched by its record id: a record identical to the stored one leaves it
untouched, a different one replaces its fields, a new id creates an action.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from itertools import chain, islice

from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from unactions.formats import extract
from unactions.formats.errors import Problem, RecordsError
from unactions.formats.record import ACTION_TYPES, BODIES, Record

from . import models, search, tallies
from .bulk import (
    Inserter,
    chunks,
    collector_paused,
    indexes_dropped,
    tuned_for_large_load,
    written_once,
)
from .history import authorship, keep, version
from .serialize import with_records


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created):,} created, {len(self.updated):,} updated, "
            f"{len(self.unchanged):,} unchanged"
        )


class _DryRun(Exception):
    pass


@collector_paused()
def load_records(
    records: Iterable[Record],
    *,
    dry_run: bool = False,
    user=None,
    author: str = "",
    comment: str = "",
    history: bool = True,
    status: str = models.Status.PUBLISHED,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Store `records`; with `dry_run`, only say what storing them would do.

    New actions get `status` (the record schema carries none; updated actions keep
    theirs). Each created or updated action gets a version in its history, by `user`
    (an editor) or `author` (who ran the command). `progress` is told how many records
    have been taken after each chunk.

    `records` is read once, a chunk at a time, and stored as it is read, inside one
    transaction: a file read as it is taken (`read.open_records`) is then held a chunk
    at a time, not whole. Every problem, the reading's (a RecordsError raised by the
    iteration) and the records' (`_Checker`), is raised together once all are read,
    and then nothing is stored.
    """
    records = iter(records)
    checker = _Checker()
    # A load of this many records or more is a large one (see BULK).
    first: list[Record] = []
    try:
        first.extend(islice(records, BULK))
    except RecordsError as error:  # in a small file, or early in a large one
        checker.check(first)
        raise RecordsError([*error.problems, *checker.problems]) from None
    result = ImportResult()
    try:
        with ExitStack() as stack:
            if len(first) >= BULK and not models.Action.objects.exists():
                # A first large load: written once, where no one else is reading.
                stack.enter_context(written_once())
            stack.enter_context(transaction.atomic())
            # With the triggers suspended, the loader keeps the tallies: what its new
            # actions add to them, and it counts its changes itself.
            counts = None
            drop_indexes_after = None
            if len(first) >= BULK:
                stack.enter_context(tuned_for_large_load())
                if stack.enter_context(tallies.suspended()):
                    counts = tallies.Counts()
                stack.enter_context(search.insert_trigger_suspended())
                if connection.vendor == "sqlite":
                    # A load that more than doubles the actions builds the indexes it
                    # does not read once at the end, from all the rows: dropped once it
                    # has stored more actions than there were. (Not on PostgreSQL,
                    # whose readers would wait for the load to end.)
                    drop_indexes_after = models.Action.objects.count()
            load = _Load(
                counts=counts,
                status=status,
                history={"user": user, "author": author, "comment": comment} if history else None,
                # Into an empty database (a first load), every record is new.
                anything_stored=models.Action.objects.exists(),
            )
            done = 0
            try:
                for chunk in chunks(chain(first, records), CHUNK):
                    done += len(chunk)
                    # After a problem, read on to list every one, storing nothing more.
                    if checker.check(chunk):
                        if drop_indexes_after is not None and done > drop_indexes_after:
                            stack.enter_context(indexes_dropped(_LOADED_TABLES, _read_by_loader))
                            drop_indexes_after = None
                        load.store(chunk, result)
                    if progress:
                        progress(done)
            except RecordsError as error:
                raise RecordsError([*error.problems, *checker.problems]) from None
            if checker.problems:
                raise RecordsError(checker.problems)
            if dry_run:
                raise _DryRun
            if counts is not None:
                counts.save()
    except _DryRun:
        pass
    return result


# Records are stored a chunk at a time: one query per table for each chunk.
CHUNK = 500
# From this many records on, a load suspends the triggers that count (and on SQLite
# index) each row: it adds up what its new actions add to the tallies as it goes and
# writes that at the end (`tallies.Counts`), counts its changes a chunk at a time, and
# indexes its new actions at the end (`search.insert_trigger_suspended`).
BULK = 1000


@dataclass
class _Load:
    """What storing each chunk of a load needs from the start."""

    counts: tallies.Counts | None  # see `load_records`
    status: str
    history: dict | None  # user, author and comment of the versions; None for none
    anything_stored: bool
    terms: _Terms = field(default_factory=lambda: _Terms())

    def store(self, chunk: list[Record], result: ImportResult) -> None:
        """Store a chunk of records: the new ones created, the changed ones updated."""
        stored = _stored([r.id for r in chunk]) if self.anything_stored else {}
        new: list[Record] = []
        changes: list[tuple[models.Action, Record, str]] = []
        for record in chunk:
            action, stored_record = stored.get(record.id, (None, None))
            if action is None:
                new.append(record)
                result.created.append(record.id)
            elif stored_record.to_dict() == record.to_dict():
                result.unchanged.append(record.id)
            else:
                changes.append((action, record, models.ActionVersion.Kind.UPDATED))
                result.updated.append(record.id)
        _create(new, self.terms, self.status, self.history, self.counts)
        _store(changes, self.terms, self.counts)
        if self.history is not None:
            models.ActionVersion.objects.bulk_create(
                version(action, kind, **self.history, record=record.to_dict())
                for action, record, kind in changes
            )


def _stored(record_ids: list[str]) -> dict[str, tuple[models.Action, Record]]:
    """The stored actions of these record ids, each with its record, read as rows
    (`serialize.with_records`; a prefetch, which makes a query set for each action and
    relation, took three quarters of a load of records all stored already), with the
    columns `_store` reads or writes: all but the indexed text, which it writes anew."""
    actions = models.Action.objects.filter(record_id__in=record_ids)
    return {
        action.record_id: (action, record)
        for action, record in with_records(actions, fields=_STORED_FIELDS)
    }


_STORED_FIELDS = tuple(
    f.name for f in models.Action._meta.concrete_fields if f.name != "search_document"
)


class _Checker:
    """What must hold of every record before any is stored, checked a chunk at a time
    as they are read: problems are kept, with each record's number, until all are."""

    def __init__(self):
        self.problems: list[Problem] = []
        self._seen: set[str] = set()
        self._number = 0

    def check(self, records: Iterable[Record]) -> bool:
        """Check more records; whether no record checked so far has a problem."""
        for record in records:
            self._number += 1
            if found := self._problems(record):
                where = f"record {self._number} ({record.id})"
                self.problems.extend(Problem(message, entry=where) for message in found)
        return not self.problems

    def _problems(self, record: Record) -> list[str]:
        found = []
        if record.id in self._seen:
            found.append(f"the id {record.id!r} appears twice")
        self._seen.add(record.id)
        if record.body not in BODIES:
            found.append(f"unknown body {record.body!r} (one of {', '.join(BODIES)})")
        if record.action_type not in ACTION_TYPES:
            found.append(
                f"unknown action_type {record.action_type!r} (one of {', '.join(ACTION_TYPES)})"
            )
        for key in ("governments", "issues", "regions", "defenders"):
            names = getattr(record, key)
            if len(set(names)) != len(names):
                repeated = sorted({n for n in names if names.count(n) > 1})
                found.append(f"{key} lists {', '.join(map(repr, repeated))} twice")
        return found


class _Terms:
    """Vocabulary rows by name: looked up in bulk, created in bulk when missing."""

    def __init__(self):
        # By model, then by name (a dict a model: a large load looks names up millions
        # of times).
        self._terms: dict[type, dict[str, object]] = defaultdict(dict)
        self.ids: dict[type, dict[str, int]] = defaultdict(dict)
        # By model, then by name: the Chinese names of the terms at hand that have one.
        self.chinese: dict[type, dict[str, str]] = defaultdict(dict)

    def get(self, model, name: str):
        return self._terms[model][name]

    def preload(self, records: Sequence[Record]) -> None:
        # The names not yet at hand, with what a new term of each needs beside its name.
        missing: dict[type, dict[str, dict]] = {
            model: {} for model in (models.Mechanism, *_TERM_FIELDS.values())
        }
        mechanisms = self._terms[models.Mechanism]
        for record in records:
            mechanism = extract.named_mechanism(record.mechanism)
            if mechanism not in mechanisms:
                missing[models.Mechanism].setdefault(mechanism, {"body": record.body})
        for attribute, model in _TERM_FIELDS.items():
            known, wanted = self._terms[model], missing[model]
            # A region the vocabulary lacks goes after the deployment's own.
            extra = {"position": 100} if model is models.Region else {}
            for record in records:
                for name in getattr(record, attribute):
                    if name not in known and name not in wanted:
                        wanted[name] = extra
        for model, names in missing.items():
            if not names:
                continue
            for chunk in chunks(names, CHUNK):
                for term in model.objects.filter(name__in=chunk):
                    self._add(term)
            new = [n for n in names if n not in self._terms[model]]
            slugs = _unique_slugs(model, new)
            created = model.objects.bulk_create(
                model(name=n, slug=slugs[n], **names[n]) for n in new
            )
            for term in created:
                self._add(term)

    def _add(self, term) -> None:
        self._terms[type(term)][term.name] = term
        self.ids[type(term)][term.name] = term.pk
        if term.name_zh:
            self.chinese[type(term)][term.name] = term.name_zh


_TERM_FIELDS = {
    "governments": models.Government,
    "issues": models.Issue,
    "regions": models.Region,
    "defenders": models.Defender,
}
_LINKS = (
    (models.ActionGovernment, "government", "governments"),
    (models.ActionIssue, "issue", "issues"),
    (models.ActionRegion, "region", "regions"),
    (models.ActionDefender, "defender", "defenders"),
)


_LOADED_TABLES = [
    model._meta.db_table
    for model in (
        models.Action,
        *(link for link, _, _ in _LINKS),
        models.Document,
        models.RelatedSource,
        models.Response,
        models.ActionVersion,
    )
]


def _read_by_loader(columns: list[str]) -> bool:
    """Whether the loader reads an index with these columns (the rest a large load
    drops while it runs: see `bulk.indexes_dropped`): those of an action's children."""
    return columns[0] == "action_id"


def _unique_slugs(model, names: list[str]) -> dict[str, str]:
    """A slug for each new name, unique among the stored ones and each other."""
    bases = {n: slugify(n, allow_unicode=True) or model._meta.model_name for n in names}
    taken = set()
    for chunk in chunks(sorted(set(bases.values())), CHUNK):
        taken |= set(model.objects.filter(slug__in=chunk).values_list("slug", flat=True))
    slugs = {}
    for name in names:
        slug, n = bases[name], 1
        while slug in taken or (n > 1 and model.objects.filter(slug=slug).exists()):
            n += 1
            slug = f"{bases[name]}-{n}"
        taken.add(slug)
        slugs[name] = slug
    return slugs


def _create(
    records: list[Record],
    terms: _Terms,
    status: str,
    history: dict | None,
    counts: tallies.Counts | None,
) -> None:
    """Insert new actions and everything they hold, with one statement per table."""
    if not records:
        return
    terms.preload(records)
    now = timezone.now()
    rows, mechanisms = [], []
    for record in records:
        mechanism = terms.get(models.Mechanism, extract.named_mechanism(record.mechanism))
        mechanisms.append(mechanism)
        document = search.document(
            record, mechanism.name, names_zh=_chinese_names(record, mechanism, terms)
        )
        rows.append((*_columns(record, mechanism), "", document, status, 1, now, now))
    editorial = ("summary_zh", "search_document", "status", "revision", "created", "updated")
    inserter = Inserter(models.Action, (*_ACTION_FIELDS, *editorial))
    keys = inserter.insert_keyed(rows)
    linked = _linked(records, terms)
    _insert_children(keys, records, linked)
    if counts is not None and status == models.Status.PUBLISHED:
        # New actions have no embargo: public when published.
        counts.add(
            [
                (r.body, r.action_type, r.date, m.pk, r.response is not None, _replied(r))
                for r, m in zip(records, mechanisms, strict=True)
            ],
            linked,
        )
    if history is not None:
        # The first version of each action, as `history.version` would make it but
        # without its data: the action itself until it changes (`history.keep`).
        user, author = authorship(history["user"], history["author"])
        user_id = user.pk if user is not None else None
        fields = ("record_id", "action", "number", "kind", "user", "author", "comment")
        Inserter(models.ActionVersion, (*fields, "created", "data")).insert_alike(
            zip((record.id for record in records), keys, strict=True),
            (
                1,
                models.ActionVersion.Kind.CREATED,
                user_id,
                author,
                history["comment"][:500],
                now,
                None,
            ),
        )


def _replied(record: Record):
    """The date of a record's response, if it has one with a date."""
    return record.response.date if record.response is not None else None


def _store(
    changes: list[tuple[models.Action, Record, str]],
    terms: _Terms,
    counts: tallies.Counts | None,
) -> None:
    """Write changed actions: their fields, and everything they hold anew."""
    if not changes:
        return
    terms.preload([record for _, record, _ in changes])
    keep([action.pk for action, _, _ in changes])
    if counts is not None:
        tallies.count([action.pk for action, _, _ in changes], -1)
    for action, record, _ in changes:
        _set_fields(action, record, terms)
        action.revision += 1
        action.save()
    actions = [action for action, _, _ in changes]
    for model in (
        *(link for link, _, _ in _LINKS),
        models.Document,
        models.RelatedSource,
        models.Response,
    ):
        model.objects.filter(action__in=actions).delete()
    records = [record for _, record, _ in changes]
    _insert_children([action.pk for action in actions], records, _linked(records, terms))
    if counts is not None:
        tallies.count([action.pk for action, _, _ in changes])


def _chinese_names(record: Record, mechanism: models.Mechanism, terms: _Terms) -> list[str]:
    """The Chinese names of a record's mechanism, terms and defenders (see
    `search.chinese_names`), from the terms at hand."""
    found = [mechanism.name_zh] if mechanism.name_zh else []
    for attribute, model in _TERM_FIELDS.items():
        if chinese := terms.chinese.get(model):
            found.extend(chinese[name] for name in getattr(record, attribute) if name in chinese)
    return found


def _linked(records: list[Record], terms: _Terms) -> dict[str, list[list[int]]]:
    """The ids of the records' terms by the kind of their link (as `_LINKS` names it):
    for each kind, a list of ids for each record, in the records' order."""
    linked = {}
    for _, kind, attribute in _LINKS:
        ids = terms.ids[_TERM_FIELDS[attribute]]
        linked[kind] = [[ids[name] for name in getattr(r, attribute)] for r in records]
    return linked


def _insert_children(
    keys: list[int], records: list[Record], linked: dict[str, list[list[int]]]
) -> None:
    """Insert the links (from the ids of `_linked`), documents, sources and responses
    of stored actions, given by their keys and records."""
    for link, kind, _ in _LINKS:
        Inserter(link, ("action", "position", kind)).insert_listed(keys, linked[kind])
    actions = list(zip(keys, records, strict=True))
    Inserter(models.Document, ("action", "position", "label", "languages", "url")).insert(
        (key, i, d.label, list(d.languages), d.url)
        for key, record in actions
        for i, d in enumerate(record.documents)
    )
    sources = ("action", "position", "publisher", "kind", "title", "outlet", "date", "url")
    Inserter(models.RelatedSource, sources).insert(
        (key, i, s.publisher, s.kind, s.title, s.outlet, s.date, s.url)
        for key, record in actions
        for i, s in enumerate(record.related_sources)
    )
    Inserter(models.Response, ("action", "text", "date", "languages")).insert(
        (key, r.text, r.date, list(r.languages))
        for key, record in actions
        if (r := record.response)
    )


_ACTION_FIELDS = (
    "record_id",
    "date",
    "year",
    "date_text",
    "published_date",
    "body",
    "mechanism",
    "mechanism_term",
    "mandates",
    "experts",
    "action_type",
    "action",
    "joint",
    "summary",
    "languages",
    "communication_refs",
)


def _columns(record: Record, mechanism: models.Mechanism) -> tuple:
    """The values of `_ACTION_FIELDS` for a record."""
    return (
        record.id,
        record.date,
        record.date.year,
        record.date_text,
        record.published_date,
        record.body,
        record.mechanism,
        mechanism.pk,
        record.mandates,
        record.experts,
        record.action_type,
        record.action,
        record.joint,
        record.summary,
        list(record.languages),
        list(record.communication_refs),
    )


def _set_fields(action: models.Action, record: Record, terms: _Terms) -> None:
    mechanism = terms.get(models.Mechanism, extract.named_mechanism(record.mechanism))
    for name, value in zip(_ACTION_FIELDS, _columns(record, mechanism), strict=True):
        setattr(action, models.Action._meta.get_field(name).attname, value)
    action.search_document = search.document(
        record, mechanism.name, action.summary_zh, _chinese_names(record, mechanism, terms)
    )
