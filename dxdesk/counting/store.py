"""The daily tallies, kept in step with the records in the same transaction as every write.

One rule decides what counts: `counts()` — a record counts when it is not voided; its services count their
`record_services.count`, the record counts its own `count` (a campaign entry of 40 is 40) under the *subject* it
served (a record with any citizen service is a citizen; else a shop; else a product — `indicators.subject`).
Every write path calls `add(conn, where)` with the records it is about to change (sign -1, before the change) or
has just written (sign +1, after): the deltas are computed from the records themselves by the same SELECT that
`rebuild` and `check` use, and applied with `INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`, so
concurrent counters on PostgreSQL never lose an increment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    case,
    delete,
    extract,
    func,
    literal_column,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from dxdesk.db.models import (
    DailyServiceTally,
    DailySubjectTally,
    DailyTally,
    DailyVisitTally,
    Indicator,
    RecordService,
    Service,
    ServiceRecord,
)
from dxdesk.db.prepared import Prepared

log = logging.getLogger(__name__)

R = ServiceRecord.__table__
S = RecordService.__table__
DAILY = DailyTally.__table__
SUBJECTS = DailySubjectTally.__table__
SERVICES = DailyServiceTally.__table__
VISITS = DailyVisitTally.__table__

SPLITS = ("channel", "outcome", "volunteer_id", "shift_id", "age_band", "sex")
DAILY_KEY = ("work_date", "unit_code", "service_code")
SUBJECT_KEY = ("work_date", "unit_code", "subject")
SERVICE_KEY = ("work_date", "unit_code", "service_code", *SPLITS)
VISIT_KEY = ("work_date", "unit_code", "hour", "subject", *SPLITS)

_NONE_TEXT = literal_column("''")
_NONE_ID = literal_column("0")


def counts() -> ColumnElement[bool]:
    """The rule of what counts: a record that is not voided."""
    return R.c.voided.is_(False)


def _columns(source) -> dict:
    """A record's key columns, with '' / 0 for none (the unique keys have no NULLs)."""
    return {"work_date": source.c.work_date, "unit_code": func.coalesce(source.c.unit_code, _NONE_TEXT),
            "channel": source.c.channel, "outcome": source.c.outcome,
            "volunteer_id": func.coalesce(source.c.volunteer_id, _NONE_ID),
            "shift_id": func.coalesce(source.c.shift_id, _NONE_ID),
            "age_band": func.coalesce(source.c.age_band, _NONE_TEXT), "sex": func.coalesce(source.c.sex, _NONE_TEXT)}


def services_select(key: tuple[str, ...] = SERVICE_KEY, where: ColumnElement[bool] | None = None, sign: int = 1,
                    grouped: bool = True):
    """Per KEY: the sum of service counts of the counting records matching WHERE. GROUPED False: one row per
    service row, its KEY and its count, not summed (for `_accumulate`)."""
    columns = {**_columns(R), "service_code": S.c.service_code}
    group = [columns[k] for k in key]
    total = func.sum(S.c.count) if grouped else S.c.count
    stmt = (select(*group, total if sign > 0 else -total)
            .select_from(R.join(S, S.c.record_id == R.c.id))
            .where(counts(), where if where is not None else true()))
    return stmt.group_by(*group) if grouped else stmt


def _ranks():
    """The rank of each service row's indicator, and the join that gives it (record_services → services →
    indicators): 0 citizen, 1 shop, 2 product."""
    ind = Indicator.__table__
    svc = Service.__table__
    rank = func.min(case((ind.c.subject == "shop", 1), (ind.c.subject == "product", 2), else_=0))
    return rank, S.join(svc, svc.c.code == S.c.service_code).join(ind, ind.c.code == svc.c.indicator_code)


def subject_rank():
    """0 citizen, 1 shop, 2 product: the record serves the lowest rank among its services' indicators."""
    rank, source = _ranks()
    return select(rank).select_from(source).where(S.c.record_id == R.c.id).scalar_subquery()


def ranks_select(where: ColumnElement[bool]):
    """`subject_rank` of many records at once (record_id, rank) for the record ids matching WHERE (a condition on
    record_services.record_id): one grouped pass instead of one subquery per record."""
    rank, source = _ranks()
    return select(S.c.record_id, rank.label("rank")).select_from(source).where(where).group_by(S.c.record_id)


