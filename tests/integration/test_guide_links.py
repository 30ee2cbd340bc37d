"""Issue #14 item 5: a guide link points only to an official address — in the editor and in a settings package
— and the guide list marks links outside the allow-list. A table of hostile links, each refused with the
reason a coordinator can act on; the official ones accepted (an upper-case host written in lower case)."""

from dataclasses import replace

import pytest
from sqlalchemy import select

from dxdesk.db.models import AuditEvent, GuideOverride
from dxdesk.errors import UserError
from dxdesk.guides.sheets import (
    Link,
    allow_domain,
    allowed_domains,
    default_guides,
    get_guide,
    list_guides,
    off_list_links,
    save_guide,
    validate_url,
)
from dxdesk.security.actor import Actor
from dxdesk.settings.profile import set_profile

OFFICIAL = {
    "https://vneid.gov.vn": "https://vneid.gov.vn",
    "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html": "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html",
    "https://play.google.com/store/apps/details?id=com.vnid": "https://play.google.com/store/apps/details?id=com.vnid",
    "https://apps.apple.com/vn/app/vneid/id1582750372": "https://apps.apple.com/vn/app/vneid/id1582750372",
    "https://onetouch.mic.gov.vn": "https://onetouch.mic.gov.vn",
    "https://VNeID.GOV.vn/Huong-Dan": "https://vneid.gov.vn/Huong-Dan",  # host lower-cased, path kept
    "HTTPS://dichvucong.gov.vn": "https://dichvucong.gov.vn",
    "https://postmart.vn/": "https://postmart.vn/",
    "tel:1022": "tel:1022",
}

# (hostile link, words of the reason)
HOSTILE = [
    ("https://vneid.gov.vn.dang-nhap.info/login", "không có trong danh sách"),  # the allowed name as a prefix
    ("https://vneid.gov.vn-xac-thuc.com/", "không có trong danh sách"),
    ("https://dichvucong.gov.vn.tk/", "không có trong danh sách"),
    ("https://xvneid.gov.vn/", "không có trong danh sách"),  # the allowed name inside another name
    ("https://my-vneid.gov.vn.evil.vn/", "không có trong danh sách"),
    ("https://vneid-gov.vn/", "không có trong danh sách"),
    ("https://vneid.gov.com/", "không có trong danh sách"),
    ("https://play.google.com.apk-download.net/vneid", "không có trong danh sách"),
    ("https://evil.example/?u=https://vneid.gov.vn", "không có trong danh sách"),
    ("https://evil.example#@vneid.gov.vn", "không có trong danh sách"),
    ("https://vneid.gov.vn@evil.example/", "trước “@”"),  # user-info hides the real host
    ("https://user:pass@dichvucong.gov.vn/", "trước “@”"),
    ("https://vneid.gov.vn%40evil.example/", "chỉ trông giống chữ Latinh"),
    ("https://vneid.gov.vn:8443/", "cổng"),
    ("https://vneid.gov.vn:443/", "cổng"),
    ("https://xn--vneid-6ra.gov.vn/", "chỉ trông giống chữ Latinh"),  # punycode
    ("https://vnеid.gov.vn/", "chỉ trông giống chữ Latinh"),  # Cyrillic е
    ("https://vneíd.gov.vn/", "chỉ trông giống chữ Latinh"),
    ("https://dịchvụcông.gov.vn/", "chỉ trông giống chữ Latinh"),
    ("https://vneid.gov.vn\\@evil.example/", "trước “@”"),
    ("https://vneid.gov.vn\\evil.example/", "chỉ trông giống chữ Latinh"),
    ("https://bit.ly/vneid-dangky", "rút gọn"),
    ("https://tinyurl.com/dvcdt", "rút gọn"),
    ("https://goo.gl/abc", "rút gọn"),
    ("https://cutt.ly/x", "rút gọn"),
    ("https://s.id/vneid", "rút gọn"),
    ("http://vneid.gov.vn/", "https://"),
    ("ftp://vneid.gov.vn/", "https://"),
    ("javascript:alert(1)", "https://"),
    ("data:text/html,<script>", "https://"),
    ("//vneid.gov.vn/", "https://"),
    ("https:vneid.gov.vn", "https://"),
    ("https://203.162.4.190/", "không có địa chỉ trang web hợp lệ"),
    ("https://vneid.gov.vn./", "không có địa chỉ trang web hợp lệ"),
    ("https:///vneid.gov.vn", "không có địa chỉ trang web hợp lệ"),
]


def test_the_table_has_enough_hostile_links():
    assert len(HOSTILE) >= 25 and len({u for u, _w in HOSTILE}) == len(HOSTILE)


