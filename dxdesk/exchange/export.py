"""Export one period of this commune's records as an upload package (see docs/exchange.md).

The package is written to `<out>.part` and renamed into place only when complete, so a cancelled or failed
export never leaves half a package. Rows are streamed from the database straight into the zip."""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import queue
import threading
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from sqlalchemy import func, or_, select

import dxdesk
from dxdesk import clock, counting
from dxdesk.db.models import ServiceRecord, Volunteer
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange import signing
from dxdesk.i18n import _
from dxdesk.paths import replaced_when_done
from dxdesk.periods import Period
from dxdesk.safe_cells import is_dangerous, safe_cell
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings import units
from dxdesk.settings.profile import get_profile

FETCH = 20_000  # rows per fetchmany: one CSV block handed to the deflate thread, one progress call
SPAN_IDS = 16_384  # record ids per block read by SQLite (about 20.000 rows), one progress call
DENSE = 12  # read by blocks when at least 1 id in DENSE between the first and last is exported (measured, 1M
# records: reading past all of them costs 0,33 s; a month (1 in 12) by blocks 0,55 s, by the index and a sort
# 0,56 s before csv.writer; a quarter 0,58 s against 1,48 s)
_FIRST = itemgetter(0)


class Cancelled(Exception):
    """The user cancelled; nothing was left behind."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    records: int
    rows: int
    personal: bool
    with_report: bool = False
    unit_code: str = ""


@dataclass(frozen=True)
class _Unit:
    """Whose records the package holds: this commune's own, or (UNIT_ONLY) one commune of a province database."""

    province_code: str
    province_name: str
    unit_code: str
    unit_name: str
    code_list_version: str
    unit_only: bool


def _columns(dialect: str) -> list[str]:
    """The columns of records.csv (pkg.CSV_HEADER), as SQL expressions."""
    time_expr = "substr(r.occurred_at, 12, 8)" if dialect == "sqlite" else "to_char(r.occurred_at, 'HH24:MI:SS')"
    return ["r.uuid", "CAST(r.work_date AS TEXT)", time_expr, "r.channel", "r.outcome", "rs.service_code",
            "s.indicator_code", "rs.count", "COALESCE(v.pseudonym, '')", "CASE WHEN r.voided THEN 1 ELSE 0 END"]


def _rows_from(unit_only: bool, scan: bool) -> str:
    unit_filter = "r.unit_code = {u}" if unit_only else "(r.unit_code = {u} OR r.unit_code IS NULL)"
    if scan:  # the records by id as the outer loop, each one's services by the index on record_id: no sort
        source, ids = "service_records r NOT INDEXED CROSS JOIN", "r.id >= {lo} AND r.id < {hi} AND "
    else:
        source, ids = "service_records r JOIN", ""
    return (
        " FROM " + source + " record_services rs ON rs.record_id = r.id "
        "JOIN services s ON s.code = rs.service_code LEFT JOIN volunteers v ON v.id = r.volunteer_id "
        "WHERE " + ids + "r.work_date >= {a} AND r.work_date <= {b} AND " + unit_filter + " ORDER BY r.id, rs.id"
    )


def _rows_sql(dialect: str, unit_only: bool = False, scan: bool = False) -> str:
    """The rows of records.csv. UNIT_ONLY: exactly one unit's records (a province database); otherwise this
    commune's records, including those stored before the unit was set (unit_code NULL).

    SCAN (SQLite): the same rows of the records with ids from {lo} (included) to {hi} (excluded), read in the
    records table's own order, which is already the order of the file (a record's services come by the index on
    record_id, in id order): no sort of the whole period first. Without SCAN the period is found by the index
    on (unit, date) and the rows sorted: cheaper when the period's records are few among many."""
    return "SELECT " + ", ".join(_columns(dialect)) + _rows_from(unit_only, scan)


def _block_sql(unit_only: bool) -> str:
    """The SCAN rows of records.csv between two ids as one block of CSV bytes, formatted by SQLite (each field as
    is: `_plain_block` checks that none needed quoting), with its number of rows and of records."""
    columns = _columns("sqlite")
    line = "printf('" + ",".join(["%s"] * len(columns)) + "', " + ", ".join(columns) + ")"  # cheaper than ||
    return ("SELECT CAST(group_concat(line, char(13) || char(10)) AS BLOB), count(*), count(DISTINCT id) "
            "FROM (SELECT r.id AS id, " + line + " AS line" + _rows_from(unit_only, True) + ")")


