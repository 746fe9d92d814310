"""SQL of per-network variants (``post_variants``), a delivery's resumable work
(``deliveries.progress``) and per-account options (``accounts.options``).

Functions take the :class:`app.storage.repository.Store`; every write is one
transaction. Media paths are stored relative to the store's media folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from app.models import MediaFile, PostVariant
from app.networks.base import PostOptions
from app.storage.repository import Store, _json_dict, _relative, media_from_row
from app.timeutil import to_iso

#: PostOptions fields kept in ``post_variants.options`` (JSON names = field names).
_OPTION_FIELDS = tuple(PostOptions.__dataclass_fields__)
_TUPLES = {"tags", "thread"}
_BOOLS = {"made_for_kids", "share_to_feed"}


def options_to_json(options: PostOptions, media_dir: Path) -> dict[str, Any]:
    """The JSON form of ``options``: only fields that differ from the defaults; tuples as
    lists; ``thumbnail`` as a path relative to ``media_dir`` when inside it."""
    default = PostOptions()
    out: dict[str, Any] = {}
    for name in _OPTION_FIELDS:
        value = getattr(options, name)
        if value == getattr(default, name):
            continue
        if name == "thumbnail":
            out[name] = _relative(str(value), media_dir)
        elif name in _TUPLES:
            out[name] = list(value)
        else:
            out[name] = value
    return out


def options_from_json(data: dict[str, Any], media_dir: Path) -> PostOptions:
    """:class:`PostOptions` from its JSON form (unknown keys and bad types ignored;
    a relative ``thumbnail`` resolved inside ``media_dir``)."""
    default = PostOptions()
    values: dict[str, Any] = {}
    for name in _OPTION_FIELDS:
        if name not in data:
            continue
        raw = data[name]
        if name == "thumbnail":
            if isinstance(raw, str) and raw:
                path = Path(raw)
                values[name] = path if path.is_absolute() else media_dir / path
        elif name in _TUPLES:
            if isinstance(raw, list):
                values[name] = tuple(str(x) for x in raw)
        elif name in _BOOLS:
            values[name] = bool(raw)
        elif isinstance(raw, str):
            values[name] = raw
    return PostOptions(**{**{n: getattr(default, n) for n in _OPTION_FIELDS}, **values})


def load_variants(store: Store, post_id: int) -> dict[str, PostVariant]:
    """``{network: variant}`` of a post, each with its own media (by position)."""
    variants: dict[str, PostVariant] = {}
    for row in store._rows("SELECT * FROM post_variants WHERE post_id = ?", (post_id,)):
        variants[row["network"]] = PostVariant(
            network=row["network"],
            text=row["text"],
            link=row["link"],
            own_media=bool(row["own_media"]),
            options=_json_dict(row["options"]),
        )
    for row in store._rows(
        "SELECT * FROM media WHERE post_id = ? AND network != '' ORDER BY position, id",
        (post_id,),
    ):
        variant = variants.setdefault(row["network"], PostVariant(row["network"]))
        variant.media.append(media_from_row(row, store.media_dir))
    return variants


_UNSET: Any = object()


def save_variant(
    store: Store,
    post_id: int,
    network: str,
    *,
    now: Any,
    text: str | None = _UNSET,
    link: str | None = _UNSET,
    own_media: bool = _UNSET,
    options: dict[str, Any] = _UNSET,
) -> None:
    """Create or update the variant of ``network``; only the given fields change.

    ``now`` (aware UTC) becomes the post's ``updated_at``.
    """
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO post_variants(post_id, network) VALUES (?, ?)",
            (post_id, network),
        )
        sets: dict[str, Any] = {}
        if text is not _UNSET:
            sets["text"] = text
        if link is not _UNSET:
            sets["link"] = link
        if own_media is not _UNSET:
            sets["own_media"] = 1 if own_media else 0
        if options is not _UNSET:
            sets["options"] = json.dumps(options, ensure_ascii=False, sort_keys=True)
        if sets:
            assignments = ", ".join(f"{k} = ?" for k in sets)
            conn.execute(
                f"UPDATE post_variants SET {assignments} WHERE post_id = ? AND network = ?",
                (*sets.values(), post_id, network),
            )
        conn.execute("UPDATE posts SET updated_at = ? WHERE id = ?", (to_iso(now), post_id))


def delete_variant(store: Store, post_id: int, network: str) -> None:
    """Forget the variant of ``network`` and its own media rows (files stay)."""
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM post_variants WHERE post_id = ? AND network = ?", (post_id, network)
        )
        conn.execute("DELETE FROM media WHERE post_id = ? AND network = ?", (post_id, network))


def media_network(store: Store, media_id: int) -> str | None:
    """The ``network`` column of a media row ('' = shared), None if there is no such row."""
    rows = store._rows("SELECT network FROM media WHERE id = ?", (media_id,))
    return rows[0]["network"] if rows else None


def set_media_network(store: Store, media_id: int, network: str) -> None:
    """Make a media row belong to one network's variant ('' = shared)."""
    with store.transaction() as conn:
        conn.execute("UPDATE media SET network = ? WHERE id = ?", (network, media_id))


def all_media(store: Store, post_id: int) -> list[MediaFile]:
    """Every media row of the post, shared and per network, by position."""
    return [
        media_from_row(r, store.media_dir)
        for r in store._rows(
            "SELECT * FROM media WHERE post_id = ? ORDER BY position, id", (post_id,)
        )
    ]


# -- resumable work of a delivery -------------------------------------------------------
def save_progress(store: Store, delivery_id: int, data: dict[str, Any]) -> None:
    """Write ``deliveries.progress`` of one delivery now (its own transaction, so a
    crash right after keeps it). ``data`` must be JSON-able."""
    with store.transaction() as conn:
        conn.execute(
            "UPDATE deliveries SET progress = ? WHERE id = ?",
            (json.dumps(data, ensure_ascii=False, sort_keys=True), delivery_id),
        )


def clear_progress(store: Store, delivery_id: int) -> None:
    """Forget a delivery's resumable work (after it was published or given up)."""
    save_progress(store, delivery_id, {})


# -- per-account options ----------------------------------------------------------------
def set_account_option(store: Store, account_id: int, key: str, value: Any) -> None:
    """Set one key of ``accounts.options`` (JSON), keeping the others; read-modify-write in
    one transaction. ``value`` None removes the key."""
    with store.transaction() as conn:
        row = conn.execute("SELECT options FROM accounts WHERE id = ?", (account_id,)).fetchone()
        if row is None:
            raise KeyError(account_id)
        options = _json_dict(row[0])
        if value is None:
            options.pop(key, None)
        else:
            options[key] = value
        conn.execute(
            "UPDATE accounts SET options = ? WHERE id = ?",
            (json.dumps(options, ensure_ascii=False, sort_keys=True), account_id),
        )
