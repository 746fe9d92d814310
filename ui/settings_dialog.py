"""Settings…: publishing options, the window's behaviour, start at login and backups.

Options are saved when the user clicks OK; "Back up now", "Restore from a backup…"
and "Open data folder" act at once. Restoring stops this window's scheduler while
keeping the publisher lock (so no other Pregonero starts publishing meanwhile),
replaces the database, and starts the scheduler again.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import paths
from app.autostart import Autostart
from app.backup import backups_dir, make_backup, restore_backup
from app.context import AppContext
from app.errors import AppError, StorageError
from app.i18n import N_, _
from app.settings import (
    BACKUPS_KEEP,
    COOLING_OFF_MINUTES,
    GRACE_SECONDS,
    HOLIDAY_COUNTRY,
    HOLIDAY_SUBDIVISION,
    KEEP_RUNNING,
    LANGUAGE,
    TIMEZONE,
)
from app.timeutil import system_zone_name
from ui import dialogs, maintenance, style
from ui.composer import zone_names
from ui.connection_settings import DeveloperAppsTab, NetworkTab
from ui.tray import tray_available

log = logging.getLogger(__name__)

LANGUAGES = (("", N_("System language")), ("en", "English"), ("es", "Español"))
MAX_GRACE_MINUTES = 24 * 60


def _pair(first: QWidget, second: QWidget) -> QWidget:
    """Two fields side by side in one form row."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(first)
    row.addWidget(second)
    row.addStretch(1)
    return box


def restore_while_running(ctx: AppContext, runner: Any | None, backup: Path) -> Path:
    """Replace the database of ``ctx`` with ``backup``; returns the copy of the old one.

    With a ``runner`` (:class:`schedulers.runner.Runner`) that publishes, it is stopped
    (in-flight publishes finish), the restore runs while it still holds the publisher
    lock, and it is started again, even if the restore failed. Without one, the lock
    is taken for the duration. Raises StorageError if another process publishes or the
    backup is not usable (then nothing changed).
    """
    busy = _(
        "Another Pregonero window or “pregonero run” is publishing. Close it before "
        "restoring a backup."
    )
    if runner is None:
        from schedulers.lock import PublisherLock

        lock = PublisherLock(paths.publisher_lock_path())
        if not lock.try_acquire():
            raise StorageError(busy)
        try:
            saved = restore_backup(ctx.store.path, backup, datetime.now())
            ctx.store.close()  # reopen: an older backup is brought up to date on open
        finally:
            lock.release()
    else:
        if not runner.is_publisher:
            raise StorageError(busy)
        runner.stop(wait=True, keep_lock=True)
        try:
            saved = restore_backup(ctx.store.path, backup, datetime.now())
            ctx.store.close()  # reopen: an older backup is brought up to date on open
        finally:
            runner.start()
    log.info("database restored from %s (previous one kept in %s)", backup, saved.name)
    ctx.listeners.data_changed()
    ctx.schedule_changed()
    return saved


