"""Checks on attached media: readable, alt text, colour mode, and each network's limits.

Images are read with :func:`app.media.inspect_image` (format, bytes, pixels). Videos
(``.mp4``, ``.mov``...) are not inspected yet: duration and codec checks come with the
networks that take video.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from app.checks.limits import MediaRules, media_rules
from app.checks.model import ERROR, WARNING, Finding, MediaItem
from app.errors import ValidationError
from app.i18n import _
from app.media import ImageInfo, inspect_image

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv"})


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


def check_media(
    items: Sequence[MediaItem], networks: Sequence[str], *, alt_required: bool = True
) -> list[Finding]:
    """Findings for ``items`` (in post order) sent to every network in ``networks``.

    Codes: ``media_alt_missing`` (error, or warning when ``alt_required`` is False),
    the :func:`app.media.inspect_image` codes (``media_missing``, ``media_empty``,
    ``media_not_image``, ``media_damaged``, ``media_format``...: errors),
    ``media_cmyk`` (warning), and per network ``media_format``, ``media_too_large``,
    ``media_aspect``, ``media_too_small``, ``media_too_many`` (errors).
    ``field`` is ``"media:N"`` (0-based), or ``"media"`` for the count.
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
    return findings
