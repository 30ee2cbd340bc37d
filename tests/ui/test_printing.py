"""The shared print/save helpers: what is printed is the PDF itself (QR codes still scan), saving writes it."""

import shutil
import subprocess

import pytest
from dxdesk.ui import printing
from dxdesk.ui.app import create_application
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog


def _pdf_with_qr(text: str, url: str) -> bytes:
    import io

    from dxdesk.reports.fonts import SERIF, register_fonts
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    register_fonts()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=A4)
    c.setFont(SERIF, 20)
    c.drawString(72, 760, text)
    widget = QrCodeWidget(url, barLevel="M")
    drawing = Drawing(200, 200)
    widget.barWidth = widget.barHeight = 200
    drawing.add(widget)
    renderPDF.draw(drawing, c, 72, 450)
    c.showPage()
    c.drawString(72, 760, "trang 2")
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture
def app():
    return create_application()


def test_render_pages_gives_each_page_at_a4_size(app):
    pdf = _pdf_with_qr("Hướng dẫn", "https://dichvucong.gov.vn")
    pages = printing.render_pages(pdf, dpi=72)
    assert len(pages) == 2
    assert (pages[0].width(), pages[0].height()) == (595, 842)
    assert printing.render_pages(b"not a pdf") == []
    assert printing.render_page(b"not a pdf") is None


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools missing")
def test_paint_pdf_prints_every_page_and_the_qr_still_scans(app, tmp_path):
    url = "https://dichvucong.gov.vn"
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(150)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    printer.setFullPage(True)
    assert printing.paint_pdf(printer, _pdf_with_qr("Hướng dẫn", url)) == 2
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
                   check=True)
    png = next(tmp_path.glob("p*.png"))
    decoded = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
    assert decoded.stdout.split() == [url]
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert "Pages:           2" in info


def test_print_pdf_opens_a_preview_and_refuses_garbage(app, captured_messages):
    printing.preview_for_tests = []
    try:
        assert printing.print_pdf(None, _pdf_with_qr("x", "https://a.vn"), "Thử") is False
        (dialog, printer), = printing.preview_for_tests
        assert isinstance(dialog, QPrintPreviewDialog)
        assert "Thử" in dialog.windowTitle()
        assert printer.pageLayout().pageSize().id().name == "A4"
        printing.preview_for_tests.clear()
        assert printing.print_pdf(None, b"garbage", "Thử") is False
        assert printing.preview_for_tests == []
        assert captured_messages[-1][0] == "warning"
        assert "in" in captured_messages[-1][2]
    finally:
        printing.preview_for_tests = None


def test_save_pdf_writes_the_bytes_and_adds_the_extension(app, tmp_path, captured_messages):
    pdf = _pdf_with_qr("x", "https://a.vn")
    printing.save_path_for_tests = tmp_path / "huong-dan"
    try:
        path = printing.save_pdf(None, pdf, "huong-dan.pdf")
        assert path == tmp_path / "huong-dan.pdf"
        assert path.read_bytes() == pdf
        printing.save_path_for_tests = tmp_path / "no-such-dir" / "x.pdf"
        assert printing.save_pdf(None, pdf, "x.pdf") is None
        assert captured_messages[-1][0] == "warning"
    finally:
        printing.save_path_for_tests = None
