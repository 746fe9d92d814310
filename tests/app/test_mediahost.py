"""Media hosts for Instagram: the WordPress media library against its strict fake."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.errors import AuthExpired, CredentialsError, ValidationError
from app.mediahost import MediaHostConfig, host_from_options, secret_user
from app.mediahost.config import explanation
from app.mediahost.wordpress import WordPressMediaHost
from app.secrets import CredentialStore
from tests.fakes.wordpress import FakeWordPress

MEDIA = Path("/work/shared/samples/media")
USER, PASSWORD = "comunicacion", "abcd EFGH ijkl MNOP qrst UVWX"
NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def wp() -> Iterator[FakeWordPress]:
    with FakeWordPress({USER: PASSWORD}) as server:
        yield server


def test_put_gives_a_public_url_and_delete_removes_it(wp: FakeWordPress) -> None:
    host = WordPressMediaHost(wp.url, USER, PASSWORD, timeout=5)
    path = MEDIA / "foto enorme ñandú.jpg"
    hosted = host.put(path, "image/jpeg")
    with urllib.request.urlopen(hosted.public_url, timeout=5) as resp:  # noqa: S310
        assert resp.read() == path.read_bytes()
        assert resp.headers["Content-Type"] == "image/jpeg"
    assert "ñandú" not in hosted.public_url  # the user's file name is not published
    host.delete(hosted.handle)
    assert wp.media() == []
    host.delete(hosted.handle)  # already gone: no error
    assert ("DELETE", f"/wp-json/wp/v2/media/{hosted.handle}", 200) in wp.log


def test_wrong_password_is_a_clear_auth_error(wp: FakeWordPress) -> None:
    host = WordPressMediaHost(wp.url, USER, "wrong pass", timeout=5)
    with pytest.raises(AuthExpired) as err:
        host.put(MEDIA / "carrusel-1-1080x1080.jpg", "image/jpeg")
    assert "application password" in str(err.value)
    assert "wrong pass" not in str(err.value)
    assert PASSWORD not in repr(host)


def test_config_lives_in_options_and_the_secret_in_the_keyring(wp: FakeWordPress) -> None:
    config = MediaHostConfig("wordpress", wp.url, USER)
    options = {"media_host": config.to_options()}
    assert MediaHostConfig.from_options(options) == config
    assert PASSWORD not in str(options)
    store = CredentialStore()
    with pytest.raises(CredentialsError):
        host_from_options(options, "instagram", "1784", store)
    store.set(secret_user("instagram", "1784"), PASSWORD)
    host = host_from_options(options, "instagram", "1784", store)
    assert isinstance(host, WordPressMediaHost)
    assert host_from_options({}, "instagram", "1784", store) is None
    with pytest.raises(ValidationError):
        config.validate()  # http:// is not accepted for a real site
    MediaHostConfig("wordpress", "https://empleo.example.es", USER).validate()
    assert "public web address" in explanation()


def test_removing_the_account_deletes_the_media_host_secret(tmp_path: Path) -> None:
    from app.clock import FixedClock
    from app.context import AppContext
    from app.services.instagram_support import save_media_host
    from tests.support.stubnet import stub_factory

    ctx = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    try:
        account = ctx.accounts.connect("instagram", name="IG", remote_id="1784", token="tok")
        config = MediaHostConfig("wordpress", "https://empleo.example.es", USER)
        save_media_host(ctx.store, ctx.credentials, account, config, PASSWORD)
        assert ctx.credentials.get(secret_user("instagram", "1784")) == PASSWORD
        ctx.accounts.remove(ctx.store.get_account(account.id))
        with pytest.raises(CredentialsError):
            ctx.credentials.get(secret_user("instagram", "1784"))
    finally:
        ctx.close()