def _plain_block(block: bytes, rows: int) -> bool:
    """True when BLOCK (ROWS lines of fields joined by commas, lines by CRLF) is exactly what csv.writer writes for
    the same fields: no field holds a comma, a double quote or a line break, so none needed quoting (then every
    comma, CR and LF is a separator, and their counts say so)."""
    return (block.count(b",") == (len(pkg.CSV_HEADER) - 1) * rows and block.count(b"\n") == rows - 1
            and block.count(b"\r") == rows - 1 and b'"' not in block)


def _unit_filters(unit: _Unit) -> list:
    """The unit's records as conditions, any of which: one unit's; or this commune's, and those stored before the
    unit was set."""
    if unit.unit_only:
        return [ServiceRecord.unit_code == unit.unit_code]
    return [ServiceRecord.unit_code == unit.unit_code, ServiceRecord.unit_code.is_(None)]


def _unit_filter(unit: _Unit):
    return or_(*_unit_filters(unit))


def _id_span(session, unit: _Unit, period: Period) -> tuple[int | None, int | None, int]:
    """The first and last id and the number of the unit's records in PERIOD, from the (unit, date) index: one
    query per condition of `_unit_filters` (with their OR, SQLite merges the two index ranges first, 5× slower)."""
    first = last = None
    total = 0
    for condition in _unit_filters(unit):
        low, high, count = session.execute(
            select(func.min(ServiceRecord.id), func.max(ServiceRecord.id), func.count()).where(
                condition, ServiceRecord.work_date >= period.start, ServiceRecord.work_date <= period.end)
        ).one()
        if count:
            first = low if first is None else min(first, low)
            last = high if last is None else max(last, high)
            total += count
    return first, last, total


def _resolve_unit(profile, unit_code: str | None) -> _Unit:
    """This database's own commune, or UNIT_CODE: any commune of the province on a province database."""
    if profile is None:
        raise UserError(_("Only a commune database can export a package: set the unit first (dxdesk init)."))
    version = profile.code_list_version or units.CODE_LIST_VERSION
    if profile.unit_code:
        if unit_code and unit_code != profile.unit_code:
            raise UserError(_("This database belongs to {unit} ({code}): it can only export its own records, "
                              "not those of unit {other}.").format(unit=profile.unit_name, code=profile.unit_code,
                                                                   other=unit_code))
        return _Unit(profile.province_code, profile.province_name, profile.unit_code, profile.unit_name, version,
                     False)
    if not unit_code:
        raise UserError(_("This is a province database: choose the commune to export with --unit CODE."))
    entry = units.find_unit(unit_code)
    if entry is None:
        raise UserError(_("Unknown commune code '{code}' (QĐ 19/2025 list).").format(code=unit_code))
    if entry.province_code != profile.province_code:
        raise UserError(_("Commune {code} ({name}) is not in {province}.").format(
            code=unit_code, name=entry.unit_name, province=profile.province_name))
    return _Unit(entry.province_code, entry.province_name, entry.unit_code, entry.unit_name, version, True)


