"""`report KIND`: the tally report (issue #6) and the roster and hours reports (issue #4)."""

from dxdesk.i18n import _


def register(sub) -> None:
    p = sub.add_parser("report", help=_("print a report as PDF"))
    kinds = p.add_subparsers(dest="report_kind", metavar="KIND", required=True)
    from dxdesk.cli import report_tally, shifts

    report_tally.register_report(kinds)
    report_tally.register_numbers(kinds)
    shifts.register_report(kinds)
