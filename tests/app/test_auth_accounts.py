"""Signed-in accounts: storage of tokens, refresh before expiry, dead tokens, warnings,
health, reconnect and removal (issue 3)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest

from app.auth.flow import SignInResult
from app.clock import FixedClock
from app.context import AppContext
from app.errors import AuthExpired, Transient
from app.models import DeliveryState as S
from app.models import Post
from app.networks.base import TokenSet
from tests.fakes.oauth import FakeOAuth
from tests.support.signin import (
    NETS,
    SignedInNet,
    free_port,
    networks,  # noqa: F401 - fixture
    oauth_fake,
    set_up_app,
    sign_in,
)

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
SERVICE = "Pregonero"


def factory(key: str, remote_id: str, token: str) -> SignedInNet:
    from app.networks.registry import network_class

    cls = network_class(key)
    assert issubclass(cls, SignedInNet)
    return cls(remote_id, token)


@pytest.fixture
def ctx(tmp_path: Path, networks: dict[str, type[SignedInNet]]) -> Iterator[AppContext]:  # noqa: F811
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=factory)
    yield context
    context.close()


@pytest.fixture
def port() -> int:
    return free_port()


def clock_of(ctx: AppContext) -> FixedClock:
    assert isinstance(ctx.clock, FixedClock)
    return ctx.clock


def connect(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, provider: str, port: int, **kw: object
) -> tuple[FakeOAuth, SignInResult]:
    """Start the provider's fake (kept running: the caller stops it) and sign in."""
    clock = clock_of(ctx)
    cm = oauth_fake(monkeypatch, provider, port, clock=lambda: clock.now().timestamp(), **kw)
    fake = cm.__enter__()
    fake.keep_alive = cm  # type: ignore[attr-defined]  # a collected generator stops it
    set_up_app(ctx.apps, provider)
    result = sign_in(ctx.apps, provider, port, clock=clock)
    for cls in NETS.values():
        cls.fake = fake
    return fake, result


def scheduled(ctx: AppContext, account_id: int, minutes: int = 5) -> Post:
    return ctx.posts.create_scheduled(
        text="Nuevas plazas de formación",
        link=None,
        media=[],
        account_ids=[account_id],
        when=ctx.clock.now() + timedelta(minutes=minutes),
        tz="Europe/Madrid",
    )


def test_x_account_added_with_tokens_in_keyring_only(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "x", port)
    (account,) = ctx.accounts.add_signed_in(result, result.accounts)
    fake.stop()
    assert account.name == "Empleo Público" and account.kind == "user"
    assert account.token_expires_at == NOW + timedelta(hours=2)
    assert "tweet.write" in account.scopes
    assert account.options["refresh"] is True
    grant_user = account.options["grant"]
    assert grant_user.startswith("grant:x:")
    assert keyring.get_password(SERVICE, "x:2244994945") == result.grant.access_token
    stored = json.loads(keyring.get_password(SERVICE, grant_user) or "{}")
    assert stored["refresh_token"] == result.grant.refresh_token
    dump = "\n".join(ctx.store.db.conn.iterdump())
    for secret in fake.all_secrets():
        assert secret not in dump


def test_refresh_before_expiry_saves_the_rotated_token_first(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "x", port)
    (account,) = ctx.accounts.add_signed_in(result, result.accounts)
    grant_user = account.options["grant"]
    first_refresh = result.grant.refresh_token
    clock_of(ctx).advance(2 * 3600 - 60)  # a minute before expiry
    saved: list[str] = []
    real_set = ctx.credentials.set

    def spy(user: str, secret: str) -> None:
        saved.append(user)
        real_set(user, secret)

    monkeypatch.setattr(ctx.credentials, "set", spy)
    client = ctx.accounts.client(account)
    assert saved[:2] == [grant_user, "x:2244994945"]  # grant (new refresh token) first
    new_token = client._token
    assert new_token != result.grant.access_token and fake.valid(new_token)
    stored = json.loads(keyring.get_password(SERVICE, grant_user) or "{}")
    assert stored["refresh_token"] != first_refresh
    assert first_refresh in fake.dead_refresh_tokens
    refreshed = ctx.store.get_account(account.id)
    assert refreshed.token_expires_at == ctx.clock.now() + timedelta(hours=2)
    # No refresh while the token is fresh.
    assert ctx.accounts.client(refreshed)._token == new_token
    # And the rotation goes on with the saved one.
    clock_of(ctx).advance(2 * 3600)
    assert fake.valid(ctx.accounts.client(refreshed)._token)
    fake.stop()


