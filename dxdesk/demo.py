"""Believable demo data for a commune: ~20 volunteers, a year of Monday/Friday shifts, records whose
mix follows the Đồng Tháp article's proportions. Bulk inserts, so a million records stay quick."""

from __future__ import annotations

import datetime as dt
import os
import random
import uuid as uuidlib
from collections.abc import Callable

from sqlalchemy import func, select

from dxdesk import clock
from dxdesk.counting import store as counting_store
from dxdesk.counting.catalogue import list_services
from dxdesk.db.models import Assignment, RecordService, ServiceRecord, Shift, Team, Volunteer
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.security import audit
from dxdesk.security.actor import Actor
from dxdesk.security.permissions import require
from dxdesk.settings.profile import get_profile, set_profile
from dxdesk.text import fold

# Visits per indicator in the seed article (Tạp chí TT&TT 1+2/2024): the demo's mix.
ARTICLE_MIX = {
    "vneid": 46189, "dvc_account": 21438, "province_app": 6800, "dvc_payment": 4659, "ewallet": 4292,
    "health_app": 4500, "vssid": 3803, "sim_owner": 2000, "shop_epay": 739, "ecom_product": 189, "other": 1500,
}
# What is often done in the same visit as the first service.
COMPANIONS = {
    "vneid": ["dvc_account", "province_app", "vssid"], "dvc_account": ["dvc_payment", "vneid"],
    "ewallet": ["dvc_payment", "shop_epay"], "province_app": ["vneid", "health_app"],
}
# Outcome of a visit (weights): most are done at once, some need a second visit, a few are sent elsewhere.
OUTCOME_MIX = {"done": 88, "partial": 8, "referred": 4}
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Bùi", "Đỗ", "Hồ", "Dương", "Lâm"]
MIDDLE = ["Thị", "Văn", "Minh", "Ngọc", "Hoàng", "Thanh", "Quốc", "Thùy", "Đức", "Bảo"]
GIVEN = ["Lan", "Minh", "Hương", "Tuấn", "Thảo", "Khoa", "Như", "Phúc", "Yến", "Trí", "Vy", "Quân", "Ngân", "Duy",
         "Trâm", "Hiếu", "My", "Nhân", "Uyên", "Lộc", "Hạnh", "Tài", "Diễm", "Khánh"]
HAMLETS = ["Khóm 1", "Khóm 2", "Khóm 3", "Ấp Tân Thuận", "Ấp Mỹ Lợi"]
# Achieved ÷ target in the article (6.800 = 141,6 % …): the demo's targets are worked back from its own counts.
TARGET_RATIOS = {"APP_PROVINCE": 1.416, "EWALLET": 1.431, "SHOP_EPAY": 1.54, "ECOM_PRODUCT": 0.525}
DEMO_PROVINCE, DEMO_UNIT = "82", "28261"  # Phường Mỹ Tho, Đồng Tháp
CHUNK = 20_000


