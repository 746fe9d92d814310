"""Per-network limits the checks need beyond :class:`app.networks.base.Limits`, as data.

Source: shared docs/platforms.md (2026). Values marked UNVERIFIED there are defaults to
be made settings, never truths. Networks that Pregonero cannot publish to yet are listed
so their checks work the day their client arrives. When a network is registered, the
limits its client class declares (``max_images``, ``image_max_bytes``, ``image_formats``)
win over this table. Sizes are bytes; aspect ratios are width / height.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.networks.registry import NETWORKS, network_class


@dataclass(frozen=True)
class MediaRules:
    """Image limits of one network; ``None`` means "not declared, not checked".

    ``min_width``/``min_height`` in pixels: smaller images are refused. Larger images
    are scaled down by the networks we know, so no maximum is checked.
    """

    label: str
    max_images: int | None = None
    max_bytes: int | None = None
    formats: frozenset[str] | None = None  # Pillow format names
    min_aspect: float | None = None
    max_aspect: float | None = None
    min_width: int | None = None
    min_height: int | None = None


@dataclass(frozen=True)
class CaptionRules:
    """Limits on the text besides its length: hashtags (#) and mentions (@) per post."""

    max_hashtags: int | None = None
    max_mentions: int | None = None


MEDIA_RULES: dict[str, MediaRules] = {
    # Facebook: platforms.md declares only size (< 10 MB) and formats, which the client has.
    "facebook": MediaRules("Facebook"),
    # Instagram: JPEG documented (PNG/GIF UNVERIFIED), <= 8 MB, 4:5 ... 1.91:1, width >= 320
    # (wider than 1440 is scaled), carousel of at most 10.
    "instagram": MediaRules(
        "Instagram",
        max_images=10,
        max_bytes=8 * 1024 * 1024,
        formats=frozenset({"JPEG"}),
        min_aspect=4 / 5,
        max_aspect=1.91,
        min_width=320,
    ),
    # X: up to 4 photos, image <= 5 MB (JPG/PNG/GIF/WEBP).
    "x": MediaRules(
        "X",
        max_images=4,
        max_bytes=5 * 1024 * 1024,
        formats=frozenset({"JPEG", "PNG", "GIF", "WEBP"}),
    ),
    # LinkedIn: multi-image 2-20, JPG/PNG/GIF (UNVERIFIED).
    "linkedin": MediaRules("LinkedIn", max_images=20, formats=frozenset({"JPEG", "PNG", "GIF"})),
    # Bluesky: 4 images of at most 1,000,000 bytes (2 MB claimed since 2026: UNVERIFIED).
    "bluesky": MediaRules("Bluesky", max_images=4, max_bytes=1_000_000),
    # Mastodon: 4 attachments by default (the instance says more: /api/v2/instance).
    "mastodon": MediaRules("Mastodon", max_images=4),
}

CAPTION_RULES: dict[str, CaptionRules] = {
    # Instagram caption: at most 30 hashtags and 20 @-mentions (third-party, consistent).
    "instagram": CaptionRules(max_hashtags=30, max_mentions=20),
}


def media_rules(key: str) -> MediaRules:
    """The image limits of network ``key``: its client's declared limits over the table.

    Raises ValidationError for a network neither registered nor in the table.
    """
    cls = NETWORKS.get(key)
    table = MEDIA_RULES.get(key)
    if cls is None:
        if table is not None:
            return table
        cls = network_class(key)  # raises ValidationError("Unknown network ...")
    base = table or MediaRules(cls.label)
    return MediaRules(
        label=cls.label,
        max_images=cls.limits.max_images,
        max_bytes=cls.limits.image_max_bytes,
        formats=cls.limits.image_formats,
        min_aspect=base.min_aspect,
        max_aspect=base.max_aspect,
        min_width=base.min_width,
        min_height=base.min_height,
    )
