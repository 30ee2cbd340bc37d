"""The tally workbook opens in LibreOffice (headless conversion to CSV matches the tally), and names written
as formulas (=HYPERLINK…) come out inert in every exported CSV and XLSX cell."""

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from dxdesk import counting, demo
from dxdesk.counter.records import NewRecord, log_record
from dxdesk.counting.targets import set_target
from dxdesk.db.models import Team, UnitProfile, Volunteer
from dxdesk.exchange import package as pkg
from dxdesk.exchange.export import export_package
from dxdesk.periods import parse_period
from dxdesk.safe_cells import FORMULA_STARTS, safe_cell
from dxdesk.settings.profile import set_profile

PERIOD = parse_period("2025")
EVIL = '=HYPERLINK("http://example.invalid/x","Bấm vào đây")'


def test_safe_cell_rules():
    for bad in ("=1+1", "+84901", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(bad) == "'" + bad
    assert safe_cell("Phường Mỹ Tho") == "Phường Mỹ Tho"
    assert safe_cell(-5) == -5 and safe_cell(None) is None


@pytest.fixture
def hostile_export(db, admin, tmp_path):
    set_profile(db, admin, "82", unit_code="28249")
    demo.fill(db, admin, records=200, seed=7, start=dt.date(2025, 4, 1), end=dt.date(2025, 4, 30))
    log_record(db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 4, 2, 9, 0),
                                    note="+84 ghi chú", place="-chợ"))
    set_target(db, admin, "VNEID", 1000, PERIOD)
    with db.write() as s:
        s.execute(update(Team).values(name=EVIL))
        s.execute(update(UnitProfile).values(unit_name=EVIL))
        s.execute(update(Volunteer).where(Volunteer.id == 1).values(pseudonym="@TNV", name="=cmd|' /C calc'!A0"))
    out = export_package(db, admin, PERIOD, tmp_path / "p.zip", with_personal_data=True)
    return db, out.path


def all_csv_cells(data: bytes):
    text = data.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_no_exported_cell_starts_a_formula(hostile_export):
    _db, path = hostile_export
    with zipfile.ZipFile(path) as zf:
        csv_cells = all_csv_cells(zf.read(pkg.RECORDS)) + all_csv_cells(zf.read(pkg.PERSONAL))
        workbook = load_workbook(io.BytesIO(zf.read(pkg.TALLY)))
    assert "'@TNV" in csv_cells and "'=cmd|' /C calc'!A0" in csv_cells and "'+84 ghi chú" in csv_cells
    assert not [c for c in csv_cells if c.startswith(FORMULA_STARTS)]
    xlsx_cells = [cell for ws in workbook for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert [c for c in xlsx_cells if c.data_type == "f"] == []
    texts = [c.value for c in xlsx_cells if isinstance(c.value, str)]
    assert "'" + EVIL in texts  # the team sheet shows the name as typed, inert
    assert any(EVIL in t for t in texts)  # the unit name inside the title line
    assert not [t for t in texts if t.startswith(FORMULA_STARTS)]
    vneid = next(r for r in workbook["Chỉ tiêu"].iter_rows(values_only=True) if r[0] == "VNEID")
    expected = next(r.count for r in counting.compute(_db, PERIOD).indicators if r.code == "VNEID")
    assert vneid[3:5] == (expected, 1000) and abs(vneid[5] - expected / 1000) < 0.001


@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice not installed")
def test_libreoffice_reads_the_workbook_and_it_matches_the_tally(hostile_export, tmp_path):
    db, path = hostile_export
    xlsx = tmp_path / "tally.xlsx"
    with zipfile.ZipFile(path) as zf:
        xlsx.write_bytes(zf.read(pkg.TALLY))
    outdir = tmp_path / "csv"
    env = {**os.environ, "HOME": str(tmp_path)}  # a private LibreOffice profile
    # 44=comma, 34=quote, 76=UTF-8, -1 = every sheet into its own file
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
                    'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
                    "--outdir", str(outdir), str(xlsx)], check=True, capture_output=True, env=env, timeout=180)
    sheets = {p.stem.removeprefix("tally-"): p.read_text(encoding="utf-8") for p in outdir.glob("*.csv")}
    assert set(sheets) == {"Thông tin", "Tổng hợp", "Chỉ tiêu", "Dịch vụ", "Theo kênh, tình nguyện viên",
                           "Độ tuổi, giới tính", "Tổ, đội"}, sorted(sheets)
    cells = {name: list(csv.reader(io.StringIO(text))) for name, text in sheets.items()}
    indicators = cells["Chỉ tiêu"]
    assert indicators[0] == ["Mã", "Chỉ tiêu", "Đơn vị tính", "Số lượng", "Giao", "Đạt"]
    expected = {r.code: r.count for r in counting.compute(db, PERIOD).indicators}
    seen = {row[0]: int(row[3].replace(",", "").replace(".", "")) for row in indicators[1:]}
    assert seen == expected and sum(seen.values()) > 0
    every = [c for rows in cells.values() for row in rows for c in row]
    assert not [c for c in every if c.startswith(FORMULA_STARTS)]
    assert "'" + EVIL in every and "Tỉnh Đồng Tháp" in cells["Thông tin"][0][0]
