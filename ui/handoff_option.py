"""The account option "let the network publish by itself" (native hand-off, issue 4),
as one checkbox any account screen can embed:

    box = HandOffOption(ctx, account)      # hidden for networks that cannot do it
    layout.addWidget(box)
    box.set_account(other)                 # e.g. when the selected account changes

Ticking it saves at once through :class:`app.services.handoff.HandOffService`; unticking
takes back the posts the network holds (and says which could not be).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from app.context import AppContext
from app.errors import AppError
from app.i18n import _, ngettext
from app.models import Account
from app.networks.registry import network_class
from ui import dialogs, style


class HandOffOption(QWidget):
    """A checkbox with a one-line explanation for one account (or none); hidden when
    there is no account or its network cannot hold scheduled posts.

    In a list of accounts, keep one and call :meth:`set_account` on selection."""

    def __init__(
        self, ctx: AppContext, account: Account | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QCheckBox()
        self.box.toggled.connect(self._toggled)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        layout.addWidget(self.box)
        layout.addWidget(self.hint)
        self.set_account(account)

    def set_account(self, account: Account | None) -> None:
        """Show the option of ``account`` (None or a network without hand-off: hidden)."""
        supported = account is not None and self.ctx.handoffs.supported(account.network)
        self.account_id = account.id if account is not None and supported else None
        self.setVisible(supported)
        if account is None or not supported:
            return
        label = network_class(account.network).label
        self.box.blockSignals(True)
        self.box.setText(_("Let {network} publish scheduled posts by itself").format(network=label))
        self.box.setChecked(self.ctx.handoffs.enabled(account))
        self.box.blockSignals(False)
        self.hint.setText(
            _(
                "Posts are handed to {network} ahead of time, so they go out even if this "
                "computer is off. Changes made in Pregonero are sent to {network} too."
            ).format(network=label)
        )

    def _toggled(self, on: bool) -> None:
        if self.account_id is None:
            return
        try:
            stuck = self.ctx.handoffs.set_enabled(self.account_id, on)
        except AppError as exc:
            self.box.blockSignals(True)
            self.box.setChecked(not on)
            self.box.blockSignals(False)
            dialogs.show_error(self, _("Native scheduling"), dialogs.describe_error(exc))
            return
        if stuck:
            dialogs.show_error(
                self,
                _("Native scheduling"),
                ngettext(
                    "{n} post could not be taken back from the network (no answer). "
                    "Delete it there, or try again later.",
                    "{n} posts could not be taken back from the network (no answer). "
                    "Delete them there, or try again later.",
                    len(stuck),
                ).format(n=len(stuck)),
            )
