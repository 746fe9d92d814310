"""Issue 3 end to end, one network at a time, with the REAL clients and the strict fakes.

Each test plays a person: sign in through the browser flow against the provider's OAuth
fake (``tests/fakes/oauth.py``), the network client's own ``discover`` asks the network's
API fake for the accounts (names, pictures), the account is added, a post goes out
through :class:`~app.services.publishing.PublishingService` against the API fake with the
token that came out of the sign-in, and health shows granted vs needed permissions and
when the connection ends. Then the network refuses the token (its own 401 / code 190):
the account says "reconnect needed" and its queued posts are BLOCKED, not failed; a
second sign-in reconnects the same account and the posts go out if still within the
grace window (a post past it is missed, never published late).

The test's clock drives Pregonero and the OAuth fake (token lifetimes); the API fakes
run on real time, which is the same instant at the start.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest

from app.auth.flow import SignInResult, discover_accounts
from app.auth.providers import XProvider, loads
from app.clock import FixedClock
from app.context import AppContext
from app.errors import AuthExpired
from app.mediahost.config import MediaHostConfig
from app.models import Account
from app.models import DeliveryState as S
from app.networks.facebook import FacebookPages
from app.networks.instagram import Instagram
from app.networks.linkedin import LinkedIn
from app.networks.x import XAccount
from app.networks.youtube import YouTube
from app.services.instagram_support import save_media_host
from app.storage.variants import set_account_option
from tests.fakes.graph import FakeGraph
from tests.fakes.instagram import FakeInstagram
from tests.fakes.linkedin import FakeLinkedIn
from tests.fakes.oauth import META_LONG_LIFETIME, FakeOAuth, Token
from tests.fakes.wordpress import FakeWordPress
from tests.fakes.x import FakeX
from tests.fakes.youtube import FakeYouTube
from tests.support.signin import free_port, oauth_fake, set_up_app, sign_in

pytestmark = pytest.mark.e2e

SERVICE = "Pregonero"
TZ = "Europe/Madrid"
GRACE = timedelta(minutes=10)  # the default grace window (settings.grace_seconds)


# ------------------------------------------------------------------ harness


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def ctx(tmp_path: Path, clock: FixedClock) -> Iterator[AppContext]:
    context = AppContext(tmp_path / "p.sqlite3", clock=clock)
    yield context
    context.close()


@pytest.fixture
def port() -> int:
    return free_port()


def signed_in(ctx: AppContext, provider: str, port: int) -> SignInResult:
    """One whole browser sign-in with the real ``discover`` of each client."""
    clock = ctx.clock
    assert isinstance(clock, FixedClock)
    return sign_in(ctx.apps, provider, port, clock=clock, discover=discover_accounts)


def auth_fake(
    monkeypatch: pytest.MonkeyPatch, provider: str, port: int, clock: FixedClock, **kw: object
) -> AbstractContextManager[FakeOAuth]:
    """The provider's OAuth fake on the test's clock (code and token lifetimes)."""
    return oauth_fake(monkeypatch, provider, port, clock=lambda: clock.now().timestamp(), **kw)


def schedule(ctx: AppContext, account: Account, text: str, minutes: float) -> int:
    """A post for ``account`` due ``minutes`` from now; returns its delivery id."""
    post = ctx.posts.create_scheduled(
        text=text,
        link=None,
        media=[],
        account_ids=[account.id],
        when=ctx.clock.now() + timedelta(minutes=minutes),
        tz=TZ,
    )
    (delivery,) = post.deliveries
    return delivery.id


def run_due(ctx: AppContext) -> None:
    """What the scheduler's wake-up does: publish what is due, miss what is too late."""
    now = ctx.clock.now()
    for delivery in ctx.publishing.due(now):
        planned = ctx.publishing.planned_at(delivery)
        if planned is not None and now - planned > GRACE:
            ctx.publishing.mark_missed(delivery, GRACE.total_seconds())
        else:
            ctx.publishing.publish(delivery.id)


def advance(ctx: AppContext, seconds: float) -> None:
    clock = ctx.clock
    assert isinstance(clock, FixedClock)
    clock.advance(seconds)


def state(ctx: AppContext, delivery_id: int) -> S:
    return ctx.store.get_delivery(delivery_id).state


