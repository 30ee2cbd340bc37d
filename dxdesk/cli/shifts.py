"""`shifts plan|list|auto-assign|ics|assign` and `report roster|hours` (issue #4)."""

from __future__ import annotations

from pathlib import Path

from dxdesk.cli.argtypes import ID
from dxdesk.errors import UserError
from dxdesk.i18n import _


def _range(sp) -> None:
    sp.add_argument("--from", dest="date_from", required=True, metavar="DATE")
    sp.add_argument("--to", dest="date_to", required=True, metavar="DATE")


def register(sub) -> None:
    p = sub.add_parser("shifts", help=_("plan and fill the shift roster"))
    cmds = p.add_subparsers(dest="shifts_cmd", metavar="COMMAND", required=True)
    plan = cmds.add_parser("plan", help=_("create the counter shifts of a date range, skipping public holidays"))
    _range(plan)
    plan.add_argument("--weekdays", metavar="mon,fri", help=_("weekdays (default: the shift rule)"))
    plan.set_defaults(handler=cmd_plan)
    ls = cmds.add_parser("list", help=_("list shifts with their volunteers"))
    _range(ls)
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)
    auto = cmds.add_parser("auto-assign", help=_("fill the shifts fairly"))
    _range(auto)
    auto.add_argument("--up-to", choices=("min", "max"), default="min",
                      help=_("fill each shift to its minimum (default) or maximum"))
    auto.set_defaults(handler=cmd_auto)
    ics = cmds.add_parser("ics", help=_("iCalendar export"))
    _range(ics)
    ics.add_argument("--out", required=True, metavar="FILE.ics")
    ics.add_argument("--volunteer", type=ID, metavar="ID")
    ics.set_defaults(handler=cmd_ics)
    assign = cmds.add_parser("assign", help=_("put a volunteer on a shift"))
    assign.add_argument("shift", type=ID, metavar="SHIFT_ID")
    assign.add_argument("volunteer", type=ID, metavar="VOLUNTEER_ID")
    assign.add_argument("--force", action="store_true",
                        help=_("accept 'not available that weekday' and 'shift full'"))
    assign.set_defaults(handler=cmd_assign)


def _dates(args):
    from dxdesk.periods import parse_date

    start, end = parse_date(args.date_from), parse_date(args.date_to)
    if end < start:
        raise UserError(_("The start date is after the end date."))
    return start, end


def cmd_plan(ctx, args) -> int:
    from dxdesk.shifts.planning import plan
    from dxdesk.vnformat import fmt_date, weekday_name

    start, end = _dates(args)
    result = plan(ctx.db, ctx.actor, start, end, weekdays=args.weekdays)
    ctx.out(_("Created {created} shifts ({existing} already planned).").format(
        created=result.created, existing=result.existing))
    if result.skipped:
        ctx.out(_("Skipped {n} days:").format(n=len(result.skipped)))
        for day, why in result.skipped:
            ctx.out(f"  {weekday_name(day)} {fmt_date(day)}: {why}")
    for day, why in result.suggestions:
        ctx.out(_("Suggestion: {weekday} {date} is a working day ({why}); not planned.").format(
            weekday=weekday_name(day), date=fmt_date(day), why=why))
    for shift_id, day, why, staffed in result.on_days_off:
        ctx.out(_("Warning: shift {id} on {date} falls on a day off ({why}); {n} volunteers assigned. "
                  "Cancel it or keep it on purpose.").format(id=shift_id, date=fmt_date(day), why=why, n=staffed))
    return 0


def cmd_list(ctx, args) -> int:
    from dxdesk.shifts.planning import list_shifts
    from dxdesk.vnformat import fmt_date, weekday_name

    start, end = _dates(args)
    shifts = list_shifts(ctx.db, start, end)
    if args.json:
        ctx.out_json([{"id": s.id, "date": s.date.isoformat(), "start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}",
                       "kind": s.kind, "place": s.place or s.reception_point, "min": s.min_staff, "max": s.max_staff,
                       "volunteers": [{"id": v.volunteer_id, "name": v.name} for v in s.assigned]}
                      for s in shifts if not s.cancelled])
        return 0
    for s in shifts:
        flags = []
        if s.cancelled:
            flags.append(_("cancelled"))
        elif s.understaffed:
            flags.append(_("understaffed"))
        flags += s.problems
        names = ", ".join(v.name for v in s.assigned) or "—"
        ctx.out(f"{s.id:>5} {weekday_name(s.date):<9} {fmt_date(s.date)} {s.start:%H:%M}–{s.end:%H:%M} "
                f"{len(s.assigned)}/{s.min_staff}–{s.max_staff} {names}" + (f"  [{'; '.join(flags)}]" if flags else ""))
    ctx.out(_("{n} shifts.").format(n=len(shifts)))
    return 0


def cmd_auto(ctx, args) -> int:
    from dxdesk.shifts.planning import auto_assign, auto_assign_summary

    start, end = _dates(args)
    r = auto_assign(ctx.db, ctx.actor, start, end, up_to=args.up_to)
    for line in auto_assign_summary(ctx.db, r):
        ctx.out(line)
    return 0


def cmd_ics(ctx, args) -> int:
    from dxdesk.shifts.ical import export_ics

    start, end = _dates(args)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    n = export_ics(ctx.db, start, end, out, volunteer_id=args.volunteer)
    ctx.out(_("Wrote {path}: {n} shifts.").format(path=out, n=n))
    return 0


def cmd_assign(ctx, args) -> int:
    from dxdesk.shifts.planning import assign

    assign(ctx.db, ctx.actor, args.shift, args.volunteer, force=args.force)
    ctx.out(_("Assigned."))
    return 0


def register_report(kinds) -> None:
    for kind, helptext in (("roster", _("the shift roster (PDF)")), ("hours", _("volunteer hours (PDF)"))):
        p = kinds.add_parser(kind, help=helptext)
        p.add_argument("--period", required=True, metavar="P")
        p.add_argument("--out", required=True, metavar="FILE.pdf")
        p.set_defaults(handler=cmd_report, report_what=kind)


def cmd_report(ctx, args) -> int:
    from dxdesk.periods import parse_period
    from dxdesk.reports.roster import hours_pdf, roster_pdf
    from dxdesk.shifts import sheets as schedule_sheets

    period = parse_period(args.period)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    if args.report_what == "roster":
        pdf = roster_pdf(schedule_sheets.roster_sheet(ctx.db, ctx.actor, period))
    else:
        pdf = hours_pdf(schedule_sheets.hours_sheet(ctx.db, ctx.actor, period))
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise UserError(_("The file could not be written: {reason}").format(reason=exc.strerror or str(exc))) from None
    ctx.out(_("Wrote {path}.").format(path=out))
    return 0
