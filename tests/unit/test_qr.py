"""Vector QR codes: error correction at least M, a white quiet zone, decodable by a real decoder."""

import io
import shutil
import subprocess

import pytest
from dxdesk.reports import qr
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas

needs_zbar = pytest.mark.skipif(not (shutil.which("zbarimg") and shutil.which("pdftoppm")), reason="zbar-tools")


def test_matrix_refuses_low_error_correction_and_empty_data():
    with pytest.raises(ValueError):
        qr.matrix("https://dichvucong.gov.vn", "L")
    with pytest.raises(ValueError):
        qr.matrix("", "M")


def test_higher_error_correction_needs_more_modules():
    url = "https://play.google.com/store/apps/details?id=com.mservice.momotransfer"
    assert len(qr.matrix(url, "H")) > len(qr.matrix(url, "M"))


def test_quiet_zone_is_four_modules():
    url = "https://dichvucong.gov.vn"
    modules = len(qr.matrix(url))
    assert qr.quiet_zone(5 * cm, url) == pytest.approx(4 * 5 * cm / modules)


def _decode_pdf(tmp_path, pdf: bytes) -> list[str]:
    path = tmp_path / "q.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "q")], check=True)
    out = []
    for png in sorted(tmp_path.glob("q*.png")):
        res = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
        out += res.stdout.split()
    return out


@needs_zbar
def test_a_code_drawn_on_a_black_page_still_scans_thanks_to_its_quiet_zone(tmp_path):
    url = "https://play.google.com/store/apps/details?id=com.vnid"
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4)
    c.setFillColorRGB(0, 0, 0)
    c.rect(0, 0, A4[0], A4[1], stroke=0, fill=1)  # without its own white quiet zone nothing decodes
    qr.draw(c, url, 6 * cm, 12 * cm, 4 * cm, "M")
    c.showPage()
    c.save()
    assert _decode_pdf(tmp_path, buf.getvalue()) == [url]


@needs_zbar
def test_module_rectangles_are_vector_not_an_image(tmp_path):
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, pageCompression=0)
    qr.draw(c, "tel:1022", 2 * cm, 2 * cm, 3 * cm)
    c.showPage()
    c.save()
    pdf = buf.getvalue()
    assert b"/Subtype /Image" not in pdf and b" re" in pdf
    assert _decode_pdf(tmp_path, pdf) == ["tel:1022"]
