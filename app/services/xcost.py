"""What publishing on X costs: estimate of one post and of a month's queue.

Prices (USD) — source: shared docs/platforms.md §3.4, compiled from X's pricing page
https://docs.x.com/x-api/getting-started/pricing (pay-per-use credits launched
2026-02-06, update of 2026-04-20; read 2026-08): ``POST /2/tweets`` costs **$0.015 per
post** and **$0.20 when the post contains a URL**. Each part of a thread is a post of
its own. Media uploads, reads for reconciliation ($0.001 per owned read) and replies to
comments are not counted here. X changes these prices: each account can override them
in ``accounts.options`` (keys :data:`OPTION_POST_PRICE` and
:data:`OPTION_URL_POST_PRICE`, decimal strings in USD), e.g. when the developer app is on
another plan.

A "URL" is what X turns into a t.co link: the same detection as the counting
(:func:`app.networks.twitter_text.extract_urls`), including ``post.link``, which goes
into the first part's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from app.models import Account, DeliveryState
from app.networks import twitter_text
from app.networks.base import OutgoingPost, PostOptions
from app.networks.x import thread_parts
from app.storage.repository import Store
from app.timeutil import local_to_utc

NETWORK_KEY = "x"
PRICES_CHECKED = "2026-08"
"""When the default prices were last compared with X's pricing page."""
DEFAULT_POST_PRICE = Decimal("0.015")
DEFAULT_URL_POST_PRICE = Decimal("0.20")
OPTION_POST_PRICE = "x_price_per_post_usd"
OPTION_URL_POST_PRICE = "x_price_per_post_with_url_usd"

QUEUED_STATES = frozenset({DeliveryState.SCHEDULED, DeliveryState.PAUSED})
"""Deliveries counted as "will be paid when they go out"."""


@dataclass(frozen=True)
class XPrices:
    """Price of one post (USD): without and with a URL."""

    per_post: Decimal = DEFAULT_POST_PRICE
    per_post_with_url: Decimal = DEFAULT_URL_POST_PRICE


def _price(value: object, default: Decimal) -> Decimal:
    try:
        price = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default
    return price if price.is_finite() and price >= 0 else default


def prices_from_options(options: Mapping[str, Any] | None) -> XPrices:
    """The account's prices from its ``options`` (defaults for missing/bad values)."""
    options = options or {}
    return XPrices(
        _price(options.get(OPTION_POST_PRICE, DEFAULT_POST_PRICE), DEFAULT_POST_PRICE),
        _price(options.get(OPTION_URL_POST_PRICE, DEFAULT_URL_POST_PRICE), DEFAULT_URL_POST_PRICE),
    )


def prices_for(account: Account) -> XPrices:
    """:func:`prices_from_options` of ``account.options``."""
    return prices_from_options(account.options)


def options_with_prices(options: Mapping[str, Any] | None, prices: XPrices) -> dict[str, Any]:
    """A copy of ``options`` with ``prices`` stored as decimal strings (to save in
    ``accounts.options``)."""
    out = dict(options or {})
    out[OPTION_POST_PRICE] = str(prices.per_post)
    out[OPTION_URL_POST_PRICE] = str(prices.per_post_with_url)
    return out


@dataclass(frozen=True)
class PostCost:
    """Estimated cost of one post: ``parts`` posts (thread parts included), of which
    ``parts_with_url`` contain a URL; ``total`` in USD."""

    parts: int
    parts_with_url: int
    total: Decimal

    def __add__(self, other: PostCost) -> PostCost:
        return PostCost(
            self.parts + other.parts,
            self.parts_with_url + other.parts_with_url,
            self.total + other.total,
        )


NO_COST = PostCost(0, 0, Decimal("0"))


def estimate_parts(parts: Sequence[str], prices: XPrices | None = None) -> PostCost:
    """Cost of publishing ``parts`` (each a post; blank parts are not sent)."""
    prices = prices or XPrices()
    sent = [p for p in parts if p.strip()]
    with_url = sum(1 for p in sent if twitter_text.extract_urls(p))
    total = prices.per_post_with_url * with_url + prices.per_post * (len(sent) - with_url)
    return PostCost(len(sent), with_url, total)


