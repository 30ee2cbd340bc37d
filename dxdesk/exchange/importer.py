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
import gc
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress, islice
from operator import eq, itemgetter
from pathlib import Path

from sqlalchemy import bindparam, select

from dxdesk import audit, clock, units
from dxdesk.actor import Actor
from dxdesk.counting import store as counting_store
from dxdesk.db.models import CHANNELS, OUTCOMES, ImportBatch, RecordService, Service, Unit
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange import trust
from dxdesk.exchange.export import Cancelled
from dxdesk.i18n import _
from dxdesk.permissions import require
from dxdesk.text import find_forbidden, fold
from dxdesk.vnformat import fmt_date

CHUNK = 20_000
SQLITE_CACHE_KIB = 256 * 1024
MAX_COUNT = 100_000
MAX_VOLUNTEER = 60
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_UUID_LINES = re.compile(r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\n)*")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = re.compile(r"[0-9]{2}:[0-9]{2}:[0-9]{2}")
_LOOKUP_SERVICES = select(RecordService.record_id, RecordService.service_code, RecordService.count).where(
    RecordService.record_id.in_(bindparam("ids", expanding=True)))
REC_COLS = ["id", "uuid", "unit_code", "work_date", "occurred_at", "entered_at", "entered_by", "channel", "outcome",
            "count", "is_campaign", "place", "note", "search_text", "voided", "void_reason", "origin"]
SQLITE_VARYING = ["id", "uuid", "work_date", "occurred_at", "channel", "outcome", "count", "is_campaign", "search_text",
                  "voided", "void_reason"]
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
            audit.record(session, actor, "data.import" if checked.signer else "data.import_unsigned", "package", checked.sha256[:16], sha256=checked.sha256, file=path.name,
                         unit=entry.unit_code, period=man.period_key, new=result.new, present=result.present,
                         void_updates=result.void_updates, conflicts=result.conflicts,
                         signer=accepted.fingerprint or None, unsigned=checked.signer is None)
            trust.record_received(session, actor, accepted, trust.UNIT, entry.unit_code, entry.unit_name, path.name)
    except _Refused as exc:
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
            code=_shown(man.unit_code, 10)))
    claimed = man.unit.get("province_code")
    if entry.province_code != claimed:
        raise pkg.refuse(path, _("commune {code} ({name}) belongs to province {real}, but the package says province "
                                 "{claimed}.").format(code=entry.unit_code, name=entry.unit_name, real=entry.province_code,
                                                       claimed=_shown(str(claimed), 4)))
    reason = trust.unit_belongs_here(db, entry.unit_code, entry.unit_name, entry.province_code)
    if reason:
        raise pkg.refuse(path, reason)
    return entry


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
    checker = _Checker(indicator_of, period_from, period_to)
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
        raise _Refused(_("records.csv is not UTF-8 text.")) from None
    except csv.Error as exc:
        raise _Refused(_("records.csv is not a valid CSV file ({error}).").format(error=exc)) from None
    merger.flush()
    if progress:
        progress(read, max(total_rows, read))


