"""Vietnamese text hygiene: NFC at every input, accent folding for search, Vietnamese sort order,
and the guard that keeps citizen ID numbers and one-time codes out of free text."""

from __future__ import annotations

import re
import unicodedata

from dxdesk.errors import UserError
from dxdesk.i18n import _

_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}  # huyền, sắc, hỏi, ngã, nặng


def nfc(text: str | None) -> str:
    """Normalise to NFC and trim; decomposed input from some keyboards becomes precomposed."""
    if not text:
        return ""
    return unicodedata.normalize("NFC", text).strip()


def fold(text: str | None) -> str:
    """Lower-case, accent-free form for search: 'Nguyễn Đức' -> 'nguyen duc'. Đ/đ map to d explicitly."""
    if not text:
        return ""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def tone_insensitive_key(text: str) -> tuple[tuple[str, frozenset[str]], ...]:
    """A key equal for 'Thanh Hoà' and 'Thanh Hòa' (where the tone mark sits), different for 'Tho'/'Thọ'."""
    words = []
    for word in nfc(text).lower().split():
        decomposed = unicodedata.normalize("NFD", word)
        tones = frozenset(ch for ch in decomposed if ch in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
        words.append((base, tones))
    return tuple(words)


# Vietnamese alphabet order: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_ORDER = {ch: i for i, ch in enumerate(_ALPHABET)}
_TONE_ORDER = {"": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letter_key(ch: str) -> tuple[int, int]:
    decomposed = unicodedata.normalize("NFD", ch.lower())
    tone = next((c for c in decomposed if c in _TONE_MARKS), "")
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    if base in _ORDER:
        return (_ORDER[base] + 100, _TONE_ORDER[tone])
    return (ord(base[0]) if base else 0, 0)


def sort_key(text: str) -> tuple:
    """Vietnamese dictionary order (ư after u, đ after d); tones break ties."""
    letters = [_letter_key(ch) for ch in nfc(text)]
    return tuple(k[0] for k in letters) + (-1,) + tuple(k[1] for k in letters)


def name_sort_key(full_name: str) -> tuple:
    """Vietnamese name lists sort by given name (the last word), then the whole name."""
    parts = nfc(full_name).split()
    return (sort_key(parts[-1] if parts else ""), sort_key(full_name))


_DIGIT_RUN = re.compile(r"\d(?:[ .\-]?\d)*")
_SECRET_CODE = re.compile(r"(?:\botp\b|ma xac thuc|mat khau|mat ma)[^0-9]{0,20}\d{4,8}(?!\d)")


def find_forbidden(text: str) -> str | None:
    """Why TEXT must not be stored (a CCCD-like number, an OTP or password), or None."""
    for match in _DIGIT_RUN.finditer(text):
        run = match.group(0)
        digits = re.sub(r"\D", "", run)
        if len(digits) == 12 or any(len(chunk) >= 12 for chunk in re.split(r"[ .\-]", run)):
            return _(
                "This looks like a citizen ID (CCCD) number. dxdesk never stores ID numbers: "
                "remove it and write the note without it."
            )
    if _SECRET_CODE.search(fold(text)):
        return _(
            "This looks like a one-time code or a password. dxdesk never stores them: "
            "remove it and write the note without it."
        )
    return None


def clean_free_text(text: str | None, max_length: int = 500) -> str:
    """NFC-normalise a free-text field and refuse what must never be stored (raises UserError)."""
    value = nfc(text)
    if len(value) > max_length:
        raise UserError(_("The text is too long (at most {n} characters).").format(n=max_length))
    reason = find_forbidden(value)
    if reason:
        raise UserError(reason)
    return value
