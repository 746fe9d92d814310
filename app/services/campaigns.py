"""Campaigns, their key dates, posts pinned to them and the text placeholders they fill."""

from __future__ import annotations

import builtins
import dataclasses
import sqlite3
from datetime import date, datetime, time, timedelta

from app.clock import Clock
from app.errors import ValidationError
from app.events import PublishListener
from app.i18n import _
from app.models import Campaign, KeyDate, Post
from app.networks.base import OutgoingPost
from app.placeholders import render
from app.services.posts import outgoing
from app.services.reschedule import MovePlan, RescheduleService
from app.storage import planning
from app.storage.repository import Store
from app.timeutil import local_to_utc


class CampaignService:
    """Create campaigns and key dates, pin posts, render placeholders.

    Moving a key date that posts are pinned to goes through ``reschedule`` (preview,
    then apply); a new key date or one nobody is pinned to is just saved.
    """

    def __init__(
        self,
        store: Store,
        clock: Clock,
        listener: PublishListener,
        reschedule: RescheduleService,
    ) -> None:
        self.store = store
        self.clock = clock
        self.listener = listener
        self.reschedule = reschedule

    # -- reading -------------------------------------------------------------------
    def list(self) -> list[Campaign]:
        """Every campaign with its key dates, by name."""
        return self.store.list_campaigns()

    def get(self, campaign_id: int) -> Campaign:
        """The campaign. Raises ValidationError if it does not exist."""
        try:
            return self.store.get_campaign(campaign_id)
        except KeyError:
            raise ValidationError(
                _("There is no campaign number {id}.").format(id=campaign_id),
                code="unknown_campaign",
            ) from None

    def find(self, name: str) -> Campaign | None:
        """The campaign called ``name`` or None."""
        return self.store.find_campaign(name.strip())

    def key_date(self, key_date_id: int) -> KeyDate:
        """The key date. Raises ValidationError if it does not exist."""
        for campaign in self.list():
            for kd in campaign.key_dates:
                if kd.id == key_date_id:
                    return kd
        raise ValidationError(
            _("There is no key date number {id}.").format(id=key_date_id), code="unknown_key_date"
        )

    def key_dates_of(self, post: Post) -> dict[str, date]:
        """``{name: date}`` of the key dates of the post's campaign (empty if none)."""
        if post.campaign_id is None:
            return {}
        names = planning.key_date_names(self.store, post.campaign_id)
        return {name: date.fromisoformat(day) for name, day in names.items()}

    def rendered_text(self, post: Post) -> str:
        """The post's text with its placeholders filled in its language (what goes out)."""
        return render(post.text, self.key_dates_of(post), post.language)

    def pinned_posts(self, key_date_id: int) -> builtins.list[Post]:
        """The live posts pinned to the key date, by time."""
        ids = planning.pinned_post_ids(self.store, key_date_id)
        return planning.posts_by_ids(self.store, ids)

    # -- writing -------------------------------------------------------------------
    def create(self, name: str) -> Campaign:
        """A new campaign. Raises ValidationError for an empty or already used name."""
        name = name.strip()
        if not name:
            raise ValidationError(_("Give the campaign a name."), code="empty_name")
        try:
            campaign = self.store.add_campaign(name, self.clock.now())
        except sqlite3.IntegrityError:
            raise ValidationError(
                _("There is already a campaign called “{name}”.").format(name=name),
                code="duplicate_campaign",
            ) from None
        self.listener.data_changed()
        return campaign

    def add_key_date(self, campaign_id: int, name: str, day: date) -> KeyDate:
        """Add the key date ``name`` on ``day``. Raises ValidationError if it exists."""
        campaign = self.get(campaign_id)
        name = name.strip()
        if not name:
            raise ValidationError(_("Give the key date a name."), code="empty_name")
        if any(kd.name == name for kd in campaign.key_dates):
            raise ValidationError(
                _("{campaign} already has a key date called “{name}”.").format(
                    campaign=campaign.name, name=name
                ),
                code="duplicate_key_date",
            )
        kd = self.store.set_key_date(campaign_id, name, day)
        self.listener.data_changed()
        return kd

    def preview_key_date(self, key_date_id: int, day: date) -> MovePlan:
        """What moving the key date to ``day`` does to its pinned posts (nothing changes)."""
        return self.reschedule.key_date(key_date_id, day)

    def pin(
        self,
        post_id: int,
        key_date_id: int,
        offset_days: int,
        at: str,
    ) -> Post:
        """Pin a post ``offset_days`` from a key date (negative = before) at local ``at`` "HH:MM".

        The post joins the key date's campaign; its time becomes the pinned one (a
        scheduled post is moved with the usual checks). Raises ValidationError for a
        bad time, a time in the past or one DST skips; nothing changes then.
        """
        kd = self.key_date(key_date_id)
        hour = _parse_hhmm(at)
        post = self.store.get_post(post_id)
        local = datetime.combine(kd.date + timedelta(days=offset_days), hour)
        plan = self.reschedule.to_local(post_id, local) if post.due_at else None
        if plan is not None and plan.refused:
            raise ValidationError(plan.refused[0].problem, code="cannot_pin")
        now = self.clock.now()
        due = local_to_utc(local, post.tz, fold=0)  # raises for a time DST skips
        self.store.update_post(
            post_id,
            now=now,
            campaign_id=kd.campaign_id,
            pin_key_date_id=kd.id,
            pin_offset_days=offset_days,
            pin_time=hour.strftime("%H:%M"),
        )
        if plan is not None:  # planned again: the move now sees the new pin
            self.reschedule.apply(self.reschedule.to_local(post_id, local))
        else:
            self.store.update_post(post_id, now=now, due_at=due)
        self.listener.data_changed()
        return self.store.get_post(post_id)

    def unpin(self, post_id: int) -> None:
        """Unpin a post; it stays in its campaign at its current time."""
        self.store.update_post(
            post_id,
            now=self.clock.now(),
            pin_key_date_id=None,
            pin_offset_days=None,
            pin_time=None,
        )
        self.listener.data_changed()

    def set_campaign(self, post_id: int, campaign_id: int | None) -> None:
        """Put a post in a campaign (None: in none; it is unpinned then)."""
        fields: dict[str, object] = {"campaign_id": campaign_id}
        if campaign_id is None:
            fields.update(pin_key_date_id=None, pin_offset_days=None, pin_time=None)
        self.store.update_post(post_id, now=self.clock.now(), **fields)
        self.listener.data_changed()


def _parse_hhmm(text: str) -> time:
    try:
        hour, minute = (int(part) for part in text.strip().split(":"))
        return time(hour, minute)
    except ValueError:
        raise ValidationError(
            _("Write the time as HH:MM, for example 10:00 (got “{text}”).").format(text=text),
            code="bad_time",
        ) from None


def rendered_outgoing(store: Store, post: Post, network: str = "") -> OutgoingPost:
    """What a delivery of ``post`` to ``network`` sends: :func:`app.services.posts.outgoing`
    (the network's variant when it has one) with the key-date placeholders of its campaign
    filled in the post's language, in the text, the thread parts, the first comment and
    the title. ``network`` "" = the main post."""
    out = outgoing(post, network, store.media_dir)
    if post.campaign_id is None:
        return out
    names = planning.key_date_names(store, post.campaign_id)
    key_dates = {name: date.fromisoformat(day) for name, day in names.items()}

    def fill(text: str) -> str:
        return render(text, key_dates, post.language) if "{" in text else text

    options = dataclasses.replace(
        out.options,
        title=fill(out.options.title),
        first_comment=fill(out.options.first_comment),
        thread=tuple(fill(part) for part in out.options.thread),
    )
    return dataclasses.replace(out, text=fill(out.text), options=options)