def export_package(db, actor: Actor, period: Period, out: Path, *, with_personal_data: bool = False,
                   with_report: bool = False, unit_code: str | None = None,
                   progress: Callable[[int, int], bool] | None = None) -> ExportResult:
    """Write the package for PERIOD to OUT. PROGRESS(done_records, total_records) may return False to cancel.
    WITH_REPORT adds report.pdf (the tally report, a draft: no number taken from the register). UNIT_CODE: on
    a province database, the commune whose records are exported (on a commune database only its own code)."""
    require(actor, "data.export")
    if with_personal_data:
        require(actor, "data.export_personal")
    if with_report:
        require(actor, "report.print")
    unit = _resolve_unit(get_profile(db), unit_code)
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise UserError(_("The package file name must end in .zip."))
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    with db.session() as session:
        # the period's records (cheap, by the (unit, date) index): how many (progress counts records written)
        # and between which ids (how they are read)
        first, last, total = _id_span(session, unit, period)
        pseudonyms = session.scalars(select(Volunteer.pseudonym)).all()
    needs_cleaning = any(is_dangerous(p) for p in pseudonyms)
    # by blocks of ids (SQLite), when the period's records are not lost among many others: one commune of a
    # province database, say (there the index and one sort are cheaper than reading past the other records)
    span = (first, last) if db.is_sqlite and total and total * DENSE > last - first else None

    hashes: dict[str, str] = {}
    with replaced_when_done(out) as part:
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            # once the file could be made, and before a row is read: no secure keyring is refused here (the
            # .part is removed); an unwritable place was refused just before, the database untouched
            key = signing.private_key(db)
            # the workbook is made meanwhile, on a thread of its own (mostly Python while SQLite formats the rows)
            with ThreadPoolExecutor(1, thread_name_prefix="dxdesk-export-tally") as side:
                tally = side.submit(_tally_workbook, db, unit, period)
                try:
                    records, rows = _write_records(db, zf, period, unit, total, span, needs_cleaning, progress,
                                                   hashes)
                except BaseException:
                    tally.cancel()  # or, begun, waited for as the pool closes: nothing runs on after a cancel
                    raise
                hashes[pkg.TALLY] = _write_member(zf, pkg.TALLY, tally.result())
            if with_personal_data:
                hashes[pkg.PERSONAL] = _write_member(zf, pkg.PERSONAL, _personal_csv(db, period, unit))
            if with_report:
                hashes[pkg.REPORT] = _write_member(zf, pkg.REPORT, _report_pdf(db, actor, period, unit))
            manifest = {
                "format": pkg.FORMAT_NAME, "format_version": pkg.FORMAT_VERSION, "app_version": dxdesk.__version__,
                "unit": {"province_code": unit.province_code, "province_name": unit.province_name,
                         "unit_code": unit.unit_code, "unit_name": unit.unit_name,
                         "code_list_version": unit.code_list_version},
                "period": {"key": period.key, "from": period.start.isoformat(), "to": period.end.isoformat()},
                "created_at": clock.now().isoformat(timespec="seconds"),
                "record_count": records, "row_count": rows, "with_personal_data": with_personal_data,
                "files": hashes,
            }
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            zf.writestr(pkg.MANIFEST, manifest_bytes)
            zf.writestr(pkg.SIGNATURE, signing.sign_manifest(db, manifest_bytes, key))
        sha = pkg.sha256_file(part)
    with db.write() as session:
        audit.record(session, actor, "data.export_personal" if with_personal_data else "data.export", "package", sha[:16],
                     sha256=sha, period=period.key, records=records, file=out.name, personal=with_personal_data,
                     unit=unit.unit_code, report=with_report)
    signing.note_signed(db)
    return ExportResult(out, sha, records, rows, with_personal_data, with_report, unit.unit_code)


def _write_member(zf: zipfile.ZipFile, name: str, data: bytes) -> str:
    zf.writestr(name, data)
    return hashlib.sha256(data).hexdigest()


def _report_pdf(db, actor: Actor, period: Period, unit: _Unit) -> bytes:
    """The official tally report of the period (the renderer of `dxdesk report tally`), as a draft: the
    number is left blank, so exporting twice never uses up numbers of the register."""
    from dxdesk.reporting import tally_report
    from dxdesk.reports import tally_pdf

    report = tally_report.build(db, actor, period, unit_code=unit.unit_code if unit.unit_only else None)
    return tally_pdf.render(report)


