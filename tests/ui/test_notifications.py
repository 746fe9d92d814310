"""Notifications: a failed, missed or disconnected delivery is told without blocking, in
the tray when there is one, else in a banner inside the window; bursts are grouped."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.models import Account, DeliveryState
from tests.ui.conftest import Modals
from ui.bridge import Bridge
from ui.main_window import MainWindow
from ui.notifications import Notifier


class FakeTray:
    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def show_message(self, title: str, text: str, warning: bool = True) -> None:
        self.messages.append((title, text))


def make(qtbot: QtBot, ctx: AppContext, bridge: Bridge, tray: Any = None) -> Notifier:
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    window.resize(1000, 600)
    window.show()
    return Notifier(ctx, bridge, window, tray)


def publish_now(ctx: AppContext, account: Account, text: str) -> int:
    post = ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.publish_now(post.id)
    delivery = ctx.posts.get(post.id).deliveries[0]
    ctx.publishing.publish(delivery.id)
    return post.id


def test_a_failed_delivery_shows_a_banner_without_a_tray(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    notifier = make(qtbot, ctx, bridge)
    post_id = publish_now(ctx, account, "Oferta FAIL de empleo")
    assert ctx.posts.get(post_id).deliveries[0].state == DeliveryState.FAILED
    qtbot.waitUntil(lambda: notifier.banner.isVisible(), timeout=3000)
    assert notifier.banner.title_label.text() == "A post could not be published"
    text = notifier.banner.text_label.text()
    assert "“Oferta FAIL de empleo” could not be published on Empleo" in text
    assert "refused by Facebook" in text
    assert modals.errors == [] and QApplication.activeModalWidget() is None
    # The banner sits inside the window, at its top right.
    banner = notifier.banner
    assert banner.parent() is notifier.window
    assert banner.geometry().right() <= notifier.window.width()
    # "Show" selects the post; "Dismiss" hides the banner.
    banner.show_button.click()
    assert not banner.isVisible()
    selected = notifier.window.selected_post()  # type: ignore[attr-defined]
    assert selected is not None and selected.id == post_id
    notifier.banner.show_notice("t", "x")
    notifier.banner.close_button.click()
    assert not notifier.banner.isVisible()


def test_the_tray_gets_it_when_there_is_one(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    tray = FakeTray()
    notifier = make(qtbot, ctx, bridge, tray)
    publish_now(ctx, account, "FAIL")
    qtbot.waitUntil(lambda: len(tray.messages) == 1, timeout=3000)
    assert tray.messages[0][0] == "A post could not be published"
    assert not notifier.banner.isVisible()
    qtbot.wait(600)
    assert len(tray.messages) == 1  # once per failure


def test_missed_posts_and_a_broken_account_are_grouped(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    tray = FakeTray()
    make(qtbot, ctx, bridge, tray)
    for n in range(4):
        post = ctx.posts.create_draft(
            text=f"Aviso {n}", tz="Europe/Madrid", account_ids=[account.id]
        )
        ctx.posts.publish_now(post.id)
        ctx.publishing.mark_missed(ctx.posts.get(post.id).deliveries[0], 600)
    ctx.accounts.mark_needs_reconnect(account, "The token expired.")
    qtbot.waitUntil(lambda: len(tray.messages) == 1, timeout=3000)
    title, text = tray.messages[0]
    assert title == "5 problems need your attention"
    lines = text.splitlines()
    assert len(lines) == 4 and lines[-1] == "…and 2 more."
    assert lines[0].startswith("“Aviso 0” was not published on Empleo at ")
    assert "it waits for you" in lines[0]


def test_a_broken_account_alone(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    tray = FakeTray()
    make(qtbot, ctx, bridge, tray)
    ctx.accounts.mark_needs_reconnect(account, "The token expired.")
    qtbot.waitUntil(lambda: len(tray.messages) == 1, timeout=3000)
    assert tray.messages[0] == (
        "An account needs to be connected again",
        "Empleo needs to be connected again: The token expired.",
    )
