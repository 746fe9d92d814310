"""After connect → publish → refresh with every provider, no token, code or secret is
anywhere in Pregonero's files: the database (and its -wal), the settings, the logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import keyring
import pytest

from app import logsetup, paths
from app.clock import FixedClock
from app.context import AppContext
from app.models import DeliveryState as S
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


def factory(key: str, remote_id: str, token: str) -> SignedInNet:
    return NETS[key](remote_id, token)


@pytest.fixture
def debug_log(isolated_home: Path) -> Iterator[Path]:
    root = logging.getLogger()
    before, level = list(root.handlers), root.level
    path = logsetup.setup_logging(logging.DEBUG)
    for name in ("urllib3", "requests", "app"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield path
    for handler in root.handlers[:]:
        if handler not in before:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name in ("urllib3", "requests"):
        logging.getLogger(name).setLevel(logging.WARNING)


def test_no_secret_in_files_after_connect_publish_refresh(
    monkeypatch: pytest.MonkeyPatch,
    networks: dict[str, type[SignedInNet]],  # noqa: F811
    debug_log: Path,
    isolated_home: Path,
) -> None:
    clock = FixedClock(NOW)
    ctx = AppContext(clock=clock, client_factory=factory)
    secrets: set[str] = set()
    accounts = []
    fakes = []
    for provider, kw in (
        ("x", {}),
        ("google", {}),
        ("linkedin", {"refresh": True}),
        ("meta", {}),
    ):
        port = free_port()
        cm = oauth_fake(monkeypatch, provider, port, clock=lambda: clock.now().timestamp(), **kw)
        fake = cm.__enter__()
        fakes.append((cm, fake))
        set_up_app(ctx.apps, provider)
        result = sign_in(ctx.apps, provider, port, clock=clock)
        picks = [a for a in result.accounts if a.network != "facebook"]
        accounts += ctx.accounts.add_signed_in(result, picks)
        for account in result.accounts:
            secrets.add(account.token.access_token)
        for net in {a.network for a in picks}:
            NETS[net].fake = fake if provider != "meta" else None

    def publish_all() -> None:
        posts = [
            ctx.posts.create_scheduled(
                text=f"Oferta de empleo {n} {clock.now():%H%M}",
                link=None,
                media=[],
                account_ids=[account.id],
                when=clock.now() + timedelta(minutes=5),
                tz="Europe/Madrid",
            )
            for n, account in enumerate(accounts)
        ]
        clock.advance(600)
        for post in posts:
            assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED

    publish_all()
    clock.advance(3 * 3600)  # X and Google tokens expired: publishing refreshes them
    publish_all()
    refreshes = [
        c for _cm, f in fakes for c in f.calls if c.form.get("grant_type") == "refresh_token"
    ]
    assert {f.provider for _cm, f in fakes for c in f.calls if c in refreshes} == {"x", "google"}
    for account in accounts:
        ctx.accounts.check(ctx.store.get_account(account.id))
    for cm, fake in fakes:
        secrets |= fake.all_secrets()
        cm.__exit__(None, None, None)
    ctx.close()

    # The scan has teeth: the current tokens are in the keyring.
    for account in accounts:
        assert keyring.get_password("Pregonero", account.keyring_user) in secrets
    files = [p for p in paths.home().rglob("*") if p.is_file()]
    assert any(p.name.endswith(".sqlite3") for p in files)
    assert any(p.name.startswith("pregonero.log") for p in files)
    assert debug_log.read_text(encoding="utf-8")  # something was logged
    secrets = {s for s in secrets if len(s) >= 8}
    assert len(secrets) > 10
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"a secret is in {path.name}"
