"""QR codes drawn as vector squares into a reportlab canvas (sharp at any print size).

The module matrix comes from `qrcode` with error correction M or higher; the quiet zone (4 modules, white) is
part of the drawn square, so a code never touches a neighbouring drawing.
"""

from __future__ import annotations

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q

QUIET_MODULES = 4
_LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}


def matrix(data: str, ecc: str = "M") -> list[list[bool]]:
    """The QR modules (True = dark) without the quiet zone. ecc: M, Q or H (L is refused: too fragile on paper)."""
    if ecc not in _LEVELS:
        raise ValueError(f"error correction must be one of M, Q, H, not {ecc!r}")
    if not data:
        raise ValueError("empty QR data")
    code = qrcode.QRCode(error_correction=_LEVELS[ecc], border=0, box_size=1)
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def draw(canvas, data: str, x: float, y: float, symbol_size: float, ecc: str = "M") -> float:
    """Draw the QR code whose dark-module square (without quiet zone) is `symbol_size` points wide, with its
    lower-left corner at (x, y). The quiet zone is painted white around it. Returns the module size."""
    modules = matrix(data, ecc)
    count = len(modules)
    module = symbol_size / count
    quiet = QUIET_MODULES * module
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x - quiet, y - quiet, symbol_size + 2 * quiet, symbol_size + 2 * quiet, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row_index, row in enumerate(modules):
        top = y + symbol_size - (row_index + 1) * module
        col = 0
        while col < count:
            if row[col]:
                start = col
                while col < count and row[col]:
                    col += 1
                # a run of dark modules as one rectangle; a hair of overlap avoids white seams in viewers
                path.rect(x + start * module, top, (col - start) * module, module * 1.001)
            else:
                col += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return module


def quiet_zone(symbol_size: float, data: str, ecc: str = "M") -> float:
    """Width of the quiet zone in points for a symbol of that size."""
    return QUIET_MODULES * symbol_size / len(matrix(data, ecc))
