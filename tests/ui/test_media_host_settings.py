"""The Instagram media host settings: explained, edited, saved (secret in the keyring)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.errors import CredentialsError
from app.mediahost.config import MediaHostConfig, secret_user
from app.secrets import CredentialStore
from app.services.instagram_support import media_host_of, save_media_host
from app.storage.repository import Store
from ui.media_host_settings import MediaHostBox


def test_box_explains_and_edits(qtbot: QtBot) -> None:
    box = MediaHostBox()
    qtbot.addWidget(box)
    assert "public web address" in box.why.text()
    assert box.config() is None and not box.site.isEnabled()
    box.kind.setCurrentIndex(1)
    assert box.site.isEnabled()
    box.site.setText("http://intranet")
    box.user.setText("comunicacion")
    assert box.problems() and not box.error.isHidden()
    box.site.setText("https://empleo.example.es/")
    box.password.setText("abcd efgh")
    assert box.problems() == []
    assert box.config() == MediaHostConfig(
        "wordpress", "https://empleo.example.es/", "comunicacion"
    )
    assert box.secret() == "abcd efgh"
    assert box.password.echoMode() == box.password.EchoMode.Password


def test_s3_settings(qtbot: QtBot) -> None:
    box = MediaHostBox()
    qtbot.addWidget(box)
    box.show()
    assert box.bucket.isHidden()
    box.kind.setCurrentIndex(box.kind.findData("s3"))
    assert not box.bucket.isHidden() and box.user_label.text() == "Access key ID:"
    box.user.setText("AKIA1")
    assert box.problems() == ["Give the S3 bucket name."]
    box.bucket.setText("media-empleo")
    box.region.setText("eu-west-1")
    assert box.problems() == []
    assert box.config() == MediaHostConfig("s3", "", "AKIA1", "media-empleo", "eu-west-1")


def test_saving_keeps_the_secret_out_of_the_database(tmp_path: Path) -> None:
    store = Store(tmp_path / "p.sqlite3")
    now = datetime(2027, 1, 1, tzinfo=UTC)
    account = store.add_account(
        network="instagram",
        name="IG",
        remote_id="1784",
        display_name="@empleo",
        keyring_user="instagram:1784",
        now=now,
    )
    credentials = CredentialStore()
    config = MediaHostConfig("wordpress", "https://empleo.example.es", "comunicacion")
    with pytest.raises(CredentialsError):
        save_media_host(store, credentials, account, config, "")  # no password yet
    save_media_host(store, credentials, account, config, "abcd efgh ijkl")
    stored = store.get_account(account.id)
    assert media_host_of(stored) == config
    files = b"".join(f.read_bytes() for f in tmp_path.glob("p.sqlite3*"))
    assert b"comunicacion" in files and b"abcd" not in files
    assert credentials.get(secret_user("instagram", "1784")) == "abcd efgh ijkl"
    save_media_host(store, credentials, stored, config, "")  # keeps the stored password
    save_media_host(store, credentials, stored, None)
    assert media_host_of(store.get_account(account.id)) is None
    store.close()


def test_option_in_the_accounts_window(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.clock import FixedClock
    from app.context import AppContext
    from tests.support.stubnet import stub_factory
    from ui.media_host_settings import MediaHostDialog, MediaHostOption

    ctx = AppContext(
        tmp_path / "p.sqlite3",
        clock=FixedClock(datetime(2027, 1, 1, tzinfo=UTC)),
        client_factory=stub_factory,
    )
    try:
        ig = ctx.accounts.connect("instagram", name="IG", remote_id="1784", token="tok")
        fb = ctx.accounts.connect("facebook", name="FB", remote_id="111", token="tok")
        option = MediaHostOption(ctx)
        qtbot.addWidget(option)
        option.show()
        option.set_account(fb)
        assert option.isHidden()
        option.set_account(ig)
        assert not option.isHidden() and "no media host" in option.summary.text()

        def fill(dialog: MediaHostDialog) -> int:
            dialog.box.kind.setCurrentIndex(dialog.box.kind.findData("wordpress"))
            dialog.box.site.setText("https://empleo.example.es")
            dialog.box.user.setText("comunicacion")
            assert dialog.save() is False  # no password stored yet: asked for
            assert "password" in dialog.box.error.text()
            dialog.box.password.setText("abcd efgh")
            assert dialog.save() is True
            return 1

        monkeypatch.setattr(MediaHostDialog, "exec", fill)
        option.edit()
        assert "WordPress media library of https://empleo.example.es" in option.summary.text()
        assert ctx.credentials.get("mediahost:instagram:1784") == "abcd efgh"
    finally:
        ctx.close()
