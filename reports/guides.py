"""QR guide sheets as A4 PDFs: poster (one guide a page, QR ≥ 6 cm), handout (two A5 halves a page),
cards (eight a page with cut marks, one card per link) and counter (every guide's main QR on one page).

Every QR has error correction M and a 4-module quiet zone, with its link printed under it. The sheets are for
citizens, so a link not yet filled in and checked is left out (never a note to staff in front of a citizen), and a
guide all of whose links are unfilled is left out whole; `for_citizens` says which, for the caller to tell the
clerk. Notes (the SIM check by SMS to 1414) print as text. Footer: the unit's name (when known) and the date.
Fonts: the bundled Liberation Serif, NFC text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from dxdesk.reports import qr
from dxdesk.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC, nfc, register_fonts, xml_text
from reportlab.lib.colors import Color, black
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from dxdesk.guides.sheets import LAYOUTS, Guide, GuidesToPrint, LeftOut, Link, SheetInfo, for_citizens  # noqa: F401
from dxdesk.i18n import _, language
from dxdesk.vnformat import fmt_date

PAGE_W, PAGE_H = A4
MARGIN = 1.2 * cm
GREY = Color(0.35, 0.35, 0.35)
LIGHT = Color(0.85, 0.85, 0.85)
ECC = "M"


def _steps(guide: Guide) -> tuple[str, ...]:
    return guide.steps_en if language() == "en" and guide.steps_en else guide.steps_vi


def _note(guide: Guide) -> str:
    return guide.note_en if language() == "en" and guide.note_en else guide.note_vi


def link_text(link: Link) -> str:
    """The link as printed under its QR code (the exact configured address)."""
    return link.url


def _style(name: str, font: str, size: float, align=TA_LEFT, leading: float | None = None, color=black) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.22, alignment=align,
                          textColor=color)


def _paragraph_height(text: str, style: ParagraphStyle, width: float) -> float:
    para = Paragraph(text, style)
    _w, h = para.wrap(width, 10_000)
    return h


def _draw_paragraph(c: Canvas, text: str, style: ParagraphStyle, x: float, top: float, width: float) -> float:
    """Draw a paragraph whose top edge is at `top`; returns its height."""
    para = Paragraph(text, style)
    _w, h = para.wrap(width, 10_000)
    para.drawOn(c, x, top - h)
    return h


def _fit_lines(text: str, font: str, size: float, min_size: float, width: float) -> tuple[list[str], float]:
    """The text on one line, shrunk down to min_size; if still too wide, broken into lines at / ? & = ."""
    text = nfc(text)
    current = size
    while current > min_size and stringWidth(text, font, current) > width:
        current -= 0.25
    if stringWidth(text, font, current) <= width:
        return [text], current
    lines, line = [], ""
    for ch in text:
        if line and stringWidth(line + ch, font, current) > width:
            cut = max(line.rfind(sep) for sep in " /?&=.")
            if cut > len(line) // 2:
                lines.append(line[: cut + 1].rstrip())
                line = line[cut + 1:].lstrip()
            else:
                lines.append(line)
                line = ""
        line += ch
    lines.append(line)
    return lines, current


def _centered_lines(c: Canvas | None, lines: list[str], font: str, size: float, cx: float, top: float) -> float:
    """Draw centred lines whose first baseline sits `size` below `top`; returns the height used (c=None: measure)."""
    if c is not None:
        c.setFont(font, size)
        y = top - size
        for line in lines:
            c.drawCentredString(cx, y, line)
            y -= size * 1.15
    return size * 1.15 * len(lines)


def draw_link(c: Canvas | None, link: Link, cx: float, top: float, symbol: float, label_size: float, url_width: float,
              show_label: bool = True) -> float:
    """A QR code centred at cx under `top`, its label above and its link text under it. Returns the total height
    used; with c=None nothing is drawn (measuring). Only printable links reach here (see `for_citizens`)."""
    if not link.printable:
        raise ValueError(f"link not filled in: {link.url!r}")
    y = top
    if show_label:
        lines, size = _fit_lines(link.label(), SERIF_BOLD, label_size, label_size * 0.7, url_width)
        y -= _centered_lines(c, lines, SERIF_BOLD, size, cx, y) + 0.1 * cm
    quiet = qr.quiet_zone(symbol, link.url, ECC)
    y -= quiet
    if c is not None:
        qr.draw(c, link.url, cx - symbol / 2, y - symbol, symbol, ECC)
    y -= symbol + quiet
    lines, size = _fit_lines(link_text(link), SERIF, max(7.5, label_size * 0.75), 6.5, url_width)
    y -= _centered_lines(c, lines, SERIF, size, cx, y)
    return top - y


def _links_height(links: Sequence[Link], per_row: int, symbol: float, label_size: float, url_width: float) -> list[float]:
    """Height of each row of codes."""
    rows = []
    for start in range(0, len(links), per_row):
        rows.append(max(draw_link(None, link, 0, 0, symbol, label_size, url_width) for link in links[start:start + per_row]))
    return rows


def _footer(c: Canvas, info: SheetInfo, x: float, width: float, y: float, size: float = 9) -> None:
    parts = []
    if info.unit_name:
        parts.append(info.unit_name)
    parts.append(_("Printed on {date}").format(date=fmt_date(info.day)))
    c.saveState()
    c.setFont(SERIF, size)
    c.setFillColor(GREY)
    c.setStrokeColor(LIGHT)
    c.line(x, y + size * 1.3, x + width, y + size * 1.3)
    c.drawString(x, y, nfc(" · ".join(parts)))
    c.drawRightString(x + width, y, nfc(_("dxdesk — QR guide")))
    c.restoreState()


def _hotline_text(guide: Guide) -> str:
    return _("Help: hotline {number}").format(number=guide.hotline) if guide.hotline else ""


def _steps_markup(steps: Sequence[str]) -> list[str]:
    return [f"<b>{i}.</b> {xml_text(step)}" for i, step in enumerate(steps, start=1)]


# --- poster ----------------------------------------------------------------------------------------------------


def _poster(c: Canvas, guide: Guide, info: SheetInfo) -> None:
    width = PAGE_W - 2 * MARGIN
    top = PAGE_H - MARGIN
    title_style = _style("title", SERIF_BOLD, 30, TA_CENTER)
    top -= _draw_paragraph(c, xml_text(guide.title()), title_style, MARGIN, top, width) + 0.5 * cm

    links = list(guide.links)
    per_row = 1 if len(links) <= 1 else 2
    rows = (len(links) + per_row - 1) // per_row if links else 0
    symbol = 8 * cm if len(links) == 1 else (7 * cm if len(links) == 2 else 6 * cm)
    cell_w = width / per_row
    row_heights = [h + 0.3 * cm for h in _links_height(links, per_row, symbol, 15, cell_w - 0.4 * cm)]
    footer_h = 1.2 * cm
    note = _note(guide)
    note_h = 0
    note_style = _style("note", SERIF_BOLD, 20, TA_CENTER)
    if note:
        note_h = _paragraph_height(xml_text(note), note_style, width - 1 * cm) + 0.8 * cm
    hotline = _hotline_text(guide)
    hot_style = _style("hot", SERIF, 14, TA_CENTER)
    hot_h = _paragraph_height(xml_text(hotline), hot_style, width) + 0.3 * cm if hotline else 0
    steps_room = top - (MARGIN + footer_h + sum(row_heights) + note_h + hot_h) - 0.4 * cm
    markup = _steps_markup(_steps(guide))
    size = 20.0
    while size > 11:
        style = _style("step", SERIF, size, leading=size * 1.25)
        total = sum(_paragraph_height(p, style, width) + size * 0.45 for p in markup)
        if total <= steps_room:
            break
        size -= 0.5
    style = _style("step", SERIF, size, leading=size * 1.25)
    for p in markup:
        top -= _draw_paragraph(c, p, style, MARGIN, top, width) + size * 0.45
    top -= 0.3 * cm
    if note:
        box_h = note_h - 0.4 * cm
        c.saveState()
        c.setStrokeColor(black)
        c.setLineWidth(1.5)
        c.rect(MARGIN, top - box_h, width, box_h, stroke=1, fill=0)
        c.restoreState()
        _draw_paragraph(c, xml_text(note), note_style, MARGIN + 0.5 * cm, top - 0.2 * cm, width - 1 * cm)
        top -= note_h
    for index, link in enumerate(links):
        row, col = divmod(index, per_row)
        cx = MARGIN + cell_w * col + cell_w / 2
        if len(links) % 2 == 1 and per_row == 2 and row == rows - 1:
            cx = PAGE_W / 2  # the last, single code of an odd number is centred
        draw_link(c, link, cx, top - sum(row_heights[:row]), symbol, 15, cell_w - 0.4 * cm)
    if hotline:
        _draw_paragraph(c, xml_text(hotline), hot_style, MARGIN, MARGIN + footer_h + hot_h, width)
    _footer(c, info, MARGIN, width, MARGIN)


# --- handout (two A5 halves) -------------------------------------------------------------------------------------


def _half(c: Canvas, guide: Guide, info: SheetInfo, bottom: float) -> None:
    height = PAGE_H / 2
    m = 1.0 * cm
    x, width = m, PAGE_W - 2 * m
    top = bottom + height - m
    title_style = _style("htitle", SERIF_BOLD, 18, TA_LEFT)
    top -= _draw_paragraph(c, xml_text(guide.title()), title_style, x, top, width) + 0.3 * cm
    links = list(guide.links)
    qr_col = 0 if not links else (5.6 * cm if len(links) <= 2 else 9.0 * cm)
    text_w = width - qr_col - (0.4 * cm if links else 0)
    markup = _steps_markup(_steps(guide))
    note, hotline = _note(guide), _hotline_text(guide)
    room = top - (bottom + m + 0.8 * cm)
    size = 15.0
    while size > 8:
        style = _style("hstep", SERIF, size, leading=size * 1.25)
        total = sum(_paragraph_height(p, style, text_w) + size * 0.35 for p in markup)
        if note:
            total += _paragraph_height(xml_text(note), _style("hn", SERIF_BOLD, size + 1), text_w) + 0.5 * cm
        if hotline:
            total += size * 1.6
        if total <= room:
            break
        size -= 0.5
    style = _style("hstep", SERIF, size, leading=size * 1.25)
    y = top
    for p in markup:
        y -= _draw_paragraph(c, p, style, x, y, text_w) + size * 0.35
    if note:
        note_style = _style("hn", SERIF_BOLD, size + 1)
        h = _paragraph_height(xml_text(note), note_style, text_w - 0.4 * cm)
        y -= 0.15 * cm
        c.rect(x, y - h - 0.3 * cm, text_w, h + 0.3 * cm, stroke=1, fill=0)
        _draw_paragraph(c, xml_text(note), note_style, x + 0.2 * cm, y - 0.15 * cm, text_w - 0.4 * cm)
        y -= h + 0.5 * cm
    if hotline:
        _draw_paragraph(c, xml_text(hotline), _style("hh", SERIF_ITALIC, size), x, y - 0.1 * cm, text_w)
    if links:
        per_row = 1 if len(links) <= 2 else 2
        cell_w = qr_col / per_row
        symbol = (4.2 * cm if len(links) == 1 else 3.6 * cm) if len(links) <= 2 else 3.1 * cm
        row_h = (top - (bottom + m + 0.6 * cm)) / ((len(links) + per_row - 1) // per_row)
        for index, link in enumerate(links):
            row, col = divmod(index, per_row)
            cx = x + width - qr_col + cell_w * col + cell_w / 2
            draw_link(c, link, cx, top - row * row_h, symbol, 9, cell_w - 0.2 * cm)
    _footer(c, info, x, width, bottom + 0.6 * cm, size=8)


def _cut_line(c: Canvas) -> None:
    c.saveState()
    c.setDash(3, 3)
    c.setStrokeColor(GREY)
    c.setLineWidth(0.5)
    c.line(0.5 * cm, PAGE_H / 2, PAGE_W - 0.5 * cm, PAGE_H / 2)
    c.restoreState()


# --- cards ------------------------------------------------------------------------------------------------------


CARD_COLS, CARD_ROWS = 2, 4
CARD_W, CARD_H = 9.0 * cm, 6.4 * cm


def _card_items(guides: Sequence[Guide]) -> list[tuple[Guide, Link | None]]:
    """One card per link (a guide without links gets one card carrying its note)."""
    items: list[tuple[Guide, Link | None]] = []
    for guide in guides:
        if guide.links:
            items.extend((guide, link) for link in guide.links)
        else:
            items.append((guide, None))
    return items


def _cut_marks(c: Canvas, x: float, y: float, w: float, h: float) -> None:
    mark, gap = 0.4 * cm, 0.1 * cm
    c.saveState()
    c.setLineWidth(0.4)
    for cx, cy, dx, dy in ((x, y, -1, -1), (x + w, y, 1, -1), (x, y + h, -1, 1), (x + w, y + h, 1, 1)):
        c.line(cx + dx * gap, cy, cx + dx * (gap + mark), cy)
        c.line(cx, cy + dy * gap, cx, cy + dy * (gap + mark))
    c.restoreState()


def _card(c: Canvas, guide: Guide, link: Link | None, x: float, y: float, info: SheetInfo) -> None:
    pad = 0.3 * cm
    top = y + CARD_H - pad
    text_w = CARD_W - 2 * pad
    left_w = text_w - 3.8 * cm
    title_style = _style("ctitle", SERIF_BOLD, 11.5)
    if link is None:
        top -= _draw_paragraph(c, xml_text(guide.title()), title_style, x + pad, top, text_w) + 0.2 * cm
        body = _steps_markup(_steps(guide))
        style = _style("cstep", SERIF, 8.5)
        for p in body:
            top -= _draw_paragraph(c, p, style, x + pad, top, text_w) + 1
        note = _note(guide)
        if note:
            top -= 0.15 * cm
            _draw_paragraph(c, xml_text(note), _style("cnote", SERIF_BOLD, 11, TA_CENTER), x + pad, top, text_w)
    else:
        h = _draw_paragraph(c, xml_text(guide.title()), title_style, x + pad, top, left_w)
        markup = _steps_markup(_steps(guide))
        room = top - h - 0.15 * cm - (y + 0.6 * cm)
        size = 8.5
        while size > 6:
            style = _style("cstep", SERIF, size)
            if sum(_paragraph_height(p, style, left_w) + 1 for p in markup) <= room:
                break
            size -= 0.25
        ty = top - h - 0.15 * cm
        for p in markup:
            ty -= _draw_paragraph(c, p, style, x + pad, ty, left_w) + 1
        draw_link(c, link, x + CARD_W - pad - 1.6 * cm, top, 2.5 * cm, 8.5, 3.4 * cm)
    c.setFont(SERIF, 6.5)
    c.setFillColor(GREY)
    footer = [part for part in (_hotline_text(guide), info.unit_name, fmt_date(info.day)) if part]
    c.drawString(x + pad, y + pad * 0.7, nfc(" · ".join(footer)))
    c.setFillColor(black)


# --- counter sheet ---------------------------------------------------------------------------------------------


def _primary_link(guide: Guide) -> Link | None:
    """The guide's main code on the counter sheet: its first checked link, else its first link."""
    for link in guide.links:
        if link.printable:
            return link
    return guide.links[0] if guide.links else None


