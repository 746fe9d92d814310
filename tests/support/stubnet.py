"""An in-process stand-in network for testing the publishing logic (not HTTP).

The HTTP contract is tested against tests/fakes/graph.py; this stub only lets the
state-machine tests script outcomes: publish ok, raise an error, or "created but
no answer".
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from app.errors import UnknownOutcome
from app.networks.base import AccountInfo, Limits, Network, OutgoingPost, Published


class StubNetwork(Network):
    """Records what it published; ``script`` holds outcomes for the next calls."""

    key: ClassVar[str] = "facebook"
    label: ClassVar[str] = "Facebook"
    limits: ClassVar[Limits] = Limits(
        63206, 10, 10 * 1024 * 1024, frozenset({"JPEG", "PNG", "GIF"}), 600
    )
    published: ClassVar[list[tuple[str, OutgoingPost, datetime | None]]] = []
    script: ClassVar[list[Exception | str]] = []
    verify_error: ClassVar[Exception | None] = None
    find_error: ClassVar[Exception | None] = None

    @classmethod
    def reset(cls) -> None:
        cls.published = []
        cls.script = []
        cls.verify_error = None
        cls.find_error = None

    def verify(self) -> AccountInfo:
        if self.verify_error:
            raise self.verify_error
        return AccountInfo(self.remote_id, f"Page {self.remote_id}")

    def _record(self, post: OutgoingPost) -> Published:
        n = len(self.published) + 1
        self.published.append((self.remote_id, post, None))
        return Published(f"{self.remote_id}_{n}", f"https://facebook.test/{self.remote_id}_{n}")

    def publish(self, post: OutgoingPost) -> Published:
        outcome = self.script.pop(0) if self.script else "ok"
        if outcome == "created-no-answer":
            self._record(post)
            raise UnknownOutcome("no answer")
        if isinstance(outcome, Exception):
            raise outcome
        return self._record(post)

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        if self.find_error:
            raise self.find_error
        for i, (remote, p, _at) in enumerate(self.published, start=1):
            if remote == self.remote_id and p.text == post.text:
                return Published(f"{remote}_{i}", f"https://facebook.test/{remote}_{i}")
        return None


def stub_factory(key: str, remote_id: str, token: str) -> Network:
    """A client factory for AppContext that builds StubNetwork clients."""
    assert token, "the token must come from the keyring"
    return StubNetwork(remote_id, token)
