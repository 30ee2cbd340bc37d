"""Opening balances: a commune that starts mid-year imports its earlier tallies (indicator, period, count).

The sheet (.xlsx or .csv) has three columns: indicator code, period (CLI syntax: 2026-01, 2026-Q1, 2026…),
count (a whole number ≥ 0). An optional first header row is skipped. Every row is checked and reported
with its sheet row number; a file with any bad row is refused whole and nothing is written.

Applying writes, in one transaction, one campaign record per row: count N, is_campaign, channel "outreach",
work date = the period's last day, origin "opening:<file sha256>", the period key in the note
("Số liệu đầu kỳ 2026-Q1", how the overlap check finds it again), service = the indicator's first active
service in the catalogue. They count in tallies as campaign entries. A row whose indicator and period were
already imported from the same file is "already present" (re-applying a file adds nothing); a period that
overlaps another opening balance of the same indicator (from another file, or another row) is an error.
A row with count 0 is accepted and writes nothing (it says "nothing before this")."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import uuid as uuidlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sqlalchemy import insert, select

from dxdesk import clock
from dxdesk.counter.records import MAX_CAMPAIGN_COUNT
from dxdesk.counting import store as counting_store
from dxdesk.db.models import Indicator, RecordService, Service, ServiceRecord, UnitProfile
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.periods import Period, parse_period
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.text import fold

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000
NOTE_PREFIX = "Số liệu đầu kỳ "  # stored as written (like records.UNDO_REASON); the period key follows
ORIGIN_PREFIX = "opening:"


@dataclass
class OpeningRow:
    line: int  # the row number in the sheet (1 = first row)
    indicator: str
    period_text: str
    count_text: str
    period: Period | None = None
    count: int | None = None
    error: str = ""
    present: bool = False  # already imported from this same file

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass
class OpeningPreview:
    path: Path
    sha256: str
    rows: list[OpeningRow] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return ORIGIN_PREFIX + self.sha256

    @property
    def errors(self) -> list[OpeningRow]:
        return [r for r in self.rows if r.error]

    @property
    def new_rows(self) -> list[OpeningRow]:
        return [r for r in self.rows if r.ok and not r.present and r.count]

    def error_lines(self) -> list[str]:
        return [_("Row {line}: {error}").format(line=r.line, error=r.error) for r in self.errors]


@dataclass(frozen=True)
class OpeningResult:
    sha256: str
    new: int  # records written
    present: int  # rows already imported from this file
    citizens: int  # sum of the counts written


# --- reading the sheet ----------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):  # Excel turns a typed "2026-01" into 1 January 2026
        return f"{value.year:04d}-{value.month:02d}" if value.day == 1 else value.date().isoformat()
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}" if value.day == 1 else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_raw(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    """(row number, first three cells as text) for every non-empty row."""
    suffix = path.suffix.lower()
    rows: list[tuple[int, list[str]]] = []
    if suffix == ".csv":
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise UserError(_("{file} is not UTF-8 text: save the sheet as \"CSV UTF-8\".").format(
                file=path.name)) from None
        try:
            sample = text[:2048]
            delimiter = ";" if sample.count(";") > sample.count(",") else ","
            for n, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1):
                rows.append((n, [c.strip() for c in cells]))
        except csv.Error as exc:
            raise UserError(_("{file} is not a valid CSV file ({error}).").format(file=path.name, error=exc)) from None
    elif suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any broken workbook gets the same one message
            raise UserError(_("{file} is not an Excel workbook that can be read.").format(file=path.name)) from None
        try:
            sheet = book.worksheets[0]
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                rows.append((n, [_cell_text(v) for v in values]))
                if len(rows) > MAX_ROWS + 1:
                    break
        finally:
            book.close()
    else:
        raise UserError(_("Choose an Excel (.xlsx) or CSV (.csv) file."))
    rows = [(n, (cells + ["", "", ""])[:3] if any(cells) else []) for n, cells in rows]
    rows = [(n, cells) for n, cells in rows if cells and any(cells)]
    if rows and _looks_like_header(rows[0][1]):
        rows = rows[1:]
    if len(rows) > MAX_ROWS:
        raise UserError(_("{file} has more than {n} rows.").format(file=path.name, n=MAX_ROWS))
    return rows


def _looks_like_header(cells: list[str]) -> bool:
    """A first row whose period and count are both not data (e.g. "Chỉ tiêu, Kỳ, Số lượng")."""
    try:
        parse_period(cells[1])
        return False
    except UserError:
        return _parse_count(cells[2]) is None


def _parse_count(text: str) -> int | None:
    """A whole number ≥ 0 (Vietnamese thousands dots allowed: 1.234), else None."""
    text = text.strip().replace(" ", "")
    if not text:
        return None
    if text.replace(".", "").isdigit() and "." in text:
        parts = text.split(".")
        if all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3:
            return int("".join(parts))
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if value != value.to_integral_value() or value < 0:
        return None
    return int(value)


# --- checking ---------------------------------------------------------------------------------------


def _stored_openings(session) -> dict[str, list[tuple[str, str, dt.date, dt.date]]]:
    """Opening balances already stored, per indicator: (origin, period key, start, end)."""
    rows = session.execute(
        select(ServiceRecord.origin, ServiceRecord.note, Service.indicator_code)
        .join(RecordService, RecordService.record_id == ServiceRecord.id)
        .join(Service, Service.code == RecordService.service_code)
        .where(ServiceRecord.origin.like(ORIGIN_PREFIX + "%"), ServiceRecord.voided.is_(False))
    ).all()
    out: dict[str, list[tuple[str, str, dt.date, dt.date]]] = {}
    for origin, note, indicator in rows:
        key = (note or "").removeprefix(NOTE_PREFIX).strip()
        try:
            period = parse_period(key)
        except UserError:
            continue
        out.setdefault(indicator, []).append((origin, period.key, period.start, period.end))
    return out


def _first_services(session) -> dict[str, str]:
    """Each indicator's first active service in the catalogue order."""
    out: dict[str, str] = {}
    for code, indicator in session.execute(
            select(Service.code, Service.indicator_code).where(Service.active.is_(True))
            .order_by(Service.sort_order, Service.code)):
        out.setdefault(indicator, code)
    return out


