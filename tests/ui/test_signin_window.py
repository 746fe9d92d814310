"""Issue 3 in the window: one account of each network (Facebook and Instagram from one
Meta sign-in, X, LinkedIn, YouTube) connected through the browser flow against the OAuth
fakes, found by the REAL clients' ``discover`` against the strict API fakes, listed with
their health; a connection the network refuses shows "reconnect needed" (its queued post
blocked) and is reconnected from the same window.

Set ``PREGONERO_SCREENSHOT_DIR`` to save pictures of the dialog (run under Xvfb with
``QT_QPA_PLATFORM=xcb`` to see it as a user would).
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
from tests.fakes.graph import FakeGraph
from tests.fakes.instagram import FakeInstagram
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.oauth import FakeOAuth, Token, browse
from tests.fakes.x import FakeX
from tests.fakes.youtube import FakeYouTube
from tests.support.signin import free_port, oauth_fake, set_up_app
from ui import signin_dialog
from ui.accounts_dialog import AccountsDialog
from ui.bridge import Bridge

X_ID = "2244994945"
PAGE_ID = "104"
IG_ID = "17841400000000104"
LI_SUB, LI_ORG = "abc123", "123456"
CHANNEL = "UCempleo000000000000001a"
COLOURS = ["#1877f2", "#111111", "#0a66c2", "#ff0000", "#e1306c", "#2e7d32"]


class Fakes:
    """The five API fakes and the four OAuth fakes, wired so that every token a
    provider issues is known to its network's API."""

    def __init__(self, stack: ExitStack, monkeypatch: pytest.MonkeyPatch, clock: FixedClock):
        self.port = free_port()
        on_clock = {"clock": lambda: clock.now().timestamp()}
        self.graph = stack.enter_context(FakeGraph())
        self.instagram = stack.enter_context(FakeInstagram())
        self.x = stack.enter_context(FakeX())
        self.linkedin = stack.enter_context(FakeLinkedIn())
        self.youtube = stack.enter_context(FakeYouTube())
        for key, fake in (
            ("FACEBOOK", self.graph),
            ("INSTAGRAM", self.instagram),
            ("X", self.x),
            ("LINKEDIN", self.linkedin),
            ("YOUTUBE", self.youtube),
        ):
            monkeypatch.setenv(f"PREGONERO_{key}_API", fake.url)
        self.auth: dict[str, FakeOAuth] = {
            p: stack.enter_context(oauth_fake(monkeypatch, p, self.port, **on_clock))  # type: ignore[arg-type]
            for p in ("meta", "x", "linkedin", "google")
        }
        self.graph.add_page(PAGE_ID, "PAGE-TOKEN-104", "Empleo Valencia")
        self.auth["meta"].access_tokens = ["short-user-1", "LONG-USER-1"]
        self.graph.add_user("LONG-USER-1", {PAGE_ID: ["CREATE_CONTENT", "MODERATE", "MANAGE"]})
        # The Page's Instagram professional account, published with the same Page token.
        self.instagram.add_account(
            IG_ID,
            "PAGE-TOKEN-104",
            username="empleo_vlc",
            page_id=PAGE_ID,
            page_name="Empleo Valencia",
        )
        self.instagram.add_user("LONG-USER-1", [PAGE_ID])
        self.linkedin.add_organization(LI_ORG, "Servicio Regional de Empleo")
        self.auth["x"].on_issue = self._x
        self.auth["linkedin"].on_issue = self._linkedin
        self.auth["google"].on_issue = self._youtube

    def _x(self, token: Token) -> None:
        self.x.add_user(X_ID, token.value, "empleo_publico", "Empleo Público")

    def _linkedin(self, token: Token) -> None:
        self.linkedin.add_member(LI_SUB, token.value, "Ana García", admin_of=[LI_ORG])

    def _youtube(self, token: Token) -> None:
        self.youtube.add_channel(CHANNEL, token.value, "Canal Empleo")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def ctx(isolated_home: Path, clock: FixedClock) -> Iterator[AppContext]:
    """An AppContext with the real network clients (pointed at the fakes)."""
    context = AppContext(clock=clock)
    yield context
    context.close()