class SettingsDialog(QDialog):
    """The Settings dialog of ``ctx``; ``runner`` is this window's scheduler (optional)."""

    def __init__(
        self,
        ctx: AppContext,
        runner: Any | None = None,
        autostart: Autostart | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = runner
        self.autostart = autostart or Autostart()
        self.setWindowTitle(_("Settings"))
        self.setMinimumWidth(640)
        layout = QVBoxLayout(self)
        # Word-wrapped hints in a form report too small a height: the dialog grows as needed.
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetMinimumSize)
        self.tabs = QTabWidget()
        general = QWidget()
        general_box = QVBoxLayout(general)
        general_box.addWidget(self._publishing_group())
        general_box.addWidget(self._window_group())
        general_box.addWidget(self._backup_group())
        self.tabs.addTab(general, _("General"))
        self.apps_tab = DeveloperAppsTab(ctx)
        self.tabs.addTab(self.apps_tab, _("Developer apps"))
        self.network_tab = NetworkTab(ctx)
        self.tabs.addTab(self.network_tab, _("Network"))
        layout.addWidget(self.tabs)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.load()

    # -- building --------------------------------------------------------------------------
    @staticmethod
    def _hint(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet(f"color: {style.MUTED_COLOUR};")
        # Room for the wrapped lines: a form row otherwise sizes a wrapped label too short.
        label.setMinimumWidth(440)
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
        return label

    def _publishing_group(self) -> QGroupBox:
        group = QGroupBox(_("Publishing"))
        form = QFormLayout(group)
        self.grace_spin = QSpinBox()
        self.grace_spin.setRange(0, MAX_GRACE_MINUTES)
        self.grace_spin.setSuffix(" " + _("min"))
        self.grace_spin.setMaximumWidth(140)
        form.addRow(_("Grace window for late posts:"), self.grace_spin)
        form.addRow(
            "",
            self._hint(
                _(
                    "If Pregonero was not running at a post's time (the computer was off or "
                    "asleep), the post still goes out when it is at most this late. Later "
                    "than that it is marked missed and waits for you."
                )
            ),
        )
        self.zone_combo = QComboBox()
        self.zone_combo.addItem(
            _("This computer's zone ({zone})").format(zone=system_zone_name()), ""
        )
        for name in zone_names():
            self.zone_combo.addItem(name, name)
        form.addRow(_("Time zone of new posts:"), self.zone_combo)
        self.cooling_spin = QSpinBox()
        self.cooling_spin.setRange(0, 24 * 60)
        self.cooling_spin.setSuffix(" " + _("min"))
        self.cooling_spin.setSpecialValueText(_("off"))
        self.cooling_spin.setMaximumWidth(140)
        form.addRow(_("Cooling-off after the last edit:"), self.cooling_spin)
        self.holiday_country = QLineEdit()
        self.holiday_country.setMaximumWidth(80)
        self.holiday_region = QLineEdit()
        self.holiday_region.setMaximumWidth(80)
        form.addRow(
            _("Public holidays of (country, region):"),
            _pair(self.holiday_country, self.holiday_region),
        )
        form.addRow(
            "",
            self._hint(
                _(
                    "ISO codes, e.g. ES and VC (Comunitat Valenciana), ES and CT, ES and MD. "
                    "The calendar shades these days and “working days” skip them."
                )
            ),
        )
        return group

    def _window_group(self) -> QGroupBox:
        group = QGroupBox(_("Window"))
        form = QFormLayout(group)
        self.language_combo = QComboBox()
        for code, name in LANGUAGES:
            self.language_combo.addItem(_(name) if not code else name, code)
        self.language_combo.setMaximumWidth(240)
        form.addRow(_("Language:"), self.language_combo)
        form.addRow("", self._hint(_("A new language applies the next time Pregonero starts.")))
        self.keep_running_box = QCheckBox(_("Keep publishing when the window is closed"))
        if tray_available():
            self.keep_running_box.setToolTip(
                _("Pregonero stays in the system tray; use Quit to stop it.")
            )
        form.addRow("", self.keep_running_box)
        if not tray_available():
            self.keep_running_box.setEnabled(False)
            form.addRow(
                "",
                self._hint(
                    _("This desktop has no system tray, so closing the window quits Pregonero.")
                ),
            )
        self.autostart_box = QCheckBox(_("Start Pregonero when I log in"))
        self.autostart_box.setToolTip(self.autostart.describe())
        self.autostart_box.setEnabled(self.autostart.supported)
        form.addRow("", self.autostart_box)
        return group

    def _backup_group(self) -> QGroupBox:
        group = QGroupBox(_("Backups"))
        box = QVBoxLayout(group)
        form = QFormLayout()
        self.backups_spin = QSpinBox()
        self.backups_spin.setRange(1, 365)
        self.backups_spin.setMaximumWidth(140)
        form.addRow(_("Daily backups to keep:"), self.backups_spin)
        box.addLayout(form)
        box.addWidget(
            self._hint(
                _(
                    "Every day, while Pregonero publishes, a copy of its database (posts, "
                    "accounts, publication record; never passwords or tokens) is saved in {path}."
                ).format(path=backups_dir(self.ctx.store.path))
            )
        )
        row = QHBoxLayout()
        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton(_("Restore from a backup…"))
        self.restore_button.clicked.connect(self.restore)
        self.folder_button = QPushButton(_("Open data folder"))
        self.folder_button.clicked.connect(self.open_data_folder)
        for button in (self.backup_button, self.restore_button, self.folder_button):
            row.addWidget(button)
        row.addStretch(1)
        box.addLayout(row)
        return group

    # -- values ----------------------------------------------------------------------------
    def load(self) -> None:
        """Show the stored values."""
        settings = self.ctx.settings
        self.grace_spin.setValue(round(settings.grace_seconds / 60))
        zone = settings.get(TIMEZONE)
        index = self.zone_combo.findData(zone)
        self.zone_combo.setCurrentIndex(max(0, index))
        index = self.language_combo.findData(settings.get(LANGUAGE).strip())
        self.language_combo.setCurrentIndex(max(0, index))
        self.keep_running_box.setChecked(settings.flag(KEEP_RUNNING))
        self.autostart_box.setChecked(self.autostart.supported and self.autostart.is_enabled())
        self.backups_spin.setValue(settings.backups_keep)
        self.cooling_spin.setValue(settings.cooling_off_minutes)
        self.holiday_country.setText(settings.get(HOLIDAY_COUNTRY))
        self.holiday_region.setText(settings.get(HOLIDAY_SUBDIVISION))

    def save(self) -> bool:
        """Store the values shown; False (and a message) if start at login failed."""
        settings = self.ctx.settings
        settings.set(GRACE_SECONDS, str(self.grace_spin.value() * 60))
        settings.set(TIMEZONE, str(self.zone_combo.currentData() or ""))
        settings.set(LANGUAGE, str(self.language_combo.currentData() or ""))
        settings.set(KEEP_RUNNING, "1" if self.keep_running_box.isChecked() else "0")
        settings.set(BACKUPS_KEEP, str(self.backups_spin.value()))
        settings.set(COOLING_OFF_MINUTES, str(self.cooling_spin.value()))
        settings.set(HOLIDAY_COUNTRY, self.holiday_country.text().strip().upper())
        settings.set(HOLIDAY_SUBDIVISION, self.holiday_region.text().strip().upper())
        self.network_tab.save()
        self.apps_tab.save()
        wanted = self.autostart_box.isChecked()
        if self.autostart.supported and wanted != self.autostart.is_enabled():
            try:
                self.autostart.set_enabled(wanted)
            except OSError as exc:
                log.warning("autostart not changed: %s", exc)
                dialogs.show_error(
                    self,
                    _("Start at login"),
                    _("Could not change the start at login: {why}").format(why=exc),
                )
                return False
        return True

    def accept(self) -> None:
        """OK: save, then close."""
        try:
            ok = self.save()
        except AppError as exc:
            dialogs.show_error(self, _("Settings"), dialogs.describe_error(exc))
            return
        if ok:
            super().accept()

    def show_developer_apps(self, provider: str = "") -> None:
        """Bring the Developer apps tab to the front (at ``provider``'s page)."""
        self.tabs.setCurrentWidget(self.apps_tab)
        if provider:
            self.apps_tab.select(provider)

    # -- actions ---------------------------------------------------------------------------
    def _say(self, text: str, error: bool = False) -> None:
        colour = style.ERROR_COLOUR if error else style.OK_COLOUR
        self.message.setStyleSheet(f"color: {colour};")
        self.message.setText(text)

    def back_up_now(self) -> Path | None:
        """Write a backup now; returns its path (None and a message on failure)."""
        try:
            path = make_backup(self.ctx.store.path, datetime.now(), keep=self.backups_spin.value())
        except StorageError as exc:
            self._say(str(exc), error=True)
            return None
        self._say(_("Backup written: {path}").format(path=path))
        return path

    def restore(self) -> Path | None:
        """Ask for a backup, confirm, restore it; returns the copy of the replaced database."""
        backup = dialogs.pick_open_file(
            self,
            _("Restore from a backup"),
            str(backups_dir(self.ctx.store.path)),
            _("Pregonero backups (*.sqlite3)") + ";;" + _("All files (*)"),
        )
        if backup is None:
            return None
        if not dialogs.confirm(
            self,
            _("Restore from a backup"),
            _(
                "Replace all posts, accounts and the publication record with the backup "
                "{name}? The database as it is now is kept as a copy next to the backups."
            ).format(name=backup.name),
            _("Restore"),
        ):
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            saved = restore_while_running(self.ctx, self.runner, backup)
        except AppError as exc:
            self._say(dialogs.describe_error(exc), error=True)
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.load()  # the settings came back from the backup too
        self._say(
            _("Restored {file}. The database as it was is kept in {saved}.").format(
                file=backup.name, saved=saved.name
            )
        )
        return saved

    def open_data_folder(self) -> None:
        """Open Pregonero's data folder in the file manager."""
        maintenance.open_data_folder()
