"""Export one period of this commune's records as an upload package (see docs/exchange.md).

The package is written to `<out>.part` and renamed into place only when complete, so a cancelled or failed
export never leaves half a package. Rows are streamed from the database straight into the zip."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

import dxdesk
from dxdesk import audit, clock, tally
from dxdesk.actor import Actor
from dxdesk.catalogue import list_indicators, list_services
from dxdesk.db.models import RecordService, ServiceRecord, Team, Volunteer
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.i18n import _
from dxdesk.periods import Period
from dxdesk.permissions import require
from dxdesk.profile import get_profile
from dxdesk.reports.safe_cells import FORMULA_STARTS, safe_cell
from dxdesk.vnformat import percent

PROGRESS_EVERY = 20_000


class Cancelled(Exception):
    """The user cancelled; nothing was left behind."""


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    records: int
    rows: int
    personal: bool


class _HashingWriter(io.RawIOBase):
    """Bytes written pass to TARGET and into a SHA-256."""

    def __init__(self, target):
        self.target, self.digest = target, hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.digest.update(b)
        self.target.write(b)
        return len(b)


def _rows_sql(dialect: str) -> str:
    time_expr = "substr(r.occurred_at, 12, 8)" if dialect == "sqlite" else "to_char(r.occurred_at, 'HH24:MI:SS')"
    return (
        "SELECT r.uuid, CAST(r.work_date AS TEXT), " + time_expr + ", r.channel, r.outcome, rs.service_code, "
        "s.indicator_code, rs.count, COALESCE(v.pseudonym, ''), CASE WHEN r.voided THEN 1 ELSE 0 END "
        "FROM service_records r JOIN record_services rs ON rs.record_id = r.id "
        "JOIN services s ON s.code = rs.service_code LEFT JOIN volunteers v ON v.id = r.volunteer_id "
        "WHERE r.work_date >= {a} AND r.work_date <= {b} AND (r.unit_code = {u} OR r.unit_code IS NULL) "
        "ORDER BY r.id, rs.id"
    )


def export_package(db, actor: Actor, period: Period, out: Path, *, with_personal_data: bool = False,
                   progress: Callable[[int, int], bool] | None = None) -> ExportResult:
    """Write the package for PERIOD to OUT. PROGRESS(done_records, total_records) may return False to cancel."""
    require(actor, "data.export")
    if with_personal_data:
        require(actor, "data.export_personal")
    profile = get_profile(db)
    if profile is None or not profile.unit_code:
        raise UserError(_("Only a commune database can export a package: set the unit first (dxdesk init)."))
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise UserError(_("The package file name must end in .zip."))
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    unit_code = profile.unit_code
    with db.session() as session:
        total = session.scalar(  # records (cheap, by the date index); progress counts records written
            select(func.count()).select_from(ServiceRecord).where(ServiceRecord.work_date >= period.start, ServiceRecord.work_date <= period.end,
                   (ServiceRecord.unit_code == unit_code) | ServiceRecord.unit_code.is_(None))
        ) or 0
        pseudonyms = session.scalars(select(Volunteer.pseudonym)).all()
    needs_cleaning = any(p and p.startswith(FORMULA_STARTS) for p in pseudonyms)

    part = out.with_name(out.name + ".part")
    hashes: dict[str, str] = {}
    try:
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            counts: dict[str, int] = {}
            records, rows = _write_records(db, zf, period, unit_code, total, needs_cleaning, progress, hashes, counts)
            hashes[pkg.TALLY] = _write_member(zf, pkg.TALLY, _tally_workbook(db, profile, period, counts))
            if with_personal_data:
                hashes[pkg.PERSONAL] = _write_member(zf, pkg.PERSONAL, _personal_csv(db, period, unit_code))
            manifest = {
                "format": pkg.FORMAT_NAME, "format_version": pkg.FORMAT_VERSION, "app_version": dxdesk.__version__,
                "unit": {"province_code": profile.province_code, "province_name": profile.province_name,
                         "unit_code": unit_code, "unit_name": profile.unit_name,
                         "code_list_version": profile.code_list_version},
                "period": {"key": period.key, "from": period.start.isoformat(), "to": period.end.isoformat()},
                "created_at": clock.now().isoformat(timespec="seconds"),
                "record_count": records, "row_count": rows, "with_personal_data": with_personal_data,
                "files": hashes,
            }
            zf.writestr(pkg.MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        sha = pkg.sha256_file(part)
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    with db.write() as session:
        audit.record(session, actor, "data.export_personal" if with_personal_data else "data.export", "package", sha[:16],
                     sha256=sha, period=period.key, records=records, file=out.name, personal=with_personal_data)
    return ExportResult(out, sha, records, rows, with_personal_data)


def _write_member(zf: zipfile.ZipFile, name: str, data: bytes) -> str:
    zf.writestr(name, data)
    return hashlib.sha256(data).hexdigest()


def _write_records(db, zf, period: Period, unit_code: str, total: int, needs_cleaning: bool, progress,
                   hashes: dict, counts: dict[str, int]) -> tuple[int, int]:
    """Stream the rows into records.csv; COUNTS gets the non-voided count per service (the tally of the
    very rows exported, so the workbook and the CSV always agree)."""
    raw = db.engine.raw_connection()
    try:
        sqlite = db.is_sqlite
        mark = "?" if sqlite else "%s"
        sql = _rows_sql("sqlite" if sqlite else "postgresql").format(a=mark, b=mark, u=mark)
        cursor = raw.cursor() if sqlite else raw.dbapi_connection.cursor(name="dxdesk_export")
        if not sqlite:
            cursor.itersize = 20_000
        cursor.execute(sql, (period.start.isoformat(), period.end.isoformat(), unit_code))
        with zf.open(pkg.RECORDS, "w", force_zip64=True) as member:
            sink = _HashingWriter(member)
            buffered = io.BufferedWriter(sink, buffer_size=1 << 20)
            text = io.TextIOWrapper(buffered, encoding="utf-8", newline="")
            text.write("\ufeff")
            writer = csv.writer(text, lineterminator="\r\n")
            writer.writerow(pkg.CSV_HEADER)
            rows = records = 0
            last_uuid = None
            while True:
                chunk = cursor.fetchmany(PROGRESS_EVERY)
                if not chunk:
                    break
                if needs_cleaning:
                    chunk = [(*r[:8], safe_cell(r[8]), r[9]) for r in chunk]
                writer.writerows(chunk)
                for r in chunk:  # rows of one record are adjacent (ordered by record id)
                    if r[0] != last_uuid:
                        records += 1
                        last_uuid = r[0]
                    if not r[9]:
                        counts[r[5]] = counts.get(r[5], 0) + r[7]
                rows += len(chunk)
                if progress and progress(records, total) is False:
                    raise Cancelled()
            text.flush()
            text.detach()
            buffered.flush()
        hashes[pkg.RECORDS] = sink.digest.hexdigest()
        cursor.close()
        return records, rows
    finally:
        raw.rollback() if not db.is_sqlite else None
        raw.close()


def _tally_workbook(db, profile, period: Period, counts: dict[str, int]) -> bytes:
    from dxdesk.reports.xlsx import write_tally_workbook

    services = list_services(db, include_inactive=True)
    per_indicator: dict[str, int] = {}
    for s in services:
        per_indicator[s.indicator_code] = per_indicator.get(s.indicator_code, 0) + counts.get(s.code, 0)
    targets = tally.targets_for(db, period, None)  # a commune database keeps its own targets with unit None
    with db.session() as session:
        team_rows = session.execute(
            select(Team.name, func.coalesce(func.sum(RecordService.count), 0))
            .select_from(Team)
            .join(Volunteer, Volunteer.team_id == Team.id)
            .join(ServiceRecord, ServiceRecord.volunteer_id == Volunteer.id)
            .join(RecordService, RecordService.record_id == ServiceRecord.id)
            .where(ServiceRecord.work_date >= period.start, ServiceRecord.work_date <= period.end,
                   ServiceRecord.voided.is_(False))
            .group_by(Team.name).order_by(Team.name)
        ).all()
    buf = io.BytesIO()
    write_tally_workbook(
        buf,
        title_lines=[
            _("Tally of {unit}, {province}").format(unit=profile.unit_name, province=profile.province_name),
            _("Period: {period} ({a}–{b})").format(period=period.label(), a=period.start.strftime("%d/%m/%Y"),
                                                   b=period.end.strftime("%d/%m/%Y")),
            _("Unit code: {code}").format(code=profile.unit_code),
            _("Created: {at}").format(at=clock.now().strftime("%d/%m/%Y %H:%M")),
        ],
        indicators=[{"code": i.code, "name": i.name, "unit": i.unit, "count": per_indicator.get(i.code, 0),
                     "target": targets.get(i.code), "percent": _fraction(per_indicator.get(i.code, 0), targets.get(i.code))}
                    for i in list_indicators(db)],
        services=[{"code": s.code, "name": s.name, "indicator_code": s.indicator_code, "count": counts.get(s.code, 0)}
                  for s in services],
        teams=[{"name": name, "services": int(n)} for name, n in team_rows],
    )
    return buf.getvalue()


def _fraction(count: int, target: int | None) -> float | None:
    value = percent(count, target)
    return float(value) / 100 if value is not None else None


def _personal_csv(db, period: Period, unit_code: str) -> bytes:
    """Only with --with-personal-data: notes, places, volunteer names/phones and consented contacts."""
    from dxdesk import fieldcrypt

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
                   (ServiceRecord.unit_code == unit_code) | ServiceRecord.unit_code.is_(None))
            .order_by(ServiceRecord.id)
        )
        for uuid, place, note, vname, vphone, cname, cphone in result:
            if not (place or note or vname or vphone or cname or cphone):
                continue
            writer.writerow([safe_cell(v or "") for v in (
                uuid, place, note, vname, vphone, fieldcrypt.decrypt(db, cname), fieldcrypt.decrypt(db, cphone))])
    return buf.getvalue().encode("utf-8")
