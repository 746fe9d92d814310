"""Length per network, counted by each network's own class."""

from __future__ import annotations

import re
from datetime import datetime
from typing import ClassVar

import pytest

from app.checks.length import check_length, overflow_at
from app.errors import ValidationError
from app.networks import registry
from app.networks.base import AccountInfo, Limits, Network, OutgoingPost, Published
from app.networks.facebook import FacebookPages

FB_MAX = FacebookPages.limits.max_chars


class WeightedNet(Network):
    """A network that counts like X: URLs weigh 23, emoji 2, limit 280."""

    key: ClassVar[str] = "weighted"
    label: ClassVar[str] = "Weighted"
    limits: ClassVar[Limits] = Limits(280, 4, 5_000_000, frozenset({"JPEG"}))

    @classmethod
    def count_chars(cls, text: str) -> int:
        text = re.sub(r"https?://\S+", "u" * 23, text)
        return sum(2 if ord(c) > 0xFFFF else 1 for c in text)

    def verify(self) -> AccountInfo:  # pragma: no cover - never called
        raise NotImplementedError

    def publish(self, post: OutgoingPost) -> Published:  # pragma: no cover
        raise NotImplementedError

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        raise NotImplementedError  # pragma: no cover


@pytest.fixture
def weighted(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setitem(registry.NETWORKS, WeightedNet.key, WeightedNet)
    return WeightedNet.key


@pytest.mark.parametrize(("length", "flagged"), [(0, False), (FB_MAX, False), (FB_MAX + 1, True)])
def test_facebook_limit(length: int, flagged: bool) -> None:
    findings = check_length("a" * length, ["facebook"])
    assert bool(findings) is flagged
    if flagged:
        [f] = findings
        assert (f.code, f.severity, f.network, f.span) == (
            "text_too_long",
            "error",
            "facebook",
            (FB_MAX, FB_MAX + 1),
        )
        assert str(FB_MAX) in f.message


def test_each_network_counts_its_own_way(weighted: str) -> None:
    text = "Curso 👉 https://empleo.example.es/" + "x" * 300 + " " + "a" * 260
    [f] = check_length(text, ["facebook", weighted])  # Facebook fits, the weighted one not
    assert f.network == weighted
    start, end = f.span or (0, 0)
    assert WeightedNet.count_chars(text[:start]) <= 280 < WeightedNet.count_chars(text[: start + 1])
    assert end == len(text)


def test_overflow_never_cuts_an_emoji_sequence() -> None:
    family = "👩\u200d💻"
    text = "a" * 9 + family
    start = overflow_at(text, len, 10)
    assert start == 9  # the whole ZWJ sequence goes over, not its second half


def test_overflow_of_a_text_that_fits_is_none() -> None:
    assert overflow_at("hola", len, 4) is None


def test_unknown_network_is_refused() -> None:
    with pytest.raises(ValidationError):
        check_length("hola", ["myspace"])
