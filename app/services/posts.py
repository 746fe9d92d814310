"""Drafting and scheduling posts. Every edit is saved at once: a draft is never lost."""

from __future__ import annotations

import builtins
import dataclasses
import shutil
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from app.checks.video import VIDEO_SUFFIXES, inspect_video
from app.clock import Clock
from app.errors import Problem, ValidationError
from app.events import PublishListener
from app.i18n import _
from app.media import ImageInfo, inspect_image, sha256_file, store_copy
from app.models import (
    EDITABLE,
    Delivery,
    DeliveryEvent,
    DeliveryState,
    MediaFile,
    Post,
    PostVariant,
)
from app.networks.base import OutgoingMedia, OutgoingPost, PostOptions
from app.networks.registry import network_class
from app.services.checking import CheckService, newly_overridden
from app.settings import Settings
from app.storage import variants as variant_store
from app.storage.repository import Store
from app.storage.variants import options_from_json, options_to_json
from app.timeutil import format_local, zone

S = DeliveryState
#: States from which "schedule" / "publish now" may (re)queue a delivery.
QUEUEABLE = frozenset({S.DRAFT, S.SCHEDULED, S.MISSED, S.FAILED, S.PAUSED, S.BLOCKED, S.CANCELLED})
#: States from which "back to draft" applies (a handed-off one is deleted remotely first).
UNSCHEDULABLE = frozenset({S.SCHEDULED, S.MISSED, S.FAILED, S.PAUSED, S.BLOCKED, S.HANDED_OFF})


def outgoing_media(media: MediaFile) -> OutgoingMedia:
    """The upload description of a stored media file (pixels from its row; a video's
    duration in seconds read from the file when it can be)."""
    duration: float | None = None
    if media.mime.startswith("video/"):
        try:
            duration = inspect_video(Path(media.path)).duration
        except ValidationError:
            duration = None
    return OutgoingMedia(
        Path(media.path),
        media.alt_text,
        media.mime,
        media.size_bytes,
        width=media.width,
        height=media.height,
        duration_seconds=duration,
    )


def outgoing(post: Post, network: str = "", media_dir: Path | None = None) -> OutgoingPost:
    """What a delivery of ``post`` to ``network`` would send: the network's variant (text,
    link, own media, options) where it has one, else the main post ("" = the main post).

    ``media_dir`` resolves a relative thumbnail path of the options (default: next to the
    first media file, else the current folder).
    """
    variant = post.variant(network) if network else None
    text, link, media = post.text, post.link, post.media
    options = PostOptions()
    if variant is not None:
        if variant.text is not None:
            text = variant.text
        if variant.link is not None:
            link = variant.link or None
        if variant.own_media:
            media = variant.media
        options = options_from_json(variant.options, media_dir or Path())
    return OutgoingPost(
        text=text,
        link=link,
        media=tuple(outgoing_media(m) for m in media),
        due_at=post.due_at,
        options=options,
    )


def target_networks(post: Post, store: Store) -> builtins.list[str]:
    """Network keys of the post's not-cancelled deliveries, in first-seen order."""
    seen: builtins.list[str] = []
    for delivery in post.deliveries:
        if delivery.state == S.CANCELLED:
            continue
        try:
            key = store.get_account(delivery.account_id).network
        except KeyError:
            continue
        if key not in seen:
            seen.append(key)
    return seen


def _handed_off_first(post: Post) -> builtins.list[Delivery]:
    """Deliveries with the handed-off ones first: their remote copy is withdrawn before
    anything local changes (a failure then leaves everything as it was)."""
    return sorted(post.deliveries, key=lambda d: d.state != S.HANDED_OFF)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


class HandOffHooks(Protocol):
    """What editing does to deliveries a network already holds (``handed_off``); the
    implementation is :class:`app.services.handoff.HandOffService`."""

    def content_changed(self, post_id: int) -> None:
        """The post's content changed: update the copies networks hold."""
        ...

    def moved(self, delivery: Delivery, new_due: datetime) -> None:
        """The post got a new time: move the network's copy (or take it back)."""
        ...

    def withdraw(self, delivery: Delivery, to: DeliveryState, reason: str) -> bool:
        """Delete the network's copy, then move the delivery to ``to`` (logged with
        ``reason``). Returns False if it was no longer handed off."""
        ...

    def consider(self, post_id: int) -> None:
        """Hand off now the post's scheduled deliveries that can be."""
        ...


