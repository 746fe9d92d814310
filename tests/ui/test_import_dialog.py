"""File → Import…: the dry-run table, the choices, and the import into the queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.errors import ValidationError
from app.models import Account, DeliveryState
from app.transfer import ImportService
from app.transfer.fetch import MediaFetcher
from tests.conftest import FIXTURES, SAMPLES
from tests.ui.conftest import Modals
from ui import dialogs, tasks
from ui.bridge import Bridge
from ui.import_dialog import ImportDialog, guess_format
from ui.import_model import ImportPlanModel
from ui.main_window import MainWindow

HOOTSUITE = FIXTURES / "bulk-csv" / "hootsuite" / "example.csv"
BUFFER = FIXTURES / "bulk-csv" / "buffer" / "X Buffer_Import_Template.csv"
PHOTO = SAMPLES / "media" / "carrusel-1-1080x1080.jpg"


class LocalFetcher(MediaFetcher):
    """Serves every address from one local photo (no network in tests)."""

    def __init__(self, cache_dir: Path, photo: Path) -> None:
        super().__init__(cache_dir)
        self.photo = photo
        self.urls: list[str] = []

    def fetch(self, url: str) -> Path:
        self.urls.append(url)
        return self.photo


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def cell(dialog: ImportDialog, row: int, col: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    return dialog.model.data(dialog.model.index(row, col), role)


def column(dialog: ImportDialog, col: int) -> list[Any]:
    return [cell(dialog, r, col) for r in range(dialog.model.rowCount())]


def make(qtbot: QtBot, ctx: AppContext, **kw: Any) -> ImportDialog:
    dialog = ImportDialog(ctx, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def window(qtbot: QtBot, ctx: AppContext, bridge: Bridge) -> MainWindow:
    win = MainWindow(ctx, bridge)
    qtbot.addWidget(win)
    win.show()
    return win


def test_real_hootsuite_file_through_the_file_menu(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    win = window(qtbot, ctx, bridge)
    file_menu = win.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    assert win.import_action in file_menu.actions()
    assert win.export_action in file_menu.actions()
    monkeypatch.setattr(dialogs, "pick_open_file", lambda *_a: HOOTSUITE)
    win.import_action.trigger()
    dialog = win.findChild(ImportDialog)
    assert dialog is not None and dialog.isVisible()
    assert not dialog.import_button.isEnabled()  # no file yet
    dialog.choose_button.click()

    assert dialog.format() == "hootsuite"  # recognised from the content
    assert dialog.order_combo.isEnabled() and "weekday" in dialog.order_hint.text()
    assert dialog.account_boxes[account.id].isChecked()  # the only account
    assert column(dialog, ImportPlanModel.ROW) == ["1", "2", "3"]
    assert column(dialog, ImportPlanModel.STATUS) == [
        "warning",
        "warning, skipped",
        "warning, skipped",
    ]
    assert cell(dialog, 0, ImportPlanModel.TIME) == "2018-12-05 11:00 (Wednesday)"
    assert cell(dialog, 0, ImportPlanModel.TEXT).startswith("The community would like")
    assert "in the past" in cell(dialog, 0, ImportPlanModel.REASONS)
    for row in (1, 2):  # the three identical rows: two are reported as duplicates
        assert "Same as row 1: a duplicate" in cell(dialog, row, ImportPlanModel.REASONS)
        assert cell(dialog, row, ImportPlanModel.STATUS, ImportPlanModel.StatusRole) == "warning"
    assert cell(dialog, 0, ImportPlanModel.STATUS, Qt.ItemDataRole.DecorationRole) is not None
    counts = dialog.counts_label.text()
    assert "3 rows: 0 ok, 3 with warnings, 0 with errors." in counts
    assert "1 post will be created, 2 rows skipped" in counts
    details = dialog.details.toPlainText()  # the first row needing attention is selected
    assert details.startswith("Row 1 · 2018-12-05 11:00 (Wednesday)") and "in the past" in details
    dialog.table.selectRow(1)
    assert "Same as row 1" in dialog.details.toPlainText()
    assert ctx.posts.list() == []  # the dry run stored nothing

    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import 1 post"
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Imported 1 post as a draft. 2 rows were skipped" in dialog.message_label.text()
    assert not dialog.import_button.isEnabled()
    qtbot.waitUntil(lambda: win.model.rowCount() == 1)  # the queue reloaded by itself
    post = ctx.posts.list()[0]
    assert post.text.startswith("The community would like") and post.link == "https://drexel.edu"
    assert post.state == DeliveryState.DRAFT

    # The same file again: every row is already there, nothing to import.
    dialog.check()
    assert "Already imported" in cell(dialog, 0, ImportPlanModel.REASONS)
    assert not dialog.import_button.isEnabled()
    assert dialog.import_button.toolTip() == "There is nothing new to import."
    dialog.close()
    assert len(ctx.posts.list()) == 1


def test_real_buffer_file_with_a_photo_lands_in_the_queue(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, tmp_path: Path
) -> None:
    win = window(qtbot, ctx, bridge)
    fetcher = LocalFetcher(tmp_path / "cache", PHOTO)
    service = ImportService(
        ctx.store, ctx.clock, ctx.listeners, ctx.schedule_changed, fetcher=fetcher
    )
    dialog = make(qtbot, ctx, service=service)
    dialog.set_path(BUFFER)
    assert dialog.format() == "buffer"
    assert not dialog.order_combo.isEnabled()  # Buffer dates are always month first
    assert column(dialog, ImportPlanModel.ROW) == ["2", "3", "4"]
    assert [r.status.value for r in dialog.model.results()] == ["warning"] * 3
    assert cell(dialog, 0, ImportPlanModel.TIME).startswith("2026-01-27 17:30 (Tuesday)")
    assert "next free slot" in cell(dialog, 1, ImportPlanModel.REASONS)
    assert "photo-1506744038136" in cell(dialog, 1, ImportPlanModel.TEXT)
    assert "tag1,tag2" in cell(dialog, 2, ImportPlanModel.REASONS)
    assert fetcher.urls and fetcher.urls[0].startswith("https://images.unsplash.com/")

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Imported 3 posts as drafts." in dialog.message_label.text()
    qtbot.waitUntil(lambda: win.model.rowCount() == 3)
    posts = {p.text: p for p in ctx.posts.list()}
    assert len(posts["A post with text and an image"].media) == 1
    assert posts["A post with text and an image"].due_at is not None  # its queue slot


def test_a_date_that_reads_two_ways_is_shown_with_its_weekday(
    qtbot: QtBot, ctx: AppContext, account: Account, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "plan.csv", "05/12/2027 09:00,Feria de empleo\n18/01/2027 10:00,Curso\n"
    )
    dialog = make(qtbot, ctx)
    dialog.set_path(path)
    assert dialog.date_order() == "dmy"
    assert cell(dialog, 0, ImportPlanModel.TIME) == "2027-12-05 09:00 (Sunday)"
    assert cell(dialog, 0, ImportPlanModel.TIME, Qt.ItemDataRole.FontRole).bold()
    assert "reads two ways" in cell(dialog, 0, ImportPlanModel.TIME, Qt.ItemDataRole.ToolTipRole)
    assert not dialog.ambiguity_label.isHidden()
    banner = dialog.ambiguity_label.text()
    assert "1 date reads two ways" in banner and "Row 1: 2027-12-05 09:00 (Sunday)" in banner
    assert cell(dialog, 1, ImportPlanModel.TIME) == "2027-01-18 10:00 (Monday)"  # not ambiguous
    assert dialog.import_button.isEnabled()

    dialog.set_date_order("mdy")
    dialog.check()  # what the timer would do a moment later
    assert cell(dialog, 0, ImportPlanModel.TIME) == "2027-05-12 09:00 (Wednesday)"
    assert cell(dialog, 1, ImportPlanModel.STATUS) == "error"  # 18 is not a month
    assert "not a valid date read month first" in cell(dialog, 1, ImportPlanModel.REASONS)
    assert not dialog.import_button.isEnabled()


def test_a_file_of_the_wrong_format_shows_why_and_stores_nothing(
    qtbot: QtBot, ctx: AppContext, account: Account, tmp_path: Path
) -> None:
    path = write(tmp_path / "plan.csv", "18/01/2027 09:00,Hola\n")
    dialog = make(qtbot, ctx)
    dialog.set_path(path)
    dialog.set_format("buffer")
    dialog.check()
    assert not dialog.message_label.isHidden()
    text = dialog.message_label.text()
    assert "cannot be imported as Buffer (CSV); nothing was stored" in text
    assert "does not look like a Buffer file" in text
    assert dialog.model.rowCount() == 0
    assert not dialog.import_button.isEnabled()
    empty = write(tmp_path / "empty.csv", "  \n")
    dialog.set_path(empty)
    assert "empty.csv is empty" in dialog.message_label.text()
    assert ctx.posts.list() == []


def test_malformed_rows_block_the_import_unless_skipped(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, tmp_path: Path
) -> None:
    path = write(
        tmp_path / "plan.csv",
        "2027-01-18 09:00,Bien\n"
        "2027-01-19 09:00,uno,dos,tres\n"
        "31/02/2027 09:00,Fecha imposible\n"
        "2027-01-20 09:00,\n",
    )
    dialog = make(qtbot, ctx)
    dialog.set_path(path)
    assert column(dialog, ImportPlanModel.STATUS) == ["ok", "error", "error", "error"]
    reasons = column(dialog, ImportPlanModel.REASONS)
    assert "has 4 columns" in reasons[1]
    assert "not a valid date" in reasons[2]
    assert "no message" in reasons[3]
    assert "Nothing can be imported until the errors are corrected." in dialog.counts_label.text()
    assert not dialog.import_button.isEnabled()
    assert "Skip rows with errors" in dialog.import_button.toolTip()
    dialog.start_import()  # even if called, nothing happens
    assert ctx.posts.list() == []

    dialog.skip_box.setChecked(True)
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import 1 post"
    assert "3 rows with errors left out" in dialog.counts_label.text()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "3 rows with errors were not imported" in dialog.message_label.text()
    assert [p.text for p in ctx.posts.list()] == ["Bien"]


def test_scheduled_past_rows_are_errors_and_future_rows_are_scheduled(
    qtbot: QtBot, ctx: AppContext, account: Account, tmp_path: Path
) -> None:
    dialog = make(qtbot, ctx)
    dialog.set_path(HOOTSUITE)
    dialog.scheduled_radio.setChecked(True)
    dialog.check()
    assert cell(dialog, 0, ImportPlanModel.STATUS) == "error"
    assert not dialog.import_button.isEnabled()

    path = write(tmp_path / "futuro.csv", "2099-01-19 09:00,Dentro de mucho\n")
    dialog.set_path(path)
    assert column(dialog, ImportPlanModel.STATUS) in (["ok"], ["warning"])
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "Imported 1 post as scheduled." in dialog.message_label.text()
    assert ctx.posts.list()[0].state == DeliveryState.SCHEDULED


def test_accounts_must_be_chosen(
    qtbot: QtBot, ctx: AppContext, account: Account, tmp_path: Path
) -> None:
    other = ctx.accounts.connect("facebook", name="Formación", remote_id="2002", token="EAAother")
    dialog = make(qtbot, ctx)
    assert not any(box.isChecked() for box in dialog.account_boxes.values())  # several: none
    dialog.set_path(write(tmp_path / "plan.csv", "2027-01-18 09:00,Hola\n"))
    assert "Choose at least one account" in dialog.message_label.text()
    assert cell(dialog, 0, ImportPlanModel.STATUS) == "error"
    dialog.set_accounts([account.id, other.id])
    dialog.check()
    assert dialog.message_label.isHidden()
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert sorted(d.account_id for d in ctx.posts.list()[0].deliveries) == sorted(
        [account.id, other.id]
    )


def test_a_refused_commit_is_explained_and_the_table_checked_again(
    qtbot: QtBot,
    ctx: AppContext,
    account: Account,
    tmp_path: Path,
    modals: Modals,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = make(qtbot, ctx)
    dialog.set_path(write(tmp_path / "plan.csv", "2027-01-18 09:00,Hola\n"))

    def refuse(*_a: Any, **_k: Any) -> Any:
        raise ValidationError("Row 1: 2027-01-18 09:00 is now in the past.", code="time_past")

    monkeypatch.setattr(dialog.service, "commit", refuse)
    dialog.import_button.click()
    assert modals.errors[0][0] == "Import posts"
    assert "Nothing was imported:" in modals.error_text and "now in the past" in modals.error_text
    assert ctx.posts.list() == []
    assert dialog.import_button.isEnabled()  # checked again, the user may try again


def test_the_dry_run_and_the_import_run_in_the_background(
    qtbot: QtBot, ctx: AppContext, account: Account
) -> None:
    tasks.set_synchronous(False)
    dialog = make(qtbot, ctx)
    dialog.set_path(HOOTSUITE)
    assert dialog.checking and dialog.busy_label.text() == "Checking the file…"
    assert not dialog.import_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3, timeout=10_000)
    assert not dialog.checking
    dialog.import_button.click()
    assert dialog.committing and not dialog.import_button.isEnabled()
    dialog.reject()  # refused while storing
    assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.committing, timeout=10_000)
    assert len(ctx.posts.list()) == 1
    tasks.wait_for_tasks()


def test_pregonero_csv_notes_and_a_wrong_time_zone(
    qtbot: QtBot, ctx: AppContext, account: Account, tmp_path: Path
) -> None:
    path = write(tmp_path / "plan.csv", "when,text,campaign\n2099-01-18 09:00,Hola,Plan 2099\n")
    dialog = make(qtbot, ctx)
    dialog.set_path(path)
    assert dialog.format() == "pregonero" and not dialog.order_combo.isEnabled()
    assert "The campaign “Plan 2099” will be created." in dialog.message_label.text()
    assert cell(dialog, 0, ImportPlanModel.TIME) == "2099-01-18 09:00 (Sunday)"
    dialog.zone_combo.setCurrentText("Europe/Madird")
    dialog.check()
    text = dialog.message_label.text()
    assert "Check the choices above; nothing was stored." in text
    assert "Unknown time zone: Europe/Madird" in text
    assert not dialog.import_button.isEnabled()
    assert ctx.posts.list() == []


def test_format_is_guessed_from_the_name_and_the_content(tmp_path: Path) -> None:
    assert guess_format(HOOTSUITE) == "hootsuite"
    assert guess_format(BUFFER) == "buffer"
    assert guess_format(SAMPLES / "posts.json") == "pregonero"
    publer = write(
        tmp_path / "publer.csv",
        '"Date - Intl. format or prompt",Text,"Link(s) - Separated by comma for FB carousels"\n',
    )
    assert guess_format(publer) == "publer"
    assert (
        guess_format(write(tmp_path / "p.csv", "2027-01-18 09:00,Hola" + "," * 10 + "\n"))
        == "publer"
    )
    assert guess_format(write(tmp_path / "own.csv", "when;text;accounts\n")) == "pregonero"
    assert guess_format(write(tmp_path / "own.txt", '{"posts": []}')) == "pregonero"
    assert guess_format(write(tmp_path / "x.csv", "hello,world\n")) is None
    assert guess_format(tmp_path / "missing.csv") is None
