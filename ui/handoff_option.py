"""The account option "let the network publish by itself" (native hand-off, issue 4),
as one checkbox any account screen can embed:

    box = HandOffOption(ctx, account)      # hidden for networks that cannot do it
    layout.addWidget(box)

Ticking it saves at once through :class:`app.services.handoff.HandOffService`; unticking
takes back the posts the network holds (and says which could not be).
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from app.context import AppContext
from app.errors import AppError
from app.i18n import _
from app.models import Account
from app.networks.registry import network_class
from ui import dialogs, style


class HandOffOption(QWidget):
    """A checkbox with a one-line explanation; hidden when the account's network cannot
    hold scheduled posts."""

    def __init__(self, ctx: AppContext, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account_id = account.id
        label = (
            network_class(account.network).label
            if ctx.handoffs.supported(account.network)
            else account.network
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QCheckBox(
            _("Let {network} publish scheduled posts by itself").format(network=label)
        )
        self.box.setChecked(ctx.handoffs.enabled(account))
        self.box.toggled.connect(self._toggled)
        self.hint = QLabel(
            _(
                "Posts are handed to {network} ahead of time, so they go out even if this "
                "computer is off. Changes made in Pregonero are sent to {network} too."
            ).format(network=label)
        )
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        layout.addWidget(self.box)
        layout.addWidget(self.hint)
        self.setVisible(ctx.handoffs.supported(account.network))

    def _toggled(self, on: bool) -> None:
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
                _(
                    "{n} post(s) could not be taken back from the network (no answer). "
                    "Delete them there, or try again later."
                ).format(n=len(stuck)),
            )