def test_transient_refresh_failure_keeps_everything(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "x", port)
    (account,) = ctx.accounts.add_signed_in(result, result.accounts)
    grant_user = account.options["grant"]
    before = keyring.get_password(SERVICE, grant_user)
    clock_of(ctx).advance(2 * 3600 - 60)
    fake.fail_next("/2/oauth2/token", 503)
    # Still valid for a minute: the old token is used, nothing is lost.
    assert ctx.accounts.client(account)._token == result.grant.access_token
    clock_of(ctx).advance(120)  # now expired
    fake.drop_next("/2/oauth2/token")
    with pytest.raises(Transient):
        ctx.accounts.client(account)
    assert keyring.get_password(SERVICE, grant_user) == before
    assert ctx.store.get_account(account.id).status == "ok"
    # The stored refresh token still works once the network is back.
    assert fake.valid(ctx.accounts.client(account)._token)
    fake.stop()


def test_revoked_grant_blocks_posts_keeps_refresh_token_and_reconnect_restores(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "google", port)
    accounts = ctx.accounts.add_signed_in(result, result.accounts)
    assert len(accounts) == 2 and accounts[0].options["grant"] == accounts[1].options["grant"]
    grant_user = accounts[0].options["grant"]
    post = scheduled(ctx, accounts[0].id)
    other = scheduled(ctx, accounts[1].id, minutes=30)
    fake.revoke()
    clock_of(ctx).advance(3600)  # token expired: publishing must refresh, which fails
    assert ctx.publishing.publish(post.deliveries[0].id) == S.BLOCKED
    for acc in accounts:
        assert ctx.store.get_account(acc.id).status == "needs_reconnect"
    assert ctx.store.get_delivery(other.deliveries[0].id).state == S.BLOCKED
    stored = json.loads(keyring.get_password(SERVICE, grant_user) or "{}")
    assert stored["refresh_token"] == result.grant.refresh_token  # never erased
    health = ctx.accounts.health(ctx.store.get_account(accounts[0].id))
    assert health.state == "needs_reconnect" and "Reconnect needed" in health.summary()

    # Reconnect: same accounts, posts queued again.
    again = sign_in(ctx.apps, "google", port, clock=ctx.clock)
    redone = ctx.accounts.add_signed_in(again, again.accounts)
    assert [a.id for a in redone] == [a.id for a in accounts]
    assert all(ctx.store.get_account(a.id).status == "ok" for a in accounts)
    assert ctx.store.get_delivery(other.deliveries[0].id).state == S.SCHEDULED
    assert keyring.get_password(SERVICE, grant_user) is None  # the old grant is gone
    fake.stop()


def test_shared_grant_refreshed_once_for_every_channel(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "google", port)
    first, second = ctx.accounts.add_signed_in(result, result.accounts)
    clock_of(ctx).advance(3600)
    token = ctx.accounts.client(first)._token
    refreshes = [c for c in fake.calls if c.form.get("grant_type") == "refresh_token"]
    assert len(refreshes) == 1
    assert ctx.accounts.client(second)._token == token  # no second refresh
    assert len([c for c in fake.calls if c.form.get("grant_type") == "refresh_token"]) == 1
    fake.stop()


def test_linkedin_expiry_warned_then_marked_reconnect_with_posts_blocked(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "linkedin", port)
    member, org = ctx.accounts.add_signed_in(result, result.accounts)
    fake.stop()
    assert member.options["refresh"] is False
    assert ctx.accounts.expiring() == []
    clock_of(ctx).advance(55 * 86400)
    warned = ctx.accounts.expiring()
    assert [a.id for a, _ in warned] == [member.id, org.id]
    health = ctx.accounts.health(ctx.store.get_account(org.id))
    assert health.state == "expiring" and not health.renews_itself
    post = scheduled(ctx, org.id, minutes=60 * 24 * 10)
    clock_of(ctx).advance(6 * 86400)  # day 61
    marked = ctx.accounts.mark_expired()
    assert {a.id for a in marked} == {member.id, org.id}
    assert ctx.store.get_delivery(post.deliveries[0].id).state == S.BLOCKED
    with pytest.raises(AuthExpired):
        ctx.accounts.client(ctx.store.get_account(member.id))


