"""little text escaping (LinkedIn commentary and comments) against the fake's parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.networks import little
from tests.fakes.linkedin import parse_little, templated

SAMPLES = Path("/work/shared/samples/posts.json")


def published(text: str) -> str:
    """What LinkedIn (the fake's strict parser) shows for ``text`` after escaping."""
    parsed = parse_little(little.escape(text))
    assert parsed.cut_at is None, f"cut at {parsed.cut_at}: {little.escape(text)!r}"
    return parsed.plain


def test_reserved_characters_are_escaped_backslash_first() -> None:
    assert little.escape("a\\b") == "a\\\\b"
    assert little.escape("(plazo)") == "\\(plazo\\)"
    assert little.escape("x_y ~ * < > | { } [ ]") == "x\\_y \\~ \\* \\< \\> \\| \\{ \\} \\[ \\]"
    assert little.escape("correo@example.es") == "correo\\@example.es"
    assert little.escape("\\(") == "\\\\\\("  # a backslash then a parenthesis
    assert little.RESERVED == frozenset("\\|{}@[]()<>#*_~")


@pytest.mark.parametrize(
    "text",
    [
        "Plazo (hasta el 1 de febrero)",
        "Ruta C:\\Users\\empleo",
        "Emoji 📣 y símbolos < > | ~ * _ { } [ ]",
        "Precio: 5 € (IVA incl.) — 50% [aprox.]",
        "@persona sin mención y @[nombre roto](sin urn)",
        "Barra al final \\",
        "C# no es hashtag, ni a#b, ni #_",
    ],
)
def test_escaped_text_reads_back_exactly(text: str) -> None:
    assert published(text) == text
    assert little.to_plain(little.escape(text)) == text


def test_real_hashtags_stay_clickable() -> None:
    escaped = little.escape("Inscríbete #FormaciónParaElEmpleo y #Empleo2027.")
    assert escaped == "Inscríbete #FormaciónParaElEmpleo y #Empleo2027."
    parsed = parse_little(escaped)
    assert parsed.hashtags == ["FormaciónParaElEmpleo", "Empleo2027"]
    assert little.escape("C# y a#b") == "C\\# y a\\#b"  # not hashtags: escaped
    assert little.escape("#Empleo_Joven") == "#Empleo\\_Joven"


def test_urls_are_kept_intact() -> None:
    url = "https://empleo.example.es/cursos_2027?x=(1)#sec"
    assert little.escape(f"Ver {url} ya") == f"Ver {url} ya"
    assert little.escape("(https://x.es/a)") == "\\(https://x.es/a\\)"
    assert little.escape("Ver https://x.es/a.") == "Ver https://x.es/a."
    assert published(f"Más info ({url}).") == f"Más info ({url})."


def test_mentions_keep_their_syntax_with_the_name_escaped() -> None:
    text = "Gracias a @[Servef (Valencia)](urn:li:organization:2414183) y @[Ana](urn:li:person:a1)"
    escaped = little.escape(text)
    assert escaped == (
        "Gracias a @[Servef \\(Valencia\\)](urn:li:organization:2414183) y @[Ana](urn:li:person:a1)"
    )
    parsed = parse_little(escaped)
    assert parsed.cut_at is None
    assert parsed.mentions == ["urn:li:organization:2414183", "urn:li:person:a1"]
    assert little.to_plain(escaped) == "Gracias a Servef (Valencia) y Ana"


def test_to_plain_reads_templates_and_escapes() -> None:
    assert little.to_plain("Hola {hashtag|\\#|Empleo} \\(sí\\)") == "Hola #Empleo (sí)"
    assert little.to_plain(templated("#Empleo y \\#no")) == "#Empleo y #no"


def test_lost_text() -> None:
    assert little.lost_text("Hola (plazo) fin", "Hola ") == "(plazo) fin"
    assert little.lost_text("Hola", "Hola") == ""
    assert little.lost_text("Hola\r\n", "Hola") == ""
    assert little.lost_text("Hola", "Adiós") == ""  # different, not a cut


def test_unescaped_text_is_cut_by_the_parser() -> None:
    parsed = parse_little("Abierto el plazo (hasta el lunes)")
    assert parsed.cut_at == len("Abierto el plazo ")
    assert parsed.plain == "Abierto el plazo "


def _linkedin_texts() -> list[str]:
    data = json.loads(SAMPLES.read_text(encoding="utf-8"))
    texts: list[str] = []
    for post in data["posts"]:
        if "linkedin" in post.get("channels", []):
            texts.extend(post["text"].values())
    return texts


@pytest.mark.parametrize("text", _linkedin_texts())
def test_sample_texts_es_and_ca_go_out_complete(text: str) -> None:
    assert published(text) == text
