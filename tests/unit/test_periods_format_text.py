"""Periods, Vietnamese number/date formatting, text hygiene."""

import datetime as dt
from decimal import Decimal

import pytest

from dxdesk.errors import UserError
from dxdesk.periods import parse_period
from dxdesk.text import clean_free_text, find_forbidden, fold, name_sort_key, tone_insensitive_key
from dxdesk.vnformat import fmt_date_nd30, fmt_int, fmt_percent, percent


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-Q1", dt.date(2024, 1, 1), dt.date(2024, 3, 31)),
        ("2024-Q4", dt.date(2024, 10, 1), dt.date(2024, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2024-W05", dt.date(2024, 1, 29), dt.date(2024, 2, 4)),
        ("2020-W53", dt.date(2020, 12, 28), dt.date(2021, 1, 3)),
        ("2024-03-01..2024-03-31", dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    ],
)
def test_periods_parse_exactly(text, start, end):
    period = parse_period(text)
    assert (period.start, period.end, period.key) == (start, end, text)


@pytest.mark.parametrize("text", ["2024-13", "2024-Q5", "2024-Q0", "2024-W54", "2021-W53", "24", "2024-3",
                                  "2024-03-31..2024-03-01", "2024-02-30..2024-03-01", "", "năm 2024"])
def test_bad_periods_refused_with_a_clear_message(text):
    with pytest.raises(UserError, match="không hợp lệ"):
        parse_period(text)


def test_percent_is_exact_and_half_up():
    assert percent(2001, 2000) == Decimal("100.1")  # float rounding would give 100.0
    assert percent(6800, 4802) == Decimal("141.6")
    assert percent(4292, 3000) == Decimal("143.1")
    assert percent(739, 480) == Decimal("154.0")
    assert percent(189, 360) == Decimal("52.5")
    assert percent(1, 0) is None and percent(5, None) is None


def test_vietnamese_number_and_date_formats():
    assert fmt_int(6800) == "6.800"
    assert fmt_int(46189) == "46.189"
    assert fmt_percent(Decimal("141.6")) == "141,6 %"
    assert fmt_percent(Decimal("154.0")) == "154 %"
    assert fmt_date_nd30(dt.date(2026, 2, 5)) == "ngày 05 tháng 02 năm 2026"
    assert fmt_date_nd30(dt.date(2026, 3, 15)) == "ngày 15 tháng 3 năm 2026"
    assert fmt_date_nd30(dt.date(2026, 12, 1)) == "ngày 01 tháng 12 năm 2026"


def test_fold_keeps_d_and_finds_without_accents():
    assert fold("Nguyễn Đức Đông Hòa") == "nguyen duc dong hoa"
    decomposed = "Nguye\u0302\u0303n"  # as some keyboards type it
    assert fold(decomposed) == "nguyen"
    assert tone_insensitive_key("Thanh Hoà") == tone_insensitive_key("Thanh Hòa")
    assert tone_insensitive_key("Mỹ Tho") != tone_insensitive_key("Mỹ Thọ")


def test_vietnamese_name_order_by_given_name():
    names = ["Trần Văn Ứng", "Lê Thị Uyên", "Nguyễn Văn Đông", "Phạm Minh Dũng", "Võ An"]
    assert sorted(names, key=name_sort_key) == ["Võ An", "Phạm Minh Dũng", "Nguyễn Văn Đông", "Lê Thị Uyên", "Trần Văn Ứng"]


@pytest.mark.parametrize("text", ["CCCD 079123456789", "số 079 123 456 789", "079.123.456.789", "0791-2345-6789",
                                  "mã OTP là 123456", "Mật khẩu: 2580", "ma xac thuc 9911"])
def test_ids_and_secrets_are_refused(text):
    assert find_forbidden(text)
    with pytest.raises(UserError):
        clean_free_text(text)


@pytest.mark.parametrize("text", ["Gọi lại 0912 345 678", "0912345678", "+84 912.345.678"])
def test_phone_numbers_point_to_the_contact_fields(text):
    assert "liên hệ" in find_forbidden(text)  # the consented, encrypted contact fields
    assert find_forbidden(text, phones=True) is None  # a public hotline in a guide text


@pytest.mark.parametrize("text", ["hồ sơ 2026 số 15", "đã cài 2 ứng dụng", "", "Chiến dịch 1/3/2026-5/3/2026",
                                  "sạc pin 5000mAh", "mật khẩu mới đã đổi xong", "Thôn 12, tổ 5", "1.500.000 đồng"])
def test_ordinary_notes_pass(text):
    assert find_forbidden(text) is None


def test_free_text_is_nfc():
    assert clean_free_text("Nguye\u0302\u0303n") == "Nguyễn"


def test_from_picker_matches_the_cli_forms():
    from dxdesk.periods import from_picker, parse_period

    assert from_picker("year", 2026) == parse_period("2026")
    assert from_picker("quarter", 2026, quarter=4) == parse_period("2026-Q4")
    assert from_picker("month", 2026, month=2).end.day == 28 and from_picker("month", 2024, month=2).end.day == 29
