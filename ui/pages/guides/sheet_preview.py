"""Hướng dẫn QR, right: the layout (poster, handout, cards, counter sheet), one guide or all, a live picture of the
first printed page, and Print / Save PDF."""

from __future__ import annotations

from dxdesk.reports import guides as sheets
from dxdesk.ui.printing import render_page
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from dxdesk.i18n import N_, _

LAYOUT_NAMES = {
    "poster": N_("Poster (one guide per A4 page)"),
    "handout": N_("Handout (two A5 per page)"),
    "cards": N_("Cards (eight per page, cut marks)"),
    "counter": N_("Counter sheet (every service on one page)"),
}


class SheetPreview(QWidget):
    """`changed` when the layout or "every guide" changes; `show_pdf(pdf)` draws the first page, `show_text` says
    why there is none."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.layout_box = QComboBox(objectName="layout_box")
        for key in sheets.LAYOUTS:
            self.layout_box.addItem(_(LAYOUT_NAMES[key]), key)
        self.layout_box.currentIndexChanged.connect(self._changed)
        self.all_guides = QCheckBox(_("Print &every guide"), objectName="all_guides")
        self.all_guides.toggled.connect(self._changed)
        self.preview = QLabel(objectName="guide_preview")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(220, 300)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.preview.setStyleSheet("background: #808080;")
        self.print_button = QPushButton(_("&Print…"), objectName="print_guides")
        self.pdf_button = QPushButton(_("Save P&DF…"), objectName="save_guides_pdf")
        layout_label = QLabel(_("La&yout:"))
        layout_label.setBuddy(self.layout_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(layout_label)
        box.addWidget(self.layout_box)
        box.addWidget(self.all_guides)
        box.addWidget(self.preview, 1)
        box.addLayout(buttons)

    def _changed(self, *_args) -> None:
        self.changed.emit()

    def layout_key(self) -> str:
        return self.layout_box.currentData()

    def every_guide(self) -> bool:
        return self.all_guides.isChecked()

    def set_printable(self, printable: bool) -> None:
        self.print_button.setEnabled(printable)
        self.pdf_button.setEnabled(printable)

    def show_text(self, text: str) -> None:
        self.preview.setPixmap(QPixmap())
        self.preview.setText(text)
        self.preview.setWordWrap(True)

    def show_pdf(self, pdf: bytes) -> None:
        ratio = self.devicePixelRatioF()
        image = render_page(pdf, 0, 72 * max(1.0, self.preview.height() / 842) * ratio)
        if image is None:
            self.preview.setText(_("No preview."))
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(ratio)
        self.preview.setPixmap(pixmap.scaled(self.preview.size() * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))
