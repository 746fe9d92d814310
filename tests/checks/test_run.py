"""The entry point: everything together, ordering, input refusals, purity."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from app.checks import ERROR, WARNING, Finding, KeyDate, MediaItem, run_checks
from app.errors import ValidationError
from tests.checks.support import APERTURA, TZ, at

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "media"


def test_everything_at_once() -> None:
    text = (
        "El plazo se abre el martes 18 de febrero. Más info en http://intranet/cursos "
        "#formacionparaelempleo"
    )
    findings = run_checks(
        text,
        publish_at=at("2027-01-11 10:00"),
        tz=TZ,
        networks=["facebook"],
        media=[MediaItem(MEDIA / "cartel-imprenta-cmyk.jpg")],
        link="https//empleo.example.es",
        key_date=KeyDate("apertura_plazo", APERTURA),
        recent_texts=[text.upper()],
        language="es",
    )
    got = [(f.severity, f.code) for f in findings]
    assert got == [
        (ERROR, "date_weekday_mismatch"),
        (ERROR, "link_local"),
        (ERROR, "link_malformed"),
        (ERROR, "media_alt_missing"),
        (WARNING, "date_key_mismatch"),
        (WARNING, "hashtag_camelcase"),
        (WARNING, "media_cmyk"),
        (WARNING, "repeat_recent"),
    ]
    weekday = findings[0]
    assert weekday.quote(text) == "martes 18 de febrero"
    assert weekday.suggestion == "jueves 18 de febrero"
    assert next(f for f in findings if f.code == "date_key_mismatch").suggestion == (
        "martes 18 de enero".replace("martes", "lunes")
    )


def test_a_clean_post_has_no_findings() -> None:
    text = "✅ Desde hoy y hasta el 1 de febrero puedes inscribirte. https://empleo.example.es"
    assert (
        run_checks(
            text,
            publish_at=at("2027-01-18 09:00"),
            tz=TZ,
            networks=["facebook"],
            media=[MediaItem(MEDIA / "carrusel-1-1080x1080.jpg", "Paso 1")],
        )
        == []
    )


def test_refusals() -> None:
    naive = at("2027-01-11 10:00").replace(tzinfo=None)
    with pytest.raises(ValueError):
        run_checks("hola", publish_at=naive, tz=TZ)
    with pytest.raises(ValidationError):
        run_checks("hola", publish_at=at("2027-01-11 10:00"), tz="Mars/Olympus")
    with pytest.raises(ValidationError):
        run_checks("hola", publish_at=at("2027-01-11 10:00"), tz=TZ, networks=["myspace"])


def test_finding_helpers() -> None:
    f = Finding("date_past", ERROR, "msg", (0, 4), "text")
    assert f.is_error and f.quote("hola mundo") == "hola"
    assert f.to_problem().code == "date_past" and f.to_problem().field == "text"
    assert Finding("x", WARNING, "m").quote("abc") == ""


def test_checks_never_import_qt() -> None:
    code = (
        "import sys, app.checks, app.checks.command; "
        "print(any(m.startswith(('PySide6', 'shiboken6', 'ui')) for m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "False"
