"""History and actuals from where they live: a database, a warehouse or a Spark cluster, summed there.

Settings' ``history_source`` (and ``actuals_source``) may name a table instead of a sheet or files::

    postgresql://db.example.com:5432/sales?table=sales.fact_orders
    duckdb:///data/warehouse.duckdb?table=orders        (duckdb:warehouse.duckdb: beside the workbook)
    spark://?table=shop.orders                          (this machine's Spark; spark://master:7077 a cluster)
    sc://spark.example.com:15002?table=shop.orders      (Spark Connect)

The engine sums the rows (:mod:`salesxl.sources.history_query`, one Ibis definition for every engine)
and only the sums travel: a few thousand monthly rows for the target and breakdown window, the daily
sums of the plan month for tracking.

**Columns.** Sources rarely use salesxl's names. ``history_columns`` (``actuals_columns``) maps them,
one pair per salesxl column: ``date=order_date; region=sales_area; amount=net_amount`` (salesxl's key
or its label, ``日期``/``Date``, on the left). A column the map leaves out is found by the History
(Actuals) sheet's own bilingual headers, as in files.

**Credentials never go into the workbook.** A password or token in the URL is refused, pointing at
the cell. The password comes from the environment variable named by the URL's host and port,
``SALESXL_PASSWORD_DB_EXAMPLE_COM_5432`` (a Spark Connect token from ``SALESXL_TOKEN_…``), else from
the user's keyring (``keyring set salesxl:postgresql://db.example.com:5432 analyst``), else from the
engine's own environment (libpq's ``PGPASSWORD`` and ``~/.pgpass``). The user name may stand in the URL
(``postgresql://analyst@db…``): it is not a secret, but it is never shown on a sheet either.

**Nothing typed reaches SQL as text.** The table is looked up in the engine's catalogue (its schema
among the schemas, its name among that schema's tables) and every mapped column among the table's
columns before any query runs; the expression is then built from the catalogue's own names, so a
table named ``x; drop table y`` is simply not found. Months and days are date parameters.

**Failures are problems.** An engine that is not installed, a server that cannot be reached, a login
refused, a missing table or column, a query running past ``source_timeout`` seconds: each is an error
naming the source and pointing at the setting, and the step writes nothing.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd

from ..core.history import HistoryWindow
from ..problems import Problem
from ..terms import normalise_label
from ..workbook.schema import SheetLayout, SheetSchema
from . import SettingCell

SCHEMES = {"postgresql": "postgres", "postgres": "postgres", "duckdb": "duckdb", "spark": "spark", "sc": "spark"}
"""URL scheme -> engine."""

EXTRAS = {"postgres": ("psycopg", "salesxl[postgres]"), "spark": ("pyspark", "salesxl[spark]"), "duckdb": ("duckdb", "salesxl")}
"""Engine -> (the module it needs, what to install)."""

SYSTEM_SCHEMAS = ("information_schema", "pg_")
"""The engine's own schemas, left out of what a message lists."""

SECRET_KEYS = ("password", "passwd", "pwd", "token", "secret", "key", "access_token")
CONNECT_SECONDS = 15
"""How long to wait for a server to answer at all (the query itself has ``source_timeout``)."""

URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|duckdb:)")


def is_url(text: str) -> bool:
    """A connection URL rather than a file or folder (``C:\\data`` is a folder)."""
    return bool(URL.match(text.strip()))


