"""InboxService: the one object the window, the command line and the scheduler use.

It ties together the store of comments, the collector, the actions on comments,
saved replies, the summary and the records/retention rules. Every change it makes
is followed by ``listener.data_changed()`` so open views refresh.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.clock import Clock
from app.errors import AppError, ValidationError
from app.events import PublishListener
from app.i18n import _, ngettext
from app.inbox import records
from app.inbox.actions import CommentActions, ReplyOutcome
from app.inbox.collector import Collector, CollectResult
from app.inbox.summary import summary_line
from app.inbox.templates import FIELDS, LANGUAGES, STARTERS, fields_for, fields_in, fill
from app.services.accounts import AccountService
from app.settings import INBOX_LINK, INBOX_RETENTION_DAYS, INBOX_SUMMARY_SENT, Settings
from app.storage.inbox import Comment, CommentEvent, CommentFilter, InboxStore, SavedReply

log = logging.getLogger(__name__)


class InboxService:
    """The comments inbox of one store (see the modules of :mod:`app.inbox`)."""

    def __init__(
        self,
        store_inbox: InboxStore,
        accounts: AccountService,
        clock: Clock,
        listener: PublishListener,
        settings: Settings,
    ) -> None:
        self.store = store_inbox
        self.accounts = accounts
        self.clock = clock
        self.listener = listener
        self.settings = settings
        self.collector = Collector(store_inbox, accounts, clock)
        self.actions = CommentActions(store_inbox, accounts, clock)
        self._on_collected: list[Callable[[CollectResult], None]] = []
        self._on_summary: list[Callable[[str], None]] = []
        self._can_hide: dict[int, bool] = {}

    # -- collecting --------------------------------------------------------------------
    def collect(self, force: bool = False) -> CollectResult:
        """Collect new comments of every account; reconcile replies left unknown.

        ``force``: also read the older posts not due yet (the user asked to check now)."""
        self.actions.reconcile_pending()
        result = self.collector.collect_all(force)
        if result.new_ids:
            self.listener.data_changed()
        for hook in list(self._on_collected):
            hook(result)
        return result

    def on_collected(self, hook: Callable[[CollectResult], None]) -> None:
        """Call ``hook`` (from the collecting thread) after every collection."""
        self._on_collected.append(hook)

    def on_summary(self, hook: Callable[[str], None]) -> None:
        """Call ``hook(text)`` (from the scheduler's thread) with the daily summary."""
        self._on_summary.append(hook)

    def daily_summary(self, local_now: datetime, hour: int) -> str | None:
        """The daily summary when it is due: at or after ``hour`` of the local day of
        ``local_now``, once per day, and only when comments are open. Tells the
        :meth:`on_summary` hooks and returns the text; None when not due."""
        today = local_now.date().isoformat()
        if local_now.hour < hour or self.settings.get(INBOX_SUMMARY_SENT) == today:
            return None
        self.settings.set(INBOX_SUMMARY_SENT, today)
        # Retention runs with the daily summary: what went into an export is purged;
        # what was never exported waits, and the summary says so.
        self.purge(exported_only=True)
        waiting = self.purge_plan().not_exported
        n, _oldest = self.store.open_summary()
        if n == 0 and not waiting:
            return None
        text = self.open_digest()
        if waiting:
            text += "\n" + ngettext(
                "{n} closed comment is past the retention period: export the comments for the "
                "records, then purge.",
                "{n} closed comments are past the retention period: export the comments for the "
                "records, then purge.",
                waiting,
            ).format(n=waiting)
        for hook in list(self._on_summary):
            try:
                hook(text)
            except Exception:  # noqa: BLE001 - a closed window must not stop the job
                log.exception("inbox summary hook failed")
        return text

    def open_digest(self, limit: int = 5) -> str:
        """The summary line, the open count per account, and the oldest open comments."""
        lines = [self.summary()]
        open_comments = self.store.query(CommentFilter(states=("open",)))
        per_account: dict[str, int] = {}
        for c in open_comments:
            per_account[c.account_name] = per_account.get(c.account_name, 0) + 1
        if len(per_account) > 1:
            lines.append(", ".join(f"{name}: {n}" for name, n in per_account.items()))
        for c in open_comments[:limit]:
            text = " ".join(c.text.split())
            lines.append(
                _("{author} on {account}: “{text}”").format(
                    author=c.author_name or "?",
                    account=c.account_name,
                    text=text[:60] + ("…" if len(text) > 60 else ""),
                )
            )
        return "\n".join(lines)

    # -- reading -----------------------------------------------------------------------
    def comments(self, flt: CommentFilter | None = None) -> list[Comment]:
        """Comments for the inbox list: open first, then oldest first."""
        return self.store.query(flt)

    def get(self, comment_id: int) -> Comment:
        """One comment (KeyError if unknown)."""
        return self.store.get(comment_id)

    def thread(self, comment: Comment) -> list[Comment]:
        """The thread ``comment`` belongs to, oldest first."""
        return self.store.thread(comment)

    def open_counts_by_post(self) -> dict[tuple[int, str], int]:
        """Open comments per (account id, post remote id)."""
        return self.store.open_counts_by_post()

    def open_summary(self) -> tuple[int, datetime | None]:
        """(open count, creation time of the oldest open comment)."""
        return self.store.open_summary()

    def summary(self) -> str:
        """ "N open comments, the oldest from 2 days ago" in the user's language."""
        n, oldest = self.store.open_summary()
        return summary_line(n, oldest, self.clock.now())

    # -- acting ------------------------------------------------------------------------
    def reply(self, comment_id: int, text: str, actor: str | None = None) -> ReplyOutcome:
        """Reply once (see :meth:`CommentActions.reply`)."""
        try:
            return self.actions.reply(comment_id, text, actor)
        finally:
            self.listener.data_changed()

    def mark_handled(
        self,
        comment_ids: list[int],
        reason: str,
        *,
        note: str = "",
        hide: bool = False,
        actor: str | None = None,
    ) -> list[str]:
        """Close without reply (see :meth:`CommentActions.mark_handled`)."""
        try:
            return self.actions.mark_handled(comment_ids, reason, note=note, hide=hide, actor=actor)
        finally:
            self.listener.data_changed()

    def reopen(self, comment_id: int) -> None:
        """Put a handled comment back among the open ones."""
        self.actions.reopen(comment_id)
        self.listener.data_changed()

    def events(self, comment_id: int) -> list[CommentEvent]:
        """The action log of a comment."""
        return self.store.events(comment_id)

    def can_hide(self, account_id: int) -> bool:
        """True when the account's network lets Pregonero hide comments (Facebook).

        Asks the account's client class once per account (reads the keyring once)."""
        if account_id not in self._can_hide:
            try:
                client = self.accounts.client(self.accounts.store.get_account(account_id))
                self._can_hide[account_id] = bool(client.supports_hide)
            except (AppError, KeyError):
                return False
        return self._can_hide[account_id]

    # -- saved replies -----------------------------------------------------------------
    def saved_replies(self, language: str = "") -> list[SavedReply]:
        """Saved replies (the starters are added the first time there are none)."""
        replies = self.store.saved_replies()
        if not replies and self.settings.store.get_setting("inbox_starters_added") is None:
            now = self.clock.now()
            for name, lang, text in STARTERS:
                self.store.save_reply(name, lang, text, now)
            self.settings.store.set_setting("inbox_starters_added", "1")
        return self.store.saved_replies(language)

    def save_reply(self, name: str, language: str, text: str, reply_id: int | None = None) -> int:
        """Create or change a saved reply. Raises ValidationError on bad input."""
        name, text = name.strip(), text.strip()
        if not name:
            raise ValidationError(_("Give the saved reply a name."), code="name_missing")
        if not text:
            raise ValidationError(_("The saved reply is empty."), code="text_missing")
        if language not in LANGUAGES:
            raise ValidationError(
                _("Choose the language of the saved reply."), code="language_missing"
            )
        try:
            return self.store.save_reply(name, language, text, self.clock.now(), reply_id)
        except sqlite3.IntegrityError:
            raise ValidationError(
                _("There is already a saved reply called “{name}” in this language.").format(
                    name=name
                ),
                code="duplicate_name",
            ) from None

    def delete_reply(self, reply_id: int) -> None:
        """Forget a saved reply."""
        self.store.delete_reply(reply_id)

    @staticmethod
    def unfilled_fields(text: str) -> list[str]:
        """Saved-reply fields (``{name}``, ``{link}``...) still in ``text``: a reply must
        not go out with them."""
        return [f for f in fields_in(text) if f in FIELDS]

    def fill_reply(self, text: str, comment: Comment) -> tuple[str, list[str]]:
        """A saved reply's text filled for ``comment``; (text, fields left to complete)."""
        return fill(text, fields_for(comment, self.settings.get(INBOX_LINK)))

    # -- records and retention ---------------------------------------------------------
    @property
    def retention_days(self) -> int:
        """Days after closing before personal data are purged (setting, default 90)."""
        return self.settings.int_option(INBOX_RETENTION_DAYS, minimum=1)

    def export_csv(self, path: Path, handled_only: bool = False) -> int:
        """Write the records CSV (see :func:`app.inbox.records.export_csv`)."""
        return records.export_csv(self.store, path, self.clock, handled_only)

    def purge_plan(self) -> records.PurgePlan:
        """What a purge would erase now."""
        return records.plan_purge(self.store, self.clock.now(), self.retention_days)

    def purge(self, force: bool = False, exported_only: bool = False) -> int:
        """Purge per the retention setting (see :func:`app.inbox.records.purge`)."""
        n = records.purge(
            self.store, self.clock, self.retention_days, force=force, exported_only=exported_only
        )
        if n:
            self.listener.data_changed()
        return n