def _check(session, preview: OpeningPreview, raw: list[tuple[int, list[str]]]) -> None:
    indicators = set(session.scalars(select(Indicator.code).where(Indicator.active.is_(True))))
    services = _first_services(session)
    stored = _stored_openings(session)
    seen: dict[tuple[str, str], int] = {}
    accepted: dict[str, list[tuple[int, Period]]] = {}
    preview.rows = []
    for line, (indicator, period_text, count_text) in raw:
        row = OpeningRow(line, indicator.strip(), period_text.strip(), count_text.strip())
        preview.rows.append(row)
        code = row.indicator.upper() if row.indicator.upper() in indicators else row.indicator
        if code not in indicators:
            row.error = _("unknown indicator '{code}'.").format(code=row.indicator[:30])
            continue
        row.indicator = code
        if code not in services:
            row.error = _("indicator {code} has no active service in the catalogue.").format(code=code)
            continue
        try:
            row.period = parse_period(row.period_text)
        except UserError:
            row.error = _("invalid period '{p}': use 2026, 2026-Q1, 2026-03, 2026-W05 or 2026-03-01..2026-03-31."
                          ).format(p=row.period_text[:30])
            continue
        row.count = _parse_count(row.count_text)
        if row.count is None:
            row.error = _("the count '{v}' is not a whole number (0 or more).").format(v=row.count_text[:20])
            continue
        if row.count > MAX_CAMPAIGN_COUNT:
            row.error = _("the count {n} is more than {m}.").format(n=row.count, m=MAX_CAMPAIGN_COUNT)
            continue
        if row.period.end > clock.today():
            row.error = _("the period {p} has not ended yet.").format(p=row.period.key)
            continue
        key = (code, row.period.key)
        if key in seen:
            row.error = _("indicator {code} and period {p} already appear in row {other}.").format(
                code=code, p=row.period.key, other=seen[key])
            continue
        seen[key] = line
        clash = next((other for other, p in accepted.get(code, [])
                      if p.start <= row.period.end and row.period.start <= p.end), None)
        if clash is not None:
            row.error = _("period {p} overlaps the period of row {other} for indicator {code}.").format(
                p=row.period.key, other=clash, code=code)
            continue
        present = False
        for origin, pkey, start, end in stored.get(code, []):
            if origin == preview.origin and pkey == row.period.key:
                present = True
            elif start <= row.period.end and row.period.start <= end:
                row.error = _("period {p} overlaps the opening balance {q} already imported for indicator {code}."
                              ).format(p=row.period.key, q=pkey, code=code)
                break
        if row.error:
            continue
        row.present = present
        accepted.setdefault(code, []).append((line, row.period))


