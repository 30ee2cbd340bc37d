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


# --- the privacy filter: ONE rule for every free-text field (notes, places, names, texts of packages…) ---------

# Digits with anything that may separate them: space, dot, dash, slash, comma, underscore (up to 3 in a row).
_DIGIT_RUN = re.compile(r"\d(?:[\s.\-/,_]{0,3}\d)*")
# A date inside a run (1/3/2026, 01-03-2026, 2026-03-01, 1.3.2026) is a date, not part of an ID number.
_DATE_IN_RUN = re.compile(r"(?<!\d)(?:(?:0?[1-9]|[12]\d|3[01])([./\-])(?:0?[1-9]|1[0-2])\1(?:19|20)\d\d"
                          r"|(?:19|20)\d\d([./\-])(?:0?[1-9]|1[0-2])\2(?:0?[1-9]|[12]\d|3[01]))(?!\d)")
# Old 9-digit ID cards are only told apart from other numbers by the words around them.
_OLD_ID_WORDS = re.compile(r"\b(?:cmnd|cmtnd|cmt|chung minh(?: nhan dan| thu)?)(?![a-z])")
# A code after one of these words (folded), with or without a space, colon, dash or 'là' between.
_CODE_WORDS = r"otp|ma xac thuc|ma xac nhan|ma otp|ma|pin"
_PASSWORD_WORDS = r"mat khau|mat ma|mk|password|passcode|pass|pwd"
_AFTER = r"(?![a-z])\s*(?:la\b)?\s*([:=\-]?)\s*"
_SECRET_CODE = re.compile(rf"\b(?:{_CODE_WORDS}){_AFTER}(\d(?:[ .]?\d){{3,7}})(?![0-9a-z])")
_PASSWORD = re.compile(rf"\b(?:{_PASSWORD_WORDS}){_AFTER}(\S{{4,}})")
# A Vietnamese phone: 0 + 9 or 10 digits (mobile, landline) or 84 + 9 digits, separated or not.
_PHONE = re.compile(r"(?<![\d])(?:\(?\+?\s?84\)?[\s.\-]?[1-9]|0[1-9])(?:[\s.\-]?\d){8,9}(?![\d])")
# Characters that hide or reorder text (bidi overrides such as U+202E, zero-width ones) or control the terminal.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Co", "Cs"}  # line separators (Zl, Zp) are whitespace
_ALLOWED_CONTROLS = "\t\n\r"


def find_unsafe_character(text: str) -> str | None:
    """The first invisible control or bidi-override character in TEXT (e.g. U+202E), as 'U+XXXX', or None."""
    for ch in text:
        if unicodedata.category(ch) in _UNSAFE_CATEGORIES and ch not in _ALLOWED_CONTROLS:
            return f"U+{ord(ch):04X}"
    return None


def _digit_count(run: str) -> int:
    return sum(ch.isdigit() for ch in run)


def find_forbidden(text: str, phones: bool = False) -> str | None:
    """Why TEXT must not be stored, or None: an invisible control/bidi character, a citizen ID number (12 digits
    however they are separated, or 9 digits near CMND/CMT/chứng minh), a one-time code or password after the
    words that announce one, or (unless PHONES: public hotlines in guide texts) a phone number."""
    bad = find_unsafe_character(text)
    if bad:
        return _("The text contains an invisible control character ({code}, e.g. one that reverses the text). "
                 "Remove it and type the text again.").format(code=bad)
    without_dates = _DATE_IN_RUN.sub(" ", text)
    for match in _DIGIT_RUN.finditer(without_dates):
        run = match.group(0)
        if _digit_count(run) == 12 or any(len(chunk) >= 12 for chunk in re.split(r"\D+", run)):
            return _(
                "This looks like a citizen ID (CCCD) number. dxdesk never stores ID numbers: "
                "remove it and write the note without it."
            )
    folded = fold(text)
    for word in _OLD_ID_WORDS.finditer(folded):
        near = folded[max(0, word.start() - 40):word.end() + 40]
        if any(_digit_count(run.group(0)) in (9, 12) for run in _DIGIT_RUN.finditer(near)):
            return _(
                "This looks like an old ID card (CMND) number. dxdesk never stores ID numbers: "
                "remove it and write the note without it."
            )
    password = _PASSWORD.search(folded)
    if _SECRET_CODE.search(folded) or (password and (password.group(1) or any(c.isdigit() for c in password.group(2)))):
        return _(
            "This looks like a one-time code or a password. dxdesk never stores them: "
            "remove it and write the note without it."
        )
    if not phones and _PHONE.search(without_dates):
        return _(
            "This looks like a phone number. A citizen's phone is kept only in the contact fields, with their "
            "consent and encrypted: remove it from this text."
        )
    return None


def clean_free_text(text: str | None, max_length: int = 500, phones: bool = False) -> str:
    """NFC-normalise a free-text field and refuse what must never be stored (raises UserError with the reason).
    Every free-text field of the app goes through here (see find_forbidden)."""
    value = nfc(text)
    if len(value) > max_length:
        raise UserError(_("The text is too long (at most {n} characters).").format(n=max_length))
    reason = find_forbidden(value, phones=phones)
    if reason:
        raise UserError(reason)
    return value
