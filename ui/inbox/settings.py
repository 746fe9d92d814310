"""The inbox's own settings: the {link} of saved replies, retention, collection, summary."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.i18n import _
from app.settings import (
    INBOX_COLLECT_MINUTES,
    INBOX_LINK,
    INBOX_RETENTION_DAYS,
    INBOX_SUMMARY_HOUR,
)


class InboxSettingsDialog(QDialog):
    """Edits the inbox settings of ``ctx``; :meth:`save` stores them."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Inbox settings"))
        s = ctx.settings
        outer = QVBoxLayout(self)
        form = QFormLayout()
        self.link_edit = QLineEdit(s.get(INBOX_LINK))
        self.link_edit.setPlaceholderText("https://")
        self.retention = QSpinBox()
        self.retention.setRange(1, 3650)
        self.retention.setSuffix(" " + _("days"))
        self.retention.setValue(s.int_option(INBOX_RETENTION_DAYS, minimum=1))
        self.collect = QSpinBox()
        self.collect.setRange(1, 1440)
        self.collect.setSuffix(" " + _("minutes"))
        self.collect.setValue(s.int_option(INBOX_COLLECT_MINUTES, minimum=1))
        self.hour = QSpinBox()
        self.hour.setRange(0, 23)
        self.hour.setSuffix(":00")
        self.hour.setValue(min(23, s.int_option(INBOX_SUMMARY_HOUR)))
        form.addRow(_("Link for {link} in saved replies"), self.link_edit)
        form.addRow(_("Erase names and texts after"), self.retention)
        form.addRow(_("Check for new comments every"), self.collect)
        form.addRow(_("Daily summary at"), self.hour)
        outer.addLayout(form)
        hint = QLabel(
            _(
                "Comments are erased that many days after they were answered or handled, once "
                "they are in a records export. A new checking interval applies from the next "
                "start of Pregonero."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #4b5563;")
        outer.addWidget(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer.addWidget(buttons)

    def save(self) -> None:
        """Store the values and close."""
        s = self.ctx.settings
        s.set(INBOX_LINK, self.link_edit.text().strip())
        s.set(INBOX_RETENTION_DAYS, str(self.retention.value()))
        s.set(INBOX_COLLECT_MINUTES, str(self.collect.value()))
        s.set(INBOX_SUMMARY_HOUR, str(self.hour.value()))
        self.accept()
