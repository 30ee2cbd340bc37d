"""The volunteer roster: add/edit/deactivate, no deletion with history, XLSX/CSV import with preview and
row-level errors; the `volunteer` CLI."""

import datetime as dt
import json

import openpyxl
import pytest
from sqlalchemy import func, select

from dxdesk.db.models import AuditEvent, Volunteer
from dxdesk.errors import UserError
from dxdesk.security.actor import Actor
from dxdesk.shifts import planning
from dxdesk.volunteers import members as roster


def count(db):
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(Volunteer))


def test_add_edit_deactivate(any_db, admin):
    vid = roster.add_volunteer(any_db, admin, "  Nguyễn  Thị Ánh ", phone="091 234 5678", role="deputy",
                               weekdays="T2, T6", skills="vneid,vssid", youth_union=True)
    row = roster.get_volunteer(any_db, vid)
    assert (row.name, row.phone, row.role, row.weekdays, row.skills, row.youth_union, row.pseudonym) == (
        "Nguyễn Thị Ánh", "0912345678", "deputy", "mon,fri", "vneid,vssid", True, "TNV-001")
    assert row.can_vneid
    roster.update_volunteer(any_db, admin, vid, weekdays="thứ hai", role="leader")
    assert roster.get_volunteer(any_db, vid).weekdays == "mon"
    roster.set_active(any_db, admin, vid, False)
    assert not roster.get_volunteer(any_db, vid).active
    with any_db.session() as s:
        details = [e.details for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "volunteer"))]
    assert details and all("Ánh" not in d and "0912345678" not in d for d in details)  # no personal data


@pytest.mark.parametrize("kwargs", [
    dict(name=""), dict(name="Ánh", phone="12345"), dict(name="Ánh", role="boss"), dict(name="Ánh", weekdays="thứ tám"),
    dict(name="Ánh", skills="flying"), dict(name="Nguyen 123"),
])
def test_bad_input_changes_nothing(any_db, admin, kwargs):
    with pytest.raises(UserError):
        roster.add_volunteer(any_db, admin, **kwargs)
    assert count(any_db) == 0


def test_no_delete_with_history(any_db, admin):
    keep = roster.add_volunteer(any_db, admin, "Trần Văn Đức")
    oops = roster.add_volunteer(any_db, admin, "Nhập Nhầm")
    planning.plan(any_db, admin, dt.date(2024, 3, 4), dt.date(2024, 3, 4))
    sid = planning.list_shifts(any_db, dt.date(2024, 3, 4), dt.date(2024, 3, 4))[0].id
    planning.assign(any_db, admin, sid, keep)
    with pytest.raises(UserError, match="Trần Văn Đức"):
        roster.delete_volunteer(any_db, admin, keep)
    roster.delete_volunteer(any_db, admin, oops)
    assert [r.id for r in roster.list_volunteers(any_db)] == [keep]
    with pytest.raises(UserError):
        roster.add_volunteer(any_db, Actor(username="tnv", role="volunteer"), "Ai Đó")


def _xlsx(path, rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG ẤP TÂN HÒA"])
    ws.append(["STT", "Họ và tên", "Số điện thoại", "Tổ", "Chức vụ", "Đoàn viên", "Kỹ năng", "Ngày trực"])
    for r in rows:
        ws.append(r)
    wb.save(path)


def test_import_xlsx_preview_errors_and_update(any_db, admin, tmp_path):
    path = tmp_path / "to.xlsx"
    _xlsx(path, [
        [1, "Lê Hoàng Yến", 912345678, "Tổ CNSCĐ ấp Tân Hòa", "Tổ trưởng", "x", "vneid", "T2, T6"],
        [2, "Phạm Minh Khôi", "0987 654 321", "Đội TNTN xã", "Thành viên", "", "ewallet;vssid", ""],
        [3, "Sai Số Điện Thoại", "12", "", "", "", "", ""],
        [4, "Sai Ngày", "", "", "", "", "", "thứ tám"],
        [5, "", "", "", "", "", "", ""],
        [6, "Sai Kỹ Năng", "", "", "Tổ phó", "", "bay", ""],
    ])
    preview = roster.preview_import(any_db, path)
    assert count(any_db) == 0  # the preview changes nothing
    assert [r.line for r in preview.valid] == [3, 4]
    bad = {r.line: " ".join(r.errors) for r in preview.invalid}
    assert set(bad) == {5, 6, 8} and "12" in bad[5] and "thứ tám" in bad[6] and "bay" in bad[8]
    counts = roster.apply_import(any_db, admin, preview)
    assert counts == {"added": 2, "updated": 0, "skipped": 3}
    rows = {r.name: r for r in roster.list_volunteers(any_db)}
    yen = rows["Lê Hoàng Yến"]
    assert (yen.phone, yen.role, yen.youth_union, yen.weekdays, yen.team) == (
        "0912345678", "leader", True, "mon,fri", "Tổ CNSCĐ ấp Tân Hòa")
    assert rows["Phạm Minh Khôi"].skills == "ewallet,vssid"
    assert {t.name: t.kind for t in roster.list_teams(any_db)} == {"Tổ CNSCĐ ấp Tân Hòa": "cnscd",
                                                                   "Đội TNTN xã": "cnscd"}
    # the same sheet again updates instead of duplicating
    again = roster.preview_import(any_db, path)
    assert {r.action for r in again.valid} == {"update"}
    assert roster.apply_import(any_db, admin, again)["added"] == 0 and count(any_db) == 2


def test_import_csv_semicolon_cp1258_free(any_db, admin, tmp_path):
    path = tmp_path / "ds.csv"
    path.write_text("Họ tên;SĐT;Ngày trực\nĐỗ Thị Lan;0903111222;thứ hai và thứ sáu\n", encoding="utf-8-sig")
    preview = roster.preview_import(any_db, path)
    assert not preview.invalid and preview.valid[0].values["_clean"]["weekdays"] == "mon,fri"
    with pytest.raises(UserError):
        roster.preview_import(any_db, tmp_path / "missing.xlsx")
    (tmp_path / "x.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UserError, match="Họ và tên"):
        roster.preview_import(any_db, tmp_path / "x.csv")


def test_volunteer_cli(cli):
    code, out, err = cli("volunteer", "add", "Nguyễn Thị Ánh", "--phone", "0912345678", "--role", "leader",
                         "--weekdays", "mon,fri")
    assert code == 0, err
    assert out.strip() == "1"
    code, out, err = cli("volunteer", "add", "Võ Văn Bình", "--phone", "12")
    assert code == 2 and len(err.strip().splitlines()) == 1
    code, out, err = cli("volunteer", "list", "--json")
    data = json.loads(out)
    assert [(v["id"], v["name"], v["role"], v["weekdays"]) for v in data] == [(1, "Nguyễn Thị Ánh", "leader",
                                                                               ["mon", "fri"])]
