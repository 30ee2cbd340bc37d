"""One translation system for every string of the app: gettext, English msgids, Vietnamese by default."""

from __future__ import annotations

import gettext
import logging
from importlib.resources import files

log = logging.getLogger("dxdesk.i18n")

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
    return _language


def _catalogue() -> gettext.NullTranslations:
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