@pytest.fixture
def fakes(ctx: AppContext, monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> Iterator[Fakes]:
    with ExitStack() as stack:
        fakes = Fakes(stack, monkeypatch, clock)
        for provider in fakes.auth:
            set_up_app(ctx.apps, provider)
        ctx.store.set_setting("signin_port", str(fakes.port))
        yield fakes


@pytest.fixture(autouse=True)
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The system browser: consents at once and comes back to the listener."""
    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        threading.Thread(target=browse, args=(url,), daemon=True).start()
        return True

    monkeypatch.setattr(signin_dialog, "open_url", open_url)
    return opened


@pytest.fixture(autouse=True)
def pictures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The networks' picture hosts: a plain coloured square per address (no Internet)."""
    fetched: list[str] = []

    def fetch(url: str, *, timeout: float = 10.0) -> bytes:
        fetched.append(url)
        out = io.BytesIO()
        Image.new("RGB", (64, 64), COLOURS[sum(map(ord, url)) % len(COLOURS)]).save(out, "PNG")
        return out.getvalue()

    monkeypatch.setattr(signin_dialog, "fetch_picture", fetch)
    return fetched


def screenshot(dialog: QWidget, name: str) -> None:
    folder = os.environ.get("PREGONERO_SCREENSHOT_DIR")
    if folder:
        QApplication.processEvents()  # let the layout settle as the event loop would
        dialog.grab().save(str(Path(folder) / f"{name}.png"))


def row_of(dialog: AccountsDialog, network: str) -> list[str]:
    label = {
        "facebook": "Facebook",
        "instagram": "Instagram",
        "x": "X",
        "linkedin": "LinkedIn",
        "youtube": "YouTube",
    }
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        if item.text(2) == label[network]:
            return [item.text(c) for c in range(dialog.COLUMNS)]
    raise AssertionError(f"no {network} row")


def select(dialog: AccountsDialog, network: str) -> None:
    wanted = row_of(dialog, network)[0]
    for i in range(dialog.tree.topLevelItemCount()):
        item = dialog.tree.topLevelItem(i)
        item.setSelected(item.text(0) == wanted)


def connect_all(qtbot: QtBot, ctx: AppContext, bridge: Bridge) -> AccountsDialog:
    dialog = AccountsDialog(ctx, bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    expected = {
        "meta": ["Empleo Valencia", "@empleo_vlc"],
        "x": ["Empleo Público (@empleo_publico)"],
        "linkedin": ["Ana García", "Servicio Regional de Empleo"],
        "google": ["Canal Empleo"],
    }
    for provider, names in expected.items():
        signin = dialog.sign_in(provider)
        assert signin.error_label.isHidden(), signin.error_label.text()
        assert signin.stack.currentIndex() == 1  # the picker
        items = [signin.list.item(i) for i in range(signin.list.count())]
        assert [i.text().splitlines()[0] for i in items] == names
        assert all(not i.icon().isNull() for i in items)  # the network's picture
        assert all("urn:li:" not in i.text() for i in items)  # no raw URNs for people
        if provider == "meta":  # which Page the Instagram account publishes through
            assert "linked to the Page Empleo Valencia" in items[1].text()
        for item in items:
            if "member profile" in item.text():  # one account of each network
                item.setCheckState(Qt.CheckState.Unchecked)
        screenshot(signin, f"picker-{provider}")
        signin.add_button.click()
        assert not signin.isVisible()
    return dialog


def test_five_networks_connected_through_the_window_and_listed_with_health(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, fakes: Fakes, browser: list[str]
) -> None:
    dialog = connect_all(qtbot, ctx, bridge)
    assert len(browser) == 4
    accounts = ctx.accounts.list()
    assert sorted((a.network, a.remote_id) for a in accounts) == [
        ("facebook", PAGE_ID),
        ("instagram", IG_ID),
        ("linkedin", f"urn:li:organization:{LI_ORG}"),
        ("x", X_ID),
        ("youtube", CHANNEL),
    ]
    assert dialog.tree.topLevelItemCount() == 5
    now = ctx.clock.now()
    for network in ("facebook", "instagram", "x", "linkedin", "youtube"):
        row = row_of(dialog, network)
        assert row[3] == "Connected", row
    assert row_of(dialog, "x")[4] == row_of(dialog, "youtube")[4] == "renews itself"
    li_ends = (now + timedelta(days=60)).astimezone().strftime("%Y-%m-%d")
    assert row_of(dialog, "linkedin")[4].startswith(li_ends)
    select(dialog, "linkedin")
    details = dialog.detail_label.text()
    assert "Permissions needed: w_organization_social; all granted." in details, details
    assert "Pregonero reminds you 7 days before" in details
    select(dialog, "x")
    assert "renews this connection" in dialog.detail_label.text()
    screenshot(dialog, "accounts-five-connected")

    # LinkedIn refuses the token: "Check" finds it; the queued post is blocked.
    account = ctx.store.find_account(network="linkedin", remote_id=f"urn:li:organization:{LI_ORG}")
    assert account is not None
    post = ctx.posts.create_scheduled(
        text="Taller de LinkedIn para personas desempleadas",
        link=None,
        media=[],
        account_ids=[account.id],
        when=now + timedelta(hours=3),
        tz="Europe/Madrid",
    )
    (delivery,) = post.deliveries
    token = fakes.auth["linkedin"].tokens
    for value in list(token):
        fakes.linkedin.expire_token(value)
    select(dialog, "linkedin")
    dialog.check_selected()
    status = row_of(dialog, "linkedin")[3]
    assert status.startswith("Reconnect needed: LinkedIn no longer accepts"), status
    assert dialog.detail_label.text().startswith("LinkedIn no longer accepts")
    assert ctx.store.get_delivery(delivery.id).state == S.BLOCKED
    assert all(
        row_of(dialog, n)[3] == "Connected" for n in ("facebook", "instagram", "x", "youtube")
    )
    screenshot(dialog, "accounts-linkedin-reconnect-needed")

    # Reconnect from the same window: same account, the post is queued again.
    select(dialog, "linkedin")
    signin = dialog.reconnect_selected()
    assert signin is not None and not signin.isVisible()  # renewed without asking
    assert row_of(dialog, "linkedin")[3] == "Connected"
    assert ctx.store.get_account(account.id).status == "ok"
    assert ctx.store.get_delivery(delivery.id).state == S.SCHEDULED


def test_a_connection_past_its_end_shows_reconnect_needed(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, fakes: Fakes, clock: FixedClock
) -> None:
    dialog = connect_all(qtbot, ctx, bridge)
    clock.advance(55 * 86400)  # LinkedIn's 60 days are nearly over
    dialog.reload()
    assert row_of(dialog, "linkedin")[3].startswith("Reconnect before ")
    clock.advance(6 * 86400)
    dialog.reload()
    status = row_of(dialog, "linkedin")[3]
    ended = (clock.now() - timedelta(days=1)).astimezone().strftime("%Y-%m-%d")
    assert status == f"Reconnect needed: ended on {ended}", status
    select(dialog, "linkedin")
    assert "expired on" in dialog.detail_label.text()
    # X and YouTube renew themselves; the Facebook sign-in (about 60 days) ended too.
    assert row_of(dialog, "x")[3] == row_of(dialog, "youtube")[3] == "Connected"
    # Facebook and Instagram publish with the Page token, which outlives the sign-in.
    assert row_of(dialog, "facebook")[3] == row_of(dialog, "instagram")[3] == "Connected"
    screenshot(dialog, "accounts-expired")
    # Reconnecting from the window starts a new 60 days for the same account.
    select(dialog, "linkedin")
    before = ctx.store.find_account(network="linkedin", remote_id=f"urn:li:organization:{LI_ORG}")
    signin = dialog.reconnect_selected()
    assert signin is not None and not signin.isVisible(), signin.error_label.text()
    assert row_of(dialog, "linkedin")[3] == "Connected"
    after = ctx.store.find_account(network="linkedin", remote_id=f"urn:li:organization:{LI_ORG}")
    assert before is not None and after is not None and after.id == before.id
    assert len(ctx.accounts.list()) == 5
