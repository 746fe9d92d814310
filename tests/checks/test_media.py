"""Media: readable images, alt text, CMYK, and each network's declared limits."""

from __future__ import annotations

import os
import struct
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from app.checks.limits import MEDIA_RULES, VIDEO_RULES, VideoRules, media_rules
from app.checks.media import check_media
from app.checks.model import MediaItem
from app.checks.video import VideoInfo, inspect_video
from app.errors import ValidationError

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


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _full(kind: bytes, payload: bytes) -> bytes:
    return _box(kind, b"\0\0\0\0" + payload)


ROTATE_90 = struct.pack(">9i", 0, 1 << 16, 0, -(1 << 16), 0, 0, 0, 0, 1 << 30)
IDENTITY = struct.pack(">9i", 1 << 16, 0, 0, 0, 1 << 16, 0, 0, 0, 1 << 30)


def video(
    tmp_path: Path,
    name: str,
    seconds: float,
    size: tuple[int, int] = (720, 1280),
    fourcc: bytes = b"avc1",
    brand: bytes = b"isom",
    rotated: bool = False,
    padding: int = 0,
) -> Path:
    """A minimal MP4/MOV file (headers only, no frames): enough for every check."""
    scale = 1000
    duration = round(seconds * scale)
    w, h = size
    mvhd = _full(b"mvhd", struct.pack(">IIII", 0, 0, scale, duration) + bytes(80))
    matrix = ROTATE_90 if rotated else IDENTITY
    coded = (h, w) if rotated else (w, h)  # a phone stores portrait video turned
    tkhd = _full(
        b"tkhd",
        struct.pack(">IIIII", 0, 0, 1, 0, duration)
        + bytes(16)
        + matrix
        + struct.pack(">II", coded[0] << 16, coded[1] << 16),
    )
    mdhd = _full(b"mdhd", struct.pack(">IIIIHH", 0, 0, scale, duration, 0, 0))
    hdlr = _full(b"hdlr", b"\0\0\0\0vide" + bytes(12) + b"\0")
    entry = _box(fourcc, bytes(6) + b"\0\1" + bytes(16) + struct.pack(">HH", *coded) + bytes(50))
    stsd = _full(b"stsd", struct.pack(">I", 1) + entry)
    minf = _box(b"minf", _box(b"stbl", stsd))
    trak = _box(b"trak", tkhd + _box(b"mdia", mdhd + hdlr + minf))
    data = _box(b"ftyp", brand + b"\0\0\0\0" + brand) + _box(b"moov", mvhd + trak)
    data += _box(b"mdat", bytes(padding))
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_sample_videos_are_read_from_the_file_itself() -> None:
    reel = inspect_video(MEDIA / "reel-ultimo-dia-720x1280.mp4")
    assert (reel.container, reel.codec, reel.width, reel.height) == ("MP4", "H.264", 720, 1280)
    assert 7.9 < reel.duration < 8.1
    tutorial = inspect_video(MEDIA / "tutorial-inscripcion-1280x720.mp4")
    assert (tutorial.width, tutorial.height) == (1280, 720) and 11.9 < tutorial.duration < 12.1


def test_synthetic_video_is_read_with_rotation_and_container(tmp_path: Path) -> None:
    info = inspect_video(video(tmp_path, "movil.mov", 42.5, (1080, 1920), b"hvc1", b"qt  ", True))
    assert info == VideoInfo("MOV", "HEVC", 1080, 1920, 42.5, info.size_bytes)


@pytest.mark.parametrize(
    "name", ["reel-ultimo-dia-720x1280.mp4", "tutorial-inscripcion-1280x720.mp4"]
)
def test_sample_videos_pass_instagram_and_x(name: str) -> None:
    assert codes([MediaItem(MEDIA / name)], ["instagram", "x"]) == []
    assert codes([MediaItem(MEDIA / name)], []) == []  # readable: nothing to say


def test_sample_videos_pass_facebook() -> None:
    """Pregonero's Facebook client uploads Page videos and reels (issue 4)."""
    for name in ("reel-ultimo-dia-720x1280.mp4", "tutorial-inscripcion-1280x720.mp4"):
        assert codes([MediaItem(MEDIA / name)], ["facebook"]) == []


def test_unsupported_video_network_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(VIDEO_RULES, "facebook", VideoRules("Facebook", supported=False))
    [f] = check_media([MediaItem(MEDIA / "reel-ultimo-dia-720x1280.mp4")], ["facebook"])
    assert (f.code, f.severity, f.field, f.network) == (
        "media_video_unsupported",
        "error",
        "media:0",
        "facebook",
    )
    assert "Pregonero cannot publish videos to Facebook yet" in f.message


