"""An in-process stand-in network for testing the publishing logic (not HTTP).

The HTTP contract is tested against tests/fakes/graph.py; this stub only lets the
state-machine tests script outcomes: publish ok, raise an error, or "created but
no answer".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from app.errors import Rejected, UnknownOutcome
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


class PrepareStub(StubNetwork):
    """A stub that prepares ahead (like Instagram containers): ``prepare`` saves a
    container id in ``post.progress`` and reports ready; ``prepare_script`` holds
    outcomes for the next prepare calls (exceptions or "not-ready")."""

    key: ClassVar[str] = "stubprep"
    label: ClassVar[str] = "Prepstub"
    prepare_lead_seconds: ClassVar[int] = 1800
    prepared: ClassVar[list[dict[str, Any]]] = []
    prepare_script: ClassVar[list[Exception | str]] = []

    @classmethod
    def reset(cls) -> None:
        super().reset()
        cls.prepared = []
        cls.prepare_script = []

    def prepare(self, post: OutgoingPost) -> bool:
        outcome = self.prepare_script.pop(0) if self.prepare_script else "ok"
        if isinstance(outcome, Exception):
            raise outcome
        if "container" not in post.progress.data:
            post.progress.data["container"] = f"c{len(self.prepared) + 1}"
            post.progress.save()
        self.prepared.append(dict(post.progress.data))
        return outcome != "not-ready"

    def publish(self, post: OutgoingPost) -> Published:
        # Publishing uses what prepare saved (or makes it now when it was not prepared).
        if "container" not in post.progress.data:
            post.progress.data["container"] = "late"
            post.progress.save()
        post.progress.data["step"] = "publishing"
        post.progress.save()
        return super().publish(post)


class HandOffStub(StubNetwork):
    """A stub whose network holds scheduled posts (native hand-off), in :attr:`held`
    ({remote id: (text, publish_at)}); ``handoff_script`` holds outcomes of the next
    hand-off calls; ``live`` marks held posts as published by the network."""

    key: ClassVar[str] = "stubhand"
    label: ClassVar[str] = "Handstub"
    supports_handoff: ClassVar[bool] = True
    handoff_min_seconds: ClassVar[int] = 600
    handoff_max_seconds: ClassVar[int] = 30 * 24 * 3600
    held: ClassVar[dict[str, tuple[str, datetime]]] = {}
    live: ClassVar[set[str]] = set()
    handoff_script: ClassVar[list[Exception | str]] = []
    calls: ClassVar[list[str]] = []

    @classmethod
    def reset(cls) -> None:
        super().reset()
        cls.held = {}
        cls.live = set()
        cls.handoff_script = []
        cls.calls = []

    def _next(self) -> Exception | str:
        return self.handoff_script.pop(0) if self.handoff_script else "ok"

    def hand_off(self, post: OutgoingPost, publish_at: datetime) -> Published:
        self.calls.append("hand_off")
        outcome = self._next()
        remote = f"h{len(self.held) + 1}"
        if outcome == "created-no-answer":
            self.held[remote] = (post.text, publish_at)
            raise UnknownOutcome("no answer")
        if isinstance(outcome, Exception):
            raise outcome
        self.held[remote] = (post.text, publish_at)
        return Published(remote, "")

    def update_hand_off(self, remote_id: str, post: OutgoingPost, publish_at: datetime) -> None:
        self.calls.append("update")
        outcome = self._next()
        if isinstance(outcome, Exception):
            raise outcome
        if remote_id not in self.held:
            raise Rejected("gone", code="handoff_gone")
        self.held[remote_id] = (post.text, publish_at)

    def cancel_hand_off(self, remote_id: str) -> None:
        self.calls.append("cancel")
        outcome = self._next()
        if isinstance(outcome, Exception):
            raise outcome
        self.held.pop(remote_id, None)

    def hand_off_status(self, remote_id: str) -> Published | None:
        self.calls.append("status")
        if remote_id not in self.held:
            raise Rejected("gone", code="handoff_gone")
        if remote_id in self.live:
            return Published(remote_id, f"https://hand.test/{remote_id}")
        return None

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        for remote, (text, _at) in self.held.items():
            if text == post.text:
                return Published(remote, "")
        return super().find_published(post, since)


#: Stub classes by network key, for :func:`stub_factory` (others get StubNetwork).
STUBS: dict[str, type[StubNetwork]] = {PrepareStub.key: PrepareStub, HandOffStub.key: HandOffStub}


def stub_factory(key: str, remote_id: str, token: str) -> Network:
    """A client factory for AppContext that builds StubNetwork clients."""
    assert token, "the token must come from the keyring"
    return STUBS.get(key, StubNetwork)(remote_id, token)
