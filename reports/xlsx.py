"""The tally workbook (openpyxl): per indicator (count, target, %), per service, per team; Vietnamese headers.

Every text cell goes through `dxdesk.safe_cells.safe_cell`, so a unit or team name typed as a formula stays text."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dxdesk.i18n import _
from dxdesk.safe_cells import safe_cell

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
INT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.0%"


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list], widths: list[int],
           formats: dict[int, str] | None = None, first: bool = False):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append([safe_cell(h) for h in headers])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    for r in ws.iter_rows(min_row=2):
        for cell in r:
            cell.border = _BORDER
            fmt = (formats or {}).get(cell.column)
            if fmt and isinstance(cell.value, (int, float)):
                cell.number_format = fmt
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    return ws


def write_tally_workbook(out: Path | IO[bytes], *, title_lines: list[str], tally, breakdown, teams: list[tuple[str, int]],
                         names: bool = True) -> None:
    """Write the workbook of a `counting.Tally` and its `counting.Breakdown` to OUT (a path or a binary file object).

    Sheets: information, summary (citizens, services, shops, products), indicators, services, the indicator ×
    channel × volunteer × reception point table, age band and sex, teams. NAMES False shows volunteers by their
    pseudonym (anything that leaves the commune)."""
    from dxdesk.counter.journal import AGE_BAND_LABELS, CHANNEL_LABELS, SEX_LABELS

    wb = Workbook()
    info = wb.active
    info.title = _("Information")
    for line in title_lines:
        info.append([safe_cell(line)])
    info["A1"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 90
    _sheet(wb, _("Summary"), [_("Figure"), _("Count"), _("Unit of count")], [
        [_("Citizens served"), tally.citizens, _("people")],
        [_("Services given"), tally.services_total, _("services")],
        [_("Shops set up for electronic payment"), tally.shops, _("shops")],
        [_("Products put online"), tally.products, _("products")],
    ], [60, 14, 16], {2: INT_FORMAT})
    _sheet(wb, _("Indicators"),
           [_("Code"), _("Indicator"), _("Unit of count"), _("Count"), _("Target"), _("Achieved")],
           [[r.code, r.name, r.unit, r.count, r.target, float(r.percent) / 100 if r.percent is not None else None]
            for r in tally.indicators],
           [16, 60, 12, 12, 12, 12], {4: INT_FORMAT, 5: INT_FORMAT, 6: PERCENT_FORMAT})
    _sheet(wb, _("Services"), [_("Code"), _("Service"), _("Indicator"), _("Count")],
           [[s.code, s.name, s.indicator_code, s.count] for s in tally.services],
           [16, 60, 16, 12], {4: INT_FORMAT})
    _sheet(wb, _("By channel and volunteer"),
           [_("Indicator"), _("Channel"), _("Volunteer"), _("Reception point"), _("Services given")],
           [[m.indicator, _(CHANNEL_LABELS.get(m.channel, m.channel)),
             (m.volunteer if names else m.pseudonym) or _("(not named)"), m.reception_point or "—", m.services]
            for m in breakdown.matrix],
           [50, 14, 24, 30, 14], {5: INT_FORMAT})
    rows = [[_("Age band"), _(AGE_BAND_LABELS.get(k, k)), n] for k, n in breakdown.by_age_band.items()]
    rows += [[_("Sex"), _(SEX_LABELS.get(k, k)), n] for k, n in breakdown.by_sex.items()]
    _sheet(wb, _("Age band and sex"), [_("Split"), _("Group"), _("Citizens served")], rows, [16, 24, 18],
           {3: INT_FORMAT})
    _sheet(wb, _("Teams"), [_("Volunteer team"), _("Services given")],
           [[name, n] for name, n in teams], [60, 16], {2: INT_FORMAT})
    wb.save(out)
