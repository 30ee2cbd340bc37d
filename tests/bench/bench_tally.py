"""Tally and report: a year's tally on a 1.000.000-record database (quick: 50.000) against the bare SQL GROUP BY
that any tally must at least run, on the same database file in the same run; the dashboard breakdown; the full
tally report PDF (count + lay out + render).

* year tally: `dxdesk.tally.compute(db, year)` (catalogue, targets, per-service sums, per indicator, percents).
  Baseline: the stdlib `sqlite3` module running the one aggregate query (sum of `count` of non-voided service
  rows of the year, per service) on its own connection. Target ≤ 2×.
* breakdown: `dxdesk.tally.breakdown(db, year)` (channel, volunteer, weekday×hour, ISO weeks), same baseline.
* full PDF: `reports.tally_pdf.prepare` + `render` for the year (what "Lưu PDF" waits for). Baseline: the year
  tally alone, so the ratio is what laying out the PDF adds.
Medians of repeated runs after one warm-up run each.
"""

from __future__ import annotations

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


def _median(fn, repeats: int) -> float:
    fn()  # warm-up: page cache, compiled statements
    times = []
    for _i in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool) -> list[dict]:
    from dxdesk.reports import tally_pdf

    from dxdesk import counting, demo
    from dxdesk.actor import cli_actor
    from dxdesk.db.engine import open_database
    from dxdesk.i18n import set_language
    from dxdesk.paths import AppPaths
    from dxdesk.periods import parse_period

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

        def ours():
            return counting.compute(db, period)

        # Same answer, or the comparison means nothing.
        expected = {code: n for code, n in bare()}
        got = {s.code: s.count for s in ours().services if s.count}
        assert got == expected, (got, expected)

        bare_med = _median(bare, repeats)
        tally_med = _median(ours, repeats)
        breakdown_med = _median(lambda: counting.breakdown(db, period), repeats)
        pdf_med = _median(lambda: tally_pdf.render(tally_pdf.prepare(db, period)), max(3, repeats - 2))
        conn.close()
        db.dispose()
    note = f"{label} records ({in_year:,} in {year_text})".replace(",", ".")
    return [
        {"figure": f"tally: year tally on {note}", "value": tally_med, "unit": "s", "baseline": bare_med,
         "baseline_label": "bare SQL GROUP BY (sqlite3)", "ratio": tally_med / bare_med, "target": "≤ 2×"},
        {"figure": f"tally: dashboard breakdown on {note}", "value": breakdown_med, "unit": "s", "baseline": bare_med,
         "baseline_label": "bare SQL GROUP BY (sqlite3)", "ratio": breakdown_med / bare_med,
         "target": "≤ 2× (runs off the UI thread)"},
        {"figure": f"tally: full report PDF on {note}", "value": pdf_med, "unit": "s", "baseline": tally_med,
         "baseline_label": "year tally alone", "ratio": pdf_med / tally_med, "target": "≤ 2× (worker, progress bar)"},
    ]


if __name__ == "__main__":
    import sys

    for row in run("--quick" in sys.argv):
        print(row)
