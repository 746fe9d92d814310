"""Signing in through the browser from the Accounts window, and the Settings tabs for
developer apps and the network (issue 3)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import keyring
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app import netconfig
from app.context import AppContext
from tests.fakes.oauth import FakeOAuth, browse
from tests.support.signin import (
    SignedInNet,
    free_port,
    networks,  # noqa: F401 - fixture
    oauth_fake,
    set_up_app,
)
from tests.ui.conftest import Modals
from ui import signin_dialog
from ui.accounts_dialog import AccountsDialog
from ui.bridge import Bridge
from ui.settings_dialog import SettingsDialog


@pytest.fixture
def x_fake(
    ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    networks: dict[str, type[SignedInNet]],  # noqa: F811
) -> Iterator[tuple[FakeOAuth, int]]:
    port = free_port()
    with oauth_fake(monkeypatch, "x", port) as fake:
        set_up_app(ctx.apps, "x")
        ctx.store.set_setting("signin_port", str(port))
        yield fake, port


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The system browser: records the address and comes back to the listener."""
    opened: list[str] = []

    def open_url(url: str) -> bool:
        opened.append(url)
        threading.Thread(target=browse, args=(url,)).start()
        return True

    monkeypatch.setattr(signin_dialog, "open_url", open_url)
    return opened


def make(qtbot: QtBot, ctx: AppContext, bridge: Bridge) -> AccountsDialog:
    dialog = AccountsDialog(ctx, bridge)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def status(dialog: AccountsDialog, row: int = 0) -> str:
    return dialog.tree.topLevelItem(row).text(3)


def test_sign_in_pick_and_list_with_health(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    x_fake: tuple[FakeOAuth, int],
    browser: list[str],
) -> None:
    dialog = make(qtbot, ctx, bridge)
    assert [a.text() for a in dialog.add_menu.actions() if a.text()][:4] == [
        "Sign in with Facebook and Instagram…",
        "Sign in with X…",
        "Sign in with LinkedIn…",
        "Sign in with YouTube…",
    ]
    signin = dialog.sign_in("x")
    assert browser and browser[0].startswith(x_fake[0].url + "/i/oauth2/authorize")
    assert signin.stack.currentIndex() == 1  # the picker
    assert signin.list.count() == 1
    item = signin.list.item(0)
    assert "Empleo Público" in item.text() and "X account" in item.text()
    assert item.checkState() == Qt.CheckState.Checked
    assert not item.icon().isNull()  # initials while there is no picture
    signin.add_button.click()
    assert not signin.isVisible()
    row = [dialog.tree.topLevelItem(0).text(c) for c in range(6)]
    assert row[:4] == ["Empleo Público", "Empleo Público", "X", "Connected"]
    assert row[4] not in ("", "–")  # when the 2-hour token expires
    assert "renews this connection" in dialog.detail_label.text()
    dialog.check_selected()
    assert dialog.tree.topLevelItem(0).text(5) != "–"  # last good call recorded


