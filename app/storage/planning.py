"""Read-side SQL for the calendar and rescheduling (issue 6), in batches.

:meth:`Store.list_posts` reads media and deliveries post by post; the calendar asks
for a month of posts out of thousands, so these queries read a time range with
three statements whatever the number of posts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from app.models import Delivery, MediaFile, Post
from app.storage.repository import Store, delivery_from_row, media_from_row, post_from_row
from app.timeutil import to_iso


def _fill(store: Store, posts: list[Post]) -> list[Post]:
    """Attach media and deliveries to ``posts`` with one query each per 500 posts."""
    by_id = {p.id: p for p in posts}
    ids = list(by_id)
    media: dict[int, list[MediaFile]] = defaultdict(list)
    deliveries: dict[int, list[Delivery]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _i in chunk)
        for r in store.db.query(
            f"SELECT * FROM media WHERE post_id IN ({marks}) AND network = ''"
            " ORDER BY position, id",
            chunk,
        ):
            media[r["post_id"]].append(media_from_row(r, store.media_dir))
        for r in store.db.query(
            f"SELECT * FROM deliveries WHERE post_id IN ({marks}) ORDER BY id", chunk
        ):
            deliveries[r["post_id"]].append(delivery_from_row(r))
    for post_id, post in by_id.items():
        post.media = media.get(post_id, [])
        post.deliveries = deliveries.get(post_id, [])
    return posts


def posts_between(store: Store, start: datetime, end: datetime) -> list[Post]:
    """Live posts whose time is in ``[start, end)`` (aware instants), by time, filled."""
    rows = store.db.query(
        "SELECT * FROM posts WHERE deleted_at IS NULL AND due_at >= ? AND due_at < ? "
        "ORDER BY due_at, id",
        (to_iso(start), to_iso(end)),
    )
    return _fill(store, [post_from_row(r) for r in rows])


def posts_by_ids(store: Store, post_ids: list[int]) -> list[Post]:
    """The live posts among ``post_ids``, filled, in the order asked (missing ones left out)."""
    found: dict[int, Post] = {}
    for start in range(0, len(post_ids), 500):
        chunk = post_ids[start : start + 500]
        marks = ", ".join("?" for _i in chunk)
        for r in store.db.query(
            f"SELECT * FROM posts WHERE deleted_at IS NULL AND id IN ({marks})", chunk
        ):
            found[r["id"]] = post_from_row(r)
    _fill(store, list(found.values()))
    return [found[i] for i in post_ids if i in found]


def pinned_post_ids(store: Store, key_date_id: int) -> list[int]:
    """Ids of the live posts pinned to key date ``key_date_id``, by time."""
    rows = store.db.query(
        "SELECT id FROM posts WHERE deleted_at IS NULL AND pin_key_date_id = ? ORDER BY due_at, id",
        (key_date_id,),
    )
    return [int(r["id"]) for r in rows]


def key_date_names(store: Store, campaign_id: int) -> dict[str, str]:
    """``{key date name: ISO date}`` of a campaign (empty if it has none)."""
    rows = store.db.query("SELECT name, date FROM key_dates WHERE campaign_id = ?", (campaign_id,))
    return {r["name"]: r["date"] for r in rows}
