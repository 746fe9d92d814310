"""Small window actions around the data: open the log or data folder, export the record.

Kept out of :mod:`ui.main_window` so the window only wires menu entries to them.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QWidget

from app import paths
from app.context import AppContext
from app.i18n import _
from app.record import export_record
from ui import dialogs

log = logging.getLogger(__name__)


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the system's file manager; False if that failed."""
    ok = bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
    if not ok:
        log.warning("could not open %s", folder)
    return ok


def open_logs() -> bool:
    """Help → Open logs: the folder of ``pregonero.log``."""
    return open_folder(paths.log_dir())


def open_data_folder() -> bool:
    """The data folder (database, media copies, backups)."""
    return open_folder(paths.home())


def record_format(path: Path) -> str:
    """``json`` for a ``.json`` file, else ``csv``."""
    return "json" if path.suffix.lower() == ".json" else "csv"


def export_publication_record(parent: QWidget | None, ctx: AppContext) -> str | None:
    """File → Export publication record…: ask where, write CSV or JSON.

    Returns a sentence for the status bar, or None when the user cancelled.
    """
    suggested = Path.home() / f"pregonero-record-{date.today():%Y-%m-%d}.csv"
    path = dialogs.pick_save_file(
        parent,
        _("Export publication record"),
        str(suggested),
        _("Spreadsheet (CSV) (*.csv)") + ";;" + _("JSON (*.json)"),
    )
    if path is None:
        return None
    try:
        count = export_record(ctx.store, path, record_format(path))
    except OSError as exc:
        dialogs.show_error(
            parent,
            _("Export publication record"),
            _("Could not write {path}: {why}").format(path=path, why=exc.strerror or exc),
        )
        return None
    return _("{n} entries written to {path}.").format(n=count, path=path)
