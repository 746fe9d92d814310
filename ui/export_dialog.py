"""File → Export…: the plan for a calendar, the published history for a report, or the
posts still to publish for a colleague's Hootsuite or Buffer.

The dialog gathers the format and the filters (account, campaign, date range), shows
how many posts match and any warnings as the choices change, then asks where to save
and writes the file. The work is :class:`app.transfer.ExportService`, run in the
background (:mod:`ui.tasks`).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError, ValidationError
from app.i18n import N_, _, ngettext
from app.models import Campaign
from app.transfer import EXPORT_FORMATS, ExportFilter, ExportResult, ExportService
from ui import dialogs, style, tasks

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Delay (ms) after the last change of a filter before the count is computed again.
COUNT_DELAY_MS = 200

FORMAT_LABELS: dict[str, str] = {
    "ics": N_("Calendar (iCalendar .ics): planned posts, for Outlook or Thunderbird"),
    "csv": N_("Published history (CSV, with links to the posts), for reports"),
    "hootsuite": N_("Hootsuite bulk CSV: posts still to publish"),
    "buffer": N_("Buffer CSV: posts still to publish"),
}
SUFFIXES = {"ics": ".ics", "csv": ".csv", "hootsuite": ".csv", "buffer": ".csv"}
FILE_NAMES = {
    "ics": "pregonero-plan.ics",
    "csv": "pregonero-published.csv",
    "hootsuite": "pregonero-hootsuite.csv",
    "buffer": "pregonero-buffer.csv",
}
FILTERS = {
    "ics": N_("Calendars (*.ics)"),
    "csv": N_("CSV files (*.csv)"),
    "hootsuite": N_("CSV files (*.csv)"),
    "buffer": N_("CSV files (*.csv)"),
}


def count_text(fmt: str, n: int) -> str:
    """``3 posts`` (or ``3 publications`` for the published history)."""
    if fmt == "csv":
        return ngettext("{n} publication", "{n} publications", n).format(n=n)
    return ngettext("{n} post", "{n} posts", n).format(n=n)


class ExportDialog(QDialog):
    """Choose what to export and where; ``exported(path, result)`` after writing."""

    exported = Signal(object, object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = ExportService.from_context(ctx)
        self.tz = ctx.settings.timezone
        self.busy = False
        self.last_result: ExportResult | None = None
        self._generation = 0
        self._closed = False
        self._last_dir = Path.home()
        self.setWindowTitle(_("Export posts"))
        self.setWindowIcon(style.app_icon())
        self.setMinimumWidth(620)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COUNT_DELAY_MS)
        self._timer.timeout.connect(self.refresh_count)

        layout = QVBoxLayout(self)
        what = _("What to export")
        layout.addWidget(QLabel(f"<b>{html.escape(what)}</b>"))
        self.format_group = QButtonGroup(self)
        self.format_radios: dict[str, QRadioButton] = {}
        for fmt in EXPORT_FORMATS:
            radio = QRadioButton(_(FORMAT_LABELS[fmt]))
            self.format_group.addButton(radio)
            self.format_radios[fmt] = radio
            layout.addWidget(radio)
        self.format_group.buttonToggled.connect(
            lambda _button, on: self._on_format_changed() if on else None
        )
        self.order_combo = QComboBox()
        self.order_combo.addItem(_("Day first (31/12/2027)"), "dmy")
        self.order_combo.addItem(_("Month first (12/31/2027)"), "mdy")
        order_row = QHBoxLayout()
        order_row.setContentsMargins(24, 0, 0, 0)
        self.order_label = QLabel(_("Hootsuite date order:"))
        order_row.addWidget(self.order_label)
        order_row.addWidget(self.order_combo)
        order_row.addStretch(1)
        layout.addLayout(order_row)

        layout.addSpacing(8)
        which = _("Which posts")
        layout.addWidget(QLabel(f"<b>{html.escape(which)}</b>"))
        form = QFormLayout()
        self.account_combo = QComboBox()
        self.account_combo.addItem(_("All accounts"), None)
        for account in self._safe(self.ctx.accounts.list, []):
            self.account_combo.addItem(account.name, account.id)
        self.account_combo.currentIndexChanged.connect(self.schedule_count)
        form.addRow(_("Account:"), self.account_combo)
        self.campaign_combo = QComboBox()
        self.campaign_combo.addItem(_("All campaigns"), None)
        campaigns: list[Campaign] = self._safe(self.ctx.store.list_campaigns, [])
        for campaign in campaigns:
            self.campaign_combo.addItem(campaign.name, campaign.id)
        self.campaign_combo.setEnabled(bool(campaigns))
        self.campaign_combo.currentIndexChanged.connect(self.schedule_count)
        form.addRow(_("Campaign:"), self.campaign_combo)

        today = QDate.currentDate()
        self.from_box = QCheckBox(_("From"))
        self.from_edit = self._date_edit(today)
        self.to_box = QCheckBox(_("to"))
        self.to_edit = self._date_edit(today.addMonths(3))
        for box, edit in ((self.from_box, self.from_edit), (self.to_box, self.to_edit)):
            edit.setEnabled(False)
            box.toggled.connect(edit.setEnabled)
            box.toggled.connect(self.schedule_count)
            edit.dateChanged.connect(self.schedule_count)
        dates_row = QHBoxLayout()
        dates_row.addWidget(self.from_box)
        dates_row.addWidget(self.from_edit)
        dates_row.addSpacing(12)
        dates_row.addWidget(self.to_box)
        dates_row.addWidget(self.to_edit)
        dates_row.addStretch(1)
        form.addRow(_("Dates:"), dates_row)
        zone_note = QLabel(
            _("Days and times are in {zone}; without dates, every post is exported.").format(
                zone=self.tz
            )
        )
        zone_note.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        zone_note.setWordWrap(True)
        form.addRow("", zone_note)
        layout.addLayout(form)

        layout.addSpacing(6)
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        font = self.count_label.font()
        font.setBold(True)
        self.count_label.setFont(font)
        layout.addWidget(self.count_label)
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.RichText)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()
        layout.addWidget(self.message_label)
        layout.addStretch(1)

        buttons = QHBoxLayout()
        self.busy_label = QLabel()
        self.busy_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        self.export_button = QPushButton(_("Export…"))
        self.export_button.setObjectName("primaryButton")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.choose_and_export)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        buttons.addWidget(self.busy_label, 1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)

        self.format_radios["ics"].setChecked(True)
        self.refresh_count()

    def _date_edit(self, day: QDate) -> QDateEdit:
        edit = QDateEdit(day)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _safe(self, fn: Callable[[], list[T]], default: list[T]) -> list[T]:
        try:
            return fn()
        except AppError as exc:
            log.warning("export dialog: %s", exc)
            return default

    # -- choices -----------------------------------------------------------------------
    def format(self) -> str:
        """The chosen export format (one of :data:`app.transfer.EXPORT_FORMATS`)."""
        return next((f for f, r in self.format_radios.items() if r.isChecked()), "ics")

    def set_format(self, fmt: str) -> None:
        """Choose the export format."""
        self.format_radios[fmt].setChecked(True)

    def set_range(self, start: date | None, end: date | None) -> None:
        """Choose the first and last day (None: unbounded)."""
        for box, edit, day in (
            (self.from_box, self.from_edit, start),
            (self.to_box, self.to_edit, end),
        ):
            box.setChecked(day is not None)
            if day is not None:
                edit.setDate(QDate(day.year, day.month, day.day))

    def range_error(self) -> str | None:
        """Why the date range is unusable, or None."""
        start, end = self._day(self.from_box, self.from_edit), self._day(self.to_box, self.to_edit)
        if start and end and start > end:
            return _("The first day is after the last day.")
        return None

    @staticmethod
    def _day(box: QCheckBox, edit: QDateEdit) -> date | None:
        if not box.isChecked():
            return None
        q = edit.date()
        return date(q.year(), q.month(), q.day())

    def export_filter(self) -> ExportFilter:
        """The filter as chosen."""
        return ExportFilter(
            account_id=self.account_combo.currentData(),
            campaign_id=self.campaign_combo.currentData(),
            start=self._day(self.from_box, self.from_edit),
            end=self._day(self.to_box, self.to_edit),
            tz=self.tz,
        )

    def _on_format_changed(self) -> None:
        hootsuite = self.format() == "hootsuite"
        self.order_combo.setEnabled(hootsuite)
        self.order_label.setEnabled(hootsuite)
        self.schedule_count()

    def _calendar_name(self) -> str:
        parts = ["Pregonero"]
        for combo in (self.account_combo, self.campaign_combo):
            if combo.currentData() is not None:
                parts.append(combo.currentText())
        return " · ".join(parts)

    def _job(self) -> Callable[[], ExportResult]:
        """A function computing the export with the current choices (runs off the UI thread)."""
        service, flt, fmt = self.service, self.export_filter(), self.format()
        name, order = self._calendar_name(), self.order_combo.currentData()

        def run() -> ExportResult:
            if fmt == "ics":
                return service.ics(flt, name=name)
            if fmt == "csv":
                return service.history_csv(flt)
            if fmt == "hootsuite":
                return service.hootsuite(flt, date_order=order)
            return service.buffer(flt)

        return run

    # -- the count ---------------------------------------------------------------------
    def schedule_count(self) -> None:
        """Count again shortly (a burst of changes causes one count)."""
        self._timer.start()

    def refresh_count(self) -> None:
        """Compute in the background how many posts match, and the warnings."""
        self._timer.stop()
        self._generation += 1
        generation = self._generation
        error = self.range_error()
        if error is not None:
            self.count_label.setText(error)
            self.message_label.hide()
            self.export_button.setEnabled(False)
            return
        fmt = self.format()
        tasks.run_in_background(
            self._job(),
            lambda result: self._on_counted(generation, fmt, result),
            lambda exc: self._on_count_failed(generation, exc),
        )

    def _on_counted(self, generation: int, fmt: str, result: ExportResult) -> None:
        if self._closed or generation != self._generation:
            return
        self.last_result = result
        if result.count and fmt == "csv":
            text = ngettext(
                "{n} publication matches these choices.",
                "{n} publications match these choices.",
                result.count,
            ).format(n=result.count)
        elif result.count:
            text = ngettext(
                "{n} post matches these choices.", "{n} posts match these choices.", result.count
            ).format(n=result.count)
        elif fmt == "csv":
            text = _("Nothing published matches these choices.")
        else:
            text = _("No post matches these choices.")
        self.count_label.setText(text)
        self._warnings(result.warnings)
        self.export_button.setEnabled(not self.busy and result.count > 0)

    def _on_count_failed(self, generation: int, exc: BaseException) -> None:
        if self._closed or generation != self._generation:
            return
        self.count_label.setText(dialogs.describe_error(exc))
        self.export_button.setEnabled(False)

    def _warnings(self, warnings: list[str], done: str = "") -> None:
        if not warnings and not done:
            self.message_label.hide()
            return
        lines = [f"<b>{html.escape(done)}</b>"] if done else []
        lines += [f"⚠ {html.escape(w)}" for w in warnings]
        kind = ("#fffbeb", "#fcd34d", "#92400e") if warnings else ("#f0fdf4", "#86efac", "#166534")
        self.message_label.setStyleSheet(
            f"QLabel {{ background: {kind[0]}; border: 1px solid {kind[1]}; border-radius: 4px;"
            f" color: {kind[2]}; padding: 6px 8px; }}"
        )
        self.message_label.setText("<br>".join(lines))
        self.message_label.show()

    # -- exporting ---------------------------------------------------------------------
    def choose_and_export(self) -> None:
        """Ask where to save (through :mod:`ui.dialogs`), then export there."""
        fmt = self.format()
        path = dialogs.pick_save_file(
            self,
            _("Export posts"),
            str(self._last_dir / FILE_NAMES[fmt]),
            _(FILTERS[fmt]) + ";;" + _("All files (*)"),
        )
        if path is not None:
            self.export_to(path)

    def export_to(self, path: Path) -> None:
        """Write the export with the current choices to ``path`` (in the background)."""
        if self.busy or self.range_error() is not None:
            return
        fmt = self.format()
        if not path.suffix:
            path = path.with_suffix(SUFFIXES[fmt])
        self._last_dir = path.parent
        job = self._job()

        def run() -> ExportResult:
            result = job()
            try:
                path.write_bytes(result.data)
            except OSError as exc:
                raise ValidationError(
                    _("Cannot write {path}: {why}").format(path=path, why=exc.strerror or exc),
                    code="write_failed",
                ) from None
            return result

        self.busy = True
        self.export_button.setEnabled(False)
        self.busy_label.setText(_("Exporting…"))
        tasks.run_in_background(
            run, lambda result: self._on_exported(fmt, path, result), self._on_export_failed
        )

    def _on_exported(self, fmt: str, path: Path, result: ExportResult) -> None:
        if self._closed:
            return
        self.busy = False
        self.busy_label.setText("")
        self.export_button.setEnabled(True)
        self.last_result = result
        done = _("Exported {what} to {path}.").format(what=count_text(fmt, result.count), path=path)
        self._warnings(result.warnings, done)
        self.exported.emit(path, result)

    def _on_export_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.busy = False
        self.busy_label.setText("")
        self.export_button.setEnabled(True)
        dialogs.show_error(self, _("Export posts"), dialogs.describe_error(exc))

    def done(self, result: int) -> None:
        """Close; results of work still running are then ignored."""
        self._closed = True
        self._timer.stop()
        super().done(result)
