"""`report tally` (issue #6): the official tally report (PDF, optionally a Word copy)."""

from __future__ import annotations

from pathlib import Path

from dxdesk import clock
from dxdesk.cli.argtypes import ID, NUMBER
from dxdesk.errors import UserError
from dxdesk.i18n import _
from dxdesk.paths import replaced_when_done


def register_report(kinds) -> None:
    p = kinds.add_parser("tally", help=_("the official tally report (PDF)"))
    p.add_argument("--period", required=True, metavar="P", help=_("2024, 2024-Q1, 2024-03, 2024-W05 or a..b"))
    p.add_argument("--out", required=True, metavar="FILE.pdf", help=_("where to write the PDF"))
    p.add_argument("--docx", metavar="FILE.docx", help=_("also write a Word copy to edit before signing"))
    p.add_argument("--png", metavar="FILE.png", help=_("also write the result card for the team's Zalo group"))
    p.add_argument("--unit", metavar="CODE", help=_("one commune of a province database"))
    p.add_argument("--doan", action="store_true", help=_("the Youth Union layout (ĐOÀN TNCS HỒ CHÍ MINH)"))
    p.add_argument("--draft", action="store_true", help=_("leave the number blank (nothing registered)"))
    p.add_argument("--number", type=ID, metavar="N", help=_("use this report number if it is still free"))
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
    from dxdesk.reporting import tally_report
    from dxdesk.reports import tally_pdf
    from dxdesk.text import clean_free_text

    period = parse_period(args.period)
    out = _writable(args.out, ".pdf")
    docx_out = _writable(args.docx, ".docx") if args.docx else None
    png_out = _writable(args.png, ".png") if args.png else None
    day = parse_date(args.date) if args.date else None
    if args.number is not None and args.draft:
        raise UserError(_("--number and --draft cannot be used together."))
    if args.unit:
        from dxdesk.settings.units import find_unit

        if find_unit(args.unit) is None:
            raise UserError(_("Unknown commune code '{code}' (QĐ 19/2025 list).").format(code=args.unit))
    texts = tally_report.ReportTexts(clean_free_text(args.difficulties, max_length=4000),
                                     clean_free_text(args.proposals, max_length=4000),
                                     clean_free_text(args.plan, max_length=4000))
    day = day or clock.today()
    report = tally_report.build(ctx.db, ctx.actor, period, unit_code=args.unit, doan=args.doan, texts=texts, day=day)

    def docx(numbered) -> bytes:
        from dxdesk.reports import tally_docx

        return tally_docx.render(numbered)

    def png(numbered) -> bytes:  # the Zalo card carries no report number
        from dxdesk.reports import zalo

        return zalo.render(numbered.tally, numbered.unit_name, numbered.day)

    files = [(out, tally_pdf.render)] + ([(docx_out, docx)] if docx_out else []) + ([(png_out, png)] if png_out else [])
    if args.draft:
        for path, render in files:
            with replaced_when_done(path) as part:
                try:
                    part.write_bytes(render(report))
                except OSError as exc:
                    raise UserError(_("The file could not be written: {reason}").format(
                        reason=exc.strerror or str(exc))) from None
        ctx.out(_("Draft report (number left blank) written to {path}.").format(path=out))
        return 0
    reservation = tally_report.reserve(ctx.db, ctx.actor, args.doan, day.year, args.number)
    issued = tally_report.issue_files(ctx.db, ctx.actor, report, reservation, files)
    ctx.out(_("Report No. {number} written to {path}.").format(number=issued.text(args.doan), path=out))
    return 0


def register_numbers(kinds) -> None:
    p = kinds.add_parser("numbers", help=_("the register of report numbers given"))
    p.add_argument("--year", type=NUMBER, metavar="YYYY", help=_("the year (default this year)"))
    p.add_argument("--json", action="store_true", help=_("machine-readable output"))
    p.set_defaults(handler=cmd_report_numbers)


def cmd_report_numbers(ctx, args) -> int:
    from dxdesk.reporting import numbers as reportnumbers

    year = args.year or clock.today().year
    if not 2000 <= year <= 2100:
        raise UserError(_("The year must be between 2000 and 2100."))
    rows = reportnumbers.list_numbers(ctx.db, year)
    if args.json:
        ctx.out_json([{"number": r.number, "symbol": r.symbol, "text": r.text(), "title": r.title,
                       "period": r.period_key, "created_at": r.created_at.isoformat(timespec="seconds"),
                       "created_by": r.created_by} for r in rows])
        return 0
    if not rows:
        ctx.out(_("No report number has been given in {year}.").format(year=year))
        return 0
    for r in rows:
        ctx.out(f"{r.text():<20} {r.created_at:%d/%m/%Y %H:%M}  {r.created_by:<16} {r.period_key:<10} {r.title}")
    return 0
