"""Helpers for sign-in tests: stand-in networks with ``discover`` and a sign-in driver.

The real clients' ``discover`` is written by each network's helper; these stand-ins
return accounts the way platforms.md describes (a member and its organizations on
LinkedIn share the member's token; Pages get their own Page token...).
"""

from __future__ import annotations

import dataclasses
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import ClassVar

import pytest

from app.auth.apps import DeveloperApps
from app.auth.flow import SignInFlow, SignInResult
from app.clock import Clock
from app.errors import AuthExpired
from app.networks import registry
from app.networks.base import (
    AccountInfo,
    DiscoveredAccount,
    Limits,
    Network,
    OutgoingPost,
    Published,
    TokenSet,
)
from tests.fakes.oauth import FakeOAuth, browse

CLIENT_ID = "test-client-id"
CLIENT_SECRET = "test-client-secret-XYZ"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SignedInNet(Network):
    """A client that accepts only tokens its fake says are valid; records publishes."""

    key: ClassVar[str] = "x"
    label: ClassVar[str] = "X"
    limits: ClassVar[Limits] = Limits(280, 4, 5 * 1024 * 1024, frozenset({"JPEG", "PNG"}))
    fake: ClassVar[FakeOAuth | None] = None
    published: ClassVar[list[tuple[str, str, str]]] = []  # (remote_id, token, text)
    required_scopes: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def discover(
        cls, token: TokenSet, *, base_url: str | None = None, timeout: float = 30.0
    ) -> list[DiscoveredAccount]:
        """The accounts of :func:`discovered` for this network, with ``missing_scopes``
        as the real clients compute it (required minus granted, when known)."""
        missing = cls.required_scopes - token.scopes if token.scopes else frozenset()
        return [
            dataclasses.replace(a, missing_scopes=frozenset(missing))
            for a in discovered(cls.key, token)
        ]

    def _check(self) -> None:
        fake = type(self).fake
        if fake is not None and not fake.valid(self._token):
            raise AuthExpired("token refused", code="http_401")

    def verify(self) -> AccountInfo:
        self._check()
        return AccountInfo(self.remote_id, f"{self.key} {self.remote_id}")

    def publish(self, post: OutgoingPost) -> Published:
        self._check()
        type(self).published.append((self.remote_id, self._token, post.text))
        n = len(type(self).published)
        return Published(f"{self.remote_id}_{n}", f"https://{self.key}.test/{n}")

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        return None


def net_class(key: str, label: str, required: frozenset[str] = frozenset()) -> type[SignedInNet]:
    """A :class:`SignedInNet` subclass for network ``key``."""
    return type(
        f"Fake{label}",
        (SignedInNet,),
        {"key": key, "label": label, "required_scopes": required, "published": []},
    )


NETS = {
    "x": net_class("x", "X", frozenset({"tweet.write", "users.read", "offline.access"})),
    "linkedin": net_class("linkedin", "LinkedIn", frozenset({"w_member_social"})),
    "youtube": net_class(
        "youtube", "YouTube", frozenset({"https://www.googleapis.com/auth/youtube.upload"})
    ),
    "instagram": net_class("instagram", "Instagram", frozenset({"instagram_content_publish"})),
}


def discovered(network: str, tokens: TokenSet) -> list[DiscoveredAccount]:
    """What each network's ``discover`` returns for a user (see the module docstring)."""
    if network == "x":
        return [DiscoveredAccount("x", "2244994945", "Empleo Público", "user", tokens)]
    if network == "linkedin":
        return [
            DiscoveredAccount("linkedin", "urn:li:person:abc", "Ana García", "member", tokens),
            DiscoveredAccount(
                "linkedin", "urn:li:organization:123", "Servicio de Empleo", "organization", tokens
            ),
        ]
    if network == "youtube":
        return [
            DiscoveredAccount("youtube", "UC111", "Canal Empleo", "channel", tokens),
            DiscoveredAccount("youtube", "UC222", "Canal Formación", "channel", tokens),
        ]
    if network == "facebook":
        page = TokenSet("page-token-of-104-" + tokens.access_token[-6:], scopes=tokens.scopes)
        return [DiscoveredAccount("facebook", "104", "Empleo Valencia", "page", page)]
    if network == "instagram":
        page = TokenSet("page-token-of-104-" + tokens.access_token[-6:], scopes=tokens.scopes)
        return [
            DiscoveredAccount(
                "instagram", "1784", "empleo_vlc", "instagram", page, note="linked to the Page"
            )
        ]
    return []


def stand_in(network: str, tokens: TokenSet) -> list[DiscoveredAccount]:
    """``discover`` of the stand-in network ``network`` (the plain list for others)."""
    cls = NETS.get(network)
    return cls.discover(tokens) if cls is not None else discovered(network, tokens)


@pytest.fixture
def networks(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[SignedInNet]]:
    """Register the stand-in networks (facebook keeps the real client class)."""
    for key, cls in NETS.items():
        cls.fake = None
        cls.published = []
        monkeypatch.setitem(registry.NETWORKS, key, cls)
    return NETS


@contextmanager
def oauth_fake(
    monkeypatch: pytest.MonkeyPatch, provider: str, port: int, **kw: object
) -> Iterator[FakeOAuth]:
    """A started :class:`FakeOAuth` for ``provider`` with ``port`` registered, and
    ``PREGONERO_<PROVIDER>_AUTH`` pointing at it."""
    uris = (f"http://127.0.0.1:{port}/callback", f"http://localhost:{port}/callback")
    fake = FakeOAuth(provider, redirect_uris=uris, **kw)  # type: ignore[arg-type]
    fake.start()
    monkeypatch.setenv(f"PREGONERO_{provider.upper()}_AUTH", fake.url)
    try:
        yield fake
    finally:
        fake.stop()


def set_up_app(apps: DeveloperApps, provider: str, secret: str | None = CLIENT_SECRET) -> None:
    """Save the test developer app of ``provider``."""
    apps.save(provider, CLIENT_ID, secret)


def sign_in(
    apps: DeveloperApps,
    provider: str,
    port: int,
    *,
    clock: Clock | None = None,
    discover: Callable[[str, TokenSet], list[DiscoveredAccount]] | None = None,
) -> SignInResult:
    """A whole browser sign-in: start, the "browser" follows the redirect, wait."""
    flow = SignInFlow(
        provider, apps, port=port, timeout=10, discover=discover or stand_in, clock=clock
    )
    url = flow.start()
    browser = threading.Thread(target=browse, args=(url,))
    browser.start()
    try:
        return flow.wait()
    finally:
        browser.join(10)
