"""Every modal question and message box of the UI, in one place.

Views call these functions instead of QMessageBox/QFileDialog directly, so tests can
replace them (``monkeypatch.setattr(dialogs, "ask", ...)``) and nothing ever blocks.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

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