def estimate_post(
    text: str,
    *,
    link: str | None = None,
    thread: Sequence[str] = (),
    prices: XPrices | None = None,
    has_media: bool = False,
) -> PostCost:
    """Cost of one X post as the composer has it (text, optional link, thread parts).

    Cheap enough to call on every keystroke. A post with only media still costs one post.
    """
    out = OutgoingPost(text, link=link or None, options=PostOptions(thread=tuple(thread)))
    parts = thread_parts(out)
    if has_media and not parts[0].strip():
        parts[0] = " "  # a media-only first part is still one post
        cost = estimate_parts(parts[1:], prices)
        return PostCost(
            cost.parts + 1, cost.parts_with_url, cost.total + (prices or XPrices()).per_post
        )
    return estimate_parts(parts, prices)


def estimate_outgoing(post: OutgoingPost, prices: XPrices | None = None) -> PostCost:
    """Cost of an :class:`OutgoingPost` (what a delivery sends)."""
    return estimate_post(
        post.text,
        link=post.link,
        thread=post.options.thread,
        prices=prices,
        has_media=bool(post.media),
    )


@dataclass(frozen=True)
class AccountMonthCost:
    """One X account's month: ``queued`` (scheduled or paused deliveries due in the
    month) and ``spent`` (deliveries published in the month)."""

    account_id: int
    account_name: str
    prices: XPrices
    queued: PostCost = NO_COST
    spent: PostCost = NO_COST
    queued_posts: int = 0
    spent_posts: int = 0


@dataclass(frozen=True)
class MonthCost:
    """X cost of a calendar month in ``zone``: per account and in total (USD)."""

    year: int
    month: int
    zone: str
    accounts: tuple[AccountMonthCost, ...] = field(default_factory=tuple)

    @property
    def queued(self) -> PostCost:
        """Everything still to go out this month."""
        total = NO_COST
        for a in self.accounts:
            total = total + a.queued
        return total

    @property
    def spent(self) -> PostCost:
        """Everything already published this month."""
        total = NO_COST
        for a in self.accounts:
            total = total + a.spent
        return total


def month_bounds(year: int, month: int, zone: str) -> tuple[datetime, datetime]:
    """``[start, end)`` of a calendar month in ``zone``, as aware UTC instants."""
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    start = local_to_utc(datetime.combine(first, time(0, 0)), zone)
    end = local_to_utc(datetime.combine(nxt, time(0, 0)), zone)
    return start, end


def estimate_month(store: Store, year: int, month: int, zone: str) -> MonthCost:
    """X cost of the month ``year``-``month`` in ``zone`` (the user's zone, e.g.
    ``Settings(store).timezone``), for every X account, with each account's prices.

    A delivery counts as *queued* when it is scheduled or paused and due within the
    month, and as *spent* when it was published within the month. Each thread part is a
    post; a part with a URL costs the URL price. Text comes from
    :func:`app.services.campaigns.rendered_outgoing` for X (the post's X version with its
    own text, link and thread parts; placeholders filled).
    """
    from app.services.campaigns import rendered_outgoing

    start, end = month_bounds(year, month, zone)
    rows: list[AccountMonthCost] = []
    for account in store.list_accounts():
        if account.network != NETWORK_KEY:
            continue
        prices = prices_for(account)
        queued, spent = NO_COST, NO_COST
        n_queued = n_spent = 0
        deliveries = store.deliveries_in(
            set(QUEUED_STATES) | {DeliveryState.PUBLISHED}, account_id=account.id
        )
        for delivery in deliveries:
            if delivery.state == DeliveryState.PUBLISHED:
                when = delivery.published_at
            else:
                when = delivery.due_at
            if when is None or not start <= when < end:
                continue
            try:
                post = store.get_post(delivery.post_id)
            except KeyError:
                continue
            cost = estimate_outgoing(rendered_outgoing(store, post, NETWORK_KEY), prices)
            if delivery.state == DeliveryState.PUBLISHED:
                spent, n_spent = spent + cost, n_spent + 1
            else:
                queued, n_queued = queued + cost, n_queued + 1
        rows.append(
            AccountMonthCost(account.id, account.name, prices, queued, spent, n_queued, n_spent)
        )
    return MonthCost(year, month, zone, tuple(rows))


def format_usd(amount: Decimal) -> str:
    """``Decimal("0.215")`` -> ``"$0.215"`` (at least 2 decimals, at most 3)."""
    quantized = amount.quantize(Decimal("0.001"))
    text = f"{quantized:.3f}"
    if text.endswith("0"):
        text = text[:-1]
    return f"${text}"