def visits_select(key: tuple[str, ...] = VISIT_KEY, where: ColumnElement[bool] | None = None, sign: int = 1,
                  ranks: FromClause | None = None, grouped: bool = True):
    """Per KEY: the sum of record counts and the number of counting records matching WHERE. RANKS: a table of
    (record_id, rank) filled by `ranks_select` for these records, read instead of `subject_rank` per record.
    GROUPED False: one row per record, its KEY, its count and 1, not summed (for `_accumulate`)."""
    if ranks is None:
        rank, source = subject_rank(), R
    else:
        rank, source = ranks.c.rank, R.outerjoin(ranks, ranks.c.record_id == R.c.id)
    inner = (select(*(c.label(name) for name, c in _columns(R).items()),
                    extract("hour", R.c.occurred_at).label("hour"), rank.label("rank"), R.c.count)
             .select_from(source)
             .where(counts(), where if where is not None else true())
             .subquery())
    subject = case((inner.c.rank == literal_column("1"), literal_column("'shop'")),
                   (inner.c.rank == literal_column("2"), literal_column("'product'")),
                   else_=literal_column("'citizen'"))
    columns = {name: inner.c[name] for name in (*_columns(R), "hour")} | {"subject": subject}
    group = [columns[k] for k in key]
    if not grouped:
        one = literal_column("1")
        return select(*group, inner.c.count if sign > 0 else -inner.c.count, one if sign > 0 else -one).where(true())
    n, records = func.sum(inner.c.count), func.count()
    return select(*group, n if sign > 0 else -n, records if sign > 0 else -records).group_by(*group)


@dataclass(frozen=True)
class Grain:
    """One daily tally table: its key and measures, and the SELECT that computes them from the records."""

    name: str
    table: object
    key: tuple[str, ...]
    measures: tuple[str, ...]
    source: Callable

    def select(self, where=None, sign: int = 1):
        return self.source(self.key, where, sign)


GRAINS = (
    Grain("daily", DAILY, DAILY_KEY, ("n",), services_select),
    Grain("subjects", SUBJECTS, SUBJECT_KEY, ("n", "records"), visits_select),
    Grain("services", SERVICES, SERVICE_KEY, ("n",), services_select),
    Grain("visits", VISITS, VISIT_KEY, ("n", "records"), visits_select),
)


def _insert(conn: Connection, table):
    return _insert_for(conn.dialect.name, table)


def _insert_for(dialect: str, table):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def add(conn: Connection, where: ColumnElement[bool], sign: int = 1) -> None:
    """Add (SIGN 1) or take away (SIGN -1) the counting records matching WHERE to/from every daily tally.

    Call it with -1 *before* a change to what a record counts (void, correction) and with +1 *after* a record
    is written or corrected, in the same transaction. A voided record counts nothing, so taking away a record
    already voided is a no-op. Rows are added with `INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`."""
    for grain in GRAINS:
        _upsert(conn, grain, grain.select(where, sign))


_ONE_RECORD: dict[tuple[str, int], Prepared] = {}


def _one_record(grain: Grain, sign: int) -> Prepared:
    found = _ONE_RECORD.get((grain.name, sign))
    if found is None:
        table = grain.table
        source = grain.select(R.c.id == bindparam("record_id"), sign)
        upserts = {}
        for dialect in ("sqlite", "postgresql"):  # the upsert is written in each dialect's own words
            stmt = _insert_for(dialect, table).from_select([*grain.key, *grain.measures], source)
            upserts[dialect] = stmt.on_conflict_do_update(
                index_elements=list(grain.key), set_={m: table.c[m] + stmt.excluded[m] for m in grain.measures})
        found = _ONE_RECORD[(grain.name, sign)] = Prepared(upserts)
    return found


def add_record(conn: Connection, record_id: int, sign: int = 1) -> None:
    """`add` for one record (the counter's log, a void, a correction): the same statements, compiled once and run
    on the connection's cursor (`dxdesk.db.prepared`), so a save at the counter pays for neither building SQL nor
    SQLAlchemy's per-execution work."""
    for grain in GRAINS:
        _one_record(grain, sign).execute(conn, {"record_id": record_id}).close()


def add_ids(conn: Connection, ids: list[int], sign: int = 1, chunk: int = 5000) -> None:
    for i in range(0, len(ids), chunk):
        add(conn, R.c.id.in_(ids[i:i + chunk]), sign)