def test_expired_token_at_publish_time_blocks_instead_of_failing(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "linkedin", port)
    member, _org = ctx.accounts.add_signed_in(result, result.accounts)
    fake.stop()
    post = scheduled(ctx, member.id)
    clock_of(ctx).advance(61 * 86400)
    ctx.publishing.grace_seconds = lambda: 1e9  # type: ignore[method-assign]
    assert ctx.publishing.publish(post.deliveries[0].id) == S.BLOCKED
    assert ctx.store.get_account(member.id).status == "needs_reconnect"


def test_health_permissions_expiry_and_last_good_call(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(
        ctx, monkeypatch, "x", port, user_scopes=("tweet.read", "users.read", "offline.access")
    )
    (account,) = ctx.accounts.add_signed_in(result, result.accounts)
    health = ctx.accounts.health(account)
    assert health.missing == {"tweet.write"}
    assert health.renews_itself and health.last_ok_at is None
    assert any("tweet.write" in w for w in health.warnings)
    checked = ctx.accounts.check(account)
    assert checked.last_ok_at == NOW
    post = scheduled(ctx, account.id)
    clock_of(ctx).advance(600)
    assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED
    assert ctx.store.get_account(account.id).last_ok_at == ctx.clock.now()
    fake.revoke()
    clock_of(ctx).advance(3 * 3600)
    assert ctx.accounts.check(account).state == "needs_reconnect"
    fake.stop()


def test_remove_deletes_secrets_keeps_history(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "linkedin", port)
    member, org = ctx.accounts.add_signed_in(result, result.accounts)
    grant_user = member.options["grant"]
    post = scheduled(ctx, org.id)
    clock_of(ctx).advance(600)
    assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED
    ctx.accounts.remove(member)
    assert keyring.get_password(SERVICE, member.keyring_user) is None
    assert keyring.get_password(SERVICE, grant_user)  # the organization still uses it
    ctx.accounts.remove(ctx.store.get_account(org.id))
    assert keyring.get_password(SERVICE, org.keyring_user) is None
    assert keyring.get_password(SERVICE, grant_user) is None
    kept = ctx.store.get_account(org.id)  # it has a publication history
    assert kept.status == "needs_reconnect" and "grant" not in kept.options
    assert ctx.store.find_account(network="linkedin", remote_id=member.remote_id) is None
    fake.stop()


def test_facebook_pages_keep_page_tokens_and_warn_before_user_token_ends(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    fake, result = connect(ctx, monkeypatch, "meta", port)
    fake.stop()
    page = next(a for a in result.accounts if a.network == "instagram")
    (account,) = ctx.accounts.add_signed_in(result, [page], names={page.remote_id: "IG Empleo"})
    assert account.name == "IG Empleo" and account.token_expires_at is None
    assert keyring.get_password(SERVICE, "instagram:1784") == page.token.access_token
    assert account.options["refresh"] is False
    assert ctx.accounts.ends_at(account) == result.grant.expires_at
    clock_of(ctx).advance(57 * 86400)
    assert ctx.accounts.health(account).state == "expiring"
    assert ctx.accounts.mark_expired() == []  # the Page token itself does not expire


def test_names_are_made_unique(ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    fake, result = connect(ctx, monkeypatch, "x", port)
    fake.stop()
    found = result.accounts[0]
    clone = SignInResult(
        "x",
        result.grant,
        "grant:x:other",
        [
            found,
            type(found)("linkedin", "urn:li:person:z", found.name, "member", TokenSet("t")),
        ],
    )
    first, second = ctx.accounts.add_signed_in(clone, clone.accounts)
    assert first.name == "Empleo Público" and second.name == "Empleo Público (LinkedIn)"


def test_refresh_rotated_by_another_process_is_not_a_dead_token(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    from app.auth.providers import XProvider, dumps

    fake, result = connect(ctx, monkeypatch, "x", port)
    (account,) = ctx.accounts.add_signed_in(result, result.accounts)
    grant_user = account.options["grant"]
    assert result.grant.refresh_token
    # The other process renews between our read of the grant and our refresh call.
    real_refresh = XProvider.refresh

    def racing(self: XProvider, app: object, refresh_token: str, now: datetime) -> TokenSet:
        other = real_refresh(self, app, refresh_token, now)  # type: ignore[arg-type]
        ctx.credentials.set(grant_user, dumps(other))
        ctx.credentials.set(account.keyring_user, other.access_token)
        return real_refresh(self, app, refresh_token, now)  # type: ignore[arg-type]

    monkeypatch.setattr(XProvider, "refresh", racing)
    clock_of(ctx).advance(2 * 3600)
    token = ctx.accounts.client(account)._token
    assert fake.valid(token)
    assert ctx.store.get_account(account.id).status == "ok"
    fake.stop()


def test_fake_can_issue_known_tokens(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    seen: list[str] = []
    with oauth_fake(monkeypatch, "meta", port) as fake:
        fake.access_tokens = ["short-user-token", "LONG-user-token"]
        fake.on_issue = lambda token: seen.append(token.value)
        from app.auth.apps import DeveloperApps
        from app.secrets import CredentialStore
        from app.storage.repository import Store
        from tests.support.signin import sign_in as do_sign_in

        store = Store(Path(str(paths_home())) / "x.sqlite3")
        apps = DeveloperApps(store, CredentialStore())
        set_up_app(apps, "meta")
        result = do_sign_in(apps, "meta", port)
        store.close()
    assert result.grant.access_token == "LONG-user-token"
    assert seen == ["short-user-token", "LONG-user-token"]


def paths_home() -> Path:
    from app import paths

    return paths.home()


def test_remove_also_deletes_the_accounts_other_secrets(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    from app.services import accounts as accounts_module

    fake, result = connect(ctx, monkeypatch, "x", port)
    fake.stop()
    (account,) = ctx.accounts.add_signed_in(result, result.accounts)
    ctx.credentials.set("mediahost:x:2244994945", "wp-app-password")
    ctx.credentials.set("extra:listed", "another")
    ctx.store.set_account_options(account.id, {**account.options, "secret_users": ["extra:listed"]})
    monkeypatch.setattr(
        accounts_module,
        "SECRET_USERS",
        [lambda a: [f"mediahost:{a.network}:{a.remote_id}"]],
    )
    ctx.accounts.remove(ctx.store.get_account(account.id))
    assert keyring.get_password(SERVICE, "mediahost:x:2244994945") is None
    assert keyring.get_password(SERVICE, "extra:listed") is None


def test_a_refused_shared_token_flags_every_account_that_uses_it(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    """A LinkedIn member and its organization publish with one token: when the network
    refuses it for one, both need reconnecting and both queues wait as blocked."""
    fake, result = connect(ctx, monkeypatch, "linkedin", port)
    member, org = ctx.accounts.add_signed_in(result, result.accounts)
    fake.stop()
    post = scheduled(ctx, member.id, minutes=60)
    ctx.accounts.mark_needs_reconnect(ctx.store.get_account(org.id), "token refused")
    assert ctx.store.get_account(org.id).status == "needs_reconnect"
    assert ctx.store.get_account(member.id).status == "needs_reconnect"
    assert ctx.store.get_delivery(post.deliveries[0].id).state == S.BLOCKED


def test_instagram_shares_the_fate_of_the_page_token_it_publishes_with(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, port: int
) -> None:
    """An Instagram account publishes with its linked Page's token: when that token is
    refused for the Page, the Instagram account needs reconnecting too."""
    fake, result = connect(ctx, monkeypatch, "meta", port)
    fake.stop()
    page, insta = sorted(
        ctx.accounts.add_signed_in(result, result.accounts), key=lambda a: a.network
    )
    assert (page.network, insta.network) == ("facebook", "instagram")
    ctx.accounts.mark_needs_reconnect(page, "page token refused")
    assert ctx.store.get_account(insta.id).status == "needs_reconnect"
