"""Read-side SQL for the calendar and rescheduling (issue 6), in batches.

:meth:`Store.list_posts` reads media and deliveries post by post; the calendar asks
for a month of posts out of thousands, so these queries read a time range with
three statements whatever the number of posts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from app.models import Delivery, DeliveryState, MediaFile, Post
from app.storage.repository import Store
from app.timeutil import from_iso, to_iso


def _post(row: dict[str, Any]) -> Post:
    return Post(
        id=row["id"],
        text=row["text"],
        link=row["link"],
        due_at=from_iso(row["due_at"]),
        tz=row["tz"],
        created_at=from_iso(row["created_at"]),  # type: ignore[arg-type]
        updated_at=from_iso(row["updated_at"]),  # type: ignore[arg-type]
        campaign_id=row["campaign_id"],
        pin_key_date_id=row["pin_key_date_id"],
        pin_offset_days=row["pin_offset_days"],
        pin_time=row["pin_time"],
        language=row["language"],
        import_key=row["import_key"],
        review_note=row.get("review_note") or "",
    )


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
            f"SELECT * FROM media WHERE post_id IN ({marks}) ORDER BY position, id", chunk
        ):
            media[r["post_id"]].append(
                MediaFile(**{k: r[k] for k in MediaFile.__dataclass_fields__})
            )
        for r in store.db.query(
            f"SELECT * FROM deliveries WHERE post_id IN ({marks}) ORDER BY id", chunk
        ):
            deliveries[r["post_id"]].append(
                Delivery(
                    id=r["id"],
                    post_id=r["post_id"],
                    account_id=r["account_id"],
                    state=DeliveryState(r["state"]),
                    due_at=from_iso(r["due_at"]),
                    attempts=r["attempts"],
                    claimed_at=from_iso(r["claimed_at"]),
                    published_at=from_iso(r["published_at"]),
                    remote_id=r["remote_id"],
                    permalink=r["permalink"],
                    last_error=r["last_error"],
                    updated_at=from_iso(r["updated_at"]),  # type: ignore[arg-type]
                )
            )
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
    return _fill(store, [_post(r) for r in rows])


def posts_by_ids(store: Store, post_ids: list[int]) -> list[Post]:
    """The live posts among ``post_ids``, filled, in the order asked (missing ones left out)."""
    found: dict[int, Post] = {}
    for start in range(0, len(post_ids), 500):
        chunk = post_ids[start : start + 500]
        marks = ", ".join("?" for _i in chunk)
        for r in store.db.query(
            f"SELECT * FROM posts WHERE deleted_at IS NULL AND id IN ({marks})", chunk
        ):
            found[r["id"]] = _post(r)
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