def test_paste_fallback_when_the_port_is_taken(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    x_fake: tuple[FakeOAuth, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(signin_dialog, "open_url", lambda url: opened.append(url) or True)
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", x_fake[1]))
    blocker.listen()
    try:
        dialog = make(qtbot, ctx, bridge)
        signin = dialog.sign_in("x")
    finally:
        blocker.close()
    assert "in use" in signin.error_label.text()
    assert signin.url_edit.text() == opened[0]
    address = browse(opened[0], follow=False)
    signin.paste_edit.setText(address.replace("state=", "state=x"))
    signin.paste_button.click()
    assert "another sign-in" in signin.error_label.text()
    signin.paste_edit.setText(address)
    signin.paste_button.click()
    assert signin.stack.currentIndex() == 1
    signin.add_button.click()
    assert [a.name for a in ctx.accounts.list()] == ["Empleo Público"]


def test_expired_shows_reconnect_needed_and_reconnect_renews(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    x_fake: tuple[FakeOAuth, int],
    browser: list[str],
) -> None:
    dialog = make(qtbot, ctx, bridge)
    dialog.sign_in("x").add_button.click()
    account = ctx.accounts.list()[0]
    ctx.accounts.mark_needs_reconnect(account, "X no longer accepts this sign-in.")
    dialog.reload()
    assert status(dialog) == "Reconnect needed: X no longer accepts this sign-in."
    signin = dialog.reconnect_selected()
    assert signin is not None and not signin.isVisible()  # renewed without asking
    assert status(dialog) == "Connected"
    assert ctx.accounts.list()[0].id == account.id


def test_sign_in_without_developer_app_explains(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    networks: dict[str, type[SignedInNet]],  # noqa: F811
    browser: list[str],
) -> None:
    signin = make(qtbot, ctx, bridge).sign_in("linkedin")
    assert "Developer apps" in signin.error_label.text()
    assert not browser
    signin.reject()


def test_settings_developer_apps_and_network_tabs(
    qtbot: QtBot, ctx: AppContext, modals: Modals
) -> None:
    before = netconfig.current()
    try:
        dialog = SettingsDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.show_developer_apps("linkedin")
        page = dialog.apps_tab.pages["linkedin"]
        assert dialog.apps_tab.stack.currentWidget() is page
        assert "http://127.0.0.1:8765/callback" in page.guide.text()
        assert "w_member_social" in page.guide.text()
        page.client_id.setText("86li")
        page.secret.setText("li-secret-value")
        dialog.network_tab.proxy.setText("http://proxy.gva.es:8080")
        dialog.network_tab.warn_days.setValue(10)
        dialog.accept()
        assert ctx.apps.get("linkedin").client_secret == "li-secret-value"
        assert keyring.get_password("Pregonero", "app:linkedin:client_secret")
        assert "li-secret-value" not in "\n".join(ctx.store.db.conn.iterdump())
        assert netconfig.current().proxy == "http://proxy.gva.es:8080"
        assert ctx.accounts.warning_days() == 10

        again = SettingsDialog(ctx)
        qtbot.addWidget(again)
        again.show()
        again_page = again.apps_tab.pages["linkedin"]
        assert again_page.secret.text() == "" and "keyring" in again_page.secret.placeholderText()
        again.network_tab.proxy.setText("ftp://nope")
        again.accept()
        assert "not a proxy address" in modals.error_text
        assert again.isVisible()
    finally:
        netconfig.configure(before)


def test_connections_ending_soon_are_announced(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    networks: dict[str, type[SignedInNet]],  # noqa: F811
) -> None:
    from datetime import timedelta

    from PySide6.QtWidgets import QWidget

    from app.auth.flow import SignInResult
    from app.networks.base import TokenSet
    from tests.support.signin import discovered
    from ui.account_warnings import check_accounts
    from ui.notifications import Notifier

    grant = TokenSet("li-token", None, ctx.clock.now() + timedelta(days=3))
    result = SignInResult("linkedin", grant, "grant:linkedin:1", discovered("linkedin", grant))
    ctx.accounts.add_signed_in(result, result.accounts[:1])
    window = QWidget()
    qtbot.addWidget(window)
    notifier = Notifier(ctx, bridge, window)
    text = check_accounts(ctx, notifier)
    assert "Ana García (linkedin): reconnect before" in text
    assert notifier.banner.title_label.text() == "Connections ending soon"


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("meta", {("facebook", "104"), ("instagram", "1784")}),
        ("x", {("x", "2244994945")}),
        ("linkedin", {("linkedin", "urn:li:person:abc"), ("linkedin", "urn:li:organization:123")}),
        ("google", {("youtube", "UC111"), ("youtube", "UC222")}),
    ],
)
def test_each_network_connects_in_the_window(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    monkeypatch: pytest.MonkeyPatch,
    networks: dict[str, type[SignedInNet]],  # noqa: F811
    browser: list[str],
    provider: str,
    expected: set[tuple[str, str]],
) -> None:
    from app.networks import registry
    from tests.support.signin import net_class

    monkeypatch.setitem(registry.NETWORKS, "facebook", net_class("facebook", "Facebook"))
    port = free_port()
    with oauth_fake(monkeypatch, provider, port):
        set_up_app(ctx.apps, provider)
        ctx.store.set_setting("signin_port", str(port))
        dialog = make(qtbot, ctx, bridge)
        dialog.signin_actions[provider].trigger()
        signin = dialog.signin_dialog
        assert signin is not None and signin.list.count() == len(expected)
        signin.add_button.click()
    accounts = ctx.accounts.list()
    assert {(a.network, a.remote_id) for a in accounts} == expected
    assert dialog.tree.topLevelItemCount() == len(expected)
    assert all(status(dialog, i) == "Connected" for i in range(len(expected)))


def test_waiting_for_the_browser_does_not_hold_the_window(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    x_fake: tuple[FakeOAuth, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui import tasks

    opened: list[str] = []
    monkeypatch.setattr(signin_dialog, "open_url", lambda url: opened.append(url) or True)
    tasks.set_synchronous(False)
    try:
        dialog = make(qtbot, ctx, bridge)
        signin = dialog.sign_in("x")
        assert signin.stack.currentIndex() == 0 and signin.progress.isVisible()
        threading.Thread(target=browse, args=(opened[0],)).start()  # the user consents
        qtbot.waitUntil(lambda: signin.stack.currentIndex() == 1, timeout=5000)
        signin.add_button.click()
        qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1, timeout=5000)

        again = dialog.sign_in("x")  # closing while waiting stops the listener
        port = again.flow.listener.port if again.flow and again.flow.listener else 0
        again.reject()
        qtbot.waitUntil(lambda: not _listening(port), timeout=5000)
    finally:
        tasks.set_synchronous(True)
        tasks.wait_for_tasks(5000)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
