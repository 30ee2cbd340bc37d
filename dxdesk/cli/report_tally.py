"""`report tally` (issue #6): the official tally report (PDF, optionally a Word copy)."""

from __future__ import annotations

from pathlib import Path

from dxdesk.errors import UserError
from dxdesk.i18n import _


def register_report(kinds) -> None:
    p = kinds.add_parser("tally", help=_("the official tally report (PDF)"))
    p.add_argument("--period", required=True, metavar="P", help=_("2024, 2024-Q1, 2024-03, 2024-W05 or a..b"))
    p.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to write the PDF"))
    p.add_argument("--docx", metavar="FILE.docx", help=_("also write a Word copy to edit before signing"))
    p.add_argument("--unit", metavar="CODE", help=_("one commune of a province database"))
    p.add_argument("--doan", action="store_true", help=_("the Youth Union layout (ĐOÀN TNCS HỒ CHÍ MINH)"))
    p.add_argument("--draft", action="store_true", help=_("leave the number blank (nothing registered)"))
    p.add_argument("--number", type=int, metavar="N", help=_("use this report number if it is still free"))
    p.add_argument("--date", metavar="YYYY-MM-DD", help=_("the date on the report (default today)"))
    p.add_argument("--difficulties", default="", metavar="TEXT", help=_("text of the difficulties section"))
    p.add_argument("--proposals", default="", metavar="TEXT", help=_("text of the proposals section"))
    p.add_argument("--plan", default="", metavar="TEXT", help=_("text of the next period's plan"))
    p.set_defaults(handler=cmd_report_tally)


def _writable(path: str, suffix: str) -> Path:
    out = Path(path)
    if out.suffix.lower() != suffix:
        raise UserError(_("The output file must end in {suffix}: {path}").format(suffix=suffix, path=path))
    if not out.parent.exists():
        raise UserError(_("The folder {folder} does not exist.").format(folder=out.parent))
    return out


def cmd_report_tally(ctx, args) -> int:
    from dxdesk.periods import parse_date, parse_period
    from dxdesk.reports import tally_pdf
    from dxdesk.text import clean_free_text

    period = parse_period(args.period)
    out = _writable(args.out, ".pdf")
    docx_out = _writable(args.docx, ".docx") if args.docx else None
    day = parse_date(args.date) if args.date else None
    if args.number is not None and args.draft:
        raise UserError(_("--number and --draft cannot be used together."))
    if args.unit:
        from dxdesk.units import find_unit

        if find_unit(args.unit) is None:
            raise UserError(_("Unknown commune code '{code}' (QĐ 19/2025 list).").format(code=args.unit))
    texts = tally_pdf.ReportTexts(clean_free_text(args.difficulties, max_length=4000),
                                  clean_free_text(args.proposals, max_length=4000),
                                  clean_free_text(args.plan, max_length=4000))
    report = tally_pdf.build(ctx.db, ctx.actor, period, register=not args.draft, number=args.number,
                             unit_code=args.unit, doan=args.doan, texts=texts, day=day)
    pdf = tally_pdf.render(report)
    try:
        out.write_bytes(pdf)
        if docx_out:
            from dxdesk.reports import tally_docx

            docx_out.write_bytes(tally_docx.render(report))
    except OSError as exc:
        raise UserError(_("The file could not be written: {reason}").format(reason=exc.strerror or str(exc))) from None
    if args.draft:
        ctx.out(_("Draft report (number left blank) written to {path}.").format(path=out))
    else:
        ctx.out(_("Report No. {number} written to {path}.").format(number=report.number_text.strip(), path=out))
    return 0
