"""The crisis pause switch of the main window (:class:`app.services.pause.PauseService`).

One checkable action: on, every pending delivery is paused and nothing is published;
off, the paused deliveries still in the future are queued again and, for each one that
became overdue meanwhile, the user chooses: publish now, a new time, or keep as draft.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from app.context import AppContext
from app.errors import AppError
from app.i18n import _, ngettext
from app.models import Delivery
from app.services.pause import Decision, PauseService
from app.timeutil import local_to_utc, to_local
from ui import dialogs
from ui.bridge import Bridge
from ui.queue_model import format_when


class PauseControl(QObject):
    """Owns :attr:`action` (add it to a toolbar or menu) for ``ctx``'s crisis pause."""

    def __init__(self, ctx: AppContext, bridge: Bridge | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bridge = bridge
        self.window = parent
        self.action = QAction(_("Pause all"), parent)
        self.action.setObjectName("pauseAll")
        self.action.setCheckable(True)
        self.action.setChecked(self._service.is_paused())
        self.action.triggered.connect(self.toggle)
        self._update()

    @property
    def _service(self) -> PauseService:
        return self.ctx.pause

    def _update(self) -> None:
        paused = self._service.is_paused()
        self.action.setChecked(paused)
        self.action.setText(_("Resume publishing") if paused else _("Pause all"))
        tip = (
            _("Publishing is paused: nothing goes out until you resume.")
            if paused
            else _("Crisis pause: stop every scheduled post at once (for example after a tragedy)")
        )
        self.action.setToolTip(tip)
        self.action.setStatusTip(tip)

    def toggle(self) -> None:
        """Pause when running, resume (and ask about overdue posts) when paused."""
        try:
            if self._service.is_paused():
                self.resume()
            else:
                self.pause()
        except AppError as exc:
            dialogs.show_error(self.window, _("Crisis pause"), dialogs.describe_error(exc))
        self._update()
        if self.bridge is not None:
            self.bridge.post_changed()

    def pause(self) -> int:
        """Pause everything; returns how many deliveries were paused."""
        paused = self._service.pause()
        self._notice(
            ngettext(
                "Publishing paused: {n} scheduled post is on hold.",
                "Publishing paused: {n} scheduled posts are on hold.",
                len(paused),
            ).format(n=len(paused))
        )
        return len(paused)

    def resume(self) -> None:
        """Resume; ask what to do with each delivery that became overdue."""
        result = self._service.resume()
        for delivery in result.overdue:
            self.ask_overdue(delivery)
        self._notice(
            ngettext(
                "Publishing resumed: {n} post is queued again.",
                "Publishing resumed: {n} posts are queued again.",
                len(result.resumed),
            ).format(n=len(result.resumed))
        )

    def ask_overdue(self, delivery: Delivery) -> None:
        """Publish now / new time / keep as draft for one overdue delivery (Cancel: it stays
        paused)."""
        try:
            post = self.ctx.posts.get(delivery.post_id)
            account = self.ctx.store.get_account(delivery.account_id)
        except (AppError, KeyError):
            return
        snippet = " ".join(post.text.split())
        snippet = snippet if len(snippet) <= 80 else snippet[:79] + "…"
        due = format_when(delivery.due_at, post.tz) if delivery.due_at else ""
        text = _(
            "This post to {account} was due at {time}, during the pause:\n\n“{text}”\n\n"
            "What should happen to it?"
        ).format(account=account.name, time=due, text=snippet)
        choices = [_("Publish now"), _("Choose a new time…"), _("Keep as draft")]
        while True:
            choice = dialogs.ask(self.window, _("Overdue after the pause"), text, choices)
            if choice is None:
                return  # stays paused; it is listed in the queue
            if choice == 0:
                self._service.decide(delivery.id, Decision.PUBLISH_NOW)
                return
            if choice == 2:
                self._service.decide(delivery.id, Decision.DRAFT)
                return
            now = self.ctx.clock.now()
            initial = to_local(now, post.tz).replace(tzinfo=None, second=0, microsecond=0)
            local = dialogs.pick_datetime(
                self.window,
                _("New time"),
                _("When should it go out ({zone})?").format(zone=post.tz),
                initial,
            )
            if local is None:
                continue
            try:
                self._service.decide(
                    delivery.id, Decision.NEW_TIME, local_to_utc(local, post.tz, fold=0)
                )
                return
            except AppError as exc:
                dialogs.show_error(self.window, _("New time"), dialogs.describe_error(exc))

    def _notice(self, message: str) -> None:
        bar = getattr(self.window, "statusBar", None)
        if callable(bar):
            bar().showMessage(message, 8000)
