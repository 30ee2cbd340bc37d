"""Names on the schedule grid: the given name alone when it is unique, else the shortest label that tells the
volunteers apart; and the one Vietnamese name order (given name first, D before Đ) used everywhere."""

import unicodedata

from dxdesk.text import name_sort_key
from dxdesk.volunteers.members import short_names


def test_unique_given_names_stay_short():
    names = ["Nguyễn Thị Hạnh", "Phan Minh Minh", "Dương Minh My"]
    assert short_names(names) == {"Nguyễn Thị Hạnh": "Hạnh", "Phan Minh Minh": "Minh", "Dương Minh My": "My"}


def test_duplicate_given_names_get_the_shortest_distinguishing_initials():
    names = ["Lâm Bảo Quân", "Phan Thùy Quân", "Lê Bảo Hương", "Nguyễn Văn Hương", "Nguyễn Thị Hương",
             "Hồ Quốc Duy", "Nguyễn Quốc Duy", "Trương Thanh Hiếu"]
    short = short_names(names)
    assert short["Lâm Bảo Quân"] == "Quân (L.)" and short["Phan Thùy Quân"] == "Quân (P.)"
    # two Nguyễn Hương: the family initial is not enough for them, Lê Bảo Hương needs only hers
    assert short["Nguyễn Văn Hương"] == "Hương (N.V.)" and short["Nguyễn Thị Hương"] == "Hương (N.T.)"
    assert short["Lê Bảo Hương"] == "Hương (L.)"
    assert short["Hồ Quốc Duy"] == "Duy (H.)" and short["Nguyễn Quốc Duy"] == "Duy (N.)"
    assert short["Trương Thanh Hiếu"] == "Hiếu"
    assert len(set(short.values())) == len(names)  # every label names one person


def test_case_accents_and_unicode_forms():
    decomposed = unicodedata.normalize("NFD", "Đỗ Minh Nhân")
    short = short_names([decomposed, "dương ngọc nhân", "Nguyễn Quốc Nhan"])
    # 'Nhan' (no accent) is another name than 'Nhân': it stays short; the two Nhân differ in the family initial
    assert short["Nguyễn Quốc Nhan"] == "Nhan"
    assert short[decomposed] == unicodedata.normalize("NFC", "Nhân (Đ.)")
    assert short["dương ngọc nhân"] == "nhân (D.)"


def test_same_full_name_twice_and_single_word_names():
    short = short_names(["Trần An", "Trần An", "Lê An", "Hoa"])
    assert short["Trần An"] == "Trần An"  # two people called Trần An: nothing shorter tells them apart
    assert short["Lê An"] == "An (L.)" and short["Hoa"] == "Hoa"
    assert short_names([]) == {}


def test_name_order_given_name_first_d_before_dj():
    names = ["Đặng Ngọc Trí", "Đỗ Minh Nhân", "Dương Ngọc Nhân", "Dương Đức Như", "Nguyễn Quốc Nhân", "Hồ Quốc Duy",
             "Đinh Văn Đức", "Lê Văn Dũng"]
    assert sorted(names, key=name_sort_key) == [
        "Lê Văn Dũng", "Hồ Quốc Duy", "Đinh Văn Đức", "Dương Ngọc Nhân", "Đỗ Minh Nhân", "Nguyễn Quốc Nhân",
        "Dương Đức Như", "Đặng Ngọc Trí"]
