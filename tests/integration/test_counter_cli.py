"""What the counter writes is what `stats` counts: voided entries never count; CCCD notes never stored."""

import json

from sqlalchemy import func, select

from dxdesk import clock
from dxdesk.counter.records import undo_record, void_record
from dxdesk.database import open_database
from dxdesk.db.models import ServiceRecord


def _stats(cli, year):
    code, out, err = cli("stats", "--period", str(year), "--json")
    assert code == 0, err
    data = json.loads(out)
    return {s["code"]: s["count"] for s in data["services"]}, {i["code"]: i["count"] for i in data["indicators"]}


def test_voided_and_undone_entries_are_excluded_from_stats(cli, home, admin):
    year = clock.today().year
    ids = []
    for services in (["vneid", "dvc_account"], ["vneid"], ["ewallet"]):
        code, out, err = cli("log", *services)
        assert code == 0, err
        ids.append(out.strip())
    assert cli("log", "vneid", "--count", "40", "--channel", "outreach", "--place", "Chợ phường")[0] == 0
    services, indicators = _stats(cli, year)
    assert (services["vneid"], services["dvc_account"], services["ewallet"]) == (42, 1, 1)
    db = open_database(None, home)
    try:
        void_record(db, admin, ids[0], "ghi nhầm")
        undo_record(db, admin, ids[2])
    finally:
        db.dispose()
    services, indicators = _stats(cli, year)
    assert (services["vneid"], services["dvc_account"], services["ewallet"]) == (41, 0, 0)
    assert indicators["VNEID"] == 41 and indicators["EWALLET"] == 0


def test_cccd_note_is_refused_with_exit_2_and_nothing_stored(cli, home):
    code, out, err = cli("log", "vneid", "--note", "số CCCD 079.203.004.512")
    assert code == 2 and out == "" and "CCCD" in err and len(err.strip().splitlines()) == 1
    code, out, err = cli("log", "vneid", "--note", "mã xác thực 482913")
    assert code == 2
    code, out, err = cli("log", "vneid", "--note", "SĐT 0912.345.678")  # a phone: only in the contact fields
    assert code == 2 and "ô liên hệ" in err
    code, out, err = cli("log", "vneid", "--note", "gọi lại chiều nay")
    assert code == 0
    db = open_database(None, home)
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(ServiceRecord)) == 1
    finally:
        db.dispose()