def _load(path: Path) -> tuple[bytes, str]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise UserError(_("{file} is larger than {n} MB.").format(file=path.name, n=MAX_FILE_BYTES // 2**20))
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(_("Cannot read {file}: {error}").format(file=path.name, error=exc.strerror or exc)) from None
    return data, hashlib.sha256(data).hexdigest()


def preview_opening(db, path: Path) -> OpeningPreview:
    """Read and check the sheet; writes nothing. Raises UserError when the file itself cannot be read."""
    path = Path(path)
    data, sha = _load(path)
    raw = _read_raw(path, data)
    if not raw:
        raise UserError(_("{file} has no rows to import.").format(file=path.name))
    preview = OpeningPreview(path, sha)
    with db.session() as session:
        _check(session, preview, raw)
    return preview


def apply_opening(db, actor: Actor, path: Path) -> OpeningResult:
    """Check the sheet again inside one write transaction and write one campaign record per new row.
    Any bad row refuses the whole file (UserError naming every bad row), nothing written."""
    require(actor, "data.import")
    path = Path(path)
    data, sha = _load(path)
    raw = _read_raw(path, data)
    if not raw:
        raise UserError(_("{file} has no rows to import.").format(file=path.name))
    preview = OpeningPreview(path, sha)
    now = clock.now()
    with db.write() as session:
        _check(session, preview, raw)
        if preview.errors:
            raise UserError(_("{file} was not imported: {errors}").format(
                file=path.name, errors="; ".join(preview.error_lines())))
        services = _first_services(session)
        names = dict(session.execute(select(Service.code, Service.name_vi)).all())
        unit_code = session.scalar(select(UnitProfile.unit_code).order_by(UnitProfile.id).limit(1))
        conn = session.connection()
        new = preview.new_rows
        for row in new:
            service = services[row.indicator]
            note = NOTE_PREFIX + row.period.key
            result = conn.execute(insert(ServiceRecord.__table__), dict(
                uuid=str(uuidlib.uuid4()), unit_code=unit_code, work_date=row.period.end,
                occurred_at=dt.datetime.combine(row.period.end, dt.time(12, 0)), entered_at=now,
                entered_by=actor.username, volunteer_id=None, shift_id=None, channel="outreach", outcome="done",
                duration_s=None, count=row.count, is_campaign=True, place="", age_band=None, sex=None, note=note,
                search_text=fold(f"{names.get(service, service)} {note}"), voided=False, void_reason="",
                origin=preview.origin, contact_name_enc=None, contact_phone_enc=None, contact_lookup=None,
                consent_at=None, consent_purpose=None, consent_by=None,
            ))
            conn.execute(insert(RecordService.__table__), dict(
                record_id=result.inserted_primary_key[0], service_code=service, count=row.count))
            counting_store.add_record(conn, result.inserted_primary_key[0])
        present = sum(1 for r in preview.rows if r.present)
        citizens = sum(r.count for r in new)
        audit.record(session, actor, "data.import", "opening_balance", sha[:16], sha256=sha, file=path.name,
                     new=len(new), present=present, citizens=citizens)
    return OpeningResult(sha, len(new), present, citizens)
