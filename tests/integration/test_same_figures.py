"""One period, the same figures everywhere a user reads them (SQLite and PostgreSQL): the counter's progress,
`stats --json`, the dashboard's summary line, the report PDF (pdftotext), the Word copy (python-docx) and the
package's tally.xlsx (openpyxl) — each read back from what the user gets, then compared with figures worked out
by hand from what was logged. And the report numbers: a failed run takes no number; the register lists them."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from openpyxl import load_workbook

from dxdesk import clock
from dxdesk.counter.records import NewRecord, log_record, void_record
from dxdesk.counting.progress import today_progress
from dxdesk.counting.targets import set_target
from dxdesk.exchange import package as pkg
from dxdesk.periods import month_period
from dxdesk.reporting import numbers as reportnumbers
from dxdesk.settings.profile import set_profile
from dxdesk.vnformat import fmt_percent

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")


def _fill(db, admin):
    """This month: 7 citizens for the province app (one of them also VNeID), a campaign of 30 e-wallets,
    12 shops and 5 products (shop-only / product-only entries), one voided entry."""
    set_profile(db, admin, "82", unit_code="28261")
    today = clock.today()
    period = month_period(today.year, today.month)
    set_target(db, admin, "APP_PROVINCE", 20, period)
    set_target(db, admin, "SHOP_EPAY", 24, period)
    when = dt.datetime.combine(period.start, dt.time(9, 0))
    for i in range(7):
        log_record(db, admin, NewRecord(services=["province_app", "vneid"] if i == 0 else ["province_app"],
                                        occurred_at=when + dt.timedelta(minutes=i), age_band="60+" if i < 2 else None,
                                        sex="F" if i < 3 else None))
    log_record(db, admin, NewRecord(services=["ewallet"], occurred_at=when, count=30, is_campaign=True,
                                    channel="outreach"))
    log_record(db, admin, NewRecord(services=["shop_epay"], occurred_at=when, count=12, is_campaign=True,
                                    channel="outreach"))
    log_record(db, admin, NewRecord(services=["ecom_product"], occurred_at=when, count=5, is_campaign=True))
    wrong = log_record(db, admin, NewRecord(services=["province_app"], occurred_at=when))
    void_record(db, admin, wrong, "nhập nhầm")
    return period


EXPECTED = {"APP_PROVINCE": 7, "VNEID": 1, "EWALLET": 30, "SHOP_EPAY": 12, "ECOM_PRODUCT": 5}
CITIZENS = 7 + 30  # people only: never the 12 shops or the 5 products
PERCENT = {"APP_PROVINCE": "35 %", "SHOP_EPAY": "50 %"}


@needs_pdftotext
def test_counter_stats_dashboard_pdf_word_and_package_say_the_same(any_db, admin, cli, tmp_path, qapp):
    period = _fill(any_db, admin)
    url = None if any_db.is_sqlite else any_db.url

    # the counter: each indicator against its current (this month's) target
    progress = {r.code: r for r in today_progress(any_db)}
    assert {c: progress[c].period_count for c in PERCENT} == {c: EXPECTED[c] for c in PERCENT}
    assert {c: fmt_percent(progress[c].percent) for c in PERCENT} == PERCENT
    assert progress["APP_PROVINCE"].target == 20 and progress["APP_PROVINCE"].period_label == period.label()

    # stats --json, as a script reads it
    code, out, err = cli("stats", "--period", period.key, "--json", db_url=url)
    assert code == 0, err
    data = json.loads(out)
    assert {i["code"]: i["count"] for i in data["indicators"] if i["code"] in EXPECTED} == EXPECTED
    assert (data["citizens"], data["shops"], data["products"]) == (CITIZENS, 12, 5)

    # the dashboard's one-line summary, as shown
    from dxdesk.ui.pages.reports.dashboard import Dashboard

    from dxdesk import counting

    board = Dashboard()
    board.show_data(counting.compute(any_db, period), counting.breakdown(any_db, period))
    line = board.summary.text()
    assert f"{CITIZENS} lượt người dân" in line and "12 cửa hàng" in line and "5 sản phẩm" in line, line

    # the PDF and the Word copy, made by the command a clerk runs
    pdf, docx = tmp_path / "bc.pdf", tmp_path / "bc.docx"
    code, out, err = cli("report", "tally", "--period", period.key, "--out", pdf, "--docx", docx, db_url=url)
    assert code == 0, err
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    from docx import Document

    doc = Document(io.BytesIO(docx.read_bytes()))
    word = " ".join(" ".join(p.text for p in doc.paragraphs).split())
    cells = [[c.text for c in row.cells] for table in doc.tables for row in table.rows]
    for source in (text, word):
        assert f"Trong kỳ, Tổ đã hỗ trợ {CITIZENS} lượt người dân" in source
        assert "hỗ trợ 12 cửa hàng, dịch vụ sử dụng thanh toán điện tử và đưa 5 sản phẩm" in source
    app_row = next(r for r in cells if "e-Đồng Tháp" in r[1])
    assert app_row[3:] == ["7", "7", "20", "35 %"], app_row
    shop_row = next(r for r in cells if r[1].startswith("Số cửa hàng"))
    assert shop_row[3:] == ["12", "12", "24", "50 %"], shop_row
    assert "7 7 20 35 %" in text and "12 12 24 50 %" in text  # this period, since 1 January, target, %

    # the package's tally.xlsx, opened as the province opens it
    out_zip = tmp_path / "p.zip"
    code, _out, err = cli("export", "--period", period.key, "--out", out_zip, db_url=url)
    assert code == 0, err
    with zipfile.ZipFile(out_zip) as zf:
        wb = load_workbook(io.BytesIO(zf.read(pkg.TALLY)), read_only=True)
    rows = list(wb["Chỉ tiêu"].iter_rows(min_row=2, values_only=True))
    assert {r[0]: r[3] for r in rows if r[0] in EXPECTED} == EXPECTED
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(min_row=2, values_only=True)}
    assert (summary["Lượt người dân được hỗ trợ"], summary["Cửa hàng, dịch vụ sử dụng thanh toán điện tử"],
            summary["Sản phẩm đưa lên sàn thương mại điện tử"]) == (CITIZENS, 12, 5)
    people = {(r[0], r[1]): r[2] for r in wb["Độ tuổi, giới tính"].iter_rows(min_row=2, values_only=True)}
    assert people[("Độ tuổi", "Từ 60 trở lên")] == 2 and people[("Giới tính", "Nữ")] == 3
    assert sum(n for (split, _g), n in people.items() if split == "Độ tuổi") == CITIZENS
    wb.close()


def test_report_numbers_taken_only_when_the_document_is_written(any_db, admin, cli, tmp_path, monkeypatch):
    set_profile(any_db, admin, "82", unit_code="28261")
    url = None if any_db.is_sqlite else any_db.url
    year = clock.today().year
    from dxdesk.reports import tally_docx

    def broken(_report):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tally_docx, "render", broken)
    code, _out, err = cli("report", "tally", "--period", str(year), "--out", tmp_path / "a.pdf", "--docx",
                          tmp_path / "a.docx", db_url=url)
    assert code == 2 and "No space left" in err
    assert not list(tmp_path.glob("a.*"))  # neither the PDF nor a '.part' is left
    assert reportnumbers.list_numbers(any_db, year) == []  # and no number was taken: no gap
    monkeypatch.undo()
    code, out, err = cli("report", "tally", "--period", str(year), "--out", tmp_path / "b.pdf", db_url=url)
    assert code == 0 and "1/BC-TCNSCĐ" in out, err
    # another report takes number 2 while a third is being written: the third gets 3, never a duplicate
    reservation = reportnumbers.reserve(any_db, "BC-TCNSCĐ", year)
    assert reservation.number == 2
    reportnumbers.issue(any_db, admin, "BC-TCNSCĐ", "Báo cáo khác", "x", year=year)
    issued = reportnumbers.write_numbered(any_db, admin, reservation, "Báo cáo thứ ba", str(year),
                                          [(tmp_path / "c.txt", lambda text: text.encode())])
    assert issued.number == 3 and (tmp_path / "c.txt").read_text() == "3/BC-TCNSCĐ"
    code, out, err = cli("report", "numbers", db_url=url)
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == ["1/BC-TCNSCĐ", "2/BC-TCNSCĐ",
                                                                             "3/BC-TCNSCĐ"]