@dataclass(frozen=True)
class Source:
    """A parsed ``history_source`` / ``actuals_source`` URL.

    Attributes:
        engine: ``postgres``, ``duckdb`` or ``spark``.
        scheme: as typed (``postgresql``, ``sc`` ...).
        host, port: the server (None for DuckDB and this machine's Spark).
        database: PostgreSQL's database, or the DuckDB file.
        table: the table or view, ``schema.table`` or ``table``.
        user: the login name when the URL gives one.
    """

    engine: str
    scheme: str
    host: str | None
    port: int | None
    database: str | None
    table: str
    user: str | None = None

    @property
    def shown(self) -> str:
        """The source as sheets and messages show it: host and table, never a user or a password."""
        if self.scheme == "file":
            return self.table
        if self.engine == "duckdb":
            return f"duckdb://{'' if self.database.startswith('/') else '/'}{self.database}?table={self.table}"
        where = f"{self.host}:{self.port}" if self.host and self.port else (self.host or "")
        path = f"/{self.database}" if self.database else ""
        return f"{self.scheme}://{where}{path}?table={self.table}"

    @property
    def server(self) -> str:
        """What names the credentials: ``postgresql://db.example.com:5432``."""
        return f"{self.scheme}://{self.host}:{self.port}" if self.port else f"{self.scheme}://{self.host}"

    def variable(self, what: str) -> str:
        """``SALESXL_PASSWORD_DB_EXAMPLE_COM_5432``: the environment variable holding this server's secret."""
        name = re.sub(r"[^A-Za-z0-9]+", "_", f"{self.host}_{self.port}" if self.port else str(self.host))
        return f"SALESXL_{what}_{name.strip('_').upper()}"


def parse_source(text: str, where: SettingCell, folder: Path | None) -> tuple[Source | None, list[Problem]]:
    """The source a URL names, or the problem with the URL (a password in it above all)."""
    text = text.strip()
    scheme = text.split(":", 1)[0].lower()
    if scheme not in SCHEMES:
        return None, [where.problem("source-scheme", f"不认识的数据源“{scrubbed(text)}”；请写 postgresql://、"
                                    "duckdb:///、spark:// 或 sc:// 开头的地址，或CSV/Parquet文件路径",
                                    f"'{scrubbed(text)}' is not a source salesxl knows: use a postgresql://, "
                                    "duckdb:///, spark:// or sc:// URL, or a CSV/Parquet file or folder")]
    parts = urlsplit(text)
    query = parse_qs(parts.query, keep_blank_values=True)
    secrets = [k for k in query if k.lower() in SECRET_KEYS]
    secrets += [p.split("=")[0] for p in parts.path.split(";")[1:] if p.split("=")[0].lower() in SECRET_KEYS]
    try:
        password = parts.password
    except ValueError:
        password = None
    if password is not None or secrets:
        what = "password" if password is not None else secrets[0]
        return None, [where.problem(
            "source-secret-in-workbook",
            f"数据源地址中含有{what}：密码和令牌不能写进工作簿。请删除它，改用环境变量或系统钥匙串（keyring）",
            f"the source URL contains a {what}: passwords and tokens must not be kept in the workbook. Remove it "
            "and use an environment variable or the system keyring instead")]
    tables = query.get("table", [])
    if not tables or not tables[0].strip():
        return None, [where.problem("source-no-table", "数据源地址缺少表名：请在末尾加上 ?table=模式.表名",
                                    "the source URL names no table: end it with ?table=schema.table")]
    engine = SCHEMES[scheme]
    try:
        port = parts.port
    except ValueError:
        return None, [where.problem("source-bad-port", f"“{parts.netloc.split('@')[-1]}”中的端口不是数字",
                                    f"the port in '{parts.netloc.split('@')[-1]}' is not a number")]
    user = unquote(parts.username) if parts.username else None
    host = parts.hostname
    if engine == "duckdb":
        database = duckdb_file(text, folder)
        host, port = None, None
    elif engine == "postgres":
        database = unquote(parts.path.lstrip("/")) or None
        port = port or 5432
    else:
        database = None
        port = port or (15002 if scheme == "sc" else (7077 if host and host != "local" else None))
    return Source(engine, scheme, host, port, database, tables[0].strip(), user), []


def scrubbed(text: str) -> str:
    """A URL as it may be shown: without its query and without anything before an ``@`` (user, password)."""
    return re.sub(r"//[^/@?]*@", "//", text.strip().split("?", 1)[0])


