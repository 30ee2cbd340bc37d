"""Data exchange: export of a commune's records into the upload package, against `sqlite3 -csv` of the same
rows; roll-up import into a fresh province database, SQLite and PostgreSQL; a package sent again.

* export: `exchange.export.export_package` of one period holding every record (1.000.000 records; quick:
  50.000), SQLite, streamed into the zip (records.csv + tally.xlsx + manifest + hashes + signature), the whole call
  timed. Baseline: the sqlite3 command-line shell printing the very same rows (`sqlite3 -csv` of the SELECT the
  export runs by blocks, over the whole period, to a file; checked byte for byte against records.csv) in the same
  run. Interleaved, medians of 3. `--only-export` measures this row alone.
* import, SQLite: `exchange.importer.import_package` of that package into a fresh province-level SQLite database
  (every row checked, bulk inserts, daily tallies), records (not CSV rows: a record has 1.24 rows on average) per
  second, against the stdlib sqlite3 module inserting the same records and services rows (parsed beforehand, not
  timed) into the same tables of another fresh database (one transaction, executemany). Interleaved, medians of 3
  (a new database each time).
* re-import: the same package imported again into that database (recognised by its SHA-256). Median of 3.
* import, PostgreSQL (when DXDESK_TEST_PG_URL names a server): the same import into a fresh database, against a
  bare COPY of the same records and services rows into the same tables of another fresh database (rows parsed
  beforehand, not timed), interleaved; medians of 3 (quick: one of each). And the re-import there.
The load average of the machine when a figure was measured is written in the figure.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time
import zipfile
from pathlib import Path


def _median(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _load() -> str:
    return f"load average {os.getloadavg()[0]:.1f}".replace(".", ",") if hasattr(os, "getloadavg") else ""


def _n(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def run(quick: bool, only_export: bool = False) -> list[dict]:
    """The figures above; ONLY_EXPORT: the export row alone (`python -m tests.bench.bench_exchange --only-export`)."""
    from dxdesk import demo
    from dxdesk.database import open_database
    from dxdesk.exchange.export import _rows_sql, export_package
    from dxdesk.paths import AppPaths
    from dxdesk.periods import parse_period
    from dxdesk.security.actor import cli_actor
    from dxdesk.settings.profile import get_profile

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
        # the very SELECT the export's blocks run, over the whole period: the records by id, no sort
        sql = _rows_sql("sqlite", scan=True).format(a="'2025-01-01'", b="'2025-12-31'", u=f"'{unit}'", lo=0,
                                                    hi=2**63 - 1)
        db_file = str(home.database)

        def shell():
            with open(tmp / "shell.csv", "wb") as fh:
                subprocess.run(["sqlite3", "-csv", db_file, sql], stdout=fh, check=True)

        export_times, shell_times, loads = [], [], []
        for _ in range(3):  # interleaved, so that a busy moment of the machine falls on both alike
            t0 = time.perf_counter()
            result = export_package(db, actor, period, out)
            export_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            shell()
            shell_times.append(time.perf_counter() - t0)
            loads.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
        export_s, shell_s = statistics.median(export_times), statistics.median(shell_times)
        export_load = f"load average {statistics.median(loads):.1f}".replace(".", ",")
        with zipfile.ZipFile(out) as zf, open(tmp / "shell.csv", "rb") as fh:  # the same rows, byte for byte
            _head, body = zf.read("records.csv").split(b"\r\n", 1)
            shell_csv = fh.read()
        assert body == (shell_csv if b"\r\n" in shell_csv else shell_csv.replace(b"\n", b"\r\n")), "not the same rows"
        db.dispose()

        from dxdesk.exchange import trust

        db = open_database(None, home)  # the commune's enrolment file, for the province to trust its key
        enrolment = trust.export_enrolment(db, actor, tmp / "enrol.json")
        db.dispose()
        rows = [
            {"figure": f"export package, {_n(records)} records ({_n(result.rows)} rows, {export_load})", "value": export_s,
             "unit": "s", "baseline": shell_s, "baseline_label": "sqlite3 -csv, same rows", "ratio": export_s / shell_s,
             "target": "≤ 1,5×"},
        ]
        if only_export:
            return rows
        rows += _sqlite_import(tmp, out, enrolment, result.records)
        rows += _postgres_import(tmp, out, enrolment, result.records, quick)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def _province(db, enrolment) -> None:
    from dxdesk.exchange import trust
    from dxdesk.security.actor import cli_actor
    from dxdesk.settings.profile import set_profile

    set_profile(db, cli_actor(), "82")
    trust.enrol(db, cli_actor(), enrolment.path, enrolment.fingerprint)  # not timed: once per province


def _timed_import(db, out: Path, records: int) -> float:
    from dxdesk.exchange.importer import import_package
    from dxdesk.security.actor import cli_actor

    t0 = time.perf_counter()
    got = import_package(db, cli_actor(), out)
    seconds = time.perf_counter() - t0
    assert got.new == records and got.imported_before is None, got
    return seconds


def _timed_reimport(db, out: Path) -> float:
    from dxdesk.exchange.importer import import_package
    from dxdesk.security.actor import cli_actor

    def again():
        assert import_package(db, cli_actor(), out).imported_before is not None

    return _median(again)


def _bare_sqlite(path: Path, rec: list, svc: list) -> float:
    """The same rows into the same tables of a fresh province database by the stdlib sqlite3 module: one
    transaction, two executemany, the tables' own indexes (what any bulk load of these rows must at least cost)."""
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.executemany(f"INSERT INTO service_records ({REC_COLUMNS}) VALUES ({', '.join(['?'] * 17)})",
                        [(*r[:5], r[5].isoformat(" "), *r[6:]) for r in rec])
        con.executemany("INSERT INTO record_services (record_id, service_code, count) VALUES (?, ?, ?)", svc)
        con.execute("COMMIT")
        return time.perf_counter() - t0
    finally:
        con.close()


