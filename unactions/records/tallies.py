"""Counts of public actions kept by the database itself, for facets and statistics.

Counting the facets of a million actions scans every one of them for every facet. The
tallies (`ActionTally`, `TermTally`, `ReplyTally`) hold those counts grouped by what
readers filter on,
and database triggers adjust them in the same transaction as every insert, update and
delete of an action, its links or its response, whoever makes it (the loader, the admin,
a merge of terms, a restore, raw SQL). Nothing can read a count that an edit has not
reached, so there is nothing to invalidate.

A tally counts the actions that are published with no embargo date. Published actions
whose embargo has passed become public with the calendar, not with an edit, so
`query.facet_counts` counts those few live and adds them.

The same triggers also log which actions changed (`ActionChange`), and on SQLite one
more logs the actions whose indexed text changes, so that the facet index of searches
(records/facetindex.py) can catch up with every change.

`install` creates the triggers after every migration (a table rebuild by a later SQLite
migration drops them) and recounts everything when any was missing or older. Large
loads suspend the triggers (`suspended`) and keep the tallies themselves: they add up
what their new actions add (`Counts`) and count the actions they change (`count`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from contextlib import contextmanager
from itertools import chain

from django.db import connection, connections

from .bulk import id_list, id_list_value, triggers_dropped

# The link tables counted by TermTally: kind, table, column of the term.
LINKS = (
    ("issue", "records_actionissue", "issue_id"),
    ("region", "records_actionregion", "region_id"),
    ("government", "records_actiongovernment", "government_id"),
    ("defender", "records_actiondefender", "defender_id"),
)

# Trigger names carry the version of what they do (by database, as they differ): a new
# version replaces the old ones.
_VERSIONS = {"sqlite": 4, "postgresql": 8}
# On PostgreSQL the triggers do nothing in a transaction that sets this (`suspended`).
_BULK_SETTING = "unactions.bulk_load"
_ACTION_KEY = "body, action_type, year, month, mechanism_id, responded"
_TERM_KEY = "kind, body, action_type, term_id"
_REPLY_KEY = "government_id, body, action_type, dated, days"
_KEYS = {
    "records_actiontally": _ACTION_KEY,
    "records_termtally": _TERM_KEY,
    "records_replytally": _REPLY_KEY,
}


def _prefix(vendor: str) -> str:
    return f"records_tally{_VERSIONS[vendor]}_"


def _upsert(table: str) -> str:
    return f"ON CONFLICT ({_KEYS[table]}) DO UPDATE SET n = {table}.n + excluded.n"


def _days(vendor: str, later: str, earlier: str) -> str:
    """Days from `earlier` to `later` (0 when `later` is null: see ReplyTally.dated)."""
    if vendor == "postgresql":
        return f"COALESCE({later} - {earlier}, 0)"
    return f"COALESCE(CAST(julianday({later}) - julianday({earlier}) AS integer), 0)"


def _public(row: str) -> str:
    return f"{row}.status = 'published' AND {row}.embargo_until IS NULL"


def _month(vendor: str, row: str) -> str:
    if vendor == "postgresql":
        return f"CAST(EXTRACT(MONTH FROM {row}.date) AS integer)"
    return f"CAST(strftime('%m', {row}.date) AS integer)"


def _add_action(vendor: str, row: str, sign: int) -> list[str]:
    """Statements adding (sign 1) or taking away (-1) the action `row` (NEW or OLD) and
    its links."""
    links = " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, {column} AS term_id FROM {table} WHERE action_id = {row}.id"
        for kind, table, column in LINKS
    )
    return [
        f"""INSERT INTO records_actiontally ({_ACTION_KEY}, n)
        SELECT {row}.body, {row}.action_type, {row}.year, {_month(vendor, row)},
            {row}.mechanism_term_id,
            EXISTS (SELECT 1 FROM records_response WHERE action_id = {row}.id), {sign}
        WHERE {_public(row)}
        {_upsert("records_actiontally")}""",
        f"""INSERT INTO records_termtally ({_TERM_KEY}, n)
        SELECT links.kind, dims.body, dims.action_type, links.term_id, {sign}
        FROM ({links}) AS links
        CROSS JOIN (SELECT {row}.body AS body, {row}.action_type AS action_type
                    UNION ALL SELECT '', '') AS dims
        WHERE {_public(row)}
        {_upsert("records_termtally")}""",
        f"""INSERT INTO records_replytally ({_REPLY_KEY}, n)
        SELECT g.government_id, {row}.body, {row}.action_type, r.date IS NOT NULL,
            {_days(vendor, "r.date", f"{row}.date")}, {sign}
        FROM records_actiongovernment AS g
        JOIN records_response AS r ON r.action_id = g.action_id
        WHERE g.action_id = {row}.id AND {_public(row)}
        {_upsert("records_replytally")}""",
    ]


def _add_link(vendor: str, kind: str, column: str, row: str, sign: int) -> list[str]:
    """Statements counting the link `row` for its action, when the action is public."""
    action = f"FROM records_action AS a WHERE a.id = {row}.action_id AND {_public('a')}"
    replies = []
    if kind == "government":
        replies.append(
            f"""INSERT INTO records_replytally ({_REPLY_KEY}, n)
            SELECT {row}.government_id, a.body, a.action_type, r.date IS NOT NULL,
                {_days(vendor, "r.date", "a.date")}, {sign}
            FROM records_action AS a JOIN records_response AS r ON r.action_id = a.id
            WHERE a.id = {row}.action_id AND {_public("a")}
            {_upsert("records_replytally")}"""
        )
    return replies + [
        f"""INSERT INTO records_termtally ({_TERM_KEY}, n)
        SELECT * FROM (
            SELECT '{kind}', a.body, a.action_type, {row}.{column}, {sign} {action}
            UNION ALL SELECT '{kind}', '', '', {row}.{column}, {sign} {action}
        ) AS counted WHERE TRUE
        {_upsert("records_termtally")}"""
    ]


def _move_response(vendor: str, row: str, sign: int) -> list[str]:
    """Statements moving the action of response `row` into (1) or out of (-1) the
    answered tally."""
    return [
        f"""INSERT INTO records_actiontally ({_ACTION_KEY}, n)
        SELECT a.body, a.action_type, a.year, {_month(vendor, "a")}, a.mechanism_term_id,
            r.responded, CASE WHEN r.responded THEN {sign} ELSE {-sign} END
        FROM records_action AS a CROSS JOIN (SELECT {_true(vendor)} AS responded
                                             UNION ALL SELECT {_false(vendor)}) AS r
        WHERE a.id = {row}.action_id AND {_public("a")}
        {_upsert("records_actiontally")}""",
        f"""INSERT INTO records_replytally ({_REPLY_KEY}, n)
        SELECT g.government_id, a.body, a.action_type, {row}.date IS NOT NULL,
            {_days(vendor, f"{row}.date", "a.date")}, {sign}
        FROM records_action AS a JOIN records_actiongovernment AS g ON g.action_id = a.id
        WHERE a.id = {row}.action_id AND {_public("a")}
        {_upsert("records_replytally")}""",
    ]


def _true(vendor: str) -> str:
    return "TRUE" if vendor == "postgresql" else "1"


def _false(vendor: str) -> str:
    return "FALSE" if vendor == "postgresql" else "0"


# What changes an action's place in the tallies.
_ACTION_COLUMNS = (
    "status",
    "embargo_until",
    "body",
    "action_type",
    "date",
    "year",
    "mechanism_term_id",
)


def _log(vendor: str, *action_ids: str) -> list[str]:
    """Statements logging the actions whose facet values or indexed text change, for
    the facet index of searches (records/facetindex.py); on PostgreSQL with the id of
    the transaction."""
    return [
        f"INSERT INTO records_actionchange (action_id, token, xid) VALUES ({action_id}, "
        f"{_LOG_VALUES[vendor]})"
        for action_id in action_ids
    ]


_LOG_VALUES = {
    "sqlite": "random(), NULL",
    "postgresql": "(random() * 9e18)::bigint, pg_current_xact_id()::text::bigint",
}


# The change log keeps this many entries. On SQLite the facet index reads everything
# again when the last entry it saw is gone. On PostgreSQL, where a transaction can commit
# entries numbered before the last one a reader saw, the reader could not tell that such
# entries were pruned: the pruning logs that everything changed.
LOG_KEPT = 100_000


def _triggers(vendor: str) -> dict[str, tuple[str, str, str | None, list[str]]]:
    """name -> (timing and event, table, condition, statements)."""
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _ACTION_COLUMNS)
    prefix = _prefix(vendor)
    triggers = {
        f"{prefix}action_insert": (
            "AFTER INSERT",
            "records_action",
            None,
            _add_action(vendor, "NEW", 1) + _log(vendor, "NEW.id"),
        ),
        f"{prefix}action_delete": (
            "AFTER DELETE",
            "records_action",
            None,
            _add_action(vendor, "OLD", -1) + _log(vendor, "OLD.id"),
        ),
        f"{prefix}action_update": (
            "AFTER UPDATE",
            "records_action",
            changed,
            _add_action(vendor, "OLD", -1) + _add_action(vendor, "NEW", 1) + _log(vendor, "NEW.id"),
        ),
        f"{prefix}response_insert": (
            "AFTER INSERT",
            "records_response",
            None,
            _move_response(vendor, "NEW", 1) + _log(vendor, "NEW.action_id"),
        ),
        f"{prefix}response_delete": (
            "AFTER DELETE",
            "records_response",
            None,
            _move_response(vendor, "OLD", -1) + _log(vendor, "OLD.action_id"),
        ),
        f"{prefix}response_update": (
            "AFTER UPDATE",
            "records_response",
            "OLD.action_id <> NEW.action_id OR OLD.date IS NOT NEW.date",
            _move_response(vendor, "OLD", -1)
            + _move_response(vendor, "NEW", 1)
            + _log(vendor, "OLD.action_id", "NEW.action_id"),
        ),
    }
    for kind, table, column in LINKS:
        triggers[f"{prefix}{kind}_insert"] = (
            "AFTER INSERT",
            table,
            None,
            _add_link(vendor, kind, column, "NEW", 1) + _log(vendor, "NEW.action_id"),
        )
        triggers[f"{prefix}{kind}_delete"] = (
            "AFTER DELETE",
            table,
            None,
            _add_link(vendor, kind, column, "OLD", -1) + _log(vendor, "OLD.action_id"),
        )
        triggers[f"{prefix}{kind}_update"] = (
            "AFTER UPDATE",
            table,
            f"OLD.{column} <> NEW.{column} OR OLD.action_id <> NEW.action_id",
            _add_link(vendor, kind, column, "OLD", -1)
            + _add_link(vendor, kind, column, "NEW", 1)
            + _log(vendor, "OLD.action_id", "NEW.action_id"),
        )
    # Not a tally: the facet index holds the length of each action's indexed text
    # (SQLite) and the frequent words' ranks (PostgreSQL).
    triggers[f"{prefix}action_text"] = (
        "AFTER UPDATE OF search_document",
        "records_action",
        "OLD.search_document IS NOT NEW.search_document",
        _log(vendor, "NEW.id"),
    )
    prune = [f"DELETE FROM records_actionchange WHERE seq <= NEW.seq - {LOG_KEPT}"]
    if vendor == "postgresql":
        # A reader cannot tell whether entries it had not seen were pruned there (see
        # LOG_KEPT): what is pruned is replaced by an entry for everything.
        [everything] = _log(vendor, "NULL")
        prune.append(f"IF FOUND THEN {everything}; END IF")
    triggers[f"{prefix}log_prune"] = (
        "AFTER INSERT",
        "records_actionchange",
        "NEW.seq % 1000 = 0",
        prune,
    )
    return triggers


def log_everything(cursor) -> None:
    """Log that any action may have changed (after a load that went without triggers),
    dropping the entries before, which this one supersedes."""
    [statement] = _log(cursor.db.vendor, "NULL")
    cursor.execute(f"{statement} RETURNING seq")
    cursor.execute("DELETE FROM records_actionchange WHERE seq < %s", [cursor.fetchone()[0]])


def _recount(vendor: str, ids: str = "", sign: int = 1) -> list[str]:
    """Statements adding the public actions (those whose id is in `ids`, a subquery,
    when given) to the three tallies, `sign` times."""
    only = f"a.id IN ({ids}) AND " if ids else ""
    only_links = f" WHERE action_id IN ({ids})" if ids else ""
    links = " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, action_id, {column} AS term_id FROM {table}{only_links}"
        for kind, table, column in LINKS
    )
    public = f"FROM ({links}) AS l JOIN records_action AS a ON a.id = l.action_id "
    public += f"WHERE {_public('a')}"
    month, days = _month(vendor, "a"), _days(vendor, "r.date", "a.date")
    return [
        f"""INSERT INTO records_actiontally ({_ACTION_KEY}, n)
        SELECT a.body, a.action_type, a.year, {month}, a.mechanism_term_id,
            r.id IS NOT NULL, {sign} * COUNT(*)
        FROM records_action AS a LEFT JOIN records_response AS r ON r.action_id = a.id
        WHERE {only}{_public("a")}
        GROUP BY a.body, a.action_type, a.year, {month}, a.mechanism_term_id, r.id IS NOT NULL
        {_upsert("records_actiontally")}""",
        # Each term's count over all bodies and types adds up its grouped counts (one
        # pass over the links and their actions, not two).
        f"""INSERT INTO records_termtally ({_TERM_KEY}, n)
        WITH grouped AS MATERIALIZED (
            SELECT l.kind, a.body, a.action_type, l.term_id, {sign} * COUNT(*) AS n {public}
            GROUP BY l.kind, a.body, a.action_type, l.term_id
        )
        SELECT * FROM (
            SELECT * FROM grouped
            UNION ALL
            SELECT kind, '', '', term_id, SUM(n) FROM grouped GROUP BY kind, term_id
        ) AS counted WHERE TRUE
        {_upsert("records_termtally")}""",
        f"""INSERT INTO records_replytally ({_REPLY_KEY}, n)
        SELECT g.government_id, a.body, a.action_type, r.date IS NOT NULL, {days},
            {sign} * COUNT(*)
        FROM records_actiongovernment AS g
        JOIN records_action AS a ON a.id = g.action_id
        JOIN records_response AS r ON r.action_id = a.id
        WHERE {only}{_public("a")}
        GROUP BY g.government_id, a.body, a.action_type, r.date IS NOT NULL, {days}
        {_upsert("records_replytally")}""",
    ]


def count(action_ids: list[int], sign: int = 1) -> None:
    """Add stored actions (with their links and responses) to the tallies, or with
    `sign` -1 take them away: what the triggers do, for many actions at once (in one
    statement a tally, however many)."""
    if not action_ids:
        return
    actions, terms, replies = _recount(connection.vendor, id_list(connection.vendor), sign)
    ids = id_list_value(connection.vendor, action_ids)
    with connection.cursor() as cursor:
        cursor.execute(actions, [ids])
        cursor.execute(terms, [ids] * len(LINKS))
        cursor.execute(replies, [ids])


class Counts:
    """What new actions add to the tallies, added up as a large load stores them and
    written at its end (`save`): the sums `count` would make, without reading back the
    rows just written (for 200,000 new actions, `count` took 7 s reading them again)."""

    def __init__(self):
        self._actions, self._replies = Counter(), Counter()
        # By kind, body and type: how many actions link each term id.
        self._terms: defaultdict[tuple, Counter] = defaultdict(Counter)

    def add(self, actions: list[tuple], terms: dict[str, list[list[int]]]) -> None:
        """New public actions, each as (body, action type, date, mechanism id, whether
        it has a response, the response's date or None), with the ids of their terms by
        kind (the kinds of `LINKS`): for each kind, a list for each action, in order.
        Counted in C (`Counter.update`): the actions, and the term ids of the actions of
        each body and type together (a tuple made for each link took 3 s of a million
        actions' load)."""
        self._actions.update(
            (body, action_type, date.year, date.month, mechanism, responded)
            for body, action_type, date, mechanism, responded, _ in actions
        )
        alike = defaultdict(list)  # the actions' positions by body and type
        for i, action in enumerate(actions):
            alike[action[0], action[1]].append(i)
        for kind, ids in terms.items():
            for (body, action_type), positions in alike.items():
                self._terms[kind, body, action_type].update(
                    chain.from_iterable(map(ids.__getitem__, positions))
                )
        for action, governments in zip(actions, terms["government"], strict=True):
            body, action_type, date, _, responded, replied = action
            if responded:
                dated = replied is not None
                days = (replied - date).days if dated else 0
                self._replies.update(
                    (government_id, body, action_type, dated, days) for government_id in governments
                )

    def save(self) -> None:
        # Each term's count by body and type, and of every body and type: the sum of
        # those, added here once rather than for each action.
        terms = Counter()
        for (kind, body, action_type), counted in self._terms.items():
            for term_id, n in counted.items():
                terms[kind, body, action_type, term_id] = n
                terms[kind, "", "", term_id] += n
        self._terms.clear()
        with connection.cursor() as cursor:
            for table, added in zip(_KEYS, (self._actions, terms, self._replies), strict=True):
                columns = len(_KEYS[table].split(",")) + 1
                # In the order of their key, which the table's unique index holds:
                # written in order, 485,000 term tallies took 1.7 s instead of 2.3.
                cursor.executemany(
                    f"INSERT INTO {table} ({_KEYS[table]}, n) "
                    f"VALUES ({', '.join(['%s'] * columns)}) {_upsert(table)}",
                    sorted((*key, n) for key, n in added.items()),
                )
                added.clear()


@contextmanager
def suspended(using: str = "default"):
    """The triggers off while a large load or a copy runs, in the caller's transaction;
    the caller keeps the tallies itself (`Counts` and `count`, or `rebuild`). A trigger
    per row updates the same few tally rows again and again: on PostgreSQL each update
    leaves a row version behind, and a load of 3,000 actions averaged 89 a second,
    slowing as it went. SQLite drops the triggers (see `bulk.triggers_dropped`); on
    PostgreSQL they stay, and skip their work in this transaction only (a setting they
    read: no lock, and other transactions' writes are counted as ever). Either way the
    change log says that everything changed: the facet indexes read it all again."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Local to the transaction: a rollback (to a savepoint too) takes it back.
            cursor.execute("SELECT set_config(%s, 'on', true)", [_BULK_SETTING])
            yield True
            cursor.execute("SELECT set_config(%s, 'off', true)", [_BULK_SETTING])
            log_everything(cursor)
        return
    statements = _create_statements("sqlite")
    with triggers_dropped(_triggers("sqlite"), statements, using) as dropped:
        yield dropped
    if dropped:
        with connection.cursor() as cursor:
            log_everything(cursor)


def rebuild(connection) -> None:
    """Recount the tallies from scratch."""
    with connection.cursor() as cursor:
        for table in _KEYS:
            cursor.execute(f"DELETE FROM {table}")
        for statement in _recount(connection.vendor):
            cursor.execute(statement)


def _create_statements(vendor: str) -> list[str]:
    statements = []
    for name, (event, table, condition, body) in _triggers(vendor).items():
        if vendor == "postgresql":
            steps = "".join(f"{statement};\n" for statement in body)
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\nIF current_setting('{_BULK_SETTING}', true) = 'on' THEN RETURN NULL; "
                f"END IF;\n{steps}RETURN NULL;\nEND $$"
            )
            condition = condition and condition.replace(" IS NOT NEW.", " IS DISTINCT FROM NEW.")
            when = f" WHEN ({condition})" if condition else ""
            statements.append(
                f"CREATE OR REPLACE TRIGGER {name} {event} ON {table} FOR EACH ROW{when} "
                f"EXECUTE FUNCTION {name}()"
            )
        else:
            steps = "".join(f"{statement};\n" for statement in body)
            when = f" WHEN {condition}" if condition else ""
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {name} {event} ON {table} FOR EACH ROW{when}\n"
                f"BEGIN\n{steps}END"
            )
    return statements


def install(connection) -> None:
    """Create the triggers if any is missing or from an older version (dropping those),
    and then recount the tallies."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    names = set(_triggers(connection.vendor))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "WHERE NOT tgisinternal AND tgname LIKE 'records\\_tally%%'"
            )
        else:
            cursor.execute(
                "SELECT name, tbl_name FROM sqlite_master "
                "WHERE type = 'trigger' AND name LIKE 'records\\_tally%%' ESCAPE '\\'"
            )
        found = dict(cursor.fetchall())
        if set(found) == names:
            # `flush` (as tests run it) empties the tables in any order, and the triggers
            # of the actions deleted after the tallies leave counts of nothing behind.
            cursor.execute("SELECT 1 FROM records_action LIMIT 1")
            if cursor.fetchone() is None:
                for table in _KEYS:
                    cursor.execute(f"DELETE FROM {table}")
            return
        for name, table in found.items():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {name} ON {table}")
                cursor.execute(f"DROP FUNCTION {name}()")
            else:
                cursor.execute(f"DROP TRIGGER {name}")
        for statement in _create_statements(connection.vendor):
            cursor.execute(statement)
        log_everything(cursor)
    rebuild(connection)


def check(using: str = "default") -> list[str]:
    """Where the tallies differ from a recount; empty when they agree."""
    connection = connections[using]
    problems = []
    with connection.cursor() as cursor:
        for statement in _recount(connection.vendor):
            table = statement.split()[2]
            cursor.execute(f"SELECT {_KEYS[table]}, n FROM {table} WHERE n <> 0")
            kept = {tuple(row) for row in cursor.fetchall()}
            # What the statement inserts: all after its first line, up to the upsert.
            select = statement[statement.index("\n") : statement.index("ON CONFLICT")]
            cursor.execute(select)
            recount = {tuple(row) for row in cursor.fetchall()}
            problems += [f"{table}: {row} kept, not in a recount" for row in kept - recount]
            problems += [f"{table}: {row} in a recount, not kept" for row in recount - kept]
    return problems