def assert_no_secret_leaked(
    ctx: AppContext, caplog: pytest.LogCaptureFixture, auth: FakeOAuth, *more: str
) -> None:
    """No token, refresh token, code or client secret in the database or the log."""
    dump = "\n".join(ctx.store.db.conn.iterdump())
    for secret in auth.all_secrets() | set(more):
        assert secret not in dump
        assert secret not in caplog.text


def token_of(account: Account) -> str | None:
    return keyring.get_password(SERVICE, account.keyring_user)


def assert_blocked_then_reconnected(
    ctx: AppContext, account: Account, blocked: list[int], result: SignInResult
) -> Account:
    """``account`` is "reconnect needed" with ``blocked`` BLOCKED; reconnecting with
    ``result`` keeps the account (id, name) and queues the posts again."""
    current = ctx.store.get_account(account.id)
    assert current.status == "needs_reconnect"
    health = ctx.accounts.health(current)
    assert health.state == "needs_reconnect"
    assert health.summary().startswith("Reconnect needed")
    for delivery_id in blocked:
        assert state(ctx, delivery_id) == S.BLOCKED  # blocked, never failed
    picks = [
        a
        for a in result.accounts
        if (a.network, a.remote_id) == (account.network, account.remote_id)
    ]
    (again,) = ctx.accounts.add_signed_in(result, picks)
    assert again.id == account.id and again.name == account.name
    assert again.status == "ok"
    assert ctx.accounts.health(again).state in ("ok", "expiring")
    for delivery_id in blocked:
        assert state(ctx, delivery_id) == S.SCHEDULED
    return again


# ------------------------------------------------------------------ X


X_ID = "2244994945"


