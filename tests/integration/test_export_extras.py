"""Export extras (issue #7): the tally report inside the package (`--with-report`), a province database
re-sending one commune's package (`--unit`), and the roll-up import's fast paths (a package that is partly
known already; hostile counts and UUIDs that only the row-by-row check used to see)."""

import csv
import datetime as dt
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dxdesk import counting, demo
from dxdesk.database import open_database
from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.exchange import package as pkg
from dxdesk.exchange.export import export_package
from dxdesk.exchange.importer import import_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.settings.profile import set_profile
from dxdesk.settings.units import find_unit
from dxdesk.vnformat import fmt_int
from tests.signing_helpers import enrol, enrol_file, enrolment_file, private_bytes, resign

PERIOD = parse_period("2025")
UNIT_A, UNIT_B = "28249", "28270"  # Phường Đạo Thạnh, Phường Thới Sơn (Đồng Tháp, province 82)


def commune(tmp_path: Path, name: str, unit: str, admin, records: int, seed: int):
    db = open_database(None, AppPaths(tmp_path / name).ensure())
    set_profile(db, admin, "82", unit_code=unit)
    demo.fill(db, admin, records=records, seed=seed, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    return db


def counts(result) -> dict[str, int]:
    return {r.code: r.count for r in result.indicators}


def record_count(db) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(ServiceRecord))


def csv_rows(path: Path) -> list[list[str]]:
    with zipfile.ZipFile(path) as zf:
        return list(csv.reader(io.StringIO(zf.read(pkg.RECORDS).decode("utf-8-sig"))))


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


# --- report.pdf in the package ------------------------------------------------------------------------------

