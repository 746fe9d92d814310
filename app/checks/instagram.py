"""Instagram's own media rules, on top of the per-network limits of :mod:`.media`.

Source: shared docs/platforms.md §2.3 and the IG User Media reference
(https://developers.facebook.com/docs/instagram-api/reference/ig-user/media): feed images
JPEG, 4:5 (0.8) to 1.91:1; a carousel has 2 to 10 items (images and videos); a reel is
one video; a story is one image or video; stories and reels are shown at 9:16.

What this adds for the ``"instagram"`` target, by post kind (:class:`PostOptions.kind`):

* feed: a bad proportion (``media_aspect``) carries ``fix="fit_aspect:0.8000:1.9100"``
  so the UI can offer to pad or crop; a PNG (``media_format``) and a CMYK JPEG
  (``media_cmyk_refused``, error) carry ``fix="convert_rgb"``;
* story and reel: the feed proportion is not required; an image or video that is not
  9:16 gets ``media_aspect_vertical`` (warning: Instagram shows it with bars or cut),
  images with ``fix="fit_aspect:0.5625:0.5625"``;
* reel: ``instagram_reel_video`` (error) unless the post has exactly one video;
* story: ``instagram_story_one`` (error) unless the post has exactly one file;
* videos: sound not AAC or above 48 kHz (``media_video_audio``, error).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from PIL import Image

from app.checks.model import ERROR, WARNING, Finding, MediaItem
from app.checks.video import VIDEO_SUFFIXES, inspect_audio, inspect_video
from app.errors import ValidationError
from app.i18n import _
from app.media_fit import RGB_FIX, fit_fix

KEY = "instagram"
FEED_LOW, FEED_HIGH = 4 / 5, 1.91
VERTICAL = 9 / 16
VERTICAL_TOLERANCE = 0.01
MAX_AUDIO_RATE = 48_000  # "AAC, 48khz sample rate maximum" (IG User Media reference)
KINDS = ("feed", "reel", "story")


def _is_video(item: MediaItem) -> bool:
    return item.path.suffix.lower() in VIDEO_SUFFIXES


def _index(field: str) -> int | None:
    kind, _sep, n = field.partition(":")
    return int(n) if kind == "media" and n.isdigit() else None


def _image_ratio(item: MediaItem) -> tuple[float, bool] | None:
    """(width / height, is CMYK) of a readable image, else None."""
    try:
        with Image.open(item.path) as img:
            w, h = img.size
            return (w / h if h else 0.0), img.mode == "CMYK"
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def _video_ratio(item: MediaItem) -> float | None:
    try:
        info = inspect_video(item.path)
    except ValidationError:
        return None
    return info.width / info.height if info.height else None


def _video_extras(item: MediaItem, field: str) -> list[Finding]:
    """Sound of a video: AAC, at most 48 kHz (errors). The IG reference also asks for the
    ``moov`` index at the front (:func:`app.checks.video.moov_first`); not checked, as
    rupload takes such files and the sample reel has its index at the end."""
    name = item.path.name
    found: list[Finding] = []
    if _video_ratio(item) is None:
        return found  # unreadable: already reported
    audio = inspect_audio(item.path)
    if audio is not None and audio.codec != "AAC":
        found.append(
            Finding(
                "media_video_audio",
                ERROR,
                _("The sound of {name} is {codec}; Instagram takes AAC. Export it again.").format(
                    name=name, codec=audio.codec
                ),
                None,
                field,
                network=KEY,
            )
        )
    if audio is not None and audio.sample_rate > MAX_AUDIO_RATE:
        found.append(
            Finding(
                "media_video_audio",
                ERROR,
                _(
                    "The sound of {name} is sampled at {khz:g} kHz; Instagram takes at most 48 "
                    "kHz. Export it again."
                ).format(name=name, khz=audio.sample_rate / 1000),
                None,
                field,
                network=KEY,
            )
        )
    return found


def instagram_media_findings(
    items: Sequence[MediaItem], kind: str, base: Sequence[Finding]
) -> list[Finding]:
    """``base`` (the findings of :func:`app.checks.media.check_media`) adjusted for an
    Instagram post of ``kind`` (``"feed"``, ``"reel"``, ``"story"``), plus Instagram's
    own findings (see the module docstring). Unknown kinds are taken as ``"feed"``."""
    kind = kind if kind in KINDS else "feed"
    vertical = kind in ("reel", "story")
    out: list[Finding] = []
    for finding in base:
        n = _index(finding.field)
        image = n is not None and n < len(items) and not _is_video(items[n])
        if finding.network == KEY and finding.code == "media_aspect":
            if vertical:
                continue  # the feed range does not apply; checked below as 9:16
            if image:
                finding = replace(finding, fix=fit_fix(FEED_LOW, FEED_HIGH))
        elif finding.network == KEY and finding.code == "media_format" and image:
            finding = replace(finding, fix=RGB_FIX)
        out.append(finding)

    def add(code: str, severity: str, message: str, field: str, fix: str | None = None) -> None:
        out.append(
            Finding(
                code, ERROR if severity == ERROR else WARNING, message, None, field, None, KEY, fix
            )
        )

    videos = [i for i in items if _is_video(i)]
    if kind == "reel" and (len(items) != 1 or len(videos) != 1):
        add(
            "instagram_reel_video",
            ERROR,
            _(
                "An Instagram reel is one video: this post has {n} files, {v} of them videos."
            ).format(n=len(items), v=len(videos)),
            "media",
        )
    if kind == "story" and len(items) != 1:
        add(
            "instagram_story_one",
            ERROR,
            _("An Instagram story is one photo or one video: this post has {n} files.").format(
                n=len(items)
            ),
            "media",
        )
    for index, item in enumerate(items):
        field = f"media:{index}"
        name = item.path.name
        if _is_video(item):
            out.extend(_video_extras(item, field))
            ratio = _video_ratio(item)
            if vertical and ratio is not None and abs(ratio - VERTICAL) > VERTICAL_TOLERANCE:
                add(
                    "media_aspect_vertical",
                    WARNING,
                    _(
                        "{name} has a proportion of {ratio:.2f} (width ÷ height); Instagram shows "
                        "stories and reels at 9:16 (0.56), so it will have bars or be cut."
                    ).format(name=name, ratio=ratio),
                    field,
                )
            continue
        read = _image_ratio(item)
        if read is None:
            continue
        ratio, cmyk = read
        if cmyk:
            add(
                "media_cmyk_refused",
                ERROR,
                _(
                    "{name} uses CMYK colours (made for print), which Instagram does not take "
                    "reliably. Pregonero can make an RGB copy of it for you."
                ).format(name=name),
                field,
                RGB_FIX,
            )
        if vertical and abs(ratio - VERTICAL) > VERTICAL_TOLERANCE:
            add(
                "media_aspect_vertical",
                WARNING,
                _(
                    "{name} has a proportion of {ratio:.2f} (width ÷ height); Instagram shows "
                    "stories and reels at 9:16 (0.56). Pregonero can pad or crop a copy."
                ).format(name=name, ratio=ratio),
                field,
                fit_fix(VERTICAL, VERTICAL),
            )
    return out