def duckdb_file(text: str, folder: Path | None) -> str:
    """``duckdb:///data/w.duckdb`` (absolute), ``duckdb:w.duckdb`` (beside the workbook), ``duckdb:///C:/w.duckdb``."""
    path = unquote(text.split("?", 1)[0][len("duckdb:"):])
    if path.startswith("//"):
        path = path[2:]  # duckdb:// + /absolute/path
    if re.match(r"^/[A-Za-z]:[/\\]", path):
        path = path[1:]
    if not Path(path).is_absolute() and folder is not None:
        path = str(folder / path)
    return path


# ---- credentials ----

def secret_for(source: Source, environ: dict) -> str | None:
    """The password (token) for ``source`` from the environment, then the keyring; None when neither has one."""
    what = "TOKEN" if source.scheme == "sc" else "PASSWORD"
    if environ.get(source.variable(what)):
        return environ[source.variable(what)]
    try:
        import keyring

        return keyring.get_password(f"salesxl:{source.server}", source.user or "")
    except Exception:  # no keyring installed, or no usable backend on a headless machine
        return None


def user_for(source: Source, environ: dict) -> str | None:
    return source.user or environ.get(source.variable("USER")) or None


# ---- connecting ----

def connect(source: Source, timeout: int, environ: dict):
    """An Ibis connection to the source's engine (raises the engine's own errors, explained by :func:`failure`)."""
    import ibis

    if source.engine == "postgres":
        kwargs = {"options": f"-c statement_timeout={int(timeout * 1000)}", "connect_timeout": CONNECT_SECONDS}
        return ibis.postgres.connect(host=source.host, port=source.port, user=user_for(source, environ),
                                     password=secret_for(source, environ), database=source.database, **kwargs)
    if source.engine == "duckdb":
        if not Path(source.database).is_file():
            raise FileNotFoundError(source.database)
        return ibis.duckdb.connect(source.database, read_only=True)
    return ibis.pyspark.connect(spark_session(source, environ))


def spark_session(source: Source, environ: dict):
    """The Spark session: Spark Connect for ``sc://``, a cluster's master for ``spark://host``, else the
    session this process already has, or a local one."""
    from pyspark.sql import SparkSession

    if source.scheme == "sc":
        token = secret_for(source, environ)
        remote = f"sc://{source.host}:{source.port}" + (f"/;token={token}" if token else "")
        return SparkSession.builder.remote(remote).getOrCreate()
    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    master = f"spark://{source.host}:{source.port}" if source.host and source.host != "local" else "local[*]"
    return SparkSession.builder.master(master).appName("salesxl").getOrCreate()


# ---- the catalogue ----

def find_table(con, source: Source):
    """The table the source names, looked up in the engine's catalogue: ``(table, None)`` or ``(None, (zh, en))``."""
    *schema_parts, name = source.table.split(".")
    schema = None
    if schema_parts:
        wanted = ".".join(schema_parts)
        schemas = [str(s) for s in con.list_databases() if not str(s).startswith(SYSTEM_SCHEMAS)]
        schema = same_name(wanted, schemas)
        if schema is None:
            return None, (f"数据库中没有模式“{wanted}”（现有：{listed(schemas)}）",
                          f"there is no schema '{wanted}' in the database (it has: {listed(schemas)})")
    tables = [str(t) for t in (con.list_tables(database=schema) if schema is not None else con.list_tables())]
    found = same_name(name, tables)
    if found is None:
        return None, (f"数据库中没有表或视图“{source.table}”（{listed(tables)}）",
                      f"the table or view '{source.table}' is not in the database (it has: {listed(tables)})")
    return (con.table(found, database=schema) if schema is not None else con.table(found)), None


def same_name(wanted: str, names: list[str]) -> str | None:
    """``wanted`` among the catalogue's ``names``: exactly, or ignoring case when that is unambiguous."""
    if wanted in names:
        return wanted
    folded = [n for n in names if n.lower() == wanted.lower()]
    return folded[0] if len(folded) == 1 else None


