"""History and actuals summed where they live: DuckDB, PostgreSQL and Spark give the sheet path's plan.

The small demo company's history (3,999 rows, 2023-12 to 2026-11) and its December actuals are loaded
into a fact table with a warehouse's own column names (``order_date``, ``area``, ``net_amount`` ...):
a DuckDB database file, a real PostgreSQL server and a local Spark session, each started by the
tests (``tests/sources/engines.py``). Settings' ``history_source`` names the table, ``history_columns``
maps its columns, and target and breakdown must write exactly the sheets the History sheet gives. The
demo's amounts are whole numbers, so every engine's sums are the sheet's sums to the cent.
"""

from __future__ import annotations

import pandas as pd
import pytest

from salesxl.sources import SettingCell
from salesxl.sources.warehouse import Source, mapped_columns, parse_column_map, parse_source, secret_for
from salesxl.steps import check
from salesxl.steps.breakdown import breakdown
from salesxl.steps.target import target
from salesxl.steps.track import track
from salesxl.workbook.contract import SETTINGS
from salesxl.workbook.contract.target import HISTORY
from salesxl.workbook.contract.tracking import ACTUALS
from salesxl.workbook.filebook import FileWorkbook
from salesxl.workbook.template import save_new_workbook
from tests.conftest import digest
from tests.sources.engines import (ACTUALS_MAP, COLUMN_MAP, PG_PASSWORD, PG_USER, actuals_rows, free_port,
                                   warehouse_rows)
from tests.sources.test_history_files import (COMPARED, run_target_and_breakdown, sheets_written,
                                              without_run_line)

SETTINGS_ROW = {s.key: 2 + i for i, s in enumerate(SETTINGS)}
"""Each setting's row on the template's Settings sheet (one row each, in order, under the header)."""


def fact_table(small_demo) -> pd.DataFrame:
    """History and the plan month's actuals in one fact table, as an ERP keeps them."""
    tables = small_demo[1]
    return pd.concat([warehouse_rows(tables["history"]), actuals_rows(tables["actuals"])], ignore_index=True)


def workbook(tmp_path, small_demo, name="plan.xlsx", history_sheet=False, actuals_sheet=True, **settings):
    """The demo workbook with ``settings`` changed; the History (Actuals) sheet left empty unless asked for."""
    values, tables = small_demo
    tables = dict(tables)
    if not history_sheet:
        tables["history"] = tables["history"].iloc[0:0]
    if not actuals_sheet:
        tables["actuals"] = tables["actuals"].iloc[0:0]
    path = tmp_path / name
    save_new_workbook(path, {**values, **settings}, tables)
    return path


def assert_same_plan_as_the_sheet(path, sheet_result, shown: str):
    problems = run_target_and_breakdown(path)
    written = sheets_written(path)
    for name in COMPARED:  # the run line names the source: host and table, never a user or password
        assert f"{shown} (历史 history)" in written[name][1][0], written[name][1][0]
        assert PG_USER not in written[name][1][0] and PG_PASSWORD not in written[name][1][0]
    assert without_run_line(written) == without_run_line(sheet_result)
    return problems


def failed_step(path, step=target):
    """The step's errors; the workbook on disk is byte for byte what it was."""
    before = digest(path)
    result = step(FileWorkbook(path))
    assert not result.ok
    assert digest(path) == before
    return [p for p in result.problems if p.severity == "error"]


# ---- DuckDB: a database file ----

@pytest.fixture(scope="module")
def duckdb_file(tmp_path_factory, small_demo):
    import duckdb

    path = tmp_path_factory.mktemp("duckdb") / "warehouse.duckdb"
    con = duckdb.connect(str(path))
    rows = fact_table(small_demo)
    con.execute("CREATE SCHEMA sales")
    con.execute("""CREATE TABLE sales.orders (order_date DATE, sales_month DATE, area VARCHAR, salesman VARCHAR,
                   outlet VARCHAR, product VARCHAR, units DOUBLE, net_amount DECIMAL(14, 2))""")
    con.register("rows", rows)  # one insert of the frame (executemany inserts row by row: 30 s here)
    con.execute("INSERT INTO sales.orders SELECT * FROM rows")
    # 4,238 rows × 100 million: far longer than a one-second timeout
    con.execute("CREATE VIEW sales.slow_orders AS SELECT o.* FROM sales.orders o, range(100000000)")
    con.close()
    return path


