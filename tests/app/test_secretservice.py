"""Tokens in a real Secret Service (GNOME Keyring over D-Bus).

Run by scripts/test.sh inside ``dbus-run-session`` with an unlocked gnome-keyring;
excluded from the ordinary run (marker ``secretservice``).
"""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest

from app.context import AppContext
from app.secrets import CredentialStore, ensure_usable
from tests.support.stubnet import StubNetwork, stub_factory

pytestmark = pytest.mark.secretservice


def test_default_backend_is_secret_service() -> None:
    backend = ensure_usable()
    assert "SecretService" in type(backend).__module__ + type(backend).__name__


def test_connect_account_keeps_token_in_secret_service_only(tmp_path: Path) -> None:
    StubNetwork.reset()
    ctx = AppContext(tmp_path / "p.sqlite3", client_factory=stub_factory)
    account = ctx.accounts.connect(
        "facebook", name="Empleo", remote_id="222", token="EAAG-test-token-not-real"
    )
    assert keyring.get_password("Pregonero", account.keyring_user) == "EAAG-test-token-not-real"
    assert "EAAG-test-token-not-real" not in "\n".join(ctx.store.db.conn.iterdump())
    assert ctx.accounts.client(account)._token == "EAAG-test-token-not-real"
    ctx.accounts.remove(account)
    assert keyring.get_password("Pregonero", account.keyring_user) is None
    with pytest.raises(Exception, match="not in the keyring"):
        CredentialStore().get(account.keyring_user)
    ctx.close()


def test_signed_in_account_tokens_and_client_secret_land_in_secret_service(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A browser sign-in (X, against its strict fake): the client secret, the account's
    access token and the grant with its refresh token are in the real keyring; a
    refresh rotates the grant there; removing the account deletes them."""
    import json

    from app.networks import registry
    from tests.support.signin import (
        CLIENT_SECRET,
        NETS,
        free_port,
        oauth_fake,
        set_up_app,
        sign_in,
    )

    for key, cls in NETS.items():
        monkeypatch.setitem(registry.NETWORKS, key, cls)
    port = free_port()
    ctx = AppContext(tmp_path / "p.sqlite3", client_factory=lambda k, r, t: NETS[k](r, t))
    try:
        with oauth_fake(monkeypatch, "x", port) as fake:
            NETS["x"].fake = fake
            set_up_app(ctx.apps, "x")
            assert keyring.get_password("Pregonero", "app:x:client_secret") == CLIENT_SECRET
            result = sign_in(ctx.apps, "x", port)
            (account,) = ctx.accounts.add_signed_in(result, result.accounts)
            grant_user = account.options["grant"]
            assert keyring.get_password("Pregonero", "x:2244994945") == result.grant.access_token
            stored = json.loads(keyring.get_password("Pregonero", grant_user) or "{}")
            assert stored["refresh_token"] == result.grant.refresh_token
            ctx.store.set_account_token_expiry(account.id, ctx.clock.now())  # due now
            token = ctx.accounts.client(ctx.store.get_account(account.id))._token
            assert keyring.get_password("Pregonero", "x:2244994945") == token
            rotated = json.loads(keyring.get_password("Pregonero", grant_user) or "{}")
            assert rotated["refresh_token"] != result.grant.refresh_token
            dump = "\n".join(ctx.store.db.conn.iterdump())
            for secret in fake.all_secrets():
                assert secret not in dump
            ctx.accounts.remove(ctx.store.get_account(account.id))
            assert keyring.get_password("Pregonero", "x:2244994945") is None
            assert keyring.get_password("Pregonero", grant_user) is None
            ctx.apps.save("x", "test-client-id", "")
            assert keyring.get_password("Pregonero", "app:x:client_secret") is None
    finally:
        NETS["x"].fake = None
        ctx.close()