def test_export_with_report_puts_the_hashed_tally_report_in_the_package(cli, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=UNIT_A)
    demo.fill(db, admin, records=300, seed=4, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    out = tmp_path / "with-report.zip"
    code, stdout, err = cli("export", "--period", "2025", "--out", out, "--with-report")
    assert code == 0, err
    assert "report.pdf" in stdout
    with zipfile.ZipFile(out) as zf:
        names = set(zf.namelist())
        manifest = json.loads(zf.read(pkg.MANIFEST))
        report = zf.read(pkg.REPORT)
    assert names == {pkg.MANIFEST, pkg.SIGNATURE, pkg.RECORDS, pkg.TALLY, pkg.REPORT}
    assert manifest["files"][pkg.REPORT] == hashlib.sha256(report).hexdigest()
    assert report.startswith(b"%PDF")
    text = pdf_text(report, tmp_path)
    assert find_unit(UNIT_A).unit_name in text  # "Phường Đạo Thạnh"
    figures = [r.count for r in counting.compute(db, PERIOD).indicators if r.count]
    assert figures and all(fmt_int(n) in text for n in figures)
    assert "Số:" in text  # the official layout, number left blank (no number taken from the register)

    # without the flag: no report, as before
    code, _out, err = cli("export", "--period", "2025", "--out", tmp_path / "plain.zip")
    assert code == 0, err
    with zipfile.ZipFile(tmp_path / "plain.zip") as zf:
        assert pkg.REPORT not in zf.namelist()

    # the import side accepts a package with report.pdf, and still checks its hash
    province = open_database(None, AppPaths(tmp_path / "prov").ensure())
    set_profile(province, admin, "82")
    enrol(province, db, tmp_path)
    assert import_package(province, admin, out).new == 300
    assert counts(counting.compute(province, PERIOD, UNIT_A)) == counts(counting.compute(db, PERIOD))
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(out) as src, zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            data = src.read(name)
            dst.writestr(name, data.replace(b"%PDF", b"%PDF ", 1) if name == pkg.REPORT else data)
    with pytest.raises(UserError, match="không khớp"):
        import_package(province, admin, forged)
    province.dispose()


# --- a province database exports one commune ---------------------------------------------------------------

def test_province_resends_one_communes_package(any_db, tmp_path, admin):
    a = commune(tmp_path, "a", UNIT_A, admin, 400, 1)
    b = commune(tmp_path, "b", UNIT_B, admin, 300, 2)
    try:
        set_profile(any_db, admin, "82")  # the province
        enrol(any_db, a, tmp_path)
        enrol(any_db, b, tmp_path)
        for src, name in ((a, "a.zip"), (b, "b.zip")):
            import_package(any_db, admin, export_package(src, admin, PERIOD, tmp_path / name).path)
        with pytest.raises(UserError, match="--unit"):
            export_package(any_db, admin, PERIOD, tmp_path / "none.zip")

        again = export_package(any_db, admin, PERIOD, tmp_path / "a-again.zip", unit_code=UNIT_A)
        assert (again.records, again.unit_code) == (400, UNIT_A)
        with zipfile.ZipFile(again.path) as zf:
            manifest = json.loads(zf.read(pkg.MANIFEST))
        assert manifest["unit"]["unit_code"] == UNIT_A
        assert manifest["unit"]["unit_name"] == find_unit(UNIT_A).unit_name
        # the same rows as the commune's own package (the volunteer pseudonym stays at the commune)
        own = csv_rows(tmp_path / "a.zip")
        resent = csv_rows(again.path)
        assert resent[0] == own[0]
        assert [r[:8] + r[9:] for r in resent[1:]] == [r[:8] + r[9:] for r in own[1:]]
        assert not any(r[0] in {x[0] for x in csv_rows(tmp_path / "b.zip")[1:]} for r in resent[1:])

        fresh = open_database(None, AppPaths(tmp_path / "fresh").ensure())
        set_profile(fresh, admin, "82")
        enrol(fresh, any_db, tmp_path)  # the province's own key speaks for its communes (a restored database)
        result = import_package(fresh, admin, again.path)
        assert (result.new, result.conflicts) == (400, 0)
        assert counts(counting.compute(fresh, PERIOD)) == counts(counting.compute(a, PERIOD))
        assert counts(counting.compute(fresh, PERIOD, UNIT_A)) == counts(counting.compute(a, PERIOD))
        fresh.dispose()

        # sent back up to the same province: nothing new, nothing in conflict
        back = import_package(any_db, admin, again.path)
        assert (back.new, back.present, back.conflicts) == (0, 400, 0)
        assert record_count(any_db) == 700
    finally:
        a.dispose()
        b.dispose()


def test_unit_option_errors_are_one_line_exit_2(cli, db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code=UNIT_A)
    code, out, err = cli("export", "--period", "2025", "--out", tmp_path / "x.zip", "--unit", UNIT_B)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert UNIT_A in err and UNIT_B in err
    assert "Traceback" not in err
    code, _out, err = cli("export", "--period", "2025", "--out", tmp_path / "own.zip", "--unit", UNIT_A)
    assert code == 0, err  # its own code is fine

    set_profile(db, admin, "82")  # now a province database
    for unit, words in ((None, "--unit"), ("99999", "99999"), ("00004", "00004")):  # unknown; Hà Nội's commune
        args = ["export", "--period", "2025", "--out", tmp_path / "p.zip"] + (["--unit", unit] if unit else [])
        code, _out, err = cli(*args)
        assert code == 2 and len(err.strip().splitlines()) == 1 and words in err, (unit, err)
    assert not list(tmp_path.glob("p.zip*"))


# --- import fast paths -------------------------------------------------------------------------------------

def test_package_partly_known_already(any_db, tmp_path, admin):
    """A quarter first, then the whole year of the same commune: only the other records are new."""
    a = commune(tmp_path, "a", UNIT_A, admin, 400, 3)
    try:
        set_profile(any_db, admin, "82")
        enrol(any_db, a, tmp_path)
        q1 = export_package(a, admin, parse_period("2025-Q1"), tmp_path / "q1.zip")
        year = export_package(a, admin, PERIOD, tmp_path / "year.zip")
        assert 0 < q1.records < year.records == 400
        assert import_package(any_db, admin, q1.path).new == q1.records
        result = import_package(any_db, admin, year.path)
        assert (result.new, result.present, result.conflicts) == (400 - q1.records, q1.records, 0)
        assert record_count(any_db) == 400
        assert counts(counting.compute(any_db, PERIOD, UNIT_A)) == counts(counting.compute(a, PERIOD))
        with any_db.session() as s:
            assert s.scalar(select(func.count()).select_from(ServiceRecord).where(
                ServiceRecord.origin.like("import:%"))) == 400
    finally:
        a.dispose()


def _rewrite_first_row(src: Path, dst: Path, fn, key: bytes) -> Path:
    """SRC with its first row edited by FN, re-hashed and signed again with KEY (the commune's own)."""
    with zipfile.ZipFile(src) as zf:
        files = {n: zf.read(n) for n in zf.namelist() if n != pkg.SIGNATURE}
    rows = list(csv.reader(io.StringIO(files[pkg.RECORDS].decode("utf-8-sig"))))
    rows[1] = fn(rows[1])
    buf = io.StringIO()
    buf.write("\ufeff")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    files[pkg.RECORDS] = buf.getvalue().encode("utf-8")
    manifest = json.loads(files[pkg.MANIFEST])
    manifest["files"] = {n: hashlib.sha256(d).hexdigest() for n, d in files.items() if n != pkg.MANIFEST}
    files[pkg.MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return resign(dst, key)


@pytest.mark.parametrize(("name", "edit", "words"), [
    ("arabic_digit_count", lambda r: [*r[:7], "\u0661", *r[8:]], "không phải số nguyên"),
    ("uuid_with_newline", lambda r: [r[0] + "\n", *r[1:]], "không phải mã UUID"),
    ("time_with_newline", lambda r: [*r[:2], r[2] + "\n", *r[3:]], "không đọc được"),
])
def test_odd_fields_are_refused_by_line(db, admin, tmp_path, name, edit, words):
    src = commune(tmp_path, "src", UNIT_A, admin, 30, 6)
    good = export_package(src, admin, PERIOD, tmp_path / "good.zip").path
    key, enrolment = private_bytes(src), enrolment_file(src, tmp_path)
    src.dispose()
    set_profile(db, admin, "82")
    enrol_file(db, enrolment)
    bad = _rewrite_first_row(good, tmp_path / f"{name}.zip", edit, key)
    with pytest.raises(UserError, match=words) as info:
        import_package(db, admin, bad)
    assert "dòng 2" in info.value.message and "\n" not in info.value.message  # one line
    assert record_count(db) == 0


# --- the team sheet of tally.xlsx, counted from the exported rows ------------------------------------------

def team_sheet(path: Path) -> dict[str, int]:
    import openpyxl

    with zipfile.ZipFile(path) as zf:
        wb = openpyxl.load_workbook(io.BytesIO(zf.read(pkg.TALLY)))
    ws = wb.worksheets[-1]
    return {r[0]: r[1] for r in ws.iter_rows(min_row=2, values_only=True) if r[0] and isinstance(r[1], int)}


def expected_teams(db) -> dict[str, int]:
    from dxdesk.db.models import RecordService, Team, Volunteer

    with db.session() as s:
        rows = s.execute(
            select(Team.name, func.sum(RecordService.count)).join(Volunteer, Volunteer.team_id == Team.id)
            .join(ServiceRecord, ServiceRecord.volunteer_id == Volunteer.id)
            .join(RecordService, RecordService.record_id == ServiceRecord.id)
            .where(ServiceRecord.voided.is_(False)).group_by(Team.name)).all()
    return {name: int(n) for name, n in rows}


def test_team_sheet_counts_the_exported_rows(db, admin, tmp_path):
    from sqlalchemy import update

    from dxdesk.counter.records import void_record
    from dxdesk.db.models import Volunteer

    set_profile(db, admin, "82", unit_code=UNIT_A)
    demo.fill(db, admin, records=300, seed=8, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    with db.session() as s:
        first = s.scalar(select(ServiceRecord.uuid).where(ServiceRecord.volunteer_id.is_not(None)).limit(1))
    void_record(db, admin, first, "nhập nhầm")
    expected = expected_teams(db)
    assert len(expected) >= 2 and sum(expected.values()) > 0
    assert team_sheet(export_package(db, admin, PERIOD, tmp_path / "a.zip").path) == expected
    # two volunteers with one pseudonym (never made by the app): the sheet is still right
    with db.write() as s:
        ids = s.scalars(select(Volunteer.id).order_by(Volunteer.id).limit(2)).all()
        s.execute(update(Volunteer).where(Volunteer.id.in_(ids)).values(pseudonym="TNV-X"))
    assert team_sheet(export_package(db, admin, PERIOD, tmp_path / "b.zip").path) == expected
