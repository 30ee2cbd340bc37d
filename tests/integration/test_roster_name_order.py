"""One Vietnamese name order everywhere (given name first, D before Đ): the volunteer hours PDF lists people as
the Volunteers page and the schedule's side list do."""

import datetime as dt
import subprocess
import unicodedata

from dxdesk.reports.roster import hours_pdf

from dxdesk.periods import month_period
from dxdesk.shifts import planning
from dxdesk.shifts.sheets import hours_sheet
from dxdesk.volunteers import members as roster

D = dt.date
NAMES = ("Đặng Ngọc Trí", "Đỗ Minh Nhân", "Dương Ngọc Nhân", "Dương Đức Như", "Lê Văn Dũng", "Hồ Quốc Duy",
         "Đinh Văn Đức")
EXPECTED = ["Lê Văn Dũng", "Hồ Quốc Duy", "Đinh Văn Đức", "Dương Ngọc Nhân", "Đỗ Minh Nhân", "Dương Đức Như",
            "Đặng Ngọc Trí"]


def _people_with_shifts(db, admin) -> None:
    ids = [roster.add_volunteer(db, admin, n) for n in NAMES]
    planning.plan(db, admin, D(2024, 3, 1), D(2024, 3, 31))
    shifts = [s for s in planning.list_shifts(db, D(2024, 3, 1), D(2024, 3, 31)) if not s.cancelled]
    for vid, shift in zip(ids, shifts, strict=False):
        planning.assign(db, admin, shift.id, vid, force=True)


def test_volunteer_list_order(any_db, admin):
    for n in NAMES:
        roster.add_volunteer(any_db, admin, n)
    assert [r.name for r in roster.list_volunteers(any_db)] == EXPECTED


def test_hours_pdf_order(any_db, admin, tmp_path):
    _people_with_shifts(any_db, admin)
    out = tmp_path / "hours.pdf"
    out.write_bytes(hours_pdf(hours_sheet(any_db, admin, month_period(2024, 3))))
    text = unicodedata.normalize("NFC", subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True,
                                                       text=True, check=True).stdout)
    positions = [text.index(n) for n in EXPECTED]
    assert positions == sorted(positions), [n for _p, n in sorted(zip(positions, EXPECTED, strict=True))]
