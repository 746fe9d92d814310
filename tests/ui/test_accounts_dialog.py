"""Connecting, reconnecting and removing Facebook Pages."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.models import Account
from tests.ui.conftest import BAD_TOKEN, GOOD_TOKEN, Modals
from ui import tasks
from ui.accounts_dialog import AccountsDialog, ConnectPageDialog
from ui.bridge import Bridge


def make(qtbot: QtBot, ctx: AppContext, bridge: Bridge) -> AccountsDialog:
    dialog = AccountsDialog(ctx, bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def fill(form: ConnectPageDialog, qtbot: QtBot, name: str, page: str, token: str) -> None:
    qtbot.keyClicks(form.name_edit, name)
    qtbot.keyClicks(form.page_edit, page)
    qtbot.keyClicks(form.token_edit, token)


def rows(dialog: AccountsDialog) -> list[list[str]]:
    return [
        [dialog.tree.topLevelItem(i).text(c) for c in range(4)]
        for i in range(dialog.tree.topLevelItemCount())
    ]


def test_connect_a_page(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = make(qtbot, ctx, bridge)
    assert dialog.empty_label.isVisible()
    form = dialog.add_page()
    assert form.token_edit.echoMode() == QLineEdit.EchoMode.Password
    help_text = form.help_label.text()
    for needle in (
        "Graph API Explorer",
        "pages_manage_posts",
        "pages_read_engagement",
        "pages_show_list",
        "Page access token",
    ):
        assert needle in help_text
    fill(form, qtbot, "Empleo", "1001", GOOD_TOKEN)
    form.connect_button.click()
    assert not form.isVisible()
    assert rows(dialog) == [["Empleo", "Página de prueba", "Facebook", "Connected"]]
    assert [a.name for a in ctx.accounts.list()] == ["Empleo"]
    assert GOOD_TOKEN not in caplog.text


def test_a_refused_token_is_explained_and_the_form_stays(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    dialog = make(qtbot, ctx, bridge)
    form = dialog.add_page()
    fill(form, qtbot, "Empleo", "1001", BAD_TOKEN)
    form.connect_button.click()
    assert form.isVisible()
    assert form.error_label.isVisible()
    assert "did not accept this access token" in form.error_label.text()
    assert "Invalid OAuth access token." in form.error_label.text()
    assert BAD_TOKEN not in form.error_label.text() and BAD_TOKEN not in caplog.text
    assert ctx.accounts.list() == []

    form.page_edit.setText("not a number")
    form.token_edit.setText(GOOD_TOKEN)
    form.connect_button.click()
    assert "A Page ID is a number" in form.error_label.text()


def test_connecting_runs_in_the_background(qtbot: QtBot, ctx: AppContext, bridge: Bridge) -> None:
    tasks.set_synchronous(False)
    try:
        dialog = make(qtbot, ctx, bridge)
        form = dialog.add_page()
        fill(form, qtbot, "Empleo", "1001", GOOD_TOKEN)
        form.connect_button.click()
        assert form.busy and not form.token_edit.isEnabled()
        form.reject()  # cannot be closed while checking
        assert form.isVisible()
        qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=5000)
    finally:
        tasks.set_synchronous(True)


def test_reconnect_and_remove(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    ctx.accounts.mark_needs_reconnect(account, "The token expired.")
    dialog = make(qtbot, ctx, bridge)
    assert rows(dialog)[0][3] == "Reconnect needed: The token expired."

    form = dialog.reconnect_selected()
    assert form is not None
    assert form.name_edit.isReadOnly() and form.page_edit.text() == "1001"
    qtbot.keyClicks(form.token_edit, GOOD_TOKEN)
    form.connect_button.click()
    assert rows(dialog)[0][3] == "Connected"

    modals.answers = [None]
    dialog.remove_selected()
    assert len(ctx.accounts.list()) == 1
    modals.answers = [0]
    dialog.remove_selected()
    assert ctx.accounts.list() == []
    assert dialog.empty_label.isVisible()


def test_remove_refused_while_posts_are_queued(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    from datetime import UTC, datetime

    post = ctx.posts.create_draft(text="En cola", tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.schedule(post.id, datetime(2027, 1, 18, 8, 0, tzinfo=UTC))
    dialog = make(qtbot, ctx, bridge)
    modals.answers = [0]
    dialog.remove_selected()
    assert "still queued for Empleo" in modals.error_text
    assert len(ctx.accounts.list()) == 1
