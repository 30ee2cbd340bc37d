"""A province or the whole country in one PostgreSQL database, simulated (issue #16, docs/scale.md).

    .venv/bin/python tests/bench/bench_national.py                     # --size small: CI's smoke, < 1 min
    .venv/bin/python tests/bench/bench_national.py --size 3m --write-docs   # ≥ 3 million records, ~15 min
    .venv/bin/python tests/bench/bench_national.py --size national     # 3.321 communes, one year, ~17 million

Packages from tests/bench/national.py (the core's own writer, signed by each province database's key) are
imported with the core's importer (`exchange.importer.import_package`) into one fresh PostgreSQL database on
the server of DXDESK_TEST_PG_URL (or `--pg-url`, else scripts/pg-start.sh's throwaway server), oldest year
first (the order years accumulate in). After the first year and again after the last, on the database as it is the
next morning (VACUUM ANALYZE and CHECKPOINT: autovacuum's and the checkpointer's work done, none of it falling on
the measurements):

* import rate: records of the year's packages ÷ the seconds spent in `import_package`;
* size: pg_database_size and pg_total_relation_size of the record and daily-tally tables, per million records;
* tally of the first (oldest) year through the core (`counting.compute`, which reads the daily tally tables), for the
  whole database and for its biggest province, against the raw GROUP BY over the record tables on the same
  server (`counting.store.services_select`: the very rule the daily tallies are built with, so both give the
  same figures, which is checked); interleaved, medians;
* re-sending a package already imported (the first of the oldest year): nothing may be added; median of 3.
The two measurements of the same year's tally (1 year stored, then all years) are the "costs the same
whatever else is stored" check: ratio 0,8–1,2×.

Only a province database may import, and only its own communes (`trust.unit_belongs_here`): the core has no
national level. With communes of several provinces, the database's profile is set (`profile.set_profile`,
audited) to each province in turn before its packages are imported (and its key enrolled); the figures are
those of one database holding them all. `run(quick)` (tests/bench/run.py) uses --size small when quick,
medium otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DOC = ROOT / "docs" / "scale.md"
RESULTS = ROOT / "bench-results"
START, END = "<!-- scale:start -->", "<!-- scale:end -->"
# communes, years, records per commune and year (average)
SIZES = {
    "small": (4, 3, 800),  # CI: 4 provinces, ~10.000 records
    "medium": (34, 3, 2000),  # run.py's full run: one commune per province, ~200.000 records
    "3m": (204, 3, 5000),  # six communes per province, three years: ~3 million records
    "national": (3321, 1, 5000),  # every commune of the country, one year: ~17 million records
}
PG_SETTINGS = ("server_version", "shared_buffers", "work_mem", "maintenance_work_mem", "effective_cache_size",
               "max_wal_size", "checkpoint_timeout", "fsync", "synchronous_commit", "full_page_writes",
               "random_page_cost", "jit")
sys.path.insert(0, str(HERE))


def _fmt(n: float) -> str:
    return f"{n:,.0f}".replace(",", ".")


def pg_url(given: str | None = None) -> str:
    url = given or os.environ.get("DXDESK_TEST_PG_URL")
    if url:
        return url
    try:
        out = subprocess.run(["bash", str(ROOT / "scripts" / "pg-start.sh")], capture_output=True, text=True,
                             check=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        raise RuntimeError("no PostgreSQL server: set DXDESK_TEST_PG_URL (eval \"$(bash scripts/pg-start.sh)\") "
                           f"or give --pg-url ({exc})") from None
    found = re.search(r"DXDESK_TEST_PG_URL=(\S+)", out)
    if not found:
        raise RuntimeError("scripts/pg-start.sh printed no DXDESK_TEST_PG_URL")
    return found.group(1)


def _median_interleaved(fns: list, repeats: int, warmup: int = 2) -> list[float]:
    """Median seconds of each of FNS, run in turns (a busy moment of the machine falls on all alike)."""
    for _i in range(warmup):
        for fn in fns:
            fn()
    times: list[list[float]] = [[] for _fn in fns]
    for _i in range(repeats):
        for j, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn()
            times[j].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


class _Target:
    """The one PostgreSQL database the packages go into."""

    def __init__(self, url: str, home: Path, keep: bool):
        from sqlalchemy import create_engine
        from sqlalchemy.engine import make_url

        from dxdesk.database import open_database
        from dxdesk.paths import AppPaths

        self.name = f"dxnational_{uuidlib.uuid4().hex[:8]}"
        self.keep = keep
        self.admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with self.admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{self.name}"')
        self.url = make_url(url).set(database=self.name).render_as_string(hide_password=False)
        self.db = open_database(self.url, AppPaths(home).ensure())
        self.province: str | None = None

    def set_province(self, actor, province: str) -> None:
        from dxdesk.settings.profile import set_profile

        if province != self.province:
            set_profile(self.db, actor, province)
            self.province = province

    def scalar(self, sql: str, *args):
        with self.db.engine.connect() as c:
            return c.exec_driver_sql(sql, args).scalar()

    def settle(self) -> float:
        """The database as it is the morning after the imports: vacuumed and analysed (autovacuum's work: hint
        bits and the visibility map set, fresh statistics) and checkpointed (the imports' dirty pages written),
        so that no background work of the imports falls on the measurements. Returns the seconds it took."""
        from sqlalchemy.exc import DBAPIError

        t0 = time.perf_counter()
        with self.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM (ANALYZE)")
            try:
                c.exec_driver_sql("CHECKPOINT")
            except DBAPIError:  # a managed server's ordinary role may not: its checkpointer does it soon enough
                pass
        return time.perf_counter() - t0

    def settings(self) -> dict[str, str]:
        with self.db.engine.connect() as c:
            return {name: c.exec_driver_sql(f"SHOW {name}").scalar() for name in PG_SETTINGS}

    def close(self) -> None:
        self.db.dispose()
        if not self.keep:
            with self.admin.connect() as c:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.dispose()


def _sizes(target: _Target) -> dict[str, float]:
    """Bytes: the whole database, the record tables with their indexes, the daily tally tables."""
    from dxdesk.counting.store import DAILY, SERVICES, SUBJECTS, VISITS

    def total(*tables: str) -> int:  # a partitioned table's size is its partitions'
        return sum(int(target.scalar(
            "SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree(%s::regclass)), "
            "pg_total_relation_size(%s::regclass))", t, t)) for t in tables)

    indexes = sum(int(target.scalar("SELECT pg_indexes_size(%s)", t)) for t in ("service_records", "record_services"))
    uuid_index = int(target.scalar(
        "SELECT sum(pg_relation_size(indexrelid)) FROM pg_index WHERE indrelid = 'service_records'::regclass "
        "AND indisunique AND indkey::text = (SELECT attnum::text FROM pg_attribute "
        "WHERE attrelid = 'service_records'::regclass AND attname = 'uuid')") or 0)
    return {"database": int(target.scalar("SELECT pg_database_size(current_database())")), "uuid_index": uuid_index,
            "records": total("service_records", "record_services"), "record_indexes": indexes,
            "tallies": total(DAILY.name, SUBJECTS.name, SERVICES.name, VISITS.name)}


def _tallies(target: _Target, year: int, province: str, codes: tuple[str, ...], repeats: int,
             raw_repeats: int) -> dict[str, float]:
    """Seconds (medians): the year's tally through the core and the raw GROUP BY over the record tables, for
    the whole database and for PROVINCE (its communes CODES). Both must give the same figures."""
    from sqlalchemy import and_

    from dxdesk import counting
    from dxdesk.counting.store import R, services_select
    from dxdesk.periods import parse_period

    period = parse_period(str(year))
    in_year = and_(R.c.work_date >= period.start, R.c.work_date <= period.end)

    def raw(where):
        stmt = services_select(("service_code",), where)
        with target.db.engine.connect() as c:
            return {code: int(n) for code, n in c.execute(stmt) if n}

    def core(units):
        return {s.code: s.count for s in counting.compute(target.db, period, units).services if s.count}

    everyone = and_(in_year, R.c.unit_code.in_(codes))
    assert core(None) == raw(in_year), "the core's national tally differs from the raw GROUP BY"
    assert core(codes) == raw(everyone), "the core's province tally differs from the raw GROUP BY"
    ours_all, ours_prov = _median_interleaved([lambda: core(None), lambda: core(codes)], repeats)
    raw_all, raw_prov = _median_interleaved([lambda: raw(in_year), lambda: raw(everyone)], raw_repeats, warmup=1)
    return {"core_all": ours_all, "raw_all": raw_all, "core_prov": ours_prov, "raw_prov": raw_prov}


def _resend(target: _Target, actor, path: Path, repeats: int = 3) -> tuple[float, str]:
    """Median seconds of importing PATH again (it was imported already): nothing may be added. What the
    importer said (a result or a refusal naming the first import) is returned with it."""
    from dxdesk.errors import UserError
    from dxdesk.exchange.importer import import_package

    before = target.scalar("SELECT count(*) FROM service_records")
    times, said = [], ""
    for _i in range(repeats):
        t0 = time.perf_counter()
        try:
            result = import_package(target.db, actor, path)
            said = result.summary()
            assert result.new == 0, result.summary()
        except UserError as exc:
            said = exc.message
        times.append(time.perf_counter() - t0)
    assert target.scalar("SELECT count(*) FROM service_records") == before, "a re-sent package added records"
    return statistics.median(times), said


def measure(size: str = "small", *, communes: int | None = None, years: int | None = None,
            per_commune: int | None = None, url: str | None = None, packages: Path | None = None,
            keep_db: bool = False, log=None) -> dict:
    """Generate, import and measure; returns {"rows": [...table rows...], "info": {...}}."""
    from national import generate, throwaway_keyring

    from dxdesk.exchange import trust
    from dxdesk.exchange.importer import import_package
    from dxdesk.i18n import set_language
    from dxdesk.security.actor import cli_actor
    from dxdesk.settings import units

    def say(text: str) -> None:
        if log:
            log(text)

    set_language("vi")
    c0, y0, p0 = SIZES[size]
    communes, years, per_commune = communes or c0, years or y0, per_commune or p0
    url = pg_url(url)
    actor = cli_actor()
    load_start = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="dxdesk-national-"))
    folder = Path(packages) if packages else work / "packages"
    label = f"--size {size}"
    if (communes, years, per_commune) != SIZES[size]:
        label += f" --communes {communes} --years {years} --per-commune {per_commune}"
    info: dict = {"size": size, "command": label, "communes": communes, "years": years, "per_commune": per_commune,
                  "started": dt.datetime.now(dt.UTC), "load_start": load_start}
    target = None
    try:
        with throwaway_keyring():
            t0 = time.perf_counter()
            plan = generate(folder, communes, years, per_commune, progress=say)
            info["generate_s"] = time.perf_counter() - t0  # ~0 when reused
            info["made_s"] = plan.seconds  # what making them took (by an earlier run, when reused)
            info["generated_records"] = plan.records
            info["packages"] = len(plan.packages)
            say(f"{len(plan.packages)} packages, {_fmt(plan.records)} records ({info['generate_s']:.0f} s)")
            target = _Target(url, work / "home", keep_db)
            info["database"] = target.name
            for province, name in sorted(plan.enrolments.items()):
                target.set_province(actor, province)
                enrolment = trust.read_enrolment(folder / name)
                trust.enrol(target.db, actor, enrolment.path, enrolment.fingerprint)
            stored: dict[str, int] = {}
            for p in plan.packages:
                stored[p.province_code] = stored.get(p.province_code, 0) + p.records
            big = max(stored, key=stored.get)
            codes = tuple(u.unit_code for u in units.units_of(big))
            first_year = plan.years[0]  # the oldest: stored at both measurements, so the same work both times
            phases, imports = [], []
            for k, year in enumerate(plan.years):
                batch = [p for p in plan.packages if p.year == year]
                spent = 0.0
                for p in batch:
                    target.set_province(actor, p.province_code)
                    t0 = time.perf_counter()
                    result = import_package(target.db, actor, folder / p.path)
                    spent += time.perf_counter() - t0
                    assert result.new == p.records, (p.path, result.summary())
                imports.append({"year": year, "records": sum(p.records for p in batch), "seconds": spent,
                                "packages": len(batch)})
                say(f"imported {year}: {_fmt(imports[-1]['records'])} records in {spent:.0f} s")
                if k == 0 or k == len(plan.years) - 1:
                    settled = target.settle()
                    records = int(target.scalar("SELECT count(*) FROM service_records"))
                    quick = records < 100_000
                    phase = {"years": k + 1, "records": records, "sizes": _sizes(target), "settle_s": settled,
                             **_tallies(target, first_year, big, codes, repeats=21 if quick else 11,
                                        raw_repeats=7 if quick else 3)}
                    first = next(p for p in plan.packages if p.year == first_year)
                    target.set_province(actor, first.province_code)
                    phase["resend_s"], phase["resend_said"] = _resend(target, actor, folder / first.path)
                    phase["resend_records"] = first.records
                    phases.append(phase)
                    say(f"measured with {k + 1} year(s) stored")
            info["settings"] = target.settings()
    finally:
        if target is not None:
            target.close()
        shutil.rmtree(work, ignore_errors=True)
    info["load_end"] = os.getloadavg()
    info["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    info["imports"], info["phases"], info["province"] = imports, phases, big
    info["province_name"] = units.provinces()[big]
    return {"rows": _rows(info), "info": info}


def _rows(info: dict) -> list[dict]:
    rows = []
    made = info.get("made_s") or info["generate_s"]
    if made:
        reused = ", made by an earlier run" if info["generate_s"] < made / 2 else ""
        rows.append({"figure": f"national: generate {info['packages']} signed packages "
                               f"({info['communes']} communes × {info['years']} years{reused}; {made:.0f} s)",
                     "value": info["generated_records"] / made, "unit": "records/s",
                     "baseline": None, "baseline_label": "", "ratio": None, "target": "fast enough for ≥ 3M"})
    stored = 0
    for imp in info["imports"]:
        rows.append({"figure": f"national: import of {imp['year']} ({imp['packages']} packages, "
                               f"{_fmt(imp['records'])} records, {_fmt(stored)} stored before)",
                     "value": imp["records"] / imp["seconds"], "unit": "records/s", "baseline": None,
                     "baseline_label": "", "ratio": None, "target": "≥ 50.000 records/s"})
        stored += imp["records"]
    one = info["phases"][0]
    for phase in info["phases"]:
        n = f"{phase['years']} year{'s' if phase['years'] > 1 else ''} stored, {_fmt(phase['records'])} records"
        per_m = 1_000_000 / phase["records"]
        s = phase["sizes"]
        rows.append({"figure": f"national: database size per million records ({n}; records "
                               f"{s['records'] * per_m / 2**20:.0f} MB, daily tallies {s['tallies'] * per_m / 2**20:.0f} MB)",
                     "value": s["database"] * per_m / 2**20, "unit": "MB", "baseline": None, "baseline_label": "",
                     "ratio": None, "target": "docs/scale.md: disk per year"})
        for key, label in (("all", "whole database"), ("prov", f"province {info['province']}")):
            core, raw = phase[f"core_{key}"], phase[f"raw_{key}"]
            rows.append({"figure": f"national: tally of one year, {label} ({n})", "value": core, "unit": "s",
                         "baseline": raw, "baseline_label": "raw GROUP BY over the record tables, same server",
                         "ratio": core / raw, "target": "< 1 s and < the raw GROUP BY"})
            if phase is not one:
                rows.append({"figure": f"national: the same tally, {label}, {phase['years']} years against 1 year stored",
                             "value": core, "unit": "s", "baseline": one[f"core_{key}"],
                             "baseline_label": "with 1 year stored", "ratio": core / one[f"core_{key}"],
                             "target": "0,8–1,2×"})
        rows.append({"figure": f"national: re-send of a package already imported ({_fmt(phase['resend_records'])} "
                               f"records; {n})", "value": phase["resend_s"], "unit": "s", "baseline": None,
                     "baseline_label": "", "ratio": None, "target": "< 1 s"})
    return rows


def run(quick: bool) -> list[dict]:
    return measure("small" if quick else "medium")["rows"]


def _load_runner():
    spec = importlib.util.spec_from_file_location("dxdesk_bench_runner", HERE / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def report(info: dict, rows: list[dict]) -> str:
    runner = _load_runner()
    fake = [(Path("bench_national.py"), rows, None, 0.0)]
    settings = info.get("settings", {})
    started = info["started"]
    lines = [
        f"Run {started:%Y-%m-%d %H:%M} UTC by `tests/bench/bench_national.py {info['command']}`: "
        f"{info['communes']} communes × {info['years']} year(s) × ~{_fmt(info['per_commune'])} records, "
        f"{_fmt(info['generated_records'])} records in {info['packages']} packages; biggest province "
        f"{info['province']} ({info['province_name']}). Medians; baselines on the same server in the same run.",
        "",
        runner.table(fake),
        "",
        "Load average (1/5/15 min) at start " + "/".join(f"{v:.1f}" for v in info["load_start"]) + ", at end "
        + "/".join(f"{v:.1f}" for v in info["load_end"]) + f"; peak memory of the importing process "
        f"{info['peak_rss_mb']:.0f} MB.",
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in runner.machine().items() if k != "PySide6") + ".",
        "",
        "PostgreSQL: " + ", ".join(f"{k} = {v}" for k, v in settings.items()) + ".",
    ]
    last = info["phases"][-1]
    sizes = last["sizes"]
    if "uuid_index" in sizes:
        per_m = 2**20 * last["records"] / 1_000_000
        lines += ["", f"Sizes with {_fmt(last['records'])} records, per million records: the database "
                      f"{sizes['database'] / per_m:.0f} MB, the record tables {sizes['records'] / per_m:.0f} MB (their "
                      f"indexes {sizes['record_indexes'] / per_m:.0f} MB, of which the UUID index "
                      f"{sizes['uuid_index'] / per_m:.0f} MB), the daily tallies {sizes['tallies'] / per_m:.0f} MB. "
                      f"VACUUM ANALYZE + CHECKPOINT before the measurements: {last.get('settle_s', 0):.0f} s."]
    said = last.get("resend_said", "")
    if said:
        lines += ["", f"The importer on the re-sent package: “{said}”"]
    return "\n".join(lines) + "\n"


def write_doc(text: str, path: Path = DOC) -> None:
    doc = path.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(doc):
        raise SystemExit(f"{path} has no {START} … {END} block")
    path.write_text(pattern.sub(lambda _m: START + "\n" + text + END, doc), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A province or the whole country on one PostgreSQL, simulated.")
    parser.add_argument("--size", choices=list(SIZES), default="small",
                        help=", ".join(f"{k}: {c} communes × {y} years × {p}" for k, (c, y, p) in SIZES.items()))
    parser.add_argument("--communes", type=int, help="override the size's number of communes")
    parser.add_argument("--years", type=int, help="override the size's number of years")
    parser.add_argument("--per-commune", type=int, help="override the records per commune and year")
    parser.add_argument("--pg-url", help="PostgreSQL server (default: DXDESK_TEST_PG_URL, else scripts/pg-start.sh)")
    parser.add_argument("--packages", type=Path, help="keep the packages in this folder (reused by the next run)")
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database at the end")
    parser.add_argument("--write-docs", action="store_true", help=f"write the figures into {DOC.relative_to(ROOT)}")
    parser.add_argument("--from-json", type=Path, help="no run: print (and write) the report of a saved run")
    args = parser.parse_args(argv)
    if args.from_json:
        info = json.loads(args.from_json.read_text(encoding="utf-8"))
        info["started"] = dt.datetime.fromisoformat(info["started"])
        out = {"info": info, "rows": _rows(info)}
    else:
        out = _measured(args)
    text = report(out["info"], out["rows"])
    print(text)
    if args.write_docs:
        write_doc(text)
        print(f"written into {DOC}", file=sys.stderr)
    return 0


def _measured(args) -> dict:
    t0 = time.perf_counter()
    out = measure(args.size, communes=args.communes, years=args.years, per_commune=args.per_commune,
                  url=args.pg_url, packages=args.packages, keep_db=args.keep_db,
                  log=lambda text: print(f"national: {text} [{time.perf_counter() - t0:.0f} s]", file=sys.stderr,
                                         flush=True))
    saved = RESULTS / f"national-{args.size}.json"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(out["info"], default=str, indent=1), encoding="utf-8")
    print(f"national: the run's figures are in {saved} (--from-json re-prints them)", file=sys.stderr)
    return out


if __name__ == "__main__":
    sys.exit(main())