# (seconds, size, fourcc, brand, padding bytes) → expected codes per network.
VIDEO_CASES = [
    # Right: must not be flagged.
    ((8, (720, 1280), b"avc1", b"isom", 0), "instagram", []),
    ((3, (1080, 1920), b"hvc1", b"qt  ", 0), "instagram", []),  # 3 s exactly, HEVC in MOV
    ((900, (1080, 1920), b"avc1", b"mp42", 0), "instagram", []),  # 15 min exactly
    ((0.5, (1280, 720), b"avc1", b"isom", 0), "x", []),
    ((1200, (1920, 1080), b"avc1", b"isom", 0), "x", []),  # 20 min exactly
    ((30, (600, 1800), b"avc1", b"isom", 0), "x", []),  # 1:3 exactly
    # Wrong.
    ((2, (720, 1280), b"avc1", b"isom", 0), "instagram", ["media_video_too_short"]),
    ((901, (720, 1280), b"avc1", b"isom", 0), "instagram", ["media_video_too_long"]),
    ((8, (720, 1280), b"mp4v", b"isom", 0), "instagram", ["media_video_codec"]),
    ((8, (2560, 1440), b"avc1", b"isom", 0), "instagram", ["media_video_too_wide"]),
    ((0.3, (1280, 720), b"avc1", b"isom", 0), "x", ["media_video_too_short"]),
    ((1201, (1280, 720), b"avc1", b"isom", 0), "x", ["media_video_too_long"]),
    ((8, (1280, 720), b"hvc1", b"isom", 0), "x", ["media_video_codec"]),
    ((8, (400, 1600), b"avc1", b"isom", 0), "x", ["media_aspect"]),  # 1:4
    ((8, (720, 1280), b"avc1", b"isom", 0), "facebook", []),
    ((4 * 3600, (1920, 1080), b"avc1", b"isom", 0), "facebook", []),  # 4 h exactly
    ((4 * 3600 + 1, (1280, 720), b"avc1", b"isom", 0), "facebook", ["media_video_too_long"]),
    ((8, (2000, 800), b"avc1", b"isom", 0), "facebook", ["media_aspect"]),  # 2.5:1
]


@pytest.mark.parametrize(("spec", "network", "expected"), VIDEO_CASES)
def test_video_limits_per_network(
    tmp_path: Path,
    spec: tuple[float, tuple[int, int], bytes, bytes, int],
    network: str,
    expected: list[str],
) -> None:
    seconds, size, fourcc, brand, padding = spec
    path = video(tmp_path, "clip.mp4", seconds, size, fourcc, brand, padding=padding)
    found = check_media([MediaItem(path)], [network])
    assert sorted(f.code for f in found) == expected, [f.message for f in found]
    assert all(f.severity == "error" and f.network == network for f in found)


def test_video_size_limit_comes_from_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = video(tmp_path, "grande.mp4", 10, padding=4096)
    small = replace(VIDEO_RULES["instagram"], max_bytes=2048)
    monkeypatch.setitem(VIDEO_RULES, "instagram", small)
    [f] = check_media([MediaItem(path)], ["instagram"])
    assert f.code == "media_too_large" and "videos up to" in f.message


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("no-es-video.mp4", b"esto no es un video" * 10, "media_not_video"),
        ("vacio.mp4", b"", "media_empty"),
        ("no-existe.mov", None, "media_missing"),
    ],
)
def test_unreadable_videos_are_errors(
    tmp_path: Path, name: str, content: bytes | None, code: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    [f] = check_media([MediaItem(path)], ["x"])
    assert (f.code, f.severity, f.field) == (code, "error", "media:0")
    assert name in f.message


def test_an_image_is_not_a_video() -> None:
    with pytest.raises(ValidationError) as err:
        inspect_video(MEDIA / "carrusel-1-1080x1080.jpg")
    assert err.value.problems[0].code == "media_not_video"


def test_audio_only_mp4_is_not_a_video(tmp_path: Path) -> None:
    path = video(tmp_path, "solo-audio.mp4", 5)
    path.write_bytes(path.read_bytes().replace(b"vide", b"soun"))
    [f] = check_media([MediaItem(path)], ["x"])
    assert f.code == "media_not_video" and "no video track" in f.message


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
