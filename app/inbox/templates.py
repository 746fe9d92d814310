"""Saved replies: templates in Spanish, Valencian and English with fields to fill.

A field is a word in braces: ``{name}`` (the commenter's name), ``{first_name}``,
``{link}`` (the inbox link setting, e.g. the service's web page), ``{post_link}``
(the commented post's permalink), ``{account}`` (our page or organization). Unknown
fields are left as they are, so the person sees them and completes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from app.i18n import N_, _
from app.storage.inbox import Comment

#: Languages a saved reply can be written in (code -> English name for _()).
LANGUAGES: dict[str, str] = {"es": N_("Spanish"), "ca": N_("Valencian"), "en": N_("English")}

#: Fields a saved reply may use (name -> English description for _()).
FIELDS: dict[str, str] = {
    "name": N_("the commenter's name"),
    "first_name": N_("the commenter's first name"),
    "link": N_("the link set in the inbox settings"),
    "post_link": N_("the link to the commented post"),
    "account": N_("the name of our page or organization"),
}

_FIELD = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def language_label(code: str) -> str:
    """Translated name of a saved-reply language code."""
    return _(LANGUAGES[code]) if code in LANGUAGES else code


def fields_for(comment: Comment, link: str = "") -> dict[str, str]:
    """The values of :data:`FIELDS` for a reply to ``comment`` (empty when unknown)."""
    name = comment.author_name.strip()
    return {
        "name": name,
        "first_name": name.split()[0] if name else "",
        "link": link,
        "post_link": comment.post_permalink,
        "account": comment.account_name,
    }


def fill(text: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with its fields replaced by ``values``.

    Returns (filled text, names of the fields left unfilled: unknown or empty),
    so the caller can ask the person to complete them. ``{{`` is not special.
    """
    missing: list[str] = []

    def sub(match: re.Match[str]) -> str:
        key = match.group(1)
        value = values.get(key, "")
        if not value:
            if key not in missing:
                missing.append(key)
            return match.group(0)
        return value

    return _FIELD.sub(sub, text), missing


def fields_in(text: str) -> list[str]:
    """The field names a template uses, in order, without repeats."""
    out: list[str] = []
    for match in _FIELD.finditer(text):
        if match.group(1) not in out:
            out.append(match.group(1))
    return out


#: Saved replies offered when there are none yet: (name, language, text).
STARTERS: tuple[tuple[str, str, str], ...] = (
    ("Gracias", "es", "Gracias por tu comentario, {name}. Te leemos."),
    ("Gràcies", "ca", "Gràcies pel teu comentari, {name}. Et llegim."),
    ("Thanks", "en", "Thank you for your comment, {name}. We read you."),
    (
        "Más información",
        "es",
        "Hola, {name}. Tienes toda la información en {link}. Si te queda alguna duda, "
        "escríbenos por mensaje privado.",
    ),
    (
        "Més informació",
        "ca",
        "Hola, {name}. Tens tota la informació en {link}. Si et queda algun dubte, "
        "escriu-nos per missatge privat.",
    ),
    (
        "More information",
        "en",
        "Hello {name}. All the information is at {link}. If you have any other question, "
        "send us a private message.",
    ),
)
