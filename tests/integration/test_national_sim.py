"""The national-scale simulation's packages (tests/bench/national.py): communes from the official list, signed
packages the ordinary importer takes, records that look like the teams' work (Monday/Friday counter, weekend
outreach, the article's service mix)."""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from pathlib import Path

from dxdesk import counting
from dxdesk.database import open_database
from dxdesk.exchange import trust
from dxdesk.exchange.importer import import_package
from dxdesk.paths import AppPaths
from dxdesk.periods import parse_period
from dxdesk.settings import units
from dxdesk.settings.profile import set_profile

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import national  # noqa: E402


def test_communes_are_spread_over_every_province_of_the_official_list():
    one_each = national.choose_communes(34)
    assert sorted(u.province_code for u in one_each) == sorted(units.provinces())
    everyone = national.choose_communes(10_000)
    assert len({u.unit_code for u in everyone}) == len(units.all_units()) == 3321


def test_generated_packages_import_with_their_province_key_and_look_like_the_work(tmp_path, admin):
    plan = national.generate(tmp_path / "packages", communes=2, years=[2024], per_commune=400, seed=3)
    assert len(plan.packages) == 2 and plan.records == sum(p.records for p in plan.packages) > 300
    again = national.generate(tmp_path / "packages", communes=2, years=[2024], per_commune=400, seed=3)
    assert again.packages == plan.packages  # the same plan in the same folder is reused, not made again

    package = plan.packages[0]
    province = package.province_code
    db = open_database(None, AppPaths(tmp_path / "province").ensure())
    set_profile(db, admin, province)
    enrolment = trust.read_enrolment(tmp_path / "packages" / plan.enrolments[province])
    trust.enrol(db, admin, enrolment.path, enrolment.fingerprint)
    result = import_package(db, admin, tmp_path / "packages" / package.path)
    assert result.new == package.records and result.unit_code == package.unit_code

    with db.engine.connect() as c:
        rows = c.exec_driver_sql("SELECT work_date, channel, count FROM service_records").all()
        services = Counter(dict(c.exec_driver_sql(
            "SELECT service_code, count(*) FROM record_services GROUP BY service_code").all()))
    days = Counter((channel, dt.date.fromisoformat(str(day)[:10]).weekday()) for day, channel, _n in rows)
    assert {wd for (channel, wd) in days if channel == "counter"} <= {0, 4}  # Mondays and Fridays
    assert {wd for (channel, wd) in days if channel == "outreach"} <= {5, 6}  # weekends
    counter = sum(n for (channel, _wd), n in days.items() if channel == "counter")
    assert 0.75 < counter / len(rows) < 0.95
    assert services.most_common(1)[0][0] == "vneid"  # the article's first service
    tally = counting.compute(db, parse_period("2024"), package.unit_code)
    with db.engine.connect() as c:  # the commune's figures are its imported work, voided entries left out
        given = dict(c.exec_driver_sql(
            "SELECT rs.service_code, sum(rs.count) FROM record_services rs JOIN service_records r ON r.id = rs.record_id "
            "WHERE NOT r.voided GROUP BY rs.service_code").all())
    assert {s.code: s.count for s in tally.services if s.count} == given
