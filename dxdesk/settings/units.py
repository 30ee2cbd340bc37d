"""The official list of provinces and communes (QĐ 19/2025/QĐ-TTg codes), shipped in resources/units."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from dxdesk.text import fold, tone_insensitive_key

CODE_LIST_VERSION = "QD19-2025"
_TYPE_WORDS = ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu ")


@dataclass(frozen=True)
class UnitEntry:
    province_code: str
    province_name: str
    unit_code: str
    unit_name: str
    unit_type: str

    @property
    def short_name(self) -> str:
        return strip_type_word(self.unit_name)


def strip_type_word(name: str) -> str:
    for word in _TYPE_WORDS:
        if name.startswith(word):
            return name[len(word):]
    return name


@lru_cache(maxsize=1)
def all_units() -> tuple[UnitEntry, ...]:
    raw = (files("dxdesk.resources") / "units" / "vn-units-2025.csv").read_text(encoding="utf-8")
    return tuple(UnitEntry(**row) for row in csv.DictReader(io.StringIO(raw)))


@lru_cache(maxsize=1)
def provinces() -> dict[str, str]:
    """Province code -> full name, in code order."""
    return {u.province_code: u.province_name for u in all_units()}


@lru_cache(maxsize=1)
def _by_code() -> dict[str, UnitEntry]:
    return {u.unit_code: u for u in all_units()}


def find_unit(code: str) -> UnitEntry | None:
    return _by_code().get(code)


def units_of(province_code: str) -> list[UnitEntry]:
    return [u for u in all_units() if u.province_code == province_code]


def names_match(given: str, official: str) -> bool:
    """'Mỹ Tho' and 'Phường Mỹ Tho' match 'Phường Mỹ Tho'; tone-mark placement (Hoà/Hòa) does not matter."""
    want = tone_insensitive_key(official)
    return tone_insensitive_key(given) in (want, tone_insensitive_key(strip_type_word(official)))


def search_units(query: str, province_code: str | None = None, limit: int = 50) -> list[UnitEntry]:
    """Units whose folded name contains the folded query ('my tho' finds 'Phường Mỹ Tho')."""
    q = fold(query)
    out = []
    for unit in all_units():
        if province_code and unit.province_code != province_code:
            continue
        if not q or q in fold(unit.unit_name) or q == unit.unit_code:
            out.append(unit)
            if len(out) >= limit:
                break
    return out
