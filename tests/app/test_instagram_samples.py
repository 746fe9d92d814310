"""End to end on the sample posts meant for Instagram: checked, fixed when the user
accepts a fix, then published through the client against the strict fakes — or refused
with the right message."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.checks.media import check_media
from app.checks.model import MediaItem
from app.errors import Rejected
from app.media import inspect_image
from app.media_fit import RGB_FIX, crop_image, pad_image, parse_fix, to_rgb
from app.mediahost.config import secret_user
from app.mediahost.wordpress import WordPressMediaHost
from app.models import Account
from app.networks.base import OutgoingMedia, OutgoingPost, PostOptions, Progress
from app.networks.instagram import Instagram
from app.secrets import CredentialStore
from app.services.instagram_support import cleanup_hosted, configure_client, lead_seconds
from tests.fakes.instagram import FakeInstagram
from tests.fakes.wordpress import FakeWordPress

SAMPLES = Path("/work/shared/samples")
IG, TOKEN = "17841400000000001", "EAAGpageTOKENforIG"
WP_USER, WP_PASSWORD = "comunicacion", "abcd EFGH ijkl MNOP"


@pytest.fixture
def servers() -> Iterator[tuple[FakeInstagram, FakeWordPress]]:
    with FakeInstagram() as ig, FakeWordPress({WP_USER: WP_PASSWORD}) as wp:
        ig.add_account(IG, TOKEN)
        yield ig, wp


def account(wp: FakeWordPress) -> Account:
    options = {"media_host": {"kind": "wordpress", "site": wp.url, "user": WP_USER}}
    return Account(
        1,
        "instagram",
        "IG",
        IG,
        "@empleo",
        f"instagram:{IG}",
        "ok",
        "",
        datetime.now(UTC),
        kind="instagram",
        options=options,
    )


def client_for(ig: FakeInstagram, wp: FakeWordPress) -> Instagram:
    store = CredentialStore()
    store.set(secret_user("instagram", IG), WP_PASSWORD)
    client = Instagram(IG, TOKEN, base_url=ig.url, timeout=5, sleep=lambda s: None)
    configure_client(client, account(wp), store)
    assert isinstance(client.media_host, WordPressMediaHost)
    return client


def outgoing(text: str, paths: list[tuple[Path, str]], kind: str) -> OutgoingPost:
    media = []
    for path, alt in paths:
        if path.suffix == ".mp4":
            media.append(OutgoingMedia(path, alt, "video/mp4", path.stat().st_size))
        else:
            info = inspect_image(path)
            media.append(
                OutgoingMedia(path, alt, info.mime, info.size_bytes, info.width, info.height)
            )
    return OutgoingPost(
        text, media=tuple(media), options=PostOptions(kind=kind), progress=Progress()
    )


def apply_fixes(paths: list[tuple[Path, str]], kind: str, work: Path) -> list[tuple[Path, str]]:
    """What the user gets by accepting every offered fix (pad for proportions)."""
    out = []
    for path, alt in paths:
        findings = check_media([MediaItem(path, alt)], ["instagram"], kinds={"instagram": kind})
        for finding in findings:
            if finding.fix == RGB_FIX:
                path = to_rgb(path, dest_dir=work)
            elif (target := parse_fix(finding.fix)) is not None:
                path = pad_image(path, target, dest_dir=work)
        out.append((path, alt))
    return out


def test_every_instagram_sample_goes_out(
    servers: tuple[FakeInstagram, FakeWordPress], tmp_path: Path
) -> None:
    ig, wp = servers
    client = client_for(ig, wp)
    posts = json.loads((SAMPLES / "posts.json").read_text(encoding="utf-8"))["posts"]
    sent: dict[str, Any] = {}
    for sample in posts:
        if "instagram" not in sample["channels"]:
            continue
        kind = (sample.get("instagram") or {}).get("kind", "feed")
        paths = [(SAMPLES / m["path"], (m.get("alt") or {}).get("es", "")) for m in sample["media"]]
        fixed = apply_fixes(paths, kind, tmp_path)
        items = [MediaItem(p, a) for p, a in fixed]
        errors = [
            f for f in check_media(items, ["instagram"], kinds={"instagram": kind}) if f.is_error
        ]
        assert errors == [], sample["id"]
        post = outgoing(sample["text"]["es"], fixed, kind)
        assert lead_seconds(Instagram, post) >= 15 * 60
        result = client.publish(post)
        assert cleanup_hosted(client, post) == []
        sent[sample["id"]] = (result.remote_id, len(post.media))
    assert set(sent) == {
        "pf-teaser",
        "pf-tomorrow",
        "pf-open",
        "pf-last-day",
        "cierre-san-jose",
        "feria-empleo",
    }
    kinds = {m.container: m.kind for m in ig.media(IG)}
    assert sorted(kinds.values()) == ["CAROUSEL_ALBUM", "IMAGE", "IMAGE", "IMAGE", "IMAGE", "REELS"]
    assert wp.media() == []  # everything hosted was cleaned up


def test_cmyk_poster_is_refused_by_the_checks_and_by_instagram(
    servers: tuple[FakeInstagram, FakeWordPress], tmp_path: Path
) -> None:
    ig, wp = servers
    poster = SAMPLES / "media" / "cartel-imprenta-cmyk.jpg"
    findings = check_media([MediaItem(poster, "Cartel")], ["instagram"])
    refused = next(f for f in findings if f.code == "media_cmyk_refused")
    assert "CMYK" in refused.message and refused.is_error
    post = outgoing("Cartel de la feria", [(poster, "Cartel")], "feed")
    with pytest.raises(Rejected) as err:
        client_for(ig, wp).publish(post)  # forced through: Instagram's container fails
    assert "Instagram could not take cartel-imprenta-cmyk.jpg" in str(err.value)
    assert ig.media(IG) == []


def test_too_tall_banner_is_refused_then_goes_out_cropped(
    servers: tuple[FakeInstagram, FakeWordPress], tmp_path: Path
) -> None:
    ig, wp = servers
    banner = SAMPLES / "media" / "banner-muy-alto-1080x2600.jpg"
    [finding] = check_media([MediaItem(banner, "Banner")], ["instagram"])
    assert finding.code == "media_aspect" and "too tall for Instagram" in finding.message
    target = parse_fix(finding.fix)
    assert target is not None
    cropped = crop_image(banner, target, dest_dir=tmp_path)
    result = client_for(ig, wp).publish(outgoing("Banner", [(cropped, "Banner")], "feed"))
    assert result.remote_id == ig.media(IG)[0].id
