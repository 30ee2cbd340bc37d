"""`settings-package make|apply` (the downward settings package, province or ward → communes) and
`service set` (the catalogue it carries)."""

from __future__ import annotations

from pathlib import Path

from dxdesk.cli.argtypes import ID
from dxdesk.i18n import _


def register(sub) -> None:
    register_service(sub)
    p = sub.add_parser("settings-package", help=_("settings packages from the province to the communes"))
    psub = p.add_subparsers(dest="settings_command", metavar="ACTION", required=True)

    pm = psub.add_parser("make", help=_("write a settings package: targets, catalogue, guide links, calendar days"))
    pm.add_argument("--out", required=True, metavar="FILE.zip")
    pm.add_argument("--period", action="append", default=[], metavar="P",
                    help=_("send the targets of this period (may be repeated)"))
    pm.add_argument("--unit", action="append", default=[], metavar="CODE",
                    help=_("only for this commune (may be repeated; default: every commune of the province)"))
    pm.add_argument("--no-catalogue", action="store_true", help=_("leave the service catalogue out"))
    pm.add_argument("--no-guides", action="store_true", help=_("leave the QR guides out"))
    pm.add_argument("--no-holidays", action="store_true", help=_("leave the calendar days out"))
    pm.add_argument("--note", default="", help=_("a short note for the communes"))
    pm.add_argument("--serial", type=ID, metavar="N",
                    help=_("number this package N (and the next ones from there), e.g. after restoring a backup"))
    pm.set_defaults(handler=cmd_make)

    pa = psub.add_parser("apply", help=_("check a settings package and apply it (or only show it)"))
    pa.add_argument("file", metavar="FILE.zip")
    pa.add_argument("--preview", action="store_true", help=_("only show what would change; write nothing"))
    pa.set_defaults(handler=cmd_apply)

    ps = psub.add_parser("status", help=_("the last package applied from each sender"))
    ps.set_defaults(handler=cmd_status)
    pf = psub.add_parser("forget", help=_("forget the last package of a sender, so its numbering may start again"))
    pf.add_argument("issuer", metavar="SENDER", help=_("as `status` shows it, e.g. 82:-"))
    pf.set_defaults(handler=cmd_forget)


def cmd_make(ctx, args) -> int:
    from dxdesk.exchange.settings_package import make_settings_package
    from dxdesk.periods import parse_period

    periods = [parse_period(p) for p in args.period]
    made = make_settings_package(ctx.db, ctx.actor, Path(args.out), periods=periods, recipients=args.unit or None,
                                 catalogue=not args.no_catalogue, guides=not args.no_guides,
                                 holidays=not args.no_holidays, note=args.note, serial=args.serial)
    ctx.out(_("Settings package no. {serial}: {file} for {n} communes: {targets} targets, {services} services, "
              "{guides} guides, {holidays} calendar days.").format(
        serial=made.serial, file=made.path, n=made.recipients, targets=made.targets, services=made.services,
        guides=made.guides, holidays=made.holidays))
    ctx.out(f"SHA-256: {made.sha256}")
    return 0


def cmd_status(ctx, args) -> int:
    from dxdesk.exchange.settings_package import applied_packages

    applied = applied_packages(ctx.db)
    if not applied:
        ctx.out(_("No settings package has been applied here."))
    for issuer, last in sorted(applied.items()):
        ctx.out(_("{issuer}: no. {serial}, made {made}, applied {at}").format(
            issuer=issuer, serial=last["serial"], made=last.get("created_at", ""), at=last.get("applied_at", "")))
    return 0


def cmd_forget(ctx, args) -> int:
    from dxdesk.exchange.settings_package import forget_issuer

    last = forget_issuer(ctx.db, ctx.actor, args.issuer)
    ctx.out(_("Forgotten: package no. {serial} of {issuer}. The next package from it is accepted whatever its "
              "number.").format(serial=last["serial"], issuer=args.issuer))
    return 0


def cmd_apply(ctx, args) -> int:
    from dxdesk.exchange.settings_package import apply_settings_package, preview_settings_package

    fn = preview_settings_package if args.preview else apply_settings_package
    plan = fn(ctx.db, ctx.actor, Path(args.file))
    if plan.note:
        ctx.out(_("Note from {issuer}: {note}").format(issuer=plan.issuer_name, note=plan.note))
    for change in plan.changes:
        ctx.out(f"{change.kind_label()}\t{change.key}\t{change.before}\t→ {change.after}")
    ctx.out(plan.summary())
    return 0


def register_service(sub) -> None:
    p = sub.add_parser("service", help=_("change the service catalogue (a province, before sending it)"))
    psub = p.add_subparsers(dest="service_command", metavar="ACTION", required=True)
    ps = psub.add_parser("set", help=_("add a service or change its names, indicator or state"))
    ps.add_argument("code", metavar="CODE")
    ps.add_argument("--indicator", metavar="INDICATOR")
    ps.add_argument("--name", help=_("Vietnamese name"))
    ps.add_argument("--short", help=_("Vietnamese short name (the counter's button)"))
    ps.add_argument("--name-en")
    ps.add_argument("--short-en")
    state = ps.add_mutually_exclusive_group()
    state.add_argument("--inactive", dest="active", action="store_false", default=None, help=_("retire the service"))
    state.add_argument("--active", dest="active", action="store_true", help=_("offer the service again"))
    ps.set_defaults(handler=cmd_service_set)


def cmd_service_set(ctx, args) -> int:
    from dxdesk.counting.catalogue import save_service

    info = save_service(ctx.db, ctx.actor, args.code, indicator_code=args.indicator, name_vi=args.name,
                        short_vi=args.short, name_en=args.name_en, short_en=args.short_en, active=args.active)
    state = _("active") if info.active else _("inactive")
    ctx.out(f"{info.code}\t{info.indicator_code}\t{info.name}\t{state}")
    return 0
