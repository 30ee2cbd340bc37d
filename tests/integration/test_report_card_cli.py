"""`report tally --png FILE.png` (issue #19): the Zalo result card from the command line, so both frozen
programs' smoke tests can check every output format; a wrong suffix is refused with one message and no file."""

from PIL import Image


def test_tally_png_card_next_to_pdf_and_docx(cli, tmp_path):
    code, _out, err = cli("demo", "--records", "200")
    assert code == 0, err
    pdf, docx, png = tmp_path / "báo cáo.pdf", tmp_path / "báo cáo.docx", tmp_path / "thẻ zalo.png"
    code, out, err = cli("report", "tally", "--period", "2026", "--draft", "--out", pdf, "--docx", docx, "--png", png)
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF-") and docx.read_bytes().startswith(b"PK")
    with Image.open(png) as image:
        assert image.format == "PNG" and image.width == 1080 and image.height > 1000


def test_png_card_needs_png_suffix(cli, tmp_path):
    cli("demo", "--records", "50")
    code, _out, err = cli("report", "tally", "--period", "2026", "--draft", "--out", tmp_path / "a.pdf",
                          "--png", tmp_path / "a.jpg")
    assert code == 2 and ".png" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "a.jpg").exists()
