"""The input reader checks a column at a time; it reads every sheet exactly as checking cell by cell did.

The oracle is the cell-by-cell reader it replaced (``reference_reader.py``). Both read the same
``RawSheet``s: every sheet of the month-end demo workbook (inputs and the issued sheets salesxl reads
back), and generated sheets full of the mistakes planners make (text numbers, 万, percentages typed
as 15, blank and error cells, uncalculated formulas, duplicates, a totals row under an issued table).
The frames, the layouts and the problems, in order, must be equal.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesxl.workbook import contract
from salesxl.workbook.backend import GridRows, RawSheet
from salesxl.workbook.reader import parse_table
from salesxl.workbook.render import TOTAL_LABEL
from salesxl.workbook.schema import SheetSchema

from .reference_reader import parse_table_cell_by_cell

ISSUED = {s.key: s for step in contract.STEPS for s in vars(step).values() if isinstance(s, SheetSchema) and s.issued}
SCHEMAS = list(contract.INPUT_SHEETS) + list(ISSUED.values())


def assert_read_alike(schema, raw):
    frame, layout, problems = parse_table(schema, raw)
    expected_frame, expected_layout, expected_problems = parse_table_cell_by_cell(schema, raw)
    pd.testing.assert_frame_equal(frame, expected_frame)
    assert layout == expected_layout
    assert problems == expected_problems


def test_every_sheet_the_month_end_demo_reads_is_read_alike(tmp_path, monkeypatch):
    """Every table any step of ``salesxl demo --month-end`` reads (small company), compared as it is read."""
    from typer.testing import CliRunner

    from salesxl import cli
    from salesxl.demo import month_end_demo_data
    from salesxl.workbook import reader

    from ..conftest import SMALL

    compared = []
    columnwise = reader.parse_table

    def both(schema, raw):
        assert_read_alike(schema, raw)
        compared.append(schema.key)
        return columnwise(schema, raw)

    monkeypatch.setattr(reader, "parse_table", both)
    monkeypatch.setattr(cli, "month_end_demo_data", lambda seed: month_end_demo_data(seed=7, size=SMALL))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli.app, ["demo", "--month-end"])
    assert result.exit_code == 0, result.output
    assert {"history", "reps", "outlets", "feedback", "daily_log", "incentive_rules"} <= set(compared)
    assert {"rep_targets", "outlet_targets", "core_outlet_sku_targets", "daily_targets", "agreed_targets"} <= set(compared)


MESSY = st.one_of(
    st.none(), st.just(""), st.just("  "), st.integers(-5, 300_000), st.floats(-2, 2e6), st.just(float("nan")),
    st.booleans(), st.sampled_from(["30.9万", "15%", "1,234.50", "abc", "#N/A", "是", "否", "2026-02", "202602",
                                    "2026/2/1", "01/02/2026", "R001", " R001 ", "华东", "core", "核心", "12", "0.5",
                                    TOTAL_LABEL]),
    st.just(dt.datetime(2026, 2, 1)), st.just(dt.date(2025, 12, 31)), st.integers(202401, 202612))


NUMBERS = st.one_of(st.integers(-5, 300_000), st.floats(-3, 3), st.floats(-1e6, 1e17), st.just(float("nan")),
                    st.sampled_from([0, 1, 2.5, 15, 0.15, 2**60]))
TEXTS = st.one_of(st.none(), st.sampled_from(["", " ", "R001", "华东", "是", "否", "2026-02", "core", "核心",
                                              "bad", "30.9万", "2026/2/1"]))


@st.composite
def messy_sheet(draw, schema):
    labels = [c.label for c in schema.columns]
    header = draw(st.permutations(labels))[:draw(st.integers(1, len(labels)))]
    if draw(st.booleans()):
        header = header + [header[0]]  # a column twice
    title = [["某公司 某月"] + [None] * (len(header) - 1)] if draw(st.booleans()) else []
    width = len(header)
    # Each column is messy, numbers only or text only (the last two take the reader's fast paths).
    kinds = [draw(st.sampled_from([MESSY, NUMBERS, TEXTS])) for _ in range(width)]
    body = draw(st.lists(st.tuples(*kinds).map(list), max_size=12))
    rows = title + [list(header)] + body
    height = len(rows)
    spots = st.tuples(st.integers(1, height), st.integers(1, width))
    uncached = draw(st.sets(spots, max_size=3))
    percent = draw(st.sets(spots, max_size=4))
    for r, c in uncached:
        rows[r - 1][c - 1] = None
    return RawSheet(schema.name, rows, [], uncached, draw(st.booleans()), percent)


@pytest.mark.parametrize("schema", SCHEMAS, ids=lambda s: s.key)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_messy_sheets_read_alike(schema, data):
    raw = data.draw(messy_sheet(schema))
    assert_read_alike(schema, raw)
    if schema.issued:  # where an issued table ends is found on the scanner's grid its own way
        assert_read_alike(schema, as_grid(raw))


def as_grid(raw: RawSheet) -> RawSheet:
    """The same sheet with its rows as the scanner's grid (:class:`GridRows`), short rows padded with None."""
    grid = np.full((len(raw.rows), max((len(row) for row in raw.rows), default=0)), None, dtype=object)
    for i, row in enumerate(raw.rows):
        for j, value in enumerate(row):
            grid[i, j] = value
    return dataclasses.replace(raw, rows=GridRows(grid), parsed={})
