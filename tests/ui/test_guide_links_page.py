"""Issue #14 on the Hướng dẫn QR page: a look-alike link is refused as it is typed (and never drawn as a QR
code), and the guide list marks a stored link outside the official addresses."""

from dxdesk.ui.context import PageContext
from dxdesk.ui.pages.guides.page import GuidesPage
from PySide6.QtCore import Qt

from dxdesk.db.models import GuideOverride
from dxdesk.guides.sheets import Link, get_guide, save_guide
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile


def _page(qtbot, db, home):
    page = GuidesPage(PageContext(db=db, paths=home, actor=Actor("chi.lan", "coordinator")), "Hướng dẫn QR")
    qtbot.addWidget(page)
    page.resize(1093, 614)
    page.show()
    return page


def _row(page, code):
    return next(r for r in range(page.guide_list.list.count()) if page.guide_list.list.item(r).data(Qt.ItemDataRole.UserRole) == code)


def test_look_alike_refused_as_typed_and_old_link_marked(qtbot, db, home, admin):
    from dataclasses import replace

    set_profile(db, admin, "82", unit_code="28261")
    portal = get_guide(db, "portal")
    save_guide(db, admin, replace(portal, links=(Link("Cổng tỉnh", "", "https://dongthap.gov.vn/dvc", True),)))
    with db.write() as s:  # an edit stored before the allow-list existed
        row = s.get(GuideOverride, "portal")
        row.data = row.data.replace("https://dongthap.gov.vn/dvc", "https://bit.ly/dvc")
    page = _page(qtbot, db, home)
    item = page.guide_list.list.item(_row(page, "portal"))
    assert "có liên kết ngoài danh sách địa chỉ chính thức" in item.text() and "bit.ly" in item.toolTip()
    assert "ngoài danh sách" not in page.guide_list.list.item(_row(page, "vneid")).text()

    page.guide_list.list.setCurrentRow(_row(page, "vneid"))
    page.editor.links.table.setCurrentCell(0, 0)
    page.editor.links.url.setFocus()
    page.editor.links.url.selectAll()
    qtbot.keyClicks(page.editor.links.url, "https://vneid.gov.vn.dang-nhap.info/login")
    qtbot.waitUntil(lambda: page.editor.problem.isVisible(), timeout=3000)
    assert "vneid.gov.vn.dang-nhap.info" in page.editor.problem.text() and "danh sách" in page.editor.problem.text()
    assert all(link.url != "https://vneid.gov.vn.dang-nhap.info/login" or not link.verified
               for link in page._preview_guide().links)