def _sqlite_import(tmp: Path, out: Path, enrolment, records: int) -> list[dict]:
    from dxdesk.database import open_database
    from dxdesk.paths import AppPaths

    rec, svc = _bare_rows(out)
    import_times, bare_times, loads = [], [], []
    for i in range(3):  # interleaved, so that a busy moment of the machine falls on both alike
        base_home = AppPaths(tmp / f"bare{i}").ensure()
        open_database(None, base_home).dispose()  # the schema, at the head revision
        bare_times.append(_bare_sqlite(base_home.database, rec, svc))
        prov = open_database(None, AppPaths(tmp / f"province{i}").ensure())
        _province(prov, enrolment)
        import_times.append(_timed_import(prov, out, records))
        loads.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
        if i < 2:
            prov.dispose()
    import_s, bare_s = statistics.median(import_times), statistics.median(bare_times)
    again_s = _timed_reimport(prov, out)
    prov.dispose()
    size = out.stat().st_size / 1e6
    load = f"load average {statistics.median(loads):.1f}".replace(".", ",")
    return [
        {"figure": f"roll-up import, SQLite, {_n(records)} records ({load})", "value": records / import_s,
         "unit": "records/s", "baseline": records / bare_s,
         "baseline_label": "bare executemany of the same rows into the same tables (sqlite3)",
         "ratio": bare_s / import_s, "target": "≥ 50.000 records/s"},
        {"figure": f"re-import of an imported package, SQLite ({_n(records)} records, {size:.0f} MB)", "value": again_s,
         "unit": "s", "baseline": import_s, "baseline_label": "its first import", "ratio": again_s / import_s,
         "target": "< 1 s"},
    ]