class _Checker:
    """The checks of every field of every row. `check` tests a whole chunk at once (sets, one regular
    expression); when anything is wrong, `_check_rows` goes through the chunk row by row and refuses the
    package at the first bad line, with its line number."""

    def __init__(self, indicator_of: dict, period_from: dt.date, period_to: dt.date):
        self.indicator_of, self.period_from, self.period_to = indicator_of, period_from, period_to
        self.pairs = set(indicator_of.items())
        self.channels, self.outcomes = set(CHANNELS), set(OUTCOMES)
        self.good_dates: set[str] = set()
        self.good_times: set[str] = set()
        self.good_counts: set[str] = set()
        self.good_volunteers: set[str] = set()

    def check(self, rows: list, first_line: int) -> None:
        if not self._chunk_ok(rows):
            self._check_rows(rows, first_line)

    def _chunk_ok(self, rows: list) -> bool:
        if set(map(len, rows)) != {10}:
            return False
        uuids, dates, times, channels, outcomes, services, indicators, counts, volunteers, voided = zip(*rows, strict=True)
        joined = "\n".join(uuids) + "\n"  # exactly 37 characters per UUID line, each matching the pattern
        if len(joined) != 37 * len(uuids) or _UUID_LINES.fullmatch(joined) is None:
            return False
        new_dates = set(dates) - self.good_dates
        if not all(self._date_ok(d) for d in new_dates):
            return False
        new_times = set(times) - self.good_times
        if not all(_time_ok(t) for t in new_times):
            return False
        new_counts = set(counts) - self.good_counts
        if not all(_count_ok(c) for c in new_counts):
            return False
        if not (set(channels) <= self.channels and set(outcomes) <= self.outcomes
                and set(zip(services, indicators, strict=True)) <= self.pairs and set(voided) <= {"0", "1"}
                and max(map(len, volunteers)) <= MAX_VOLUNTEER):
            return False
        new_volunteers = set(volunteers) - self.good_volunteers
        if any(find_forbidden(v) for v in new_volunteers):  # the same privacy filter as every free-text field
            return False
        self.good_volunteers |= new_volunteers
        self.good_dates |= new_dates
        self.good_times |= new_times
        self.good_counts |= new_counts
        return True

    def _date_ok(self, date: str) -> bool:
        try:
            day = dt.date.fromisoformat(date) if _DATE.fullmatch(date) else None
        except ValueError:
            day = None
        return day is not None and self.period_from <= day <= self.period_to and _work_date_problem(day) is None


    def _check_rows(self, rows: list, first_line: int) -> None:
        for line, row in enumerate(rows, first_line):
            if len(row) != 10:
                raise _Refused(_("line {line} of records.csv has {n} fields, not 10.").format(line=line, n=len(row)))
            uuid, date, time, channel, outcome, service, indicator, count, volunteer, voided = row
            if not _UUID.fullmatch(uuid):
                raise _Refused(_("line {line}: '{value}' is not a record UUID.").format(line=line, value=_shown(uuid, 40)))
            if not self._date_ok(date):
                try:
                    day = dt.date.fromisoformat(date) if _DATE.fullmatch(date) else None
                except ValueError:
                    day = None
                if day is None:
                    raise _Refused(_("line {line}: the date '{value}' does not parse (YYYY-MM-DD).").format(
                        line=line, value=_shown(date, 40)))
                if _work_date_problem(day):
                    raise _Refused(_("line {line}: {reason}").format(line=line, reason=_work_date_problem(day)))
                raise _Refused(_("line {line}: the date {value} is outside the package's period.").format(
                    line=line, value=date))
            if not _time_ok(time):
                raise _Refused(_("line {line}: the time '{value}' does not parse (HH:MM:SS).").format(
                    line=line, value=_shown(time, 40)))
            if channel not in self.channels or outcome not in self.outcomes:
                raise _Refused(_("line {line}: unknown channel or outcome.").format(line=line))
            expected = self.indicator_of.get(service)
            if expected is None:
                raise _Refused(_("line {line}: unknown service '{value}'.").format(line=line, value=_shown(service, 40)))
            if expected != indicator:
                raise _Refused(_("line {line}: service {service} belongs to indicator {expected}, not '{value}'.").format(
                    line=line, service=service, expected=expected, value=_shown(indicator, 40)))
            if not _count_ok(count):
                raise _Refused(_("line {line}: the count '{value}' is not a whole number from 1 to 100.000.").format(
                    line=line, value=_shown(count, 20)))
            if voided not in ("0", "1"):
                raise _Refused(_("line {line}: voided must be 0 or 1.").format(line=line))
            if len(volunteer) > MAX_VOLUNTEER:
                raise _Refused(_("line {line}: the volunteer field is too long.").format(line=line))
            reason = find_forbidden(volunteer)
            if reason:
                raise _Refused(_("line {line}: the volunteer field: {reason}").format(line=line, reason=reason))


def _work_date_problem(day: dt.date) -> str | None:
    """Why a record may not be dated DAY (clock.check_work_date, the one date rule of records), or None."""
    try:
        clock.check_work_date(day)
    except UserError as exc:
        return exc.message
    return None


def _shown(value: str, n: int) -> str:
    """VALUE as a message may show it: at most N characters, control characters (a line break…) as '?'."""
    return "".join(c if c.isprintable() else "?" for c in value[:n])


def _time_ok(time: str) -> bool:
    try:
        return bool(_TIME.fullmatch(time)) and dt.time.fromisoformat(time) is not None
    except ValueError:
        return False


def _count_ok(count: str) -> bool:
    return count.isascii() and count.isdigit() and 1 <= int(count) <= MAX_COUNT


