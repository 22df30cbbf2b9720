"""Counts of public actions kept by the database itself, for facets and statistics.

Counting the facets of a million actions scans every one of them for every facet. The
tallies (`ActionTally`, `TermTally`) hold those counts grouped by what readers filter on,
and database triggers adjust them in the same transaction as every insert, update and
delete of an action, its links or its response, whoever makes it (the loader, the admin,
a merge of terms, a restore, raw SQL). Nothing can read a count that an edit has not
reached, so there is nothing to invalidate.

A tally counts the actions that are published with no embargo date. Published actions
whose embargo has passed become public with the calendar, not with an edit, so
`query.facet_counts` counts those few live and adds them.

`install` creates the triggers after every migration (a table rebuild by a later SQLite
migration drops them) and recounts everything when any was missing.
"""

from __future__ import annotations

from django.db import connections

# The link tables counted by TermTally: kind, table, column of the term.
LINKS = (
    ("issue", "records_actionissue", "issue_id"),
    ("region", "records_actionregion", "region_id"),
    ("government", "records_actiongovernment", "government_id"),
    ("defender", "records_actiondefender", "defender_id"),
)

_ACTION_KEY = "body, action_type, year, month, mechanism_id, responded"
_TERM_KEY = "kind, body, action_type, term_id"


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
        ON CONFLICT ({_ACTION_KEY}) DO UPDATE SET n = records_actiontally.n + excluded.n""",
        f"""INSERT INTO records_termtally ({_TERM_KEY}, n)
        SELECT links.kind, dims.body, dims.action_type, links.term_id, {sign}
        FROM ({links}) AS links
        CROSS JOIN (SELECT {row}.body AS body, {row}.action_type AS action_type
                    UNION ALL SELECT '', '') AS dims
        WHERE {_public(row)}
        ON CONFLICT ({_TERM_KEY}) DO UPDATE SET n = records_termtally.n + excluded.n""",
    ]


def _add_link(kind: str, column: str, row: str, sign: int) -> list[str]:
    """Statements counting the link `row` for its action, when the action is public."""
    action = f"FROM records_action AS a WHERE a.id = {row}.action_id AND {_public('a')}"
    return [
        f"""INSERT INTO records_termtally ({_TERM_KEY}, n)
        SELECT * FROM (
            SELECT '{kind}', a.body, a.action_type, {row}.{column}, {sign} {action}
            UNION ALL SELECT '{kind}', '', '', {row}.{column}, {sign} {action}
        ) AS counted WHERE TRUE
        ON CONFLICT ({_TERM_KEY}) DO UPDATE SET n = records_termtally.n + excluded.n"""
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
        ON CONFLICT ({_ACTION_KEY}) DO UPDATE SET n = records_actiontally.n + excluded.n"""
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


def _triggers(vendor: str) -> dict[str, tuple[str, str, str | None, list[str]]]:
    """name -> (timing and event, table, condition, statements)."""
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in _ACTION_COLUMNS)
    if vendor == "postgresql":
        changed = changed.replace(" IS NOT ", " IS DISTINCT FROM ")
    triggers = {
        "records_tally_action_insert": (
            "AFTER INSERT",
            "records_action",
            None,
            _add_action(vendor, "NEW", 1),
        ),
        "records_tally_action_delete": (
            "AFTER DELETE",
            "records_action",
            None,
            _add_action(vendor, "OLD", -1),
        ),
        "records_tally_action_update": (
            "AFTER UPDATE",
            "records_action",
            changed,
            _add_action(vendor, "OLD", -1) + _add_action(vendor, "NEW", 1),
        ),
        "records_tally_response_insert": (
            "AFTER INSERT",
            "records_response",
            None,
            _move_response(vendor, "NEW", 1),
        ),
        "records_tally_response_delete": (
            "AFTER DELETE",
            "records_response",
            None,
            _move_response(vendor, "OLD", -1),
        ),
        "records_tally_response_update": (
            "AFTER UPDATE",
            "records_response",
            "OLD.action_id <> NEW.action_id",
            _move_response(vendor, "OLD", -1) + _move_response(vendor, "NEW", 1),
        ),
    }
    for kind, table, column in LINKS:
        triggers[f"records_tally_{kind}_insert"] = (
            "AFTER INSERT",
            table,
            None,
            _add_link(kind, column, "NEW", 1),
        )
        triggers[f"records_tally_{kind}_delete"] = (
            "AFTER DELETE",
            table,
            None,
            _add_link(kind, column, "OLD", -1),
        )
        triggers[f"records_tally_{kind}_update"] = (
            "AFTER UPDATE",
            table,
            f"OLD.{column} <> NEW.{column} OR OLD.action_id <> NEW.action_id",
            _add_link(kind, column, "OLD", -1) + _add_link(kind, column, "NEW", 1),
        )
    return triggers


