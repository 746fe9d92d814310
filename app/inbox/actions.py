"""What a person does with a comment: reply once, mark handled with a reason, hide.

The never-reply-twice rule mirrors publishing: the reply is written ``sending`` in the
database before the network call and ``sent`` (with the network's id) right after.
A call whose answer was lost leaves it ``unknown``; before any new attempt the
network is asked (:meth:`Network.find_reply`) whether the reply exists. Where the
network refuses replies (X's summon rule, platforms.md §3.4) the comment says so
(``refused``) and stays open, to be answered in the browser.
"""

from __future__ import annotations

import getpass
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from app.clock import Clock
from app.errors import (
    AuthExpired,
    CredentialsError,
    NetworkError,
    Rejected,
    Transient,
    UnknownOutcome,
    ValidationError,
)
from app.i18n import N_, _
from app.inbox.templates import FIELDS, fields_in
from app.services.accounts import AccountService
from app.storage.inbox import (
    ANSWERED,
    HANDLED,
    OPEN,
    R_FAILED,
    R_NONE,
    R_REFUSED,
    R_SENDING,
    R_SENT,
    R_UNKNOWN,
    Comment,
    InboxStore,
)

log = logging.getLogger(__name__)

#: A reply still ``sending`` after this many seconds was interrupted (crash): reconcile.
STALE_SENDING_SECONDS = 120.0
#: How far back before the attempt a reply found on the network still counts as ours.
RECONCILE_SLACK_SECONDS = 120.0

#: Reasons for closing a comment without a reply (code -> English label for _()).
REASONS: dict[str, str] = {
    "spam": N_("Spam"),
    "insult": N_("Insult or abuse"),
    "answered_in_thread": N_("Already answered in the thread"),
    "private_message": N_("Moved to a private message"),
    "answered_on_network": N_("Answered on the network"),
    "other": N_("Other"),
}


def reason_label(code: str) -> str:
    """The translated label of a reason code (the code itself if unknown)."""
    return _(REASONS[code]) if code in REASONS else code


