"""Full-text search of actions: SQLite's FTS5 or PostgreSQL's own, behind one interface.

Both index `Action.search_document`, the folded text of the searchable fields (see
formats/searchtext.py): summary (English and Chinese), mechanism, action, issues,
defenders, governments, regions, communication references and related sources.

- SQLite: an external-content FTS5 table kept in step by triggers, ranked by bm25.
- PostgreSQL: each action's tsvector ('simple' configuration) in a stored generated
  column with a GIN index, ranked by ts_rank. Stored, not computed from the text in each
  query: ranking a common word's matches, or finding them without the index, would
  parse the text of every one of them again.

`install_index` creates either after every migration (a table rebuild by a later
migration on SQLite would drop the triggers; this puts them back and reindexes).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import OperationalError, connections
from django.db.models import BooleanField, F, FloatField, Max, QuerySet
from django.db.models.expressions import Col, Expression, RawSQL

from unactions.formats import searchtext
from unactions.formats.record import Record

from . import tallies
from .bulk import chunks, triggers_dropped, update_each
from .models import Action, ActionDefender, ActionGovernment, ActionIssue, ActionRegion
from .serialize import CHUNK, with_records

FTS_TABLE = "records_action_search"
# How FTS5 splits and folds the text into words (records/ranking.py counts with it too).
FTS_TOKENIZE = "unicode61 remove_diacritics 2"


def document(
    record: Record, mechanism_name: str, summary_zh: str = "", names_zh: Iterable[str] = ()
) -> str:
    """The text to index for an action with this record; `names_zh`, the Chinese names
    of its mechanism, terms and defenders, so that a search in Chinese finds them."""
    sources = [
        " ".join(filter(None, (s.publisher, s.kind, s.title, s.outlet)))
        for s in record.related_sources
    ]
    return searchtext.index_text(
        record.summary,
        summary_zh,
        record.mechanism,
        mechanism_name,
        record.action,
        *record.issues,
        *record.governments,
        *record.regions,
        *record.defenders,
        *record.communication_refs,
        *sources,
        *names_zh,
    )


def chinese_names(action: Action) -> list[str]:
    """The Chinese names of a stored action's mechanism, terms and defenders (fetched
    `with_record()`), those that have one."""
    named = [
        action.mechanism_term,
        *(link.government for link in action.government_links.all()),
        *(link.issue for link in action.issue_links.all()),
        *(link.region for link in action.region_links.all()),
        *(link.defender for link in action.defender_links.all()),
    ]
    return [row.name_zh for row in named if row.name_zh]


def refresh(action_ids) -> None:
    """Recompute the indexed text of these actions after their fields or links changed."""
    for chunk in chunks(sorted(set(action_ids)), CHUNK):
        reindex(with_records(Action.objects.filter(pk__in=chunk), **REINDEXED))


# What `reindex` reads of each action beside its record: for `with_records`.
REINDEXED = {
    "fields": ("summary_zh", "search_document", "mechanism_term__name", "mechanism_term__name_zh"),
    "related": ("mechanism_term",),
}


def reindex(actions: Iterable[tuple[Action, Record]]) -> None:
    """Write the indexed text of these actions and their records (as `with_records`
    reads them, with `REINDEXED`) where it changed: in one statement, and with the
    Chinese names of their terms read in one query per kind of term."""
    actions = list(actions)
    names = _chinese_names([action.pk for action, _ in actions])
    changed = []
    for action, record in actions:
        mechanism = action.mechanism_term
        names_zh = [mechanism.name_zh] if mechanism.name_zh else []
        text = document(record, mechanism.name, action.summary_zh, names_zh + names[action.pk])
        if text != action.search_document:
            changed.append((text, action.pk))
    if changed:
        update_each(Action, "search_document", changed, using=Action.objects.db)


def _chinese_names(action_ids: list[int]) -> dict[int, list[str]]:
    """The Chinese names of these actions' terms and defenders (not their mechanisms'),
    in the order of `chinese_names`."""
    names = defaultdict(list)
    for model, field in _LINKS:
        rows = (
            model.objects.filter(action_id__in=action_ids)
            .exclude(**{f"{field}__name_zh": ""})
            .order_by("action_id", "position", "pk")
            .values_list("action_id", f"{field}__name_zh")
        )
        for action_id, name in rows:
            names[action_id].append(name)
    return names


_LINKS = (
    (ActionGovernment, "government"),
    (ActionIssue, "issue"),
    (ActionRegion, "region"),
    (ActionDefender, "defender"),
)


def search(queryset: QuerySet, query: str) -> QuerySet:
    """The actions of `queryset` that contain every word of `query`."""
    terms = searchtext.terms(query)
    if not terms:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        return queryset.alias(search_vector=StoredVector()).filter(
            search_vector=SearchQuery(searchtext.tsquery(terms), search_type="raw", config="simple")
        )
    return queryset.filter(search_entry__search_document__match=searchtext.fts5_query(terms))


def count(query: str, using: str = "default") -> int | None:
    """How many actions contain every word of `query`, counted by SQLite's full-text
    index alone (it holds one entry for each action): 37 ms for the 686,000 actions of
    "detention" at a million, where counting the actions among its matches took 0.32 s.
    None where the index cannot count them: no words, or PostgreSQL (whose GIN index
    counts them as a query of the actions does)."""
    terms = searchtext.terms(query)
    if not terms or connections[using].vendor != "sqlite":
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",
            [searchtext.fts5_query(terms)],
        )
        return cursor.fetchone()[0]


# From this many matches on, a list in its own order finds them by its index (below).
MANY_MATCHES = 10_000


def search_in_order(queryset: QuerySet, query: str) -> QuerySet:
    """`search(queryset, query)` for a list in the queryset's own order (the admin's,
    newest first). On SQLite, a word in many actions is looked for the other way round:
    the list's index is read in order and each action kept if it is among the matches,
    until the page is full. Joining the matches to their rows read the row of each
    match, to sort them all: 0.56 s for "detention" at a million actions (686,000
    matches), 0.08 s this way. A rarer word's few matches are still read by their rows
    (this way would read the whole index for them)."""
    terms = searchtext.terms(query)
    if not terms or connections[queryset.db].vendor != "sqlite":
        return search(queryset, query)
    match = searchtext.fts5_query(terms)
    matches = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({matches} LIMIT %s)", [match, MANY_MATCHES])
        (found,) = cursor.fetchone()
    if found < MANY_MATCHES:
        return search(queryset, query)
    # The unary + keeps SQLite from reading the ids as keys of the table's rows.
    table = connections[queryset.db].ops.quote_name(Action._meta.db_table)
    return queryset.filter(
        RawSQL(f"+{table}.id IN ({matches})", [match], output_field=BooleanField())
    )


def order_by_relevance(queryset: QuerySet, query: str) -> QuerySet:
    """`search(queryset, query)`, best matches first (newest first among equals)."""
    terms = searchtext.terms(query)
    if not terms:
        return queryset.order_by("-date", "pk")
    matches = search(queryset, query)
    if connections[queryset.db].vendor == "postgresql":
        rank = SearchRank(
            F("search_vector"),
            SearchQuery(searchtext.tsquery(terms), search_type="raw", config="simple"),
        )
    else:
        # bm25() is lower for better matches.
        rank = RawSQL(f"-bm25({FTS_TABLE})", (), output_field=FloatField())
    return matches.annotate(rank=rank).order_by("-rank", "-date", "pk")


class StoredVector(Expression):
    """The stored tsvector of an action (PostgreSQL): a column Django does not write, and
    so not a field of the model (`install_index` creates it)."""

    def resolve_expression(self, query=None, *args, **kwargs):
        return Col(query.get_initial_alias(), _VECTOR)


_VECTOR = SearchVectorField()
_VECTOR.set_attributes_from_name("search_vector")
_VECTOR.model = Action  # what Django compares expressions by


_INSERT_TRIGGER = f"""CREATE TRIGGER IF NOT EXISTS records_action_search_insert
    AFTER INSERT ON records_action
    BEGIN
        INSERT INTO {FTS_TABLE}(rowid, search_document) VALUES (new.id, new.search_document);
    END"""
_SQLITE_INDEX = [
    f"""CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
        search_document, content='records_action', content_rowid='id',
        tokenize='{FTS_TOKENIZE}')""",
    _INSERT_TRIGGER,
    f"""CREATE TRIGGER IF NOT EXISTS records_action_search_delete AFTER DELETE ON records_action
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS records_action_search_update
    AFTER UPDATE OF search_document ON records_action
    BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document)
        VALUES ('delete', old.id, old.search_document);
        INSERT INTO {FTS_TABLE}(rowid, search_document) VALUES (new.id, new.search_document);
    END""",
]
_SQLITE_TRIGGERS = (
    "records_action_search_insert",
    "records_action_search_delete",
    "records_action_search_update",
)
_POSTGRES_INDEX = [
    """ALTER TABLE records_action ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, COALESCE(search_document, '')))
    STORED""",
    """CREATE INDEX IF NOT EXISTS records_action_search_vector ON records_action
    USING gin (search_vector)""",
    # The index of earlier versions, on the expression.
    "DROP INDEX IF EXISTS records_action_search_gin",
]


def install_index(connection) -> None:
    """Create the full-text index of the connection's database if it is missing."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master "
                "WHERE type = 'trigger' AND name IN (%s, %s, %s)",
                _SQLITE_TRIGGERS,
            )
            if cursor.fetchone()[0] == len(_SQLITE_TRIGGERS):
                return
            for statement in _SQLITE_INDEX:
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            # Every action's indexed length may differ (the facet index holds them).
            tallies.log_everything(cursor)
        elif connection.vendor == "postgresql":
            for statement in _POSTGRES_INDEX:
                cursor.execute(statement)


