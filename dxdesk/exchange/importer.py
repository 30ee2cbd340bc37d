"""Roll-up import: merge export packages into this database, each whole or not at all.

Rules (docs/exchange.md):
- a record is identified by its UUID; a UUID already here with the same content is "already present";
- the same UUID with different content (date, time, channel, outcome, services and counts, commune) is a
  conflict: reported, the stored record left as it is;
- voiding is one-way: a package that shows a known record voided voids it here ("void update"); a package
  that shows it not voided never un-voids it. The result does not depend on the order packages arrive in;
- every row is checked; any bad row refuses the whole package, and the single write transaction is rolled
  back, so nothing of a refused or cancelled package is ever stored;
- a package whose SHA-256 was imported here before is recognised at once ("already imported on …"): no row is
  read, nothing written.
Rows are bulk-inserted, not ORM objects: SQLite by executemany, PostgreSQL by COPY into temporary staging tables
and one INSERT … SELECT … ON CONFLICT DO NOTHING per table; a big package (at least REBUILD_MIN records and as many
as are stored) goes straight into the tables with their secondary indexes (and, on PostgreSQL, foreign keys) set
aside and made again at the end (see _Merger)."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress, islice
from operator import eq, itemgetter
from pathlib import Path

from sqlalchemy import select

from dxdesk import clock
from dxdesk.counting import store as counting_store
from dxdesk.db.models import ImportBatch, Service, Unit
from dxdesk.exchange import package as pkg
from dxdesk.exchange import trust
from dxdesk.exchange.export import Cancelled
from dxdesk.exchange.rowcheck import Checker, Refused, shown
from dxdesk.i18n import _
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import units
from dxdesk.text import fold
from dxdesk.vnformat import fmt_date

CHUNK = 20_000
REBUILD_MIN = 100_000  # SQLite: a package of at least this many records (and of more than are stored) sets the
# secondary indexes aside while it is inserted (see _Merger._set_indexes_aside)
SQLITE_CACHE_KIB = 256 * 1024
# the columns of service_records that differ between the records of one package (the rows handed to the database);
# the others (SHARED) are the same for the whole package
VARYING = ["id", "uuid", "work_date", "occurred_at", "channel", "outcome", "count", "is_campaign", "search_text", "voided",
           "void_reason"]
SHARED = ["unit_code", "entered_at", "entered_by", "place", "note", "origin"]
SVC_COLS = ["record_id", "service_code", "count"]
STAGE, STAGE_SERVICES = "import_stage", "import_stage_services"  # temporary tables of one import's transaction


@dataclass
class ImportResult:
    path: Path
    sha256: str
    unit_code: str
    unit_name: str
    period_key: str
    new: int = 0
    present: int = 0
    void_updates: int = 0
    conflicts: int = 0
    conflict_uuids: list[str] = field(default_factory=list)
    imported_before: dt.datetime | None = None  # set when this very package (same SHA-256) was imported already

    def summary(self) -> str:
        if self.imported_before is not None:
            return _("{name}: this package was already imported on {date}; nothing was changed.").format(
                name=self.path.name, date=fmt_date(self.imported_before.date()))
        text = _("{name}: {unit}, {period}: {new} new, {present} already present").format(
            name=self.path.name, unit=self.unit_name, period=self.period_key, new=self.new, present=self.present)
        if self.void_updates:
            text += _(", {n} voided since").format(n=self.void_updates)
        if self.conflicts:
            text += _(", {n} conflicts (kept as they were: {uuids})").format(
                n=self.conflicts, uuids=", ".join(self.conflict_uuids[:5]) + ("…" if self.conflicts > 5 else ""))
        return text + "."


def import_package(db, actor: Actor, path: Path, progress: Callable[[int, int], bool] | None = None,
                   allow_unsigned: bool = False) -> ImportResult:
    """Check and merge one package. Raises UserError (refused, nothing written) or Cancelled (nothing written).
    ALLOW_UNSIGNED (an administrator, audited): accept a package without a signature (an older version's)."""
    require(actor, "data.import")
    path = Path(path)
    known = _imported_before(db, path)
    if known is not None:
        return known
    checked = pkg.check_package(path)
    man = checked.manifest
    entry = _sender_unit(db, path, man)
    accepted = trust.accept_data_package(db, actor, checked, entry.unit_code, entry.unit_name, allow_unsigned)
    try:
        period_from = dt.date.fromisoformat(man.data["period"]["from"])
        period_to = dt.date.fromisoformat(man.data["period"]["to"])
    except ValueError:
        raise pkg.refuse(path, _("the period in manifest.json is not valid.")) from None
    with db.session() as session:
        indicator_of = dict(session.execute(select(Service.code, Service.indicator_code)).all())
    result = ImportResult(path, checked.sha256, entry.unit_code, entry.unit_name, man.period_key)
    origin = f"import:{entry.unit_code}:{checked.sha256}"
    total_rows = int(man.data.get("row_count") or 0)
    try:
        with _collector_paused(), db.write() as session:
            conn = session.connection()
            old_cache = None
            big = _is_big(conn, man.record_count)
            if db.is_sqlite:  # a big page cache for this transaction: the UUID index is written in random order
                old_cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
                conn.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
            else:  # a big import drops indexes: the strongest lock at once, never an upgrade that could deadlock
                mode = "ACCESS EXCLUSIVE" if big else "SHARE ROW EXCLUSIVE"
                conn.exec_driver_sql(f"LOCK TABLE service_records, record_services IN {mode} MODE")
            merger = _Merger(db, conn, actor, entry.unit_code, origin, result, big=big)
            zf, member = checked.open_member(pkg.RECORDS)
            with zf, member, _restore_cache(conn, old_cache):
                text = io.TextIOWrapper(member, encoding="utf-8-sig", errors="strict", newline="")
                reader = csv.reader(text)
                try:
                    header = next(reader, None)
                except UnicodeDecodeError:
                    raise Refused(_("records.csv is not UTF-8 text.")) from None
                except csv.Error:
                    raise Refused(_("records.csv is not a valid CSV file.")) from None
                if header is None or tuple(header) != pkg.CSV_HEADER:
                    raise Refused(_("records.csv does not have the expected columns ({columns}).").format(
                        columns=",".join(pkg.CSV_HEADER)))
                _read_rows(reader, merger, indicator_of, period_from, period_to, total_rows, progress)
                if merger.records_seen != man.record_count:
                    raise Refused(_("records.csv holds {n} records but the manifest says {m}.").format(
                        n=merger.records_seen, m=man.record_count))
                merger.finish()
            if session.get(Unit, entry.unit_code) is None:
                session.add(Unit(code=entry.unit_code, province_code=entry.province_code, name=entry.unit_name,
                                 code_list_version=man.unit.get("code_list_version") or units.CODE_LIST_VERSION))
            session.add(ImportBatch(
                package_sha256=checked.sha256, unit_code=entry.unit_code, period_key=man.period_key[:30],
                imported_at=clock.now(), imported_by=actor.username, new_records=result.new,
                present_records=result.present, conflicts=result.conflicts,
                summary=json.dumps({"file": path.name, "void_updates": result.void_updates,
                                    "conflict_uuids": result.conflict_uuids[:100]}),
            ))
            audit.record(session, actor, "data.import" if checked.signer else "data.import_unsigned", "package", checked.sha256[:16], sha256=checked.sha256, file=path.name,
                         unit=entry.unit_code, period=man.period_key, new=result.new, present=result.present,
                         void_updates=result.void_updates, conflicts=result.conflicts,
                         signer=accepted.fingerprint or None, unsigned=checked.signer is None)
            trust.record_received(session, actor, accepted, trust.UNIT, entry.unit_code, entry.unit_name, path.name)
    except Refused as exc:
        raise pkg.refuse(path, exc.reason) from None
    return result


def _imported_before(db, path: Path) -> ImportResult | None:
    """The package at PATH when a file with the same SHA-256 was imported here before: byte for byte the package
    that passed every check then and whose records are here since, so it is recognised at once (no row read,
    nothing written). None for a package never imported (or a file that cannot be read: check_package says why)."""
    try:
        sha = pkg.sha256_file(path)
    except OSError:
        return None
    with db.session() as session:
        batch = session.execute(
            select(ImportBatch.unit_code, ImportBatch.period_key, ImportBatch.imported_at)
            .where(ImportBatch.package_sha256 == sha).order_by(ImportBatch.id).limit(1)).first()
    if batch is None:
        return None
    entry = units.find_unit(batch.unit_code or "")
    return ImportResult(path, sha, batch.unit_code or "", entry.unit_name if entry else (batch.unit_code or ""),
                        batch.period_key, imported_before=batch.imported_at)


def _sender_unit(db, path: Path, man: pkg.Manifest) -> units.UnitEntry:
    """The official entry of the unit the package claims, which must send its packages to this database."""
    entry = units.find_unit(man.unit_code)
    if entry is None:
        raise pkg.refuse(path, _("commune code '{code}' is not in the official list (QĐ 19/2025).").format(
            code=shown(man.unit_code, 10)))
    claimed = man.unit.get("province_code")
    if entry.province_code != claimed:
        raise pkg.refuse(path, _("commune {code} ({name}) belongs to province {real}, but the package says province "
                                 "{claimed}.").format(code=entry.unit_code, name=entry.unit_name, real=entry.province_code,
                                                       claimed=shown(str(claimed), 4)))
    reason = trust.unit_belongs_here(db, entry.unit_code, entry.unit_name, entry.province_code)
    if reason:
        raise pkg.refuse(path, reason)
    return entry


def _is_big(conn, records: int) -> bool:
    """Whether a package of RECORDS records is a big import (`_Merger._set_indexes_aside`): at least REBUILD_MIN
    records, and at least as many as are stored (the highest id: no count of a big table)."""
    return records >= REBUILD_MIN and records >= (conn.exec_driver_sql("SELECT max(id) FROM service_records").scalar() or 0)


@contextlib.contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector while rows stream through: the import allocates millions of
    short-lived rows that form no cycles, and each full collection would walk every object of the program
    (a third of the import's time on a million records). Reference counting still frees everything."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _restore_cache(conn, old_cache: int | None):
    try:
        yield
    finally:
        if old_cache is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size = {old_cache}")


def _read_rows(reader, merger: _Merger, indicator_of: dict, period_from: dt.date, period_to: dt.date,
               total_rows: int, progress) -> None:
    """Read the rows in chunks of CHUNK: each chunk is checked (every row, every field), then its complete
    records are merged; the last record of a chunk waits for the next one, as its rows may continue there."""
    checker = Checker(indicator_of, period_from, period_to)
    read = 0  # data rows read so far (line = rows + 1: the header is line 1)
    carry: list = []
    try:
        while True:
            new = list(islice(reader, CHUNK))
            if new:
                checker.check(new, read + 2)
            first_line = read + 2 - len(carry)
            read += len(new)
            rows = carry + new if carry else new
            if not new:  # end of the file: the last record is whole
                if rows:
                    merger.add_rows(rows, first_line)
                break
            k = len(rows) - 1
            last_uuid = rows[k][0]
            while k > 0 and rows[k - 1][0] == last_uuid:
                k -= 1
            carry = rows[k:]
            if k:
                merger.add_rows(rows[:k], first_line)
                merger.flush()
            if progress and progress(read, total_rows) is False:
                raise Cancelled()
    except UnicodeDecodeError:
        raise Refused(_("records.csv is not UTF-8 text.")) from None
    except csv.Error as exc:
        raise Refused(_("records.csv is not a valid CSV file ({error}).").format(error=exc)) from None
    merger.flush()
    if progress:
        progress(read, max(total_rows, read))


def _check_same_unit(old_unit: str | None, unit_code: str, uuid: str, voided: bool) -> None:
    """A package speaks only for its own unit's records: one that names a record stored here for another unit
    (to void it, or to claim it) is refused whole."""
    if old_unit is not None and old_unit != unit_code:
        if voided:
            raise Refused(_("it voids record {uuid}, which belongs to unit {other}, not to {unit}.").format(
                uuid=uuid, other=old_unit, unit=unit_code))
        raise Refused(_("it holds record {uuid}, which belongs to unit {other}, not to {unit}.").format(
            uuid=uuid, other=old_unit, unit=unit_code))


def _stage_ddl(sqlite: bool) -> list[str]:
    """The temporary staging tables: the package's records (VARYING columns) and their services."""
    if sqlite:
        types = ["INTEGER PRIMARY KEY", "TEXT", "TEXT", "TEXT", "TEXT", "TEXT", "INTEGER", "INTEGER", "TEXT", "INTEGER",
                 "TEXT"]
        tail = ""
        index = [f"CREATE INDEX ix_{STAGE_SERVICES} ON {STAGE_SERVICES} (record_id)"]
    else:
        types = ["integer", "varchar(36)", "date", "timestamp", "varchar(10)", "varchar(10)", "integer", "boolean",
                 "text", "boolean", "text"]
        tail = " ON COMMIT DROP"
        index = []  # made only when there are known records to compare (_compare_known)
    columns = ", ".join(f"{c} {t}" for c, t in zip(VARYING, types, strict=True))
    return [f"DROP TABLE IF EXISTS {STAGE}", f"DROP TABLE IF EXISTS {STAGE_SERVICES}",
            f"CREATE TEMPORARY TABLE {STAGE} ({columns}){tail}",
            f"CREATE TEMPORARY TABLE {STAGE_SERVICES} (record_id integer, service_code varchar(30), count integer){tail}",
            *index]


def _known_sql(sqlite: bool, mark: str) -> str:
    """Each staged record whose UUID is stored here under another id (a record the package does not bring new):
    its UUID, the stored id, unit and voided flag, the staged voided flag, and whether it is the same record —
    the same unit, date, time (to the second), channel, outcome, and services with their counts."""
    time = (lambda c: f"substr({c}, 12, 8)") if sqlite else (lambda c: f"to_char({c}, 'HH24:MI:SS')")
    return (
        f"SELECT s.uuid, r.id, r.unit_code, r.voided, s.voided, CASE WHEN r.unit_code = {mark} "
        f"AND CAST(r.work_date AS TEXT) = CAST(s.work_date AS TEXT) AND {time('r.occurred_at')} = {time('s.occurred_at')} "
        "AND r.channel = s.channel AND r.outcome = s.outcome "
        "AND (SELECT count(*) FROM record_services rs WHERE rs.record_id = r.id) "
        f"= (SELECT count(*) FROM {STAGE_SERVICES} ss WHERE ss.record_id = s.id) "
        f"AND NOT EXISTS (SELECT 1 FROM {STAGE_SERVICES} ss WHERE ss.record_id = s.id AND NOT EXISTS ("
        "SELECT 1 FROM record_services rs WHERE rs.record_id = r.id AND rs.service_code = ss.service_code "
        "AND rs.count = ss.count)) THEN 1 ELSE 0 END "
        f"FROM {STAGE} s JOIN service_records r ON r.uuid = s.uuid WHERE r.id <> s.id ORDER BY s.id")


class _Merger:
    """Groups rows into records, gives each record an id and hands them to the database in bulk.

    SQLite: each chunk is inserted at once with ON CONFLICT (uuid) DO NOTHING; the records skipped (UUID stored
    already) go to the staging tables. PostgreSQL: every record is copied (COPY) into the staging tables, then one
    INSERT … SELECT … ON CONFLICT DO NOTHING per table. A big import on either (`_set_indexes_aside`): the records
    whose UUID was stored before go to the staging tables, the others straight into the tables (PostgreSQL by
    COPY). On all paths, the records not inserted are then compared with what is stored by one query over the
    staging tables (present / void update / conflict)."""

    def __init__(self, db, conn, actor: Actor, unit_code: str, origin: str, result: ImportResult, big: bool = False):
        self.db, self.conn, self.actor, self.unit_code, self.origin, self.result = db, conn, actor, unit_code, origin, result
        self.sqlite = db.is_sqlite
        self.mark = "?" if self.sqlite else "%s"
        self.pending: dict[str, list] = {}  # UUID -> a CSV row of the record
        self.several: dict[str, dict[str, int]] = {}  # UUID -> {service: count} of records with several rows
        self.done: set[str] = set()
        self.records_seen = 0
        self.next_id = (conn.exec_driver_sql("SELECT max(id) FROM service_records").scalar() or 0) + 1
        self.first_id = self.next_id  # every record this import inserts has an id in [first_id, next_id)
        self.now = clock.now()
        self.now_text = self.now.isoformat(" ", timespec="microseconds") if self.sqlite else self.now
        self.staged = 0  # records put in the staging table
        self.search_cache: dict[tuple, str] = {}
        for statement in _stage_ddl(self.sqlite):
            conn.exec_driver_sql(statement)
        self.driver = conn.connection.driver_connection
        self.dropped: list[str] = []  # a big import: the indexes (and constraints) set aside, as statements to make them again
        self.stored_uuids: set[str] | None = None  # a big import: the UUIDs stored before it
        self.from_stage = 0  # PostgreSQL, not a big import: the staged records inserted from the staging table
        if big:
            self._set_indexes_aside()

    def add_rows(self, rows: list, first_line: int) -> None:
        """Group checked ROWS (whole records only) into pending records: the rows of one record must be
        together, agree on everything but the service, and name each service once."""
        n = len(rows)
        uuids = list(map(itemgetter(0), rows))
        same = list(map(eq, uuids[1:], uuids[:-1]))  # same[i]: row i + 1 continues the record of row i
        batch = dict(zip(uuids, rows, strict=True))  # UUID -> a row of the record (all agree but the service)
        if len(batch) != n - sum(same) or not self.done.isdisjoint(batch):
            seen = set(self.done)
            for line, (i, uuid) in enumerate(enumerate(uuids), first_line):
                if uuid in seen and not (i and same[i - 1]):
                    raise Refused(_("line {line}: the rows of record {uuid} are not together.").format(
                        line=line, uuid=uuid))
                seen.add(uuid)
        several: dict[str, dict[str, int]] = {}
        for i in compress(range(1, n), same):
            r, p = rows[i], rows[i - 1]
            if r[1] != p[1] or r[2] != p[2] or r[3] != p[3] or r[4] != p[4] or r[8] != p[8] or r[9] != p[9]:
                raise Refused(_("line {line}: the rows of record {uuid} disagree.").format(
                    line=first_line + i, uuid=r[0]))
            svc = several.get(r[0])
            if svc is None:
                svc = several[r[0]] = {p[5]: int(p[7])}
            if r[5] in svc:
                raise Refused(_("line {line}: service {service} appears twice in record {uuid}.").format(
                    line=first_line + i, service=r[5], uuid=r[0]))
            svc[r[5]] = int(r[7])
        self.records_seen += len(batch)
        self.done.update(batch)
        self.pending.update(batch)
        self.several.update(several)

    def flush(self) -> None:
        """Hand the pending records (all complete) to the database."""
        batch, self.pending = self.pending, {}
        if batch:
            rec_rows, svc_rows = self._rows(batch)
            if self.stored_uuids is not None:
                self._insert_big(rec_rows, svc_rows)
            elif self.sqlite:
                self._insert_sqlite(rec_rows, svc_rows)
            else:
                self._stage(rec_rows, svc_rows)
        self.several.clear()

    def finish(self) -> None:
        self.flush()
        for statement in self.dropped:  # before anything reads through them (the comparison, the tallies)
            self.conn.exec_driver_sql(statement)
        if not self.sqlite:
            if self.stored_uuids is None:
                self._insert_from_stage()
            if self.result.new >= REBUILD_MIN:  # the planner's figures for the comparison and the tallies
                for table in ("service_records", "record_services"):
                    self.conn.exec_driver_sql(f"ANALYZE {table}")
        if self.staged > self.from_stage:  # some records were known here already
            self._compare_known()
        for table in (STAGE, STAGE_SERVICES):
            self.conn.exec_driver_sql(f"DROP TABLE {table}")
        # the new records onto the daily tallies (the table lock / SQLite's write lock keeps other ids out of the range)
        counting_store.add_id_range(self.conn, self.first_id, self.next_id)
        if self.result.new and not self.sqlite:
            for table in ("service_records", "record_services"):
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")

    def _rows(self, batch: dict[str, list]) -> tuple[list, list]:
        """The service_records rows (VARYING columns) and record_services rows of BATCH (ids given here, in file
        order), in one pass. SQLite stores the time with microseconds as the ORM does; PostgreSQL parses it."""
        sqlite = self.sqlite
        void_reason = _("voided at the origin")
        voided, kept = ((1, 0) if sqlite else (True, False))
        seconds = ".000000" if sqlite else ""
        cache, several = self.search_cache, self.several
        rid = self.next_id
        rec_rows, svc_rows = [], []
        add_record, add_service = rec_rows.append, svc_rows.append
        for row in batch.values():
            svc = several.get(row[0])
            if svc is None:
                count = int(row[7])
                add_service((rid, row[5], count))
                key = (row[5], row[8])
            else:
                count = max(svc.values())
                svc_rows.extend([(rid, code, n) for code, n in svc.items()])
                key = (*svc, row[8])
            search = cache.get(key)
            if search is None:
                search = cache[key] = fold(" ".join(key))
            void = row[9] == "1"
            add_record((rid, row[0], row[1], f"{row[1]} {row[2]}{seconds}", row[3], row[4], count, count > 1,
                        search, voided if void else kept, void_reason if void else ""))
            rid += 1
        self.next_id = rid
        return rec_rows, svc_rows

    def _shared_values(self, text: bool = False) -> list:
        """The SHARED columns' values. TEXT: the time as text (PostgreSQL's COPY; a parameter stays a datetime)."""
        now = self.now.isoformat(" ", timespec="microseconds") if text else self.now_text
        return [self.unit_code, now, self.actor.username[:60], "", "", self.origin]

    # --- SQLite: straight in, the known records to the staging tables ---------------------------------------

    def _insert_sqlite(self, rec_rows: list, svc_rows: list) -> None:
        """SQLite: insert the records of one chunk, skipping any whose UUID is stored already (ON CONFLICT DO
        NOTHING): no lookup at all when, as usual, every record is new. The skipped ones are staged for the
        comparison."""
        before = self.driver.total_changes
        self.conn.exec_driver_sql(self._sqlite_insert_sql() + " ON CONFLICT (uuid) DO NOTHING", rec_rows)
        inserted = self.driver.total_changes - before
        if inserted != len(rec_rows):  # records stored here before: to the staging tables, for the comparison
            stored = {row[0] for row in self.conn.exec_driver_sql(
                "SELECT id FROM service_records WHERE id >= ? AND id <= ?", (rec_rows[0][0], rec_rows[-1][0]))}
            _rec, svc_rows = self._stage_known({r[0] for r in rec_rows if r[0] not in stored}, rec_rows, svc_rows)
        self.result.new += inserted
        self._write_services(svc_rows)

    def _insert_big(self, rec_rows: list, svc_rows: list) -> None:
        """A big import, its indexes set aside (`_set_indexes_aside`): the records whose UUID was stored before
        are staged for the comparison, the others written straight into the tables (SQLite: executemany;
        PostgreSQL: COPY)."""
        stored_uuids = self.stored_uuids
        if stored_uuids and not stored_uuids.isdisjoint(map(itemgetter(1), rec_rows)):
            rec_rows, svc_rows = self._stage_known({r[0] for r in rec_rows if r[1] in stored_uuids}, rec_rows, svc_rows)
        if self.sqlite:
            self.conn.exec_driver_sql(self._sqlite_insert_sql(), rec_rows)
            self._write_services(svc_rows)
        else:
            shared = tuple(self._shared_values(text=True))
            self._copy_into("service_records", [*VARYING, *SHARED], (row + shared for row in rec_rows))
            self._copy_into("record_services", SVC_COLS, svc_rows)
        self.result.new += len(rec_rows)

    def _write_services(self, svc_rows: list) -> None:
        if svc_rows:
            self.conn.exec_driver_sql(f"INSERT INTO record_services ({', '.join(SVC_COLS)}) VALUES (?, ?, ?)", svc_rows)

    def _stage_known(self, known_ids: set[int], rec_rows: list, svc_rows: list) -> tuple[list, list]:
        """Stage the records KNOWN_IDS (stored here before) with their services for the comparison; the other
        records and services are returned."""
        self._stage([r for r in rec_rows if r[0] in known_ids], [r for r in svc_rows if r[0] in known_ids])
        return [r for r in rec_rows if r[0] not in known_ids], [r for r in svc_rows if r[0] not in known_ids]

    def _stage(self, rec_rows: list, svc_rows: list) -> None:
        """Put records and their services into the staging tables (SQLite: executemany; PostgreSQL: COPY)."""
        if self.sqlite:
            self.conn.exec_driver_sql(f"INSERT INTO {STAGE} VALUES ({', '.join(['?'] * len(VARYING))})", rec_rows)
            self.conn.exec_driver_sql(f"INSERT INTO {STAGE_SERVICES} VALUES (?, ?, ?)", svc_rows)
        else:
            self._copy_into(STAGE, VARYING, rec_rows)
            self._copy_into(STAGE_SERVICES, SVC_COLS, svc_rows)
        self.staged += len(rec_rows)

    def _set_indexes_aside(self) -> None:
        """Drop the secondary indexes of the record tables for this transaction; `finish` makes them again.
        Building an index once over sorted keys costs far less than a million random insertions into it; it is
        done only when the package holds at least as many records as the database (an index is rebuilt over the
        whole table). The UUID index goes too: meanwhile the UUIDs stored before are held here (no more than the
        package's records) and a record whose UUID is among them is not inserted but compared, as with the index;
        the package's own UUIDs are each once (`add_rows`), so the index made again at the end cannot fail. The
        primary keys stay. A refused or cancelled import rolls the DROP back with everything else.

        PostgreSQL: the foreign keys of the two tables go too (checked again, by one join each, when they are
        added back: no trigger per row); `import_package` has locked the tables against readers as well as writers
        until the import commits (ACCESS EXCLUSIVE, which DROP INDEX takes anyway): a report started meanwhile
        waits."""
        self.stored_uuids = {uuid for (uuid,) in self.conn.exec_driver_sql("SELECT uuid FROM service_records")}
        if self.sqlite:
            rows = self.conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN ('service_records', 'record_services') ORDER BY name").all()
            self.dropped = [sql for _name, sql in rows]
            for name, _sql in rows:
                self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
            return
        tables = "('service_records'::regclass, 'record_services'::regclass)"
        indexes = self.conn.exec_driver_sql(  # not the primary keys, nor an index a constraint owns
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            f"WHERE i.indrelid IN {tables} AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1").all()
        keys = self.conn.exec_driver_sql(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            f"WHERE contype = 'f' AND conrelid IN {tables} ORDER BY 1, 2").all()
        for table, name, _definition in keys:
            self.conn.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            self.conn.exec_driver_sql(f"DROP INDEX {name}")
        self.dropped = [definition for _name, definition in indexes] + [
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition in keys]

    def _sqlite_insert_sql(self) -> str:
        """What every record of the package shares is written into the statement once (as SQL string literals),
        so each row binds 11 values instead of 17."""
        literals = ", ".join("'" + str(v).replace("'", "''") + "'" for v in self._shared_values())
        return (f"INSERT INTO service_records ({', '.join(VARYING)}, {', '.join(SHARED)}) "
                f"VALUES ({', '.join(['?'] * len(VARYING))}, {literals})")

    # --- PostgreSQL: COPY into the staging tables, then one INSERT … SELECT per table ---------------------

    def _copy_into(self, table: str, columns: list[str], rows) -> None:
        """COPY ROWS into TABLE's COLUMNS (… FROM STDIN)."""
        with self.driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)

    def _insert_from_stage(self) -> None:
        """Every record was staged (PostgreSQL, not a big import): insert those whose UUID is not stored yet."""
        inserted = self.conn.exec_driver_sql(
            f"INSERT INTO service_records ({', '.join(VARYING)}, {', '.join(SHARED)}) "
            f"SELECT {', '.join(VARYING)}, {', '.join(['%s'] * len(SHARED))} FROM {STAGE} "
            "ON CONFLICT (uuid) DO NOTHING", tuple(self._shared_values())).rowcount
        self.result.new = self.from_stage = inserted
        if inserted == self.staged:
            self.conn.exec_driver_sql(f"INSERT INTO record_services ({', '.join(SVC_COLS)}) "
                                      f"SELECT record_id, service_code, count FROM {STAGE_SERVICES}")
        elif inserted:  # only the services of the records inserted (their ids are this import's)
            self.conn.exec_driver_sql(
                f"INSERT INTO record_services ({', '.join(SVC_COLS)}) SELECT ss.record_id, ss.service_code, ss.count "
                f"FROM {STAGE_SERVICES} ss JOIN service_records r ON r.id = ss.record_id WHERE r.id >= %s",
                (self.first_id,))

    # --- both: the records known already ------------------------------------------------------------------

    def _compare_known(self) -> None:
        """The staged records not inserted, compared with the stored ones in one query: the same record is
        "present" (or a void update when the package shows it voided), another content under the same UUID is a
        conflict (reported, the stored record left as it is)."""
        mark = self.mark
        if not self.sqlite:
            self.conn.exec_driver_sql(f"CREATE INDEX ON {STAGE_SERVICES} (record_id)")
            for table in (STAGE, STAGE_SERVICES):
                self.conn.exec_driver_sql(f"ANALYZE {table}")
        to_void = []
        for uuid, rid, old_unit, old_voided, voided, same in self.conn.exec_driver_sql(
                _known_sql(self.sqlite, mark), (self.unit_code,)):
            _check_same_unit(old_unit, self.unit_code, uuid, bool(voided))
            if not same:
                self.result.conflicts += 1
                self.result.conflict_uuids.append(uuid)
            elif voided and not old_voided:
                to_void.append(rid)
                self.result.void_updates += 1
            else:
                self.result.present += 1
        if to_void:
            counting_store.add_ids(self.conn, to_void, -1)  # what they counted comes off before they are voided
            reason = _("voided at the origin (package {sha})").format(sha=self.result.sha256[:12])
            self.conn.exec_driver_sql(
                f"UPDATE service_records SET voided = {mark}, void_reason = {mark}, voided_at = {mark}, "
                f"voided_by = {mark} WHERE id = {mark}",
                [(1 if self.sqlite else True, reason, self.now_text, self.actor.username[:60], rid) for rid in to_void])