class NoHandOffHooks:
    """Hooks when no hand-off service is wired: withdrawing only changes the local state."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store, self.clock = store, clock

    def content_changed(self, post_id: int) -> None:
        """Nothing to update."""

    def moved(self, delivery: Delivery, new_due: datetime) -> None:
        """Nothing to move."""

    def withdraw(self, delivery: Delivery, to: DeliveryState, reason: str) -> bool:
        """Only the local state changes."""
        return self.store.transition(
            delivery.id, to, reason, now=self.clock.now(), expect={S.HANDED_OFF}
        )

    def consider(self, post_id: int) -> None:
        """Nothing is handed off."""


class PostService:
    """Create, edit, schedule and cancel posts in ``store``.

    ``on_schedule_changed`` is called after anything that changes what is due when
    (the scheduler uses it to re-arm its wake-up job). ``handoffs`` keeps the copies
    networks hold (native hand-off) in step with edits; :class:`AppContext` sets it.
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
        self.handoffs: HandOffHooks = NoHandOffHooks(store, clock)

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
        self._content_changed(post)

    def update_link(self, post_id: int, link: str | None) -> None:
        """Save the post's link (empty = none)."""
        post = self._editable(post_id)
        self.store.update_post(post_id, now=self.clock.now(), link=(link or "").strip() or None)
        self._content_changed(post)

    def _content_changed(self, post: Post) -> None:
        """After an edit: work prepared ahead for the old content is dropped (prepared
        again before its time), and copies networks hold are updated."""
        for delivery in post.deliveries:
            if delivery.progress and delivery.state in EDITABLE - {S.HANDED_OFF}:
                # Files already put on a media host stay listed, so the clean-up after
                # publishing still deletes them.
                hosted = delivery.progress.get("hosted")
                variant_store.save_progress(
                    self.store, delivery.id, {"hosted": hosted} if hosted else {}
                )
        if any(d.state == S.HANDED_OFF for d in post.deliveries):
            self.handoffs.content_changed(post.id)

    def set_time(self, post_id: int, due_at: datetime | None, tz: str) -> None:
        """Save the planned time (aware) and the zone it was chosen in, without scheduling."""
        zone(tz)
        self._editable(post_id)
        self.store.update_post(post_id, now=self.clock.now(), due_at=due_at, tz=tz)

    def add_media(
        self, post_id: int, path: Path, alt_text: str = "", *, network: str = ""
    ) -> MediaFile:
        """Attach the image or video at ``path`` (checked, then copied into Pregonero's
        folder). ``network`` "" = shared by every network, else only that network's variant.

        Raises ValidationError for a missing, empty, damaged or unsupported file; the
        post is left as it was.
        """
        post = self._editable(post_id)
        stored, digest, info = self._store_file(path)
        media = self.store.add_media(
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
            network=network,
        )
        self._content_changed(post)
        return media

    def _store_file(self, path: Path) -> tuple[Path, str, ImageInfo]:
        """Check and copy an image or a video into the media folder (video: same
        :class:`ImageInfo` shape, format "MP4"/"MOV")."""
        if path.suffix.lower() in VIDEO_SUFFIXES:
            video = inspect_video(path)
            mime = "video/quicktime" if video.container == "MOV" else "video/mp4"
            info = ImageInfo(video.container, mime, video.size_bytes, video.width, video.height)
            digest = sha256_file(path)
            dest = self.store.media_dir / f"{digest}.{video.container.lower()}"
            if not dest.exists():
                tmp = dest.with_suffix(dest.suffix + ".part")
                shutil.copyfile(path, tmp)
                tmp.replace(dest)
            return dest, digest, info
        info = inspect_image(path)
        stored, digest = store_copy(path, self.store.media_dir, info)
        return stored, digest, info

    def set_alt_text(self, post_id: int, media_id: int, alt_text: str) -> None:
        """Save a media file's alt text."""
        post = self._editable(post_id)
        self.store.update_media(media_id, alt_text=alt_text.strip())
        self._content_changed(post)

    def replace_media(self, post_id: int, media_id: int, path: Path) -> MediaFile:
        """Use the image at ``path`` (e.g. a padded or cropped copy the user chose) in
        place of media ``media_id``: same position, alt text and network; the original
        file is not changed. Raises ValidationError for a bad file, KeyError for an
        unknown media id."""
        post = self._editable(post_id)
        media = next((m for m in self._all_media(post) if m.id == media_id), None)
        if media is None:
            raise KeyError(media_id)
        stored, digest, info = self._store_file(path)
        self.store.replace_media_file(
            media_id,
            path=str(stored),
            sha256=digest,
            size_bytes=info.size_bytes,
            mime=info.mime,
            width=info.width,
            height=info.height,
        )
        self._content_changed(post)
        return next(m for m in self._all_media(self.get(post_id)) if m.id == media_id)

    def media_at(self, post_id: int, network: str | None, index: int) -> MediaFile | None:
        """The ``index``-th (0-based) media file that goes to ``network`` (its own media
        when its version has them, else the shared ones; ``None`` network = shared), as
        a check's ``media:N`` finding names it; None when there is no such file."""
        post = self.get(post_id)
        media = post.media
        variant = post.variants.get(network or "")
        if variant is not None and variant.own_media:
            media = variant.media
        return media[index] if 0 <= index < len(media) else None

    @staticmethod
    def _all_media(post: Post) -> builtins.list[MediaFile]:
        media = builtins.list(post.media)
        for variant in post.variants.values():
            media.extend(variant.media)
        return media

    def remove_media(self, post_id: int, media_id: int) -> None:
        """Detach a media file from the post."""
        post = self._editable(post_id)
        self.store.remove_media(media_id)
        self._content_changed(post)

    # -- per-network variants ------------------------------------------------------
    def variant(self, post_id: int, network: str) -> PostVariant:
        """The post's variant for ``network`` (an empty one = same as the main post)."""
        return self.get(post_id).variant(network) or PostVariant(network)

    def variant_outgoing(self, post_id: int, network: str) -> OutgoingPost:
        """What would go out to ``network`` (variant applied, placeholders not filled)."""
        return outgoing(self.get(post_id), network, self.store.media_dir)

    def set_variant_text(self, post_id: int, network: str, text: str | None) -> None:
        """Save ``network``'s own text (None = "same as main text"). Saved at once."""
        network_class(network)
        post = self._editable(post_id)
        variant_store.save_variant(self.store, post_id, network, now=self.clock.now(), text=text)
        self._content_changed(post)

    def set_variant_link(self, post_id: int, network: str, link: str | None) -> None:
        """Save ``network``'s own link (None = the main link; "" = no link there)."""
        network_class(network)
        post = self._editable(post_id)
        value = None if link is None else link.strip()
        variant_store.save_variant(self.store, post_id, network, now=self.clock.now(), link=value)
        self._content_changed(post)

    def set_variant_own_media(self, post_id: int, network: str, own: bool) -> None:
        """Whether ``network`` uses its own media (True) or the post's shared ones."""
        network_class(network)
        post = self._editable(post_id)
        variant_store.save_variant(
            self.store, post_id, network, now=self.clock.now(), own_media=own
        )
        self._content_changed(post)

    def variant_options(self, post_id: int, network: str) -> PostOptions:
        """The network's options for this post (defaults when never set)."""
        variant = self.get(post_id).variant(network)
        return options_from_json(variant.options if variant else {}, self.store.media_dir)

    def set_variant_options(self, post_id: int, network: str, options: PostOptions) -> None:
        """Save the network's options (YouTube title, X thread, first comment...).

        A ``thumbnail`` outside Pregonero's folder is checked and copied in first (like any
        media), so the stored path stays valid. Raises ValidationError for a bad image.
        """
        network_class(network)
        post = self._editable(post_id)
        thumb = options.thumbnail
        if thumb is not None and not _inside(thumb, self.store.media_dir):
            info = inspect_image(thumb)
            stored, _digest = store_copy(thumb, self.store.media_dir, info)
            options = dataclasses.replace(options, thumbnail=stored)
        variant_store.save_variant(
            self.store,
            post_id,
            network,
            now=self.clock.now(),
            options=options_to_json(options, self.store.media_dir),
        )
        self._content_changed(post)

    def update_variant_options(self, post_id: int, network: str, **changes: Any) -> PostOptions:
        """Change some options of ``network`` (field names of PostOptions); returns them."""
        options = dataclasses.replace(self.variant_options(post_id, network), **changes)
        self.set_variant_options(post_id, network, options)
        return options

    def save_variant(
        self,
        post_id: int,
        network: str,
        *,
        text: str | None,
        link: str | None,
        own_media: bool,
        options: PostOptions,
    ) -> None:
        """Save a whole variant in one go (the composer's tab): ``text``/``link`` None =
        the main post's; ``own_media`` uses the variant's own media; ``options`` as in
        :meth:`set_variant_options` (a thumbnail outside Pregonero's folder is copied in).
        Networks holding the post are updated once. Raises ValidationError."""
        network_class(network)
        post = self._editable(post_id)
        thumb = options.thumbnail
        if thumb is not None and not _inside(thumb, self.store.media_dir):
            info = inspect_image(thumb)
            stored, _digest = store_copy(thumb, self.store.media_dir, info)
            options = dataclasses.replace(options, thumbnail=stored)
        variant_store.save_variant(
            self.store,
            post_id,
            network,
            now=self.clock.now(),
            text=text,
            link=None if link is None else link.strip(),
            own_media=own_media,
            options=options_to_json(options, self.store.media_dir),
        )
        self._content_changed(post)

    def reset_variant(self, post_id: int, network: str) -> None:
        """Forget ``network``'s variant: it goes out as the main post again."""
        post = self._editable(post_id)
        variant_store.delete_variant(self.store, post_id, network)
        self._content_changed(post)

    def set_accounts(self, post_id: int, account_ids: Iterable[int]) -> None:
        """Choose the accounts the post goes to (adds draft deliveries, cancels removed ones)."""
        post = self._editable(post_id)
        wanted = set(account_ids)
        now = self.clock.now()
        for account_id in wanted:
            delivery = self.store.ensure_delivery(post_id, account_id, now)
            if delivery.state == S.CANCELLED:
                self.store.transition(delivery.id, S.DRAFT, "account chosen again", now=now)
        for delivery in _handed_off_first(post):
            if delivery.account_id not in wanted and delivery.state == S.HANDED_OFF:
                self.handoffs.withdraw(delivery, S.CANCELLED, "account removed from the post")
            elif delivery.account_id not in wanted and delivery.state != S.CANCELLED:
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
        problems = self._content_problems(outgoing(post), targets, post)
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
        self, out: OutgoingPost, account_ids: Iterable[int], post: Post | None = None
    ) -> builtins.list[Problem]:
        """Missing accounts or content, accounts to reconnect, and each network's limits
        (on that network's variant of ``post`` when it has one)."""
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
                mine = out
                if post is not None and post.variant(account.network) is not None:
                    mine = outgoing(post, account.network, self.store.media_dir)
                    if not mine.text.strip() and not mine.media and not mine.link:
                        problems.append(
                            Problem(
                                "empty",
                                _("The {network} version has no text, link or photo.").format(
                                    network=network_class(account.network).label
                                ),
                                "text",
                            )
                        )
                problems.extend(network_class(account.network).validate(mine))
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
        self.handoffs.consider(post_id)
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
        for delivery in _handed_off_first(post):
            if delivery.state == S.HANDED_OFF:
                self.handoffs.moved(delivery, when)
            elif delivery.state in QUEUEABLE and delivery.state != S.CANCELLED:
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
        for delivery in _handed_off_first(post):
            if delivery.state == S.HANDED_OFF:
                done = self.handoffs.withdraw(delivery, S.DRAFT, "back to draft by the user")
            else:
                done = self.store.transition(
                    delivery.id,
                    S.DRAFT,
                    "back to draft by the user",
                    now=now,
                    expect=UNSCHEDULABLE - {S.HANDED_OFF},
                )
            if done:
                self.listener.delivery_changed(delivery.id, post.id, S.DRAFT.value)
        self.on_schedule_changed()
        return self.get(post_id)

    def delete(self, post_id: int) -> None:
        """Cancel what is still queued and hide the post; its record is kept."""
        post = self._editable(post_id)
        now = self.clock.now()
        for delivery in _handed_off_first(post):
            if delivery.state == S.HANDED_OFF:
                self.handoffs.withdraw(delivery, S.CANCELLED, "post deleted by the user")
            elif delivery.state != S.CANCELLED:
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
