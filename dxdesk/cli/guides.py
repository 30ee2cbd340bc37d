"""`guides`: print the QR guide sheets for citizens as an A4 PDF (works before `init`)."""

from __future__ import annotations

from pathlib import Path

from dxdesk.errors import UserError
from dxdesk.i18n import _


def register(sub) -> None:
    from dxdesk.guides.sheets import (
        LAYOUTS,  # the names only: the renderers (reportlab, qrcode) load when printing
    )

    p = sub.add_parser("guides", help=_("print QR guide sheets for citizens (PDF)"))
    p.add_argument("--service", dest="services", nargs="+", action="extend", metavar="CODE",
                   help=_("a service code, or portal (default: every guide)"))
    p.add_argument("--layout", choices=LAYOUTS, default="poster",
                   help=_("poster: one guide a page; handout: two A5 a page; cards: eight a page; "
                          "counter: every service on one page"))
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.set_defaults(handler=cmd_guides)


def cmd_guides(ctx, args) -> int:
    from dxdesk.guides.sheets import guides_to_print
    from dxdesk.reports.guides import qr_count, render_for

    out = Path(args.out)
    if not out.parent.is_dir():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    chosen = guides_to_print(ctx.db, ctx.actor, args.services, args.layout)
    pdf, guides, left_out = render_for(chosen), chosen.guides, chosen.left_out
    try:
        out.write_bytes(pdf)
    except OSError as exc:
        raise UserError(_("The file could not be written: {reason}").format(reason=exc.strerror or str(exc))) from None
    ctx.out(_("Wrote {path}. Guides: {guides}; QR codes: {codes}.").format(
        path=out, guides=len(guides), codes=qr_count(guides, args.layout)))
    if left_out:  # never a staff note on a citizen's sheet: what is not on it is said here instead
        ctx.out(_("Left out, link not filled in (QR guides): {items}.").format(
            items="; ".join(item.describe() for item in left_out)))
    return 0
