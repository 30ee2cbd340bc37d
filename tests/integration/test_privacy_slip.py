"""The printed consent slip and the recovery-code sheet: Vietnamese text with diacritics, embedded fonts only."""

import datetime as dt
import subprocess

from dxdesk.reports.consent_slip import consent_slip_for, recovery_sheet_pdf

from dxdesk.security import privacy
from dxdesk.security.privacy import consent_slip
from dxdesk.settings import profile


def _text(pdf: bytes, tmp_path) -> tuple[str, str]:
    path = tmp_path / "x.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


def test_consent_slip(db, admin, tmp_path):
    profile.set_profile(db, admin, "82", unit_code="28261")
    privacy.set_retention_days(db, admin, 60)
    text, fonts = _text(consent_slip_for(consent_slip(db)), tmp_path)
    assert text.count("PHIẾU ĐỒNG Ý XỬ LÝ DỮ LIỆU CÁ NHÂN") == 2
    assert "cộng 60 ngày" in text and "91/2025/QH15" in text and "356/2025/NĐ-CP" in text
    assert "không ghi số CCCD" in text
    assert "Liên 1: người dân giữ" in text and "Liên 2: lưu tại quầy" in text
    assert "Helvetica" not in fonts and "Times" not in fonts
    expected = privacy.purge_date(dt.date.today(), 60) - dt.timedelta(days=1)
    assert expected.strftime("%d/%m/%Y") in text


def test_recovery_sheet(tmp_path):
    code = "-".join(["ABCD"] * 14)
    text, fonts = _text(recovery_sheet_pdf(code, "SQLite: dxdesk.sqlite3", dt.date(2026, 3, 2)), tmp_path)
    assert text.count("ABCD") == 14 and "02/03/2026" in text and "Nhập mã khôi phục" in text
    assert "Helvetica" not in fonts
