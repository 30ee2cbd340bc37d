"""One translation system for every string of the app: gettext, English msgids, Vietnamese by default."""

from __future__ import annotations

import functools
import gettext
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files

log = logging.getLogger(__name__)

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

_translation: gettext.NullTranslations | None = None  # loaded on first use
_language = DEFAULT_LANGUAGE


def _load(lang: str) -> gettext.NullTranslations:
    mo = files("dxdesk.resources") / "locale" / lang / "LC_MESSAGES" / "dxdesk.mo"
    try:
        with mo.open("rb") as fh:
            return gettext.GNUTranslations(fh)
    except FileNotFoundError:
        if lang != "en":
            log.error("translation catalogue missing for %s: %s", lang, mo)
        return gettext.NullTranslations()


def set_language(lang: str | None) -> str:
    """Switch every later `_()` call to LANG (vi or en); returns the language in force."""
    global _translation, _language
    lang = (lang or DEFAULT_LANGUAGE).lower()
    if lang not in LANGUAGES:
        lang = DEFAULT_LANGUAGE
    _translation = _load(lang)
    _language = lang
    return lang


def language() -> str:
    return getattr(_official, "language", None) or _language


# --- official documents are Vietnamese --------------------------------------------------------------------
# A report under the Quốc hiệu (Nghị định 30/2020) is Vietnamese whatever language the screen speaks: with the
# English UI, `report tally` printed "Mỹ Tho, day 03 month 12 year 2026". Rendering runs under `vietnamese()`,
# which switches `_()` and `language()` to Vietnamese for this thread only (a report rendered in a worker does
# not change the words on screen meanwhile).
_official = threading.local()
_vi_catalogue: gettext.NullTranslations | None = None


@contextmanager
def vietnamese() -> Iterator[None]:
    global _vi_catalogue
    if _vi_catalogue is None:
        _vi_catalogue = _load("vi")
    previous = getattr(_official, "translation", None), getattr(_official, "language", None)
    _official.translation, _official.language = _vi_catalogue, "vi"
    try:
        yield
    finally:
        _official.translation, _official.language = previous


def official(fn):
    """Decorator: FN makes an official document, always in Vietnamese (see `vietnamese`)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with vietnamese():
            return fn(*args, **kwargs)
    return wrapper


def _catalogue() -> gettext.NullTranslations:
    forced = getattr(_official, "translation", None)
    if forced is not None:
        return forced
    if _translation is None:
        set_language(_language)
    assert _translation is not None
    return _translation


def _(message: str) -> str:
    return _catalogue().gettext(message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalogue().ngettext(singular, plural, n)
