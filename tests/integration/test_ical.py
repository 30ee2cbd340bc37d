"""The .ics export parsed back with the icalendar package: right events, stable UIDs, one volunteer's view."""

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar

from dxdesk.shifts import ical, planning
from dxdesk.volunteers import members as roster

D = dt.date
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _events(path):
    cal = Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_ics_events_uids_and_volunteer_filter(any_db, admin, tmp_path):
    planning.plan(any_db, admin, D(2024, 2, 1), D(2024, 2, 29))
    a = roster.add_volunteer(any_db, admin, "Nguyễn Thị Ánh", skills="vneid")
    b = roster.add_volunteer(any_db, admin, "Trần Văn Đức")
    shifts = planning.list_shifts(any_db, D(2024, 2, 1), D(2024, 2, 29))
    planning.assign(any_db, admin, shifts[0].id, a)
    planning.assign(any_db, admin, shifts[0].id, b)
    planning.assign(any_db, admin, shifts[3].id, b)
    out = tmp_path / "all.ics"
    assert ical.export_ics(any_db, D(2024, 2, 1), D(2024, 2, 29), out) == len(shifts) == 12
    events = _events(out)
    assert len(events) == 12
    first = events[ical.shift_uid(shifts[0].id, "local")]
    assert first.decoded("DTSTART") == dt.datetime(2024, 2, 2, 7, 30, tzinfo=VN)
    assert first.decoded("DTEND") == dt.datetime(2024, 2, 2, 11, 30, tzinfo=VN)
    assert "Nguyễn Thị Ánh" in str(first["SUMMARY"]) and "Trần Văn Đức" in str(first["DESCRIPTION"])
    assert {e.decoded("DTSTART").date() for e in events.values()}.isdisjoint({D(2024, 2, 9), D(2024, 2, 12)})
    # one volunteer's calendar: only her shifts, same UIDs
    mine = tmp_path / "b.ics"
    ical.export_ics(any_db, D(2024, 2, 1), D(2024, 2, 29), mine, volunteer_id=b)
    assert set(_events(mine)) == {ical.shift_uid(shifts[0].id, "local"), ical.shift_uid(shifts[3].id, "local")}
    # a change and a re-export: same UIDs, higher SEQUENCE, cancelled shows as CANCELLED
    planning.cancel_shift(any_db, admin, shifts[3].id, "Mất điện")
    again = tmp_path / "again.ics"
    ical.export_ics(any_db, D(2024, 2, 1), D(2024, 2, 29), again)
    events2 = _events(again)
    assert set(events2) == set(events)
    uid3 = ical.shift_uid(shifts[3].id, "local")
    assert str(events2[uid3]["STATUS"]) == "CANCELLED" and events2[uid3]["SEQUENCE"] > events[uid3]["SEQUENCE"]


def test_ics_cli_and_bad_volunteer(cli, tmp_path):
    assert cli("shifts", "plan", "--from", "2024-09-01", "--to", "2024-09-30")[0] == 0
    code, out, err = cli("shifts", "ics", "--from", "2024-09-01", "--to", "2024-09-30", "--out", tmp_path / "s.ics")
    assert code == 0, err
    assert len(_events(tmp_path / "s.ics")) == 16  # 9 Mon/Fri minus Quốc khánh Mon 2/9 = 8 days x 2
    code, out, err = cli("shifts", "ics", "--from", "2024-09-01", "--to", "2024-09-30", "--out", tmp_path / "x.ics",
                         "--volunteer", 99)
    assert code == 2 and len(err.strip().splitlines()) == 1 and not (tmp_path / "x.ics").exists()