def _counter_page(c: Canvas, guides: Sequence[Guide], info: SheetInfo) -> None:
    width = PAGE_W - 2 * MARGIN
    top = PAGE_H - MARGIN
    top -= _draw_paragraph(c, xml_text(_("Scan to get started: digital services")), _style("ct", SERIF_BOLD, 20, TA_CENTER),
                           MARGIN, top, width) + 0.3 * cm
    cols = 3
    rows = max(1, (len(guides) + cols - 1) // cols)
    cell_w = width / cols
    cell_h = (top - MARGIN - 0.9 * cm) / rows
    symbol = min(3.4 * cm, cell_h - 2.6 * cm)
    for index, guide in enumerate(guides):
        row, col = divmod(index, cols)
        x0 = MARGIN + col * cell_w
        y_top = top - row * cell_h
        c.saveState()
        c.setStrokeColor(LIGHT)
        c.rect(x0 + 0.1 * cm, y_top - cell_h + 0.1 * cm, cell_w - 0.2 * cm, cell_h - 0.2 * cm, stroke=1, fill=0)
        c.restoreState()
        cx = x0 + cell_w / 2
        used = _draw_paragraph(c, xml_text(guide.title()), _style("cth", SERIF_BOLD, 11, TA_CENTER),
                               x0 + 0.3 * cm, y_top - 0.25 * cm, cell_w - 0.6 * cm) + 0.45 * cm
        link = _primary_link(guide)
        if link is not None:
            draw_link(c, link, cx, y_top - used, symbol, 8, cell_w - 0.4 * cm, show_label=False)
        else:
            note = _note(guide) or (_steps(guide)[0] if _steps(guide) else "")
            _draw_paragraph(c, xml_text(note), _style("cn", SERIF_BOLD, 11, TA_CENTER), x0 + 0.4 * cm,
                            y_top - used - 0.5 * cm, cell_w - 0.8 * cm)
    _footer(c, info, MARGIN, width, MARGIN)


# --- entry point -----------------------------------------------------------------------------------------------


def render(guides: Sequence[Guide], layout: str, info: SheetInfo) -> bytes:
    """The sheets for these guides in one layout, as A4 PDF bytes; unfilled links are left out (`for_citizens`)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    guides, _left_out = for_citizens(guides)
    if not guides:
        raise ValueError("no guides to print")
    register_fonts()
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, initialFontName=SERIF, initialFontSize=10, pageCompression=1)
    c.setTitle(nfc(_("QR guides")))
    c.setAuthor("dxdesk")
    c.setCreator("dxdesk")
    c.setFillColor(black)
    if layout == "poster":
        for guide in guides:
            _poster(c, guide, info)
            c.showPage()
    elif layout == "handout":
        items = list(guides) if len(guides) > 1 else [guides[0], guides[0]]
        for start in range(0, len(items), 2):
            _half(c, items[start], info, PAGE_H / 2)
            if start + 1 < len(items):
                _half(c, items[start + 1], info, 0)
            _cut_line(c)
            c.showPage()
    elif layout == "cards":
        items = _card_items(guides)
        per_page = CARD_COLS * CARD_ROWS
        gap_x = (PAGE_W - CARD_COLS * CARD_W) / (CARD_COLS + 1)
        gap_y = (PAGE_H - CARD_ROWS * CARD_H) / (CARD_ROWS + 1)
        for start in range(0, len(items), per_page):
            for slot, (guide, link) in enumerate(items[start:start + per_page]):
                row, col = divmod(slot, CARD_COLS)
                x = gap_x + col * (CARD_W + gap_x)
                y = PAGE_H - (row + 1) * (CARD_H + gap_y)
                _cut_marks(c, x, y, CARD_W, CARD_H)
                _card(c, guide, link, x, y, info)
            c.showPage()
    else:
        per_page = 12
        for start in range(0, len(guides), per_page):
            _counter_page(c, guides[start:start + per_page], info)
            c.showPage()
    c.save()
    return out.getvalue()


def expected_codes(guides: Sequence[Guide], layout: str) -> set[str]:
    """The links a layout carries as QR codes (used by tests and the CLI summary)."""
    if layout == "counter":
        links = [_primary_link(g) for g in guides]
    else:
        links = [link for g in guides for link in g.links]
    return {link.url for link in links if link is not None and link.printable}


__all__ = ["LAYOUTS", "LeftOut", "SheetInfo", "for_citizens", "render", "expected_codes", "draw_link"]


def render_for(chosen: GuidesToPrint) -> bytes:
    """The PDF of what `dxdesk.guides.sheets.guides_to_print` chose (the guides as they stand in the database, in its
    layout, with its footer)."""
    return render(chosen.guides, chosen.layout, chosen.info)


def qr_count(guides: Sequence[Guide], layout: str) -> int:
    """How many QR codes the layout draws."""
    if layout == "counter":
        links = [_primary_link(g) for g in guides]
    else:
        links = [link for g in guides for link in g.links]
    return sum(1 for link in links if link is not None and link.printable)
