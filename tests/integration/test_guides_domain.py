"""Guide edits: stored in the database over the shipped default, validated, audited, restorable — on SQLite
and PostgreSQL. And the `guides` command."""

import json
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from dxdesk.counting.catalogue import shipped_catalogue
from dxdesk.db.models import AuditEvent, GuideOverride
from dxdesk.errors import UserError
from dxdesk.guides.sheets import (
    Link,
    default_guides,
    get_guide,
    list_guides,
    restore_default,
    save_guide,
    validate_url,
)
from dxdesk.security.actor import Actor

COORDINATOR = Actor("chi.lan", "coordinator")
CLERK = Actor("anh.tu", "clerk")


def _counts(db):
    with db.session() as s:
        return (s.scalar(select(func.count()).select_from(GuideOverride)),
                s.scalar(select(func.count()).select_from(AuditEvent)))


def test_one_guide_per_catalogue_service_plus_the_portal():
    codes = [g.code for g in default_guides()]
    services = [s["code"] for s in shipped_catalogue()["services"]]
    assert sorted(codes) == sorted(services + ["portal"])
    for guide in default_guides():
        assert 3 <= len(guide.steps_vi) <= 6 and len(guide.steps_en) == len(guide.steps_vi)
        assert guide.title_vi and guide.title_en and guide.source and guide.verified_on
        for link in guide.links:
            if link.url:
                assert validate_url(link.url) == link.url
            assert not link.url.startswith("market:")


def test_shipped_facts_follow_the_domain_research():
    by_code = {g.code: g for g in default_guides()}
    urls = {link.url: link for g in default_guides() for link in g.links}
    assert urls["https://dichvucong.gov.vn"].verified
    assert urls["https://play.google.com/store/apps/details?id=com.vnid"].verified
    assert urls["https://play.google.com/store/apps/details?id=com.bhxhapp"].verified
    assert not urls["https://apps.apple.com/vn/app/vneid/id1582750372"].verified  # [U] in DOMAIN.md
    province = by_code["province_app"].links[0]
    assert province.url == "" and not province.verified  # e-Đồng Tháp: no link known
    sim = by_code["sim_owner"]
    assert sim.links == () and "TTTB" in sim.note_vi and "1414" in sim.note_vi


@pytest.mark.parametrize("url, ok", [
    ("https://dichvucong.gov.vn", True), ("https://play.google.com/store/apps/details?id=com.vnid", True),
    ("tel:1022", True), ("tel:+842773898989", True),
    ("http://dichvucong.gov.vn", False), ("market://details?id=com.vnid", False), ("dichvucong.gov.vn", False),
    ("https://", False), ("https://dich vu.vn", False), ("tel:10 22", False), ("tel:abc", False),
    ("javascript:alert(1)", False), ("https://localhost/x", False), ("sms:1414", False),
])
def test_links_must_be_https_or_tel(url, ok):
    if ok:
        assert validate_url(url)
    else:
        with pytest.raises(UserError):
            validate_url(url)


def test_edit_overrides_default_and_restore_brings_it_back(any_db):
    db = any_db
    guide = get_guide(db, "portal")
    edited = replace(guide, title_vi="Cổng Dịch vụ công — hướng dẫn của phường",
                     steps_vi=guide.steps_vi[:3],
                     links=guide.links + (Link("Gọi Tổng đài 1022", "Call 1022", "tel:1022", True),))
    saved = save_guide(db, COORDINATOR, edited)
    assert saved.overridden
    now = get_guide(db, "portal")
    assert now.title_vi == "Cổng Dịch vụ công — hướng dẫn của phường" and len(now.steps_vi) == 3
    assert [link.url for link in now.links] == ["https://dichvucong.gov.vn", "tel:1022"]
    assert now.overridden and [g.code for g in list_guides(db)] == [g.code for g in default_guides()]
    with db.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "guide.edit")).one()
        assert event.actor == "chi.lan" and event.entity_id == "portal"
        assert json.loads(event.details)["links"] == ["https://dichvucong.gov.vn", "tel:1022"]
    restore_default(db, COORDINATOR, "portal")
    back = get_guide(db, "portal")
    assert back == next(g for g in default_guides() if g.code == "portal") and not back.overridden
    assert _counts(db) == (0, 2)


def test_a_bad_link_is_refused_with_a_clear_message_and_nothing_is_saved(any_db):
    db = any_db
    guide = get_guide(db, "vneid")
    bad = replace(guide, title_vi="Đổi tiêu đề", links=(Link("VNeID", "", "market://details?id=com.vnid", True),))
    with pytest.raises(UserError) as err:
        save_guide(db, COORDINATOR, bad)
    assert "https://" in err.value.message and "Liên kết 1 (VNeID)" in err.value.message
    assert _counts(db) == (0, 0)
    assert get_guide(db, "vneid").title_vi == guide.title_vi


@pytest.mark.parametrize("change, words", [
    (dict(title_vi="  "), "Tiêu đề tiếng Việt"),
    (dict(steps_vi=("Một", "Hai")), "từ 3 đến 6 bước"),
    (dict(steps_vi=tuple(f"Bước {i}" for i in range(7))), "từ 3 đến 6 bước"),
    (dict(steps_vi=("Ghi số 079123456789", "b", "c")), "CCCD"),
    (dict(links=(Link("Ứng dụng", "", "", True),)), "chưa có địa chỉ"),
    (dict(hotline="gọi tôi"), "số điện thoại"),
])
def test_other_bad_edits_are_refused(db, change, words):
    guide = get_guide(db, "vssid")
    with pytest.raises(UserError) as err:
        save_guide(db, COORDINATOR, replace(guide, **change))
    assert words in err.value.message
    assert _counts(db) == (0, 0)


def test_an_unverified_link_without_address_is_allowed(db):
    guide = get_guide(db, "province_app")
    save_guide(db, COORDINATOR, replace(guide, title_vi="Ứng dụng của tỉnh"))
    assert get_guide(db, "province_app").links[0].printable is False


def test_only_coordinators_edit(db):
    with pytest.raises(UserError) as err:
        save_guide(db, CLERK, get_guide(db, "portal"))
    assert "không được sửa hướng dẫn QR" in err.value.message
    with pytest.raises(UserError):
        restore_default(db, CLERK, "portal")
    assert _counts(db) == (0, 0)


def test_guides_command_before_init_and_with_bad_input(cli, tmp_path):
    out = tmp_path / "g.pdf"
    code, stdout, err = cli("guides", "--service", "vneid", "portal", "--layout", "cards", "--out", out)
    assert code == 0, err
    assert out.read_bytes().startswith(b"%PDF")
    assert "Số hướng dẫn: 2; số mã QR: 2." in stdout
    assert ("Không in vì liên kết chưa điền (xem Hướng dẫn QR): Cài đặt và đăng ký tài khoản VNeID: liên kết "
            "“VNeID cho iPhone (App Store)” (chưa điền).") in stdout
    code, stdout, err = cli("guides", "--service", "province_app", "--out", tmp_path / "p.pdf")
    assert code == 2 and "Không có gì để in" in err and not (tmp_path / "p.pdf").exists()
    code, _, err = cli("guides", "--service", "khong_co", "--out", tmp_path / "x.pdf")
    assert code == 2 and "khong_co" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()
    code, _, err = cli("guides", "--out", tmp_path / "no" / "x.pdf")
    assert code == 2 and len(err.strip().splitlines()) == 1