def _write_records(db, zf, period: Period, unit: _Unit, total: int, span: tuple[int, int] | None,
                   needs_cleaning: bool, progress, hashes: dict) -> tuple[int, int]:
    """Stream the rows into records.csv: the header, then one block after the other, each one hashed and deflated
    by a `_DeflateThread` (hashlib and the compressor release the GIL: this overlaps the reading on a multi-core PC).

    SPAN (first and last record id, SQLite): the blocks are read by `_read_blocks`. Otherwise (PostgreSQL, a
    period's records sparse among others, or a volunteer pseudonym to make safe for a spreadsheet): one query,
    its rows formatted here by csv.writer."""
    params = (period.start.isoformat(), period.end.isoformat(), unit.unit_code)
    with zf.open(pkg.RECORDS, "w", force_zip64=True) as member:
        pkg.fast_deflate(member)
        sink = _DeflateThread(member)
        try:
            head = io.StringIO()
            head.write("\ufeff")
            csv.writer(head, lineterminator="\r\n").writerow(pkg.CSV_HEADER)
            sink.put(head.getvalue().encode("utf-8"))
            rows = records = 0
            blocks = (_read_blocks(db, unit, params, span) if span and not needs_cleaning
                      else _fetch_rows(db, unit, params, needs_cleaning))
            with closing(blocks):  # on cancel or error, the reading stops (its threads and connections end) first
                for block, block_records, block_rows in blocks:
                    sink.put(block)
                    records += block_records
                    rows += block_rows
                    if progress and progress(records, total) is False:
                        raise Cancelled()
        except BaseException:
            sink.abort()
            raise
        hashes[pkg.RECORDS] = sink.close()
    return records, rows


def _csv_block(rows: list) -> tuple[bytes, int, int]:
    """ROWS (tuples of the CSV_HEADER fields, a record's rows all there) as CSV bytes, with their records and rows."""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    return text.getvalue().encode("utf-8"), len(set(map(_FIRST, rows))), len(rows)


def _fetch_rows(db, unit: _Unit, params: tuple, needs_cleaning: bool) -> Iterator[tuple[bytes, int, int]]:
    """The period's rows by one query, FETCH rows at a time, as CSV blocks."""
    raw = db.engine.raw_connection()
    try:
        sqlite = db.is_sqlite
        mark = "?" if sqlite else "%s"
        sql = _rows_sql("sqlite" if sqlite else "postgresql", unit.unit_only).format(a=mark, b=mark, u=mark)
        cursor = raw.cursor() if sqlite else raw.dbapi_connection.cursor(name="dxdesk_export")
        if not sqlite:
            cursor.itersize = FETCH
        cursor.execute(sql, params)
        last_uuid = None
        while chunk := cursor.fetchmany(FETCH):
            # rows of one record are adjacent (ordered by record id): distinct UUIDs of the chunk, less the
            # record that continues from the previous chunk
            records = len(set(map(_FIRST, chunk))) - (chunk[0][0] == last_uuid)
            last_uuid = chunk[-1][0]
            if needs_cleaning:
                chunk = [(*r[:8], safe_cell(r[8]), r[9]) for r in chunk]
            block, _, rows = _csv_block(chunk)
            yield block, records, rows
        cursor.close()
    finally:
        raw.rollback() if not db.is_sqlite else None
        raw.close()


def _read_blocks(db, unit: _Unit, params: tuple, span: tuple[int, int]) -> Iterator[tuple[bytes, int, int]]:
    """The rows of the records with ids in SPAN, SPAN_IDS ids at a time, as CSV blocks, in order.

    SQLite formats each block (`_block_sql`) on a reader thread with a connection of its own, in one read
    transaction (so one snapshot, like a single query), the next blocks while this thread hands over the last one
    (sqlite3 releases the GIL while SQLite works). One reader: measured at 1M records on a 2-core PC, two readers
    (a connection each) were 5 % faster when the PC was idle but used 25 % more CPU (so slower when it is busy),
    and each had its own snapshot. A block with a field that needs quoting (`_plain_block` says no) is read again
    as rows and written by csv.writer."""
    sql = _block_sql(unit.unit_only).format(a="?", b="?", u="?", lo="?", hi="?")
    rows_sql = _rows_sql("sqlite", unit.unit_only, scan=True).format(a="?", b="?", u="?", lo="?", hi="?")
    fairy = db.engine.raw_connection()
    con = fairy.driver_connection
    try:
        con.execute("BEGIN")
        con.execute("SELECT 1 FROM service_records LIMIT 1").fetchall()  # the snapshot, before any block

        def read(lo: int, sql: str = sql) -> list:
            return con.execute(sql, (lo, lo + SPAN_IDS, *params)).fetchall()

        starts = iter(range(span[0], span[1] + 1, SPAN_IDS))
        pending: deque = deque()
        with ThreadPoolExecutor(1, thread_name_prefix="dxdesk-export-read") as pool:
            try:
                for lo in itertools.islice(starts, 2):
                    pending.append((lo, pool.submit(read, lo)))
                while pending:
                    lo, future = pending.popleft()
                    [(block, rows, records)] = future.result()
                    for nxt in itertools.islice(starts, 1):
                        pending.append((nxt, pool.submit(read, nxt)))
                    if not rows:
                        yield b"", 0, 0
                    elif _plain_block(block, rows):
                        yield block + b"\r\n", records, rows
                    else:
                        yield _csv_block(pool.submit(read, lo, rows_sql).result())
            finally:
                for _, future in pending:
                    future.cancel()
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")
        fairy.close()


