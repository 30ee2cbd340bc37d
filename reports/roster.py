"""The shift roster (A4, one row per shift with the volunteers' names, days off shown) and the volunteer
hours report for Youth Union recognition. reportlab only, no Qt; the data comes from `dxdesk.shifts.sheets`."""

from __future__ import annotations

import io

from dxdesk.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, nfc, register_fonts, xml_text
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from dxdesk.i18n import _, official
from dxdesk.periods import Period
from dxdesk.shifts.planning import KIND_LABELS
from dxdesk.shifts.sheets import HoursSheet, RosterSheet, SheetHeading
from dxdesk.vnformat import fmt_date, fmt_date_nd30, weekday_name

GREY = colors.HexColor("#e6e6e6")
AMBER = colors.HexColor("#fff1c2")


def _styles():
    register_fonts()
    return {
        "unit": ParagraphStyle("unit", fontName=SERIF_BOLD, fontSize=12, leading=15, alignment=TA_CENTER),
        "title": ParagraphStyle("title", fontName=SERIF_BOLD, fontSize=15, leading=19, alignment=TA_CENTER,
                                spaceBefore=6),
        "sub": ParagraphStyle("sub", fontName=SERIF_ITALIC, fontSize=11, leading=14, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", fontName=SERIF, fontSize=10, leading=12.5, alignment=TA_LEFT),
        "cellc": ParagraphStyle("cellc", fontName=SERIF, fontSize=10, leading=12.5, alignment=TA_CENTER),
        "head": ParagraphStyle("head", fontName=SERIF_BOLD, fontSize=10, leading=12.5, alignment=TA_CENTER),
        "note": ParagraphStyle("note", fontName=SERIF_ITALIC, fontSize=9.5, leading=12),
        "sign": ParagraphStyle("sign", fontName=SERIF_BOLD, fontSize=11, leading=14, alignment=TA_CENTER),
        "date": ParagraphStyle("date", fontName=SERIF_ITALIC, fontSize=11, leading=14, alignment=TA_CENTER),
    }


def _p(text: str, style) -> Paragraph:
    return Paragraph(xml_text(text), style)


def _header(heading: SheetHeading, st, title: str, period: Period) -> list:
    unit = heading.unit_name
    out = []
    if unit:
        out.append(_p(unit.upper(), st["unit"]))
    out.append(_p(title, st["title"]))
    out.append(_p(_("From {start} to {end}").format(start=fmt_date(period.start), end=fmt_date(period.end)), st["sub"]))
    out.append(Spacer(1, 5 * mm))
    return out


def _signature(heading: SheetHeading, st, width: float) -> KeepTogether:
    line = (f"{heading.place}, " if heading.place else "") + fmt_date_nd30(heading.day)
    t = Table([["", _p(line, st["date"])], ["", _p(_("PREPARED BY"), st["sign"])]],
              colWidths=[width * 0.45, width * 0.55])
    t.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1), ("FONTNAME", (0, 0), (-1, -1), SERIF)]))
    return KeepTogether([t])


def _footer_for(label: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(SERIF, 8.5)
        canvas.drawRightString(doc.pagesize[0] - doc.rightMargin, 10 * mm,
                               nfc(_("Page {n}").format(n=canvas.getPageNumber())))
        canvas.drawString(doc.leftMargin, 10 * mm, nfc(label))
        canvas.restoreState()

    return draw


@official  # an official document is Vietnamese, whatever the UI language (issue #18)
def roster_pdf(sheet: RosterSheet) -> bytes:
    """One row per shift (date, weekday, time, kind/place, volunteers with 'signature' column), the rule's
    weekdays that fall on a day off as grey rows with the holiday's name."""
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, title=nfc(_("Shift roster")), author="dxdesk", initialFontName=SERIF)
    width = A4[0] - 30 * mm
    shifts, period = sheet.shifts, sheet.period
    rows = [[_p(h, st["head"]) for h in (_("Date"), _("Weekday"), _("Time"), _("Shift / place"),
                                          _("Volunteers"), _("Staff"))]]
    styles = [("FONTNAME", (0, 0), (-1, -1), SERIF), ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
              ("BACKGROUND", (0, 0), (-1, 0), GREY), ("REPEATROWS", (0, 0), (-1, 0))]
    items: list[tuple] = [(s.date, s.start.strftime("%H:%M"), "shift", s) for s in shifts]
    items += [(day, "", "off", name) for day, name in sheet.days_off]
    items.sort(key=lambda t: (t[0], t[1]))
    understaffed = 0
    for day, _key, what, obj in items:
        r = len(rows)
        if what == "off":
            rows.append([_p(fmt_date(day), st["cellc"]), _p(weekday_name(day), st["cellc"]), "",
                         _p(_("Day off: {name}").format(name=obj), st["cell"]), "", ""])
            styles += [("BACKGROUND", (0, r), (-1, r), GREY), ("SPAN", (3, r), (5, r))]
            continue
        s = obj
        kind = _(KIND_LABELS.get(s.kind, s.kind))
        place = ", ".join(x for x in (s.reception_point, s.place) if x)
        what_text = kind + (f" — {place}" if place else "")
        if s.cancelled:
            what_text += " (" + _("cancelled") + (f": {s.note}" if s.note else "") + ")"
        names = "<br/>".join(xml_text(v.name) + (" *" if v.can_vneid else "") for v in s.assigned) or "—"
        rows.append([_p(fmt_date(s.date), st["cellc"]), _p(weekday_name(s.date), st["cellc"]),
                     _p(f"{s.start:%H:%M}–{s.end:%H:%M}", st["cellc"]), _p(what_text, st["cell"]),
                     Paragraph(names, st["cell"]),
                     _p(f"{len(s.assigned)}/{s.min_staff}–{s.max_staff}", st["cellc"])])
        if s.cancelled:
            styles.append(("BACKGROUND", (0, r), (-1, r), GREY))
        elif s.understaffed:
            understaffed += 1
            styles.append(("BACKGROUND", (5, r), (5, r), AMBER))
    table = Table(rows, colWidths=[w * width for w in (0.13, 0.11, 0.13, 0.22, 0.31, 0.10)], repeatRows=1)
    table.setStyle(TableStyle(styles))
    story = _header(sheet.heading, st, _("SHIFT ROSTER OF THE DIGITAL SUPPORT COUNTER"), period)
    if len(rows) == 1:
        story.append(_p(_("No shifts planned in this period."), st["note"]))
    else:
        story.append(table)
    story.append(Spacer(1, 3 * mm))
    notes = [_("* can help with VNeID."),
             _("{n} shifts planned; {u} below the minimum number of volunteers.").format(
                 n=sum(1 for s in shifts if not s.cancelled), u=understaffed)]
    for n in notes:
        story.append(_p(n, st["note"]))
    story.append(Spacer(1, 6 * mm))
    story.append(_signature(sheet.heading, st, width))
    footer = _footer_for(_("dxdesk — shift roster"))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()


