"""Counter and log browser: open time and peak memory of the log browser on a big database; commit time of
one logged citizen against the stdlib sqlite3 module writing the same rows in one transaction.

* journal open: a fresh process (offscreen Qt) opens the main window on the Journal page over 1.000.000
  records (quick: 50.000), shows everything ('All time'), waits for the count and scrolls to the end. The
  time is from asking for the page to the count shown; peak RSS is the process's maximum (imports included).
  Baseline: the same process shape showing an empty QTableView (what Qt alone costs).
* log one citizen: `records.log_record` with 2 services (one transaction: the record and its 2 service rows,
  WAL, synchronous=FULL as dxdesk opens SQLite) against `sqlite3` inserting the same 3 rows in one
  transaction on a connection with the same pragmas, into the same database file. Medians.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

_OPEN = r"""
import resource, sys, time
from pathlib import Path
from PySide6.QtWidgets import QApplication
from dxdesk.security.actor import cli_actor
from dxdesk.database import open_database
from dxdesk.paths import AppPaths
from dxdesk.ui.app import build_main_window, create_application

mode = sys.argv[2]
app = create_application()
if mode == "baseline":
    from PySide6.QtWidgets import QTableView
    from PySide6.QtGui import QStandardItemModel
    t0 = time.perf_counter()
    view = QTableView(); view.setModel(QStandardItemModel(0, 8)); view.resize(880, 560); view.show()
    app.processEvents()
    elapsed = time.perf_counter() - t0
else:
    home = AppPaths(Path(sys.argv[1])).ensure()
    db = open_database(None, home)
    win = build_main_window(db, home, cli_actor())
    win.resize(1093, 614); win.show()
    t0 = time.perf_counter()
    page = win.show_page("journal")
    page.period_box.setCurrentIndex(page.period_box.findData("all"))
    while page.model.total is None:
        app.processEvents()  # benchmark harness only: wait for the count worker
        time.sleep(0.002)
    app.processEvents()
    elapsed = time.perf_counter() - t0
    page.table.scrollToBottom(); app.processEvents()
    assert page.model.data(page.model.index(page.model.rowCount() - 1, 0))
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True)
"""


def _open(home: Path, mode: str) -> tuple[float, float]:
    env = {"QT_QPA_PLATFORM": "offscreen", "DXDESK_LANG": "vi"}
    import os

    out = subprocess.run([sys.executable, "-c", _OPEN, str(home), mode], capture_output=True, text=True,
                         env={**os.environ, **env}, timeout=300, check=True)
    elapsed, rss = out.stdout.split()[-2:]
    return float(elapsed), float(rss)


def run(quick: bool) -> list[dict]:
    from dxdesk.counter.records import NewRecord, log_record
    from dxdesk.counting.catalogue import ensure_catalogue
    from dxdesk.database import open_database
    from dxdesk.demo import fill
    from dxdesk.paths import AppPaths
    from dxdesk.security.actor import cli_actor

    size = 50_000 if quick else 1_000_000
    repeats = 3 if quick else 5
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        home = AppPaths(Path(tmp) / "home").ensure()
        db = open_database(None, home)
        actor = cli_actor()
        ensure_catalogue(db)
        fill(db, actor, records=size, seed=11)

        # one citizen, all its rows in one transaction: dxdesk vs sqlite3
        ours, base = [], []
        import sqlite3

        conn = sqlite3.connect(db.sqlite_path, isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        for _i in range(20 if quick else 60):
            t0 = time.perf_counter()
            log_record(db, actor, NewRecord(services=["vneid", "dvc_account"]))
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            cur = conn.execute(
                "INSERT INTO service_records (uuid, unit_code, work_date, occurred_at, entered_at, entered_by, "
                "channel, outcome, count, is_campaign, place, note, search_text, voided, void_reason, origin) "
                "VALUES (?, '28261', '2026-03-02', '2026-03-02 09:00:00.000000', '2026-03-02 09:00:00.000000', "
                "'bench', 'counter', 'done', 1, 0, '', '', 'vneid', 0, '', 'local')", (str(uuid.uuid4()),))
            rid = cur.lastrowid
            conn.executemany("INSERT INTO record_services (record_id, service_code, count) VALUES (?, ?, 1)",
                             [(rid, "vneid"), (rid, "dvc_account")])
            conn.execute("COMMIT")
            base.append(time.perf_counter() - t0)
        conn.close()
        db.dispose()
        log_med, base_med = statistics.median(ours), statistics.median(base)
        results.append({"figure": "counter: commit of one logged citizen (2 services)", "value": log_med,
                        "unit": "s", "baseline": base_med, "baseline_label": "stdlib sqlite3, same rows, same file",
                        "ratio": log_med / base_med, "target": "≤ 3×"})

        opens = [_open(home.home, "journal") for _i in range(repeats)]
        bases = [_open(home.home, "baseline") for _i in range(repeats)]
        open_med = statistics.median(t for t, _r in opens)
        base_open = statistics.median(t for t, _r in bases)
        rss = statistics.median(r for _t, r in opens)
        base_rss = statistics.median(r for _t, r in bases)
        label = f"{size:,}".replace(",", ".")
        results.append({"figure": f"journal: open with count on {label} records", "value": open_med, "unit": "s",
                        "baseline": base_open, "baseline_label": "empty QTableView shown",
                        "ratio": open_med / base_open if base_open else None, "target": "< 1 s"})
        results.append({"figure": f"journal: peak RSS, opened and scrolled to the end ({label})", "value": rss,
                        "unit": "MB", "baseline": base_rss, "baseline_label": "Qt process with an empty table",
                        "ratio": rss / base_rss if base_rss else None, "target": "< 300 MB"})
    return results


if __name__ == "__main__":
    for row in run("--quick" in sys.argv):
        print(row)