def listed(names: list[str], most: int = 10) -> str:
    shown = ", ".join(sorted(names)[:most])
    return (shown + f" … (+{len(names) - most})" if len(names) > most else shown) or "—"


# ---- the column map ----

def parse_column_map(text: str, schema: SheetSchema) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """``date=order_date; region=area`` -> ``{"date": "order_date", "region": "area"}`` and the pairs it could
    not read as ``(zh, en)`` messages. The left side is salesxl's key or the column's label."""
    mapping, issues = {}, []
    for pair in re.split(r"[;；,，\n]+", text or ""):
        if not pair.strip():
            continue
        found = re.match(r"\s*([^=＝:：]*?)\s*([=＝:：])\s*(.*?)\s*$", pair)
        key, name = (found.group(1), found.group(3)) if found else (pair.strip(), "")
        column = next((c for c in schema.columns if normalise_label(key) in c.spellings()), None)
        if not found or not name:
            issues.append((f"“{pair.strip()}”应写成 列=数据源列名，如 date=order_date",
                           f"'{pair.strip()}' should read column=source column, e.g. date=order_date"))
        elif column is None:
            known = ", ".join(c.key for c in schema.columns)
            issues.append((f"“{key.strip()}”不是{schema.zh}表的列（可用：{known}）",
                           f"'{key.strip()}' is not a column of {schema.en} (use one of: {known})"))
        else:
            mapping[column.key] = name.strip()
    return mapping, issues


def mapped_columns(found: dict[str, object], mapping: dict[str, str], schema: SheetSchema
                   ) -> tuple[dict[str, str], list[tuple[str | None, str, str, str]]]:
    """salesxl's key -> the source's column, and what is wrong: ``(key, code, zh, en)``.

    ``found`` is the table's columns and their Ibis types, from the catalogue.
    """
    names = list(found)
    columns: dict[str, str] = {}
    issues: list[tuple[str | None, str, str, str]] = []
    for key, name in mapping.items():
        match = same_name(name, names)
        if match is None:
            issues.append((key, "source-column-missing",
                           f"数据源中没有列“{name}”（{schema.column(key).label}；现有：{listed(names, 20)}）",
                           f"the source has no column '{name}' (for {schema.column(key).label}; it has: "
                           f"{listed(names, 20)})"))
        else:
            columns[key] = match
    matched, _ = schema.match_headers(names)
    for j, column in matched.items():
        if column.key not in mapping:
            columns[column.key] = names[j]
    for column in schema.columns:
        if column.required and column.key not in columns and column.key not in mapping:
            issues.append((column.key, "source-column-missing",
                           f"数据源中找不到“{column.label}”列；请在列对照中写明，如 {column.key}=数据源列名",
                           f"the source has no column for '{column.label}'; name it in the column map, e.g. "
                           f"{column.key}=source_column"))
    if schema.one_of and not any(k in columns or k in mapping for k in schema.one_of):
        labels = " / ".join(schema.column(k).label for k in schema.one_of)
        issues.append((schema.one_of[0], "source-column-missing", f"数据源中至少需要一列：{labels}",
                       f"the source needs at least one of the columns: {labels}"))
    for key, name in columns.items():
        kind = found[name]
        wrong = ((key in ("date", "month") and not (kind.is_temporal() or kind.is_string()))
                 or (key in ("qty", "amount") and not kind.is_numeric()))
        if wrong:
            issues.append((key, "source-column-type", f"列“{name}”的类型是 {kind}，不能作为{schema.column(key).label}",
                           f"the column '{name}' is of type {kind}, not usable as {schema.column(key).label}"))
    return columns, issues


# ---- reading ----