def current_actor() -> str:
    """Who is acting: the computer's user name (recorded as ``handled_by``)."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some sandboxes
        return ""


@dataclass(frozen=True)
class ReplyOutcome:
    """How a reply attempt ended: ``state`` is a reply state (``sent``, ``unknown``,
    ``refused``, ``failed``); ``message`` is translated text for the user."""

    state: str
    message: str = ""
    remote_id: str | None = None


class CommentActions:
    """Replies, handled marks and hiding for the comments of ``inbox``."""

    def __init__(self, inbox: InboxStore, accounts: AccountService, clock: Clock) -> None:
        self.inbox = inbox
        self.accounts = accounts
        self.clock = clock

    # -- replying -----------------------------------------------------------------------
    def reply(self, comment_id: int, text: str, actor: str | None = None) -> ReplyOutcome:
        """Post ``text`` as a reply to the comment, as the page or organization, once.

        Raises ValidationError for an empty text, a comment already answered, or a
        reply still in flight. Network failures do not raise: they come back as the
        outcome (and are written on the comment).
        """
        actor = current_actor() if actor is None else actor
        text = text.strip()
        if not text:
            raise ValidationError(_("Write the reply first."), code="reply_empty")
        unfilled = [f for f in fields_in(text) if f in FIELDS]
        if unfilled:
            raise ValidationError(
                _("Complete the fields first: {fields}").format(
                    fields=", ".join("{" + f + "}" for f in unfilled)
                ),
                code="fields_unfilled",
            )
        comment = self.inbox.get(comment_id)
        if comment.purged_at is not None:
            raise ValidationError(_("This comment was purged."), code="comment_purged")
        if comment.reply_state == R_SENT:
            raise ValidationError(_("This comment was already answered."), code="already_replied")
        if comment.reply_state == R_SENDING and not self._stale(comment):
            raise ValidationError(
                _("A reply to this comment is being sent; wait a moment."), code="reply_in_flight"
            )
        if comment.reply_state in (R_UNKNOWN, R_SENDING):
            outcome = self.reconcile(comment_id)
            if outcome.state in (R_SENT, R_UNKNOWN):
                return outcome
            comment = self.inbox.get(comment_id)
        client = self.accounts.client(self.accounts.store.get_account(comment.account_id))
        now = self.clock.now()
        claimed = self.inbox.update(
            comment_id,
            now=now,
            action="reply_sending",
            actor=actor,
            expect_reply_states={R_NONE, R_FAILED, R_REFUSED},
            reply_state=R_SENDING,
            reply_text=text,
            reply_started_at=now,
            reply_error="",
        )
        if not claimed:
            raise ValidationError(
                _("A reply to this comment is being sent; wait a moment."), code="reply_in_flight"
            )
        try:
            remote_id = client.reply_comment(comment.remote(), text)
        except UnknownOutcome:
            self._set(comment_id, R_UNKNOWN, "reply_unknown", actor, "")
            return self.reconcile(comment_id, actor=actor)
        except Transient as exc:
            if exc.answered:  # the network got it and answered 5xx: it may exist
                self._set(comment_id, R_UNKNOWN, "reply_unknown", actor, str(exc))
                return self.reconcile(comment_id, actor=actor)
            return self._failed(comment_id, actor, exc)
        except Rejected as exc:
            if exc.code == "reply_not_allowed":
                message = _(
                    "{network} does not allow replying to this comment from Pregonero. "
                    "Open it in the browser to answer there."
                ).format(network=client.label)
                if exc.user_message:
                    message += " (" + exc.user_message + ")"
                self._set(comment_id, R_REFUSED, "reply_refused", actor, message)
                return ReplyOutcome(R_REFUSED, message)
            return self._failed(comment_id, actor, exc)
        except (AuthExpired, CredentialsError) as exc:
            reason = getattr(exc, "user_message", "") or str(exc)
            self.accounts.mark_needs_reconnect(
                self.accounts.store.get_account(comment.account_id), reason
            )
            return self._failed(comment_id, actor, exc)
        except NetworkError as exc:
            return self._failed(comment_id, actor, exc)
        except BaseException:
            # A bug or an interruption: the outcome is not known; never resend blindly.
            self._set(comment_id, R_UNKNOWN, "reply_unknown", actor, "")
            raise
        self._sent(comment_id, remote_id, actor)
        return ReplyOutcome(R_SENT, remote_id=remote_id)

    def reconcile(self, comment_id: int, actor: str = "") -> ReplyOutcome:
        """Ask the network whether a reply whose answer was lost exists.

        Found: the comment is answered. Not found: the reply may be sent again
        (``failed``). The network cannot tell: it stays ``unknown``.
        """
        comment = self.inbox.get(comment_id)
        if comment.reply_state not in (R_UNKNOWN, R_SENDING):
            return ReplyOutcome(comment.reply_state)
        started = comment.reply_started_at or self.clock.now()
        since = started - timedelta(seconds=RECONCILE_SLACK_SECONDS)
        try:
            client = self.accounts.client(self.accounts.store.get_account(comment.account_id))
            found = client.find_reply(comment.remote(), comment.reply_text, since)
        except (NetworkError, CredentialsError) as exc:
            message = _(
                "The reply may or may not have been posted; Pregonero will check again before "
                "sending it. ({why})"
            ).format(why=getattr(exc, "user_message", "") or str(exc))
            self._set(comment_id, R_UNKNOWN, "reply_check_failed", actor, message)
            return ReplyOutcome(R_UNKNOWN, message)
        if found:
            self._sent(comment_id, found, actor, detail="found on the network after a timeout")
            return ReplyOutcome(R_SENT, remote_id=found)
        message = _("The reply did not reach the network. Nothing was posted; send it again.")
        self._set(comment_id, R_FAILED, "reply_not_found", actor, message)
        return ReplyOutcome(R_FAILED, message)

    def reconcile_pending(self) -> int:
        """Reconcile every ``unknown`` or interrupted reply; returns how many were checked."""
        n = 0
        for comment in self._pending():
            self.reconcile(comment.id)
            n += 1
        return n

    def _pending(self) -> list[Comment]:
        rows = self.inbox.store.db.query(
            "SELECT id FROM comments WHERE reply_state IN ('unknown', 'sending')"
        )
        out = []
        for r in rows:
            c = self.inbox.get(r["id"])
            if c.reply_state == R_UNKNOWN or self._stale(c):
                out.append(c)
        return out

    def _stale(self, comment: Comment) -> bool:
        started = comment.reply_started_at
        return (
            started is None or (self.clock.now() - started).total_seconds() > STALE_SENDING_SECONDS
        )

    def _sent(self, comment_id: int, remote_id: str, actor: str, detail: str = "") -> None:
        comment = self.inbox.get(comment_id)
        now = self.clock.now()
        fields: dict[str, Any] = {
            "reply_state": R_SENT,
            "reply_remote_id": remote_id,
            "reply_error": "",
        }
        if comment.state == OPEN:
            fields.update(state=ANSWERED, handled_at=now, handled_by=actor, reason="")
        self.inbox.update(
            comment_id, now=now, action="replied", actor=actor, detail=detail, **fields
        )

    def _set(self, comment_id: int, state: str, action: str, actor: str, message: str) -> None:
        self.inbox.update(
            comment_id,
            now=self.clock.now(),
            action=action,
            actor=actor,
            detail=message,
            reply_state=state,
            reply_error=message,
        )

    def _failed(self, comment_id: int, actor: str, exc: BaseException) -> ReplyOutcome:
        why = getattr(exc, "user_message", "") or str(exc)
        message = _("The reply was not posted: {why}").format(why=why)
        self._set(comment_id, R_FAILED, "reply_failed", actor, message)
        return ReplyOutcome(R_FAILED, message)

    # -- closing without a reply ---------------------------------------------------------
    def mark_handled(
        self,
        comment_ids: list[int],
        reason: str,
        *,
        note: str = "",
        hide: bool = False,
        actor: str | None = None,
    ) -> list[str]:
        """Close comments without a reply, with a reason code of :data:`REASONS`.

        ``hide``: also hide them on the network where it allows it. Returns
        translated problems (e.g. hiding refused); the marks are kept anyway.
        Raises ValidationError for an unknown reason.
        """
        actor = current_actor() if actor is None else actor
        if reason not in REASONS:
            raise ValidationError(
                _("Choose why the comment needs no reply."), code="reason_missing"
            )
        problems: list[str] = []
        for cid in comment_ids:
            comment = self.inbox.get(cid)
            now = self.clock.now()
            self.inbox.update(
                cid,
                now=now,
                action="handled",
                actor=actor,
                detail=reason + (": " + note if note else ""),
                state=HANDLED,
                reason=reason,
                note=note,
                handled_at=now,
                handled_by=actor,
            )
            if hide and not comment.hidden:
                problem = self.hide(cid, True, actor=actor)
                if problem:
                    problems.append(problem)
        return problems

    def reopen(self, comment_id: int, actor: str | None = None) -> None:
        """Put a handled comment back in the open list (a mistake undone)."""
        actor = current_actor() if actor is None else actor
        self.inbox.update(
            comment_id,
            now=self.clock.now(),
            action="reopened",
            actor=actor,
            state=OPEN,
            reason="",
            note="",
            handled_at=None,
            handled_by="",
        )

    def hide(self, comment_id: int, hidden: bool = True, actor: str | None = None) -> str:
        """Hide (or show again) a comment on the network; returns a translated problem
        or "" when done."""
        actor = current_actor() if actor is None else actor
        comment = self.inbox.get(comment_id)
        account = self.accounts.store.get_account(comment.account_id)
        try:
            client = self.accounts.client(account)
            if not client.supports_hide:
                return _("{network} does not let Pregonero hide comments.").format(
                    network=client.label
                )
            client.hide_comment(comment.remote(), hidden)
        except (AuthExpired, CredentialsError) as exc:
            reason = getattr(exc, "user_message", "") or str(exc)
            self.accounts.mark_needs_reconnect(account, reason)
            return _("Could not hide the comment: {why}").format(why=reason)
        except NetworkError as exc:
            return _("Could not hide the comment: {why}").format(why=exc.user_message or exc)
        self.inbox.update(
            comment_id,
            now=self.clock.now(),
            action="hidden" if hidden else "unhidden",
            actor=actor,
            hidden=int(hidden),
        )
        return ""
