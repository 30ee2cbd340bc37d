"""An official document is Vietnamese whatever the UI language; the Vietnamese --help is Vietnamese throughout
(issue #18 item 12)."""

import datetime as dt
import shutil
import subprocess

import pytest

from dxdesk.i18n import _, language, set_language, vietnamese
from dxdesk.periods import parse_period
from dxdesk.settings.profile import set_profile

needs_pdftotext = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils")


def _text(pdf: bytes, tmp_path, name="r") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split())


@needs_pdftotext
def test_english_ui_prints_the_vietnamese_report_and_roster(db, admin, tmp_path):
    from dxdesk.reports import roster, tally_docx, tally_pdf

    from dxdesk.reporting import tally_report
    from dxdesk.shifts import sheets as schedule_sheets

    set_profile(db, admin, "82", unit_code="28261")
    set_language("en")
    try:
        report = tally_report.prepare(db, parse_period("2026-11"), day=dt.date(2026, 12, 3))
        text = _text(tally_pdf.render(report), tmp_path)
        assert "ngày 03 tháng 12 năm 2026" in text and "day 03 month 12" not in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "BÁO CÁO" in text
        docx = tally_docx.render(report)
        assert b"PK" == docx[:2]
        hours = _text(roster.hours_pdf(schedule_sheets.hours_sheet(db, admin, parse_period("2026-11"))), tmp_path, "h")
        assert "Giờ đã xác nhận" in hours or "GIỜ" in hours.upper()
        assert "Volunteer hours" not in hours and "Hours confirmed" not in hours
        assert language() == "en" and _("Cancel") == "Cancel"  # the screen stays English
    finally:
        set_language("vi")


def test_vietnamese_block_is_per_thread_and_restores():
    import threading

    set_language("en")
    try:
        seen = {}
        with vietnamese():
            seen["inside"] = (language(), _("Cancel"))
            worker = threading.Thread(target=lambda: seen.setdefault("other thread", (language(), _("Cancel"))))
            worker.start()
            worker.join()
        seen["after"] = (language(), _("Cancel"))
        assert seen == {"inside": ("vi", "Hủy"), "other thread": ("en", "Cancel"), "after": ("en", "Cancel")}
    finally:
        set_language("vi")


def test_vietnamese_help_has_no_english_left(capsys, home):
    from dxdesk.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["--home", str(home.home), "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "show program's version number" not in out and "hiện số phiên bản rồi thoát" in out
    assert "usage:" not in out and "options:" not in out and "positional arguments" not in out
