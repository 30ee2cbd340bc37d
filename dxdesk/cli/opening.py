"""`import-opening FILE [--apply]`: a commune's earlier tallies (opening balances) from an Excel/CSV sheet."""

from __future__ import annotations

import sys
from pathlib import Path

from dxdesk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("import-opening", help=_("import opening balances (indicator, period, count) from .xlsx/.csv"))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--apply", action="store_true", help=_("write the balances (without it: preview only)"))
    p.set_defaults(handler=cmd_import_opening)


def cmd_import_opening(ctx, args) -> int:
    from dxdesk.exchange.opening import apply_opening, preview_opening
    from dxdesk.security.permissions import require
    from dxdesk.vnformat import fmt_int

    require(ctx.actor, "data.import")
    preview = preview_opening(ctx.db, Path(args.file))
    if preview.errors:
        for line in preview.error_lines():
            sys.stderr.write(line + "\n")
        return 2
    for row in preview.rows:
        state = _("already imported") if row.present else (_("nothing to write") if not row.count else _("new"))
        ctx.out(f"{row.line}\t{row.indicator}\t{row.period.label()}\t{fmt_int(row.count)}\t{state}")
    if not args.apply:
        ctx.out(_("Preview only: {n} new rows. Add --apply to import them.").format(n=len(preview.new_rows)))
        return 0
    result = apply_opening(ctx.db, ctx.actor, Path(args.file))
    ctx.out(_("Opening balances imported: {new} new entries ({citizens} citizens), {present} already present.").format(
        new=fmt_int(result.new), citizens=fmt_int(result.citizens), present=fmt_int(result.present)))
    return 0