class _DeflateThread:
    """Hash and write (the zip member deflates) byte blocks handed over by PUT, on a thread of its own."""

    def __init__(self, member):
        self.member, self.digest, self.error = member, hashlib.sha256(), None
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        self.thread = threading.Thread(target=self._run, name="dxdesk-export-deflate", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            block = self.queue.get()
            if block is None:
                return
            if self.error is None:
                try:
                    self.digest.update(block)
                    self.member.write(block)
                except BaseException as exc:  # noqa: BLE001 - handed to the producer thread, raised there
                    self.error = exc

    def put(self, block: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.queue.put(block)

    def close(self) -> str:
        """Wait for the last block; the SHA-256 of everything written."""
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error
        return self.digest.hexdigest()

    def abort(self) -> None:
        self.error = self.error or Cancelled()
        self.queue.put(None)
        self.thread.join()


def _tally_workbook(db, unit: _Unit, period: Period) -> bytes:
    """tally.xlsx: the commune's figures for the period as every screen shows them (`dxdesk.counting`), with the
    breakdowns by channel, volunteer (pseudonym), reception point, age band and sex."""
    from dxdesk.reports.xlsx import write_tally_workbook

    # a commune database: its own records and those stored before the unit was set; a province database: one unit
    units_of = unit.unit_code if unit.unit_only else (unit.unit_code, "")
    result = counting.compute(db, period, units_of,
                              targets=counting.targets_for(db, period, unit.unit_code if unit.unit_only else None))
    split = counting.breakdown(db, period, units_of, weeks=False)
    buf = io.BytesIO()
    write_tally_workbook(
        buf,
        title_lines=[
            _("Tally of {unit}, {province}").format(unit=unit.unit_name, province=unit.province_name),
            _("Period: {period} ({a}–{b})").format(period=period.label(), a=period.start.strftime("%d/%m/%Y"),
                                                   b=period.end.strftime("%d/%m/%Y")),
            _("Unit code: {code}").format(code=unit.unit_code),
            _("Created: {at}").format(at=clock.now().strftime("%d/%m/%Y %H:%M")),
        ],
        tally=result,
        breakdown=split,
        teams=counting.by_team(db, period, units_of),
        names=False,
    )
    return buf.getvalue()


def _personal_csv(db, period: Period, unit: _Unit) -> bytes:
    """Only with --with-personal-data: notes, places, volunteer names/phones and consented contacts."""
    from dxdesk.security import fieldcrypt

    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["record_uuid", "place", "note", "volunteer_name", "volunteer_phone", "contact_name",
                     "contact_phone"])
    with db.session() as session:
        result = session.execute(
            select(ServiceRecord.uuid, ServiceRecord.place, ServiceRecord.note, Volunteer.name, Volunteer.phone,
                   ServiceRecord.contact_name_enc, ServiceRecord.contact_phone_enc)
            .outerjoin(Volunteer, Volunteer.id == ServiceRecord.volunteer_id)
            .where(ServiceRecord.work_date >= period.start, ServiceRecord.work_date <= period.end,
                   _unit_filter(unit))
            .order_by(ServiceRecord.id)
        )
        for uuid, place, note, vname, vphone, cname, cphone in result:
            if not (place or note or vname or vphone or cname or cphone):
                continue
            writer.writerow([safe_cell(v or "") for v in (
                uuid, place, note, vname, vphone, fieldcrypt.decrypt(db, cname), fieldcrypt.decrypt(db, cphone))])
    return buf.getvalue().encode("utf-8")