@dataclass(frozen=True)
class Request:
    """What one step asks of one source.

    Attributes:
        text: the setting's value (the URL).
        where: the setting's value cell.
        columns_text, columns_where: the column map setting's value and cell.
        schema: the sheet the source stands for (History or Actuals).
        window: for history, the months and grains to sum (None: no plan month, nothing to sum).
        month: for actuals, the plan month.
        weekday: sum daily history by weekday too.
        timeout: seconds a query may run.
    """

    text: str
    where: SettingCell
    columns_text: str
    columns_where: SettingCell
    schema: SheetSchema
    window: HistoryWindow | None = None
    month: pd.Period | None = None
    weekday: bool = False
    timeout: int = 600


@dataclass(frozen=True)
class SourceSummary:
    """What a source gave: shown in ``salesxl check`` and in the notice every step reports.

    Attributes:
        setting: ``history_source`` or ``actuals_source``.
        shown: the source, host and table.
        rows: source rows aggregated.
        sums: rows handed to the core.
        months: months with sales among those asked for.
        seconds: how long the engine took.
    """

    setting: str
    shown: str
    rows: int
    sums: int
    months: tuple[pd.Period, ...] = field(default_factory=tuple)
    seconds: float = 0.0

    def line(self) -> str:
        span = f", {len(self.months)} months {self.months[0]}–{self.months[-1]}" if self.months else ", no months"
        return f"{self.setting}: {self.shown} — {self.rows:,} rows aggregated to {self.sums:,}{span}"


def read_from_source(request: Request, folder: Path | None, progress: Callable[[str], None],
                     environ: dict) -> tuple[pd.DataFrame, SheetLayout, list[Problem], SourceSummary | None]:
    """The History (Actuals) table summed by the engine the URL names: frame, layout, problems, summary."""
    schema = request.schema
    empty = schema.empty_frame()
    source, problems = parse_source(request.text, request.where, folder)
    if source is None:
        return empty, SheetLayout(schema.key, scrubbed(request.text)), problems, None
    layout = SheetLayout(schema.key, source.shown)
    mapping, issues = parse_column_map(request.columns_text, schema)
    if issues:
        return empty, layout, [request.columns_where.problem("source-column-map", zh, en) for zh, en in issues], None
    if request.window is None and request.month is None:
        return empty, layout, [], None  # no plan month: reported on Settings; nothing to sum
    module, extra = EXTRAS[source.engine]
    try:
        __import__(module)
        import ibis  # noqa: F401
    except ImportError:
        return empty, layout, [request.where.problem(
            "source-engine-missing", f"读取 {source.shown} 需要安装 {extra}（pip install '{extra}'）",
            f"reading {source.shown} needs {extra} installed (pip install '{extra}')")], None

    progress(f"连接数据源 Connecting to {source.shown}")
    try:
        con = connect(source, request.timeout, environ)
    except Exception as exc:
        return failed(request, layout, source, *failure(exc, source, environ, request.timeout, False))
    try:
        try:
            table, missing = find_table(con, source)
        except Exception as exc:
            return failed(request, layout, source, *failure(exc, source, environ, request.timeout, False))
        if table is None:
            return failed(request, layout, source, "source-table-missing", *missing)
        return summed(con, table, request, layout, source, progress, environ)
    finally:
        if source.engine != "spark":  # a Spark session is the process's to keep (disconnect would stop it)
            con.disconnect()