@contextmanager
def insert_trigger_suspended():
    """The trigger indexing each new action dropped while a large load runs (see
    `bulk.triggers_dropped`), and the actions inserted meanwhile indexed once it has
    gone well, by one statement reading their texts back from their rows
    (`index_added`). Indexed as the load went, 20,000 at a time, FTS5 wrote out what it
    held each time another statement of many rows began (a segment each time, merged
    again and again); indexed at the end, a million actions' load took 75.4 and 77.6 s
    instead of 79.6 and 80.8 s (alternating runs), and Python holds none of the texts.
    FTS5 meanwhile holds up to 128 MB of new entries in memory before it writes them
    out as a segment of its index, instead of 1 MB: fewer segments, merged fewer times
    (a million texts indexed in 5.3 s instead of 8.6 s with 32 MB; with 128 MB against
    32, on a slower machine, 7.0-7.1 s instead of 8.7-9.9 s in a statement of their own,
    and 8.5 and 10.1 s instead of 8.8 and 11.2 s at the end of a million's load, whose
    highest memory grew by 27 MB). That is its `hashsize` setting, which FTS5 reads but
    does not document: where it is refused, the load runs as before. On other databases
    it does nothing."""
    with triggers_dropped(["records_action_search_insert"], [_INSERT_TRIGGER]) as dropped:
        if not dropped:
            yield
            return
        # Every action inserted from here on comes after this one (the loader's keys:
        # `bulk.Inserter.insert_keyed`).
        last = Action.objects.aggregate(last=Max("pk"))["last"] or 0
        with connections["default"].cursor() as cursor:
            cursor.execute(f"SELECT v FROM {FTS_TABLE}_config WHERE k = 'hashsize'")
            (before,) = cursor.fetchone() or (_FTS5_HASHSIZE,)
            enlarged = _set_hashsize(cursor, _LOAD_HASHSIZE)
            yield
            index_added(after=last)
            if enlarged:
                _set_hashsize(cursor, before)


# FTS5's buffer of new entries, by default and during a large load.
_FTS5_HASHSIZE = 1024 * 1024
_LOAD_HASHSIZE = 128 * 1024 * 1024


def _set_hashsize(cursor, size: int) -> bool:
    """Set FTS5's `hashsize`; whether it took it."""
    try:
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rank) VALUES ('hashsize', %s)", [int(size)]
        )
    except OperationalError:
        return False
    return True


def index_added(after: int) -> None:
    """Index the actions inserted while the insert trigger was suspended: those whose
    id is larger than `after` (SQLite)."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, search_document) "
            "SELECT id, search_document FROM records_action WHERE id > %s",
            [after],
        )
