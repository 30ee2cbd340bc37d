"""Backup → damage the live file → restore → every record back; a corrupt backup is refused; rotation."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from dxdesk.counter import records
from dxdesk.database import open_database
from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.security.actor import Actor
from dxdesk.settings import backup


def _fill(db, admin, n):
    for i in range(n):
        records.log_record(db, admin, records.NewRecord(services=["vneid"], note=f"lượt {i}"))


def _uuids(db):
    with db.session() as session:
        return set(session.scalars(select(ServiceRecord.uuid)))


def test_backup_damage_restore_via_cli(cli, home, admin, tmp_path):
    db = open_database(None, home)
    _fill(db, admin, 25)
    expected = _uuids(db)
    db.dispose()
    code, out, err = cli("backup", "--out", tmp_path / "usb.sqlite3")
    assert code == 0, err
    assert "25" in out
    # damage the live file: overwrite the middle of it with garbage
    live = home.database
    data = bytearray(live.read_bytes())
    data[4096:4096 + 20000] = b"\xde\xad" * 10000
    live.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        live.with_name(live.name + side).unlink(missing_ok=True)
    with pytest.raises(UserError):
        backup.verify(live)
    code, out, err = cli("restore", tmp_path / "usb.sqlite3")
    assert code == 0, err
    db = open_database(None, home)
    try:
        assert _uuids(db) == expected
    finally:
        db.dispose()
    kept = list(home.backups.glob("before-restore-*.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes()[4096:4100] == b"\xde\xad\xde\xad"  # the damaged file is kept


def test_corrupt_backup_refused_and_live_untouched(cli, home, admin, tmp_path):
    db = open_database(None, home)
    _fill(db, admin, 5)
    db.dispose()
    code, _out, err = cli("backup", "--out", tmp_path / "good.sqlite3")
    assert code == 0, err
    bad = tmp_path / "bad.sqlite3"
    data = bytearray((tmp_path / "good.sqlite3").read_bytes())
    data[len(data) // 2:len(data) // 2 + 8192] = b"\x00\xff" * 4096
    bad.write_bytes(bytes(data))
    not_db = tmp_path / "notes.sqlite3"
    not_db.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    live_before = home.database.read_bytes()
    for candidate in (bad, not_db, tmp_path / "missing.sqlite3"):
        code, out, err = cli("restore", candidate)
        assert code == 2, (candidate, err)
        assert err.count("\n") == 1 and "Traceback" not in err
    assert home.database.read_bytes() == live_before
    assert not list(home.backups.glob("before-restore-*"))


def test_backup_newer_schema_refused(db, admin, tmp_path):
    import sqlite3

    info = backup.backup_to(db, admin, tmp_path / "b.sqlite3")
    assert info.records == 0
    conn = sqlite3.connect(tmp_path / "b.sqlite3")
    conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    conn.commit()
    conn.close()
    with pytest.raises(UserError) as err:
        backup.verify(tmp_path / "b.sqlite3")
    assert "9999_future" in err.value.message


def test_backup_needs_admin_and_not_onto_live(db, admin, tmp_path):
    with pytest.raises(UserError):
        backup.backup_to(db, Actor("tt", "coordinator"), tmp_path / "x.sqlite3")
    with pytest.raises(UserError):
        backup.backup_to(db, admin, db.sqlite_path)
    assert not (tmp_path / "x.sqlite3").exists()


def test_daily_backup_and_rotation(db, home, admin):
    _fill(db, admin, 3)
    day = dt.date(2026, 1, 1)
    made = []
    for i in range(40):
        made.append(backup.daily_backup_if_due(db, home, today=day + dt.timedelta(days=i)))
    assert all(made)
    assert backup.daily_backup_if_due(db, home, today=day + dt.timedelta(days=39)) is None  # once a day
    daily = sorted(p.name for p in home.backups.glob("daily-*.sqlite3"))
    monthly = sorted(p.name for p in home.backups.glob("monthly-*.sqlite3"))
    assert len(daily) == 14 and daily[-1] == "daily-2026-02-09.sqlite3"
    assert monthly == ["monthly-2026-01.sqlite3", "monthly-2026-02.sqlite3"]
    assert backup.verify(home.backups / daily[-1]).records == 3
    for i in range(14 * 31):
        backup.daily_backup_if_due(db, home, today=dt.date(2026, 3, 1) + dt.timedelta(days=i))
    assert len(list(home.backups.glob("monthly-*.sqlite3"))) == 12
    assert not list(home.backups.glob("*.part"))


def test_daily_backup_skips_postgres(pg_url, home):
    db = open_database(pg_url, home)
    try:
        assert backup.daily_backup_if_due(db, home) is None
        with pytest.raises(UserError) as err:
            backup.backup_to(db, Actor("cli:x", "admin"), home.home / "x.sqlite3")
        assert "pg_dump" in err.value.message
    finally:
        db.dispose()


def test_restore_refuses_postgres_url(cli, pg_url, tmp_path):
    code, _out, err = cli("restore", tmp_path / "x.sqlite3", db_url=pg_url)
    assert code == 2 and "pg_restore" in err


def test_backup_while_another_connection_writes(db, admin, tmp_path):
    _fill(db, admin, 2)
    with db.write() as session:  # an open write transaction elsewhere does not block or corrupt the copy
        session.execute(select(func.count()).select_from(ServiceRecord))
        info = backup._copy_verified(db.sqlite_path, tmp_path / "live-copy.sqlite3")
    assert info.records == 2
