"""Checks on attached media: readable, alt text, colour mode, and each network's limits.

Images are read with :func:`app.media.inspect_image` (format, bytes, pixels). Videos
(``.mp4``, ``.mov``...: :data:`app.checks.video.VIDEO_SUFFIXES`) are read with
:func:`app.checks.video.inspect_video` (container, codec, pixels, seconds, bytes) and
checked against :data:`app.checks.limits.VIDEO_RULES`; a network whose client cannot
upload videos yet (Facebook) gets an error for any video.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PIL import Image

from app.checks.instagram import instagram_media_findings
from app.checks.limits import MediaRules, VideoRules, media_rules, video_rules
from app.checks.model import ERROR, WARNING, Finding, MediaItem
from app.checks.video import VIDEO_SUFFIXES, VideoInfo, inspect_video
from app.errors import ValidationError
from app.i18n import _
from app.media import ImageInfo, inspect_image

__all__ = ["VIDEO_SUFFIXES", "check_media"]


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _is_cmyk(path: Path) -> bool:
    try:
        with Image.open(path) as img:
            return img.mode == "CMYK"
    except OSError:
        return False


def _rule_findings(
    item: MediaItem, info: ImageInfo, key: str, rules: MediaRules, field: str
) -> list[Finding]:
    name = item.path.name
    found = []

    def add(code: str, message: str) -> None:
        found.append(Finding(code, ERROR, message, None, field, network=key))

    if rules.formats is not None and info.format not in rules.formats:
        add(
            "media_format",
            _("{network} does not take {fmt} images ({name}); use {formats}.").format(
                network=rules.label,
                fmt=info.format,
                name=name,
                formats=", ".join(sorted(rules.formats)),
            ),
        )
    if rules.max_bytes is not None and info.size_bytes > rules.max_bytes:
        add(
            "media_too_large",
            _("{name} is {size} MB; {network} takes images up to {max} MB.").format(
                name=name, size=_mb(info.size_bytes), network=rules.label, max=_mb(rules.max_bytes)
            ),
        )
    ratio = info.width / info.height if info.height else 0.0
    if rules.min_aspect is not None and ratio < rules.min_aspect - 0.005:
        add(
            "media_aspect",
            _(
                "{name} is too tall for {network}: {w}×{h} pixels is a "
                "proportion of {ratio:.2f} (width ÷ height) and the least it "
                "takes is {low:.2f}."
            ).format(
                name=name,
                network=rules.label,
                w=info.width,
                h=info.height,
                ratio=ratio,
                low=rules.min_aspect,
            ),
        )
    if rules.max_aspect is not None and ratio > rules.max_aspect + 0.005:
        add(
            "media_aspect",
            _(
                "{name} is too wide for {network}: {w}×{h} pixels is a "
                "proportion of {ratio:.2f} (width ÷ height) and the most it "
                "takes is {high:.2f}."
            ).format(
                name=name,
                network=rules.label,
                w=info.width,
                h=info.height,
                ratio=ratio,
                high=rules.max_aspect,
            ),
        )
    if (rules.min_width is not None and info.width < rules.min_width) or (
        rules.min_height is not None and info.height < rules.min_height
    ):
        add(
            "media_too_small",
            _("{name} is {w}×{h} pixels; {network} needs at least {min_w}×{min_h}.").format(
                name=name,
                w=info.width,
                h=info.height,
                network=rules.label,
                min_w=rules.min_width or 1,
                min_h=rules.min_height or 1,
            ),
        )
    return found


def _seconds(value: float) -> str:
    if value < 60:
        return _("{n:g} s").format(n=round(value, 1))
    return _("{m} min {s:02d} s").format(m=int(value // 60), s=int(value % 60))


def _video_rule_findings(
    name: str, info: VideoInfo, key: str, rules: VideoRules, field: str
) -> list[Finding]:
    found: list[Finding] = []

    def add(code: str, message: str) -> None:
        found.append(Finding(code, ERROR, message, None, field, network=key))

    if not rules.supported:
        add(
            "media_video_unsupported",
            _("Pregonero cannot publish videos to {network} yet ({name}).").format(
                network=rules.label, name=name
            ),
        )
        return found
    if rules.containers is not None and info.container not in rules.containers:
        add(
            "media_format",
            _("{network} does not take {fmt} videos ({name}); use {formats}.").format(
                network=rules.label,
                fmt=info.container,
                name=name,
                formats=", ".join(sorted(rules.containers)),
            ),
        )
    if rules.codecs is not None and info.codec not in rules.codecs:
        add(
            "media_video_codec",
            _("{name} is encoded as {codec}; {network} takes {codecs}. Export it again.").format(
                name=name,
                codec=info.codec,
                network=rules.label,
                codecs=", ".join(sorted(rules.codecs)),
            ),
        )
    if rules.min_seconds is not None and info.duration < rules.min_seconds:
        add(
            "media_video_too_short",
            _("{name} lasts {length}; {network} takes videos of at least {min}.").format(
                name=name,
                length=_seconds(info.duration),
                network=rules.label,
                min=_seconds(rules.min_seconds),
            ),
        )
    if rules.max_seconds is not None and info.duration > rules.max_seconds:
        add(
            "media_video_too_long",
            _("{name} lasts {length}; {network} takes videos of at most {max}.").format(
                name=name,
                length=_seconds(info.duration),
                network=rules.label,
                max=_seconds(rules.max_seconds),
            ),
        )
    if rules.max_bytes is not None and info.size_bytes > rules.max_bytes:
        add(
            "media_too_large",
            _("{name} is {size} MB; {network} takes videos up to {max} MB.").format(
                name=name, size=_mb(info.size_bytes), network=rules.label, max=_mb(rules.max_bytes)
            ),
        )
    if rules.max_width is not None and info.width > rules.max_width:
        add(
            "media_video_too_wide",
            _("{name} is {w}×{h} pixels; {network} takes videos up to {max} pixels wide.").format(
                name=name, w=info.width, h=info.height, network=rules.label, max=rules.max_width
            ),
        )
    ratio = info.width / info.height if info.height else 0.0
    low, high = rules.min_aspect, rules.max_aspect
    if info.height and (
        (low is not None and ratio < low - 0.005) or (high is not None and ratio > high + 0.005)
    ):
        add(
            "media_aspect",
            _(
                "{name} is {w}×{h} pixels, a proportion of {ratio:.2f} (width ÷ height); "
                "{network} takes videos from {low:.2f} to {high:.2f}."
            ).format(
                name=name,
                w=info.width,
                h=info.height,
                ratio=ratio,
                network=rules.label,
                low=low or 0.0,
                high=high or float("inf"),
            ),
        )
    return found


def _video_findings(item: MediaItem, networks: Sequence[str], field: str) -> list[Finding]:
    """A video read from the file itself, then checked for each network that declares
    video limits (networks without any get no finding)."""
    try:
        info = inspect_video(item.path)
    except ValidationError as exc:
        return [Finding(p.code, ERROR, p.message, None, field) for p in exc.problems]
    found: list[Finding] = []
    for key in networks:
        rules = video_rules(key)
        if rules is not None:
            found.extend(_video_rule_findings(item.path.name, info, key, rules, field))
    return found


def check_media(
    items: Sequence[MediaItem],
    networks: Sequence[str],
    *,
    alt_required: bool = True,
    kinds: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Findings for ``items`` (in post order) sent to every network in ``networks``.

    Codes: ``media_alt_missing`` (error, or warning when ``alt_required`` is False),
    the :func:`app.media.inspect_image` codes (``media_missing``, ``media_empty``,
    ``media_not_image``, ``media_damaged``, ``media_format``...: errors),
    ``media_cmyk`` (warning), and per network ``media_format``, ``media_too_large``,
    ``media_aspect``, ``media_too_small``, ``media_too_many`` (errors). Videos: the
    :func:`app.checks.video.inspect_video` codes (``media_not_video``...: errors) and per
    network ``media_video_unsupported``, ``media_format``, ``media_video_codec``,
    ``media_video_too_short``, ``media_video_too_long``, ``media_too_large``,
    ``media_video_too_wide``, ``media_aspect`` (errors).
    ``field`` is ``"media:N"`` (0-based), or ``"media"`` for the count.
    ``kinds`` maps a network key to the post's kind there (``"feed"``, ``"reel"``,
    ``"story"``; default feed): Instagram's findings depend on it
    (:func:`app.checks.instagram.instagram_media_findings`).
    Raises ValidationError for an unknown network key.
    """
    rules = {key: media_rules(key) for key in networks}
    findings: list[Finding] = []
    for key, rule in rules.items():
        if rule.max_images is not None and len(items) > rule.max_images:
            findings.append(
                Finding(
                    "media_too_many",
                    ERROR,
                    _("{network} takes at most {max} images in one post; this one has {n}.").format(
                        network=rule.label, max=rule.max_images, n=len(items)
                    ),
                    None,
                    "media",
                    network=key,
                )
            )
    for index, item in enumerate(items):
        field = f"media:{index}"
        if item.path.suffix.lower() in VIDEO_SUFFIXES:
            findings.extend(_video_findings(item, networks, field))
            continue
        if not item.alt.strip():
            findings.append(
                Finding(
                    "media_alt_missing",
                    ERROR if alt_required else WARNING,
                    _(
                        "{name} has no alt text: describe the image for people who cannot see it."
                    ).format(name=item.path.name),
                    None,
                    field,
                )
            )
        try:
            info = inspect_image(item.path)
        except ValidationError as exc:
            findings.extend(Finding(p.code, ERROR, p.message, None, field) for p in exc.problems)
            continue
        if _is_cmyk(item.path):
            findings.append(
                Finding(
                    "media_cmyk",
                    WARNING,
                    _(
                        "{name} uses CMYK colours (made for print): it may look wrong on screens. "
                        "Export it as RGB (sRGB)."
                    ).format(name=item.path.name),
                    None,
                    field,
                )
            )
        for key, rule in rules.items():
            findings.extend(_rule_findings(item, info, key, rule, field))
    if "instagram" in rules:
        findings = instagram_media_findings(items, (kinds or {}).get("instagram", ""), findings)
    return findings
