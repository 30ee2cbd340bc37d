"""Restore never loses what another process writes (issue #15): every dxdesk process holds the database's in-use
lock while it runs, restore is refused until the writer has stopped, and every id a writer acknowledged is in the
database it was writing to; a backup whose schema is not exactly its revision's is refused."""

import sqlite3
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy import select

from dxdesk.counter import records
from dxdesk.database import open_database
from dxdesk.db.models import ServiceRecord
from dxdesk.errors import UserError
from dxdesk.security.actor import Actor
from dxdesk.settings import backup
from tests.conftest import run_cli_process

WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from dxdesk.security.actor import cli_actor
    from dxdesk.database import open_database
    from dxdesk.paths import AppPaths
    from dxdesk.counter.records import NewRecord, log_record

    home, stop = Path(sys.argv[1]), Path(sys.argv[2])
    db = open_database(None, AppPaths(home))
    while not stop.exists():
        print(log_record(db, cli_actor(), NewRecord(services=["vneid"], note="quầy 2")), flush=True)
        time.sleep(0.01)
    db.dispose()
    print("stopped", flush=True)
""")


def _uuids(path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT uuid FROM service_records")}
    finally:
        conn.close()


def _backup_of(home, admin, tmp_path, n=10):
    db = open_database(None, home)
    for _i in range(n):
        records.log_record(db, admin, records.NewRecord(services=["ewallet"]))
    info = backup.backup_to(db, admin, tmp_path / "usb.sqlite3")
    uuids = _uuids(info.path)
    db.dispose()
    return info.path, uuids


def test_restore_refused_while_another_process_writes_and_nothing_acknowledged_is_lost(home, admin, tmp_path):
    source, backed_up = _backup_of(home, admin, tmp_path)
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(home.home), str(stop)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    acked: list[str] = []
    reader = threading.Thread(target=lambda: acked.extend(line.strip() for line in writer.stdout))
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while len(acked) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(acked) >= 20, writer.stderr.read() if writer.poll() is not None else "writer too slow"
        refusals = []
        for _attempt in range(3):  # asked for several times while the writer keeps acknowledging records
            result = run_cli_process(home.home, "restore", source)
            refusals.append(result)
            time.sleep(0.2)
        seen_during = len(acked)
    finally:
        stop.touch()
        writer.wait(60)
        reader.join(10)
        errors = writer.stderr.read()
        writer.stdout.close()
        writer.stderr.close()
    assert writer.returncode == 0, errors
    for result in refusals:
        assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and "vẫn đang mở" in result.stderr
    assert acked[-1] == "stopped" and seen_during < len(acked)  # it went on writing after the refusals
    acked_ids = set(acked[:-1])
    assert acked_ids <= _uuids(home.database)  # every acknowledged id is in the live database
    assert not list(home.backups.glob("before-restore-*"))
    # once the writer has stopped, the same restore goes through; what it wrote is kept, whole
    result = run_cli_process(home.home, "restore", source)
    assert result.returncode == 0, result.stderr
    assert _uuids(home.database) == backed_up
    kept = list(home.backups.glob("before-restore-*.sqlite3"))
    assert len(kept) == 1 and acked_ids <= _uuids(kept[0])


def test_log_processes_started_during_a_restore_write_into_the_restored_file(home, admin, tmp_path):
    source, backed_up = _backup_of(home, admin, tmp_path)
    acked: list[tuple[float, str]] = []  # (when the process started, id)
    stop = threading.Event()

    def counter():
        while not stop.is_set():
            started = time.monotonic()
            result = run_cli_process(home.home, "log", "vneid")
            assert result.returncode == 0, result.stderr
            acked.append((started, result.stdout.strip()))

    thread = threading.Thread(target=counter)
    thread.start()
    try:
        while len(acked) < 2:
            time.sleep(0.05)
        outcomes = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            result = run_cli_process(home.home, "restore", source)
            outcomes.append(result.returncode)
            if result.returncode == 0:
                restored_at = time.monotonic()
                break
            assert result.returncode == 2 and "vẫn đang mở" in result.stderr, result.stderr
        assert 0 in outcomes, outcomes
        while not any(started > restored_at for started, _id in acked):
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(60)
    final = _uuids(home.database)
    kept = set().union(*(_uuids(p) for p in home.backups.glob("before-restore-*.sqlite3")))
    ids = {i for _s, i in acked}
    assert ids <= final | kept  # nothing acknowledged is lost
    after = {i for started, i in acked if started > restored_at}
    assert after and after <= final and backed_up <= final


def test_this_process_must_close_its_own_connections_first(db, admin, home, tmp_path):
    info = backup.backup_to(db, admin, tmp_path / "b.sqlite3")
    with pytest.raises(UserError, match="vẫn đang mở"):  # the window asking still has it open
        backup.restore(admin, home.database, info.path, home.backups)
    db.dispose()
    backup.restore(admin, home.database, info.path, home.backups)
    db.reopen()
    assert db.sqlite_path == home.database
    records.log_record(db, admin, records.NewRecord(services=["vneid"]))


def test_restore_needs_an_administrator(db, admin, home, tmp_path):
    info = backup.backup_to(db, admin, tmp_path / "b.sqlite3")
    db.dispose()
    for role in ("volunteer", "clerk", "coordinator"):
        with pytest.raises(UserError, match="sao lưu"):
            backup.restore(Actor("x", role), home.database, info.path, home.backups)
    assert not list(home.backups.glob("before-restore-*"))


@pytest.mark.parametrize("change", [
    "CREATE TRIGGER evil AFTER INSERT ON service_records BEGIN SELECT RAISE(ABORT, 'no'); END",
    "CREATE TABLE extra (x INTEGER)",
    "CREATE INDEX ix_extra ON service_records (note)",
    "CREATE VIEW v AS SELECT 1",
    "DROP INDEX ix_records_occurred",
])
def test_backup_with_a_schema_dxdesk_did_not_make_is_refused(change, cli, home, admin, tmp_path):
    db = open_database(None, home)
    records.log_record(db, admin, records.NewRecord(services=["vneid"]))
    info = backup.backup_to(db, admin, tmp_path / "b.sqlite3")
    db.dispose()
    conn = sqlite3.connect(info.path)
    conn.execute(change)
    conn.commit()
    conn.close()
    live_before = home.database.read_bytes()
    code, out, err = cli("restore", info.path)
    assert code == 2 and len(err.strip().splitlines()) == 1 and "cấu trúc" in err, err
    assert home.database.read_bytes() == live_before
    assert not list(home.backups.glob("before-restore-*"))


def test_backup_of_an_older_revision_restores_and_is_migrated(cli, home, admin, tmp_path):
    from alembic import command
    from sqlalchemy import create_engine

    from dxdesk.db.engine import _alembic_config, head_revision

    old = tmp_path / "old.sqlite3"
    engine = create_engine(f"sqlite:///{old}")
    with engine.connect() as conn:
        command.upgrade(_alembic_config(conn), "0002")
        conn.commit()
    engine.dispose()
    assert backup.verify(old, schema=True).revision == "0002"
    open_database(None, home).dispose()
    code, out, err = cli("restore", old)
    assert code == 0, err
    db = open_database(None, home)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head_revision()
        with db.session() as session:
            assert session.scalars(select(ServiceRecord.uuid)).all() == []
    finally:
        db.dispose()
