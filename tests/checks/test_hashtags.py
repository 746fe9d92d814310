"""Hashtags: CamelCase for screen readers; hashtag and mention counts per network."""

from __future__ import annotations

import pytest

from app.checks.hashtags import (
    camel_case,
    check_caption_counts,
    check_hashtags,
    find_hashtags,
    find_mentions,
)


@pytest.mark.parametrize(
    ("tag", "camel"),
    [
        ("formacionparaelempleo", "FormacionParaElEmpleo"),
        ("formaciónparaelempleo", "FormaciónParaElEmpleo"),
        ("empleojoven", "EmpleoJoven"),
        ("feriadeempleo2027", "FeriaDeEmpleo2027"),
        ("formacioperalocupacio", "FormacioPerAlOcupacio"),  # the elided l' is read as "al"
        ("ocupacioperalajoventut", "OcupacioPerALaJoventut"),
        ("jobfair", "JobFair"),
        ("empleo", None),
        ("ella", None),
        ("mesa", None),
        ("internacionalizacion", None),
    ],
)
def test_camel_case(tag: str, camel: str | None) -> None:
    assert camel_case(tag) == camel


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Apúntate #formacionparaelempleo", [("#formacionparaelempleo", "#FormacionParaElEmpleo")]),
        ("#FormaciónParaElEmpleo #FeriaDeEmpleo #Empleo #Juventud #Prácticas #MercadoLaboral", []),
        ("#FormacióPerALOcupació #empleo #2027 #fp", []),
        ("Info https://empleo.example.es/#formacionparaelempleo y Cl@ve", []),
        (
            "#ferialaboraldelaregionvalencianaprofesional",
            [
                (
                    "#ferialaboraldelaregionvalencianaprofesional",
                    "#FeriaLaboralDeLaRegionValencianaProfesional",
                )
            ],
        ),
        ("#ferialaboraldezaragozaprofesional", [("#ferialaboraldezaragozaprofesional", None)]),
    ],
)
def test_check_hashtags(text: str, expected: list[tuple[str, str | None]]) -> None:
    found = check_hashtags(text)
    assert [(f.quote(text), f.suggestion) for f in found] == expected
    assert all((f.code, f.severity) == ("hashtag_camelcase", "warning") for f in found)


def test_mentions_are_not_emails_or_clave() -> None:
    text = "Escribe a info@empleo.example.es, entra con Cl@ve o menciona a @AgenciaEmpleo."
    assert [t.name for t in find_mentions(text)] == ["AgenciaEmpleo"]
    assert find_hashtags("C# y #1 y &#35; y #Hola")[0].name == "1"


@pytest.mark.parametrize(
    ("tags", "mentions", "codes"),
    [
        (30, 20, []),
        (31, 20, ["too_many_hashtags"]),
        (30, 21, ["too_many_mentions"]),
    ],
)
def test_instagram_caption_counts(tags: int, mentions: int, codes: list[str]) -> None:
    text = (
        " ".join(f"#Tag{i}" for i in range(tags))
        + " "
        + " ".join(f"@cuenta{i}" for i in range(mentions))
    )
    found = check_caption_counts(text, ["instagram", "facebook"])
    assert [f.code for f in found] == codes
    for f in found:
        assert f.network == "instagram" and f.severity == "error" and f.span is not None
        assert f.quote(text).startswith(("#Tag30", "@cuenta20"))
