"""Signed upload packages for N communes of the official unit list (QĐ 19/2025), for the national-scale bench.

    .venv/bin/python tests/bench/national.py OUT_DIR --communes 204 --years 3 --per-commune 5000

How the packages are made: per province, a throwaway province database (SQLite, in OUT_DIR/sources) is filled
with generated records of the chosen communes (bulk inserts, the daily tallies kept in step through
`counting.store.add_id_range`), then the core's own writer, `dxdesk.exchange.export.export_package(...,
unit_code=COMMUNE)`, writes one package per commune and year: records.csv, tally.xlsx, manifest.json and
signature.json exactly as a province database re-exporting one commune does. Each is signed by its
province database's key; the province's enrolment file (`trust.export_enrolment`) is written next to them,
so the receiving database trusts the key the ordinary way (`trust.enrol`). Nothing of the format is written
here.

What the records look like (Đồng Tháp article and docs/DOMAIN.md): services drawn with the article's visit
counts (`demo.ARTICLE_MIX`) and its companions (`demo.COMPANIONS`, 30 %); outcomes `demo.OUTCOME_MIX`;
COUNTER_SHARE of the visits at the counter on Mondays and Fridays that are not days off (`calendar_vn`),
in a morning (07:30–11:30) or an afternoon (13:30–17:00) session; the rest at weekend outreach (Saturday,
Sunday, 07:00–11:00 or 14:00–17:00), one in CAMPAIGN_EVERY of them a campaign entry of 10–120 people at the
market; VOIDED_SHARE voided. A commune's yearly volume varies ±50 % around the size asked for (a big ward
serves more than a mountain commune), so the total is close to, not exactly, communes × years × size.
No volunteer, age or sex: the package carries none that the roll-up stores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

COUNTER_SHARE = 0.85  # visits at the Monday/Friday counter; the rest at weekend outreach
CAMPAIGN_EVERY = 20  # one outreach entry in 20 is a campaign entry (10–120 people)
VOIDED_SHARE = 0.005
COMPANION_SHARE = 0.3
MORNING, AFTERNOON = (7 * 60 + 30, 11 * 60 + 30), (13 * 60 + 30, 17 * 60)
OUT_MORNING, OUT_AFTERNOON = (7 * 60, 11 * 60), (14 * 60, 17 * 60)
PLAN_FILE = "plan.json"


@dataclass
class Package:
    path: str  # relative to the output folder
    province_code: str
    unit_code: str
    year: int
    records: int


@dataclass
class Plan:
    """What was generated: the packages (in the order to import them: by year, oldest first, then province)
    and the enrolment file of each province's key."""

    communes: int
    years: list[int]
    per_commune: int
    seed: int
    packages: list[Package] = field(default_factory=list)
    enrolments: dict[str, str] = field(default_factory=dict)  # province code -> enrolment file
    seconds: float = 0.0

    @property
    def records(self) -> int:
        return sum(p.records for p in self.packages)

    def key(self) -> dict:
        return {"communes": self.communes, "years": sorted(self.years), "per_commune": self.per_commune, "seed": self.seed}

    def save(self, folder: Path) -> None:
        (folder / PLAN_FILE).write_text(json.dumps(asdict(self), indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> Plan | None:
        try:
            data = json.loads((folder / PLAN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        plan = cls(data["communes"], data["years"], data["per_commune"], data["seed"],
                   [Package(**p) for p in data["packages"]], data["enrolments"], data.get("seconds", 0.0))
        if not all((folder / p.path).is_file() for p in plan.packages):
            return None
        return plan


def choose_communes(n: int) -> list:
    """N communes of the official list spread over every province: round-robin over the provinces, each
    province's communes taken evenly along its list (all 3.321 when N is that large)."""
    from dxdesk.settings import units

    by_province: dict[str, list] = {}
    for entry in units.all_units():
        by_province.setdefault(entry.province_code, []).append(entry)
    n = min(n, sum(map(len, by_province.values())))
    share = {p: 0 for p in by_province}
    while sum(share.values()) < n:
        for p, entries in by_province.items():
            if share[p] < len(entries) and sum(share.values()) < n:
                share[p] += 1
    chosen = []
    for p, entries in by_province.items():
        k = share[p]
        chosen += [entries[(i * len(entries)) // k] for i in range(k)] if k else []
    return chosen


def default_years(count: int) -> list[int]:
    """The COUNT last whole years, oldest first: the order they accumulate in, and the bench imports them in."""
    from dxdesk import clock

    last = clock.today().year - 1
    return [last - k for k in reversed(range(count))]


def generate(out: Path, communes: int, years: int | list[int], per_commune: int, seed: int = 1,
             progress: Callable[[str], None] | None = None) -> Plan:
    """Make the packages in OUT (a folder); reuse them when OUT already holds the very same plan."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    year_list = default_years(years) if isinstance(years, int) else list(years)
    plan = Plan(communes, year_list, per_commune, seed)
    old = Plan.load(out)
    if old is not None and old.key() == plan.key():
        order = {y: i for i, y in enumerate(year_list)}
        old.years = year_list
        old.packages.sort(key=lambda p: (order[p.year], p.province_code, p.unit_code))
        return old
    t0 = time.perf_counter()
    chosen = choose_communes(communes)
    by_province: dict[str, list] = {}
    for entry in chosen:
        by_province.setdefault(entry.province_code, []).append(entry)
    made: list[Package] = []
    rng = random.Random(seed)
    for province, entries in by_province.items():
        made += _province(out, province, entries, year_list, per_commune, rng, plan)
        if progress:
            progress(f"{province}: {len(entries)} communes, {sum(p.records for p in made):,} records so far, "
                     f"{time.perf_counter() - t0:.0f} s")
    order = {y: i for i, y in enumerate(year_list)}
    plan.packages = sorted(made, key=lambda p: (order[p.year], p.province_code, p.unit_code))
    plan.seconds = time.perf_counter() - t0
    plan.save(out)
    return plan


def _province(out: Path, province: str, entries: list, years: list[int], per_commune: int, rng: random.Random,
              plan: Plan) -> list[Package]:
    from dxdesk.counting.catalogue import list_services
    from dxdesk.database import open_database
    from dxdesk.exchange import trust
    from dxdesk.exchange.export import export_package
    from dxdesk.paths import AppPaths
    from dxdesk.periods import parse_period
    from dxdesk.security.actor import cli_actor
    from dxdesk.settings.profile import set_profile
    from dxdesk.shifts import calendar_vn

    actor = cli_actor()
    source_dir = Path(tempfile.mkdtemp(prefix=f"source-{province}-", dir=out))
    db = open_database(None, AppPaths(source_dir).ensure())
    try:
        set_profile(db, actor, province)
        codes = [s.code for s in list_services(db)]
        made: list[Package] = []
        for year in sorted(years):
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
            off = calendar_vn.days_off(db, start, end)
            days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
            counter_days = [d for d in days if d.weekday() in (0, 4) and d not in off]
            weekend_days = [d for d in days if d.weekday() >= 5]
            sizes = {e.unit_code: max(1, round(per_commune * rng.uniform(0.5, 1.5))) for e in entries}
            _fill(db, actor, rng, codes, counter_days, weekend_days, sizes)
            period = parse_period(str(year))
            for entry in entries:
                name = f"{year}/{province}-{entry.unit_code}.zip"
                (out / str(year)).mkdir(exist_ok=True)
                result = export_package(db, actor, period, out / name, unit_code=entry.unit_code)
                made.append(Package(name, province, entry.unit_code, year, result.records))
        enrolment = trust.export_enrolment(db, actor, out / f"enrol-{province}.json")
        plan.enrolments[province] = enrolment.path.name
        return made
    finally:
        db.dispose()
        shutil.rmtree(source_dir, ignore_errors=True)


REC_COLS = ("id", "uuid", "unit_code", "work_date", "occurred_at", "entered_at", "entered_by", "channel", "outcome",
            "count", "is_campaign", "place", "note", "search_text", "voided", "void_reason", "origin")


def _fill(db, actor, rng: random.Random, codes: list[str], counter_days: list, weekend_days: list,
          sizes: dict[str, int]) -> None:
    """Insert the records of one year for the communes of SIZES (unit code -> records) in one transaction of
    the SQLite source database, the daily tallies kept in step (`counting.store.add_id_range`)."""
    from dxdesk import demo
    from dxdesk.counting import store as counting_store

    weights = [demo.ARTICLE_MIX.get(c, 100) for c in codes]
    outcomes, outcome_w = list(demo.OUTCOME_MIX), list(demo.OUTCOME_MIX.values())
    companions = {k: [c for c in v if c in codes] for k, v in demo.COMPANIONS.items() if k in codes}
    user, random_, randrange, getrandbits = actor.username[:60], rng.random, rng.randrange, rng.getrandbits
    insert_records = (f"INSERT INTO service_records ({', '.join(REC_COLS)}) "
                      f"VALUES ({', '.join(['?'] * len(REC_COLS))})")
    with db.write() as session:
        conn = session.connection()
        first = rid = (conn.exec_driver_sql("SELECT max(id) FROM service_records").scalar() or 0) + 1
        for unit, n in sizes.items():
            n_counter = round(n * COUNTER_SHARE)
            days = rng.choices(counter_days, k=n_counter) + rng.choices(weekend_days, k=n - n_counter)
            firsts = rng.choices(codes, weights, k=n)
            results = rng.choices(outcomes, outcome_w, k=n)
            visits = []
            for i in range(n):
                counter = i < n_counter
                if counter:
                    lo, hi = MORNING if random_() < 0.6 else AFTERNOON
                else:
                    lo, hi = OUT_MORNING if random_() < 0.6 else OUT_AFTERNOON
                minute = lo + int((hi - lo) * random_())
                campaign = not counter and random_() * CAMPAIGN_EVERY < 1
                first_code = firsts[i]
                chosen = (first_code,)
                if not campaign and first_code in companions and random_() < COMPANION_SHARE:
                    extra = companions[first_code][randrange(len(companions[first_code]))]
                    chosen = (first_code, extra)
                visits.append((f"{days[i].isoformat()} {minute // 60:02d}:{minute % 60:02d}:{randrange(60):02d}.000000",
                               "counter" if counter else "outreach", results[i],
                               randrange(10, 121) if campaign else 1, random_() < VOIDED_SHARE, chosen))
            visits.sort()  # ids in the order the work was done, as at a real counter
            rec_rows, svc_rows = [], []
            for occurred, channel, outcome, count, voided, chosen in visits:
                rec_rows.append((rid, str(uuidlib.UUID(int=getrandbits(128), version=4)), unit, occurred[:10],
                                 occurred, occurred, user, channel, outcome, count, int(count > 1),
                                 "Chợ" if count > 1 else "", "", "", int(voided),
                                 "nhập trùng" if voided else "", "local"))
                svc_rows.extend((rid, code, count) for code in chosen)
                rid += 1
            conn.exec_driver_sql(insert_records, rec_rows)
            conn.exec_driver_sql("INSERT INTO record_services (record_id, service_code, count) VALUES (?, ?, ?)",
                                 svc_rows)
        counting_store.add_id_range(conn, first, rid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Make signed upload packages for N communes (national bench).")
    parser.add_argument("out", type=Path, help="folder for the packages (reused when it holds the same plan)")
    parser.add_argument("--communes", type=int, default=34)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--per-commune", type=int, default=5000, help="records per commune and year (average)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with throwaway_keyring():
        plan = generate(args.out, args.communes, args.years, args.per_commune, args.seed,
                        progress=lambda text: print(text, file=sys.stderr, flush=True))
    print(f"{len(plan.packages)} packages, {plan.records:,} records in {plan.seconds:.0f} s -> {args.out}")
    return 0


class throwaway_keyring:  # noqa: N801 - used as a context manager, like contextlib's
    """The keys of the throwaway databases live in this process only: a developer's own keyring (Secret Service,
    Credential Manager) never fills with them. The previous keyring is put back on exit."""

    def __enter__(self):
        import keyring
        from keyring.backend import KeyringBackend

        class _Memory(KeyringBackend):
            priority = 1

            def __init__(self):
                super().__init__()
                self.store: dict = {}

            def get_password(self, service, username):
                return self.store.get((service, username))

            def set_password(self, service, username, password):
                self.store[(service, username)] = password

            def delete_password(self, service, username):
                self.store.pop((service, username), None)

        self.previous = keyring.get_keyring()
        keyring.set_keyring(_Memory())
        return self

    def __exit__(self, *exc):
        import keyring

        keyring.set_keyring(self.previous)
        return False


if __name__ == "__main__":
    sys.exit(main())
