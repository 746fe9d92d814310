"""X through the publishing service (sample posts, lost answers) and the cost estimate."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app import cli
from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
from app.models import Post
from app.networks.base import OutgoingMedia, OutgoingPost, PostOptions
from app.services.xcost import (
    OPTION_POST_PRICE,
    OPTION_URL_POST_PRICE,
    XPrices,
    estimate_month,
    estimate_outgoing,
    estimate_parts,
    estimate_post,
    format_usd,
    month_bounds,
    options_with_prices,
    prices_from_options,
)
from tests.fakes.x import FakeX, running_x

SHARED = Path("/work/shared")
SAMPLES = json.loads((SHARED / "samples" / "posts.json").read_text(encoding="utf-8"))
USER, TOKEN = "1500000000000000001", "x-token-service-secret"
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def sample(post_id: str) -> dict[str, Any]:
    return next(p for p in SAMPLES["posts"] if p["id"] == post_id)


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[AppContext, FakeX]]:
    clock = FixedClock(NOW)
    with running_x({USER: TOKEN}, clock=lambda: clock.now().timestamp()) as fake:
        fake.add_user(USER, TOKEN, "empleo_region", "Agencia Regional de Empleo")
        monkeypatch.setenv("PREGONERO_X_API", fake.url)
        context = AppContext(tmp_path / "p.sqlite3", clock=clock)
        context.accounts.connect("x", name="Empleo X", remote_id=USER, token=TOKEN)
        yield context, fake
        context.close()


def scheduled(context: AppContext, text: str, minutes: int = 5, link: str | None = None) -> Post:
    account = context.accounts.by_name("Empleo X")
    return context.posts.create_scheduled(
        text=text,
        link=link,
        media=[],
        account_ids=[account.id],
        when=NOW + timedelta(minutes=minutes),
        tz="Europe/Madrid",
    )


def publish_due(context: AppContext, post: Post) -> S:
    assert isinstance(context.clock, FixedClock)
    context.clock.advance(600)
    return context.publishing.publish(post.deliveries[0].id)


# --------------------------------------------------------------------- end to end


def test_emoji_heavy_sample_goes_out_once(ctx: tuple[AppContext, FakeX]) -> None:
    context, fake = ctx
    text = sample("x-long-emoji")["text"]["es"]
    post = scheduled(context, text)
    assert publish_due(context, post) == S.PUBLISHED
    (tweet,) = fake.tweets(USER)
    assert tweet["text"] == text
    delivery = context.store.get_delivery(post.deliveries[0].id)
    assert delivery.remote_id == tweet["id"]
    assert delivery.permalink == f"https://x.com/i/web/status/{tweet['id']}"


def test_lost_answer_is_reconciled_not_resent(ctx: tuple[AppContext, FakeX]) -> None:
    context, fake = ctx
    text = sample("pf-reminder")["text"]["es"]
    post = scheduled(context, text)
    fake.drop_after_create_next(r"^/2/tweets$")
    assert publish_due(context, post) == S.PUBLISHED
    assert len(fake.tweets(USER)) == 1
    reasons = [e.reason for e in context.store.events(post_id=post.id)]
    assert "outcome unknown" in reasons


def test_rate_limited_is_retried_later(ctx: tuple[AppContext, FakeX]) -> None:
    context, fake = ctx
    post = scheduled(context, "Hola")
    fake.rate_limit_next(r"^/2/tweets$", reset_in=40)
    state = publish_due(context, post)
    assert state == S.SCHEDULED
    delivery = context.store.get_delivery(post.deliveries[0].id)
    assert delivery.due_at is not None and delivery.due_at >= context.clock.now() + timedelta(
        seconds=30
    )
    assert fake.tweets(USER) == []


# --------------------------------------------------------------------- cost estimate


def test_prices_and_estimates() -> None:
    assert XPrices() == XPrices(Decimal("0.015"), Decimal("0.20"))
    assert prices_from_options({OPTION_POST_PRICE: "0.02", OPTION_URL_POST_PRICE: "bad"}) == (
        XPrices(Decimal("0.02"), Decimal("0.20"))
    )
    assert prices_from_options(options_with_prices({"x": 1}, XPrices(Decimal("0.1"), Decimal("1"))))
    assert prices_from_options({OPTION_POST_PRICE: "-1"}).per_post == Decimal("0.015")
    assert estimate_post("Hola").total == Decimal("0.015")
    assert estimate_post("Mira empleo.example.es/cursos").total == Decimal("0.20")
    assert estimate_post("Hola", link="https://empleo.example.es").parts_with_url == 1
    thread = sample("x-thread-requisitos")["thread"]
    cost = estimate_post(thread[0], thread=thread[1:])
    assert (cost.parts, cost.parts_with_url) == (4, 1)
    assert cost.total == Decimal("0.015") * 3 + Decimal("0.20")
    assert estimate_parts(["a", "  ", "b"]).parts == 2
    media = OutgoingMedia(Path("x.jpg"), "", "image/jpeg", 1)
    assert estimate_outgoing(OutgoingPost("", media=(media,))).parts == 1
    cheap = XPrices(Decimal("0.01"), Decimal("0.10"))
    assert estimate_outgoing(
        OutgoingPost("a https://x.es/1", options=PostOptions(thread=("b",))), cheap
    ).total == Decimal("0.11")
    assert format_usd(Decimal("0.215")) == "$0.215" and format_usd(Decimal("0.2")) == "$0.20"


def test_month_bounds_in_the_users_zone() -> None:
    start, end = month_bounds(2027, 1, "Europe/Madrid")
    assert start == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert end == datetime(2027, 1, 31, 23, 0, tzinfo=UTC)
    assert month_bounds(2027, 12, "UTC")[1] == datetime(2028, 1, 1, tzinfo=UTC)


def test_month_queue_and_spent(ctx: tuple[AppContext, FakeX]) -> None:
    context, _fake = ctx
    first = scheduled(context, "Uno")
    scheduled(context, "Dos con enlace https://empleo.example.es/x", minutes=60)
    scheduled(context, "Tres", minutes=60 * 24 * 30)  # February in Madrid
    scheduled(context, "Cuatro", link="https://empleo.example.es/y", minutes=120)
    month = estimate_month(context.store, 2027, 1, "Europe/Madrid")
    (account,) = month.accounts
    assert account.queued_posts == 3 and account.queued.parts_with_url == 2
    assert month.queued.total == Decimal("0.015") + 2 * Decimal("0.20")
    assert publish_due(context, first) == S.PUBLISHED
    month = estimate_month(context.store, 2027, 1, "Europe/Madrid")
    assert month.spent.total == Decimal("0.015") and month.accounts[0].spent_posts == 1
    assert month.queued.total == 2 * Decimal("0.20")
    feb = estimate_month(context.store, 2027, 2, "Europe/Madrid")
    assert feb.queued.parts == 1


def test_cli_month_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_x({USER: TOKEN}) as fake:
        monkeypatch.setenv("PREGONERO_X_API", fake.url)
        context = AppContext()
        account = context.accounts.connect("x", name="Empleo X", remote_id=USER, token=TOKEN)
        when = datetime.now(UTC) + timedelta(days=2)
        context.posts.create_scheduled(
            text="Enlace https://empleo.example.es",
            link=None,
            media=[],
            account_ids=[account.id],
            when=when,
            tz="UTC",
        )
        context.settings.store.set_setting("timezone", "UTC")
        context.close()
        month = f"{when.year}-{when.month:02d}"
        assert cli.main(["x-cost", "--month", month]) == 0
        out = capsys.readouterr().out
        assert "Empleo X" in out and "$0.20" in out and "1 with a link" in out
        assert cli.main(["x-cost", "--month", "2027-13"]) == 1
        assert cli.main(["x-cost", "--post", "1"]) == 0
        assert "Post #1 on X: 1 posts (1 with a link): $0.20" in capsys.readouterr().out


def test_month_estimate_uses_the_x_version_and_its_thread(
    ctx: tuple[AppContext, FakeX],
) -> None:
    # The composer's X tab shows its own text and thread parts priced; the month's
    # estimate (status bar, `pregonero x-cost`) used to price the main text only.
    context, _fake = ctx
    post = scheduled(context, "Texto principal sin enlace")
    context.posts.save_variant(
        post.id,
        "x",
        text="Solo en X: https://empleo.example.es/x",
        link=None,
        own_media=False,
        options=PostOptions(thread=("Segunda parte https://empleo.example.es/y", "Tercera")),
    )
    expected = 2 * Decimal("0.20") + Decimal("0.015")
    month = estimate_month(context.store, 2027, 1, "Europe/Madrid")
    assert month.queued.parts == 3 and month.queued.parts_with_url == 2
    assert month.queued.total == expected


def test_cli_post_estimate_uses_the_x_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with running_x({USER: TOKEN}) as fake:
        monkeypatch.setenv("PREGONERO_X_API", fake.url)
        context = AppContext()
        account = context.accounts.connect("x", name="Empleo X", remote_id=USER, token=TOKEN)
        post = context.posts.create_draft(text="Principal", tz="UTC", account_ids=[account.id])
        context.posts.save_variant(
            post.id,
            "x",
            text="Solo en X: https://empleo.example.es/x",
            link=None,
            own_media=False,
            options=PostOptions(thread=("Segunda https://empleo.example.es/y", "Tercera")),
        )
        context.close()
        assert cli.main(["x-cost", "--post", str(post.id)]) == 0
        assert "3 posts (2 with a link): $0.415" in capsys.readouterr().out