def test_a_duckdb_database_gives_the_sheets_the_history_sheet_gives(tmp_path, small_demo, sheet_result, duckdb_file):
    url = f"duckdb://{duckdb_file}?table=sales.orders"
    path = workbook(tmp_path, small_demo, history_source=url, history_columns=COLUMN_MAP)
    problems = assert_same_plan_as_the_sheet(path, sheet_result, url)
    notice = next(p for p in problems if p.code == "history-from-source")
    # the window (2025-12 to 2026-11) and the same month two and three years back: 14 months
    assert "14 month(s) (2023-12 to 2026-11)" in notice.message_en


def test_a_query_past_the_timeout_is_stopped_with_a_clear_error(tmp_path, small_demo, duckdb_file):
    url = f"duckdb://{duckdb_file}?table=sales.slow_orders"
    path = workbook(tmp_path, small_demo, history_source=url, history_columns=COLUMN_MAP, source_timeout=1)
    [p] = failed_step(path)
    assert (p.cell, p.code) == (f"设置 Settings!B{SETTINGS_ROW['history_source']}", "source-timeout")
    assert "sales.slow_orders" in p.message_en and "1 s" in p.message_en and "source_timeout" in p.message_en


def test_a_renamed_column_is_an_error_at_the_column_map(tmp_path, small_demo, duckdb_file):
    """The map says the amount is ``amount_cny``; the warehouse calls it ``net_amount``."""
    url = f"duckdb://{duckdb_file}?table=sales.orders"
    path = workbook(tmp_path, small_demo, history_source=url,
                    history_columns=COLUMN_MAP.replace("amount=net_amount", "amount=amount_cny"))
    [p] = failed_step(path)
    assert (p.cell, p.code) == (f"设置 Settings!B{SETTINGS_ROW['history_columns']}", "source-column-missing")
    assert "'amount_cny'" in p.message_en and "net_amount" in p.message_en and "sales.orders" in p.message_en


def test_a_missing_column_without_a_map_is_an_error_at_the_source(tmp_path, small_demo, duckdb_file):
    """No map: the table's names match none of the History sheet's headers, so region and amount are missing."""
    url = f"duckdb://{duckdb_file}?table=sales.orders"
    path = workbook(tmp_path, small_demo, history_source=url)
    problems = failed_step(path)
    assert {(p.cell, p.code) for p in problems} == {(f"设置 Settings!B{SETTINGS_ROW['history_source']}",
                                                     "source-column-missing")}
    assert any("区域 Region" in p.message_en for p in problems) and any("金额 Amount" in p.message_en for p in problems)


