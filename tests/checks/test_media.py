"""Media: readable images, alt text, CMYK, and each network's declared limits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image

from app.checks.limits import MEDIA_RULES, media_rules
from app.checks.media import check_media
from app.checks.model import MediaItem

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "media"
ALT = "Cartel azul del Plan de Formación 2027."


def item(name: str, alt: str = ALT) -> MediaItem:
    return MediaItem(MEDIA / name, alt)


def codes(items: list[MediaItem], networks: list[str], **kw: bool) -> list[tuple[str, str]]:
    return sorted((f.code, f.field) for f in check_media(items, networks, **kw))


def image(tmp_path: Path, name: str, size: tuple[int, int], fmt: str, noise: bool = False) -> Path:
    path = tmp_path / name
    if noise:
        img = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    else:
        img = Image.new("RGB", size, (30, 90, 200))
    img.save(path, fmt)
    return path


@pytest.mark.parametrize(
    "name",
    [
        "plan-formacion-2027-1080x1080.jpg",
        "plan-formacion-2027-1080x1350.jpg",
        "plan-formacion-2027-1200x627.jpg",
        "cierre-oficinas-1080x1080.png",
        "feria-empleo-1920x1080.png",
        "foto enorme ñandú.jpg",
        "story-1080x1920.jpg",
        "banner-muy-alto-1080x2600.jpg",
    ],
)
def test_good_images_pass_on_facebook(name: str) -> None:
    assert codes([item(name)], ["facebook"]) == []


def test_missing_alt_text_is_an_error_by_default() -> None:
    [f] = check_media([item("carrusel-1-1080x1080.jpg", alt="  ")], ["facebook"])
    assert (f.code, f.severity, f.field, f.span) == ("media_alt_missing", "error", "media:0", None)
    [f] = check_media([item("carrusel-1-1080x1080.jpg", alt="")], [], alt_required=False)
    assert f.severity == "warning"


def test_cmyk_is_a_warning() -> None:
    [f] = check_media([item("cartel-imprenta-cmyk.jpg")], ["facebook"])
    assert (f.code, f.severity) == ("media_cmyk", "warning")


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("vacio.jpg", "media_empty"),
        ("truncado.jpg", "media_damaged"),
        ("no-existe.jpg", "media_missing"),
    ],
)
def test_unreadable_files_are_errors(name: str, code: str) -> None:
    assert codes([item(name)], ["facebook"]) == [(code, "media:0")]


def test_videos_are_not_inspected_as_images() -> None:
    assert codes([MediaItem(MEDIA / "reel-ultimo-dia-720x1280.mp4")], ["facebook"]) == []


def test_too_many_images_for_facebook() -> None:
    items = [item("carrusel-1-1080x1080.jpg")] * 11
    assert codes(items, ["facebook"]) == [("media_too_many", "media")]


def test_format_not_declared_by_facebook(tmp_path: Path) -> None:
    webp = image(tmp_path, "foto.webp", (800, 800), "WEBP")
    [f] = check_media([MediaItem(webp, ALT)], ["facebook"])
    assert (f.code, f.network) == ("media_format", "facebook") and "WEBP" in f.message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plan-formacion-2027-1080x1080.jpg", []),
        ("plan-formacion-2027-1080x1350.jpg", []),  # 4:5, the tallest allowed
        ("plan-formacion-2027-1200x627.jpg", []),  # 1.91:1, the widest
        ("banner-muy-alto-1080x2600.jpg", ["media_aspect"]),  # too tall
        ("story-1080x1920.jpg", ["media_aspect"]),  # 9:16 is for stories
        ("feria-empleo-1920x1080.png", ["media_format"]),  # JPEG only
    ],
)
def test_instagram_rules_are_ready_for_when_it_arrives(name: str, expected: list[str]) -> None:
    found = check_media([item(name)], ["instagram"])
    assert sorted(f.code for f in found) == expected
    assert all(f.network == "instagram" for f in found)


def test_instagram_too_small_and_wide(tmp_path: Path) -> None:
    small = image(tmp_path, "small.jpg", (300, 300), "JPEG")
    wide = image(tmp_path, "wide.jpg", (2000, 1000), "JPEG")
    found = check_media([MediaItem(small, ALT), MediaItem(wide, ALT)], ["instagram"])
    assert sorted((f.code, f.field) for f in found) == [
        ("media_aspect", "media:1"),
        ("media_too_small", "media:0"),
    ]


def test_size_limit(tmp_path: Path) -> None:
    big = image(tmp_path, "ruido.png", (700, 700), "PNG", noise=True)  # ~1.4 MB
    assert big.stat().st_size > 1_000_000
    [f] = check_media([MediaItem(big, ALT)], ["bluesky"])
    assert f.code == "media_too_large"


def test_registered_network_limits_come_from_its_class() -> None:
    from app.networks.facebook import FacebookPages

    rules = media_rules("facebook")
    assert rules.max_bytes == FacebookPages.limits.image_max_bytes
    assert rules.formats == FacebookPages.limits.image_formats
    assert media_rules("instagram") == MEDIA_RULES["instagram"]
