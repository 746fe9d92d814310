"""The queue window: what it shows, its actions and its live updates."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.models import Account, DeliveryState
from tests.ui.conftest import Modals
from ui import main_window as main_window_module
from ui.bridge import Bridge
from ui.main_window import MainWindow
from ui.queue_model import QueueModel

S = DeliveryState
WINTER = datetime(2027, 1, 18, 8, 0, tzinfo=UTC)  # 09:00 CET
SUMMER = datetime(2027, 4, 12, 8, 0, tzinfo=UTC)  # 10:00 CEST


class Runner:
    """What the window asks of the scheduler."""

    def __init__(self, publisher: bool) -> None:
        self.is_publisher = publisher


def make(qtbot: QtBot, ctx: AppContext, bridge: Bridge, runner: Any = None) -> MainWindow:
    window = MainWindow(ctx, bridge, runner)
    qtbot.addWidget(window)
    window.show()
    return window


def cell(window: MainWindow, row: int, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return window.model.data(window.model.index(row, col), role)


def scheduled(
    ctx: AppContext, account: Account, text: str, when: datetime, tz: str = "Europe/Madrid"
) -> int:
    post = ctx.posts.create_draft(text=text, tz=tz, account_ids=[account.id])
    ctx.posts.schedule(post.id, when)
    return post.id


def test_empty_state_asks_for_an_account_then_for_a_post(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge
) -> None:
    window = make(qtbot, ctx, bridge)
    assert window.stack.currentIndex() == 0
    # Every network signs in through the browser now: the first screen says so (it
    # used to ask for a Facebook Page id and token only).
    assert window.empty_title.text() == "Connect an account first"
    hint = window.empty_hint.text()
    for network in ("Facebook", "Instagram", "X", "LinkedIn", "YouTube", "Developer apps"):
        assert network in hint
    assert "access token" not in hint
    assert window.empty_button.text() == "Connect an account…"
    ctx.accounts.connect("facebook", name="Empleo", remote_id="1001", token="EAAgood")
    window.reload()
    assert window.empty_title.text() == "No posts yet: click New post"
    assert window.empty_button.text() == "New post"


def test_queue_shows_time_zone_text_accounts_state(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    scheduled(ctx, account, "Primera línea\nsegunda línea", WINTER)
    scheduled(ctx, account, "Feria", SUMMER)
    scheduled(ctx, account, "Canarias", WINTER, tz="Atlantic/Canary")
    ctx.posts.create_draft(text="Borrador", tz="Europe/Madrid", account_ids=[account.id])
    window = make(qtbot, ctx, bridge)
    assert window.stack.currentIndex() == 1
    assert window.model.rowCount() == 4
    rows = [[cell(window, r, c) for c in range(5)] for r in range(4)]
    assert rows[0] == ["2027-01-18 09:00 CET", "Primera línea", "Empleo", "Scheduled", ""]
    assert rows[1][0] == "2027-01-18 08:00 WET"
    assert rows[2][0] == "2027-04-12 10:00 CEST"
    assert rows[3][0] == "No time yet" and rows[3][3] == "Draft"
    assert cell(window, 0, QueueModel.TEXT, Qt.ItemDataRole.ToolTipRole).startswith(
        "Primera línea\nsegunda línea"
    )


def test_problems_are_visible_with_their_reason(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    post_id = scheduled(ctx, account, "FAIL on purpose", WINTER)
    ctx.publishing.publish(ctx.posts.get(post_id).deliveries[0].id)
    scheduled(ctx, account, "Fine", SUMMER)
    window = make(qtbot, ctx, bridge, Runner(True))
    assert cell(window, 0, QueueModel.STATE) == "Failed"
    assert cell(window, 0, QueueModel.STATE, QueueModel.StateRole) == "failed"
    tip = cell(window, 0, QueueModel.STATE, Qt.ItemDataRole.ToolTipRole)
    assert "The post was refused by Facebook (test)." in tip
    assert cell(window, 0, QueueModel.STATE, Qt.ItemDataRole.FontRole).bold()
    assert "1 post needs attention" in window.attention_label.text()
    assert "This window publishes" in window.publisher_label.text()
    # The first post needing attention is selected; its details show the reason and record.
    assert window.selected_post().id == post_id  # type: ignore[union-attr]
    record = window.record_view.toPlainText()
    assert "The post was refused by Facebook (test)." in record
    assert "rejected by the network" in record


def test_status_bar_says_when_another_process_publishes(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    window = make(qtbot, ctx, bridge, Runner(False))
    assert "Another Pregonero window or service is publishing" in window.publisher_label.text()
    assert "Nothing needs attention" in window.attention_label.text()


def test_permalink_click_opens_the_browser(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    post_id = scheduled(ctx, account, "Publicado", WINTER)
    ctx.publishing.publish(ctx.posts.get(post_id).deliveries[0].id)
    opened: list[str] = []

    class Desktop:
        @staticmethod
        def openUrl(url: QUrl) -> bool:  # noqa: N802 - Qt name
            opened.append(url.toString())
            return True

    monkeypatch.setattr(main_window_module, "QDesktopServices", Desktop)
    window = make(qtbot, ctx, bridge)
    assert cell(window, 0, QueueModel.STATE) == "Published"
    assert cell(window, 0, QueueModel.LINK) == "View on Facebook"
    rect = window.table.visualRect(window.model.index(0, QueueModel.LINK))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == ["https://www.facebook.com/1001/posts/1"]
    assert "View on Facebook" in window.record_view.toPlainText()


def test_actions_publish_now_back_to_draft_delete(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    post_id = scheduled(ctx, account, "Acciones", WINTER)
    window = make(qtbot, ctx, bridge)
    window.select_post(post_id)
    assert window.edit_action.isEnabled() and window.draft_action.isEnabled()

    window.draft_action.trigger()
    assert ctx.posts.get(post_id).state == S.DRAFT
    assert not window.draft_action.isEnabled()

    modals.answers = [0]  # "Publish now"
    window.publish_action.trigger()
    delivery = ctx.posts.get(post_id).deliveries[0]
    assert delivery.state == S.SCHEDULED and delivery.due_at <= datetime.now(UTC)  # type: ignore[operator]
    assert "Publish this post now on Empleo?" in modals.questions[-1][1]

    modals.answers = [None]  # cancel the deletion
    window.delete_action.trigger()
    assert ctx.posts.get(post_id).id == post_id
    modals.answers = [0]
    window.delete_action.trigger()
    assert ctx.posts.list() == []
    assert window.stack.currentIndex() == 0


def test_publish_now_problems_are_listed(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    post = ctx.posts.create_draft(text="", tz="Europe/Madrid", account_ids=[account.id])
    window = make(qtbot, ctx, bridge)
    window.select_post(post.id)
    modals.answers = [0]
    window.publish_action.trigger()
    assert "The post has no text, link or photo." in modals.error_text


def test_published_posts_cannot_be_edited(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    post_id = scheduled(ctx, account, "Hecho", WINTER)
    ctx.publishing.publish(ctx.posts.get(post_id).deliveries[0].id)
    window = make(qtbot, ctx, bridge)
    window.select_post(post_id)
    assert not window.edit_action.isEnabled()
    assert not window.delete_action.isEnabled()
    assert not window.publish_action.isEnabled()
    assert window.edit_selected() is None


def test_live_updates_from_the_scheduler_thread(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    post_id = scheduled(ctx, account, "En directo", WINTER)
    window = make(qtbot, ctx, bridge)
    window.select_post(post_id)
    assert cell(window, 0, QueueModel.STATE) == "Scheduled"

    delivery_id = ctx.posts.get(post_id).deliveries[0].id
    worker = threading.Thread(target=ctx.publishing.publish, args=(delivery_id,))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: cell(window, 0, QueueModel.STATE) == "Published", timeout=3000)
    assert window.selected_post().id == post_id  # type: ignore[union-attr]  # selection kept
    assert cell(window, 0, QueueModel.LINK) == "View on Facebook"


def test_reconnect_banner(qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account) -> None:
    window = make(qtbot, ctx, bridge)
    assert not window.banner.isVisible()
    ctx.accounts.mark_needs_reconnect(account, "The token expired.")
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=3000)
    assert "Empleo needs to be connected again: The token expired." in window.banner_label.text()


def test_an_account_the_user_removed_raises_no_reconnect_banner(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    # An account with a publication record stays listed after Remove; the window used to
    # tell the user, in red and for ever, to connect it again.
    other = ctx.accounts.connect("facebook", name="Antigua", remote_id="2002", token="EAAgood")
    post = ctx.posts.create_draft(text="Hola", tz="Europe/Madrid", account_ids=[other.id])
    ctx.posts.delete(post.id)  # a record: the account is kept, disconnected
    ctx.accounts.remove(ctx.store.get_account(other.id))
    assert ctx.store.get_account(other.id).status != "ok"
    window = make(qtbot, ctx, bridge)
    window.reload()
    assert not window.banner.isVisible()
    ctx.accounts.mark_needs_reconnect(account, "The token expired.")
    qtbot.waitUntil(lambda: window.banner.isVisible(), timeout=3000)
    assert "Antigua" not in window.banner_label.text()
    # Connected again and then refused: that one is news again.
    ctx.accounts.connect("facebook", name="Antigua", remote_id="2002", token="EAAgood")
    ctx.accounts.mark_needs_reconnect(ctx.store.get_account(other.id), "Revoked.")
    window.reload()
    assert "Antigua needs to be connected again: Revoked." in window.banner_label.text()


def test_new_post_and_edit_open_composers(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, tmp_path: Path
) -> None:
    window = make(qtbot, ctx, bridge)
    composer = window.new_post()
    qtbot.keyClicks(composer.text_edit, "Nuevo")
    composer.close()
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    post_id = window.model.post_at(0).id  # type: ignore[union-attr]
    window.select_post(post_id)
    editor = window.edit_selected()
    assert editor is not None and editor.text_edit.toPlainText() == "Nuevo"
    assert window.open_composer(post_id) is editor  # one composer per post
    editor.close()
