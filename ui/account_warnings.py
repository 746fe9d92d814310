"""Warnings about connections that end soon or have ended (issue 3, point 4).

:func:`watch_accounts` runs :func:`check_accounts` shortly after start-up and then twice
a day: expired connections that cannot renew themselves are marked "reconnect needed"
(their queued posts become blocked; the notifier already tells the user about that), and
the ones ending within the warning days (Settings → Network) are announced once per
run through the tray, or the window's banner without a tray.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer

from app.context import AppContext
from app.errors import AppError
from app.i18n import _
from ui.notifications import Notifier

log = logging.getLogger(__name__)

CHECK_EVERY_MS = 12 * 3600 * 1000
FIRST_CHECK_MS = 3000


def check_accounts(ctx: AppContext, notifier: Notifier | None) -> str:
    """Mark expired accounts and announce the ones ending soon; returns the text shown
    ("" when nothing ends soon)."""
    try:
        ctx.accounts.mark_expired()
        ending = ctx.accounts.expiring()
    except AppError as exc:
        log.warning("account check failed: %s", exc)
        return ""
    if not ending:
        return ""
    lines = [
        _("{name} ({network}): reconnect before {date}.").format(
            name=account.name, network=account.network, date=when.astimezone().strftime("%Y-%m-%d")
        )
        for account, when in ending
    ]
    title = _("Connections ending soon")
    text = "\n".join(lines)
    if notifier is not None:
        if notifier.tray is not None:
            notifier.tray.show_message(title, text, True)
        else:
            notifier.banner.show_notice(title, text)
    return text


def watch_accounts(ctx: AppContext, notifier: Notifier | None, parent: QObject) -> QTimer:
    """Check now (after a short delay) and every 12 hours while ``parent`` lives."""
    timer = QTimer(parent)
    timer.setInterval(CHECK_EVERY_MS)
    timer.timeout.connect(lambda: check_accounts(ctx, notifier))
    timer.start()
    QTimer.singleShot(FIRST_CHECK_MS, timer, lambda: check_accounts(ctx, notifier))
    return timer