def read_from_files(request: Request, folder: Path | None, progress: Callable[[str], None]):
    """Actuals from a CSV or Parquet file or folder: the files as one DuckDB table, summed as a database's.

    DuckDB reads each file's types from the file (a column of dates is a date column); a column of the
    wrong type is a problem naming it, as for a database.
    """
    import duckdb
    import ibis

    from .history_files import source_files

    files, problems = source_files(request.text.strip(), folder, request.where)
    source = Source("duckdb", "file", None, None, None, request.text.strip())
    layout = SheetLayout(request.schema.key, source.shown)
    if problems:
        return request.schema.empty_frame(), layout, problems, None
    if request.month is None:
        return request.schema.empty_frame(), layout, [], None
    con = duckdb.connect()
    try:
        for n, (path, _, reader) in enumerate(files):  # file paths are handed to DuckDB as values, not SQL
            read = con.read_csv(str(path), header=True) if reader == "csv" else con.read_parquet(str(path))
            read.create_view(f"file_{n}")
        union = " UNION ALL BY NAME ".join(f"SELECT * FROM file_{n}" for n in range(len(files)))
        con.execute(f"CREATE VIEW source_rows AS {union}")
        engine = ibis.duckdb.from_connection(con)
        table = engine.table("source_rows")
    except Exception as exc:
        return failed(request, layout, source, "cannot-read", f"无法读取：{first_line(exc)}",
                      f"cannot read the files: {first_line(exc)}")
    return summed(engine, table, request, layout, source, progress, {})


def failed(request: Request, layout: SheetLayout, source: Source, code: str, zh: str, en: str):
    """No frame, and the problem at the source setting, naming the source."""
    problem = request.where.problem(code, f"{source.shown}：{zh}", f"{source.shown}: {en}")
    return request.schema.empty_frame(), layout, [problem], None


def summed(con, table, request: Request, layout: SheetLayout, source: Source, progress: Callable[[str], None],
           environ: dict):
    """The table's columns matched, then the step's sums run in its engine: frame, layout, problems, summary."""
    mapping, unreadable = parse_column_map(request.columns_text, request.schema)
    if unreadable:
        return request.schema.empty_frame(), layout, [request.columns_where.problem("source-column-map", zh, en)
                                                      for zh, en in unreadable], None
    found = dict(table.schema().items())
    columns, issues = mapped_columns(found, mapping, request.schema)
    if issues:
        at = request.columns_where if request.columns_text.strip() else request.where
        return request.schema.empty_frame(), layout, [at.problem(code, f"{source.shown}：{zh}", f"{source.shown}: {en}")
                                                      for _, code, zh, en in issues], None
    layout.columns = {key: (None, name) for key, name in columns.items()}
    try:
        parts, seconds = run_queries(con, table, columns, request, source, progress)
    except Exception as exc:
        return failed(request, layout, source, *failure(exc, source, environ, request.timeout,
                                                        isinstance(exc, TimeoutError)))
    return framed(parts, request, layout, source, seconds)


def run_queries(con, table, columns: dict[str, str], request: Request, source: Source,
                progress: Callable[[str], None]):
    """Run the step's aggregations in the engine; the Arrow results and the seconds it took."""
    from .history_query import BY_REGION_KEYS, DETAIL_KEYS, daily_actuals, monthly_sums, sales_rows

    rows = sales_rows(table, columns)
    if request.schema.key == "actuals":
        queries = [(daily_actuals(rows, request.month), f"{request.month} 日实际 daily actuals")]
    else:
        slices = [(DETAIL_KEYS, request.window.detail, request.weekday, "月×区域×业务员×网点×产品 by outlet × SKU"),
                  (BY_REGION_KEYS, request.window.by_region, False, "往年同月×区域 same month by region")]
        queries = [(monthly_sums(rows, keys, months, weekday), label)
                   for keys, months, weekday, label in slices if months]
    started = time.monotonic()
    parts = []
    for n, ((expr, params), label) in enumerate(queries, start=1):
        progress(f"汇总 Summing in {source.shown} ({n}/{len(queries)}: {label})…")
        parts.append(with_timeout(con, source, request.timeout, lambda: con.to_pyarrow(expr, params=params)))
        progress(f"汇总 Summed {parts[-1].num_rows:,} 行 rows ({time.monotonic() - started:.1f} s)")
    return parts, time.monotonic() - started


