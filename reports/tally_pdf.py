"""The tally report as an A4 PDF in the administrative layout of ND 30/2020/NĐ-CP, Phụ lục I.

Page: A4 portrait, margins top 20 / bottom 20 / left 30 / right 15 mm; bundled Liberation Serif (metric-compatible
with Times New Roman), embedded; every string NFC. Page 1 carries the heading block: parent agency (upper) and
issuing body (upper, bold, short rule) top left with "Số: …/BC-…" under them; Quốc hiệu (12 pt, bold, upper) and
Tiêu ngữ (13 pt, bold, full-length rule) top right with the place and date line (italic) under them. Then
"BÁO CÁO" and the subject line (bold, short rule), the indicator table (this period, cumulative since 1 January,
target, % achieved; header repeated on every page it runs over), the other tasks, the clerk's free text
(difficulties, proposals, next period's plan), Nơi nhận (bottom left) and the signature block (bottom right).
Page numbers: centred in the top margin from page 2. The Youth Union variant puts "ĐOÀN TNCS HỒ CHÍ MINH" where
the Quốc hiệu is and writes its number "Số: 12-BC/ĐTN".

`dxdesk.reporting.tally_report` gathers the content into a plain `TallyReport` (shared with the Word copy in `tally_docx`);
`render()` draws it. Nothing here reads the database.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from dxdesk.reports.fonts import (
    SERIF,
    SERIF_BOLD,
    SERIF_BOLD_ITALIC,
    SERIF_ITALIC,
    nfc,
    register_fonts,
    xml_text,
)
from reportlab.lib.colors import black
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from dxdesk.i18n import _, official
from dxdesk.reporting.tally_report import ReportTexts, TallyReport, draft_number  # noqa: F401 - the renderers' input
from dxdesk.vnformat import fmt_date_nd30, fmt_int, fmt_percent

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
DOAN_HEADING = "ĐOÀN TNCS HỒ CHÍ MINH"

PAGE_W, PAGE_H = A4
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20 * mm, 20 * mm, 30 * mm, 15 * mm
FRAME_W = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm
LEFT_COL = 72 * mm  # the agency column; the rest is the Quốc hiệu column
BODY = 13


# --- content shared with the Word copy -----------------------------------------------------------------


def date_line(report: TallyReport) -> str:
    place = f"{report.place}, " if report.place else ""
    return nfc(place + fmt_date_nd30(report.day))


def target_table(report: TallyReport) -> tuple[list[str], list[list[str]]]:
    header = [_("No."), _("Indicator"), _("Unit of measure"), _("This period"), _("Since 1 January"), _("Assigned target"),
              _("Share achieved")]
    rows = []
    for i, r in enumerate(report.tally.with_target, 1):
        rows.append([str(i), r.name, r.unit, fmt_int(r.count), fmt_int(r.cumulative), fmt_int(r.target),
                     fmt_percent(r.percent)])
    return header, rows


def other_table(report: TallyReport) -> tuple[list[str], list[list[str]]]:
    header = [_("No."), _("Task"), _("Unit of measure"), _("This period"), _("Since 1 January")]
    rows = [[str(i), r.name, r.unit, fmt_int(r.count), fmt_int(r.cumulative)]
            for i, r in enumerate(report.tally.other_tasks, 1)]
    return header, rows


def summary_paragraph(report: TallyReport) -> str:
    """The one sentence that says how many people were served: citizens only (a campaign entry counts its N);
    shops and products are said apart, in their own unit, never added to the people."""
    b, t = report.breakdown, report.tally
    text = _("In the period the team served {total} citizens: {counter} at the counter, {outreach} on outreach "
             "and {home} at home.").format(
        total=fmt_int(t.citizens), counter=fmt_int(b.by_channel.get("counter", 0)),
        outreach=fmt_int(b.by_channel.get("outreach", 0)), home=fmt_int(b.by_channel.get("home", 0)))
    if t.shops or t.products:
        text += " " + _("It also set up {shops} shops and services for electronic payment and put {products} "
                        "products on e-commerce platforms.").format(shops=fmt_int(t.shops),
                                                                     products=fmt_int(t.products))
    return text + " " + _("The tables below count services: one citizen may be helped with several.")


def annex_rows(report: TallyReport) -> tuple[list[str], list[list[str]]]:
    """The annex: citizens served by age band and by sex (as asked at the counter; 'not asked' where it was not)."""
    from dxdesk.counter.journal import AGE_BAND_LABELS, SEX_LABELS

    b = report.breakdown
    header = [_("Split"), _("Group"), _("Citizens served")]
    rows = [[_("Age band"), _(AGE_BAND_LABELS.get(k, k)), fmt_int(n)] for k, n in b.by_age_band.items()]
    rows += [[_("Sex"), _(SEX_LABELS.get(k, k)), fmt_int(n)] for k, n in b.by_sex.items()]
    return header, rows


def annex_heading(report: TallyReport) -> str:
    return _("ANNEX: CITIZENS SERVED BY AGE BAND AND SEX")


def sections(report: TallyReport) -> list[tuple[str, str]]:
    """(heading, text) of the free-text sections; empty text prints dotted lines to write on."""
    t = report.texts
    return [
        (_("III. DIFFICULTIES AND OBSTACLES"), t.difficulties),
        (_("IV. PROPOSALS AND RECOMMENDATIONS"), t.proposals),
        (_("V. PLAN FOR THE NEXT PERIOD"), t.next_plan),
    ]


def heading_lines(report: TallyReport) -> tuple[str, str]:
    return _("I. RESULTS AGAINST THE ASSIGNED TARGETS"), _("II. OTHER TASKS")


def number_line(report: TallyReport) -> str:
    return nfc(_("No.: {number}").format(number=report.number_text))


def recipients(report: TallyReport) -> list[str]:
    return [f"- {nfc(r)};" if i < len(report.settings.recipients) - 1 else f"- {nfc(r)}."
            for i, r in enumerate(report.settings.recipients)]


# --- drawing ----------------------------------------------------------------------------------------------


def _style(name: str, font: str = SERIF, size: float = BODY, align=TA_LEFT, leading: float | None = None,
           before: float = 0, after: float = 0, indent: float = 0) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25, alignment=align,
                          spaceBefore=before, spaceAfter=after, firstLineIndent=indent, textColor=black)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    return simpleSplit(nfc(text), font, size, width) or [""]


class HeadingBlock(Flowable):
    """The two-column heading of page 1 (agency left, Quốc hiệu right) with the number and date lines."""

    def __init__(self, report: TallyReport):
        super().__init__()
        self.report = report
        s = report.settings
        self.left = [(line, SERIF, 12.5) for line in _wrap(s.parent_agency, SERIF, 12.5, LEFT_COL)] if s.parent_agency else []
        self.issuer = _wrap(s.issuing_body, SERIF_BOLD, 12.5, LEFT_COL)
        self.height = 0

    def wrap(self, avail_w, avail_h):
        left_lines = len(self.left) + len(self.issuer)
        self.height = max(left_lines, 2) * 15 + 12 + 36
        return FRAME_W, self.height

    def draw(self):
        c = self.canv
        r = self.report
        top = self.height
        lx = LEFT_COL / 2
        rx = LEFT_COL + (FRAME_W - LEFT_COL) / 2
        y = top - 12
        for line, font, size in self.left:
            c.setFont(font, size)
            c.drawCentredString(lx, y, nfc(line))
            y -= 15
        c.setFont(SERIF_BOLD, 12.5)
        widest = 0.0
        for line in self.issuer:
            c.drawCentredString(lx, y, nfc(line))
            widest = max(widest, stringWidth(nfc(line), SERIF_BOLD, 12.5))
            y -= 15
        last_baseline = y + 15
        if r.doan:
            c.drawCentredString(lx, last_baseline - 15, "***")
            left_bottom = last_baseline - 15
        else:
            short = max(widest / 3, 20 * mm)
            c.setLineWidth(0.6)
            c.line(lx - short / 2, last_baseline - 8, lx + short / 2, last_baseline - 8)
            left_bottom = last_baseline - 8

        # Right: Quốc hiệu + Tiêu ngữ (state) or the Youth Union heading.
        yr = top - 12
        if r.doan:
            c.setFont(SERIF_BOLD, 14)
            c.drawCentredString(rx, yr, DOAN_HEADING)
            w = stringWidth(DOAN_HEADING, SERIF_BOLD, 14)
            c.setLineWidth(0.6)
            c.line(rx - w / 2, yr - 3, rx + w / 2, yr - 3)
            right_bottom = yr - 15
        else:
            c.setFont(SERIF_BOLD, 12)
            c.drawCentredString(rx, yr, QUOC_HIEU)
            yr -= 15
            c.setFont(SERIF_BOLD, 13)
            c.drawCentredString(rx, yr, TIEU_NGU)
            w = stringWidth(TIEU_NGU, SERIF_BOLD, 13)
            c.setLineWidth(0.6)
            c.line(rx - w / 2, yr - 3.5, rx + w / 2, yr - 3.5)
            right_bottom = yr - 10
        line_y = min(left_bottom, right_bottom) - 20
        c.setFont(SERIF, 13)
        c.drawCentredString(lx, line_y, number_line(r))
        c.setFont(SERIF_ITALIC, 13)
        c.drawCentredString(rx, line_y, date_line(r))


class ShortRule(Flowable):
    def __init__(self, width: float = 40 * mm):
        super().__init__()
        self.rule_w = width

    def wrap(self, avail_w, avail_h):
        self.avail = avail_w
        return avail_w, 10

    def draw(self):
        self.canv.setLineWidth(0.6)
        x0 = (self.avail - self.rule_w) / 2
        self.canv.line(x0, 3, x0 + self.rule_w, 3)


def _table(header: list[str], rows: list[list[str]], widths: list[float], numeric_from: int,
           empty: str | None = None) -> LongTable:
    head_style = _style("th", SERIF_BOLD, 11.5, TA_CENTER, leading=13.5)
    cell = _style("td", SERIF, 12, TA_LEFT, leading=14.5)
    num = _style("tdn", SERIF, 12, TA_RIGHT, leading=14.5)
    centre = _style("tdc", SERIF, 12, TA_CENTER, leading=14.5)
    data = [[Paragraph(xml_text(h), head_style) for h in header]]
    for row in rows:
        data.append([Paragraph(xml_text(v), centre if i in (0, 2) else num if i >= numeric_from else cell)
                     for i, v in enumerate(row)])
    if not rows:
        data.append([Paragraph(xml_text(empty or _("(none)")), centre)] + [""] * (len(header) - 1))
    t = LongTable(data, colWidths=widths, repeatRows=1)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), SERIF),  # reportlab sets each cell's font, even around Paragraphs
        ("GRID", (0, 0), (-1, -1), 0.5, black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if not rows:
        style.append(("SPAN", (0, 1), (-1, 1)))
    t.setStyle(TableStyle(style))
    return t


def _dotted_lines(n: int = 3) -> list[Paragraph]:
    st = _style("dots", SERIF, BODY, TA_LEFT, leading=20)
    dots = "." * int(FRAME_W / stringWidth(".", SERIF, BODY) - 8)
    return [Paragraph(dots, st) for _i in range(n)]


def story(report: TallyReport) -> list:
    register_fonts()
    body = _style("body", SERIF, BODY, TA_JUSTIFY, before=6, indent=10 * mm)
    h_section = _style("h", SERIF_BOLD, BODY, TA_LEFT, before=10, after=4)
    out: list = [HeadingBlock(report), Spacer(1, 18)]
    out.append(Paragraph(xml_text(_("REPORT")), _style("type", SERIF_BOLD, 14, TA_CENTER)))
    out.append(Paragraph(xml_text(report.subject), _style("subj", SERIF_BOLD, 14, TA_CENTER, before=2)))
    out.append(Paragraph(xml_text(report.period_line), _style("per", SERIF_ITALIC, 13, TA_CENTER, before=2)))
    out.append(ShortRule())
    if report.unit_name:
        intro = _("The community digital technology team of {unit} reports its results as follows:").format(
            unit=report.unit_name)
        out.append(Paragraph(xml_text(intro), body))
    h1, h2 = heading_lines(report)
    out.append(Paragraph(xml_text(h1), h_section))
    out.append(Paragraph(xml_text(summary_paragraph(report)), body))
    out.append(Spacer(1, 6))
    header, rows = target_table(report)
    out.append(_table(header, rows, [10 * mm, 55 * mm, 19 * mm, 20 * mm, 22 * mm, 20 * mm, 19 * mm], 3,
                      empty=_("(no targets set for this period)")))
    out.append(Paragraph(xml_text(h2), h_section))
    header, rows = other_table(report)
    out.append(_table(header, rows, [10 * mm, 85 * mm, 22 * mm, 24 * mm, 24 * mm], 3))
    for heading, text in sections(report):
        out.append(Paragraph(xml_text(heading), h_section))
        paragraphs = [p.strip() for p in nfc(text).split("\n") if p.strip()]
        if paragraphs:
            out.extend(Paragraph(xml_text(p), body) for p in paragraphs)
        else:
            out.extend(_dotted_lines())
    out.append(Spacer(1, 14))
    out.append(KeepTogether([signature_table(report)]))
    annex_header, annex = annex_rows(report)
    out.append(Spacer(1, 18))
    out.append(KeepTogether([Paragraph(xml_text(annex_heading(report)), h_section),
                             _annex_table(annex_header, annex)]))
    return out


def _annex_table(header: list[str], rows: list[list[str]]) -> LongTable:
    """Split · group · citizens: the first column names the split once per group of rows."""
    shown = [[r[0] if i == 0 or r[0] != rows[i - 1][0] else "", r[1], r[2]] for i, r in enumerate(rows)]
    return _table(header, shown, [35 * mm, 60 * mm, 40 * mm], 2)


def signature_table(report: TallyReport):
    from reportlab.platypus import Table

    s = report.settings
    recv_head = _style("rh", SERIF_BOLD_ITALIC, 12, TA_LEFT)
    recv = _style("r", SERIF, 11, TA_LEFT, leading=13)
    sign = _style("s", SERIF_BOLD, 13, TA_CENTER, leading=16)
    left = [Paragraph(xml_text(_("Recipients:")), recv_head)]
    left += [Paragraph(xml_text(line), recv) for line in recipients(report)]
    right = []
    if s.signer_authority:
        right.append(Paragraph(xml_text(s.signer_authority.upper()), sign))
    if s.signer_position:
        right.append(Paragraph(xml_text(s.signer_position.upper()), sign))
    right.append(Spacer(1, 62))
    right.append(Paragraph(xml_text(s.signer_name or " "), sign))
    t = Table([[left, right]], colWidths=[75 * mm, FRAME_W - 75 * mm])
    t.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), SERIF), ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                           ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return t


def _later_page(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(SERIF, 13)
    canvas.drawCentredString(MARGIN_LEFT + FRAME_W / 2, PAGE_H - MARGIN_TOP / 2 - 4, str(doc.page))
    canvas.restoreState()


@official  # an official document is Vietnamese, whatever the UI language (issue #18)
def render(report: TallyReport, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The report as PDF bytes."""
    register_fonts()
    buf = io.BytesIO()
    title = nfc(f"{_('REPORT')} — {report.subject}")
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
                            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=title,
                            author=nfc(report.settings.issuing_body), creator="dxdesk",
                            initialFontName=SERIF, initialFontSize=BODY)
    flow = story(report)
    if progress:
        progress(1, 2)
    doc.build(flow, onFirstPage=lambda c, d: None, onLaterPages=_later_page)
    if progress:
        progress(2, 2)
    return buf.getvalue()
