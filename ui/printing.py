"""Shared printing helpers: show a PDF (bytes made by dxdesk.reports) in the system print dialog with a
preview, or save it to a file. Every page that prints uses these two calls:

    from dxdesk.ui.printing import print_pdf, save_pdf

    pdf = some_report_function(...)              # bytes of an A4 PDF
    print_pdf(self, pdf, _("Shift schedule"))    # preview dialog -> system print dialog; True if printed
    save_pdf(self, pdf, "lich-truc.pdf")         # file dialog; returns the Path written, or None

How it works: the PDF is opened with QtPdf (`QPdfDocument`, from memory), each page is rendered to an image
at the printer's resolution (capped at 300 dpi) and painted full-page onto the QPrinter, so what is printed is
exactly the PDF (fonts, QR codes) without any re-layout. `paint_pdf(printer, pdf)` is the painting step on its
own (tests use it with a PDF-file QPrinter). Errors a user can cause (unreadable PDF, file not writable) are
shown with `dxdesk.ui.messages.warning` in Vietnamese; nothing raises into the UI.

Tests: set `save_path_for_tests` to a path to skip the file dialog, and `preview_for_tests` to a list to
collect the preview dialogs instead of running them (each entry: (dialog, printer)).
"""

from __future__ import annotations

from pathlib import Path

from dxdesk.ui import messages
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QFileDialog, QWidget

from dxdesk.i18n import _

MAX_DPI = 300
POINTS_PER_INCH = 72.0

save_path_for_tests: str | Path | None = None
preview_for_tests: list | None = None


class _OpenPdf:
    """A QPdfDocument loaded from bytes; keeps the buffer alive as long as the document."""

    def __init__(self, pdf_bytes: bytes):
        self.data = QByteArray(bytes(pdf_bytes))
        self.buffer = QBuffer(self.data)
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self.buffer)

    @property
    def ok(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready and self.document.pageCount() > 0

    def page_count(self) -> int:
        return self.document.pageCount()

    def render(self, index: int, dpi: float) -> QImage:
        points = self.document.pagePointSize(index)
        size = QSize(max(1, round(points.width() * dpi / POINTS_PER_INCH)),
                     max(1, round(points.height() * dpi / POINTS_PER_INCH)))
        return self.document.render(index, size)

    def close(self) -> None:
        self.document.close()
        self.buffer.close()


def render_pages(pdf_bytes: bytes, dpi: float = 96) -> list[QImage]:
    """Every page of the PDF as an image at `dpi` (also used for on-screen previews). Empty list if unreadable."""
    pdf = _OpenPdf(pdf_bytes)
    try:
        if not pdf.ok:
            return []
        return [pdf.render(i, dpi) for i in range(pdf.page_count())]
    finally:
        pdf.close()


def render_page(pdf_bytes: bytes, index: int = 0, dpi: float = 96) -> QImage | None:
    """One page as an image (for a live preview), or None if the PDF cannot be read."""
    pdf = _OpenPdf(pdf_bytes)
    try:
        if not pdf.ok or index >= pdf.page_count():
            return None
        return pdf.render(index, dpi)
    finally:
        pdf.close()


def paint_pdf(printer: QPrinter, pdf_bytes: bytes) -> int:
    """Paint every page of the PDF onto the printer, one PDF page per sheet. Returns the pages painted."""
    pdf = _OpenPdf(pdf_bytes)
    try:
        if not pdf.ok:
            return 0
        dpi = min(MAX_DPI, printer.resolution() or MAX_DPI)
        first_points = pdf.document.pagePointSize(0)
        orientation = (QPageLayout.Orientation.Landscape if first_points.width() > first_points.height()
                       else QPageLayout.Orientation.Portrait)
        if not printer.pageLayout().pageSize().isValid():
            printer.setPageSize(a4_page_size())
        printer.setPageOrientation(orientation)
        painter = QPainter()
        if not painter.begin(printer):
            return 0
        try:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            for index in range(pdf.page_count()):
                if index:
                    printer.newPage()
                image = pdf.render(index, dpi)
                target = printer.pageLayout().fullRectPixels(printer.resolution())
                area = QRect(0, 0, target.width(), target.height())
                scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                # With full-page mode the painter's origin is the paper corner; centre the page on it.
                x = (area.width() - scaled.width()) // 2
                y = (area.height() - scaled.height()) // 2
                painter.drawImage(QRect(x, y, scaled.width(), scaled.height()), image)
            return pdf.page_count()
        finally:
            painter.end()
    finally:
        pdf.close()


def a4_page_size() -> QPageSize:
    """A4 built from its size (QPageSize(PageSizeId.A4) comes out invalid while a translator answers Qt's own
    texts with empty strings, see ui/qt_i18n.py)."""
    return QPageSize(QSizeF(210, 297), QPageSize.Unit.Millimeter, "A4")


def _new_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(a4_page_size())
    printer.setFullPage(True)
    return printer


def print_pdf(parent: QWidget | None, pdf_bytes: bytes, title: str) -> bool:
    """Show the print preview of the PDF; its print button opens the system print dialog.

    Returns True when the user printed, False when cancelled or the PDF could not be read (a message says so).
    """
    probe = _OpenPdf(pdf_bytes)
    readable = probe.ok
    probe.close()
    if not readable:
        messages.warning(parent, _("Print"), _("This document could not be prepared for printing."))
        return False
    printer = _new_printer()
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(_("Print preview: {title}").format(title=title))
    dialog.paintRequested.connect(lambda p: paint_pdf(p, pdf_bytes))
    if preview_for_tests is not None:
        preview_for_tests.append((dialog, printer))
        return False
    return dialog.exec() == QPrintPreviewDialog.DialogCode.Accepted


def save_pdf(parent: QWidget | None, pdf_bytes: bytes, suggested_name: str) -> Path | None:
    """Ask where to save (file dialog, PDF filter) and write the bytes. Returns the path, or None if cancelled."""
    if save_path_for_tests is not None:
        chosen = str(save_path_for_tests)
    else:
        start = str(Path.home() / suggested_name)
        chosen, _filter = QFileDialog.getSaveFileName(parent, _("Save as PDF"), start, _("PDF files (*.pdf)"))
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")
    try:
        path.write_bytes(pdf_bytes)
    except OSError as exc:
        messages.warning(parent, _("Save as PDF"),
                         _("The file could not be written: {reason}").format(reason=exc.strerror or str(exc)))
        return None
    return path