def add_id_range(conn: Connection, first: int, stop: int, sign: int = 1) -> None:
    """The records with FIRST <= id < STOP (a bulk insert of one transaction): the records are read twice, not
    four times — the split tallies' deltas are computed into temporary tables, the slim tallies summed from them —
    and the subject rank of every record comes from one grouped pass over their services (`ranks_select`), not
    from a subquery per record. SQLite keeps the ranks in a temporary table; PostgreSQL joins them as a subquery
    in the same statement (hashed in memory: `_big_work_mem`)."""
    if stop <= first:
        return
    where = and_(R.c.id >= first, R.c.id < stop)
    ranks_of = ranks_select(and_(S.c.record_id >= first, S.c.record_id < stop))
    with _big_work_mem(conn, stop - first):
        if conn.dialect.name == "postgresql":
            ranks = ranks_of.subquery("ranks")
        else:
            ranks = _ranks_table()  # each record's subject rank, in one grouped pass over its services
            ranks.create(conn, checkfirst=True)
            _empty(conn, ranks)
            conn.execute(ranks.insert().from_select(["record_id", "rank"], ranks_of))
        fine = {"services": "daily", "visits": "subjects"}  # each slim grain is its split grain summed
        by_name = {g.name: g for g in GRAINS}
        for name, slim_name in fine.items():
            grain, slim = by_name[name], by_name[slim_name]
            delta = _delta_table(grain)
            delta.create(conn, checkfirst=True)
            _empty(conn, delta)
            _accumulate(conn, grain, delta, where, sign, ranks)
            for target, key in ((grain, grain.key), (slim, slim.key)):
                source = (select(*(delta.c[k] for k in key), *(func.sum(delta.c[m]) for m in target.measures))
                          .where(true()).group_by(*(delta.c[k] for k in key)))
                _upsert(conn, target, source)
            _empty(conn, delta)
        if isinstance(ranks, Table):
            _empty(conn, ranks)


BIG_WORK_MEM_MB = 256


@contextlib.contextmanager
def _big_work_mem(conn: Connection, records: int):
    """PostgreSQL: for the statements of `add_id_range` over many RECORDS, a `work_mem` big enough to hash a
    million records' ranks (130 MB) and the join to them in memory instead of in batches on disk: 5,5 s → 3,2 s
    for the visits of 1.000.000 records. 256 bytes a record, at most BIG_WORK_MEM_MB; never below the server's
    own setting. The setting before is put back (SET LOCAL: this transaction only)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    wanted_kb = min(BIG_WORK_MEM_MB * 1024, records * 256 // 1024)
    before_kb = int(conn.exec_driver_sql("SELECT setting FROM pg_settings WHERE name = 'work_mem'").scalar())
    if wanted_kb <= before_kb:
        yield
        return
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{wanted_kb}kB'")
    yield
    # not on an error: the transaction is rolled back then, and SET LOCAL with it
    conn.exec_driver_sql(f"SET LOCAL work_mem = '{before_kb}kB'")


_DELTAS: dict[str, Table] = {}
_DELTA_METADATA = MetaData()


def _empty(conn: Connection, table: Table) -> None:
    """Empty one of the temporary tables of `add_id_range`, which live as long as the connection. PostgreSQL:
    TRUNCATE, which gives the space back (deleted rows stay in the files: no autovacuum reaches a temporary
    table; 120.000 records written in batches left 30 MB in them, growing with every import of a province's
    long-running importer). SQLite: DELETE without a condition, its own truncate."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"TRUNCATE {table.name}")
    else:
        conn.execute(delete(table))


def _accumulate(conn: Connection, grain: Grain, delta: Table, where, sign: int, ranks: FromClause) -> None:
    """Fill DELTA with GRAIN's sums over the records matching WHERE. PostgreSQL: its GROUP BY (a hash
    aggregate). SQLite: its GROUP BY sorts every row (3,6 s for a million records); summing the ungrouped rows
    into DELTA's own key (`INSERT … ON CONFLICT DO UPDATE`, a few thousand keys that stay in the page cache)
    gives the same sums in a third of the time."""
    grouped = conn.dialect.name != "sqlite"
    extra = {"ranks": ranks} if grain.source is visits_select else {}
    source = grain.source(grain.key, where, sign, grouped=grouped, **extra)
    if grouped:
        conn.execute(delta.insert().from_select([*grain.key, *grain.measures], source))
    else:
        _upsert(conn, grain, source, delta)


