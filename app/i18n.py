"""One translation mechanism for core and UI messages: GNU gettext catalogs.

Catalogs live in ``resources/translations/<lang>/LC_MESSAGES/pregonero.mo`` and are
compiled from the ``.po`` files next to them (``python -m app.i18n compile``).
The language is chosen once at start-up: ``PREGONERO_LANG`` if set, else the
system locale (Spanish when it starts with ``es``), else English (the source
language of every message).
"""

from __future__ import annotations

import gettext
import locale
import os
import sys
from importlib import resources
from pathlib import Path

DOMAIN = "pregonero"
SUPPORTED = ("en", "es")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def translations_dir() -> Path:
    """Folder that holds ``<lang>/LC_MESSAGES/pregonero.{po,mo}``."""
    return Path(str(resources.files("resources") / "translations"))


def system_language() -> str:
    """Two-letter code of the user's preferred language from the environment/locale."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANGUAGE", "LANG"):
        value = os.environ.get(var)
        if value:
            return value.split(":")[0][:2].lower()
    try:
        loc = locale.getlocale()[0]
    except ValueError:
        loc = None
    return (loc or "en")[:2].lower()


def pick_language(requested: str | None = None) -> str:
    """Return the supported language to use: ``requested``, ``PREGONERO_LANG`` or the system's."""
    wanted = (requested or os.environ.get("PREGONERO_LANG") or system_language()).lower()[:2]
    return wanted if wanted in SUPPORTED else "en"


def set_language(lang: str | None = None) -> str:
    """Install the catalog for ``lang`` (see :func:`pick_language`); returns the code in use."""
    global _translation, _language
    _language = pick_language(lang)
    _translation = gettext.translation(
        DOMAIN, localedir=str(translations_dir()), languages=[_language], fallback=True
    )
    return _language


def current_language() -> str:
    """Two-letter code of the language messages are shown in."""
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count ``n``."""
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now."""
    return message


def compile_catalogs() -> list[Path]:
    """Compile every ``.po`` under :func:`translations_dir` to ``.mo`` with Babel.

    Returns the paths written. Raises ``ValueError`` if a catalog has syntax errors.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(translations_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as fh:
            write_mo(fh, catalog)
        written.append(mo)
    return written


def stale_catalogs() -> list[Path]:
    """The ``.mo`` files that do not match their ``.po`` (missing or out of date)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    stale = []
    for po in sorted(translations_dir().glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != buf.getvalue():
            stale.append(mo)
    return stale


if __name__ == "__main__":  # pragma: no cover - maintenance command
    if sys.argv[1:] == ["compile"]:
        for path in compile_catalogs():
            print(path)
    elif sys.argv[1:] == ["check"]:
        if stale := stale_catalogs():
            print("Out of date (run scripts/i18n.sh):", *stale, sep="\n  ")
            sys.exit(1)
        print("translations: compiled catalogs are up to date")
    else:
        print("usage: python -m app.i18n compile|check")
