"""Drafting and scheduling posts. Every edit is saved at once: a draft is never lost."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

from app.clock import Clock
from app.errors import Problem, ValidationError
from app.events import PublishListener
from app.i18n import _
from app.media import inspect_image, store_copy
from app.models import EDITABLE, DeliveryEvent, DeliveryState, MediaFile, Post
from app.networks.base import OutgoingMedia, OutgoingPost
from app.networks.registry import network_class
from app.services.checking import CheckService, newly_overridden
from app.settings import Settings
from app.storage.repository import Store
from app.timeutil import format_local, zone

S = DeliveryState
#: States from which "schedule" / "publish now" may (re)queue a delivery.
QUEUEABLE = frozenset({S.DRAFT, S.SCHEDULED, S.MISSED, S.FAILED, S.PAUSED, S.BLOCKED, S.CANCELLED})
#: States from which "back to draft" applies.
UNSCHEDULABLE = frozenset({S.SCHEDULED, S.MISSED, S.FAILED, S.PAUSED, S.BLOCKED})


def outgoing(post: Post) -> OutgoingPost:
    """What a delivery of ``post`` would send."""
    return OutgoingPost(
        text=post.text,
        link=post.link,
        media=tuple(
            OutgoingMedia(Path(m.path), m.alt_text, m.mime, m.size_bytes) for m in post.media
        ),
        due_at=post.due_at,
    )


class PostService:
    """Create, edit, schedule and cancel posts in ``store``.

    ``on_schedule_changed`` is called after anything that changes what is due when
    (the scheduler uses it to re-arm its wake-up job).
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        listener: PublishListener,
        on_schedule_changed: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.listener = listener
        self.on_schedule_changed = on_schedule_changed or (lambda: None)
        self.checks = CheckService(store, clock)

    # -- reading -------------------------------------------------------------------
    def get(self, post_id: int) -> Post:
        """The post. Raises ValidationError if it does not exist."""
        try:
            return self.store.get_post(post_id)
        except KeyError:
            raise ValidationError(
                _("There is no post number {id}.").format(id=post_id), code="unknown_post"
            ) from None

    def list(self) -> list[Post]:
        """Every post, scheduled ones by time then drafts."""
        return self.store.list_posts()

    def history(self, post_id: int) -> builtins.list[DeliveryEvent]:
        """The post's publication record (every state change of its deliveries), oldest first."""
        return self.store.events(post_id=post_id)

    @staticmethod
    def can_edit(post: Post) -> bool:
        """True while no delivery of ``post`` is publishing or published."""
        return all(d.state in EDITABLE for d in post.deliveries)

    @staticmethod
    def can_publish_now(post: Post) -> bool:
        """True if "Publish now" would queue at least one delivery."""
        return any(d.state in QUEUEABLE and d.state != S.CANCELLED for d in post.deliveries)

    @staticmethod
    def can_unschedule(post: Post) -> bool:
        """True if some delivery can go back to draft."""
        return any(d.state in UNSCHEDULABLE for d in post.deliveries)

    # -- drafting ------------------------------------------------------------------
    def create_draft(
        self, *, text: str = "", link: str | None = None, tz: str, account_ids: Iterable[int] = ()
    ) -> Post:
        """A new draft, saved at once. ``tz`` is an IANA zone."""
        zone(tz)
        post_id = self.store.create_post(
            text=text, link=link or None, tz=tz, due_at=None, now=self.clock.now()
        )
        self.set_accounts(post_id, account_ids)
        return self.get(post_id)

    def _editable(self, post_id: int) -> Post:
        post = self.get(post_id)
        locked = [d for d in post.deliveries if d.state not in EDITABLE]
        if locked:
            raise ValidationError(
                _(
                    "This post is being published or was already published; it can no longer "
                    "be edited."
                ),
                code="not_editable",
            )
        return post

    def update_text(self, post_id: int, text: str) -> None:
        """Save the post's text (called on every edit).

        Editing the text of a post flagged after a move (``review_note``) counts as the
        review: the flag goes.
        """
        post = self._editable(post_id)
        fields: dict[str, str] = {"text": text}
        if post.review_note and text != post.text:
            fields["review_note"] = ""
        self.store.update_post(post_id, now=self.clock.now(), **fields)

    def update_link(self, post_id: int, link: str | None) -> None:
        """Save the post's link (empty = none)."""
        self._editable(post_id)
        self.store.update_post(post_id, now=self.clock.now(), link=(link or "").strip() or None)

    def set_time(self, post_id: int, due_at: datetime | None, tz: str) -> None:
        """Save the planned time (aware) and the zone it was chosen in, without scheduling."""
        zone(tz)
        self._editable(post_id)
        self.store.update_post(post_id, now=self.clock.now(), due_at=due_at, tz=tz)

    def add_media(self, post_id: int, path: Path, alt_text: str = "") -> MediaFile:
        """Attach the image at ``path`` (checked, then copied into Pregonero's folder).

        Raises ValidationError for a missing, empty, damaged or unsupported file; the
        post is left as it was.
        """
        self._editable(post_id)
        info = inspect_image(path)
        stored, digest = store_copy(path, self.store.media_dir, info)
        return self.store.add_media(
            post_id,
            path=str(stored),
            original_name=path.name,
            sha256=digest,
            size_bytes=info.size_bytes,
            mime=info.mime,
            width=info.width,
            height=info.height,
            alt_text=alt_text.strip(),
            now=self.clock.now(),
        )

    def set_alt_text(self, post_id: int, media_id: int, alt_text: str) -> None:
        """Save a media file's alt text."""
        self._editable(post_id)
        self.store.update_media(media_id, alt_text=alt_text.strip())

    def remove_media(self, post_id: int, media_id: int) -> None:
        """Detach a media file from the post."""
        self._editable(post_id)
        self.store.remove_media(media_id)

    def set_accounts(self, post_id: int, account_ids: Iterable[int]) -> None:
        """Choose the accounts the post goes to (adds draft deliveries, cancels removed ones)."""
        post = self._editable(post_id)
        wanted = set(account_ids)
        now = self.clock.now()
        for account_id in wanted:
            delivery = self.store.ensure_delivery(post_id, account_id, now)
            if delivery.state == S.CANCELLED:
                self.store.transition(delivery.id, S.DRAFT, "account chosen again", now=now)
        for delivery in post.deliveries:
            if delivery.account_id not in wanted and delivery.state != S.CANCELLED:
                self.store.transition(
                    delivery.id, S.CANCELLED, "account removed from the post", now=now
                )
        self.on_schedule_changed()

    # -- checking ------------------------------------------------------------------
    def problems(
        self, post: Post, *, when: datetime | None = None, publish_now: bool = False
    ) -> builtins.list[Problem]:
        """Everything that stops ``post`` from being scheduled at ``when`` (aware)."""
        targets = [d.account_id for d in post.deliveries if d.state != S.CANCELLED]
        problems = self._content_problems(outgoing(post), targets)
        for index, media in enumerate(post.media, start=1):
            if not Path(media.path).exists():
                problems.append(
                    Problem(
                        "media_missing",
                        _(
                            "Photo {n} ({name}) is missing from Pregonero's folder; "
                            "attach it again."
                        ).format(n=index, name=media.original_name),
                        f"media:{media.id}",
                    )
                )
        if not publish_now and (when is None or when <= self.clock.now()):
            problems.append(self._time_problem(when, post.tz))
        return problems

    def _time_problem(self, when: datetime | None, tz: str) -> Problem:
        if when is None:
            return Problem("no_time", _("Choose a date and time."), "when")
        return Problem(
            "time_past",
            _("{time} is in the past. Choose a later time or use Publish now.").format(
                time=format_local(when, tz)
            ),
            "when",
        )

    def _content_problems(
        self, out: OutgoingPost, account_ids: Iterable[int]
    ) -> builtins.list[Problem]:
        """Missing accounts or content, accounts to reconnect, and each network's limits."""
        problems: builtins.list[Problem] = []
        account_ids = list(account_ids)
        if not account_ids:
            problems.append(Problem("no_account", _("Choose at least one account."), "account"))
        if not out.text.strip() and not out.media and not out.link:
            problems.append(Problem("empty", _("The post has no text, link or photo."), "text"))
        seen: set[str] = set()
        for account_id in account_ids:
            account = self.store.get_account(account_id)
            if account.status != "ok":
                problems.append(
                    Problem(
                        "account_needs_reconnect",
                        _("The account {name} needs to be connected again.").format(
                            name=account.name
                        ),
                        "account",
                    )
                )
            if account.network not in seen:
                seen.add(account.network)
                problems.extend(network_class(account.network).validate(out))
        return problems

    # -- queueing ------------------------------------------------------------------
    def cooling_off_problem(self, post: Post, when: datetime) -> Problem | None:
        """The problem if ``when`` is sooner after the post's last edit than the cooling-off
        setting allows (None when the setting is off or the time is late enough)."""
        minutes = Settings(self.store).cooling_off_minutes
        ready = post.updated_at + timedelta(minutes=minutes)
        if minutes <= 0 or when >= ready:
            return None
        return Problem(
            "cooling_off",
            _(
                "Posts wait {minutes} minutes after their last edit before they go out (a "
                "second look with fresh eyes). This one can go out from {time}."
            ).format(minutes=minutes, time=format_local(ready, post.tz)),
            "when",
        )

    def schedule(
        self,
        post_id: int,
        when: datetime | None = None,
        *,
        overrides: Mapping[str, str] | None = None,
    ) -> Post:
        """Queue every target of the post for ``when`` (aware; default: the saved time).

        The careful-publishing checks run first: their errors block unless ``overrides``
        ({finding code: the user's reason}) covers them (recorded and logged). Raises
        ValidationError listing every problem (:class:`CheckErrors` for check errors);
        nothing changes then.
        """
        post = self.get(post_id)
        when = when or post.due_at
        problems = self.problems(post, when=when)
        if when is not None and (cooling := self.cooling_off_problem(post, when)):
            problems.append(cooling)
        if problems:
            raise ValidationError(problems)
        assert when is not None
        self.checks.require(post, when, overrides)
        self.store.update_post(post_id, now=self.clock.now(), due_at=when)
        self._queue(
            post,
            when,
            _("scheduled for {time}").format(time=format_local(when, post.tz) + " " + post.tz),
        )
        return self.get(post_id)

    def publish_now(self, post_id: int, *, overrides: Mapping[str, str] | None = None) -> Post:
        """Queue every target of the post to go out immediately (checks and ``overrides``
        as in :meth:`schedule`)."""
        post = self.get(post_id)
        problems = self.problems(post, publish_now=True)
        if cooling := self.cooling_off_problem(post, self.clock.now()):
            problems.append(cooling)
        if problems:
            raise ValidationError(problems)
        self.checks.require(post, self.clock.now(), overrides)
        now = self.clock.now()
        self.store.update_post(post_id, now=now, due_at=now)
        self._queue(post, now, _("publish now"))
        return self.get(post_id)

    def _queue(self, post: Post, when: datetime, reason: str) -> None:
        now = self.clock.now()
        for delivery in post.deliveries:
            if delivery.state in QUEUEABLE and delivery.state != S.CANCELLED:
                if self.store.transition(
                    delivery.id,
                    S.SCHEDULED,
                    reason,
                    now=now,
                    expect=QUEUEABLE,
                    due_at=when,
                    attempts=0,
                    last_error="",
                ):
                    self.listener.delivery_changed(delivery.id, post.id, S.SCHEDULED.value)
        self.on_schedule_changed()

    def unschedule(self, post_id: int) -> Post:
        """Take the post's queued deliveries back to draft (nothing is published)."""
        post = self.get(post_id)
        now = self.clock.now()
        for delivery in post.deliveries:
            if self.store.transition(
                delivery.id, S.DRAFT, "back to draft by the user", now=now, expect=UNSCHEDULABLE
            ):
                self.listener.delivery_changed(delivery.id, post.id, S.DRAFT.value)
        self.on_schedule_changed()
        return self.get(post_id)

    def delete(self, post_id: int) -> None:
        """Cancel what is still queued and hide the post; its record is kept."""
        post = self._editable(post_id)
        now = self.clock.now()
        for delivery in post.deliveries:
            if delivery.state != S.CANCELLED:
                self.store.transition(
                    delivery.id, S.CANCELLED, "post deleted by the user", now=now, expect=EDITABLE
                )
        self.store.soft_delete_post(post_id, now)
        self.on_schedule_changed()

    def create_scheduled(
        self,
        *,
        text: str,
        link: str | None,
        media: builtins.list[tuple[Path, str]],
        account_ids: builtins.list[int],
        when: datetime | None,
        tz: str,
        draft: bool = False,
        overrides: Mapping[str, str] | None = None,
    ) -> Post:
        """Create a post and schedule it in one step, or store nothing at all.

        ``media`` is a list of (image path, alt text); ``when`` an aware instant chosen
        in the IANA zone ``tz``. Every check runs before anything is written; raises
        ValidationError with every problem found (:class:`CheckErrors` for careful-publishing
        errors not covered by ``overrides``, {code: reason}). ``draft=True`` keeps it
        unscheduled (and unchecked), and then ``when`` may be None.
        """
        problems: builtins.list[Problem] = []
        zone(tz)
        infos = []
        for index, (path, _alt) in enumerate(media, start=1):
            try:
                infos.append(inspect_image(path))
            except ValidationError as exc:
                problems.extend(Problem(p.code, p.message, f"media:{index}") for p in exc.problems)
        preview = OutgoingPost(
            text=text,
            link=link,
            media=tuple(
                OutgoingMedia(p, a, i.mime, i.size_bytes)
                for (p, a), i in zip(media, infos, strict=False)
            ),
        )
        problems.extend(self._content_problems(preview, account_ids))
        if not draft and (when is None or when <= self.clock.now()):
            problems.append(self._time_problem(when, tz))
        if problems:
            raise ValidationError(problems)
        if not draft:
            assert when is not None
            findings = self.checks.build(
                text=text,
                publish_at=when,
                tz=tz,
                account_ids=account_ids,
                media=[(p, a.strip()) for p, a in media],
                link=link,
            ).run()
            newly_overridden(findings, (), overrides)
        post = self.create_draft(text=text, link=link, tz=tz, account_ids=account_ids)
        for path, alt in media:
            self.add_media(post.id, path, alt)
        if when is not None:
            self.set_time(post.id, when, tz)
        return self.get(post.id) if draft else self.schedule(post.id, when, overrides=overrides)