def test_x_sign_in_publish_refresh_rotation_and_reconnect(
    ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    port: int,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeX() as api, auth_fake(monkeypatch, "x", port, clock) as auth:
        monkeypatch.setenv("PREGONERO_X_API", api.url)

        def register(token: Token) -> None:  # the API knows the token the provider issued
            api.add_user(X_ID, token.value, "empleo_publico", "Empleo Público")

        auth.on_issue = register
        set_up_app(ctx.apps, "x")
        result = signed_in(ctx, "x", port)

        (found,) = result.accounts
        assert (found.network, found.remote_id, found.kind) == ("x", X_ID, "user")
        assert "Empleo Público" in found.name and "@empleo_publico" in found.name
        assert found.picture_url.startswith("http")
        assert found.missing_scopes == frozenset()
        (account,) = ctx.accounts.add_signed_in(result, [found])
        assert token_of(account) == result.grant.access_token
        assert account.token_expires_at == clock.now() + timedelta(hours=2)

        health = ctx.accounts.health(account)
        assert health.state == "ok" and health.renews_itself
        assert health.needed == XAccount.required_scopes <= health.granted
        assert health.missing == frozenset()

        # A post due after the 2-hour token has expired: renewed first, then published.
        first_refresh = result.grant.refresh_token
        assert first_refresh
        delivery = schedule(ctx, account, "Abrimos inscripciones para el curso de soldadura", 150)
        advance(ctx, 150 * 60)
        run_due(ctx)
        assert state(ctx, delivery) == S.PUBLISHED
        (tweet,) = api.tweets(X_ID)
        assert tweet["text"] == "Abrimos inscripciones para el curso de soldadura"
        renewed = ctx.store.get_account(account.id)
        new_token = token_of(renewed)
        assert new_token and new_token != result.grant.access_token and auth.valid(new_token)
        grant = loads(keyring.get_password(SERVICE, account.options["grant"]) or "")
        assert grant.access_token == new_token
        assert grant.refresh_token and grant.refresh_token != first_refresh  # rotation kept
        assert renewed.token_expires_at == clock.now() + timedelta(hours=2)
        assert renewed.last_ok_at == clock.now()
        # The provider refuses the old refresh token from now on.
        with pytest.raises(AuthExpired):
            XProvider().refresh(ctx.apps.get("x"), first_refresh, clock.now())
        # After a restart (another process), the rotated refresh token from the keyring
        # renews the connection again.
        advance(ctx, 2 * 3600)
        restarted = AppContext(ctx.store.path, clock=clock)
        try:
            client = restarted.accounts.client(restarted.store.get_account(account.id))
            assert client.verify().remote_id == X_ID
        finally:
            restarted.close()
        assert loads(keyring.get_password(SERVICE, account.options["grant"]) or "").refresh_token
        assert len(auth.dead_refresh_tokens) == 2

        # The user revokes the app: X answers 401 and refuses the refresh token.
        auth.revoke()
        api.expire_token(X_ID)
        soon = schedule(ctx, account, "Taller de entrevistas el jueves", 5)
        later = schedule(ctx, account, "Recordatorio: taller de entrevistas", 12)
        advance(ctx, 5 * 60)
        run_due(ctx)
        assert ctx.store.get_delivery(soon).attempts == 1  # one refused call, no retries
        advance(ctx, 12 * 60)  # the person reconnects 12 minutes later
        result = signed_in(ctx, "x", port)
        again = assert_blocked_then_reconnected(ctx, account, [soon, later], result)
        assert again.options["grant"] == result.grant_key
        assert keyring.get_password(SERVICE, account.options["grant"]) is None  # old one gone
        assert token_of(again) == result.grant.access_token
        run_due(ctx)
        # 5 minutes late is within the grace window; 12 minutes late is not.
        assert state(ctx, later) == S.PUBLISHED
        assert state(ctx, soon) == S.MISSED
        texts = [t["text"] for t in api.tweets(X_ID)]
        assert sorted(texts) == [
            "Abrimos inscripciones para el curso de soldadura",
            "Recordatorio: taller de entrevistas",
        ]
        assert_no_secret_leaked(ctx, caplog, auth)


# ------------------------------------------------------------------ Facebook


PAGE_ID = "104"
PAGE_TASKS = ["CREATE_CONTENT", "MODERATE", "MANAGE"]


def test_facebook_page_token_from_the_long_lived_user_token(
    ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    port: int,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeGraph() as graph, auth_fake(monkeypatch, "meta", port, clock) as auth:
        monkeypatch.setenv("PREGONERO_FACEBOOK_API", graph.url)
        graph.add_page(PAGE_ID, "PAGE-TOKEN-104", "Empleo Valencia")
        # Meta issues a short-lived user token, then the long-lived one: only the
        # long-lived one can list the Pages.
        auth.access_tokens = ["short-user-1", "LONG-USER-1"]
        graph.add_user("LONG-USER-1", {PAGE_ID: PAGE_TASKS}, name="Ana García")
        set_up_app(ctx.apps, "meta")
        result = signed_in(ctx, "meta", port)
        assert result.grant.access_token == "LONG-USER-1"
        assert result.grant.expires_at == clock.now() + timedelta(seconds=META_LONG_LIFETIME)

        (page,) = [a for a in result.accounts if a.network == "facebook"]
        assert (page.remote_id, page.name, page.kind) == (PAGE_ID, "Empleo Valencia", "page")
        assert page.picture_url.startswith("https://")
        assert page.token.access_token == "PAGE-TOKEN-104" and page.token.expires_at is None
        assert page.note == ""  # the user may publish and moderate
        (account,) = ctx.accounts.add_signed_in(result, [page])
        assert token_of(account) == "PAGE-TOKEN-104"  # never the user token

        health = ctx.accounts.health(account)
        assert health.state == "ok" and not health.renews_itself
        assert health.needed == FacebookPages.required_scopes <= health.granted
        assert health.expires_at == result.grant.expires_at  # the sign-in's 60 days

        delivery = schedule(ctx, account, "Nueva convocatoria de empleo público", 5)
        advance(ctx, 5 * 60)
        run_due(ctx)
        assert state(ctx, delivery) == S.PUBLISHED
        assert [p["message"] for p in graph.posts(PAGE_ID)] == [
            "Nueva convocatoria de empleo público"
        ]

        # The Page token dies (190/463): reconnect needed, queued posts blocked.
        graph.expire_token(PAGE_ID)
        first = schedule(ctx, account, "Jornada de puertas abiertas", 5)
        second = schedule(ctx, account, "Últimas plazas del taller", 7)
        advance(ctx, 5 * 60)
        run_due(ctx)
        # A new sign-in gives a new long-lived user token and a new Page token.
        graph.add_page(PAGE_ID, "PAGE-TOKEN-104-B", "Empleo Valencia")
        auth.access_tokens = ["short-user-2", "LONG-USER-2"]
        graph.add_user("LONG-USER-2", {PAGE_ID: PAGE_TASKS}, name="Ana García")
        again = assert_blocked_then_reconnected(
            ctx, account, [first, second], signed_in(ctx, "meta", port)
        )
        assert token_of(again) == "PAGE-TOKEN-104-B"
        advance(ctx, 3 * 60)
        run_due(ctx)
        assert state(ctx, first) == S.PUBLISHED and state(ctx, second) == S.PUBLISHED
        assert len(graph.posts(PAGE_ID)) == 3
        assert_no_secret_leaked(ctx, caplog, auth, "PAGE-TOKEN-104", "PAGE-TOKEN-104-B")


# ------------------------------------------------------------------ Instagram


IG_ID = "17841400000000104"
WP_USER, WP_PASSWORD = "comunicacion", "abcd efgh ijkl"


def photo_post(ctx: AppContext, account: Account, samples: Path, text: str, minutes: float) -> int:
    """A photo post (a sample JPEG with alt text) for ``account``; returns its delivery id."""
    post = ctx.posts.create_draft(text=text, tz=TZ, account_ids=[account.id])
    ctx.posts.add_media(
        post.id, samples / "media" / "plan-formacion-2027-1080x1080.jpg", "Cartel del plan"
    )
    when = ctx.clock.now() + timedelta(minutes=minutes)
    ctx.posts.set_time(post.id, when, TZ)
    (delivery,) = ctx.posts.schedule(post.id, when).deliveries
    return delivery.id


def test_instagram_account_linked_to_a_page_from_the_meta_sign_in(
    ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    port: int,
    clock: FixedClock,
    samples: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        FakeGraph() as graph,
        FakeInstagram() as ig,
        FakeWordPress({WP_USER: WP_PASSWORD}) as wp,
        auth_fake(monkeypatch, "meta", port, clock) as auth,
    ):
        monkeypatch.setenv("PREGONERO_FACEBOOK_API", graph.url)
        monkeypatch.setenv("PREGONERO_INSTAGRAM_API", ig.url)
        # One Page, with its Instagram professional account linked to it: both fakes
        # know the same Page token, which only the long-lived user token can list.
        graph.add_page(PAGE_ID, "PAGE-TOKEN-104", "Empleo Valencia")
        ig.add_account(
            IG_ID,
            "PAGE-TOKEN-104",
            username="empleo_vlc",
            page_id=PAGE_ID,
            page_name="Empleo Valencia",
        )
        auth.access_tokens = ["short-user-1", "LONG-USER-1"]
        graph.add_user("LONG-USER-1", {PAGE_ID: PAGE_TASKS}, name="Ana García")
        ig.add_user("LONG-USER-1", [PAGE_ID])
        set_up_app(ctx.apps, "meta")
        result = signed_in(ctx, "meta", port)
        assert result.problems == []
        assert {a.network for a in result.accounts} == {"facebook", "instagram"}

        (found,) = [a for a in result.accounts if a.network == "instagram"]
        assert (found.remote_id, found.kind) == (IG_ID, "instagram")
        assert "empleo_vlc" in found.name
        assert found.picture_url.startswith("https://")
        assert found.note == "linked to the Page Empleo Valencia"
        assert found.token.access_token == "PAGE-TOKEN-104"  # the Page's, never the user's
        assert found.token.expires_at is None
        assert found.missing_scopes == frozenset()
        (account,) = ctx.accounts.add_signed_in(result, [found])
        assert token_of(account) == "PAGE-TOKEN-104"
        assert ctx.accounts.list() == [account]  # the Facebook Page was not picked

        # Instagram downloads photos from a public address: the body's WordPress site.
        config = MediaHostConfig("wordpress", "https://empleo.example.es", WP_USER)
        save_media_host(ctx.store, ctx.credentials, account, config, WP_PASSWORD)
        # The settings want https; the fake site is http: point the stored config at it.
        set_account_option(
            ctx.store, account.id, "media_host", {**config.to_options(), "site": wp.url}
        )
        account = ctx.store.get_account(account.id)

        health = ctx.accounts.health(account)
        assert health.state == "ok" and not health.renews_itself
        assert health.needed == Instagram.required_scopes <= health.granted
        assert health.missing == frozenset()
        assert health.expires_at == result.grant.expires_at  # the sign-in's 60 days
        assert ctx.accounts.check(account).state == "ok"  # the Page token works

        delivery = photo_post(ctx, account, samples, "Nuevo plan de formación 2027", 5)
        advance(ctx, 5 * 60)
        run_due(ctx)
        assert state(ctx, delivery) == S.PUBLISHED, ctx.store.get_delivery(delivery).last_error
        (media,) = ig.media(IG_ID)
        assert media.kind == "IMAGE" and media.caption == "Nuevo plan de formación 2027"
        (container,) = ig.containers(IG_ID)
        assert container.params["alt_text"] == "Cartel del plan"
        assert container.params["image_url"].startswith(wp.url)  # fetched from the host
        assert container.downloaded[:2] == b"\xff\xd8"  # the JPEG itself
        assert wp.media() == []  # deleted from the site once published
        done = ctx.store.get_delivery(delivery)
        assert done.remote_id == media.id
        assert done.permalink.startswith("https://www.instagram.com/p/")
        assert graph.posts(PAGE_ID) == []  # nothing went to the Facebook Page

        # The Page token dies (190/463): reconnect needed, queued posts blocked.
        ig.expire_token(IG_ID)
        first = photo_post(ctx, account, samples, "Jornada de puertas abiertas", 5)
        second = photo_post(ctx, account, samples, "Últimas plazas del taller", 7)
        advance(ctx, 5 * 60)
        run_due(ctx)
        assert ctx.store.get_delivery(first).attempts == 1  # one refused call, no retries
        # A new sign-in gives a new long-lived user token and a new Page token.
        graph.add_page(PAGE_ID, "PAGE-TOKEN-104-B", "Empleo Valencia")
        ig.add_account(
            IG_ID,
            "PAGE-TOKEN-104-B",
            username="empleo_vlc",
            page_id=PAGE_ID,
            page_name="Empleo Valencia",
        )
        auth.access_tokens = ["short-user-2", "LONG-USER-2"]
        graph.add_user("LONG-USER-2", {PAGE_ID: PAGE_TASKS}, name="Ana García")
        ig.add_user("LONG-USER-2", [PAGE_ID])
        again = assert_blocked_then_reconnected(
            ctx, account, [first, second], signed_in(ctx, "meta", port)
        )
        assert token_of(again) == "PAGE-TOKEN-104-B"
        assert again.options["media_host"]["site"] == wp.url  # the host setting is kept
        advance(ctx, 3 * 60)
        run_due(ctx)
        for delivery_id in (first, second):
            got = ctx.store.get_delivery(delivery_id)
            assert got.state == S.PUBLISHED, got.last_error
        assert sorted(m.caption for m in ig.media(IG_ID)) == [
            "Jornada de puertas abiertas",
            "Nuevo plan de formación 2027",
            "Últimas plazas del taller",
        ]
        assert wp.media() == []  # the photo put there before the refusal is gone too
        assert_no_secret_leaked(
            ctx, caplog, auth, "PAGE-TOKEN-104", "PAGE-TOKEN-104-B", WP_PASSWORD
        )


def test_meta_sign_in_without_the_instagram_permissions_says_so(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int, clock: FixedClock
) -> None:
    pages_only = (
        "pages_show_list",
        "pages_manage_posts",
        "pages_read_engagement",
        "pages_manage_engagement",
        "pages_read_user_content",
        "publish_video",
    )
    with (
        FakeGraph() as graph,
        FakeInstagram() as ig,
        auth_fake(monkeypatch, "meta", port, clock, user_scopes=pages_only) as auth,
    ):
        monkeypatch.setenv("PREGONERO_FACEBOOK_API", graph.url)
        monkeypatch.setenv("PREGONERO_INSTAGRAM_API", ig.url)
        graph.add_page(PAGE_ID, "PAGE-TOKEN-104", "Empleo Valencia")
        graph.add_page("105", "PAGE-TOKEN-105", "Formación Valencia")  # no Instagram
        ig.add_account(IG_ID, "PAGE-TOKEN-104", username="empleo_vlc", page_id=PAGE_ID)
        auth.access_tokens = ["short-user-1", "LONG-USER-1"]
        graph.add_user("LONG-USER-1", {PAGE_ID: PAGE_TASKS, "105": PAGE_TASKS})
        ig.add_user("LONG-USER-1", [PAGE_ID, "105"])
        set_up_app(ctx.apps, "meta")
        result = signed_in(ctx, "meta", port)
        assert result.problems == []
        by_network = sorted((a.network, a.remote_id) for a in result.accounts)
        assert by_network == [("facebook", PAGE_ID), ("facebook", "105"), ("instagram", IG_ID)]
        (found,) = [a for a in result.accounts if a.network == "instagram"]
        assert found.missing_scopes == {"instagram_basic", "instagram_content_publish"}
        (account,) = ctx.accounts.add_signed_in(result, [found])
        health = ctx.accounts.health(account)
        assert health.missing == {"instagram_basic", "instagram_content_publish"}
        assert (
            "permissions not granted: instagram_basic, instagram_content_publish" in health.warnings
        )


# ------------------------------------------------------------------ LinkedIn


LI_SUB = "abc123"
LI_ORG = "123456"


def test_linkedin_member_and_organization_with_60_day_warning(
    ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    port: int,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeLinkedIn() as api, auth_fake(monkeypatch, "linkedin", port, clock) as auth:
        monkeypatch.setenv("PREGONERO_LINKEDIN_API", api.url)
        api.add_organization(LI_ORG, "Servicio Regional de Empleo")

        def register(token: Token) -> None:
            api.add_member(LI_SUB, token.value, "Ana García", admin_of=[LI_ORG])

        auth.on_issue = register
        set_up_app(ctx.apps, "linkedin")
        result = signed_in(ctx, "linkedin", port)

        by_kind = {a.kind: a for a in result.accounts}
        assert set(by_kind) == {"member", "organization"}
        member, org = by_kind["member"], by_kind["organization"]
        assert (member.remote_id, member.name) == (f"urn:li:person:{LI_SUB}", "Ana García")
        assert member.picture_url.startswith("https://")
        assert (org.remote_id, org.name) == (
            f"urn:li:organization:{LI_ORG}",
            "Servicio Regional de Empleo",
        )
        assert member.missing_scopes == org.missing_scopes == frozenset()
        accounts = ctx.accounts.add_signed_in(result, [member, org])
        account = next(a for a in accounts if a.kind == "organization")
        assert token_of(account) == result.grant.access_token

        health = ctx.accounts.health(account)
        ends = clock.now() + timedelta(days=60)
        assert health.state == "ok" and not health.renews_itself
        assert health.expires_at == ends
        # An organization needs the organization posting permission, not the member's.
        assert health.needed == LinkedIn.scopes_for("organization") <= health.granted
        member_health = ctx.accounts.health(next(a for a in accounts if a.kind == "member"))
        assert member_health.needed == LinkedIn.required_scopes <= member_health.granted

        delivery = schedule(ctx, account, "Publicamos la guía de ayudas a la contratación", 5)
        advance(ctx, 5 * 60)
        run_due(ctx)
        assert state(ctx, delivery) == S.PUBLISHED
        (post,) = api.posts(f"urn:li:organization:{LI_ORG}")
        assert "guía de ayudas" in str(post)

        # Day 54 of 60: the connection cannot renew itself, so it is announced.
        advance(ctx, 54 * 86400)
        health = ctx.accounts.health(ctx.store.get_account(account.id))
        assert health.state == "expiring"
        assert ends.strftime("%Y-%m-%d") in health.summary()
        assert account.id in [a.id for a, _ in ctx.accounts.expiring()]

        # LinkedIn refuses the token (401): reconnect needed, posts blocked.
        api.expire_token(result.grant.access_token)
        first = schedule(ctx, account, "Taller de LinkedIn para personas desempleadas", 5)
        advance(ctx, 5 * 60)
        run_due(ctx)
        result = signed_in(ctx, "linkedin", port)
        again = assert_blocked_then_reconnected(ctx, account, [first], result)
        assert ctx.accounts.health(again).state == "ok"  # a new 60 days
        advance(ctx, 60)
        run_due(ctx)
        assert state(ctx, first) == S.PUBLISHED
        # The member published with the very token LinkedIn refused: it was flagged at
        # the same time, and stays so, since only the organization was reconnected.
        member_account = next(a for a in accounts if a.kind == "member")
        health = ctx.accounts.health(ctx.store.get_account(member_account.id))
        assert health.state == "needs_reconnect"
        advance(ctx, 7 * 86400)
        assert ctx.accounts.mark_expired() == []  # already flagged; nothing new
        assert ctx.accounts.health(ctx.store.get_account(account.id)).state == "ok"
        assert_no_secret_leaked(ctx, caplog, auth)


# ------------------------------------------------------------------ YouTube


CHANNEL = "UCempleo000000000000001a"


def video_post(ctx: AppContext, account: Account, samples: Path, minutes: float) -> int:
    from app.media import sha256_file

    sample = samples / "media" / "tutorial-inscripcion-1280x720.mp4"
    ctx.store.media_dir.mkdir(parents=True, exist_ok=True)
    video = Path(shutil.copy(sample, ctx.store.media_dir / sample.name))
    when = ctx.clock.now() + timedelta(minutes=minutes)
    post = ctx.posts.create_draft(text="Paso a paso", tz=TZ, account_ids=[account.id])
    ctx.store.add_media(
        post.id,
        path=str(video),
        original_name=video.name,
        sha256=sha256_file(video),
        size_bytes=video.stat().st_size,
        mime="video/mp4",
        width=1280,
        height=720,
        alt_text="",
        now=ctx.clock.now(),
    )
    ctx.posts.update_variant_options(post.id, "youtube", title="Cómo inscribirse en un curso")
    ctx.posts.set_time(post.id, when, TZ)
    ctx.posts.schedule(post.id, when)
    (delivery,) = ctx.posts.get(post.id).deliveries
    return delivery.id


def test_youtube_channel_refresh_and_reconnect(
    ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    port: int,
    clock: FixedClock,
    samples: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with FakeYouTube() as api, auth_fake(monkeypatch, "google", port, clock) as auth:
        monkeypatch.setenv("PREGONERO_YOUTUBE_API", api.url)

        def register(token: Token) -> None:
            api.add_channel(CHANNEL, token.value, "Canal Empleo")

        auth.on_issue = register
        set_up_app(ctx.apps, "google")
        result = signed_in(ctx, "google", port)
        assert result.grant.refresh_token  # access_type=offline&prompt=consent

        (found,) = result.accounts
        assert (found.remote_id, found.name, found.kind) == (CHANNEL, "Canal Empleo", "channel")
        assert found.picture_url.startswith("https://")
        (account,) = ctx.accounts.add_signed_in(result, [found])
        health = ctx.accounts.health(account)
        assert health.state == "ok" and health.renews_itself and health.expires_at is None
        assert health.needed == YouTube.required_scopes <= health.granted

        # Due after the 1-hour token expired: refreshed (same refresh token), published.
        delivery = video_post(ctx, account, samples, 90)
        advance(ctx, 90 * 60)
        run_due(ctx)
        assert state(ctx, delivery) == S.PUBLISHED, ctx.store.get_delivery(delivery).last_error
        (video,) = api.videos(CHANNEL)
        assert video["snippet"]["title"] == "Cómo inscribirse en un curso"
        renewed = ctx.store.get_account(account.id)
        assert token_of(renewed) != result.grant.access_token
        assert auth.valid(token_of(renewed) or "")
        grant = loads(keyring.get_password(SERVICE, account.options["grant"]) or "")
        assert grant.refresh_token == result.grant.refresh_token  # Google does not rotate

        # Revoked: the refresh is refused (invalid_grant) once the token is due.
        auth.revoke()
        api.add_channel(CHANNEL, "revoked-token-nobody-has", "Canal Empleo")
        first = video_post(ctx, account, samples, 65)
        advance(ctx, 65 * 60)
        run_due(ctx)
        assert_blocked_then_reconnected(ctx, account, [first], signed_in(ctx, "google", port))
        advance(ctx, 60)
        run_due(ctx)
        assert state(ctx, first) == S.PUBLISHED, ctx.store.get_delivery(first).last_error
        assert len(api.videos(CHANNEL)) == 2
        assert_no_secret_leaked(ctx, caplog, auth)


def test_linkedin_app_approved_for_refresh_renews_by_itself(
    ctx: AppContext,
    monkeypatch: pytest.MonkeyPatch,
    port: int,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        FakeLinkedIn() as api,
        auth_fake(monkeypatch, "linkedin", port, clock, refresh=True) as auth,
    ):
        monkeypatch.setenv("PREGONERO_LINKEDIN_API", api.url)
        auth.on_issue = lambda t: api.add_member(LI_SUB, t.value, "Ana García")
        set_up_app(ctx.apps, "linkedin")
        result = signed_in(ctx, "linkedin", port)
        assert result.grant.refresh_token
        (member,) = result.accounts  # no organization administered
        (account,) = ctx.accounts.add_signed_in(result, [member])
        health = ctx.accounts.health(account)
        assert health.renews_itself
        assert health.expires_at == clock.now() + timedelta(days=365)  # the refresh token's
        # Day 60: the access token is renewed before the post goes out; nothing to warn.
        advance(ctx, 60 * 86400 - 60)
        assert ctx.accounts.expiring() == []
        delivery = schedule(ctx, account, "Nuevas ofertas en el portal de empleo", 5)
        advance(ctx, 5 * 60)
        run_due(ctx)
        assert state(ctx, delivery) == S.PUBLISHED, ctx.store.get_delivery(delivery).last_error
        renewed = token_of(ctx.store.get_account(account.id))
        assert renewed != result.grant.access_token and auth.valid(renewed or "")
        assert len(api.posts(f"urn:li:person:{LI_SUB}")) == 1
        assert_no_secret_leaked(ctx, caplog, auth)


def test_linkedin_app_without_organization_access_offers_the_member_only(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int, clock: FixedClock
) -> None:
    member_scopes = ("openid", "profile", "w_member_social")
    with (
        FakeLinkedIn() as api,
        auth_fake(monkeypatch, "linkedin", port, clock, user_scopes=member_scopes) as auth,
    ):
        monkeypatch.setenv("PREGONERO_LINKEDIN_API", api.url)
        api.add_organization(LI_ORG, "Servicio Regional de Empleo")
        auth.on_issue = lambda t: api.add_member(
            LI_SUB, t.value, "Ana García", admin_of=[LI_ORG], scopes=list(member_scopes)
        )
        set_up_app(ctx.apps, "linkedin")
        result = signed_in(ctx, "linkedin", port)
        assert result.problems == []
        (member,) = result.accounts
        assert member.kind == "member" and member.missing_scopes == frozenset()
        (account,) = ctx.accounts.add_signed_in(result, [member])
        health = ctx.accounts.health(account)
        assert health.state == "ok" and health.missing == frozenset()
        assert health.granted == frozenset(member_scopes)
        delivery = schedule(ctx, account, "Consejos para tu currículum", 5)
        advance(ctx, 5 * 60)
        run_due(ctx)
        assert state(ctx, delivery) == S.PUBLISHED, ctx.store.get_delivery(delivery).last_error


def test_x_without_offline_access_warns_and_blocks_after_two_hours(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int, clock: FixedClock
) -> None:
    granted = ("tweet.read", "tweet.write", "users.read", "media.write")
    with FakeX() as api, auth_fake(monkeypatch, "x", port, clock, user_scopes=granted) as auth:
        monkeypatch.setenv("PREGONERO_X_API", api.url)
        auth.on_issue = lambda t: api.add_user(X_ID, t.value, "empleo_publico", "Empleo Público")
        set_up_app(ctx.apps, "x")
        result = signed_in(ctx, "x", port)
        assert result.grant.refresh_token is None
        (found,) = result.accounts
        assert found.missing_scopes == {"offline.access"}
        (account,) = ctx.accounts.add_signed_in(result, [found])
        health = ctx.accounts.health(account)
        assert not health.renews_itself and health.missing == {"offline.access"}
        assert "permissions not granted: offline.access" in health.warnings
        assert health.expires_at == clock.now() + timedelta(hours=2)
        delivery = schedule(ctx, account, "Hoy cerramos a las 14:00", 150)
        advance(ctx, 150 * 60)
        run_due(ctx)
        assert state(ctx, delivery) == S.BLOCKED  # not failed: it waits for a reconnect
        assert ctx.accounts.health(ctx.store.get_account(account.id)).state == "needs_reconnect"
        assert api.tweets(X_ID) == []
