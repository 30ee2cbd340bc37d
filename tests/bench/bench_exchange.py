"""Data exchange: export of a commune's records into the upload package, against `sqlite3 -csv` of the same
rows; roll-up import rate into a fresh province database.

* export: `exchange.export.export_package` of one period holding every record (1.000.000 records; quick:
  50.000), SQLite, streamed into the zip (records.csv + tally.xlsx + manifest + hashes). Baseline: the
  sqlite3 command-line shell printing the very same rows (`sqlite3 -csv`, same SELECT, to a file) in the
  same run. Medians of 3.
* import: `exchange.importer.import_package` of that package into a fresh province-level SQLite database
  (every row checked, bulk inserts), records (not CSV rows: a record has 1.24 rows on average) per second.
  Median of 3 (a new database each time).
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path


def _median(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run(quick: bool) -> list[dict]:
    from dxdesk import demo
    from dxdesk.actor import cli_actor
    from dxdesk.database import open_database
    from dxdesk.exchange.export import _rows_sql, export_package
    from dxdesk.exchange.importer import import_package
    from dxdesk.paths import AppPaths
    from dxdesk.periods import parse_period
    from dxdesk.profile import get_profile, set_profile

    records = 50_000 if quick else 1_000_000
    actor = cli_actor()
    tmp = Path(tempfile.mkdtemp(prefix="dxdesk-bench-exchange-"))
    try:
        home = AppPaths(tmp / "commune").ensure()
        db = open_database(None, home)
        end = dt.date(2025, 12, 31)
        demo.fill(db, actor, records=records, seed=11, start=dt.date(2025, 1, 1), end=end)
        period = parse_period("2025")
        unit = get_profile(db).unit_code
        out = tmp / "package.zip"
        export_s = _median(lambda: export_package(db, actor, period, out))
        result = export_package(db, actor, period, out)
        sql = _rows_sql("sqlite").format(a="'2025-01-01'", b="'2025-12-31'", u=f"'{unit}'")
        db_file = str(home.database)

        def shell():
            with open(tmp / "shell.csv", "wb") as fh:
                subprocess.run(["sqlite3", "-csv", db_file, sql], stdout=fh, check=True)

        shell_s = _median(shell)
        with open(tmp / "shell.csv", "rb") as fh:
            shell_rows = sum(1 for _ in fh)
        assert shell_rows == result.rows, (shell_rows, result.rows)
        db.dispose()

        from dxdesk.exchange import trust

        db = open_database(None, home)  # the commune's enrolment file, for the province to trust its key
        enrolment = trust.export_enrolment(db, actor, tmp / "enrol.json")
        db.dispose()
        import_times = []
        for i in range(3):
            prov = open_database(None, AppPaths(tmp / f"province{i}").ensure())
            set_profile(prov, actor, "82")
            trust.enrol(prov, actor, enrolment.path, enrolment.fingerprint)  # not timed: once per province
            t0 = time.perf_counter()
            got = import_package(prov, actor, out)
            import_times.append(time.perf_counter() - t0)
            assert got.new == result.records
            prov.dispose()
        import_s = statistics.median(import_times)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n = f"{records:,}".replace(",", ".")
    return [
        {"figure": f"export package, {n} records ({result.rows:,} rows)".replace(",", ".").replace("package. ", "package, "), "value": export_s,
         "unit": "s", "baseline": shell_s, "baseline_label": "sqlite3 -csv, same rows", "ratio": export_s / shell_s,
         "target": "≤ 2×"},
        {"figure": f"roll-up import, {n} records", "value": result.records / import_s, "unit": "records/s",
         "baseline": None, "baseline_label": "", "ratio": None, "target": "≥ 50.000 records/s"},
    ]


if __name__ == "__main__":
    import sys

    for row in run("--quick" in sys.argv):
        print(row)
