"""Page 1 of the report as it will print, as wide as the pane, scrolling down."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QScrollArea

from dxdesk.i18n import _


class PreviewPane(QScrollArea):
    def __init__(self, parent=None):
        super().__init__(parent, objectName="preview_area")
        self.label = QLabel(objectName="preview")
        self.label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.label.setText(_("Preparing the preview…"))
        self.setWidget(self.label)
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def show_pdf(self, pdf: bytes) -> None:
        from dxdesk.ui.printing import render_page

        width = max(300, self.viewport().width() - 16)
        image = render_page(pdf, 0, dpi=width / 8.27)  # A4 is 8,27 in wide: page 1 fits the width
        if image is None:
            self.label.setText(_("The preview could not be drawn."))
            return
        self.label.setPixmap(QPixmap.fromImage(image))
