"""Browser sign-in: the loopback listener, PKCE, each provider against its strict fake."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from app import i18n
from app.auth.apps import DeveloperApps, guide, secret_user
from app.auth.flow import SignInFlow
from app.auth.loopback import LoopbackListener, SignInError
from app.auth.providers import XProvider
from app.clock import FixedClock
from app.errors import AuthExpired, Rejected, Transient, ValidationError
from app.secrets import CredentialStore
from app.storage.repository import Store
from tests.fakes.oauth import FakeOAuth, browse, s256
from tests.support.signin import (
    CLIENT_SECRET,
    discovered,
    free_port,
    oauth_fake,
    set_up_app,
    sign_in,
)

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "p.sqlite3")
    yield s
    s.close()


@pytest.fixture
def apps(store: Store) -> DeveloperApps:
    return DeveloperApps(store, CredentialStore())


@pytest.fixture
def port() -> int:
    return free_port()


# -- loopback listener -------------------------------------------------------------------


def test_listener_binds_loopback_only_and_serves_one_callback() -> None:
    listener = LoopbackListener("st4te").start()
    try:
        assert listener._server is not None
        assert listener._server.server_address[0] == "127.0.0.1"
        base = f"http://127.0.0.1:{listener.port}"
        assert requests.get(base + "/favicon.ico", timeout=5).status_code == 404
        wrong = requests.get(base + "/callback?code=abc&state=other", timeout=5)
        assert wrong.status_code == 400  # a wrong state does not end the wait
        ok = requests.get(base + "/callback?code=abc&state=st4te", timeout=5)
        assert ok.status_code == 200 and "close this tab" in ok.text
        assert listener.wait(5).code == "abc"
    finally:
        listener.close()
    with pytest.raises(requests.ConnectionError):  # one use: the port is closed now
        requests.get(base + "/callback?code=abc&state=st4te", timeout=2)


def test_listener_times_out_is_cancelled_or_denied() -> None:
    listener = LoopbackListener("s").start()
    with pytest.raises(SignInError) as info:
        listener.wait(0.2)
    assert info.value.problems[0].code == "signin_timeout"

    listener = LoopbackListener("s").start()
    threading.Timer(0.1, listener.cancel).start()
    with pytest.raises(SignInError) as info:
        listener.wait(5)
    assert info.value.problems[0].code == "signin_cancelled"

    listener = LoopbackListener("s").start()
    requests.get(
        f"http://127.0.0.1:{listener.port}/callback?error=access_denied&state=s", timeout=5
    )
    with pytest.raises(SignInError) as info:
        listener.wait(5)
    assert info.value.problems[0].code == "signin_denied"


def test_listener_page_in_the_users_language() -> None:
    i18n.set_language("es")
    try:
        listener = LoopbackListener("s").start()
        page = requests.get(f"http://127.0.0.1:{listener.port}/callback?code=c&state=s", timeout=5)
        listener.wait(5)
    finally:
        i18n.set_language("en")
    assert page.headers["Content-Type"].startswith("text/html; charset=utf-8")
    assert "Pregonero" in page.text


def test_busy_fixed_port_is_a_clear_error(port: int) -> None:
    first = LoopbackListener("a", port).start()
    try:
        with pytest.raises(SignInError) as info:
            LoopbackListener("b", port).start()
        assert info.value.problems[0].code == "port_busy"
        assert str(port) in info.value.problems[0].message
    finally:
        first.close()


# -- developer apps ----------------------------------------------------------------------


def test_developer_app_secret_goes_to_the_keyring_only(store: Store, apps: DeveloperApps) -> None:
    with pytest.raises(ValidationError) as info:
        apps.get("x")
    assert "Developer apps" in info.value.problems[0].message
    apps.save("linkedin", " 86abc ", "s3cr3t-value")
    assert apps.get("linkedin").client_id == "86abc"
    assert apps.get("linkedin").client_secret == "s3cr3t-value"
    assert "s3cr3t" not in repr(apps.get("linkedin"))
    assert CredentialStore().get(secret_user("linkedin")) == "s3cr3t-value"
    assert "s3cr3t-value" not in "\n".join(store.db.conn.iterdump())
    apps.save("linkedin", "86abc", None)  # None keeps the secret
    assert apps.has_secret("linkedin")
    apps.save("linkedin", "86abc", "")  # "" forgets it
    assert not apps.has_secret("linkedin")
    with pytest.raises(ValidationError):
        apps.get("linkedin")  # LinkedIn needs the secret
    apps.save("x", "public-client")  # X works as a public client
    assert apps.get("x").client_secret is None
    with pytest.raises(ValidationError):
        apps.save("x", "has spaces in it")


def test_guides_give_the_exact_redirect_and_permissions() -> None:
    x = guide("x", 8765)
    assert x.redirect_uri == "http://127.0.0.1:8765/callback"
    assert "offline.access" in x.permissions and x.steps
    assert guide("linkedin", 9000).redirect_uri == "http://127.0.0.1:9000/callback"
    assert guide("meta", 8765).redirect_uri == "http://localhost:8765/callback"
    assert "pages_manage_posts" in guide("meta").permissions
    assert guide("google").redirect_uri == ""  # any loopback port, nothing to register


# -- X -------------------------------------------------------------------------------------


def test_x_sign_in_with_pkce_confidential_client(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "x", port) as fake:
        set_up_app(apps, "x")
        result = sign_in(apps, "x", port)
    assert [a.remote_id for a in result.accounts] == ["2244994945"]
    assert result.grant.refresh_token and result.grant.expires_at
    assert "offline.access" in result.grant.scopes
    authorize = next(c for c in fake.calls if c.path == "/i/oauth2/authorize")
    assert authorize.form["code_challenge_method"] == "S256"
    token_call = next(c for c in fake.calls if c.path == "/2/oauth2/token")
    assert token_call.headers["authorization"].startswith("Basic ")
    assert "client_secret" not in token_call.form
    assert s256(token_call.form["code_verifier"]) == authorize.form["code_challenge"]


def test_x_public_client_sends_client_id_in_body(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "x", port, client_secret=None) as fake:
        set_up_app(apps, "x", secret=None)
        result = sign_in(apps, "x", port)
    assert result.grant.refresh_token
    token_call = next(c for c in fake.calls if c.path == "/2/oauth2/token")
    assert token_call.form["client_id"] == "test-client-id"
    assert "authorization" not in token_call.headers


def test_x_code_older_than_30_seconds_is_refused(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    clock = FixedClock(NOW)
    with oauth_fake(monkeypatch, "x", port, clock=lambda: clock.now().timestamp()):
        set_up_app(apps, "x")
        flow = SignInFlow("x", apps, port=port, clock=clock, discover=discovered)
        url = flow.start(listen=False)
        redirected = browse(url, follow=False)
        clock.advance(31)
        with pytest.raises(Rejected, match="refused the sign-in"):
            flow.finish(redirected)


def test_x_redirect_must_match_exactly(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "x", port):
        set_up_app(apps, "x")
        flow = SignInFlow("x", apps, port=free_port(), discover=discovered)
        url = flow.start(listen=False)
        response = requests.get(url, allow_redirects=False, timeout=5)
    assert response.status_code == 400 and "redirect_uri" in response.text


def test_pasted_url_or_code_and_wrong_state(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "x", port):
        set_up_app(apps, "x")
        flow = SignInFlow("x", apps, port=port, discover=discovered)
        url = flow.start()  # the listener runs, but the user pastes instead
        redirected = browse(url, follow=False)
        forged = redirected.replace(flow.state, "not-the-state")
        with pytest.raises(SignInError) as info:
            flow.finish(forged)
        assert info.value.problems[0].code == "bad_state"
        with pytest.raises(SignInError):
            flow.finish("   ")
        result = flow.finish(redirected)
        assert result.accounts
        assert flow.listener is not None and not flow.listener.running

        flow2 = SignInFlow("x", apps, port=port, discover=discovered)
        url2 = flow2.start(listen=False)
        code = parse_qs(urlsplit(browse(url2, follow=False)).query)["code"][0]
        assert flow2.finish(code).grant.access_token


def test_a_code_is_single_use(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "x", port):
        set_up_app(apps, "x")
        flow = SignInFlow("x", apps, port=port, discover=discovered)
        redirected = browse(flow.start(listen=False), follow=False)
        flow.finish(redirected)
        again = SignInFlow("x", apps, port=port, discover=discovered)
        again.state, again.verifier = flow.state, flow.verifier
        again.start(listen=False)
        with pytest.raises(Rejected):
            again.finish(redirected)


def test_x_refresh_rotates_and_old_refresh_token_dies(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "x", port):
        set_up_app(apps, "x")
        grant = sign_in(apps, "x", port).grant
        assert grant.refresh_token
        provider = XProvider()
        fresh = provider.refresh(apps.get("x"), grant.refresh_token, NOW)
        assert fresh.refresh_token and fresh.refresh_token != grant.refresh_token
        with pytest.raises(AuthExpired):
            provider.refresh(apps.get("x"), grant.refresh_token, NOW)
        assert provider.refresh(apps.get("x"), fresh.refresh_token, NOW).access_token


def test_token_endpoint_trouble_is_transient(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "x", port) as fake:
        set_up_app(apps, "x")
        grant = sign_in(apps, "x", port).grant
        assert grant.refresh_token
        fake.fail_next("/2/oauth2/token", 503)
        with pytest.raises(Transient):
            XProvider().refresh(apps.get("x"), grant.refresh_token, NOW)
        fake.drop_next("/2/oauth2/token")
        with pytest.raises(Transient):  # lost answer: never UnknownOutcome, never "dead"
            XProvider().refresh(apps.get("x"), grant.refresh_token, NOW)


def test_wrong_client_secret_says_check_developer_app(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "x", port):
        apps.save("x", "test-client-id", "wrong-secret")
        flow = SignInFlow("x", apps, port=port, discover=discovered)
        redirected = browse(flow.start(listen=False), follow=False)
        with pytest.raises(Rejected, match="Developer apps"):
            flow.finish(redirected)


# -- LinkedIn --------------------------------------------------------------------------


def test_linkedin_secret_in_body_60_day_token_member_and_organizations(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    clock = FixedClock(NOW)
    with oauth_fake(monkeypatch, "linkedin", port) as fake:
        set_up_app(apps, "linkedin")
        result = sign_in(apps, "linkedin", port, clock=clock)
    assert result.grant.refresh_token is None  # not an approved partner
    assert result.grant.expires_at == NOW + timedelta(days=60)
    assert {a.kind for a in result.accounts} == {"member", "organization"}
    token_call = next(c for c in fake.calls if c.path == "/oauth/v2/accessToken")
    assert token_call.form["client_secret"] == CLIENT_SECRET
    assert "code_verifier" not in token_call.form
    assert "w_organization_social" in result.grant.scopes  # comma-separated answer


def test_linkedin_refresh_token_when_the_app_may_refresh(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    clock = FixedClock(NOW)
    with oauth_fake(monkeypatch, "linkedin", port, refresh=True):
        set_up_app(apps, "linkedin")
        result = sign_in(apps, "linkedin", port, clock=clock)
    assert result.grant.refresh_token
    assert result.grant.refresh_expires_at == NOW + timedelta(days=365)


# -- Google -------------------------------------------------------------------------------


def test_google_any_port_offline_consent_pkce(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps
) -> None:
    with oauth_fake(monkeypatch, "google", 1) as fake:
        set_up_app(apps, "google")
        flow = SignInFlow("google", apps, timeout=10, discover=discovered)
        url = flow.start()
        assert flow.port != 0
        query = parse_qs(urlsplit(url).query)
        assert query["access_type"] == ["offline"] and query["prompt"] == ["consent"]
        threading.Thread(target=browse, args=(url,)).start()
        result = flow.wait()
    assert result.grant.refresh_token
    assert [a.remote_id for a in result.accounts] == ["UC111", "UC222"]
    token_call = next(c for c in fake.calls if c.path == "/token")
    assert token_call.form["code_verifier"]


def test_google_invalid_grant_is_a_dead_token(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps
) -> None:
    from app.auth.providers import GoogleProvider

    with oauth_fake(monkeypatch, "google", 1) as fake:
        set_up_app(apps, "google")
        flow = SignInFlow("google", apps, timeout=10, discover=discovered)
        result = flow.finish(browse(flow.start(listen=False), follow=False))
        refresh = result.grant.refresh_token
        assert refresh
        renewed = GoogleProvider().refresh(apps.get("google"), refresh, NOW)
        assert renewed.refresh_token == refresh  # Google keeps the same refresh token
        fake.revoke()
        with pytest.raises(AuthExpired) as info:
            GoogleProvider().refresh(apps.get("google"), refresh, NOW)
    assert info.value.code == "invalid_grant"


# -- Meta ---------------------------------------------------------------------------------


def test_meta_code_exchange_then_long_lived_token_and_scopes(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    clock = FixedClock(NOW)
    with oauth_fake(monkeypatch, "meta", port) as fake:
        set_up_app(apps, "meta")
        result = sign_in(apps, "meta", port, clock=clock)
    assert result.grant.refresh_token is None
    assert result.grant.expires_at == NOW + timedelta(seconds=5_183_944)
    assert "pages_manage_posts" in result.grant.scopes  # from /debug_token
    assert {a.network for a in result.accounts} == {"facebook", "instagram"}
    exchanges = [c for c in fake.calls if c.path.endswith("/oauth/access_token")]
    assert "code" in exchanges[0].form and exchanges[0].form["redirect_uri"].startswith(
        "http://localhost:"
    )
    assert exchanges[1].form["grant_type"] == "fb_exchange_token"
    long_lived = fake.tokens[result.grant.access_token]
    assert long_lived.kind == "user"


def test_meta_redirect_mismatch_at_exchange(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    with oauth_fake(monkeypatch, "meta", port):
        set_up_app(apps, "meta")
        flow = SignInFlow("meta", apps, port=port, discover=discovered)
        redirected = browse(flow.start(listen=False), follow=False)
        flow.redirect_uri = flow.redirect_uri.replace("localhost", "127.0.0.1")
        with pytest.raises(Rejected, match="redirect_uri"):
            flow.finish(redirected)


def test_discovery_failure_of_one_network_is_reported_not_fatal(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    def discover(network: str, tokens: object) -> list:  # type: ignore[type-arg]
        if network == "instagram":
            raise Transient("instagram down")
        return discovered(network, tokens)  # type: ignore[arg-type]

    with oauth_fake(monkeypatch, "meta", port):
        set_up_app(apps, "meta")
        result = sign_in(apps, "meta", port, discover=discover)
    assert [a.network for a in result.accounts] == ["facebook"]
    assert result.problems and "instagram" in result.problems[0]


def test_pending_sign_in_can_be_finished_later(
    monkeypatch: pytest.MonkeyPatch, apps: DeveloperApps, port: int
) -> None:
    credentials = CredentialStore()
    clock = FixedClock(NOW)
    with oauth_fake(monkeypatch, "x", port, clock=lambda: clock.now().timestamp()):
        set_up_app(apps, "x")
        flow = SignInFlow("x", apps, port=port, clock=clock, discover=discovered)
        url = flow.start(listen=False)
        flow.save_pending(credentials)
        redirected = browse(url, follow=False)
        later = SignInFlow.resume("x", apps, credentials, clock=clock, discover=discovered)
        assert later.finish(redirected).accounts
        clock.advance(16 * 60)
        with pytest.raises(SignInError):
            SignInFlow.resume("x", apps, credentials, clock=clock)


def test_fake_refuses_wrong_verifier(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    fake = FakeOAuth("google").start()
    try:
        url = (
            f"{fake.url}/o/oauth2/v2/auth?response_type=code&client_id=test-client-id"
            "&redirect_uri=http://127.0.0.1:5/callback&scope=a&state=s"
            f"&code_challenge={s256('right')}&code_challenge_method=S256"
            "&access_type=offline&prompt=consent"
        )
        code = parse_qs(urlsplit(browse(url, follow=False)).query)["code"][0]
        answer = requests.post(
            fake.url + "/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": "http://127.0.0.1:5/callback",
                "client_id": "test-client-id",
                "client_secret": CLIENT_SECRET,
                "code_verifier": "wrong",
            },
            timeout=5,
        )
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    finally:
        fake.stop()
