"""Tally and report on a 1.000.000-record database (quick: 50.000), each against a baseline run on the same
database in the same run; medians of repeated runs after one warm-up run each (the year tally and the bare daily-table
sum interleaved, 101 times each).

* year tally: `dxdesk.counting.compute(db, year)` (catalogue, targets, the daily tallies, per indicator, citizens).
  Baseline 1: the stdlib `sqlite3` module running the raw aggregate over the record tables (sum of `count` of
  non-voided service rows of the year, per service) — what every tally cost before the daily tallies; target
  ≤ 0,02× (at least 50× faster). Baseline 2: a bare `SELECT service_code, sum(n)` over the daily table for the
  year (sqlite3); target ≤ 2×.
* breakdown: `dxdesk.counting.breakdown(db, year)` (channel, volunteer, weekday×hour, age, sex, ISO weeks,
  indicator × channel × volunteer × reception point), against the raw aggregate.
* full PDF: `tally_report.prepare` + `render` for the year (what "Lưu PDF" waits for), against the year
  tally alone (what laying out the PDF adds).
* PostgreSQL (when DXDESK_TEST_PG_URL names a server): the tally of one year in a database holding that one year
  against the same tally in a database holding three years (same records per year): target 0,8–1,2×.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

BARE_SQL = """
SELECT rs.service_code, SUM(rs.count)
FROM record_services rs JOIN service_records r ON r.id = rs.record_id
WHERE r.work_date >= ? AND r.work_date <= ? AND r.voided = 0
GROUP BY rs.service_code
"""
DAILY_SQL = """
SELECT service_code, SUM(n) FROM tally_daily WHERE work_date >= ? AND work_date <= ? GROUP BY service_code
"""


def _median(fn, repeats: int) -> float:
    fn()  # warm-up: page cache, compiled statements
    times = []
    for _i in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _interleaved(first, second, repeats: int) -> tuple[float, float]:
    first(), second()  # warm-up
    times: tuple[list[float], list[float]] = ([], [])
    for _i in range(repeats):
        for fn, out in ((first, times[0]), (second, times[1])):
            t0 = time.perf_counter()
            fn()
            out.append(time.perf_counter() - t0)
    return statistics.median(times[0]), statistics.median(times[1])


def run(quick: bool) -> list[dict]:
    from dxdesk.reports import tally_pdf

    from dxdesk import counting, demo
    from dxdesk.database import open_database
    from dxdesk.i18n import set_language
    from dxdesk.paths import AppPaths
    from dxdesk.periods import parse_period
    from dxdesk.reporting import tally_report
    from dxdesk.security.actor import cli_actor

    set_language("vi")
    records = 50_000 if quick else 1_000_000
    label = "50.000" if quick else "1.000.000"
    repeats = 3 if quick else 5
    with tempfile.TemporaryDirectory(prefix="dxdesk-bench-tally-") as tmp:
        home = AppPaths(Path(tmp)).ensure()
        db = open_database(None, home)
        demo.fill(db, cli_actor(), records=records, seed=7)
        conn = sqlite3.connect(str(home.database))
        year_text = conn.execute("SELECT substr(MAX(work_date), 1, 4) FROM service_records").fetchone()[0]
        period = parse_period(year_text)
        in_year = conn.execute("SELECT COUNT(*) FROM service_records WHERE work_date >= ? AND work_date <= ?",
                               (period.start.isoformat(), period.end.isoformat())).fetchone()[0]
        args = (period.start.isoformat(), period.end.isoformat())

        def bare():
            return conn.execute(BARE_SQL, args).fetchall()

        def daily():
            return conn.execute(DAILY_SQL, args).fetchall()

        def ours():
            return counting.compute(db, period)

        # Same answer, or the comparison means nothing.
        expected = {code: n for code, n in bare()}
        got = {s.code: s.count for s in ours().services if s.count}
        assert got == expected, (got, expected)
        assert {code: n for code, n in daily() if n} == expected
        daily_rows = conn.execute("SELECT COUNT(*) FROM tally_daily").fetchone()[0]

        bare_med = _median(bare, repeats)
        # the two sub-millisecond figures interleaved, many times: a busy moment of the machine falls on both alike
        daily_med, tally_med = _interleaved(daily, ours, 101)
        breakdown_med = _median(lambda: counting.breakdown(db, period), repeats)
        pdf_med = _median(lambda: tally_pdf.render(tally_report.prepare(db, period)), max(3, repeats - 2))
        conn.close()
        db.dispose()
    note = f"{label} records ({in_year:,} in {year_text}; {daily_rows:,} daily-tally rows)".replace(",", ".")
    rows = [
        {"figure": f"tally: year tally on {note}", "value": tally_med, "unit": "s", "baseline": bare_med,
         "baseline_label": "raw GROUP BY over the record tables (sqlite3)", "ratio": tally_med / bare_med,
         "target": "≤ 0,02× (≥ 50× faster)"},
        {"figure": "tally: the same year tally", "value": tally_med, "unit": "s", "baseline": daily_med,
         "baseline_label": "bare SELECT sum over the daily table (sqlite3)", "ratio": tally_med / daily_med,
         "target": "≤ 2×"},
        {"figure": f"tally: dashboard breakdown on {label} records", "value": breakdown_med, "unit": "s",
         "baseline": bare_med, "baseline_label": "raw GROUP BY over the record tables (sqlite3)",
         "ratio": breakdown_med / bare_med, "target": "≤ 2× (runs off the UI thread)"},
        {"figure": f"tally: full report PDF on {label} records", "value": pdf_med, "unit": "s", "baseline": tally_med,
         "baseline_label": "year tally alone", "ratio": pdf_med / tally_med, "target": "worker, progress bar"},
    ]
    rows += _postgres_years(quick)
    return rows


def _postgres_years(quick: bool) -> list[dict]:
    """One year's tally on PostgreSQL with 1 year stored and with 3 years stored (same records per year)."""
    import os
    import uuid as uuidlib

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from dxdesk import counting, demo
    from dxdesk.database import open_database
    from dxdesk.paths import AppPaths
    from dxdesk.periods import parse_period
    from dxdesk.security.actor import cli_actor

    url = os.environ.get("DXDESK_TEST_PG_URL")
    if not url:
        return []
    per_year = 30_000 if quick else 300_000
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    names = [f"dxbench_{uuidlib.uuid4().hex[:8]}" for _i in range(2)]
    dbs = []
    try:
        with tempfile.TemporaryDirectory(prefix="dxdesk-bench-pg-") as tmp:
            for name, years in zip(names, (1, 3), strict=True):
                with admin.connect() as c:
                    c.execute(text(f'CREATE DATABASE "{name}"'))
                db = open_database(make_url(url).set(database=name).render_as_string(hide_password=False),
                                   AppPaths(Path(tmp) / name).ensure())
                dbs.append(db)
                actor = cli_actor()
                for k in range(years):  # 2025 always, then 2024 and 2023 before it
                    year = 2025 - k
                    demo.fill(db, actor, records=per_year, seed=11 + k, start=dt.date(year, 1, 1),
                              end=dt.date(year, 12, 31))
                with db.engine.connect() as c:  # fresh statistics, as autovacuum would have them
                    c.exec_driver_sql("ANALYZE")
                    c.commit()
            period = parse_period("2025")
            # in alternating blocks, so that a busy moment of the machine falls on both alike; the first call of a
            # block (the server switching to the other database's backend) is not counted
            times: list[list[float]] = [[], []]
            for _round in range(15):
                for j, db in enumerate(dbs):
                    counting.compute(db, period)
                    for _i in range(9):
                        t0 = time.perf_counter()
                        counting.compute(db, period)
                        times[j].append(time.perf_counter() - t0)
            medians = [statistics.median(t) for t in times]
            for db in dbs:
                db.dispose()
    finally:
        with admin.connect() as c:
            for name in names:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    one, three = medians
    size = f"{per_year:,}".replace(",", ".")
    return [{"figure": f"tally (PostgreSQL): one year's tally, 3 years stored ({size} records a year)", "value": three,
             "unit": "s", "baseline": one, "baseline_label": "the same tally with 1 year stored",
             "ratio": three / one, "target": "0,8–1,2×"}]


if __name__ == "__main__":
    import sys

    for row in run("--quick" in sys.argv):
        print(row)
