"""Every modal question and message box of the UI, in one place.

Views call these functions instead of QMessageBox/QFileDialog directly, so tests can
replace them (``monkeypatch.setattr(dialogs, "ask", ...)``) and nothing ever blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from app.errors import AppError, ValidationError
from app.i18n import _

log = logging.getLogger(__name__)


def describe_error(exc: BaseException) -> str:
    """Plain words for ``exc``: the core's own (translated) message, else a generic one."""
    if isinstance(exc, AppError):
        text = str(exc).strip()
        user = getattr(exc, "user_message", "")
        if user and user not in text:
            text = f"{text}\n{user}" if text else user
        return text or _("Something went wrong.")
    return _(
        "Something went wrong inside Pregonero ({what}). Details were written to the log."
    ).format(what=type(exc).__name__)


def problem_lines(exc: ValidationError) -> list[str]:
    """The messages of a ValidationError's problems, one per line."""
    return [p.message for p in exc.problems] or [str(exc)]


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    """A modal warning with ``text`` (already translated)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.exec()


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    """A modal information box (About...)."""
    QMessageBox.about(parent, title, text)


def show_problems(parent: QWidget | None, title: str, intro: str, lines: Sequence[str]) -> None:
    """A modal warning listing ``lines`` (one problem each) under ``intro``."""
    if len(lines) == 1:
        text = f"{intro}\n\n{lines[0]}"
    else:
        text = intro + "\n\n" + "\n".join(f"• {line}" for line in lines)
    show_error(parent, title, text)


def ask(parent: QWidget | None, title: str, text: str, choices: Sequence[str]) -> int | None:
    """Ask the user to pick one of ``choices`` (button labels); None when cancelled."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    buttons = [box.addButton(label, QMessageBox.ButtonRole.AcceptRole) for label in choices]
    cancel = box.addButton(_("Cancel"), QMessageBox.ButtonRole.RejectRole)
    if buttons:
        box.setDefaultButton(buttons[0])
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    for index, button in enumerate(buttons):
        if clicked is button:
            return index
    return None


def confirm(parent: QWidget | None, title: str, text: str, ok_label: str) -> bool:
    """Ask a yes/no question whose yes button says ``ok_label``."""
    return ask(parent, title, text, [ok_label]) == 0


IMAGE_FILTER_PATTERNS = "*.jpg *.jpeg *.png *.gif *.bmp *.tif *.tiff *.webp"


def pick_images(parent: QWidget | None, start_dir: str = "") -> list[Path]:
    """Let the user choose image files; an empty list when cancelled."""
    names, _filter = QFileDialog.getOpenFileNames(
        parent,
        _("Add photos"),
        start_dir,
        _("Images ({patterns})").format(patterns=IMAGE_FILTER_PATTERNS) + ";;" + _("All files (*)"),
    )
    return [Path(name) for name in names]


def pick_open_file(parent: QWidget | None, title: str, start_dir: str, filters: str) -> Path | None:
    """Let the user choose one existing file (``filters`` as QFileDialog takes them); None
    when cancelled."""
    name, _filter = QFileDialog.getOpenFileName(parent, title, start_dir, filters)
    return Path(name) if name else None


def pick_save_file(parent: QWidget | None, title: str, suggested: str, filters: str) -> Path | None:
    """Let the user choose where to write a file (``suggested``: a path or a name); None
    when cancelled. The system dialog asks before replacing an existing file."""
    name, _filter = QFileDialog.getSaveFileName(parent, title, suggested, filters)
    return Path(name) if name else None


def review_post(
    parent: QWidget | None, ctx: Any, post: Any, when: datetime, *, publish_now: bool = False
) -> dict[str, str] | None:
    """The review screen before scheduling (:class:`ui.review_dialog.ReviewDialog`).

    Returns {finding code: reason} for the errors the user overrides (empty when there
    were none) once they confirm, or None when they go back to editing.
    """
    from ui.review_dialog import ReviewDialog

    dialog = ReviewDialog(ctx, post, when, publish_now=publish_now, parent=parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.overrides()


def pick_datetime(
    parent: QWidget | None, title: str, text: str, initial: datetime
) -> datetime | None:
    """Ask for a date and time (naive wall clock, starting at ``initial``); None if cancelled."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    label = QLabel(text)
    label.setWordWrap(True)
    layout.addWidget(label)
    edit = QDateTimeEdit(
        QDateTime(
            QDate(initial.year, initial.month, initial.day), QTime(initial.hour, initial.minute)
        )
    )
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    layout.addWidget(edit)
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    value = edit.dateTime()
    d, t = value.date(), value.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())
