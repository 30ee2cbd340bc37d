"""The tally engine and the official tally report on the seed article's figures (SQLite and PostgreSQL):
stats --json percentages, the PDF's text (pdftotext) with the Quốc hiệu and Tiêu ngữ exactly, Vietnamese
numbers, page numbers from page 2, table headers repeated, the Word copy, the Zalo card, the number register."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from sqlalchemy import select

from dxdesk import counting
from dxdesk.counter.records import NewRecord, log_record, void_record
from dxdesk.counting.targets import set_target
from dxdesk.db.models import AuditEvent, ReportNumber
from dxdesk.errors import UserError
from dxdesk.periods import parse_period
from dxdesk.reporting import numbers as reportnumbers
from dxdesk.reporting import tally_report
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile
from dxdesk.vnformat import fmt_int

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
ARTICLE = {"province_app": 6800, "ewallet": 4292, "shop_epay": 739, "ecom_product": 189, "dvc_account": 21438,
           "dvc_payment": 4659, "vneid": 46189, "health_app": 4500, "vssid": 3803, "sim_owner": 2000}
TARGETS = {"APP_PROVINCE": 4802, "EWALLET": 3000, "SHOP_EPAY": 480, "ECOM_PRODUCT": 360}
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")


def _log(db, actor, services, n=1, when=dt.datetime(2023, 6, 5, 9, 30), channel="counter", unit_code=None,
         volunteer_id=None):
    return log_record(db, actor, NewRecord(services=services, occurred_at=when, count=n, is_campaign=n > 1,
                                           channel=channel, volunteer_id=volunteer_id), unit_code=unit_code)


def _article(db, actor):
    set_profile(db, actor, "82", unit_code="28261")
    year = parse_period("2023")
    for code, value in TARGETS.items():
        set_target(db, actor, code, value, year)
    for i, (service, n) in enumerate(ARTICLE.items()):
        while n:
            chunk = min(n, 40_000)
            _log(db, actor, [service], chunk, dt.datetime(2023, 1 + i, 10, 8, 0), channel="outreach")
            n -= chunk


def _pdftext(pdf: bytes, tmp_path, *extra) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", *extra, str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_article_stats_json(any_db, admin, cli):
    _article(any_db, admin)
    code, out, err = cli("stats", "--period", "2023", "--json", db_url=None if any_db.is_sqlite else any_db.url)
    assert code == 0, err
    data = json.loads(out)
    by_code = {i["code"]: i for i in data["indicators"]}
    assert [by_code[c]["percent"] for c in TARGETS] == [141.6, 143.1, 154.0, 52.5]
    assert by_code["APP_PROVINCE"]["count"] == 6800 and by_code["APP_PROVINCE"]["target"] == 4802
    assert by_code["OTHER_APPS"]["count"] == 10303 and by_code["OTHER_APPS"]["percent"] is None
    assert by_code["VNEID"]["count"] == 46189


@needs_pdftotext
def test_article_pdf_text(any_db, admin, tmp_path):
    from dxdesk.reports import tally_pdf

    _article(any_db, admin)
    number = reportnumbers.reserve(any_db, "BC-TCNSCĐ", 2026).text()
    report = tally_report.build(any_db, admin, parse_period("2023"), day=dt.date(2026, 2, 5), number_text=number)
    pdf = tally_pdf.render(report)
    text = _pdftext(pdf, tmp_path)
    for expected in ("6.800", "141,6 %", "143,1 %", "154 %", "52,5 %", "4.292", "21.438", "46.189", "10.303"):
        assert expected in text, expected
    # people are people: the 739 shops and 189 products are said apart, never added to the citizens
    citizens = sum(n for code, n in ARTICLE.items() if code not in ("shop_epay", "ecom_product"))
    flat = " ".join(text.split())
    assert f"Trong kỳ, Tổ đã hỗ trợ {fmt_int(citizens)} lượt người dân" in flat
    assert "hỗ trợ 739 cửa hàng, dịch vụ sử dụng thanh toán điện tử" in flat
    assert "đưa 189 sản phẩm lên sàn thương mại điện tử" in flat
    assert fmt_int(citizens + 739 + 189) not in flat
    assert "154,0" not in text
    assert QUOC_HIEU in text.splitlines() and TIEU_NGU in text.splitlines()
    assert "Mỹ Tho, ngày 05 tháng 02 năm 2026" in text
    assert "Số: 1/BC-TCNSCĐ" in text
    assert "BÁO CÁO" in text and "Nơi nhận:" in text and "TỔ TRƯỞNG" in text
    assert "II. CÁC NHIỆM VỤ KHÁC" in text  # the indicators without a target, as the article lists them
    fonts = subprocess.run(["pdffonts", str(tmp_path / "r.pdf")], capture_output=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(" yes " in row for row in rows), fonts  # every font embedded
    assert all("LiberationSerif" in row for row in rows)


@needs_pdftotext
def test_page_numbers_from_page_two_and_repeated_table_header(db, admin, tmp_path):
    """A long report: page 1 carries no number, page 2 shows '2' at the top; a table running over a page
    repeats its header row."""
    from dxdesk.reports import tally_pdf

    set_profile(db, admin, "82", unit_code="28261")
    period = parse_period("2023")
    report = tally_report.prepare(db, period, day=dt.date(2026, 2, 5))
    rows = [counting.IndicatorRow(f"IND{i}", f"Chỉ tiêu thử số {i}", "lượt", True, 100 + i, 100 + i, 200, Decimal("50.0"))
            for i in range(70)]
    report.tally = counting.Tally(period, None, rows, [])
    pdf = tally_pdf.render(report)
    pages = [_pdftext(pdf, tmp_path, "-f", str(n), "-l", str(n), "-layout") for n in (1, 2, 3)]
    assert pages[0].strip().splitlines()[0].strip() != "1"
    assert pages[1].strip().splitlines()[0].strip() == "2"
    assert pages[2].strip().splitlines()[0].strip() == "3"
    assert "Lũy kế từ" in pages[1] and "Tỷ lệ đạt" in pages[1]  # header repeated on page 2
    assert QUOC_HIEU not in pages[1]


def test_exact_percent_void_campaign_and_multi_service(any_db, admin):
    set_profile(any_db, admin, "82", unit_code="28261")
    year = parse_period("2024")
    set_target(any_db, admin, "APP_PROVINCE", 2000, year)
    _log(any_db, admin, ["province_app"], 2000, dt.datetime(2024, 3, 1, 9))
    _log(any_db, admin, ["province_app"], 1, dt.datetime(2024, 3, 2, 9))
    voided = _log(any_db, admin, ["province_app"], 5, dt.datetime(2024, 3, 3, 9))
    void_record(any_db, admin, voided, "Nhập nhầm")
    _log(any_db, admin, ["vssid", "health_app"], 1, dt.datetime(2024, 3, 4, 9))  # one visit, two apps
    t = counting.compute(any_db, year)
    rows = {r.code: r for r in t.indicators}
    assert rows["APP_PROVINCE"].count == 2001
    assert rows["APP_PROVINCE"].percent == Decimal("100.1")  # float rounding would say 100.0
    assert rows["OTHER_APPS"].count == 2
    assert [r.code for r in t.other_tasks if r.code == "OTHER_APPS"] == ["OTHER_APPS"]


def test_target_belongs_to_its_period_and_cumulative(any_db, admin):
    set_profile(any_db, admin, "82", unit_code="28261")
    set_target(any_db, admin, "EWALLET", 100, parse_period("2024-Q1"))
    _log(any_db, admin, ["ewallet"], 30, dt.datetime(2024, 1, 15, 9))
    _log(any_db, admin, ["ewallet"], 20, dt.datetime(2024, 3, 15, 9))
    _log(any_db, admin, ["ewallet"], 7, dt.datetime(2023, 12, 30, 9))  # last year: never cumulative
    q1 = {r.code: r for r in counting.compute(any_db, parse_period("2024-Q1")).indicators}["EWALLET"]
    assert (q1.count, q1.target, q1.percent) == (50, 100, Decimal("50.0"))
    march = {r.code: r for r in counting.compute(any_db, parse_period("2024-03")).indicators}["EWALLET"]
    assert (march.count, march.cumulative, march.target) == (20, 50, None)  # the quarter's target is not March's
    year = {r.code: r for r in counting.compute(any_db, parse_period("2024")).indicators}["EWALLET"]
    assert year.target is None and year.count == 50


def test_province_database_sums_units_unless_one_given(any_db, admin):
    set_profile(any_db, admin, "82")  # province level: no unit code
    _log(any_db, admin, ["vneid"], 10, unit_code="28261")
    _log(any_db, admin, ["vneid"], 4, unit_code="28270")
    period = parse_period("2023")
    all_units = {r.code: r.count for r in counting.compute(any_db, period).indicators}
    one = {r.code: r.count for r in counting.compute(any_db, period, "28270").indicators}
    assert all_units["VNEID"] == 14 and one["VNEID"] == 4
    assert counting.breakdown(any_db, period).citizens_total == 14
    assert counting.breakdown(any_db, period, "28261").citizens_total == 10


def test_breakdown_channels_weekday_hours_iso_weeks(any_db, admin):
    set_profile(any_db, admin, "82", unit_code="28261")
    # 29/12/2025 (Monday) and 01/01/2026 (Thursday) are both in ISO week 2026-W01.
    _log(any_db, admin, ["vneid", "dvc_account"], 1, dt.datetime(2025, 12, 29, 8, 15))
    _log(any_db, admin, ["vneid"], 1, dt.datetime(2025, 12, 29, 8, 45))
    _log(any_db, admin, ["vneid"], 1, dt.datetime(2026, 1, 1, 14, 5), channel="home")
    _log(any_db, admin, ["ewallet"], 6, dt.datetime(2026, 1, 5, 9, 0), channel="outreach")
    # six shops set up for e-payment at the market: services given, but no citizens served
    _log(any_db, admin, ["shop_epay"], 6, dt.datetime(2026, 1, 5, 10, 0), channel="outreach")
    b = counting.breakdown(any_db, parse_period("2025-12-01..2026-01-31"))
    assert b.by_channel == {"counter": 2, "outreach": 6, "home": 1}
    assert b.citizens_total == 9
    assert b.services_by_week == [("2026-W01", dt.date(2025, 12, 29), 4), ("2026-W02", dt.date(2026, 1, 5), 12)]
    assert b.busiest_hours(weekday=0) == [(0, 9, 6), (0, 8, 2)]  # Mondays: 09:00 then 08:00 (no shop at 10:00)
    assert b.by_weekday_hour[(3, 14)] == 1
    assert counting.iso_week_key(dt.date(2027, 1, 1)) == "2026-W53"


def test_breakdown_by_volunteer(db, admin):
    from dxdesk.volunteers.members import add_volunteer

    set_profile(db, admin, "82", unit_code="28261")
    lan = add_volunteer(db, admin, "Nguyễn Thị Lan")
    lan_id = lan if isinstance(lan, int) else lan.id
    _log(db, admin, ["vneid"], 3, volunteer_id=lan_id)
    _log(db, admin, ["vneid"], 1)
    rows = counting.breakdown(db, parse_period("2023")).by_volunteer
    assert [(r.volunteer_id, r.citizens) for r in rows] == [(lan_id, 3), (None, 1)]
    assert rows[0].name == "Nguyễn Thị Lan" and rows[0].pseudonym


def test_report_numbers_never_repeat_within_a_year(any_db, admin):
    first = reportnumbers.issue(any_db, admin, "BC-TCNSCĐ", "Báo cáo tháng 1", "2026-01", year=2026)
    second = reportnumbers.issue(any_db, admin, "bc-tcnscđ", "Báo cáo tháng 2", "2026-02", year=2026)
    other_year = reportnumbers.issue(any_db, admin, "BC-TCNSCĐ", "Báo cáo năm", "2027", year=2027)
    assert (first.number, second.number, other_year.number) == (1, 2, 1)
    assert first.text() == "1/BC-TCNSCĐ" and first.text(doan=True) == "1-BC-TCNSCĐ"
    with pytest.raises(UserError, match="đã cấp"):
        reportnumbers.issue(any_db, admin, "BC-TCNSCĐ", "Trùng", "2026-03", year=2026, number=2)
    assert reportnumbers.next_number(any_db, "BC-TCNSCĐ", 2026) == 3
    with any_db.session() as s:
        assert len(s.scalars(select(ReportNumber).where(ReportNumber.year == 2026)).all()) == 2
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.action == "report.number")).all()
    assert len(actions) == 3
    with pytest.raises(UserError):
        reportnumbers.issue(any_db, Actor("tnv", "volunteer"), "BC-TCNSCĐ", "x", "2026-04", year=2026)
    with pytest.raises(UserError):
        reportnumbers.issue(any_db, admin, "BC TC", "x", "2026-04", year=2026)


def test_cli_report_tally(cli, db, admin, tmp_path):
    _article(db, admin)
    out = tmp_path / "bc.pdf"
    code, stdout, err = cli("report", "tally", "--period", "2023", "--out", out, "--date", "2026-02-05",
                            "--docx", tmp_path / "bc.docx")
    assert code == 0, err
    assert "1/BC-TCNSCĐ" in stdout and out.read_bytes().startswith(b"%PDF")
    code, stdout, err = cli("report", "tally", "--period", "2023", "--out", out)
    assert code == 0 and "2/BC-TCNSCĐ" in stdout
    code, stdout, err = cli("report", "tally", "--period", "2023", "--out", out, "--draft")
    assert code == 0
    assert reportnumbers.next_number(db, "BC-TCNSCĐ", dt.date.today().year) == 3  # the draft took no number
    from docx import Document

    doc = Document(io.BytesIO((tmp_path / "bc.docx").read_bytes()))
    words = "\n".join(p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs)
    words += "\n".join(p.text for p in doc.paragraphs)
    for expected in (QUOC_HIEU, TIEU_NGU, "Số: 1/BC-TCNSCĐ", "6.800", "141,6 %", "154 %", "52,5 %", "Nơi nhận:"):
        assert expected in words, expected
    assert doc.sections[0].left_margin.mm == pytest.approx(30, abs=0.1)
    assert doc.sections[0].different_first_page_header_footer


@pytest.mark.parametrize("args, message", [
    (["--period", "2023-13", "--out", "x.pdf"], "2024-Q1"),
    (["--period", "2023", "--out", "x.txt"], ".pdf"),
    (["--period", "2023", "--out", "/no/such/folder/x.pdf"], "không tồn tại"),
    (["--period", "2023", "--out", "x.pdf", "--difficulties", "CCCD 079123456789"], ""),
    (["--period", "2023", "--out", "x.pdf", "--draft", "--number", "4"], "--draft"),
])
def test_cli_report_tally_bad_input(cli, db, tmp_path, args, message):
    before = reportnumbers.next_number(db, "BC-TCNSCĐ", dt.date.today().year)
    args = [str(tmp_path / a) if a in ("x.pdf", "x.txt") else a for a in args]
    code, out, err = cli("report", "tally", *args)
    assert code == 2 and len(err.strip().splitlines()) == 1 and message in err
    assert "Traceback" not in err
    assert reportnumbers.next_number(db, "BC-TCNSCĐ", dt.date.today().year) == before
    assert not (tmp_path / "x.pdf").exists()


@needs_pdftotext
def test_youth_union_variant(db, admin, tmp_path):
    from dxdesk.reports import tally_pdf

    set_profile(db, admin, "82", unit_code="28261")
    number = reportnumbers.reserve(db, "BC/ĐTN", 2026, doan=True).text()
    report = tally_report.build(db, admin, parse_period("2023"), doan=True, day=dt.date(2026, 3, 15), number_text=number)
    text = _pdftext(tally_pdf.render(report), tmp_path)
    assert "ĐOÀN TNCS HỒ CHÍ MINH" in text and QUOC_HIEU not in text
    assert "BCH ĐOÀN PHƯỜNG MỸ THO" in text and "Số: 1-BC/ĐTN" in text
    assert "Mỹ Tho, ngày 15 tháng 3 năm 2026" in text


def test_report_settings_stored_and_checked(db, admin):
    from dxdesk.reporting import issuer as report_settings

    set_profile(db, admin, "82", unit_code="28261")
    value = report_settings.load(db)
    assert value.parent_agency == "UBND PHƯỜNG MỸ THO"
    value.signer_name = "Trần Văn Minh"
    value.recipients = ["Như trên", "Lưu: VT"]
    report_settings.save(db, admin, value)
    again = report_settings.load(db)
    assert again.signer_name == "Trần Văn Minh" and again.recipients == ["Như trên", "Lưu: VT"]
    value.signer_name = "CCCD 079123456789"
    with pytest.raises(UserError):
        report_settings.save(db, admin, value)
    assert report_settings.load(db).signer_name == "Trần Văn Minh"


def test_zalo_card(db, admin, tmp_path):
    from dxdesk.reports import zalo
    from PIL import Image

    _article(db, admin)
    t = counting.compute(db, parse_period("2023"))
    png = zalo.render(t, "Phường Mỹ Tho", dt.date(2026, 2, 5))
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.width == 1080 and 1000 < image.height < 3000
    # Not blank: the card has ink (dark text) and the green of targets reached.
    colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert any(c[1] == zalo.GOOD for c in colours) and any(sum(c[1]) < 150 for c in colours)


def test_word_copy_lays_out_like_the_pdf_in_libreoffice(db, admin, tmp_path, cli):
    """The .docx the clerk edits, rendered by a real word processor: Quốc hiệu on one line, figures in place."""
    _article(db, admin)
    docx = tmp_path / "bc.docx"
    assert cli("report", "tally", "--period", "2023", "--out", tmp_path / "bc.pdf", "--docx", docx)[0] == 0
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path / "lo-out"), str(docx)], check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "lo-out" / "bc.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    lines = [" ".join(line.split()) for line in text.splitlines()]
    assert any(QUOC_HIEU in line for line in lines), text[:600]
    assert any(TIEU_NGU in line for line in lines)
    assert any("141,6 %" in line and "6.800" in line for line in lines)


def test_busiest_hour_is_the_counters_not_a_sunday_campaign(any_db, admin):
    """Issue #18: a counter open Mondays and Fridays, a Sunday market outreach of 120 at 09:00."""
    set_profile(any_db, admin, "82", unit_code="28261")
    for minute in (5, 20, 40):  # Monday 30/11/2026 09:00–10:00: three citizens
        _log(any_db, admin, ["vneid"], 1, dt.datetime(2026, 11, 30, 9, minute))
    _log(any_db, admin, ["vneid"], 1, dt.datetime(2026, 11, 27, 14, 10))  # a Friday afternoon
    _log(any_db, admin, ["ewallet"], 120, dt.datetime(2026, 11, 29, 9, 0), channel="outreach")  # Sunday campaign
    b = counting.breakdown(any_db, parse_period("2026-11"))
    assert b.busiest_counter_hours(top=2) == [(0, 9, 3), (4, 14, 1)]  # Monday 09:00, then Friday 14:00
    assert all(wd in (0, 4) for wd, _h, _n in b.busiest_counter_hours(top=10))  # never Sunday
    assert b.counter_by_hour() == {9: 3, 14: 1}
    assert b.busiest_hours(top=1) == [(6, 9, 120)]  # all channels together, as before