def _rebuild(vendor: str) -> list[str]:
    """Statements recounting both tallies from the actions."""
    links = " UNION ALL ".join(
        f"SELECT '{kind}' AS kind, action_id, {column} AS term_id FROM {table}"
        for kind, table, column in LINKS
    )
    public = f"FROM ({links}) AS l JOIN records_action AS a ON a.id = l.action_id " + (
        f"WHERE {_public('a')}"
    )
    return [
        "DELETE FROM records_actiontally",
        f"""INSERT INTO records_actiontally ({_ACTION_KEY}, n)
        SELECT a.body, a.action_type, a.year, {_month(vendor, "a")}, a.mechanism_term_id,
            r.id IS NOT NULL, COUNT(*)
        FROM records_action AS a LEFT JOIN records_response AS r ON r.action_id = a.id
        WHERE {_public("a")}
        GROUP BY a.body, a.action_type, a.year, {_month(vendor, "a")}, a.mechanism_term_id,
            r.id IS NOT NULL""",
        "DELETE FROM records_termtally",
        f"""INSERT INTO records_termtally ({_TERM_KEY}, n)
        SELECT l.kind, a.body, a.action_type, l.term_id, COUNT(*) {public}
        GROUP BY l.kind, a.body, a.action_type, l.term_id
        UNION ALL
        SELECT l.kind, '', '', l.term_id, COUNT(*) {public}
        GROUP BY l.kind, l.term_id""",
    ]


def rebuild(connection) -> None:
    """Recount both tallies from scratch."""
    with connection.cursor() as cursor:
        for statement in _rebuild(connection.vendor):
            cursor.execute(statement)


def _create_statements(vendor: str) -> list[str]:
    statements = []
    for name, (event, table, condition, body) in _triggers(vendor).items():
        if vendor == "postgresql":
            steps = "".join(f"{statement};\n" for statement in body)
            statements.append(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
                f"BEGIN\n{steps}RETURN NULL;\nEND $$"
            )
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
    """Create the triggers if any is missing, and then recount the tallies."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    names = list(_triggers(connection.vendor))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname = ANY(%s)",
                [names],
            )
        else:
            placeholders = ", ".join(["%s"] * len(names))
            cursor.execute(
                "SELECT count(*) FROM sqlite_master "
                f"WHERE type = 'trigger' AND name IN ({placeholders})",
                names,
            )
        if cursor.fetchone()[0] == len(names):
            return
        for statement in _create_statements(connection.vendor):
            cursor.execute(statement)
    rebuild(connection)


def check(using: str = "default") -> list[str]:
    """Where the tallies differ from a recount; empty when they agree."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_ACTION_KEY}, n FROM records_actiontally WHERE n <> 0")
        actions = set(cursor.fetchall())
        cursor.execute(f"SELECT {_TERM_KEY}, n FROM records_termtally WHERE n <> 0")
        terms = set(cursor.fetchall())
        for statement in _rebuild(connection.vendor):
            if statement.startswith("INSERT"):
                select = statement[statement.index("SELECT") :]
                cursor.execute(select)
                recount = {tuple(row) for row in cursor.fetchall()}
                target = actions if "actiontally" in statement else terms
                problems = [f"tally {row} not in recount" for row in target - recount]
                problems += [f"recount {row} not in tally" for row in recount - target]
                if problems:
                    return problems
    return []
