"""A compact tally card as PNG for the team's Zalo group: 1080 px wide (a phone screen at full width), large
type, one block per indicator with a target (count, target, % achieved, progress bar), then the other tasks.
Pillow with the bundled Liberation Sans; every string NFC. No personal data: counts only."""

from __future__ import annotations

import datetime as dt
import io

from dxdesk.reports.fonts import font_path, nfc
from PIL import Image, ImageDraw, ImageFont

from dxdesk.counting import Tally
from dxdesk.i18n import _
from dxdesk.vnformat import fmt_date, fmt_int, fmt_percent

WIDTH = 1080
PAD = 56
INK = (20, 24, 31)
MUTED = (92, 99, 112)
ACCENT = (11, 94, 168)
GOOD = (21, 128, 61)
WARN = (194, 65, 12)
TRACK = (226, 232, 240)
CARD = (248, 250, 252)


def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    with font_path("LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf") as path:
        return ImageFont.truetype(str(path), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    words, lines, line = nfc(text).split(), [], ""
    for word in words:
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines or [""]


def render(tally: Tally, unit_name: str, day: dt.date | None = None) -> bytes:
    """The card as PNG bytes."""
    title_f, big_f, text_f, small_f, name_f = (_font(True, 50), _font(True, 58), _font(False, 36),
                                               _font(False, 30), _font(True, 36))
    inner = WIDTH - 2 * PAD
    scratch = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    # Lay out first (to know the height), then draw.
    ops: list[tuple] = []
    cards: list[tuple] = []  # drawn first, under the text
    y = PAD
    for line in _wrap(scratch, _("Digital technology team: results"), title_f, inner):
        ops.append(("text", PAD, y, line, title_f, INK))
        y += 62
    sub = f"{unit_name} · {tally.period.label()}" if unit_name else tally.period.label()
    for line in _wrap(scratch, sub, text_f, inner):
        ops.append(("text", PAD, y, line, text_f, ACCENT))
        y += 46
    ops.append(("text", PAD, y, f"{fmt_date(tally.period.start)} – {fmt_date(tally.period.end)}", small_f, MUTED))
    y += 56
    for row in tally.with_target:
        top = y
        y += 24
        name_lines = _wrap(scratch, row.name, name_f, inner - 48)
        for line in name_lines:
            ops.append(("text", PAD + 24, y, line, name_f, INK))
            y += 46
        y += 6
        done = row.percent is not None and row.percent >= 100
        colour = GOOD if done else WARN
        ops.append(("text", PAD + 24, y, fmt_int(row.count), big_f, INK))
        pct = fmt_percent(row.percent)
        ops.append(("rtext", WIDTH - PAD - 24, y, pct, big_f, colour))
        y += 70
        target_text = _("target {target} {unit}").format(target=fmt_int(row.target), unit=row.unit)
        ops.append(("text", PAD + 24, y, target_text, small_f, MUTED))
        # Never colour alone: the word says it too.
        verdict = _("reached") if done else _("not yet reached")
        ops.append(("rtext", WIDTH - PAD - 24, y, verdict, _font(True, 30), colour))
        y += 44
        share = min(float(row.percent or 0) / 100.0, 1.0)
        ops.append(("bar", PAD + 24, y, inner - 48, share, colour))
        y += 40
        cards.append(("card", PAD, top, inner, y - top))
        y += 20
    others = [r for r in tally.other_tasks if r.count]
    if others:
        y += 10
        ops.append(("text", PAD, y, _("Other tasks"), title_f, INK))
        y += 66
        for row in others:
            lines = _wrap(scratch, row.name, text_f, inner - 260)
            ops.append(("rtext", WIDTH - PAD, y, fmt_int(row.count), name_f, INK))
            for line in lines:
                ops.append(("text", PAD, y, line, text_f, INK))
                y += 46
            y += 14
    y += 10
    footer = _("As of {date} · dxdesk").format(date=fmt_date(day or dt.date.today()))
    ops.append(("text", PAD, y, footer, small_f, MUTED))
    y += 40 + PAD

    image = Image.new("RGB", (WIDTH, y), "white")
    draw = ImageDraw.Draw(image)
    for op in cards + ops:
        kind = op[0]
        if kind == "card":
            _k, x, top, w, h = op
            draw.rounded_rectangle((x, top, x + w, top + h), radius=24, fill=CARD, outline=TRACK, width=2)
        elif kind == "text":
            _k, x, yy, text, font, colour = op
            draw.text((x, yy), nfc(text), font=font, fill=colour)
        elif kind == "rtext":
            _k, x, yy, text, font, colour = op
            draw.text((x - draw.textlength(nfc(text), font=font), yy), nfc(text), font=font, fill=colour)
        elif kind == "bar":
            _k, x, yy, w, share, colour = op
            draw.rounded_rectangle((x, yy, x + w, yy + 18), radius=9, fill=TRACK)
            if share > 0:
                draw.rounded_rectangle((x, yy, x + max(18, int(w * share)), yy + 18), radius=9, fill=colour)
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