def _check_same_unit(old: _Stored, unit_code: str, uuid: str, voided: bool) -> None:
    """A package speaks only for its own unit's records: one that names a record stored here for another unit
    (to void it, or to claim it) is refused whole."""
    if old.unit_code is not None and old.unit_code != unit_code:
        if voided:
            raise _Refused(_("it voids record {uuid}, which belongs to unit {other}, not to {unit}.").format(
                uuid=uuid, other=old.unit_code, unit=unit_code))
        raise _Refused(_("it holds record {uuid}, which belongs to unit {other}, not to {unit}.").format(
            uuid=uuid, other=old.unit_code, unit=unit_code))


class _Merger:
    """Groups rows into records, compares them with what is stored and bulk-inserts the new ones."""

    def __init__(self, db, conn, actor: Actor, unit_code: str, origin: str, result: ImportResult):
        self.db, self.conn, self.actor, self.unit_code, self.origin, self.result = db, conn, actor, unit_code, origin, result
        self.sqlite = db.is_sqlite
        self.pending: dict[str, list] = {}  # UUID -> a CSV row of the record
        self.several: dict[str, dict[str, int]] = {}  # UUID -> {service: count} of records with several rows
        self.done: set[str] = set()
        self.records_seen = 0
        self.next_id = (conn.exec_driver_sql("SELECT max(id) FROM service_records").scalar() or 0) + 1
        self.first_id = self.next_id  # every record this import inserts has an id in [first_id, next_id)
        self.now = clock.now()
        self.now_text = self.now.isoformat(" ", timespec="microseconds") if self.sqlite else self.now
        self.inserted_any = False
        self.search_cache: dict[tuple, str] = {}
        self.insert_records = self._insert_records_sql()

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
                    raise _Refused(_("line {line}: the rows of record {uuid} are not together.").format(
                        line=line, uuid=uuid))
                seen.add(uuid)
        several: dict[str, dict[str, int]] = {}
        for i in compress(range(1, n), same):
            r, p = rows[i], rows[i - 1]
            if r[1] != p[1] or r[2] != p[2] or r[3] != p[3] or r[4] != p[4] or r[8] != p[8] or r[9] != p[9]:
                raise _Refused(_("line {line}: the rows of record {uuid} disagree.").format(
                    line=first_line + i, uuid=r[0]))
            svc = several.get(r[0])
            if svc is None:
                svc = several[r[0]] = {p[5]: int(p[7])}
            if r[5] in svc:
                raise _Refused(_("line {line}: service {service} appears twice in record {uuid}.").format(
                    line=first_line + i, service=r[5], uuid=r[0]))
            svc[r[5]] = int(r[7])
        self.records_seen += len(batch)
        self.done.update(batch)
        self.pending.update(batch)
        self.several.update(several)

    def flush(self) -> None:
        """Merge the pending records (all complete)."""
        batch, self.pending = self.pending, {}
        self._merge(batch)
        self.several.clear()

    def finish(self) -> None:
        self.flush()
        # the new records onto the daily tallies (the table lock / SQLite's write lock keeps other ids out of the range)
        counting_store.add_id_range(self.conn, self.first_id, self.next_id)
        if self.inserted_any and not self.sqlite:
            for table in ("service_records", "record_services"):
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")

    def _merge(self, batch: dict[str, list]) -> None:
        """Merge BATCH (UUID -> a CSV row of a complete record; `several` has the services of records with
        several rows): new records are inserted, known ones compared (present / void update / conflict)."""
        if not batch:
            return
        if self.sqlite:
            batch = self._insert_sqlite(batch)  # what is left: records whose UUID was stored already
            if not batch:
                return
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
        new, to_void = {}, []
        for uuid, rec in batch.items():
            old = existing.get(uuid)
            if old is None:
                new[uuid] = rec
                continue
            date, time, channel, outcome, voided = rec[1], rec[2], rec[3], rec[4], rec[9] == "1"
            _check_same_unit(old, self.unit_code, uuid, voided)
            svc = self.several.get(uuid) or {rec[5]: int(rec[7])}
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
        if new:
            rec_rows, svc_rows = self._rows(new)
            self._insert(rec_rows, svc_rows, "")
        if to_void:
            counting_store.add_ids(self.conn, to_void, -1)  # what they counted comes off before they are voided
            sqlite = self.sqlite
            reason = _("voided at the origin (package {sha})").format(sha=self.result.sha256[:12])
            self.conn.exec_driver_sql(
                f"UPDATE service_records SET voided = {mark}, void_reason = {mark}, voided_at = {mark}, "
                f"voided_by = {mark} WHERE id = {mark}",
                [(1 if sqlite else True, reason, self.now_text, self.actor.username[:60], rid) for rid in to_void])

    def _insert_sqlite(self, batch: dict[str, list]) -> dict[str, list]:
        """Insert BATCH as new records, skipping any whose UUID is stored already (ON CONFLICT DO NOTHING):
        no lookup at all when, as usual, every record is new. Returns the records that were skipped."""
        first_id = self.next_id
        rec_rows, svc_rows = self._rows(batch)
        driver = self.conn.connection.driver_connection
        before = driver.total_changes
        self._insert(rec_rows, None, " ON CONFLICT (uuid) DO NOTHING")
        if driver.total_changes - before == len(rec_rows):
            self._insert(None, svc_rows, "")
            return {}
        stored = {row[0] for row in self.conn.exec_driver_sql(
            "SELECT id FROM service_records WHERE id >= ? AND id < ?", (first_id, self.next_id))}
        self._insert(None, [r for r in svc_rows if r[0] in stored], "")
        self.result.new -= len(rec_rows) - len(stored)
        return {row[1]: batch[row[1]] for row in rec_rows if row[0] not in stored}

    def _rows(self, batch: dict[str, list]) -> tuple[list, list]:
        """The service_records and record_services rows of new records (ids given here, in file order)."""
        sqlite, unit_code, now, user, origin = self.sqlite, self.unit_code, self.now_text, self.actor.username[:60], self.origin
        void_reason = _("voided at the origin")
        cache, several = self.search_cache, self.several
        first = rid = self.next_id
        svc_rows, counts, searches = [], [], []
        for row in batch.values():
            svc = several.get(row[0])
            if svc is None:
                count = int(row[7])
                svc_rows.append((rid, row[5], count))
                key = (row[5], row[8])
            else:
                count = max(svc.values())
                svc_rows.extend([(rid, code, n) for code, n in svc.items()])
                key = (*svc, row[8])
            search = cache.get(key)
            if search is None:
                search = cache[key] = fold(" ".join(key))
            counts.append(count)
            searches.append(search)
            rid += 1
        self.next_id = rid
        if sqlite:  # the columns of SQLITE_VARYING; the others are the same for the whole package
            rec_rows = [(i, r[0], r[1], f"{r[1]} {r[2]}.000000", r[3], r[4], n, int(n > 1), search,
                         1 if r[9] == "1" else 0, void_reason if r[9] == "1" else "")
                        for i, r, n, search in zip(range(first, rid), batch.values(), counts, searches, strict=True)]
        else:
            rec_rows = [(i, r[0], unit_code, r[1], f"{r[1]} {r[2]}", now, user, r[3], r[4], n, n > 1, "",
                         "", search, r[9] == "1", void_reason if r[9] == "1" else "", origin)
                        for i, r, n, search in zip(range(first, rid), batch.values(), counts, searches, strict=True)]
        self.result.new += len(rec_rows)
        return rec_rows, svc_rows

    def _insert_records_sql(self) -> str:
        if not self.sqlite:
            return f"INSERT INTO service_records ({', '.join(REC_COLS)}) VALUES ({', '.join(['%s'] * len(REC_COLS))})"
        # SQLite: what every record of the package shares is written into the statement once (as SQL string
        # literals), so each row binds 11 values instead of 17
        shared = {"unit_code": self.unit_code, "entered_at": self.now_text, "entered_by": self.actor.username[:60],
                  "place": "", "note": "", "origin": self.origin}
        literals = ", ".join("'" + str(v).replace("'", "''") + "'" for v in shared.values())
        return (f"INSERT INTO service_records ({', '.join(SQLITE_VARYING)}, {', '.join(shared)}) "
                f"VALUES ({', '.join(['?'] * len(SQLITE_VARYING))}, {literals})")

    def _insert(self, rec_rows: list | None, svc_rows: list | None, on_conflict: str) -> None:
        mark = "?" if self.sqlite else "%s"
        if rec_rows:
            self.inserted_any = True
            self.conn.exec_driver_sql(self.insert_records + on_conflict, rec_rows)
        if svc_rows:
            self.conn.exec_driver_sql(
                f"INSERT INTO record_services ({', '.join(SVC_COLS)}) VALUES ({', '.join([mark] * len(SVC_COLS))})",
                svc_rows)
