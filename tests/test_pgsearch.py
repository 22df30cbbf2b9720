"""The ranks of a frequent word as the facet index holds them on PostgreSQL: a code per
action into the few values they take (records/pgsearch.py; the database's side is
tested in test_ranking.py)."""

import numpy as np

from unactions.records.pgsearch import NOT_FOUND, Ranks


def test_ranks_are_held_as_a_byte_an_action_for_few_values():
    ranks = Ranks.of(np.array([1, 4, 5]), np.array([0.25, 0.5, 0.25]), size=7)
    assert ranks.codes.dtype == np.uint8
    assert ranks.found().tolist() == [False, True, False, False, True, True, False]
    assert ranks.ranks().tolist() == [NOT_FOUND, 0.25, NOT_FOUND, NOT_FOUND, 0.5, 0.25, NOT_FOUND]


def test_patched_ranks_take_new_values_and_grow():
    ranks = Ranks.of(np.array([1, 4, 5]), np.array([0.25, 0.5, 0.25]), size=7)
    # Action 4 no longer matches, 5 and the new 8 take values not held before.
    patched = ranks.patched(9, np.array([4, 5, 8]), np.array([5, 8]), np.array([0.125, 0.75]))
    expected = [NOT_FOUND, 0.25, NOT_FOUND, NOT_FOUND, NOT_FOUND, 0.125]
    assert patched.ranks().tolist() == [*expected, NOT_FOUND, NOT_FOUND, 0.75]
    assert ranks.ranks()[4] == 0.5  # the ranks patched are new ones


def test_codes_widen_past_256_values():
    ids = np.arange(300)
    ranks = Ranks.of(ids[:200], ids[:200] / 1000, size=300)
    assert ranks.codes.dtype == np.uint8
    patched = ranks.patched(300, ids[200:], ids[200:], ids[200:] / 1000)
    assert patched.codes.dtype == np.uint16
    assert np.allclose(patched.ranks(), (ids / 1000).astype(np.float32))
