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
