"""The Inbox tab: order, filters, reply with a saved reply, refused replies, handled,
records export and purge, the tab title and the tray line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.context import AppContext
from app.settings import INBOX_LINK, TIMEZONE
from app.storage.inbox import CommentFilter
from tests.support.commentstub import CommentStub, add_account, comment_factory
from tests.ui.conftest import Modals
from ui import dialogs
from ui.bridge import Bridge
from ui.inbox.view import InboxView


@pytest.fixture
def ictx(isolated_home: Path) -> Iterator[AppContext]:
    CommentStub.reset()
    context = AppContext(client_factory=comment_factory)
    context.settings.set(TIMEZONE, "Europe/Madrid")
    add_account(context, name="Empleo")
    add_account(context, network="x", remote_id="999", name="Empleo X")
    CommentStub.recent = ["p1"]
    CommentStub.add("p1", 3)
    context.inbox.collect()
    yield context
    context.close()


@pytest.fixture
def view(ictx: AppContext, qtbot: Any) -> InboxView:
    bridge = Bridge()
    ictx.listeners.add(bridge.listener)
    v = InboxView(ictx, bridge)
    qtbot.addWidget(v)
    v.resize(1300, 700)
    return v


def test_open_first_oldest_first_with_counts(view: InboxView, ictx: AppContext) -> None:
    assert view.model.rowCount() == 6
    assert view.open_count == 6 and view.summary.startswith("6 open comments")
    times = [c.created_at for c in view.model.comments]
    assert times == sorted(times)
    assert "(3 open)" in view.model.data(view.model.index(0, 4))
    assert view.current is not None and view.current.id == view.model.comments[0].id
    view.network_box.setCurrentIndex(view.network_box.findData("x"))
    assert {c.network for c in view.model.comments} == {"x"}
    view.network_box.setCurrentIndex(0)
    view.search.setText("number 2")
    view.reload()
    assert len(view.model.comments) == 2  # one per account (same stub thread)


def test_reply_with_a_saved_reply_and_fields(view: InboxView, ictx: AppContext) -> None:
    ictx.settings.set(INBOX_LINK, "https://labora.example")
    view.reload()
    first = view.current
    assert first is not None and first.network == "facebook"
    index = next(
        i
        for i in range(view.template_box.count())
        if "More information" in view.template_box.itemText(i)
    )
    view.template_box.setCurrentIndex(index)
    view.template_box.activated.emit(index)
    text = view.reply_edit.toPlainText()
    assert text.startswith(f"Hello {first.author_name}.") and "https://labora.example" in text
    view.reply_edit.setPlainText(text + " Un saludo.")
    view.send_reply()
    done = ictx.inbox.get(first.id)
    assert done.state == "answered" and len(CommentStub.replies) == 1
    assert CommentStub.replies[0][2].endswith("Un saludo.")
    assert view.open_count == 5
    view.state_box.setCurrentIndex(3)  # All: answered ones after the open ones
    assert view.model.comments[-1].id == first.id


def test_unfilled_field_blocks_the_send(view: InboxView, modals: Modals) -> None:
    view.reply_edit.setPlainText("See {link}")
    view.send_reply()
    assert "{link}" in modals.error_text and CommentStub.replies == []


def test_x_refused_reply_shows_notice_and_browser(
    view: InboxView, ictx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    x_comment = ictx.inbox.comments(CommentFilter(network="x"))[0]
    view.select_comment(x_comment.id)
    CommentStub.reply_script = ["not-allowed"]
    view.reply_edit.setPlainText("Thanks")
    view.send_reply()
    assert view.current is not None and view.current.id == x_comment.id
    assert view.notice.isVisibleTo(view) and "does not allow replying" in view.notice.text()
    assert view.model.data(view.model.index(view.model.row_of(x_comment.id), 0)) == (
        "Reply refused"
    )
    opened: list[str] = []
    monkeypatch.setattr(view, "open_url", opened.append)
    view.open_in_browser()
    assert opened == [x_comment.permalink]


def test_mark_handled_with_reason_and_hide(view: InboxView, ictx: AppContext) -> None:
    first = view.current
    assert first is not None and view.hide_check.isVisibleTo(view)
    view.hide_check.setChecked(True)
    spam = next(a for a in view.handled_menu.actions() if a.data() == "spam")
    spam.trigger()
    done = ictx.inbox.get(first.id)
    assert (done.state, done.reason, done.hidden) == ("handled", "spam", True)
    assert view.open_count == 5


def test_export_and_purge(
    view: InboxView,
    ictx: AppContext,
    modals: Modals,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "records.csv"
    monkeypatch.setattr(dialogs, "pick_save_file", lambda *a: path)
    ids = [c.id for c in view.model.comments[:2]]
    ictx.inbox.mark_handled(ids, "spam")
    assert view.purge_old() == 0 and "Nothing to purge" in modals.errors[-1][0]
    # The system clock runs: move the handled dates back instead.
    ictx.store.db.conn.execute(
        "UPDATE comments SET handled_at = '2020-01-01T00:00:00+00:00' WHERE state = 'handled'"
    )
    modals.answers = [0]  # Export first…
    assert view.purge_old() == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert view.open_count == 4


def test_saved_replies_editor(view: InboxView, ictx: AppContext) -> None:
    dialog = view.open_saved_replies()
    before = len(ictx.inbox.saved_replies())
    dialog.new()
    dialog.name_edit.setText("Horari")
    dialog.language_box.setCurrentIndex(dialog.language_box.findData("ca"))
    dialog.text_edit.setPlainText("Bon dia {name}, obrim a les 9.")
    assert dialog.save()
    assert (
        len(ictx.inbox.saved_replies("ca")) == 3 and len(ictx.inbox.saved_replies()) == before + 1
    )
    assert any("Horari" in view.template_box.itemText(i) for i in range(view.template_box.count()))
    dialog.delete()
    assert len(ictx.inbox.saved_replies()) == before


def test_main_window_tab_title_tray_and_daily_summary(ictx: AppContext, qtbot: Any) -> None:
    from ui.main_window import MainWindow
    from ui.notifications import Notifier
    from ui.tray import Tray

    bridge = Bridge()
    ictx.listeners.add(bridge.listener)
    window = MainWindow(ictx, bridge)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Inbox (6)" in titles
    tray = Tray(ictx, bridge, window)
    assert tray.inbox_line.startswith("6 open comments") and tray.inbox_line in tray.tooltip()
    tray.hide()
    shown: list[tuple[str, str]] = []

    class Sink:
        icon = None

        def show_message(self, title: str, text: str, warning: bool = True) -> None:
            shown.append((title, text))

    notifier = Notifier(ictx, bridge, window, Sink())  # type: ignore[arg-type]
    from datetime import datetime
    from zoneinfo import ZoneInfo

    ictx.inbox.daily_summary(datetime(2030, 1, 1, 10, tzinfo=ZoneInfo("UTC")), 9)
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][0] == "Comments waiting for an answer"
    notifier.show_target()
    assert window.tabs.currentWidget() is window.inbox


def test_inbox_settings(view: InboxView, ictx: AppContext) -> None:
    from app.settings import INBOX_RETENTION_DAYS

    dialog = view.open_settings()
    assert dialog.retention.value() == 90
    dialog.retention.setValue(30)
    dialog.link_edit.setText(" https://labora.example ")
    dialog.save()
    assert ictx.settings.get(INBOX_RETENTION_DAYS) == "30"
    assert ictx.settings.get(INBOX_LINK) == "https://labora.example"
    assert ictx.inbox.retention_days == 30
