"""The month roster PDF and the hours PDF: rendered, text with Vietnamese diacritics, fonts embedded."""

import datetime as dt
import subprocess
import unicodedata

from dxdesk.shifts import attendance, planning
from dxdesk.volunteers import members as roster

D = dt.date


def _text(path):
    return unicodedata.normalize("NFC", subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                                                      text=True, check=True).stdout)


def _setup(cli, db_admin=None):
    assert cli("init", "--province-code", "82", "--province", "Đồng Tháp", "--unit-code", "28261",
               "--unit", "Phường Mỹ Tho")[0] == 0
    for name, days, skills in (("Nguyễn Thị Ánh", "mon,fri", "vneid"), ("Trần Văn Đức", "", "ewallet"),
                               ("Lê Hoàng Yến", "mon", "vneid"), ("Phạm Quốc Hưng", "fri", "vssid")):
        assert cli("volunteer", "add", name, "--weekdays", days, "--skills", skills)[0] == 0
    assert cli("shifts", "plan", "--from", "2024-02-01", "--to", "2024-02-29")[0] == 0
    assert cli("shifts", "auto-assign", "--from", "2024-02-01", "--to", "2024-02-29")[0] == 0


def test_roster_pdf_names_holidays_fonts(cli, tmp_path):
    _setup(cli)
    out = tmp_path / "roster.pdf"
    code, _o, err = cli("report", "roster", "--period", "2024-02", "--out", out)
    assert code == 0, err
    text = _text(out)
    for needle in ("Nguyễn Thị Ánh", "Trần Văn Đức", "Lê Hoàng Yến", "Phạm Quốc Hưng", "PHƯỜNG MỸ THO",
                   "Giao thừa Tết Nguyên Đán", "Mùng ba Tết Nguyên Đán", "07:30–11:30", "16/02/2024"):
        assert needle in text, needle
    assert "09/02/2024" in text and "12/02/2024" in text  # the Tết days are listed as days off
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    assert "DxSerif" in fonts or "LiberationSerif" in fonts
    assert all(line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip())  # embedded
    png = tmp_path / "roster"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(out), str(png)], check=True)
    assert (tmp_path / "roster-1.png").stat().st_size > 10_000


def test_hours_pdf(cli, tmp_path, home):
    _setup(cli)
    from dxdesk.database import open_database
    from dxdesk.security.actor import cli_actor

    db = open_database(None, home)
    shift = planning.list_shifts(db, D(2024, 2, 2), D(2024, 2, 2))[0]
    who = shift.assigned[0]
    attendance.check_in(db, cli_actor(), shift.id, who.volunteer_id, at=dt.datetime(2024, 2, 2, 7, 30))
    attendance.check_out(db, cli_actor(), shift.id, who.volunteer_id, at=dt.datetime(2024, 2, 2, 10, 0))
    assert roster.get_volunteer(db, who.volunteer_id)
    db.dispose()
    out = tmp_path / "hours.pdf"
    code, _o, err = cli("report", "hours", "--period", "2024-02", "--out", out)
    assert code == 0, err
    text = _text(out)
    assert "Phạm Quốc Hưng" in text and who.name in text and "2,5" in text
    code, _o, err = cli("report", "hours", "--period", "2024-13", "--out", out)
    assert code == 2 and len(err.strip().splitlines()) == 1
