"""File → Export…: format, filters, the count and warnings, and the file written."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.models import Account
from tests.conftest import SAMPLES
from tests.ui.conftest import Modals
from ui import dialogs
from ui.bridge import Bridge
from ui.export_dialog import ExportDialog
from ui.main_window import MainWindow

TZ = "Europe/Madrid"
SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)


def add(ctx: AppContext, text: str, when: datetime, *accounts: Account, photo: bool = False) -> int:
    media = [(SAMPLES / "media" / "feria-empleo-1920x1080.png", "Feria")] if photo else []
    post = ctx.posts.create_scheduled(
        text=text,
        link=None,
        media=media,
        account_ids=[a.id for a in accounts],
        when=when,
        tz=TZ,
    )
    return post.id


@pytest.fixture
def other(ctx: AppContext) -> Account:
    return ctx.accounts.connect("facebook", name="Formación", remote_id="2002", token="EAAother")


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[Any]:
    """Answers the save dialog with ``tmp_path/plan`` (no suffix); records what it was asked."""
    asked: list[Any] = []

    def pick(parent: Any, title: str, suggested: str, filters: str) -> Path:
        asked.append((title, suggested, filters))
        return tmp_path / "plan"

    monkeypatch.setattr(dialogs, "pick_save_file", pick)
    return asked


def make(qtbot: QtBot, ctx: AppContext) -> ExportDialog:
    dialog = ExportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def events(data: bytes) -> list[Any]:
    return list(icalendar.Calendar.from_ical(data).walk("VEVENT"))


def test_export_ics_from_the_file_menu(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    account: Account,
    other: Account,
    saved: list[Any],
    tmp_path: Path,
) -> None:
    add(ctx, "Feria de empleo\nen el recinto ferial", SOON, account, other)
    add(ctx, "Curso de carretillas", SOON + timedelta(days=1), other)
    win = MainWindow(ctx, bridge)
    qtbot.addWidget(win)
    win.export_action.trigger()
    dialog = win.findChild(ExportDialog)
    assert dialog is not None and dialog.format() == "ics"
    assert dialog.count_label.text() == "2 posts match these choices."
    assert not dialog.order_combo.isEnabled()  # only for Hootsuite
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert saved[0][0] == "Export posts" and saved[0][1].endswith("pregonero-plan.ics")
    assert "*.ics" in saved[0][2]
    written = tmp_path / "plan.ics"  # the suffix is added
    assert f"Exported 2 posts to {written}." in dialog.message_label.text()
    found = events(written.read_bytes())
    assert sorted(str(e["SUMMARY"]) for e in found) == ["Curso de carretillas", "Feria de empleo"]
    feria = next(e for e in found if str(e["SUMMARY"]) == "Feria de empleo")
    assert feria.decoded("DTSTART") == SOON
    assert "Empleo" in str(feria["DESCRIPTION"]) and "Formación" in str(feria["DESCRIPTION"])


def test_filters_change_the_count_and_the_calendar(
    qtbot: QtBot,
    ctx: AppContext,
    account: Account,
    other: Account,
    saved: list[Any],
    tmp_path: Path,
) -> None:
    add(ctx, "Para Empleo", SOON, account)
    add(ctx, "Para Formación", SOON, other)
    add(ctx, "Mucho después", SOON + timedelta(days=60), other)
    dialog = make(qtbot, ctx)
    assert dialog.count_label.text() == "3 posts match these choices."
    dialog.account_combo.setCurrentIndex(dialog.account_combo.findData(other.id))
    dialog.refresh_count()
    assert dialog.count_label.text() == "2 posts match these choices."
    day = SOON.date()
    dialog.set_range(day - timedelta(days=1), day + timedelta(days=1))
    dialog.refresh_count()
    assert dialog.count_label.text() == "1 post matches these choices."
    dialog.export_button.click()
    cal = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "Pregonero · Formación"
    assert [str(e["SUMMARY"]) for e in cal.walk("VEVENT")] == ["Para Formación"]

    dialog.set_range(day + timedelta(days=2), day)
    dialog.refresh_count()
    assert dialog.count_label.text() == "The first day is after the last day."
    assert not dialog.export_button.isEnabled()


def test_buffer_export_warns_about_photos(
    qtbot: QtBot, ctx: AppContext, account: Account, saved: list[Any], tmp_path: Path
) -> None:
    add(ctx, "Con foto", SOON, account, photo=True)
    dialog = make(qtbot, ctx)
    dialog.set_format("buffer")
    dialog.refresh_count()
    assert dialog.count_label.text() == "1 post matches these choices."
    assert "public image addresses" in dialog.message_label.text()
    dialog.export_button.click()
    assert saved[0][1].endswith("pregonero-buffer.csv")
    written = tmp_path / "plan.csv"
    assert "Exported 1 post to" in dialog.message_label.text()
    assert "public image addresses" in dialog.message_label.text()
    rows = list(csv.reader(io.StringIO(written.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["Text", "Image URL", "Tags", "Posting Time"]
    assert rows[1][0] == "Con foto"


def test_published_history_and_hootsuite_date_order(
    qtbot: QtBot, ctx: AppContext, account: Account, saved: list[Any], tmp_path: Path
) -> None:
    add(ctx, "Pendiente", datetime(2099, 1, 18, 8, 0, tzinfo=UTC), account)
    dialog = make(qtbot, ctx)
    dialog.set_format("csv")
    dialog.refresh_count()
    assert dialog.count_label.text() == "Nothing published matches these choices."
    assert not dialog.export_button.isEnabled()

    dialog.set_format("hootsuite")
    assert dialog.order_combo.isEnabled()
    dialog.order_combo.setCurrentIndex(dialog.order_combo.findData("mdy"))
    dialog.refresh_count()
    dialog.export_button.click()
    assert (tmp_path / "plan.csv").read_text(encoding="utf-8").startswith("01/18/2099 09:00,")


def test_a_write_failure_is_explained(
    qtbot: QtBot,
    ctx: AppContext,
    account: Account,
    modals: Modals,
    tmp_path: Path,
) -> None:
    add(ctx, "Algo", SOON, account)
    dialog = make(qtbot, ctx)
    dialog.export_to(tmp_path / "no-such-folder" / "plan.ics")
    assert modals.errors and modals.errors[0][0] == "Export posts"
    assert "Cannot write" in modals.error_text
    assert dialog.export_button.isEnabled()
