"""The saved-replies editor: templates per language with fields such as {name}."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError
from app.i18n import _
from app.inbox.templates import FIELDS, LANGUAGES, language_label
from ui import dialogs


class SavedRepliesDialog(QDialog):
    """Lists, creates, changes and deletes saved replies; ``changed`` after each save."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Saved replies"))
        self.resize(760, 440)
        self.editing: int | None = None
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.list = QListWidget()
        self.list.currentItemChanged.connect(lambda *_a: self._load_current())
        left.addWidget(self.list, 1)
        self.new_button = QPushButton(_("New saved reply"))
        self.new_button.clicked.connect(self.new)
        left.addWidget(self.new_button)
        outer.addLayout(left, 2)

        right = QVBoxLayout()
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.language_box = QComboBox()
        for code in LANGUAGES:
            self.language_box.addItem(language_label(code), code)
        self.text_edit = QPlainTextEdit()
        form.addRow(_("Name"), self.name_edit)
        form.addRow(_("Language"), self.language_box)
        form.addRow(_("Text"), self.text_edit)
        right.addLayout(form, 1)
        help_text = (
            _("Fields filled in when used:")
            + " "
            + "; ".join("{" + key + "} " + _(doc) for key, doc in FIELDS.items())
        )
        hint = QLabel(help_text)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4b5563;")
        right.addWidget(hint)
        buttons = QHBoxLayout()
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.clicked.connect(self.delete)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        right.addLayout(buttons)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        right.addWidget(close)
        outer.addLayout(right, 3)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        """Read the saved replies again."""
        self.list.blockSignals(True)
        self.list.clear()
        for r in self.ctx.inbox.saved_replies():
            item = QListWidgetItem(f"{r.name} ({language_label(r.language)})")
            item.setData(256, r.id)
            self.list.addItem(item)
            if r.id == select:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._load_current()

    def _load_current(self) -> None:
        item = self.list.currentItem()
        reply_id = item.data(256) if item is not None else None
        reply = next((r for r in self.ctx.inbox.saved_replies() if r.id == reply_id), None)
        self.editing = reply.id if reply else None
        self.name_edit.setText(reply.name if reply else "")
        self.language_box.setCurrentIndex(
            max(0, self.language_box.findData(reply.language if reply else "es"))
        )
        self.text_edit.setPlainText(reply.text if reply else "")
        self.delete_button.setEnabled(reply is not None)

    def new(self) -> None:
        """Start a new saved reply."""
        self.list.clearSelection()
        self.list.setCurrentRow(-1)
        self.editing = None
        self.name_edit.clear()
        self.text_edit.clear()
        self.delete_button.setEnabled(False)
        self.name_edit.setFocus()

    def save(self) -> Any:
        """Save what the form holds; returns the saved reply's id (None if refused)."""
        try:
            reply_id = self.ctx.inbox.save_reply(
                self.name_edit.text(),
                str(self.language_box.currentData()),
                self.text_edit.toPlainText(),
                self.editing,
            )
        except AppError as exc:
            dialogs.show_error(self, _("Could not save the reply"), dialogs.describe_error(exc))
            return None
        self.reload(select=reply_id)
        self.changed.emit()
        return reply_id

    def delete(self) -> None:
        """Delete the saved reply being edited."""
        if self.editing is None:
            return
        self.ctx.inbox.delete_reply(self.editing)
        self.editing = None
        self.reload()
        self.changed.emit()
