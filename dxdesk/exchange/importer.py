"""Roll-up import: merge export packages into this database, each whole or not at all.

Rules (docs/exchange.md):
- a record is identified by its UUID; a UUID already here with the same content is "already present";
- the same UUID with different content (date, time, channel, outcome, services and counts, commune) is a
  conflict: reported, the stored record left as it is;
- voiding is one-way: a package that shows a known record voided voids it here ("void update"); a package
  that shows it not voided never un-voids it. The result does not depend on the order packages arrive in;
- every row is checked; any bad row refuses the whole package, and the single write transaction is rolled
  back, so nothing of a refused or cancelled package is ever stored.
Rows are bulk-inserted (driver executemany), not ORM objects."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import bindparam, select

from dxdesk import audit, clock, units
from dxdesk.actor import Actor
from dxdesk.db.models import CHANNELS, OUTCOMES, ImportBatch, RecordService, Service, Unit
from dxdesk.exchange import package as pkg
from dxdesk.exchange.export import Cancelled
from dxdesk.i18n import _
from dxdesk.permissions import require
from dxdesk.text import fold

CHUNK = 20_000
SQLITE_CACHE_KIB = 256 * 1024
MAX_COUNT = 100_000
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}$")
_LOOKUP_SERVICES = select(RecordService.record_id, RecordService.service_code, RecordService.count).where(
    RecordService.record_id.in_(bindparam("ids", expanding=True)))
REC_COLS = ["id", "uuid", "unit_code", "work_date", "occurred_at", "entered_at", "entered_by", "channel", "outcome",
            "count", "is_campaign", "place", "note", "search_text", "voided", "void_reason", "origin"]
SVC_COLS = ["record_id", "service_code", "count"]


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

    def summary(self) -> str:
        text = _("{name}: {unit}, {period}: {new} new, {present} already present").format(
            name=self.path.name, unit=self.unit_name, period=self.period_key, new=self.new, present=self.present)
        if self.void_updates:
            text += _(", {n} voided since").format(n=self.void_updates)
        if self.conflicts:
            text += _(", {n} conflicts (kept as they were: {uuids})").format(
                n=self.conflicts, uuids=", ".join(self.conflict_uuids[:5]) + ("…" if self.conflicts > 5 else ""))
        return text + "."


@dataclass(frozen=True)
class _Stored:
    id: int
    unit_code: str | None
    work_date: str  # YYYY-MM-DD
    time: str  # HH:MM:SS
    channel: str
    outcome: str
    voided: bool


def _time_text(value) -> str:
    """HH:MM:SS of a stored occurred_at (SQLite gives the stored text, PostgreSQL a datetime)."""
    return value.strftime("%H:%M:%S") if isinstance(value, dt.datetime) else str(value)[11:19]


class _Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def import_package(db, actor: Actor, path: Path, progress: Callable[[int, int], bool] | None = None) -> ImportResult:
    """Check and merge one package. Raises UserError (refused, nothing written) or Cancelled (nothing written)."""
    require(actor, "data.import")
    path = Path(path)
    checked = pkg.check_package(path)
    man = checked.manifest
    entry = units.find_unit(man.unit_code)
    if entry is None or entry.province_code != man.unit.get("province_code"):
        raise pkg.refuse(path, _("commune code '{code}' is not in the official list (QĐ 19/2025).").format(
            code=man.unit_code))
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
        with db.write() as session:
            conn = session.connection()
            old_cache = None
            if db.is_sqlite:  # a big page cache for this transaction: the UUID index is written in random order
                old_cache = int(conn.exec_driver_sql("PRAGMA cache_size").scalar())
                conn.exec_driver_sql(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}")
            else:
                conn.exec_driver_sql("LOCK TABLE service_records, record_services IN SHARE ROW EXCLUSIVE MODE")
            merger = _Merger(db, conn, actor, entry.unit_code, origin, result)
            zf, member = checked.open_member(pkg.RECORDS)
            with zf, member, _restore_cache(conn, old_cache):
                text = io.TextIOWrapper(member, encoding="utf-8-sig", errors="strict", newline="")
                reader = csv.reader(text)
                try:
                    header = next(reader, None)
                except UnicodeDecodeError:
                    raise _Refused(_("records.csv is not UTF-8 text.")) from None
                except csv.Error:
                    raise _Refused(_("records.csv is not a valid CSV file.")) from None
                if header is None or tuple(header) != pkg.CSV_HEADER:
                    raise _Refused(_("records.csv does not have the expected columns ({columns}).").format(
                        columns=",".join(pkg.CSV_HEADER)))
                _read_rows(reader, merger, indicator_of, period_from, period_to, total_rows, progress)
                if merger.records_seen != man.record_count:
                    raise _Refused(_("records.csv holds {n} records but the manifest says {m}.").format(
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
            audit.record(session, actor, "data.import", "package", checked.sha256[:16], sha256=checked.sha256, file=path.name,
                         unit=entry.unit_code, period=man.period_key, new=result.new, present=result.present,
                         void_updates=result.void_updates, conflicts=result.conflicts)
    except _Refused as exc:
        raise pkg.refuse(path, exc.reason) from None
    return result


@contextlib.contextmanager
def _restore_cache(conn, old_cache: int | None):
    try:
        yield
    finally:
        if old_cache is not None:
            conn.exec_driver_sql(f"PRAGMA cache_size = {old_cache}")


def _read_rows(reader, merger: _Merger, indicator_of: dict, period_from: dt.date, period_to: dt.date,
               total_rows: int, progress) -> None:
    good_dates: set[str] = set()
    good_times: set[str] = set()
    channels, outcomes = set(CHANNELS), set(OUTCOMES)
    line = 1
    try:
        for row in reader:
            line += 1
            if len(row) != 10:
                raise _Refused(_("line {line} of records.csv has {n} fields, not 10.").format(line=line, n=len(row)))
            uuid, date, time, channel, outcome, service, indicator, count, volunteer, voided = row
            if not _UUID.match(uuid):
                raise _Refused(_("line {line}: '{value}' is not a record UUID.").format(line=line, value=uuid[:40]))
            if date not in good_dates:
                try:
                    day = dt.date.fromisoformat(date) if _DATE.match(date) else None
                except ValueError:
                    day = None
                if day is None:
                    raise _Refused(_("line {line}: the date '{value}' does not parse (YYYY-MM-DD).").format(
                        line=line, value=date[:40]))
                if not period_from <= day <= period_to:
                    raise _Refused(_("line {line}: the date {value} is outside the package's period.").format(
                        line=line, value=date))
                good_dates.add(date)
            if time not in good_times:
                try:
                    ok = bool(_TIME.match(time)) and dt.time.fromisoformat(time) is not None
                except ValueError:
                    ok = False
                if not ok:
                    raise _Refused(_("line {line}: the time '{value}' does not parse (HH:MM:SS).").format(
                        line=line, value=time[:40]))
                good_times.add(time)
            if channel not in channels or outcome not in outcomes:
                raise _Refused(_("line {line}: unknown channel or outcome.").format(line=line))
            expected = indicator_of.get(service)
            if expected is None:
                raise _Refused(_("line {line}: unknown service '{value}'.").format(line=line, value=service[:40]))
            if expected != indicator:
                raise _Refused(_("line {line}: service {service} belongs to indicator {expected}, not '{value}'.").format(
                    line=line, service=service, expected=expected, value=indicator[:40]))
            if not count.isdigit() or not 1 <= int(count) <= MAX_COUNT:
                raise _Refused(_("line {line}: the count '{value}' is not a whole number from 1 to 100.000.").format(
                    line=line, value=count[:20]))
            if voided not in ("0", "1"):
                raise _Refused(_("line {line}: voided must be 0 or 1.").format(line=line))
            if len(volunteer) > 60:
                raise _Refused(_("line {line}: the volunteer field is too long.").format(line=line))
            merger.add(line, uuid, date, time, channel, outcome, service, int(count), volunteer, voided == "1")
            if line % CHUNK == 0:
                merger.flush()
                if progress and progress(line - 1, total_rows) is False:
                    raise Cancelled()
    except UnicodeDecodeError:
        raise _Refused(_("records.csv is not UTF-8 text.")) from None
    except csv.Error as exc:
        raise _Refused(_("records.csv is not a valid CSV file ({error}).").format(error=exc)) from None
    if progress:
        progress(line - 1, max(total_rows, line - 1))


class _Merger:
    """Groups rows into records, compares them with what is stored and bulk-inserts the new ones."""

    def __init__(self, db, conn, actor: Actor, unit_code: str, origin: str, result: ImportResult):
        self.db, self.conn, self.actor, self.unit_code, self.origin, self.result = db, conn, actor, unit_code, origin, result
        self.sqlite = db.is_sqlite
        self.pending: dict[str, list] = {}
        self.current: str | None = None
        self.done: set[str] = set()
        self.records_seen = 0
        self.next_id = (conn.exec_driver_sql("SELECT max(id) FROM service_records").scalar() or 0) + 1
        self.now = clock.now()
        self.now_text = self.now.isoformat(" ", timespec="microseconds") if self.sqlite else self.now
        self.inserted_any = False
        self.search_cache: dict[tuple, str] = {}

    def add(self, line, uuid, date, time, channel, outcome, service, count, volunteer, voided) -> None:
        if uuid != self.current:
            if uuid in self.done or uuid in self.pending:
                raise _Refused(_("line {line}: the rows of record {uuid} are not together.").format(line=line, uuid=uuid))
            self.current = uuid
            self.records_seen += 1
            self.pending[uuid] = [date, time, channel, outcome, volunteer, voided, {service: count}]
            return
        rec = self.pending[uuid]
        if rec[0] != date or rec[1] != time or rec[2] != channel or rec[3] != outcome or rec[4] != volunteer \
                or rec[5] != voided:
            raise _Refused(_("line {line}: the rows of record {uuid} disagree.").format(line=line, uuid=uuid))
        if service in rec[6]:
            raise _Refused(_("line {line}: service {service} appears twice in record {uuid}.").format(
                line=line, service=service, uuid=uuid))
        rec[6][service] = count

    def flush(self) -> None:
        """Merge the completed records (all but the one still being read)."""
        keep = self.pending.pop(self.current, None) if self.current in self.pending else None
        batch, self.pending = self.pending, {}
        if keep is not None:
            self.pending[self.current] = keep
        self._merge(batch)

    def finish(self) -> None:
        batch, self.pending = self.pending, {}
        self._merge(batch)
        if self.inserted_any and not self.sqlite:
            for table in ("service_records", "record_services"):
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")

    def _merge(self, batch: dict[str, list]) -> None:
        if not batch:
            return
        self.done.update(batch)
        uuids = list(batch)
        mark = "?" if self.sqlite else "%s"
        existing = {}
        for i in range(0, len(uuids), 5000):  # driver SQL: compiling 5000 bound names costs more than the query
            part = uuids[i:i + 5000]
            for row in self.conn.exec_driver_sql(
                    "SELECT id, uuid, unit_code, work_date, occurred_at, channel, outcome, voided FROM service_records "
                    f"WHERE uuid IN ({', '.join([mark] * len(part))})", tuple(part)):
                existing[row[1]] = _Stored(row[0], row[2], str(row[3])[:10], _time_text(row[4]), row[5], row[6],
                                           bool(row[7]))
        services: dict[int, dict[str, int]] = {}
        ids = [row.id for row in existing.values()]
        for i in range(0, len(ids), 5000):
            for rid, code, n in self.conn.execute(_LOOKUP_SERVICES, {"ids": ids[i:i + 5000]}):
                services.setdefault(rid, {})[code] = n
        rec_rows, svc_rows, to_void = [], [], []
        sqlite = self.sqlite
        for uuid, (date, time, channel, outcome, volunteer, voided, svc) in batch.items():
            old = existing.get(uuid)
            if old is not None:
                same = (old.unit_code == self.unit_code and old.work_date == date
                        and old.time == time and old.channel == channel
                        and old.outcome == outcome and services.get(old.id, {}) == svc)
                if not same:
                    self.result.conflicts += 1
                    self.result.conflict_uuids.append(uuid)
                elif voided and not old.voided:
                    to_void.append(old.id)
                    self.result.void_updates += 1
                else:
                    self.result.present += 1
                continue
            rid = self.next_id
            self.next_id += 1
            count = max(svc.values())
            key = (*svc, volunteer)
            search = self.search_cache.get(key)
            if search is None:
                search = self.search_cache[key] = fold(" ".join(key))
            rec_rows.append((
                rid, uuid, self.unit_code, date, f"{date} {time}.000000" if sqlite else f"{date} {time}",
                self.now_text, self.actor.username[:60], channel, outcome, count,
                int(count > 1) if sqlite else count > 1, "", "", search, int(voided) if sqlite else voided,
                _("voided at the origin") if voided else "", self.origin,
            ))
            svc_rows.extend((rid, code, n) for code, n in svc.items())
            self.result.new += 1
        if rec_rows:
            self.inserted_any = True
            self.conn.exec_driver_sql(
                f"INSERT INTO service_records ({', '.join(REC_COLS)}) VALUES ({', '.join([mark] * len(REC_COLS))})",
                rec_rows)
            self.conn.exec_driver_sql(
                f"INSERT INTO record_services ({', '.join(SVC_COLS)}) VALUES ({', '.join([mark] * len(SVC_COLS))})",
                svc_rows)
        if to_void:
            reason = _("voided at the origin (package {sha})").format(sha=self.result.sha256[:12])
            self.conn.exec_driver_sql(
                f"UPDATE service_records SET voided = {mark}, void_reason = {mark}, voided_at = {mark}, "
                f"voided_by = {mark} WHERE id = {mark}",
                [(1 if sqlite else True, reason, self.now_text, self.actor.username[:60], rid) for rid in to_void])
