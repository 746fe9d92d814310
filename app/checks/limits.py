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


@dataclass(frozen=True)
class VideoRules:
    """Video limits of one network; ``None`` means "not declared, not checked".

    ``supported`` is False while Pregonero's client for the network cannot upload videos
    (any video attached for it is then an error). Durations in seconds; ``containers``
    ("MP4", "MOV") and ``codecs`` ("H.264", "HEVC") as named by
    :mod:`app.checks.video`; ``max_width`` in pixels.
    """

    label: str
    supported: bool = True
    min_seconds: float | None = None
    max_seconds: float | None = None
    max_bytes: int | None = None
    containers: frozenset[str] | None = None
    codecs: frozenset[str] | None = None
    min_aspect: float | None = None
    max_aspect: float | None = None
    max_width: int | None = None


VIDEO_RULES: dict[str, VideoRules] = {
    # Facebook Page video (resumable upload): up to 10 GB and 4 hours, proportion 9:16 ...
    # 16:9 (developers.facebook.com/docs/graph-api/video-uploads). Reel limits (3-90 s,
    # 9:16) depend on the post's kind: FacebookPages.validate checks them.
    "facebook": VideoRules(
        "Facebook",
        max_seconds=4 * 3600,
        max_bytes=10 * 1024 * 1024 * 1024,
        min_aspect=9 / 16,
        max_aspect=16 / 9,
    ),
    # Instagram reels: MP4/MOV, H.264/HEVC, 3 s - 15 min, <= 300 MB (1 GB in some
    # sources: UNVERIFIED), <= 1920 px wide, 9:16 recommended (not required).
    "instagram": VideoRules(
        "Instagram",
        min_seconds=3,
        max_seconds=15 * 60,
        max_bytes=300 * 1024 * 1024,
        containers=frozenset({"MP4", "MOV"}),
        codecs=frozenset({"H.264", "HEVC"}),
        max_width=1920,
    ),
    # X: 0.5 s - 20 min, <= 8 GB for normal accounts (Premium's 125 min / 16 GB ignored),
    # 1:3 ... 3:1, H.264 (High profile) + AAC; uploaded as video/mp4.
    "x": VideoRules(
        "X",
        min_seconds=0.5,
        max_seconds=20 * 60,
        max_bytes=8 * 1024 * 1024 * 1024,
        codecs=frozenset({"H.264"}),
        min_aspect=1 / 3,
        max_aspect=3.0,
    ),
}
"""Per-network video limits (platforms.md). Networks missing here: nothing is checked."""


def video_rules(key: str) -> VideoRules | None:
    """The video limits of network ``key``, or None when none are declared."""
    return VIDEO_RULES.get(key)


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
