"""Instagram media rules per post kind, fixes offered (never applied silently), pad/crop."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from app.checks.media import check_media
from app.checks.model import MediaItem
from app.media_fit import (
    RGB_FIX,
    FitTarget,
    crop_image,
    fit_fix,
    pad_image,
    parse_fix,
    to_rgb,
)

SAMPLES = Path("/work/shared/samples")
MEDIA = SAMPLES / "media"
ALT = "Cartel del Plan de Formación 2027."


def item(name: str, alt: str = ALT) -> MediaItem:
    return MediaItem(MEDIA / name, alt)


def found(items: list[MediaItem], kind: str = "feed") -> list[tuple[str, str, str | None]]:
    out = check_media(items, ["instagram"], kinds={"instagram": kind})
    return sorted((f.code, f.severity, f.fix) for f in out)


def test_samples_that_target_instagram() -> None:
    """Every sample post meant for Instagram: which go out and which are refused."""
    posts = json.loads((SAMPLES / "posts.json").read_text(encoding="utf-8"))["posts"]
    results = {}
    for post in posts:
        if "instagram" not in post["channels"]:
            continue
        items = [
            MediaItem(SAMPLES / m["path"], (m.get("alt") or {}).get("es", "vídeo"))
            for m in post.get("media", [])
        ]
        kind = (post.get("instagram") or {}).get("kind", "feed")
        findings = check_media(items, ["instagram"], kinds={"instagram": kind})
        errors = [f.code for f in findings if f.is_error]
        results[post["id"]] = errors
    assert results == {
        "pf-teaser": [],
        "pf-tomorrow": [],  # carousel of three 1:1 JPEGs
        "pf-open": [],  # 4:5, the tallest feed image
        "pf-last-day": [],  # 9:16 H.264 reel
        "cierre-san-jose": ["media_format"],  # PNG: Instagram takes JPEG
        "feria-empleo": ["media_format"],
    }


def test_png_is_refused_with_a_conversion_offer() -> None:
    [(code, severity, fix)] = found([item("feria-empleo-1920x1080.png")])
    assert (code, severity, fix) == ("media_format", "error", RGB_FIX)


def test_cmyk_poster_is_refused_for_instagram_with_an_rgb_copy_offered() -> None:
    findings = check_media([item("cartel-imprenta-cmyk.jpg")], ["instagram", "facebook"])
    codes = sorted((f.code, f.severity, f.network) for f in findings)
    assert ("media_cmyk_refused", "error", "instagram") in codes
    assert ("media_cmyk", "warning", None) in codes  # the general advice stays
    refused = next(f for f in findings if f.code == "media_cmyk_refused")
    assert refused.fix == RGB_FIX
    assert "RGB copy" in refused.message


def test_too_tall_banner_is_refused_with_a_pad_or_crop_offer() -> None:
    [finding] = check_media([item("banner-muy-alto-1080x2600.jpg")], ["instagram"])
    assert (finding.code, finding.severity) == ("media_aspect", "error")
    assert "too tall for Instagram" in finding.message
    target = parse_fix(finding.fix)
    assert target == FitTarget(0.8, 1.91)


def test_story_and_reel_want_9_16_not_the_feed_range() -> None:
    assert found([item("story-1080x1920.jpg")], "story") == []
    assert found([item("story-1080x1920.jpg")], "feed")[0][0] == "media_aspect"
    [(code, severity, fix)] = found([item("plan-formacion-2027-1080x1080.jpg")], "story")
    assert (code, severity) == ("media_aspect_vertical", "warning")
    assert parse_fix(fix) == FitTarget(9 / 16, 9 / 16)
    assert found([item("reel-ultimo-dia-720x1280.mp4", "")], "reel") == []
    horizontal = found([item("tutorial-inscripcion-1280x720.mp4", "")], "reel")
    assert [c for c, _s, _f in horizontal] == ["media_aspect_vertical"]


def test_reel_and_story_need_the_right_number_of_files() -> None:
    codes = [c for c, _s, _f in found([item("carrusel-1-1080x1080.jpg")], "reel")]
    assert "instagram_reel_video" in codes
    two = [item("story-1080x1920.jpg"), item("story-1080x1920.jpg")]
    assert "instagram_story_one" in [c for c, _s, _f in found(two, "story")]


def test_carousel_accepts_a_video_but_not_eleven_items() -> None:
    mixed = [item("carrusel-1-1080x1080.jpg"), item("reel-ultimo-dia-720x1280.mp4", "")]
    assert found(mixed) == []
    eleven = [item("carrusel-1-1080x1080.jpg")] * 11
    assert [c for c, _s, _f in found(eleven)] == ["media_too_many"]


# --------------------------------------------------------------------- pad / crop


def ratio(path: Path) -> float:
    with Image.open(path) as img:
        return img.width / img.height


def test_pad_and_crop_the_banner_to_the_feed_range(tmp_path: Path) -> None:
    original = MEDIA / "banner-muy-alto-1080x2600.jpg"
    before = original.read_bytes()
    target = FitTarget(0.8, 1.91)
    padded = pad_image(original, target, colour=(0, 51, 153), dest_dir=tmp_path)
    cropped = crop_image(original, target, dest_dir=tmp_path)
    assert padded != cropped and padded.parent == tmp_path
    assert ratio(padded) == pytest.approx(0.8, abs=0.002)
    assert ratio(cropped) == pytest.approx(0.8, abs=0.002)
    with Image.open(padded) as img:
        assert img.size == (2080, 2600)  # the whole banner kept, bands at the sides
        assert img.getpixel((5, 1300)) == pytest.approx((0, 51, 153), abs=3)
    with Image.open(cropped) as img:
        assert img.size == (1080, 1350)
    assert original.read_bytes() == before  # the original is never changed
    assert check_media([MediaItem(padded, ALT)], ["instagram"]) == []
    assert check_media([MediaItem(cropped, ALT)], ["instagram"]) == []


def test_fit_a_wide_image_to_a_story(tmp_path: Path) -> None:
    wide = MEDIA / "feria-empleo-1920x1080.png"
    padded = pad_image(wide, 9 / 16, dest_dir=tmp_path)
    cropped = crop_image(wide, 9 / 16, dest_dir=tmp_path)
    assert ratio(padded) == pytest.approx(9 / 16, abs=0.002)
    assert ratio(cropped) == pytest.approx(9 / 16, abs=0.002)
    with Image.open(cropped) as img:
        assert img.format == "JPEG" and img.mode == "RGB"


def test_cmyk_copy_is_rgb_and_accepted(tmp_path: Path) -> None:
    copy = to_rgb(MEDIA / "cartel-imprenta-cmyk.jpg", dest_dir=tmp_path)
    with Image.open(copy) as img:
        assert img.mode == "RGB" and img.format == "JPEG"
    codes = [f.code for f in check_media([MediaItem(copy, ALT)], ["instagram"])]
    assert "media_cmyk_refused" not in codes


def test_fix_codes_round_trip() -> None:
    assert parse_fix(fit_fix(0.8, 1.91)) == FitTarget(0.8, 1.91)
    assert parse_fix(RGB_FIX) is None
    assert parse_fix("fit_aspect:x:y") is None
    assert FitTarget(0.8, 1.91).nearest(0.4) == 0.8


def test_sound_and_index_of_the_sample_reel() -> None:
    from app.checks.video import inspect_audio, moov_first

    reel = MEDIA / "reel-ultimo-dia-720x1280.mp4"
    audio = inspect_audio(reel)
    assert audio is not None and (audio.codec, audio.sample_rate) == ("AAC", 44100)
    assert moov_first(reel) is False
    assert inspect_audio(MEDIA / "vacio.jpg") is None


def test_sound_must_be_aac_at_48_khz_at_most(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.checks import instagram
    from app.checks.video import AudioInfo

    monkeypatch.setattr(instagram, "inspect_audio", lambda path: AudioInfo("ac-3", 96000, 6))
    messages = [
        f.message
        for f in check_media([item("reel-ultimo-dia-720x1280.mp4", "")], ["instagram"])
        if f.code == "media_video_audio"
    ]
    assert len(messages) == 2
    assert "ac-3" in messages[0] and "96 kHz" in messages[1]
