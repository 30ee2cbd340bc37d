"""PostgreSQL keeps the daily tallies partitioned by year (migration 0006): a year's tally reads that year's
partition only, so it costs the same whatever other years the server stores (issue #13; bench_tally measures it)."""

from __future__ import annotations

import datetime as dt

from dxdesk import counting
from dxdesk.counter.records import NewRecord, log_record
from dxdesk.periods import parse_period

TABLES = ("tally_daily", "tally_daily_subjects", "tally_daily_services", "tally_daily_visits")


def test_a_years_tally_reads_only_that_year(pg_url, home, admin):
    from dxdesk.database import open_database

    db = open_database(pg_url, home)
    try:
        for year in (2024, 2025):
            for day in (dt.datetime(year, 3, 2, 9), dt.datetime(year, 11, 6, 14)):
                log_record(db, admin, NewRecord(services=["vneid"], occurred_at=day))
        with db.engine.connect() as conn:
            partitioned = {r[0] for r in conn.exec_driver_sql(
                "SELECT c.relname FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid")}
            assert set(TABLES) <= partitioned
            # the rows of each year sit in that year's partition
            assert conn.exec_driver_sql("SELECT sum(n) FROM tally_daily_y2025").scalar() == 2
            assert conn.exec_driver_sql("SELECT sum(n) FROM tally_daily_y2024").scalar() == 2
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(
                "EXPLAIN SELECT service_code, sum(n) FROM tally_daily "
                "WHERE work_date >= '2025-01-01' AND work_date <= '2025-12-31' GROUP BY service_code"))
        assert "tally_daily_y2025" in plan and "tally_daily_y2024" not in plan, plan
        tally = counting.compute(db, parse_period("2025"))
        assert tally.citizens == 2 and {s.code: s.count for s in tally.services}["vneid"] == 2
    finally:
        db.dispose()


def test_a_report_asked_for_again_and_again_is_planned_for_its_own_values(pg_url, home, admin):
    """No server-side prepared statements: psycopg would prepare a tally run 5 times on a connection, and after
    5 more runs PostgreSQL would plan it once for any communes and dates — a province's tally went from 4–5 ms to
    72 ms from the 11th time a session asked for it (bench_national). Each run is planned for its own values."""
    from dxdesk.database import open_database

    db = open_database(pg_url, home)
    try:
        log_record(db, admin, NewRecord(services=["vneid"], occurred_at=dt.datetime(2025, 3, 3, 9)), unit_code="28249")
        period = parse_period("2025")
        for _ in range(12):
            for units in (None, ("28249", "28261")):
                assert counting.compute(db, period, units).citizens == 1
        with db.engine.connect() as conn:  # the pool's one connection, which ran every tally above
            assert conn.exec_driver_sql("SELECT count(*) FROM pg_prepared_statements").scalar() == 0
    finally:
        db.dispose()
