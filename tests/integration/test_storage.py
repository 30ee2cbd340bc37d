"""Storage: migrations with data, refusal of newer schemas and network shares, two writers at once."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from dxdesk.database import open_database
from dxdesk.db import engine as dbengine
from dxdesk.db.engine import is_network_path
from dxdesk.errors import UserError
from dxdesk.paths import AppPaths


def _upgrade_to(url: str, revision: str):
    from alembic import command

    eng = create_engine(url)
    with eng.connect() as conn:
        command.upgrade(dbengine._alembic_config(conn), revision)
        conn.commit()
    eng.dispose()


def _fill_first_schema(url: str):
    eng = create_engine(url)
    with eng.begin() as conn:
        conn.execute(text("INSERT INTO indicators (code, name_vi, name_en, unit_vi, unit_en, has_target, sort_order, active)"
                          " VALUES ('VNEID', 'Số lượt được hỗ trợ cài đặt VNeID', 'VNeID', 'lượt', 'visits', false, 0, true)"))
        conn.execute(text("INSERT INTO services (code, indicator_code, name_vi, name_en, short_vi, short_en, icon, sort_order, active)"
                          " VALUES ('vneid', 'VNEID', 'Hỗ trợ cài đặt VNeID', 'VNeID', 'VNeID', 'VNeID', '', 0, true)"))
        conn.execute(text(
            "INSERT INTO service_records (id, uuid, unit_code, work_date, occurred_at, entered_at, entered_by, channel,"
            " outcome, count, is_campaign, place, note, search_text, voided, void_reason, origin)"
            " VALUES (1, 'a1b2c3d4-0000-4000-8000-000000000001', '28261', '2025-03-07', '2025-03-07 08:15:00',"
            " '2025-03-07 08:16:00', 'lan', 'counter', 'done', 1, false, '', 'Cô Nguyễn Thị Hạnh', 'vneid', false, '', 'local')"))
        conn.execute(text("INSERT INTO record_services (id, record_id, service_code, count) VALUES (1, 1, 'vneid', 1)"))
    eng.dispose()


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_upgrade_from_first_migration_keeps_data(engine, home, request):
    url = request.getfixturevalue("pg_url") if engine == "postgres" else "sqlite:///" + str(home.database)
    _upgrade_to(url, "0001")
    _fill_first_schema(url)
    db = open_database(url if engine == "postgres" else None, home)
    try:
        assert dbengine.current_revision(db) == dbengine.head_revision()
        with db.session() as s:
            row = s.execute(text("SELECT uuid, note, work_date FROM service_records")).one()
            assert row.uuid == "a1b2c3d4-0000-4000-8000-000000000001"
            assert row.note == "Cô Nguyễn Thị Hạnh"
            assert str(row.work_date) == "2025-03-07"
            assert s.execute(text("SELECT count(*) FROM guide_overrides")).scalar() == 0  # 0002 ran
            # 0007 (on SQLite a copy of the table): the record keeps its services, its UUID stays unique
            assert s.execute(text("SELECT rs.service_code FROM record_services rs JOIN service_records r "
                                  "ON r.id = rs.record_id")).scalars().all() == ["vneid"]
        with pytest.raises(IntegrityError), db.write() as s:
            s.execute(text(
                "INSERT INTO service_records (uuid, unit_code, work_date, occurred_at, entered_at, entered_by, channel,"
                " outcome, count, is_campaign, place, note, search_text, voided, void_reason, origin)"
                " SELECT uuid, unit_code, work_date, occurred_at, entered_at, entered_by, channel, outcome, count,"
                " is_campaign, place, note, search_text, voided, void_reason, origin FROM service_records"))
        with db.session() as s:
            if engine == "sqlite":
                assert s.execute(text("PRAGMA foreign_key_check")).all() == []
                # the partial indexes still serve the queries that name a volunteer or look for contacts
                plan = str(s.execute(text("EXPLAIN QUERY PLAN SELECT id FROM service_records WHERE volunteer_id = 3 "
                                          "AND work_date >= '2025-01-01'")).all())
                assert "ix_records_volunteer_date" in plan
                plan = str(s.execute(text("EXPLAIN QUERY PLAN SELECT id FROM service_records "
                                          "WHERE contact_lookup IN ('a', 'b')")).all())
                assert "ix_service_records_contact_lookup" in plan
                indexes = dict(s.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                              "AND tbl_name = 'service_records' AND sql IS NOT NULL")).all())
            else:
                indexes = dict(s.execute(text("SELECT indexname, indexdef FROM pg_indexes "
                                              "WHERE tablename = 'service_records'")).all())
            assert "UNIQUE" in indexes["ux_records_uuid"].upper()
            assert "volunteer_id IS NOT NULL" in indexes["ix_records_volunteer_date"]
            assert "contact_lookup IS NOT NULL" in indexes["ix_service_records_contact_lookup"]
        if engine == "sqlite":
            backups = list(home.backups.glob("before-migration-0001-*.sqlite3"))
            assert len(backups) == 1
            copy = sqlite3.connect(backups[0])
            assert copy.execute("SELECT note FROM service_records").fetchone()[0] == "Cô Nguyễn Thị Hạnh"
            copy.close()
    finally:
        db.dispose()


def test_a_newer_database_is_refused(db, home):
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.dispose()
    with pytest.raises(UserError, match="phiên bản dxdesk mới hơn"):
        open_database(None, home)


def test_sqlite_pragmas(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_network_share_refused(tmp_path, monkeypatch):
    mounts = [("/", "ext4"), ("/mnt/office", "cifs"), ("/srv/nfs", "nfs4")]
    assert is_network_path(Path("/mnt/office/dxdesk"), mounts)
    assert is_network_path(Path("/srv/nfs"), mounts)
    assert not is_network_path(Path("/home/lan/dxdesk"), mounts)
    monkeypatch.setattr(dbengine, "_mount_table", lambda: [("/", "ext4"), (str(tmp_path), "cifs")])
    with pytest.raises(UserError, match="PostgreSQL"):
        open_database(None, AppPaths(tmp_path / "share"))
    assert not (tmp_path / "share" / "dxdesk.sqlite3").exists()


WRITER = """
import sys
from dxdesk.cli import main
for i in range(int(sys.argv[2])):
    code = main(["--home", sys.argv[1], "log", "vneid", "dvc_account"])
    if code != 0:
        sys.exit(code)
"""


def test_two_processes_writing_at_once_lose_nothing(home):
    open_database(None, home).dispose()  # created and migrated once, as on any PC
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(home.home), "60"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for _ in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    ids = []
    for proc, (out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower() and "bận" not in err
        ids += out.split()
    assert len(ids) == 120 == len(set(ids))
    con = sqlite3.connect(home.database)
    stored = {r[0] for r in con.execute("SELECT uuid FROM service_records")}
    assert set(ids) <= stored
    assert con.execute("SELECT count(*) FROM record_services").fetchone()[0] == 240
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
