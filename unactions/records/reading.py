"""Numbers read in bulk: the rows of numeric columns as one string, which NumPy parses
at once (the facet index, records/facetindex.py, and records/pgsearch.py). Hundreds of
thousands of rows fetched one by one take much longer."""

from __future__ import annotations

import numpy as np


def numbers(cursor, columns, table: str, where="", params=(), dtype=np.int64) -> np.ndarray:
    """The rows of numeric `columns` of `table` (those `where` says, with `params`), as
    an array of `dtype` with a column each."""
    if cursor.db.vendor == "postgresql":
        listed = f"string_agg(concat_ws(',', {', '.join(columns)}), ',')"
    else:
        listed = "group_concat(" + " || ',' || ".join(f"({column})" for column in columns) + ")"
    cursor.execute(f"SELECT {listed} FROM {table} {where}", list(params))
    values = np.fromstring(cursor.fetchone()[0] or "", dtype=dtype, sep=",")
    return values.reshape(-1, len(list(columns)))


def among(key: str, only: list[int] | None) -> tuple[str, list[int]]:
    """The condition and parameters of the rows whose `key` is one of `only` (all when
    None), for `numbers`."""
    if only is None:
        return "", []
    return f"WHERE {key} IN ({', '.join(['%s'] * len(only))})", list(only)