def _bare_rows(out: Path) -> tuple[list, list]:
    """The service_records and record_services rows of the package, as the import stores them (parsed here, before
    the timed COPY)."""
    now = dt.datetime(2026, 1, 1, 8, 0)
    rec, svc = [], []
    last, rid = None, 0
    with zipfile.ZipFile(out) as zf, zf.open("records.csv") as member:
        reader = csv.reader(io.TextIOWrapper(member, encoding="utf-8-sig", newline=""))
        next(reader)
        for uuid, day, at, channel, outcome, service, _indicator, count, _volunteer, voided in reader:
            if uuid != last:
                rid, last = rid + 1, uuid
                rec.append((rid, uuid, "28261", day, f"{day} {at}", now, "bench", channel, outcome, int(count),
                            int(count) > 1, "", "", service, voided == "1", "", "import:bench"))
            svc.append((rid, service, int(count)))
    return rec, svc


REC_COLUMNS = ("id, uuid, unit_code, work_date, occurred_at, entered_at, entered_by, channel, outcome, count, "
               "is_campaign, place, note, search_text, voided, void_reason, origin")


def _bare_copy(db, rec: list, svc: list) -> float:
    raw = db.engine.raw_connection()
    try:
        driver = raw.driver_connection
        t0 = time.perf_counter()
        with driver.cursor() as cursor:
            with cursor.copy(f"COPY service_records ({REC_COLUMNS}) FROM STDIN") as copy:
                for row in rec:
                    copy.write_row(row)
            with cursor.copy("COPY record_services (record_id, service_code, count) FROM STDIN") as copy:
                for row in svc:
                    copy.write_row(row)
        driver.commit()
        return time.perf_counter() - t0
    finally:
        raw.close()


def _postgres_import(tmp: Path, out: Path, enrolment, records: int, quick: bool) -> list[dict]:
    import uuid as uuidlib

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from dxdesk.database import open_database
    from dxdesk.paths import AppPaths

    url = os.environ.get("DXDESK_TEST_PG_URL")
    if not url:
        return [{"figure": "roll-up import, PostgreSQL: not measured (no DXDESK_TEST_PG_URL)", "value": None,
                 "unit": "records/s", "target": "≥ 50.000 records/s and ≥ 0,8× a bare COPY"}]
    rec, svc = _bare_rows(out)
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    names: list[str] = []

    def fresh():
        name = f"dxbench_{uuidlib.uuid4().hex[:8]}"
        names.append(name)
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
        return open_database(make_url(url).set(database=name).render_as_string(hide_password=False),
                             AppPaths(tmp / name).ensure())

    ours, bare, loads = [], [], []
    repeat = 1 if quick else 3  # quick: a smoke test of the path, one of each
    try:
        for i in range(repeat):  # interleaved, so that a busy moment of the machine falls on both alike
            base = fresh()
            bare.append(_bare_copy(base, rec, svc))
            base.dispose()
            prov = fresh()
            _province(prov, enrolment)
            ours.append(_timed_import(prov, out, records))
            loads.append(os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
            if i < repeat - 1:
                prov.dispose()
        again_s = _timed_reimport(prov, out)
        prov.dispose()
    finally:
        with admin.connect() as c:
            for name in names:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    ours_s, bare_s = statistics.median(ours), statistics.median(bare)
    load = f"load average {statistics.median(loads):.1f}".replace(".", ",")
    return [
        {"figure": f"roll-up import, PostgreSQL, {_n(records)} records ({load})", "value": records / ours_s,
         "unit": "records/s", "baseline": records / bare_s,
         "baseline_label": "bare COPY of the same rows into the same tables", "ratio": bare_s / ours_s,
         "target": "≥ 50.000 records/s and ≥ 0,8× the COPY"},
        {"figure": f"re-import of an imported package, PostgreSQL ({_n(records)} records)", "value": again_s,
         "unit": "s", "baseline": ours_s, "baseline_label": "its first import", "ratio": again_s / ours_s,
         "target": "< 1 s"},
    ]


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="50.000 records instead of 1.000.000")
    parser.add_argument("--only-export", action="store_true", help="the export row only (no import figures)")
    args = parser.parse_args()
    for row in run(args.quick, only_export=args.only_export):
        print(row)
