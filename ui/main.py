"""Composition root of the desktop app: ``python -m ui.main`` (or the ``main()`` function).

Builds the QApplication, picks the language, opens the store (AppContext), connects
the UI bridge to the core's listeners, starts the scheduler and shows the main window.
Start-up problems (a database from a newer version, no keyring) are explained in a
message box; the program then exits with status 1 without touching anything.

``--screenshot PATH`` shows the window, lets it paint, saves it as PNG and quits
(used by ``scripts/screenshot.py`` and for docs).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import i18n, logsetup, paths
from app.context import AppContext
from app.errors import AppError
from app.i18n import _
from app.secrets import ensure_usable
from app.settings import LANGUAGE
from schedulers.runner import Runner
from ui import style, tasks
from ui.background import Background
from ui.bridge import Bridge
from ui.main_window import MainWindow
from ui.single_instance import SingleInstance

log = logging.getLogger("ui")

APP_NAME = "Pregonero"
#: Stylesheet additions (kept small: the platform style does the rest).
STYLE_SHEET = """
QToolBar#actions { spacing: 4px; padding: 4px 6px; border: none; }
QToolBar#actions QToolButton { padding: 4px 10px; border-radius: 4px; }
QToolBar#actions QToolButton:hover { background: palette(midlight); }
QToolBar#actions QToolButton#primary, QPushButton#primaryButton {
    background: #1d4ed8; color: white; border-radius: 4px; padding: 5px 14px;
    font-weight: bold; border: 1px solid #1e40af; }
QToolBar#actions QToolButton#primary:hover, QPushButton#primaryButton:hover {
    background: #1e40af; }
QPushButton#primaryButton:disabled { background: #93a4c8; border-color: #93a4c8; }
QFrame#banner { background: #fef2f2; border: 1px solid #fca5a5; border-radius: 4px; }
QFrame#banner QLabel { color: #991b1b; }
QLabel#emptyTitle { font-size: 17pt; font-weight: bold; color: #1f2937; }
QTableView { selection-background-color: #dbeafe; selection-color: black; }
QTableView::item { padding: 0 6px; }
QHeaderView::section { padding: 4px 6px; font-weight: bold; }
QFrame#mediaRow { border-radius: 4px; }
"""


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """The options of the desktop app (Qt's own options are left to Qt)."""
    parser = argparse.ArgumentParser(
        prog="pregonero-gui",
        description=_("Pregonero: schedule posts and publish them to your Facebook Pages."),
    )
    parser.add_argument(
        "--screenshot",
        metavar="PATH",
        type=Path,
        help=_("show the window, save it as a PNG image and quit"),
    )
    parser.add_argument(
        "--size",
        metavar="WxH",
        default="1200x700",
        help=_("window size for --screenshot (default 1200x700)"),
    )
    parser.add_argument(
        "--minimized",
        action="store_true",
        help=_("start in the system tray without showing the window (used at login)"),
    )
    args, _unknown = parser.parse_known_args(list(argv))
    return args


def setup_logging() -> None:
    """Log to Pregonero's rotating log file (secrets masked), once per process."""
    target = paths.log_dir() / "pregonero.log"
    for handler in logging.getLogger().handlers:
        if Path(getattr(handler, "baseFilename", "")) == target:
            return
    try:
        logsetup.setup_logging()
    except OSError:  # an unwritable log folder must not stop the window
        log.warning("cannot write the log file %s", target)


def install_qt_translations(app: QApplication, language: str) -> list[QTranslator]:
    """Load Qt's own translations (standard buttons, dialogs) for ``language`` if shipped."""
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return []
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    loaded = []
    for name in ("qtbase",):
        translator = QTranslator(app)
        if translator.load(f"{name}_{language}", folder):
            app.installTranslator(translator)
            loaded.append(translator)
    return loaded


def show_startup_error(text: str) -> None:
    """Explain why Pregonero cannot start (a modal box; replaced in tests)."""
    box = QMessageBox(
        QMessageBox.Icon.Critical, _("Pregonero cannot start"), text, QMessageBox.StandardButton.Ok
    )
    box.exec()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """A bug in a slot: log it with its traceback and tell the user in plain words."""
    log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
    if QApplication.instance() is not None and issubclass(kind, Exception):
        from ui import dialogs

        dialogs.show_error(None, _("Unexpected error"), dialogs.describe_error(exc))


def _grab(window: QWidget, path: Path) -> None:
    loop = QEventLoop()
    QTimer.singleShot(600, loop.quit)  # let the window map, lay out and paint
    loop.exec()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")


def main(argv: list[str] | None = None) -> int:
    """Run the desktop app; returns the exit status (0 ok, 1 could not start)."""
    argv = list(sys.argv if argv is None else [sys.argv[0] if sys.argv else APP_NAME, *argv])
    args = parse_args(argv[1:])
    app = QApplication.instance() or QApplication(argv)
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName("pregonero")
    env_language = os.environ.get("PREGONERO_LANG") or None
    i18n.set_language(env_language)
    setup_logging()
    # One window per data folder: a second launch brings the first one forward.
    instance = None if args.screenshot else SingleInstance(paths.home())
    if instance is not None and not instance.claim():
        return 0
    try:
        ctx = AppContext()
    except AppError as exc:
        log.error("cannot start: %s", exc)
        show_startup_error(str(exc))
        if instance is not None:
            instance.close()
        return 1
    runner = None
    background = None
    previous_hook = sys.excepthook
    try:
        if env_language is None:
            saved = ctx.settings.get(LANGUAGE).strip()
            if saved:
                i18n.set_language(saved)
        install_qt_translations(app, i18n.current_language())
        try:
            ensure_usable()
        except AppError as exc:
            log.error("cannot start: %s", exc)
            show_startup_error(str(exc))
            return 1
        app.setWindowIcon(style.app_icon())
        app.setStyleSheet(STYLE_SHEET)
        bridge = Bridge()
        ctx.listeners.add(bridge.listener)
        runner = Runner(ctx)
        runner.start()
        window = MainWindow(ctx, bridge, runner)
        sys.excepthook = _excepthook
        if args.screenshot:
            try:
                width, height = (int(v) for v in args.size.lower().split("x"))
            except ValueError:
                width, height = 1200, 700
            window.resize(width, height)
            window.show()
            window.reload()
            _grab(window, args.screenshot)
            window.close()
            return 0
        background = Background(ctx, bridge, window, instance)
        from ui.account_warnings import watch_accounts

        watch_accounts(ctx, background.notifier, window)  # connections ending soon (issue 3)
        if not (args.minimized and background.tray is not None):
            window.show()
        return int(app.exec())
    finally:
        sys.excepthook = previous_hook
        if background is not None:
            background.close()
        elif instance is not None:
            instance.close()
        if runner is not None:
            runner.stop()
        tasks.wait_for_tasks(5000)
        ctx.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