@pytest.mark.parametrize(("url", "words"), HOSTILE)
def test_hostile_link_is_refused_with_its_reason(url, words):
    with pytest.raises(UserError) as refused:
        validate_url(url, allowed_domains())
    assert words in refused.value.message, refused.value.message
    assert "\n" not in refused.value.message


@pytest.mark.parametrize("url", sorted(OFFICIAL))
def test_official_link_is_accepted_and_normalised(url):
    assert validate_url(url, allowed_domains()) == OFFICIAL[url]


def test_shipped_guides_link_only_to_official_addresses():
    for guide in default_guides():
        assert off_list_links(guide, allowed_domains()) == [], guide.code


def test_editor_refuses_a_look_alike_and_the_list_marks_an_old_one(any_db, admin):
    set_profile(any_db, admin, "82", unit_code="28261")
    portal = get_guide(any_db, "portal")
    fake = Link("Đăng nhập VNeID", "", "https://vneid.gov.vn.dang-nhap.info/login", True)
    with pytest.raises(UserError, match="vneid.gov.vn.dang-nhap.info"):
        save_guide(any_db, admin, replace(portal, links=(fake,)))
    # the province's own portal is on the list for a commune of that province
    ok = save_guide(any_db, admin, replace(portal, links=(Link("Cổng tỉnh", "", "https://dongthap.gov.vn/dvc", True),)))
    assert ok.links[0].url == "https://dongthap.gov.vn/dvc"
    # an edit stored before the allow-list existed is kept, and marked in the guide list
    with any_db.write() as s:
        row = s.get(GuideOverride, "portal")
        row.data = row.data.replace("https://dongthap.gov.vn/dvc", "https://bit.ly/dvc")
    marked = {g.code: off_list_links(g, allowed_domains(any_db)) for g in list_guides(any_db)}
    assert [link.url for link in marked["portal"]] == ["https://bit.ly/dvc"]
    assert all(not v for k, v in marked.items() if k != "portal")


def test_only_an_administrator_extends_the_list_audited(any_db, admin, cli):
    set_profile(any_db, admin, "82", unit_code="28261")
    url = "https://dichvucong.dongthap.gov.vn.example.org/app"
    with pytest.raises(UserError):
        validate_url(url, allowed_domains(any_db))
    with pytest.raises(UserError):
        allow_domain(any_db, Actor("chi.lan", "coordinator"), "dichvucong.dongthap.gov.vn.example.org")
    for wide in ("gov.vn", "bit.ly", "xn--vneid-6ra.gov.vn", "vneíd.gov.vn"):
        with pytest.raises(UserError):
            allow_domain(any_db, admin, wide)
    assert allow_domain(any_db, admin, "https://DichVuCong.DongThap.gov.vn.example.org/") == \
        "dichvucong.dongthap.gov.vn.example.org"
    assert validate_url(url, allowed_domains(any_db)) == url
    with any_db.session() as s:
        assert s.scalar(select(AuditEvent.details).where(AuditEvent.action == "guide.allow_domain")).count(
            "dichvucong.dongthap.gov.vn.example.org") == 1
    db_url = None if any_db.is_sqlite else any_db.engine.url.render_as_string(hide_password=False)
    code, out, _ = cli("guide-links", "list", db_url=db_url)
    assert code == 0 and "vneid.gov.vn" in out and "dichvucong.dongthap.gov.vn.example.org" in out


def test_settings_package_with_a_look_alike_link_is_refused(tmp_path, admin):
    """The downward path: the province's package carries a guide whose link is a look-alike (its own list was
    extended by mistake) — the commune refuses it, by its own allow-list."""
    from dxdesk.database import open_database
    from dxdesk.exchange.settings_package import apply_settings_package, make_settings_package
    from dxdesk.paths import AppPaths
    from tests.signing_helpers import pin_sender

    province = open_database(None, AppPaths(tmp_path / "p").ensure())
    set_profile(province, admin, "82")
    allow_domain(province, admin, "vneid.gov.vn.dang-nhap.info")
    portal = get_guide(province, "portal")
    save_guide(province, admin, replace(portal, links=(
        Link("Đăng nhập", "", "https://vneid.gov.vn.dang-nhap.info/login", True),)))
    made = make_settings_package(province, admin, tmp_path / "s.zip", catalogue=False, holidays=False).path
    commune = open_database(None, AppPaths(tmp_path / "c").ensure())
    set_profile(commune, admin, "82", unit_code="28261")
    pin_sender(commune, made)
    with pytest.raises(UserError, match="vneid.gov.vn.dang-nhap.info"):
        apply_settings_package(commune, admin, made)
    assert get_guide(commune, "portal") == portal
    province.dispose()
    commune.dispose()
