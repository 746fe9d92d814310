"""Every message of core and UI is translated into Spanish, and the shipped .mo is current."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from app import i18n

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "ngettext": (1, 2)}


def source_messages() -> set[str]:
    found: set[str] = set()
    for folder in ("app", "ui", "schedulers"):
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / folder, keywords=KEYWORDS
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_has_a_spanish_translation() -> None:
    po = ROOT / "resources" / "translations" / "es" / "LC_MESSAGES" / "pregonero.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="es")
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id and (m.string if isinstance(m.string, str) else all(m.string))
    }
    missing = sorted(source_messages() - translated)
    assert not missing, f"run scripts/i18n.sh and translate: {missing[:10]}"


def test_compiled_catalogs_are_current() -> None:
    assert i18n.stale_catalogs() == []


def test_spanish_is_used_when_asked() -> None:
    try:
        assert i18n.set_language("es") == "es"
        assert i18n._("Scheduled") == "Programada"
    finally:
        i18n.set_language("en")


def test_no_translated_call_hides_inside_an_f_string() -> None:
    """Babel cannot extract ``_()`` written inside an f-string: such text stays English."""
    import re

    pattern = re.compile(r"""\bf["'][^"']*\{[^{}]*\b(_|ngettext)\(""")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("app", "ui", "schedulers")
        for path in (ROOT / folder).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert not offenders, offenders