def _num(x: float) -> str:
    text = f"{x:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


@official  # an official document is Vietnamese, whatever the UI language (issue #18)
def hours_pdf(sheet: HoursSheet) -> bytes:
    """Per volunteer: shifts, attended, no-shows, absences, confirmed hours, citizens helped."""
    st = _styles()
    buf = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(buf, pagesize=page, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=16 * mm, title=nfc(_("Volunteer hours")), author="dxdesk", initialFontName=SERIF)
    width = page[0] - 30 * mm
    data = sheet.rows  # in the one volunteer order, as on the Volunteers page: D before Đ
    head = (_("No."), _("Full name"), _("Team"), _("Youth Union member"), _("Shifts"), _("Attended"),
            _("No-shows"), _("Absences (with reason)"), _("Hours confirmed"), _("Hours from logged services"),
            _("Hours not yet confirmed"), _("Citizens helped"))
    rows = [[_p(h, st["head"]) for h in head]]
    for i, h in enumerate(data, start=1):
        rows.append([_p(str(i), st["cellc"]), _p(h.name, st["cell"]), _p(h.team, st["cell"]),
                     _p("x" if h.youth_union else "", st["cellc"]), _p(str(h.shifts), st["cellc"]),
                     _p(str(h.attended), st["cellc"]), _p(str(h.no_shows), st["cellc"]),
                     _p(str(h.absences), st["cellc"]), _p(_num(h.hours), st["cellc"]),
                     _p(_num(h.service_hours), st["cellc"]),
                     _p(_num(h.planned_hours), st["cellc"]), _p(str(h.services), st["cellc"])])
    if data:
        rows.append(["", _p(_("Total"), st["head"]), "", "", _p(str(sum(h.shifts for h in data)), st["cellc"]),
                     _p(str(sum(h.attended for h in data)), st["cellc"]),
                     _p(str(sum(h.no_shows for h in data)), st["cellc"]),
                     _p(str(sum(h.absences for h in data)), st["cellc"]),
                     _p(_num(sum(h.hours for h in data)), st["cellc"]),
                     _p(_num(sum(h.service_hours for h in data)), st["cellc"]),
                     _p(_num(sum(h.planned_hours for h in data)), st["cellc"]),
                     _p(str(sum(h.services for h in data)), st["cellc"])])
    table = Table(rows, colWidths=[w * width for w in (0.05, 0.17, 0.16, 0.06, 0.06, 0.07, 0.06, 0.08, 0.07,
                                                        0.08, 0.07, 0.07)], repeatRows=1)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF), ("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BACKGROUND", (0, 0), (-1, 0), GREY)]))
    story = _header(sheet.heading, st, _("VOLUNTEER HOURS"), sheet.period)
    story.append(table if data else _p(_("No volunteer work recorded in this period."), st["note"]))
    story.append(Spacer(1, 3 * mm))
    story.append(_p(_("Hours confirmed: from check-in to check-out at the counter. Hours from logged services: "
                      "not checked in, so counted from the first to the last citizen they logged on the shift. "
                      "Hours not yet confirmed: assigned shifts without attendance taken or services logged."),
                    st["note"]))
    story.append(Spacer(1, 6 * mm))
    story.append(_signature(sheet.heading, st, width))
    footer = _footer_for(_("dxdesk — volunteer hours"))
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buf.getvalue()