def with_timeout(con, source: Source, seconds: int, run: Callable):
    """``run()``, stopped after ``seconds``: PostgreSQL's own statement timeout, else a timer that
    interrupts DuckDB or cancels the Spark jobs. Raises TimeoutError when it was stopped."""
    if source.engine == "postgres":
        return run()
    fired = threading.Event()

    def stop():
        fired.set()
        if source.engine == "duckdb":
            con.con.interrupt()
        else:
            session = con._session
            if source.scheme == "sc":
                session.interruptAll()
            else:
                session.sparkContext.cancelAllJobs()

    timer = threading.Timer(seconds, stop)
    timer.daemon = True
    timer.start()
    try:
        return run()
    except Exception:
        if fired.is_set():
            raise TimeoutError(seconds)
        raise
    finally:
        timer.cancel()


def framed(parts, request: Request, layout: SheetLayout, source: Source, seconds: float):
    from .history_query import actuals_frame, history_frame, months_covered

    keys = [c.key for c in request.schema.columns]
    if request.schema.key == "actuals":
        frame = actuals_frame(parts[0], keys)
        zh_what, en_what, setting = "本月实际销售", "this month's actual sales", "actuals_source"
    else:
        frame = history_frame(parts, request.weekday, keys)
        zh_what, en_what, setting = "历史销售", "the history", "history_source"
    rows = sum(int(p["n_rows"].cast("int64").to_numpy(zero_copy_only=False).sum()) for p in parts)
    months = tuple(months_covered(parts))
    summary = SourceSummary(setting, source.shown, rows, len(frame), months, seconds)
    span = (f"{len(months)} 个月（{months[0]} 至 {months[-1]}）", f"{len(months)} month(s) ({months[0]} to {months[-1]})") \
        if months else ("所需月份中没有数据", "no sales in the months needed")
    notice = Problem(layout.sheet_name, None, None, f"{request.schema.key}-from-source",
                     f"{zh_what}由 {source.shown} 汇总：{rows:,} 行汇总为 {len(frame):,} 行，{span[0]}，用时 {seconds:.1f} 秒",
                     f"{en_what} was summed in {source.shown}: {rows:,} rows aggregated to {len(frame):,}, "
                     f"{span[1]}, in {seconds:.1f} s", "notice")
    return frame, layout, [notice], summary


def failure(exc: Exception, source: Source, environ: dict, timeout: int, timed_out: bool) -> tuple[str, str, str]:
    """An engine's exception as ``(code, zh, en)`` a planner can act on."""
    text = str(exc)
    lowered = text.lower()
    if timed_out or "statement timeout" in lowered or "canceling statement" in lowered:
        return ("source-timeout", f"查询超过 {timeout} 秒未完成，已停止（可在设置 source_timeout 中调大）",
                f"the query ran longer than {timeout} s and was stopped (raise source_timeout in Settings)")
    if isinstance(exc, FileNotFoundError):
        return "source-file-missing", f"找不到数据库文件 {source.database}", f"the database file {source.database} does not exist"
    if "password authentication failed" in lowered or "authentication failed" in lowered or "no password supplied" in lowered:
        what = "TOKEN" if source.scheme == "sc" else "PASSWORD"
        return ("source-login-refused",
                f"服务器拒绝了登录（用户 {user_for(source, environ) or '默认'}）。请检查环境变量 {source.variable(what)} "
                f"或钥匙串中 salesxl:{source.server} 的密码",
                f"the server refused the login (user {user_for(source, environ) or 'default'}). Check the environment "
                f"variable {source.variable(what)} or the keyring entry salesxl:{source.server}")
    if any(s in lowered for s in ("connection refused", "could not connect", "timeout expired", "could not translate host",
                                  "name or service not known", "no route to host", "connection timed out",
                                  "failed to connect", "unavailable")):
        return ("source-unreachable", f"无法连接服务器 {source.host}:{source.port}（{first_line(text)}）",
                f"cannot reach the server {source.host}:{source.port} ({first_line(text)})")
    return "source-failed", f"读取失败：{first_line(text)}", f"reading failed: {first_line(text)}"


def first_line(text: str) -> str:
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else "?"
