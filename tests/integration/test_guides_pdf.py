"""QR guide sheets: every layout scans (zbarimg decodes exactly the configured links), the text extracted
from the PDF is the guide text with its diacritics, the bundled font is embedded, the footer is right."""

import datetime as dt
import re
import shutil
import subprocess
import unicodedata
from dataclasses import replace

import pytest
from dxdesk.reports.guides import LAYOUTS, SheetInfo, expected_codes, qr_count, render

from dxdesk.guides.sheets import Link, default_guides, list_guides, save_guide

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("zbarimg", "pdftoppm", "pdftotext", "pdffonts")),
    reason="needs poppler-utils and zbar-tools",
)
INFO = SheetInfo("Phường Mỹ Tho", dt.date(2026, 3, 9))


def _decode(tmp_path, pdf: bytes, name: str) -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "110", str(path), str(tmp_path / name)], check=True)
    found = []
    for png in sorted(tmp_path.glob(f"{name}-*.png")):
        res = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True)
        found += [line for line in res.stdout.splitlines() if line]
    return found


def _text(tmp_path, pdf: bytes, name: str = "t") -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_qr_code_of_every_layout_decodes_to_its_configured_link(tmp_path, layout):
    guides = list(default_guides())
    decoded = _decode(tmp_path, render(guides, layout, INFO), layout)
    expected = expected_codes(guides, layout)
    assert set(decoded) == expected
    assert len(decoded) == qr_count(guides, layout)  # no code missing, none extra
    # shipped facts from DOMAIN.md §2 are among them; the unverified ones are not
    if layout != "counter":
        assert "https://play.google.com/store/apps/details?id=com.vnid" in decoded
        assert "https://play.google.com/store/apps/details?id=com.bhxhapp" in decoded
    assert "https://dichvucong.gov.vn" in decoded
    assert "https://apps.apple.com/vn/app/vneid/id1582750372" not in decoded
    assert not any(url.startswith("market:") for url in decoded)


def test_an_edited_link_is_what_the_code_carries(tmp_path, db, admin):
    guide = next(g for g in list_guides(db) if g.code == "province_app")
    url = "https://dichvucong.gov.vn/e-dong-thap"  # an official address (issue #14 allow-list)
    save_guide(db, admin, replace(guide, links=(Link("Ứng dụng e-Đồng Tháp", "", url, True),)))
    edited = [g for g in list_guides(db) if g.code == "province_app"]
    for layout in LAYOUTS:
        assert _decode(tmp_path, render(edited, layout, INFO), layout) == (
            [url, url] if layout == "handout" else [url])  # a single handout guide fills both A5 halves


def test_pdftotext_gives_back_the_guide_text_with_its_diacritics(tmp_path):
    from dxdesk.reports.guides import for_citizens

    guides = list(default_guides())
    for layout in ("poster", "handout"):
        text = _flat(_text(tmp_path, render(guides, layout, INFO), layout))
        for guide in for_citizens(guides)[0]:  # every guide that has something to give a citizen
            assert _flat(guide.title_vi) in text
            for number, step in enumerate(guide.steps_vi, start=1):
                assert f"{number}. {_flat(step)}" in text, (layout, guide.code, step)
    poster = _text(tmp_path, render(guides, "poster", INFO), "p")
    for word in ("Đăng ký", "định danh điện tử", "Quản lý hồ sơ đã nộp", "Bảo hiểm xã hội số", "thuê bao",
                 "Hỗ trợ: gọi 1022", "ứng dụng"):
        assert word in _flat(poster)
    # the SIM check is an SMS instruction, printed as text (no code, no number stored)
    assert "Soạn tin: TTTB <số CCCD> gửi 1414" in _flat(poster)


