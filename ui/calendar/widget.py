"""The calendar page: navigation, view switch, filters, Move…, campaigns, undo/redo."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError
from app.i18n import _, ngettext
from app.models import DeliveryState
from app.services.reschedule import MovePlan
from app.timeutil import local_to_utc, to_local
from ui import dialogs
from ui.bridge import Bridge
from ui.calendar.agenda import AgendaView
from ui.calendar.canvas import ChipCanvas, Slot
from ui.calendar.data import CalendarData, Chip, Filters, month_grid, week_days
from ui.calendar.dates import month_title, week_title
from ui.calendar.month import MonthView
from ui.calendar.week import HOUR_HEIGHT, WeekView
from ui.queue_model import network_label
from ui.undo import apply_move

MONTH, WEEK, AGENDA = 0, 1, 2
RELOAD_DELAY_MS = 120


class CalendarWidget(QWidget):
    """The planned posts of ``ctx`` by month, week or as a list.

    Signals: ``openPost(post_id)`` (a chip was clicked), ``composeAt(datetime)``
    (naive wall-clock in the user's zone: an empty slot was double-clicked),
    ``message(str)`` (for the status bar), ``selectionChanged()``.
    Every move goes through :attr:`undo_stack`.
    """

    openPost = Signal(int)
    composeAt = Signal(object)
    message = Signal(str)
    selectionChanged = Signal()

    def __init__(
        self, ctx: AppContext, bridge: Bridge | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.undo_stack = QUndoStack(self)
        self.data = CalendarData(ctx, ctx.settings.timezone)
        self.anchor = self.today()
        self.filters = Filters()
        self.chips: dict[date, list[Chip]] = {}
        self._campaigns_dialog: Any = None
        self._reload_timer = QTimer(self)
        self._reload_timer.setSingleShot(True)
        self._reload_timer.setInterval(RELOAD_DELAY_MS)
        self._reload_timer.timeout.connect(self.refresh)
        self._build()
        if bridge is not None:
            bridge.deliveryChanged.connect(lambda *_a: self._reload_timer.start())
            bridge.dataChanged.connect(self._reload_timer.start)
        self.reload()

    # -- building ------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        bar = QHBoxLayout()
        self.today_button = QPushButton(_("Today"))
        self.today_button.clicked.connect(self.go_today)
        self.prev_button = QToolButton()
        self.prev_button.setText("◀")
        self.prev_button.setToolTip(_("Previous"))
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button = QToolButton()
        self.next_button.setText("▶")
        self.next_button.setToolTip(_("Next"))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.period_label = QLabel()
        self.period_label.setObjectName("calendarPeriod")
        font = self.period_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.period_label.setFont(font)
        for w in (self.today_button, self.prev_button, self.next_button, self.period_label):
            bar.addWidget(w)
        bar.addSpacing(12)
        self.view_group = QButtonGroup(self)
        self.view_buttons: list[QToolButton] = []
        for index, label in enumerate((_("Month"), _("Week"), _("Agenda"))):
            button = QToolButton()
            button.setText(label)
            button.setCheckable(True)
            button.setAutoRaise(False)
            self.view_group.addButton(button, index)
            self.view_buttons.append(button)
            bar.addWidget(button)
        self.view_buttons[MONTH].setChecked(True)
        self.view_group.idClicked.connect(self.set_view)
        bar.addStretch(1)
        self.account_filter = QComboBox()
        self.network_filter = QComboBox()
        self.campaign_filter = QComboBox()
        self.state_filter = QComboBox()
        for combo, tip in (
            (self.account_filter, _("Show the posts of one account")),
            (self.network_filter, _("Show the posts of one network")),
            (self.campaign_filter, _("Show the posts of one campaign")),
            (self.state_filter, _("Show the posts in one state")),
        ):
            combo.setToolTip(tip)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(9)
            combo.currentIndexChanged.connect(lambda *_a: self._filters_changed())
        layout.addLayout(bar)
        actions = bar  # the action buttons share the first row
        self.move_button = QPushButton(_("Move…"))
        self.move_button.setToolTip(
            _("Move the selected posts by days, by working days or to a date")
        )
        self.move_button.clicked.connect(self.move_selected)
        self.campaigns_button = QPushButton(_("Campaigns…"))
        self.campaigns_button.setToolTip(_("Campaigns and their key dates"))
        self.campaigns_button.clicked.connect(self.open_campaigns)
        self.undo_button = QToolButton()
        self.undo_button.setDefaultAction(self.undo_stack.createUndoAction(self, _("Undo")))
        self.redo_button = QToolButton()
        self.redo_button.setDefaultAction(self.undo_stack.createRedoAction(self, _("Redo")))
        self.hint_label = QLabel()
        self.hint_label.setObjectName("calendarHint")
        self.hint_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        for w in (self.move_button, self.campaigns_button, self.undo_button, self.redo_button):
            actions.addWidget(w)
        filters = QHBoxLayout()
        filters.addWidget(QLabel(_("Show:")))
        for combo in (
            self.account_filter,
            self.network_filter,
            self.campaign_filter,
            self.state_filter,
        ):
            filters.addWidget(combo)
        filters.addSpacing(12)
        filters.addWidget(self.hint_label, 1)
        layout.addLayout(filters)

        self.views = QStackedWidget()
        self.month_view = MonthView()
        self.week_view = WeekView()
        self.week_scroll = QScrollArea()
        self.week_scroll.setWidgetResizable(True)
        self.week_scroll.setWidget(self.week_view)
        self.week_scroll.verticalScrollBar().valueChanged.connect(
            lambda *_a: self.week_view.update()
        )
        self.agenda_view = AgendaView()
        self.views.addWidget(self.month_view)
        self.views.addWidget(self.week_scroll)
        self.views.addWidget(self.agenda_view)
        layout.addWidget(self.views, 1)
        for canvas in (self.month_view, self.week_view):
            canvas.chipClicked.connect(self.openPost.emit)
            canvas.emptyDoubleClicked.connect(self.composeAt.emit)
            canvas.dropped.connect(self.on_dropped)
            canvas.selectionChanged.connect(self._selection_changed)
        self.month_view.dayActivated.connect(self._show_week_of)
        self.agenda_view.chipClicked.connect(self.openPost.emit)
        self.agenda_view.selectionChangedSignal.connect(self._selection_changed)
        self._fill_filters()

    def _fill_filters(self) -> None:
        accounts = self.data.refresh_accounts()
        campaigns = self.ctx.campaigns.list()
        networks = sorted({a.network for a in accounts})
        wanted = (self.filters.account_id, self.filters.network, self.filters.campaign_id)
        for combo in (self.account_filter, self.network_filter, self.campaign_filter):
            combo.blockSignals(True)
            combo.clear()
        self.account_filter.addItem(_("All accounts"), None)
        for account in accounts:
            self.account_filter.addItem(account.name, account.id)
        self.network_filter.addItem(_("All networks"), None)
        for network in networks:
            self.network_filter.addItem(network_label(network), network)
        self.campaign_filter.addItem(_("All campaigns"), None)
        for campaign in campaigns:
            self.campaign_filter.addItem(campaign.name, campaign.id)
        if self.state_filter.count() == 0:
            self.state_filter.addItem(_("All states"), None)
            for state in DeliveryState:
                self.state_filter.addItem(state.label, state.value)
        for combo, value in zip(
            (self.account_filter, self.network_filter, self.campaign_filter), wanted, strict=True
        ):
            index = combo.findData(value)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)

    # -- navigation ----------------------------------------------------------------
    def today(self) -> date:
        """Today in the user's zone (by the context's clock)."""
        return to_local(self.ctx.clock.now(), self.data.zone_name).date()

    @property
    def view(self) -> int:
        """MONTH, WEEK or AGENDA."""
        return self.views.currentIndex()

    def set_view(self, view: int) -> None:
        """Switch to the month, week or agenda view."""
        self.views.setCurrentIndex(view)
        self.view_buttons[view].setChecked(True)
        self.reload()
        if view == WEEK:
            self.week_scroll.verticalScrollBar().setValue(int(7.6 * HOUR_HEIGHT))

    def go_to(self, day: date) -> None:
        """Show the period that contains ``day``."""
        self.anchor = day
        self.reload()

    def go_today(self) -> None:
        """Show the period of today."""
        self.go_to(self.today())

    def step(self, direction: int) -> None:
        """Next (+1) or previous (-1) month or week."""
        if self.view == WEEK:
            self.go_to(self.anchor + timedelta(days=7 * direction))
            return
        month = self.anchor.month - 1 + direction
        self.go_to(date(self.anchor.year + month // 12, month % 12 + 1, 1))

    def _show_week_of(self, day: date) -> None:
        self.anchor = day
        self.set_view(WEEK)

    def shown_days(self) -> list[date]:
        """The days of the current view."""
        if self.view == WEEK:
            return week_days(self.anchor)
        if self.view == AGENDA:
            first = self.anchor.replace(day=1)
            nxt = (first + timedelta(days=32)).replace(day=1)
            return [first + timedelta(days=i) for i in range((nxt - first).days)]
        return month_grid(self.anchor.year, self.anchor.month)

    # -- loading -------------------------------------------------------------------
    def _filters_changed(self) -> None:
        state = self.state_filter.currentData()
        self.filters = Filters(
            account_id=self.account_filter.currentData(),
            network=self.network_filter.currentData(),
            campaign_id=self.campaign_filter.currentData(),
            state=DeliveryState(state) if state else None,
        )
        self.reload()

    def refresh(self) -> None:
        """Read accounts and campaigns (for the filters) and the posts again."""
        self._fill_filters()
        self.reload()

    def reload(self) -> None:
        """Read the posts of the shown period again and show them."""
        self._reload_timer.stop()
        self.data.zone_name = self.ctx.settings.timezone
        days = self.shown_days()
        try:
            self.chips = self.data.load(days[0], days[-1], self.filters)
            holidays = self.ctx.reschedule.holidays.between(days[0], days[-1])
        except AppError as exc:
            self.message.emit(dialogs.describe_error(exc))
            return
        today = self.today()
        if self.view == WEEK:
            self.week_view.zone_name = self.data.zone_name
            self.week_view.set_week(self.anchor)
            self.week_view.set_data(self.chips, holidays, today)
        elif self.view == AGENDA:
            self.agenda_view.set_data(self.chips, holidays, today)
        else:
            self.month_view.set_month(self.anchor)
            self.month_view.set_data(self.chips, holidays, today)
        self.period_label.setText(self._period_text())
        self._selection_changed()

    def _period_text(self) -> str:
        """The title over the view: the week's range or the month, in the interface language."""
        if self.view == WEEK:
            days = week_days(self.anchor)
            return week_title(days[0], days[-1])
        return month_title(self.anchor)

    # -- selection and moves ---------------------------------------------------------
    def canvas(self) -> ChipCanvas | None:
        """The painted view in use (None for the agenda)."""
        if self.view == WEEK:
            return self.week_view
        if self.view == MONTH:
            return self.month_view
        return None

    def selected_ids(self) -> list[int]:
        """The posts selected in the current view."""
        canvas = self.canvas()
        if canvas is None:
            return self.agenda_view.selected_ids()
        return sorted(canvas.selected)

    def select(self, post_ids: list[int]) -> None:
        """Select exactly ``post_ids`` in the current view."""
        canvas = self.canvas()
        if canvas is None:
            self.agenda_view.select_ids(set(post_ids))
        else:
            canvas.selected = set(post_ids)
            canvas.update()
        self._selection_changed()

    def _selection_changed(self) -> None:
        count = len(self.selected_ids())
        self.move_button.setEnabled(count > 0)
        if count:
            self.hint_label.setText(
                ngettext("{n} post selected", "{n} posts selected", count).format(n=count)
            )
        else:
            self.hint_label.setText(
                _(
                    "Click a post to open it, Ctrl+click to select several, drag to move; "
                    "double-click an empty day to write a post."
                )
            )
        self.selectionChanged.emit()

    def _chip(self, post_id: int) -> Chip | None:
        for chips in self.chips.values():
            for chip in chips:
                if chip.post_id == post_id:
                    return chip
        return None

    def on_dropped(self, post_ids: list[int], dragged_id: int, slot: Slot) -> MovePlan | None:
        """Move dropped posts: one post to the slot's day (and time); several by the days
        between the dragged chip and the slot. Returns the applied plan (None if refused).

        Slots are in the user's zone. A week-grid time is converted to the post's own
        zone; a post of another zone dropped on a day moves by whole days, keeping its
        own wall-clock time (like "Move…" by days).
        """
        dragged = self._chip(dragged_id)
        if dragged is None:
            return None
        service = self.ctx.reschedule
        if len(post_ids) == 1 and slot.at is not None:
            target = datetime.combine(slot.day, slot.at)
            post = self.ctx.posts.get(dragged_id)
            if post.tz != self.data.zone_name:
                try:
                    instant = local_to_utc(target, self.data.zone_name, fold=0)
                except AppError as exc:
                    self.report_refused_text(dialogs.describe_error(exc))
                    return None
                target = to_local(instant, post.tz).replace(tzinfo=None)
            plan = service.to_local(dragged_id, target)
        elif len(post_ids) == 1 and dragged.zone_name in ("", self.data.zone_name):
            plan = service.to_date(post_ids, slot.day)
        else:
            # By days: each post keeps its wall-clock time in its own zone (as Move… does),
            # counted from the day the dragged chip shows in the user's zone.
            delta = (slot.day - dragged.day).days
            if delta == 0:
                return None
            plan = service.by_days(post_ids, delta)
        return self.apply_plan(plan)

    def apply_plan(self, plan: MovePlan) -> MovePlan | None:
        """Apply ``plan`` through the undo stack; report the posts that stay. Returns it applied."""
        if not plan.movable and plan.key_date is None:
            self.report_refused(plan)
            return None
        try:
            applied = apply_move(self.undo_stack, self.ctx.reschedule, plan, self.report_refused)
        except AppError as exc:
            dialogs.show_error(self, _("Move posts"), dialogs.describe_error(exc))
            return None
        if plan.refused:
            self.report_refused(plan)
        reviews = [m for m in applied.moves if m.review]
        if reviews:
            self.message.emit(
                ngettext(
                    "Moved. {n} post still names the old date in its text: check it (⚠).",
                    "Moved. {n} posts still name the old date in their text: check them (⚠).",
                    len(reviews),
                ).format(n=len(reviews))
            )
        else:
            self.message.emit(plan.description)
        self.reload()
        return applied

    def report_refused(self, plan: MovePlan) -> None:
        """Tell the user which posts stayed and why."""
        lines = [f"{m.text or '#' + str(m.post_id)}: {m.problem}" for m in plan.refused]
        if lines:
            dialogs.show_problems(
                self,
                _("Move posts"),
                ngettext("This post was not moved:", "These posts were not moved:", len(lines)),
                lines,
            )
        self.reload()

    def report_refused_text(self, text: str) -> None:
        """Tell the user a move was refused (one reason)."""
        dialogs.show_error(self, _("Move posts"), text)

    def move_selected(self) -> Any:
        """Open the “Move…” dialog for the selected posts; returns it (None if none)."""
        from ui.move_dialog import MoveDialog

        ids = self.selected_ids()
        if not ids:
            self.message.emit(_("Select one or more posts first (Ctrl+click to add)."))
            return None
        dialog = MoveDialog(self.ctx, ids, parent=self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.planAccepted.connect(self.apply_plan)
        dialog.open()
        return dialog

    def open_campaigns(self) -> Any:
        """Show the campaigns dialog; returns it."""
        from ui.campaigns_dialog import CampaignsDialog

        if self._campaigns_dialog is not None and self._campaigns_dialog.isVisible():
            self._campaigns_dialog.raise_()
            return self._campaigns_dialog
        dialog = CampaignsDialog(self.ctx, self.selected_ids, parent=self)
        dialog.planAccepted.connect(self.apply_plan)
        dialog.finished.connect(lambda *_a: self.refresh())
        self._campaigns_dialog = dialog
        dialog.open()
        return dialog
