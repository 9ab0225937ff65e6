"""Fixtures of the sources' tests: the sheet path's result to compare with, and the real engines."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.sources.engines import PostgresServer, java_17, postgres_bin, start_spark
from tests.sources.test_history_files import run_target_and_breakdown, sheets_written, workbook_with


@pytest.fixture(scope="session")
def sheet_result(tmp_path_factory, small_demo):
    """The sheets target and breakdown write from the History sheet: what every other source must match."""
    folder = tmp_path_factory.mktemp("sheet")
    path = workbook_with(folder, small_demo)
    run_target_and_breakdown(path)
    return sheets_written(path)


def missing(reason: str):
    """Skip a test whose engine is missing; fail it where ``.ci/run`` installed every engine
    (``SALESXL_ENGINES=required``), and say why CI could not (``SALESXL_ENGINES_SKIP``)."""
    if os.environ.get("SALESXL_ENGINES") == "required":
        pytest.fail(f".ci/run installed every engine, but: {reason}")
    pytest.skip(os.environ.get("SALESXL_ENGINES_SKIP") or reason)


@pytest.fixture(scope="session")
def postgres():
    """One PostgreSQL server for the whole run (Debian's ``postgresql`` package), stopped at the end."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        missing("psycopg is not installed (pip install 'salesxl[postgres]')")
    if postgres_bin() is None or (shutil.which("runuser") is None and os.geteuid() == 0):
        missing("PostgreSQL's server programs are not installed (apt-get install postgresql)")
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local Spark session for the whole run (pyspark, Java 17), stopped at the end."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing("pyspark is not installed (pip install 'salesxl[spark]')")
    if not java_17():
        missing("Spark needs Java 17 (apt-get install openjdk-17-jre-headless)")
    session = start_spark(tmp_path_factory.mktemp("spark"))
    yield session
    session.stop()