def test_link_text_under_each_code_and_no_staff_note_for_unverified_links(tmp_path):
    vneid = [g for g in default_guides() if g.code == "vneid"]
    text = _flat(_text(tmp_path, render(vneid, "poster", INFO)))
    assert "https://play.google.com/store/apps/details?id=com.vnid" in text
    assert "id1582750372" not in text  # the unchecked iOS link is not printed …
    assert "cần điền" not in text and "kiểm tra địa chỉ" not in text  # … and no note to staff for a citizen
    assert _decode(tmp_path, render(vneid, "poster", INFO), "v") == ["https://play.google.com/store/apps/details?id=com.vnid"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_citizens_sheet_never_carries_the_staff_note(tmp_path, layout):
    from dxdesk.reports.guides import for_citizens

    guides = default_guides()
    kept, left_out = for_citizens(guides)
    text = _flat(_text(tmp_path, render(guides, layout, INFO)))
    assert "cần điền" not in text and "kiểm tra địa chỉ" not in text
    # e-Đồng Tháp (no link filled in) is left out whole and said; VNeID keeps Android and says iPhone was left out.
    whole = {item.guide.code for item in left_out if item.whole}
    partly = {item.guide.code: [link.label() for link in item.links] for item in left_out if not item.whole}
    assert "province_app" in whole and "province_app" not in {g.code for g in kept}
    assert "vneid" in partly and "vneid" in {g.code for g in kept}
    assert any("iPhone" in label or "iOS" in label for label in partly["vneid"])
    assert "Cài đặt ứng dụng công dân e-Đồng Tháp" not in text  # the guide left out is not on any sheet


def test_footer_has_unit_and_date_and_only_the_date_before_init(tmp_path):
    guides = list(default_guides())[:2]
    for layout in LAYOUTS:
        text = _flat(_text(tmp_path, render(guides, layout, INFO), layout))
        assert "Phường Mỹ Tho" in text and "09/03/2026" in text
        bare = _flat(_text(tmp_path, render(guides, layout, SheetInfo(None, dt.date(2026, 3, 9))), layout + "b"))
        assert "09/03/2026" in bare and "Phường" not in bare


def test_pages_fonts_and_page_size(tmp_path):
    from dxdesk.reports.guides import for_citizens

    shipped = list(default_guides())
    guides = for_citizens(shipped)[0]  # what reaches paper (e-Đồng Tháp, without a link yet, does not)
    assert len(guides) == len(shipped) - 1
    expect_pages = {"poster": len(guides), "handout": (len(guides) + 1) // 2,
                    "cards": -(-sum(max(1, len(g.links)) for g in guides) // 8), "counter": 1}
    for layout in LAYOUTS:
        path = tmp_path / f"{layout}.pdf"
        path.write_bytes(render(shipped, layout, INFO))
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert f"Pages:{' ' * 10}{expect_pages[layout]}\n" in info.replace("Pages:           ", "Pages:          ")
        assert "595.276 x 841.89 pts (A4)" in info
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        rows = fonts.splitlines()[2:]
        assert rows and all("LiberationSerif" in r and " yes yes yes " in r for r in rows), fonts
        assert "Helvetica" not in fonts


def test_poster_code_is_at_least_six_centimetres(tmp_path):
    """Measure the printed code: the decoder's bounding box on a 100-dpi raster is ≥ 6 cm wide."""
    ewallet = [g for g in default_guides() if g.code == "ewallet"]  # four codes: the smallest poster codes
    path = tmp_path / "e.pdf"
    path.write_bytes(render(ewallet, "poster", INFO))
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(tmp_path / "e")], check=True)
    png = next(tmp_path.glob("e-*.png"))
    xml = subprocess.run(["zbarimg", "-q", "--xml", str(png)], capture_output=True, text=True).stdout
    assert xml.count("<symbol") == 4
    from PIL import Image

    image = Image.open(png).convert("L")
    half, px_per_cm = image.size[0] // 2, 100 / 2.54

    def runs(y):
        xs = [x for x in range(half) if image.getpixel((x, y)) < 128]
        if not xs:
            return []
        out, begin = [], None
        for a, b in zip(xs, xs[1:] + [None], strict=True):
            begin = a if begin is None else begin
            if b != a + 1:
                out.append((begin, a))
                begin = None
        return out

    # the top row of the first code is the first row with a long dark run (a finder pattern's top edge,
    # 7 modules); on that row the two top finders mark the code's full width
    for y in range(image.size[1]):
        row = runs(y)
        if any(b - a >= 1.0 * px_per_cm for a, b in row):
            width_cm = (row[-1][1] - row[0][0] + 1) / px_per_cm
            break
    assert 5.9 <= width_cm <= 6.5