def test_a_table_name_that_is_sql_is_not_found_and_nothing_runs(tmp_path, small_demo, duckdb_file):
    import duckdb

    url = f"duckdb://{duckdb_file}?table=x; drop table sales.orders"
    path = workbook(tmp_path, small_demo, history_source=url, history_columns=COLUMN_MAP)
    [p] = failed_step(path)
    assert (p.cell, p.code) == (f"设置 Settings!B{SETTINGS_ROW['history_source']}", "source-table-missing")
    assert "there is no schema 'x; drop table sales' in the database (it has: main, sales)" in p.message_en
    with duckdb.connect(str(duckdb_file), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM sales.orders").fetchone()[0] == len(fact_table(small_demo))


def test_check_names_the_source_the_rows_and_the_months(tmp_path, small_demo, duckdb_file):
    url = f"duckdb://{duckdb_file}?table=sales.orders"
    path = workbook(tmp_path, small_demo, history_source=url, history_columns=COLUMN_MAP)
    messages = []
    result = check(FileWorkbook(path), messages.append)
    history = small_demo[1]["history"]
    months = history["month"].where(history["month"].notna(), history["date"].dt.to_period("M")).astype(str)
    read = int(((months >= "2025-12") | months.isin(["2024-12", "2023-12"])).sum())  # the rows in the 14 months
    line = result.summary.splitlines()[1]
    assert line.startswith(f"history_source: {url} — {read:,} rows aggregated to ")
    assert line.endswith("14 months 2023-12–2026-11")
    assert any(m.startswith(f"汇总 Summing in {url}") for m in messages)  # the progress line while it works


# ---- PostgreSQL: a real server ----

@pytest.fixture(scope="module")
def warehouse(postgres, small_demo):
    """The fact table on the server, a view that takes its time, and the password where salesxl looks."""
    postgres.load("sales.fact_orders", fact_table(small_demo))
    postgres.sql("CREATE VIEW sales.slow_orders AS SELECT f.* FROM sales.fact_orders f, (SELECT pg_sleep(3)) s")
    return postgres


@pytest.fixture
def password(warehouse, monkeypatch):
    monkeypatch.setenv(warehouse.password_variable, PG_PASSWORD)


@pytest.mark.postgres
def test_postgresql_gives_the_sheets_the_history_sheet_gives(tmp_path, small_demo, sheet_result, warehouse, password):
    path = workbook(tmp_path, small_demo, history_source=warehouse.url("sales.fact_orders", user=PG_USER),
                    history_columns=COLUMN_MAP)
    assert_same_plan_as_the_sheet(path, sheet_result, warehouse.url("sales.fact_orders"))


def tracked(path) -> dict[str, list[tuple]]:
    """Target, breakdown and track on ``path``: the Progress sheet written."""
    run_target_and_breakdown(path)
    result = track(FileWorkbook(path))
    assert result.ok, result.problems
    return sheets_written(path, ["进度 Progress"])


@pytest.fixture(scope="module")
def sheet_progress(tmp_path_factory, small_demo):
    """Progress as the Actuals sheet gives it."""
    return tracked(workbook(tmp_path_factory.mktemp("progress"), small_demo, history_sheet=True))


@pytest.mark.postgres
def test_actuals_from_postgresql_track_as_the_actuals_sheet_does(tmp_path, small_demo, warehouse, password,
                                                                 sheet_progress):
    """December's order lines are summed by day, rep, outlet and SKU on the server; Progress is the same."""
    path = workbook(tmp_path, small_demo, history_sheet=True, actuals_sheet=False,
                    actuals_source=warehouse.url("sales.fact_orders", user=PG_USER), actuals_columns=ACTUALS_MAP)
    written = tracked(path)
    assert without_run_line(written) == without_run_line(sheet_progress)
    assert f"{warehouse.url('sales.fact_orders')} (实际 actuals)" in written["进度 Progress"][1][0]


def test_actuals_from_a_parquet_file_track_as_the_actuals_sheet_does(tmp_path, small_demo, sheet_progress):
    """The whole fact table exported to Parquet: DuckDB reads it as a table and sums December by day."""
    fact = fact_table(small_demo)
    fact["order_date"] = pd.to_datetime(fact["order_date"])
    fact.to_parquet(tmp_path / "orders.parquet", index=False)
    path = workbook(tmp_path, small_demo, history_sheet=True, actuals_sheet=False, actuals_source="orders.parquet",
                    actuals_columns=ACTUALS_MAP)
    written = tracked(path)
    assert without_run_line(written) == without_run_line(sheet_progress)
    assert "orders.parquet (实际 actuals)" in written["进度 Progress"][1][0]


def test_history_files_with_a_column_map_give_the_sheets_the_history_sheet_gives(tmp_path, small_demo,
                                                                                 sheet_result):
    warehouse_rows(small_demo[1]["history"]).to_parquet(tmp_path / "history.parquet", index=False)
    path = workbook(tmp_path, small_demo, history_source="history.parquet", history_columns=COLUMN_MAP)
    assert_same_plan_as_the_sheet(path, sheet_result, "history.parquet")
    path = workbook(tmp_path, small_demo, name="wrong.xlsx", history_source="history.parquet",
                    history_columns=COLUMN_MAP.replace("net_amount", "amount_cny"))
    [p] = failed_step(path)
    assert (p.cell, p.column, p.code) == ("history.parquet!1", "amount", "missing-column")
    assert "'amount_cny'" in p.message_en


def test_without_the_engine_installed_the_error_says_which_extra_to_install(tmp_path, small_demo, monkeypatch):
    """``pip install salesxl`` brings DuckDB only; PostgreSQL needs ``salesxl[postgres]``."""
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # as if it were not installed
    path = workbook(tmp_path, small_demo, history_source="postgresql://db.example.com/sales?table=sales.orders",
                    history_columns=COLUMN_MAP)
    [p] = failed_step(path)
    assert (p.cell, p.code) == (f"设置 Settings!B{SETTINGS_ROW['history_source']}", "source-engine-missing")
    assert "pip install 'salesxl[postgres]'" in p.message_en


@pytest.mark.postgres
def test_a_password_in_the_url_is_refused_at_its_cell(tmp_path, small_demo, warehouse):
    url = warehouse.url("sales.fact_orders", user=f"{PG_USER}:{PG_PASSWORD}")
    path = workbook(tmp_path, small_demo, history_source=url, history_columns=COLUMN_MAP)
    [p] = failed_step(path)
    assert (p.cell, p.code) == (f"设置 Settings!B{SETTINGS_ROW['history_source']}", "source-secret-in-workbook")
    assert PG_PASSWORD not in p.message_zh + p.message_en + p.cell


@pytest.mark.postgres
def test_a_wrong_password_is_a_refused_login_naming_where_the_password_comes_from(tmp_path, small_demo, warehouse,
                                                                                 monkeypatch):
    monkeypatch.setenv(warehouse.password_variable, "not-the-password")
    path = workbook(tmp_path, small_demo, history_source=warehouse.url("sales.fact_orders", user=PG_USER),
                    history_columns=COLUMN_MAP)
    [p] = failed_step(path)
    assert (p.cell, p.code) == (f"设置 Settings!B{SETTINGS_ROW['history_source']}", "source-login-refused")
    assert warehouse.password_variable in p.message_en and "not-the-password" not in p.message_en


@pytest.mark.postgres
def test_an_unreachable_server_is_an_error_naming_it(tmp_path, small_demo, password):
    port = free_port()  # nothing listens there
    url = f"postgresql://127.0.0.1:{port}/sales?table=sales.fact_orders"
    path = workbook(tmp_path, small_demo, history_source=url, history_columns=COLUMN_MAP)
    [p] = failed_step(path)
    assert (p.cell, p.code) == (f"设置 Settings!B{SETTINGS_ROW['history_source']}", "source-unreachable")
    assert f"127.0.0.1:{port}" in p.message_en


@pytest.mark.postgres
def test_the_server_stops_a_query_past_the_timeout(tmp_path, small_demo, warehouse, password):
    path = workbook(tmp_path, small_demo, history_source=warehouse.url("sales.slow_orders", user=PG_USER),
                    history_columns=COLUMN_MAP, source_timeout=1)
    [p] = failed_step(path)
    assert (p.cell, p.code) == (f"设置 Settings!B{SETTINGS_ROW['history_source']}", "source-timeout")


@pytest.mark.postgres
def test_sql_in_the_table_name_is_not_run(tmp_path, small_demo, warehouse, password):
    url = warehouse.url("sales.fact_orders; drop table sales.fact_orders", user=PG_USER)
    path = workbook(tmp_path, small_demo, history_source=url, history_columns=COLUMN_MAP)
    [p] = failed_step(path)
    assert p.code == "source-table-missing"
    assert warehouse.sql("SELECT count(*) FROM sales.fact_orders")[0][0] == len(fact_table(small_demo))


# ---- Spark: local mode ----

@pytest.mark.spark
@pytest.mark.slow
def test_spark_gives_the_sheets_the_history_sheet_gives(tmp_path, small_demo, sheet_result, spark):
    rows = fact_table(small_demo)
    spark.sql("CREATE DATABASE IF NOT EXISTS shop")
    schema = ("order_date date, sales_month date, area string, salesman string, outlet string, product string, "
              "units double, net_amount double")
    spark.createDataFrame([tuple(r) for r in rows.itertuples(index=False)], schema=schema) \
        .write.mode("overwrite").saveAsTable("shop.orders")
    url = "spark://?table=shop.orders"
    path = workbook(tmp_path, small_demo, history_source=url, history_columns=COLUMN_MAP)
    assert_same_plan_as_the_sheet(path, sheet_result, url)


# ---- the URL, the credentials and the column map, without an engine ----

WHERE = SettingCell("设置 Settings", 52, "B", "值 Value")


def test_the_shown_source_keeps_host_and_table_and_drops_the_user():
    source, problems = parse_source("postgresql://analyst@db.example.com/sales?table=sales.fact_orders", WHERE, None)
    assert problems == []
    assert source.shown == "postgresql://db.example.com:5432/sales?table=sales.fact_orders"
    assert (source.user, source.variable("PASSWORD")) == ("analyst", "SALESXL_PASSWORD_DB_EXAMPLE_COM_5432")


def test_a_relative_duckdb_file_is_beside_the_workbook(tmp_path):
    source, _ = parse_source("duckdb:warehouse.duckdb?table=orders", WHERE, tmp_path)
    assert (source.engine, source.database, source.table) == ("duckdb", str(tmp_path / "warehouse.duckdb"), "orders")
    source, _ = parse_source("duckdb:///data/w.duckdb?table=orders", WHERE, tmp_path)
    assert source.database == "/data/w.duckdb"


@pytest.mark.parametrize("url, code", [
    ("postgresql://db.example.com/sales", "source-no-table"),
    ("postgresql://db.example.com/sales?table=t&password=x", "source-secret-in-workbook"),
    ("sc://spark.example.com:15002/;token=abc?table=t", "source-secret-in-workbook"),
    ("mysql://db.example.com/sales?table=t", "source-scheme"),
])
def test_urls_salesxl_refuses(url, code):
    source, [p] = parse_source(url, WHERE, None)
    assert source is None and (p.cell, p.code) == ("设置 Settings!B52", code)
    assert "abc" not in p.message_en and "password=x" not in p.message_en


def test_the_password_comes_from_the_environment_then_the_keyring(monkeypatch):
    import keyring

    source, _ = parse_source("postgresql://analyst@db.example.com/sales?table=t", WHERE, None)
    asked = []
    monkeypatch.setattr(keyring, "get_password", lambda service, user: asked.append((service, user)) or "from-keyring")
    assert secret_for(source, {"SALESXL_PASSWORD_DB_EXAMPLE_COM_5432": "from-env"}) == "from-env"
    assert secret_for(source, {}) == "from-keyring"
    assert asked == [("salesxl:postgresql://db.example.com:5432", "analyst")]


def test_the_column_map_takes_keys_or_labels_and_says_what_it_cannot_read():
    mapping, issues = parse_column_map("日期=order_date；Region = area; amount=net_amount; colour=red; sku", HISTORY)
    assert mapping == {"date": "order_date", "region": "area", "amount": "net_amount"}
    assert [en for _, en in issues] == [
        "'colour' is not a column of History (use one of: date, month, region, rep_id, outlet_id, sku, qty, amount)",
        "'sku' should read column=source column, e.g. date=order_date"]


def test_columns_left_out_of_the_map_are_found_by_the_sheets_headers_and_types_are_checked():
    import ibis

    found = dict(ibis.schema({"Date": "date", "rep": "string", "SKU": "string", "金额": "string"}).items())
    columns, issues = mapped_columns(found, {"rep_id": "REP"}, ACTUALS)
    assert columns == {"rep_id": "rep", "date": "Date", "sku": "SKU", "amount": "金额"}
    assert [(key, code) for key, code, _, _ in issues] == [("amount", "source-column-type")]