def _dates(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _uuid(rng: random.Random, salt: int) -> str:
    """A record id: the seed's draw (the demo stays the same) mixed with SALT, new at every fill, so a second demo
    with the same seed adds records instead of failing on their ids."""
    return str(uuidlib.UUID(int=rng.getrandbits(128) ^ salt, version=4))


def fill(db, actor: Actor, records: int = 3000, seed: int = 1, start: dt.date | None = None,
         end: dt.date | None = None, progress: Callable[[int, int], bool] | None = None) -> dict:
    """Fill the database with demo data; returns counts. PROGRESS(done, total) may return False to stop."""
    require(actor, "settings.manage")
    if records < 0 or records > 10_000_000:
        raise UserError(_("The number of demo records must be between 0 and 10.000.000."))
    end = end or clock.today()
    start = start or end - dt.timedelta(days=364)
    if start > end:
        raise UserError(_("The start date is after the end date."))
    rng = random.Random(seed)
    if get_profile(db) is None:
        set_profile(db, actor, DEMO_PROVINCE, unit_code=DEMO_UNIT, is_demo=True)
    profile = get_profile(db)
    unit_code = profile.unit_code if profile else None
    now = clock.now()

    with db.write() as session:
        teams = [Team(name="Tổ Công nghệ số cộng đồng phường", kind="cnscd", hamlet=None),
                 Team(name="Đội thanh niên tình nguyện chuyển đổi số", kind="youth", hamlet=None)]
        session.add_all(teams)
        session.flush()
        base = session.scalar(select(func.count()).select_from(Volunteer)) or 0
        volunteers = []
        used = set()
        for i in range(20):
            while True:
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                if name not in used:
                    used.add(name)
                    break
            weekdays = rng.choice(["", "", "mon,fri", "mon", "fri", "mon,wed,fri", "sat,sun"])
            volunteers.append(Volunteer(
                name=name, name_folded=fold(name), phone=f"09{rng.randrange(10**8):08d}",
                team_id=teams[i % 2].id, role="leader" if i == 0 else ("deputy" if i == 1 else "member"),
                youth_union=i % 2 == 1 or rng.random() < 0.4,
                skills=",".join(sorted(rng.sample(list(ARTICLE_MIX), k=rng.randint(2, 5)) + (["vneid"] if i % 3 == 0 else []))),
                weekdays=weekdays, active=i < 19, pseudonym=f"TNV-{base + i + 1:03d}", created_at=now,
            ))
        session.add_all(volunteers)
        session.flush()
        audit.record(session, actor, "demo.fill", "database", "", volunteers=len(volunteers), records=records)

    # The schedule is made the way a coordinator makes it: plan Monday/Friday (holidays skipped), auto-assign.
    from dxdesk.shifts import planning

    planning.plan(db, actor, start, end)
    planning.auto_assign(db, actor, start, end, up_to="min")
    # The coming month is planned too, as a team leader has it by now: the schedule page is not empty ahead.
    ahead_end = _end_of_next_month(end)
    planning.plan(db, actor, end + dt.timedelta(days=1), ahead_end)
    planning.auto_assign(db, actor, end + dt.timedelta(days=1), ahead_end, up_to="min")
    with db.write() as session:
        shifts = session.scalars(select(Shift).where(Shift.date >= start, Shift.date <= end,
                                                     Shift.kind == "counter")).all()
        # Only shifts that have begun: today's entries are never later than now (16:45 at 08:20 looked wrong,
        # and the entry just logged landed below them, off screen).
        counter_shifts = [(sh.id, sh.date, sh.start, sh.end) for sh in shifts
                          if dt.datetime.combine(sh.date, sh.start) < now]
        staff: dict[int, list[int]] = {}
        for assignment in session.scalars(select(Assignment).join(Shift).where(Shift.date >= start, Shift.date <= end)):
            staff.setdefault(assignment.shift_id, []).append(assignment.volunteer_id)
            if assignment.shift.date < end and rng.random() < 0.95:  # most came; the rest are no-shows
                assignment.check_in = dt.datetime.combine(assignment.shift.date, assignment.shift.start)
                assignment.check_out = dt.datetime.combine(assignment.shift.date, assignment.shift.end)
            elif assignment.shift.date < end:
                assignment.no_show = True
    shift_rows = counter_shifts

    codes = [s.code for s in list_services(db)]
    weights = [ARTICLE_MIX.get(c, 100) for c in codes]
    names = {s.code: f"{s.name} {s.short}" for s in list_services(db)}
    vol_names = {v.id: v.name for v in volunteers}
    weekend_days = [d for d in _dates(start, end) if d.weekday() >= 5]
    written = _insert_records(db, rng, records, counter_shifts, staff, weekend_days, codes, weights, names,
                              vol_names, unit_code, actor, progress)
    from dxdesk.security.auth import create_demo_users

    create_demo_users(db)
    targets = set_demo_targets(db, actor, start, end, unit_code=None) if written else 0
    return {"volunteers": len(volunteers), "shifts": len(shift_rows), "records": written, "targets": targets}


def _end_of_next_month(day: dt.date) -> dt.date:
    first_of_next = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return (first_of_next + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _nice(value: float) -> int:
    """A target as an office writes it: 4.800 rather than 4.793; small ones whole, at least 1."""
    step = 100 if value >= 5000 else 10 if value >= 300 else 5 if value >= 60 else 1
    return max(1, int(round(value / step)) * step)


def set_demo_targets(db, actor: Actor, start: dt.date, end: dt.date, unit_code: str | None = None) -> int:
    """Targets for every year, quarter and month the demo data touches, for the indicators that have one, so the
    counter, the reports and the dashboard show percentages out of the box. A year's target is worked back from
    the demo's own counts (extrapolated to the whole year) with the article's achievement ratios (141,6 %,
    143,1 %, 154 %, 52,5 %); quarters and months get a quarter and a twelfth of it. Written through
    `set_target` (audited); a target already set for a period is left as it is, and so is a period that began
    before the demo data does. Returns how many were set."""
    from dxdesk.counting import indicator_of, per_indicator, service_counts, targets_for
    from dxdesk.counting.catalogue import list_indicators
    from dxdesk.counting.targets import set_target
    from dxdesk.periods import month_period, parse_period

    require(actor, "target.manage")

    mapping = indicator_of(db)
    with_target = [i.code for i in list_indicators(db) if i.has_target]
    written = 0
    # Periods that began before the demo data does get no target (it would look missed): counts from the first
    # whole month on.
    if start.day != 1:
        start = month_period(start.year, start.month).end + dt.timedelta(days=1)
    for year in range(start.year, end.year + 1):
        first, last = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
        if first > last:
            continue
        days_covered = (last - first).days + 1
        days_in_year = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
        counts = per_indicator(service_counts(db, first, last, unit_code), mapping)
        yearly = {}
        for code in with_target:
            if counts.get(code):
                estimate = counts[code] * days_in_year / days_covered
                yearly[code] = _nice(estimate / TARGET_RATIOS.get(code, 1.0))
        periods = [(parse_period(str(year)), 1)]
        periods += [(parse_period(f"{year}-Q{q}"), 4) for q in range(1, 5)
                    if dt.date(year, 3 * q - 2, 1) <= last and first <= month_period(year, 3 * q).end]
        periods += [(month_period(year, m), 12) for m in range(first.month, last.month + 1)]
        for period, parts in periods:
            if period.start < start:
                continue
            existing = targets_for(db, period, unit_code)
            for code, value in yearly.items():
                if code not in existing:
                    set_target(db, actor, code, _nice(value / parts) if parts > 1 else value, period, unit_code)
                    written += 1
    return written


def _insert_records(db, rng, records, counter_shifts, staff, weekend_days, codes, weights, names, vol_names,
                    unit_code, actor, progress) -> int:
    sqlite = db.is_sqlite
    salt = int.from_bytes(os.urandom(16), "big")  # new record ids at every demo, whatever the seed

    def fmt(value):
        if not sqlite or value is None:
            return value
        if isinstance(value, dt.datetime):  # SQLAlchemy's SQLite storage format
            return value.isoformat(" ") + (".000000" if not value.microsecond else "")
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, bool):
            return int(value)
        return value

    rec_cols = ["id", "uuid", "unit_code", "work_date", "occurred_at", "entered_at", "entered_by", "volunteer_id",
                "shift_id", "channel", "outcome", "duration_s", "count", "is_campaign", "place", "age_band", "sex",
                "note", "search_text", "voided", "void_reason", "origin"]
    svc_cols = ["record_id", "service_code", "count"]
    written = 0
    with db.session() as session:
        next_id = (session.scalar(select(func.max(ServiceRecord.id))) or 0) + 1
    outcomes, outcome_w = list(OUTCOME_MIX), list(OUTCOME_MIX.values())
    search_cache: dict[tuple, str] = {}

    def search_text(chosen: list[str], volunteer: int, place: str) -> str:
        key = (tuple(chosen), volunteer, place)
        if key not in search_cache:
            search_cache[key] = fold(" ".join([*(names[c] for c in chosen), vol_names.get(volunteer, ""), place]))
        return search_cache[key]

    ages = [None, "u18", "18-34", "35-59", "60+"]
    now = clock.now()
    while written < records:
        batch = min(CHUNK, records - written)
        rec_rows, svc_rows = [], []
        for _i in range(batch):
            campaign = weekend_days and rng.random() < 0.01
            first = rng.choices(codes, weights)[0]
            chosen = [first]
            if not campaign and first in COMPANIONS and rng.random() < 0.3:
                extra = rng.choice(COMPANIONS[first])
                if extra in codes:
                    chosen.append(extra)
            if campaign or not counter_shifts:
                day = rng.choice(weekend_days) if weekend_days else clock.today()
                when = min(now, dt.datetime.combine(day, dt.time(rng.randint(7, 10), rng.randrange(60))))
                shift_id, volunteer, channel = None, rng.choice(list(vol_names)), "outreach"
                count = rng.randint(10, 120) if campaign else 1
                place = "Chợ phường" if campaign else ""
            else:
                shift_id, day, begin, finish = rng.choice(counter_shifts)
                span = (finish.hour * 60 + finish.minute) - (begin.hour * 60 + begin.minute)
                minute = begin.hour * 60 + begin.minute + int(span * rng.betavariate(2, 3))
                when = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randrange(60)))
                if when > now:  # a shift in progress: entries up to now only
                    started = dt.datetime.combine(day, begin)
                    when = started + (now - started) * rng.random()
                volunteer = rng.choice(staff.get(shift_id) or list(vol_names))
                channel, count, place = "counter", 1, ""
            rid = next_id + written + _i
            entered = min(now, when + dt.timedelta(seconds=rng.randint(5, 90)))
            rec_rows.append(tuple(fmt(v) for v in (
                rid, _uuid(rng, salt), unit_code, when.date(), when, entered,
                actor.username, volunteer, shift_id, channel, rng.choices(outcomes, outcome_w)[0],
                rng.randint(120, 900), count, bool(count > 1), place, rng.choice(ages), rng.choice([None, "F", "M"]),
                "", search_text(chosen, volunteer, place), False, "",
                "local",
            )))
            svc_rows.extend((rid, code, count) for code in chosen)
        with db.write() as session:
            conn = session.connection()
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            conn.exec_driver_sql(
                f"INSERT INTO {ServiceRecord.__tablename__} ({', '.join(rec_cols)}) VALUES ({', '.join([mark] * len(rec_cols))})",
                rec_rows,
            )
            conn.exec_driver_sql(
                f"INSERT INTO {RecordService.__tablename__} ({', '.join(svc_cols)}) VALUES ({', '.join([mark] * len(svc_cols))})",
                svc_rows,
            )
            counting_store.add_id_range(conn, next_id + written, next_id + written + batch)
        written += batch
        if progress and progress(written, records) is False:
            break
    if not sqlite and written:
        with db.write() as session:  # explicit ids above: move the sequences past them
            for table in (ServiceRecord.__tablename__, RecordService.__tablename__):
                session.connection().exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
    return written
