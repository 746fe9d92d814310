"""Repeats: the same or nearly the same text as a recent or pending post."""

from __future__ import annotations

import pytest

from app.checks.repeats import check_repeats, normalize

BASE = "⏰ Mañana, lunes 18 de enero, se abre el plazo. Info: https://empleo.example.es/a"


@pytest.mark.parametrize(
    ("text", "recent", "flagged"),
    [
        (BASE, [BASE], True),
        (
            "⏰  MAÑANA, lunes 18 de enero,\nse abre el plazo. Info: https://empleo.example.es/b?utm=x",
            [BASE],
            True,
        ),  # spaces, case, URL
        ("Manana, lunes 18 de enero se abre el plazo!! Info: https://x.es", [BASE], True),
        (BASE.replace("se abre", "se abrirá"), [BASE], True),  # nearly the same
        ("Hoy, 1 de febrero, es el último día para inscribirte.", [BASE], False),
        (BASE, [], False),
        (BASE, ["", "Otra cosa"], False),
        ("", [""], False),
    ],
)
def test_repeats(text: str, recent: list[str], flagged: bool) -> None:
    found = check_repeats(text, recent)
    assert bool(found) is flagged
    for f in found:
        assert (f.code, f.severity, f.span) == ("repeat_recent", "warning", None)


def test_the_most_similar_is_quoted() -> None:
    other = BASE.replace("18", "19")
    [f] = check_repeats(BASE, [other, BASE])
    assert "same as" in f.message


def test_normalize() -> None:
    assert normalize("¡Hola,   MUNDO! https://a.es/x?y=1 👋") == "hola mundo <url>"
