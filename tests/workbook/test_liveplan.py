"""Reading a rendered sheet back as Excel calls: cells grouped into as few rectangles as a sweep finds."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from salesxl.workbook.liveplan import rectangles


def test_equal_cells_side_by_side_become_one_rectangle():
    keys = {(r, c): ("a" if c < 3 else "b") for r in range(1, 6) for c in range(1, 5)}
    keys[(3, 2)] = "x"
    # Column A is one run of "a"; column B is cut by the "x" in B3; columns C and D are the same run of "b".
    assert rectangles(keys) == [((1, 1, 5, 1), "a"), ((1, 2, 2, 2), "a"), ((1, 3, 5, 4), "b"),
                                ((3, 2, 3, 2), "x"), ((4, 2, 5, 2), "a")]


@given(st.dictionaries(st.tuples(st.integers(1, 12), st.integers(1, 6)), st.sampled_from("abc"), max_size=60))
def test_the_rectangles_cover_each_cell_once_with_its_own_key(keys):
    covered = {}
    for (r1, c1, r2, c2), key in rectangles(keys):
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                assert (r, c) not in covered
                covered[(r, c)] = key
    assert covered == keys
