"""Core commands: gui, init, services, demo, log, target set, stats."""

from __future__ import annotations

import datetime as dt
import os
import sys

from dxdesk.cli.argtypes import ID, NUMBER
from dxdesk.errors import UserError
from dxdesk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("gui", help=_("start the graphical application"))
    p.set_defaults(handler=cmd_gui)

    p = sub.add_parser("init", help=_("set the unit profile (QĐ 19/2025 codes)"))
    p.add_argument("--province-code", required=True)
    p.add_argument("--province")
    p.add_argument("--unit-code")
    p.add_argument("--unit")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("services", help=_("list the service catalogue"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_services)

    p = sub.add_parser("demo", help=_("fill the database with realistic demo data"))
    p.add_argument("--records", type=NUMBER, default=3000)
    p.add_argument("--seed", type=NUMBER, default=1)
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("log", help=_("record one citizen served (or, with --count, a campaign entry)"))
    p.add_argument("services", nargs="+", metavar="SERVICE")
    p.add_argument("--count", type=NUMBER, default=1)
    p.add_argument("--date")
    p.add_argument("--time", help=_("HH:MM (default: now, or 12:00 for another day)"))
    p.add_argument("--channel", default="counter")
    p.add_argument("--outcome", default="done")
    p.add_argument("--volunteer", type=ID)
    p.add_argument("--place", default="")
    p.add_argument("--note", default="")
    p.set_defaults(handler=cmd_log)

    p = sub.add_parser("target", help=_("targets per indicator and period"))
    tsub = p.add_subparsers(dest="target_command", metavar="ACTION", required=True)
    ps = tsub.add_parser("set", help=_("set a target"))
    ps.add_argument("indicator")
    ps.add_argument("value", type=NUMBER)
    ps.add_argument("--period", required=True)
    ps.add_argument("--unit", help=_("commune code (province databases)"))
    ps.set_defaults(handler=cmd_target_set)

    p = sub.add_parser("stats", help=_("the tally for a period"))
    p.add_argument("--period", required=True)
    p.add_argument("--unit", help=_("only this commune (province databases)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("check", help=_("recount the daily tallies from the records and repair any difference"))
    p.add_argument("--no-repair", action="store_true", help=_("only report differences (exit 1 when there are some)"))
    p.set_defaults(handler=cmd_check)


def has_display() -> bool:
    if sys.platform != "linux":
        return True
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def cmd_gui(ctx, args) -> int:
    if not has_display():
        raise UserError(
            _("No display found (DISPLAY is not set). Run 'dxdesk demo' and 'dxdesk stats', or start the GUI on a desktop.")
        )
    from dxdesk.ui.app import run_gui

    return run_gui(ctx)


def cmd_init(ctx, args) -> int:
    from dxdesk.settings.profile import set_profile, validate

    validate(args.province_code, args.province, args.unit_code, args.unit)  # before creating any file
    profile = set_profile(ctx.db, ctx.actor, args.province_code, args.province, args.unit_code, args.unit)
    if profile.is_province_level:
        ctx.out(_("Province-level database: {name} ({code}).").format(name=profile.province_name, code=profile.province_code))
    else:
        ctx.out(_("Unit: {name} ({codes}), {province}.").format(
            name=profile.unit_name, codes=profile.codes, province=profile.province_name))
    return 0


def cmd_services(ctx, args) -> int:
    from dxdesk.counting.catalogue import list_indicators, list_services

    services = list_services(ctx.db)
    if args.json:
        ctx.out_json([{"code": s.code, "name": s.name, "indicator": s.indicator_code} for s in services])
        return 0
    indicators = {i.code: i.name for i in list_indicators(ctx.db)}
    for s in services:
        ctx.out(f"{s.code:<14} {s.indicator_code:<14} {s.name}")
    ctx.out()
    ctx.out(_("{n} services, {m} indicators.").format(n=len(services), m=len(indicators)))
    return 0


def cmd_demo(ctx, args) -> int:
    from dxdesk import demo
    from dxdesk.clock import check_work_date
    from dxdesk.periods import parse_date

    start = parse_date(args.date_from) if args.date_from else None
    end = parse_date(args.date_to) if args.date_to else None
    for day in (start, end):
        if day is not None:
            check_work_date(day)  # the demo's records obey the same date rule as any other
    result = demo.fill(ctx.db, ctx.actor, records=args.records, seed=args.seed, start=start, end=end)
    ctx.out(_("Demo data: {v} volunteers, {s} shifts, {r} records.").format(
        v=result["volunteers"], s=result["shifts"], r=result["records"]))
    return 0


def cmd_log(ctx, args) -> int:
    from dxdesk import clock
    from dxdesk.counter.records import NewRecord, log_record
    from dxdesk.periods import parse_date
    from dxdesk.text import clean_free_text

    clean_free_text(args.note)  # refuse a CCCD-like note before anything else
    day = parse_date(args.date) if args.date else clock.today()
    if args.time:
        try:
            at = dt.datetime.strptime(args.time, "%H:%M").time()
        except ValueError:
            raise UserError(_("Invalid time '{t}': write it as HH:MM, e.g. 09:30.").format(t=args.time)) from None
    else:
        at = clock.now().time() if day == clock.today() else dt.time(12, 0)
    rec = NewRecord(
        services=args.services, occurred_at=dt.datetime.combine(day, at), channel=args.channel,
        outcome=args.outcome, volunteer_id=args.volunteer, count=args.count, is_campaign=args.count > 1,
        place=args.place, note=args.note,
    )
    record_id = log_record(ctx.db, ctx.actor, rec)
    ctx.out(record_id)
    sys.stdout.flush()
    return 0


def cmd_target_set(ctx, args) -> int:
    from dxdesk.counting.targets import set_target
    from dxdesk.periods import parse_period
    from dxdesk.vnformat import fmt_int

    period = parse_period(args.period)
    set_target(ctx.db, ctx.actor, args.indicator, args.value, period, unit_code=args.unit)
    ctx.out(_("Target {code} for {period}: {value}.").format(
        code=args.indicator.upper(), period=period.label(), value=fmt_int(args.value)))
    return 0


def cmd_stats(ctx, args) -> int:
    from dxdesk import counting
    from dxdesk.counting.words import counting_sentence
    from dxdesk.periods import parse_period
    from dxdesk.settings.profile import get_profile
    from dxdesk.vnformat import fmt_int, fmt_percent

    period = parse_period(args.period)
    profile = get_profile(ctx.db)
    unit = {
        "province_code": profile.province_code if profile else None,
        "unit_code": profile.unit_code if profile else None,
        "name": profile.display_name if profile else None,
    }
    from dxdesk.settings.profile import check_unit

    unit_code = check_unit(ctx.db, args.unit)  # one commune of a province database; else everything it holds
    if unit_code:
        from dxdesk.settings.units import find_unit

        entry = find_unit(unit_code)
        unit = {"province_code": entry.province_code, "unit_code": entry.unit_code, "name": entry.unit_name}
    result = counting.compute(ctx.db, period, unit_code)
    if args.json:
        ctx.out_json(counting.tally_json(result, unit))
        return 0
    ctx.out(f"{unit['name'] or ''} — {period.label()} ({period.start:%d/%m/%Y}–{period.end:%d/%m/%Y})")
    ctx.out(counting_sentence(result))
    ctx.out()
    ctx.out(f"{_('Indicator'):<14} {_('Count'):>10} {_('Target'):>10} {_('Achieved'):>9}")
    for row in result.indicators:
        target = fmt_int(row.target) if row.target is not None else "—"
        ctx.out(f"{row.code:<14} {fmt_int(row.count):>10} {target:>10} {fmt_percent(row.percent):>9}  {row.name}")
    return 0


def cmd_check(ctx, args) -> int:
    """`dxdesk check`: the daily tallies recomputed from the raw records and compared (repaired unless told not)."""
    from dxdesk import counting
    from dxdesk.vnformat import fmt_int

    result = counting.check(ctx.db, ctx.actor, repair=not args.no_repair)
    if result.ok:
        ctx.out(_("The daily tallies agree with the records ({n} rows checked).").format(n=fmt_int(result.rows_checked)))
        return 0
    for d in result.differences[:20]:
        ctx.out(f"{d.table}: {' · '.join(str(v) for v in d.key)}: {d.stored} -> {d.expected}")
    if result.repaired:
        ctx.out(_("{n} differences between the daily tallies and the records were repaired (see the log and the "
                  "audit log).").format(n=fmt_int(len(result.differences))))
        return 0
    ctx.out(_("{n} differences between the daily tallies and the records (not repaired).").format(
        n=fmt_int(len(result.differences))))
    return 1
