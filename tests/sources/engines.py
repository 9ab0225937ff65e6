"""Real engines for the tests, started by the tests: a PostgreSQL server and a local Spark session.

PostgreSQL comes from Debian's ``postgresql`` package (``.ci/run`` installs it): ``initdb`` makes a cluster
in a temporary folder and ``pg_ctl`` starts it on a free port of 127.0.0.1, with password logins
(SCRAM) so a wrong password is refused as a real server refuses it. PostgreSQL will not run as root, so
under root (CI) the cluster belongs to the package's ``postgres`` user. Spark runs in local mode on one
core (``pyspark`` and Java 17 from ``openjdk-17-jre-headless``). Each is started once per test session.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

PG_USER = "planner"
PG_PASSWORD = "s3cret-for-tests"
PG_DATABASE = "sales"

SOURCE_COLUMNS = {"date": "order_date", "month": "sales_month", "region": "area", "rep_id": "salesman",
                  "outlet_id": "outlet", "sku": "product", "qty": "units", "amount": "net_amount"}
"""How the test warehouse names the History columns: nothing like salesxl's names."""

COLUMN_MAP = "; ".join(f"{key}={name}" for key, name in SOURCE_COLUMNS.items())
ACTUALS_MAP = "; ".join(f"{key}={SOURCE_COLUMNS[key]}" for key in ("date", "rep_id", "outlet_id", "sku", "qty", "amount"))


def warehouse_rows(history: pd.DataFrame) -> pd.DataFrame:
    """The demo history as a warehouse fact table: dates as dates, months as their first day, its own names."""
    out = pd.DataFrame({
        "order_date": history["date"].dt.date.astype(object).where(history["date"].notna(), None),
        "sales_month": [m.start_time.date() if pd.notna(m) else None for m in history["month"]],
        "area": history["region"], "salesman": history["rep_id"], "outlet": history["outlet_id"],
        "product": history["sku"], "units": history["qty"], "net_amount": history["amount"],
    })
    return out.astype(object).where(out.notna(), None)


def actuals_rows(actuals: pd.DataFrame) -> pd.DataFrame:
    """The demo's Actuals sheet as order lines of the same fact table (no month, a region of its own)."""
    out = pd.DataFrame({
        "order_date": actuals["date"].dt.date, "sales_month": None, "area": "—", "salesman": actuals["rep_id"],
        "outlet": actuals["outlet_id"], "product": actuals["sku"], "units": actuals["qty"],
        "net_amount": actuals["amount"],
    })
    return out.astype(object).where(out.notna(), None)


# ---- PostgreSQL ----

def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server programs (the newest installed), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """A throwaway PostgreSQL cluster: ``start()``, then ``port``, ``url(table)``, ``sql(...)``, ``stop()``."""

    def __init__(self):
        self.bin = postgres_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="salesxl-pg-"))
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0

    def run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=True, timeout=120)

    def start(self) -> "PostgresServer":
        (self.folder / "pw").write_text(PG_PASSWORD)
        if self.as_postgres:
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.folder / "pw", "postgres")
        self.run("initdb", "-D", str(self.folder / "data"), "-U", PG_USER, f"--pwfile={self.folder / 'pw'}",
                 "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8")
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=20 -c shared_buffers=32MB")
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-o", options, "-l", str(self.folder / "log"), "-w",
                 "start")
        self.sql(f"CREATE DATABASE {PG_DATABASE}", database="postgres")
        return self

    def stop(self) -> None:
        try:
            self.run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def connect(self, database: str = PG_DATABASE):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=PG_USER, password=PG_PASSWORD,
                               dbname=database, autocommit=True)

    def sql(self, statement: str, database: str = PG_DATABASE):
        with self.connect(database) as con:
            cursor = con.execute(statement)
            return cursor.fetchall() if cursor.description else None

    def load(self, table: str, rows: pd.DataFrame) -> None:
        """``rows`` (the columns of :func:`warehouse_rows`) into a new table ``schema.table``."""
        self.sql(f"CREATE SCHEMA IF NOT EXISTS {table.split('.')[0]}")
        self.sql(f"""CREATE TABLE {table} (order_date date, sales_month date, area text, salesman text,
                      outlet text, product text, units numeric(14, 2), net_amount numeric(14, 2))""")
        with self.connect() as con, con.cursor() as cursor:
            with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows.itertuples(index=False):
                    copy.write_row(tuple(row))

    def url(self, table: str, user: str | None = None) -> str:
        return f"postgresql://{user + '@' if user else ''}127.0.0.1:{self.port}/{PG_DATABASE}?table={table}"

    @property
    def password_variable(self) -> str:
        return f"SALESXL_PASSWORD_127_0_0_1_{self.port}"


# ---- Spark ----

def java_17() -> bool:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and any(f'version "{v}' in done.stderr for v in ("17", "21"))


def start_spark(folder: Path):
    """A local Spark session on one core, small and quiet, with its warehouse in ``folder``."""
    from pyspark.sql import SparkSession

    # Spark looks its machine up by host name unless told its address; a CI machine's name may not
    # resolve (a chroot, some containers), and the JVM then dies before the session exists.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (SparkSession.builder.master("local[1]").appName("salesxl-tests")
            .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1")
            .config("spark.default.parallelism", "1").config("spark.driver.memory", "768m")
            .config("spark.sql.warehouse.dir", str(folder / "warehouse"))
            .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={folder}")
            .config("spark.sql.session.timeZone", "UTC").getOrCreate())