def _delta_table(grain: Grain) -> Table:
    """A temporary table with GRAIN's columns, unique on its key: one transaction's deltas."""
    table = _DELTAS.get(grain.name)
    if table is None:
        table = _DELTAS[grain.name] = Table(
            f"tally_delta_{grain.name}", _DELTA_METADATA,
            *(Column(c.name, c.type) for c in grain.table.columns if c.name != "id"),
            UniqueConstraint(*grain.key), prefixes=["TEMPORARY"])
    return table


def _ranks_table() -> Table:
    """A temporary table (record_id, rank): `ranks_select` of one transaction's records."""
    table = _DELTAS.get("ranks")
    if table is None:
        table = _DELTAS["ranks"] = Table("tally_delta_ranks", _DELTA_METADATA,
                                         Column("record_id", Integer, primary_key=True), Column("rank", Integer),
                                         prefixes=["TEMPORARY"])
    return table


def _upsert(conn: Connection, grain: Grain, source, table: Table | None = None) -> None:
    """Add SOURCE's rows (GRAIN's key and measures) to GRAIN's table, or to TABLE (one with the same key): a key
    already there gets its measures added."""
    table = grain.table if table is None else table
    stmt = _insert(conn, table).from_select([*grain.key, *grain.measures], source)
    stmt = stmt.on_conflict_do_update(index_elements=list(grain.key),
                                      set_={m: table.c[m] + stmt.excluded[m] for m in grain.measures})
    conn.execute(stmt)


def rebuild(conn: Connection) -> None:
    """Empty the daily tallies and fill them again from every record (migration 0004, `check` repairs)."""
    for grain in GRAINS:
        conn.execute(delete(grain.table))
        conn.execute(grain.table.insert().from_select([*grain.key, *grain.measures], grain.select()))


# --- the check: stored against recomputed ---------------------------------------------------------------------


@dataclass
class Difference:
    table: str
    key: tuple
    stored: tuple
    expected: tuple


@dataclass
class CheckResult:
    rows_checked: int = 0
    differences: list[Difference] = field(default_factory=list)
    repaired: bool = False

    @property
    def ok(self) -> bool:
        return not self.differences


def _normal(value):
    """One spelling of a key value on both engines: dates as ISO text, numbers (PostgreSQL's numeric hour) as int."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (Decimal, float)):
        return int(value)
    return value


def _normal_key(row: tuple, width: int) -> tuple:
    return tuple(_normal(v) for v in row[:width])


def _as_dict(rows, width: int) -> dict[tuple, tuple]:
    out: dict[tuple, tuple] = {}
    for row in rows:
        measures = tuple(int(v or 0) for v in row[width:])
        if any(measures):
            out[_normal_key(tuple(row), width)] = measures
    return out


def _stored(conn: Connection, table, key: tuple[str, ...], measures: tuple[str, ...]) -> dict[tuple, tuple]:
    cols = [table.c[k] for k in key]
    stmt = select(*cols, *(func.sum(table.c[m]) for m in measures)).group_by(*cols)
    return _as_dict(conn.execute(stmt), len(key))


def compare(conn: Connection) -> CheckResult:
    """Recompute every daily tally from the raw records and compare with what is stored (zero rows ignored)."""
    result = CheckResult()
    for grain in GRAINS:
        expected = _as_dict(conn.execute(grain.select()), len(grain.key))
        stored = _stored(conn, grain.table, grain.key, grain.measures)
        result.rows_checked += len(expected)
        for k in sorted(set(expected) | set(stored), key=repr):
            if expected.get(k) != stored.get(k):
                zero = (0,) * len(grain.measures)
                result.differences.append(Difference(grain.name, k, stored.get(k, zero), expected.get(k, zero)))
    return result


def lock_for_check(conn: Connection) -> None:
    """PostgreSQL: hold back concurrent tally updates until this transaction ends, so the records and the
    tallies read by `compare` belong to the same moment (a writer between its record and its tally waits)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE " + ", ".join(g.table.name for g in GRAINS) + " IN SHARE ROW EXCLUSIVE MODE")
