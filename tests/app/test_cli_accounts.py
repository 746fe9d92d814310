"""``pregonero account connect|list|check|remove|app`` against the strict OAuth fakes."""

from __future__ import annotations

import io
import socket
import threading
from collections.abc import Iterator

import keyring
import pytest

from app.cli import main
from app.context import AppContext
from tests.fakes.oauth import FakeOAuth, browse
from tests.support.signin import (
    CLIENT_SECRET,
    SignedInNet,
    free_port,
    networks,  # noqa: F401 - fixture
    oauth_fake,
)


@pytest.fixture
def x_fake(
    monkeypatch: pytest.MonkeyPatch,
    networks: dict[str, type[SignedInNet]],  # noqa: F811
) -> Iterator[tuple[FakeOAuth, int]]:
    port = free_port()
    with oauth_fake(monkeypatch, "x", port) as fake:
        networks["x"].fake = fake
        ctx = AppContext()
        ctx.store.set_setting("signin_port", str(port))
        ctx.close()
        monkeypatch.setattr("sys.stdin", io.StringIO(CLIENT_SECRET + "\n"))
        assert main(["account", "app", "x", "--client-id", "test-client-id", "--secret-stdin"]) == 0
        yield fake, port


def test_connect_through_the_browser_then_list_check_remove(
    x_fake: tuple[FakeOAuth, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, _port = x_fake
    opened: list[str] = []

    def browser(url: str) -> bool:
        opened.append(url)
        threading.Thread(target=browse, args=(url,)).start()
        return True

    monkeypatch.setattr("webbrowser.open", browser)
    assert main(["account", "connect", "x", "--name", "Empleo X"]) == 0
    out = capsys.readouterr()
    assert opened and opened[0] in out.out
    assert "Connected Empleo X" in out.out
    assert main(["account", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Empleo X\tx\t2244994945" in listed and "Connected" in listed
    assert main(["account", "check", "Empleo X"]) == 0
    checked = capsys.readouterr().out
    assert "Renews itself" in checked and "Last successful call: 2" in checked
    for secret in fake.all_secrets():
        assert secret not in out.out + out.err + listed + checked
    assert main(["account", "remove", "Empleo X"]) == 0
    assert keyring.get_password("Pregonero", "x:2244994945") is None


def test_connect_with_pasted_address_when_the_port_is_taken(
    x_fake: tuple[FakeOAuth, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fake, port = x_fake
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", port))
    blocker.listen()
    try:
        assert main(["account", "connect", "x", "--no-browser"]) == 0
    finally:
        blocker.close()
    out = capsys.readouterr()
    assert "in use" in out.err and "--code" in out.err
    url = next(line for line in out.out.splitlines() if line.startswith("http"))
    address = browse(url, follow=False)
    assert main(["account", "connect", "x", "--code", address, "--pick", "all"]) == 0
    assert "Connected Empleo Público" in capsys.readouterr().out
    # The pending sign-in is used up.
    assert main(["account", "connect", "x", "--code", address]) == 1
    assert "no recent sign-in" in capsys.readouterr().err


def test_connect_without_developer_app_says_where_to_set_it(
    networks: dict[str, type[SignedInNet]],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["account", "connect", "linkedin", "--no-browser"]) == 1
    assert "Developer apps" in capsys.readouterr().err


def test_check_unknown_account(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["account", "check", "Nadie"]) == 1
    assert "no account called" in capsys.readouterr().err
