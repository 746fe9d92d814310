"""Instagram's publishing quota: refusing to schedule beyond it, with a clear message."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from app.checks.quota import busiest_window, quota_findings
from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
from app.networks.instagram import Instagram
from app.services.checking import CheckErrors
from app.services.quota import cached_quota, refresh_quota
from tests.support.stubnet import StubNetwork, stub_factory

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)
MEDIA = Path("/work/shared/samples/media")


def test_busiest_window_counts_any_24_hours_around_the_post() -> None:
    when = NOW + 10 * H
    others = [NOW, NOW + 5 * H, NOW + 30 * H, NOW + 33 * H, NOW - 20 * H]
    assert busiest_window(when, others) == (3, NOW)
    assert quota_findings(when, others, 3) == []
    [finding] = quota_findings(when, others, 2, account="@empleo", tz="Europe/Madrid")
    assert (finding.code, finding.severity, finding.network) == (
        "publish_quota",
        "error",
        "instagram",
    )
    assert "at most 2 posts in any 24 hours" in finding.message
    assert "there would be 3 between 2027-01-10 10:00 and 2027-01-11 10:00" in finding.message
    assert "@empleo" in finding.message


class QuotaClient:
    def publishing_limit(self) -> tuple[int, int, int]:
        return (1, 2, 86400)


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    StubNetwork.reset()
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    context.accounts.connect("instagram", name="IG", remote_id="1784", token="tok-ig")
    context.accounts.connect("facebook", name="FB", remote_id="111", token="tok-111")
    yield context
    context.close()


def scheduled(ctx: AppContext, name: str, hours: float, text: str) -> Any:
    acc = ctx.accounts.by_name(name)
    post = ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=[acc.id])
    ctx.posts.add_media(post.id, MEDIA / "plan-formacion-2027-1080x1080.jpg", "Cartel azul")
    ctx.posts.set_time(post.id, NOW + hours * H, "Europe/Madrid")
    return ctx.posts.schedule(post.id)


def test_scheduling_beyond_the_live_quota_is_refused(ctx: AppContext) -> None:
    account = ctx.accounts.by_name("IG")
    assert cached_quota(account) == (50, 86400)  # never read: the documented default
    refresh_quota(ctx.store, account, cast(Instagram, QuotaClient()), NOW)
    stored = ctx.store.get_account(account.id)
    assert stored.options["publishing_limit"]["quota_total"] == 2
    assert cached_quota(stored) == (2, 86400)
    assert scheduled(ctx, "IG", 1, "Primer aviso del plazo").state == S.SCHEDULED
    assert scheduled(ctx, "IG", 5, "Segundo aviso del plazo").state == S.SCHEDULED
    with pytest.raises(CheckErrors) as caught:
        scheduled(ctx, "IG", 9, "Tercer aviso del plazo")
    [finding] = caught.value.findings
    assert finding.code == "publish_quota"
    assert "24 hours" in finding.message
    # A day later there is room again; other networks are not limited by it.
    assert scheduled(ctx, "IG", 30, "Cuarto aviso del plazo").state == S.SCHEDULED
    assert scheduled(ctx, "FB", 9, "Aviso en Facebook").state == S.SCHEDULED
