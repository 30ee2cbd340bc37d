"""No lost work: a process logging in a loop is SIGKILLed; every id it printed is in the database, intact."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

LOGGER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from dxdesk.security.actor import cli_actor
    from dxdesk.counting.catalogue import ensure_catalogue
    from dxdesk.database import open_database
    from dxdesk.paths import AppPaths
    from dxdesk.counter.records import NewRecord, log_record

    db = open_database(None, AppPaths(Path(sys.argv[1])).ensure())
    ensure_catalogue(db)
    actor = cli_actor()
    print("ready", flush=True)
    while True:
        rid = log_record(db, actor, NewRecord(services=["vneid", "dvc_account"], note="vòng lặp"))
        print(rid, flush=True)
""")


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
def test_sigkill_mid_stream_loses_no_acknowledged_record(tmp_path):
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-c", LOGGER, str(home)], stdout=subprocess.PIPE, text=True, env=env)
    printed = []
    try:
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 60
        while len(printed) < 60 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.strip():
                printed.append(line.strip())
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: the next record may be half written
        for line in proc.stdout:  # ids flushed just before the kill are acknowledged too
            if line.strip():
                printed.append(line.strip())
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert len(printed) >= 60
    conn = sqlite3.connect(home / "dxdesk.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {row[0] for row in conn.execute("SELECT uuid FROM service_records")}
        services = conn.execute(
            "SELECT count(*) FROM record_services rs JOIN service_records r ON r.id = rs.record_id").fetchone()[0]
    finally:
        conn.close()
    assert set(printed) <= stored
    assert services == 2 * len(stored)  # every record whole, with both its services
