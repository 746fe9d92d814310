"""Save a screenshot of the main window filled with the sample Facebook posts.

Usage (from the repository root)::

    xvfb-run -a env QT_QPA_PLATFORM=xcb python scripts/screenshot.py [--out docs/screenshot.png]

It creates a temporary PREGONERO_HOME, connects a Page called "Empleo" through the
account service (with an offline stand-in for Facebook, so no network is used),
adds the Facebook posts of ``../shared/samples/posts.json`` through the post
service (one published, one failed, one left as a draft, the rest scheduled) and
then runs the app with ``--screenshot``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "samples"
sys.path.insert(0, str(ROOT))

import keyring  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from app.errors import Rejected  # noqa: E402
from app.networks.base import AccountInfo, OutgoingPost, Published  # noqa: E402
from app.networks.facebook import FacebookPages  # noqa: E402

PAGE_ID = "104123456789012"
PAGE_NAME = "Agencia Regional de Empleo y Formación"


class _MemoryKeyring(KeyringBackend):
    """Secrets in memory, for this one process (the sample token is not real)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.data.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.data[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.data.pop((service, username), None)


class OfflineFacebook(FacebookPages):
    """Answers like Facebook would, without the network; photo posts with 3 photos fail."""

    counter = 1000

    def verify(self) -> AccountInfo:
        return AccountInfo(self.remote_id, PAGE_NAME)

    def publish(self, post: OutgoingPost) -> Published:
        if len(post.media) == 3:
            raise Rejected(
                "Facebook refused the request: Missing or invalid image file",
                user_message="Facebook could not process the photo carrusel-2-1080x1080.jpg "
                "(invalid image file). Export it again and reattach it.",
                code="324",
            )
        OfflineFacebook.counter += 1
        post_id = f"{self.remote_id}_{OfflineFacebook.counter}"
        return Published(
            post_id, f"https://www.facebook.com/{self.remote_id}/posts/{OfflineFacebook.counter}"
        )

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        return None


def offline_client(key: str, remote_id: str, token: str) -> OfflineFacebook:
    """Client factory for the AppContext used while filling the sample data."""
    return OfflineFacebook(remote_id, token)


def fill(samples: Path) -> None:
    """Add the account and the sample Facebook posts to the PREGONERO_HOME in use."""
    from app.clock import FixedClock
    from app.context import AppContext
    from app.settings import TIMEZONE
    from app.timeutil import local_to_utc, parse_local

    data: dict[str, Any] = json.loads((samples / "posts.json").read_text(encoding="utf-8"))
    tz = data.get("tz", "Europe/Madrid")
    clock = FixedClock(datetime(2027, 1, 8, 9, 0, tzinfo=UTC))
    ctx = AppContext(clock=clock, client_factory=offline_client)
    try:
        ctx.settings.set(TIMEZONE, tz)
        account = ctx.accounts.connect(
            "facebook", name="Empleo", remote_id=PAGE_ID, token="sample-page-token"
        )
        to_publish: list[tuple[datetime, int]] = []
        for item in data["posts"]:
            if "facebook" not in item.get("channels", []):
                continue
            post = ctx.posts.create_draft(
                text=item["text"]["es"], tz=item.get("tz", tz), account_ids=[account.id]
            )
            pin_to_campaign(ctx, data, item, post.id)
            for media in item.get("media", []):
                if not media["path"].lower().endswith((".jpg", ".jpeg", ".png")):
                    continue  # videos are not supported yet
                alt = media.get("alt", {}).get("es", "")
                ctx.posts.add_media(post.id, samples / media["path"], alt)
            when = local_to_utc(parse_local(item["local_time"]), post.tz)
            ctx.posts.set_time(post.id, when, post.tz)
            if item["id"] == "feria-empleo":
                continue  # left as a draft
            post = ctx.posts.schedule(post.id, when)
            if item["id"] in ("pf-teaser", "pf-tomorrow"):
                to_publish.extend((when, d.id) for d in post.deliveries)
        for when, delivery_id in sorted(to_publish):
            clock.advance((when - clock.now()).total_seconds())  # "now" = the post's time
            ctx.publishing.publish(delivery_id)
    finally:
        ctx.close()


def pin_to_campaign(ctx: Any, data: dict[str, Any], item: dict[str, Any], post_id: int) -> None:
    """Issue 6: the post's language, its campaign's key dates, and its pin to one of them."""
    from datetime import date

    ctx.store.update_post(post_id, now=ctx.clock.now(), language="es")
    name = item.get("campaign")
    if not name:
        return
    campaign = ctx.campaigns.find(name) or ctx.campaigns.create(name)
    for spec in data.get("campaigns", []):
        if spec["name"] == name:
            for key, day in spec.get("key_dates", {}).items():
                if all(kd.name != key for kd in campaign.key_dates):
                    ctx.campaigns.add_key_date(campaign.id, key, date.fromisoformat(day))
    campaign = ctx.campaigns.get(campaign.id)
    key = next(kd for kd in campaign.key_dates if kd.name == item["relative_to"])
    ctx.campaigns.pin(post_id, key.id, int(item["offset_days"]), item["local_time"][-5:])


def window_screenshot(out: Path, size: str, *, tab: str, month: str = "2027-01") -> None:
    """The main window on ``tab`` ("queue" or "calendar", the month view of ``month``,
    YYYY-MM), as on 2027-01-08, saved as a PNG at ``out``."""
    from datetime import date

    from PySide6.QtWidgets import QApplication

    from app.clock import FixedClock
    from app.context import AppContext
    from ui.bridge import Bridge
    from ui.main import STYLE_SHEET
    from ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(STYLE_SHEET)
    ctx = AppContext(clock=FixedClock(datetime(2027, 1, 8, 9, 0, tzinfo=UTC)))
    try:
        window = MainWindow(ctx, Bridge())
        width, height = (int(v) for v in size.lower().split("x"))
        window.resize(width, height)
        year, number = (int(v) for v in month.split("-"))
        window.calendar.go_to(date(year, number, 1))
        if tab == "queue":
            window.tabs.setCurrentIndex(1)
            window.table.selectRow(1)
        window.show()
        for _i in range(20):
            app.processEvents()
        window.grab().save(str(out))
        window.close()
    finally:
        ctx.close()


def main(argv: list[str] | None = None) -> int:
    """Fill a temporary data folder and save the screenshot; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshot.png")
    parser.add_argument("--size", default="1200x700")
    parser.add_argument("--samples", type=Path, default=SAMPLES)
    parser.add_argument("--lang", default="en", help="interface language (en, es)")
    parser.add_argument(
        "--calendar-out", type=Path, default=ROOT / "docs" / "screenshot-calendar.png"
    )
    parser.add_argument("--calendar-size", default="1280x800")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pregonero-shot-") as home:
        os.environ["PREGONERO_HOME"] = home
        os.environ["PREGONERO_LANG"] = args.lang
        os.environ.pop("PREGONERO_FACEBOOK_API", None)
        keyring.set_keyring(_MemoryKeyring())
        from app import i18n

        i18n.set_language(args.lang)
        fill(args.samples)
        window_screenshot(args.out.resolve(), args.size, tab="queue")
        print(args.out)
        if args.calendar_out is not None:
            window_screenshot(args.calendar_out.resolve(), args.calendar_size, tab="calendar")
            print(args.calendar_out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
