"""A Word (.docx) copy of the tally report, same content and layout as the PDF (`tally_pdf`), for clerks who
edit the wording before it is signed: A4, margins 20/20/30/15 mm, Times New Roman 13 pt (Word substitutes
Liberation Serif where Times is missing), heading table without borders, indicator tables whose header row
repeats on every page, page numbers centred in the header from page 2 (different first page)."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from dxdesk.reports.fonts import nfc
from dxdesk.reports.tally_pdf import (
    DOAN_HEADING,
    QUOC_HIEU,
    TIEU_NGU,
    TallyReport,
    annex_heading,
    annex_rows,
    date_line,
    heading_lines,
    number_line,
    other_table,
    recipients,
    sections,
    summary_paragraph,
    target_table,
)

from dxdesk.i18n import _, official

FONT = "Times New Roman"


def _run(paragraph, text: str, size: float = 13, bold: bool = False, italic: bool = False, underline: bool = False):
    run = paragraph.add_run(nfc(text))
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold, run.italic, run.underline = bold, italic, underline
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    return run


def _para(container, text: str = "", size: float = 13, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT,
          before: float = 0, after: float = 0, indent_mm: float = 0, underline=False):
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent_mm:
        fmt.first_line_indent = Mm(indent_mm)
    if text:
        _run(p, text, size, bold, italic, underline)
    return p


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _page_number_field(paragraph) -> None:
    run = _run(paragraph, "", 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)


def _grid(doc, header: list[str], rows: list[list[str]], widths_mm: list[float], numeric_from: int,
          empty: str | None = None):
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, text in enumerate(header):
        cell = table.rows[0].cells[i]
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(cell.paragraphs[0], text, 11.5, bold=True)
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for i, text in enumerate(values):
            p = cells[i].paragraphs[0]
            p.alignment = (WD_ALIGN_PARAGRAPH.CENTER if i in (0, 2) else
                           WD_ALIGN_PARAGRAPH.RIGHT if i >= numeric_from else WD_ALIGN_PARAGRAPH.LEFT)
            _run(p, text, 12)
    _fix_widths(table, widths_mm)
    if not rows:  # one merged row saying there is nothing, as in the PDF
        cells = table.add_row().cells
        merged = cells[0].merge(cells[-1])
        merged.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(merged.paragraphs[0], empty or _("(none)"), 12)
    return table


def _no_cell_padding(table) -> None:
    """The heading blocks need the whole text width: no inner cell margins (Word's default eats ~4 mm)."""
    props = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), "0")
        el.set(qn("w:type"), "dxa")
        margins.append(el)
    props.append(margins)


def _fix_widths(table, widths_mm: list[float]) -> None:
    """Fixed column widths that Word and LibreOffice both honour (the grid and every cell)."""
    table.autofit = False
    for i, width in enumerate(widths_mm):
        table.columns[i].width = Mm(width)
    for row in table.rows:
        for i, width in enumerate(widths_mm):
            row.cells[i].width = Mm(width)


@official  # an official document is Vietnamese, whatever the UI language (issue #18)
def render(report: TallyReport) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    header_p = section.header.paragraphs[0]
    header_p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number_field(header_p)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(13)

    s = report.settings
    head = doc.add_table(rows=3, cols=2)
    _no_borders(head)
    _no_cell_padding(head)
    _fix_widths(head, [72, 93])
    left, right = head.rows[0].cells[0], head.rows[0].cells[1]
    lp = left.paragraphs[0]
    lp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if s.parent_agency:
        _run(lp, s.parent_agency.upper(), 12.5)
        lp = left.add_paragraph()
        lp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(lp, s.issuing_body.upper(), 12.5, bold=True)
    rule = left.add_paragraph()
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(rule, "***" if report.doan else "————", 12.5 if report.doan else 10)
    rp = right.paragraphs[0]
    rp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if report.doan:
        _run(rp, DOAN_HEADING, 14, bold=True, underline=True)
    else:
        _run(rp, QUOC_HIEU, 12, bold=True)
        tp = right.add_paragraph()
        tp.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(tp, TIEU_NGU, 13, bold=True, underline=True)
    np_ = head.rows[1].cells[0].paragraphs[0]
    np_.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(np_, number_line(report), 13)
    dp = head.rows[1].cells[1].paragraphs[0]
    dp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(dp, date_line(report), 13, italic=True)

    centre = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, _("REPORT"), 14, bold=True, align=centre, before=12)
    _para(doc, report.subject, 14, bold=True, align=centre)
    _para(doc, report.period_line, 13, italic=True, align=centre)
    _para(doc, "————", 10, align=centre, after=6)
    justify = WD_ALIGN_PARAGRAPH.JUSTIFY
    if report.unit_name:
        _para(doc, _("The community digital technology team of {unit} reports its results as follows:").format(
            unit=report.unit_name), align=justify, before=6, indent_mm=10)
    h1, h2 = heading_lines(report)
    _para(doc, h1, bold=True, before=10, after=4)
    _para(doc, summary_paragraph(report), align=justify, before=6, after=6, indent_mm=10)
    header, rows = target_table(report)
    _grid(doc, header, rows, [12, 53, 19, 20, 22, 20, 19], 3, empty=_("(no targets set for this period)"))
    _para(doc, h2, bold=True, before=10, after=4)
    header, rows = other_table(report)
    _grid(doc, header, rows, [12, 83, 22, 24, 24], 3)
    for heading, text in sections(report):
        _para(doc, heading, bold=True, before=10, after=4)
        paragraphs = [p.strip() for p in nfc(text).split("\n") if p.strip()]
        for p in paragraphs or ["." * 110] * 3:
            _para(doc, p, align=justify, before=6, indent_mm=10 if paragraphs else 0)

    _para(doc, "", before=8)
    sig = doc.add_table(rows=1, cols=2)
    _no_borders(sig)
    _fix_widths(sig, [75, 90])
    cell = sig.rows[0].cells[0]
    _run(cell.paragraphs[0], _("Recipients:"), 12, bold=True, italic=True)
    for line in recipients(report):
        _run(cell.add_paragraph(), line, 11)
    cell = sig.rows[0].cells[1]
    first = True
    for text in (s.signer_authority.upper(), s.signer_position.upper()):
        if text:
            p = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            p.alignment = centre
            _run(p, text, 13, bold=True)
    for _i in range(4):
        cell.add_paragraph()
    p = cell.add_paragraph()
    p.alignment = centre
    _run(p, s.signer_name, 13, bold=True)

    annex_header, annex = annex_rows(report)
    _para(doc, annex_heading(report), bold=True, before=18, after=4)
    _grid(doc, annex_header, [[r[0] if i == 0 or r[0] != annex[i - 1][0] else "", r[1], r[2]]
                              for i, r in enumerate(annex)], [35, 60, 40], 2)

    doc.core_properties.title = nfc(report.subject)
    doc.core_properties.author = nfc(s.issuing_body)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
