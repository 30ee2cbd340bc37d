"""Data exchange commands: export (the upload package) and import (roll-up of packages)."""

from __future__ import annotations

import sys
from pathlib import Path

from dxdesk.errors import UserError
from dxdesk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("export", help=_("write the upload package of a period (.zip)"))
    p.add_argument("--period", required=True)
    p.add_argument("--out", required=True, metavar="FILE.zip")
    p.add_argument("--with-personal-data", action="store_true",
                   help=_("also export notes, places, volunteer names and phones, consented contacts"))
    p.add_argument("--yes", action="store_true", help=_("confirm an export with personal data"))
    p.add_argument("--with-report", action="store_true",
                   help=_("also put the tally report of the period (report.pdf) in the package"))
    p.add_argument("--unit", metavar="CODE",
                   help=_("on a province database: the commune whose records are exported"))
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", help=_("merge packages (roll-up), each whole or not at all"))
    p.add_argument("files", nargs="+", metavar="FILE.zip")
    p.add_argument("--allow-unsigned", action="store_true",
                   help=_("administrator: also accept packages without a signature (older versions); audited"))
    p.set_defaults(handler=cmd_import)


def _confirm_personal(args) -> None:
    if args.yes:
        return
    if sys.stdin is not None and sys.stdin.isatty():
        sys.stderr.write(_("This package will contain personal data (names, phone numbers, notes). "
                           "Only send it where the law allows. Continue? [y/N] "))
        sys.stderr.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer in ("y", "yes", "c", "có", "co"):
            return
        raise UserError(_("Export cancelled: nothing was written."))
    raise UserError(_("An export with personal data needs confirmation: add --yes."))


def cmd_export(ctx, args) -> int:
    from dxdesk.exchange.export import export_package
    from dxdesk.periods import parse_period
    from dxdesk.security.permissions import require
    from dxdesk.vnformat import fmt_int

    period = parse_period(args.period)
    if args.with_personal_data:
        require(ctx.actor, "data.export_personal")
        _confirm_personal(args)
    unit = args.unit.strip() if args.unit else None
    result = export_package(ctx.db, ctx.actor, period, Path(args.out), with_personal_data=args.with_personal_data,
                            with_report=args.with_report, unit_code=unit)
    ctx.out(_("Package {file}: {records} records ({rows} services), {period}.").format(
        file=result.path, records=fmt_int(result.records), rows=fmt_int(result.rows), period=period.label()))
    if unit:
        ctx.out(_("Unit: {code}.").format(code=result.unit_code))
    if result.with_report:
        ctx.out(_("With the tally report (report.pdf)."))
    ctx.out(f"SHA-256: {result.sha256}")
    return 0


def cmd_import(ctx, args) -> int:
    from dxdesk.exchange.importer import import_package

    refused = 0
    for name in args.files:
        try:
            result = import_package(ctx.db, ctx.actor, Path(name), allow_unsigned=args.allow_unsigned)
        except UserError as exc:
            refused += 1
            sys.stderr.write(str(exc) + "\n")
            continue
        ctx.out(result.summary())
    if refused:
        ctx.out(_("{n} of {m} packages refused.").format(n=refused, m=len(args.files)))
        return 2
    return 0
