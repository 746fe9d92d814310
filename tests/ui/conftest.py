"""Fixtures for the UI tests: a context with an offline Facebook stand-in, a bridge, and
replacements for every modal dialog so that nothing ever blocks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from app.context import AppContext
from app.errors import AuthExpired, Rejected
from app.models import Account
from app.networks.base import AccountInfo, OutgoingPost, Published
from app.networks.facebook import FacebookPages
from app.settings import TIMEZONE
from ui import dialogs, review_dialog, tasks
from ui.bridge import Bridge

PAGE_ID = "1001"
GOOD_TOKEN = "EAAgood-token"
BAD_TOKEN = "EAAbad-token"


class StubFacebook(FacebookPages):
    """Facebook without the network: ``BAD_TOKEN`` is refused; posts containing "FAIL" fail."""

    published: list[OutgoingPost] = []

    def verify(self) -> AccountInfo:
        if self._token == BAD_TOKEN:
            raise AuthExpired("token refused", user_message="Invalid OAuth access token.")
        return AccountInfo(self.remote_id, "Página de prueba")

    def publish(self, post: OutgoingPost) -> Published:
        if "FAIL" in post.text:
            raise Rejected("refused", user_message="The post was refused by Facebook (test).")
        StubFacebook.published.append(post)
        n = len(StubFacebook.published)
        return Published(
            f"{self.remote_id}_{n}", f"https://www.facebook.com/{self.remote_id}/posts/{n}"
        )

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        return None


def stub_client(key: str, remote_id: str, token: str) -> StubFacebook:
    """Client factory for AppContext."""
    return StubFacebook(remote_id, token)


@dataclass
class Modals:
    """Records every modal the UI asked for; ``answers`` are popped by ask/confirm."""

    errors: list[tuple[str, str]] = field(default_factory=list)
    questions: list[tuple[str, str, list[str]]] = field(default_factory=list)
    answers: list[int | None] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    #: Review screens shown (post id, publish now?); ``review_answer`` is what they return.
    reviews: list[tuple[int, bool]] = field(default_factory=list)
    review_answer: dict[str, str] | None = field(default_factory=dict)
    times: list[datetime | None] = field(default_factory=list)

    def review_post(
        self, parent: Any, ctx: Any, post: Any, when: datetime, *, publish_now: bool = False
    ) -> dict[str, str] | None:
        self.reviews.append((post.id, publish_now))
        return None if self.review_answer is None else dict(self.review_answer)

    def pick_datetime(self, parent: Any, title: str, text: str, initial: datetime) -> Any:
        self.questions.append((title, text, []))
        return self.times.pop(0) if self.times else None

    def show_error(self, parent: Any, title: str, text: str) -> None:
        self.errors.append((title, text))

    def ask(self, parent: Any, title: str, text: str, choices: list[str]) -> int | None:
        self.questions.append((title, text, list(choices)))
        return self.answers.pop(0) if self.answers else None

    def pick_images(self, parent: Any, start_dir: str = "") -> list[Path]:
        files, self.files = self.files, []
        return files

    @property
    def error_text(self) -> str:
        return "\n".join(text for _title, text in self.errors)


def _refuse(*_args: Any, **_kwargs: Any) -> Any:
    raise AssertionError("a real modal dialog was opened in a test")


@pytest.fixture(autouse=True)
def modals(monkeypatch: pytest.MonkeyPatch) -> Modals:
    """Every modal question/message of the UI is answered by this recorder."""
    recorder = Modals()
    monkeypatch.setattr(dialogs, "show_error", recorder.show_error)
    monkeypatch.setattr(dialogs, "show_info", recorder.show_error)
    monkeypatch.setattr(dialogs, "ask", recorder.ask)
    monkeypatch.setattr(dialogs, "pick_images", recorder.pick_images)
    monkeypatch.setattr(dialogs, "review_post", recorder.review_post)
    monkeypatch.setattr(dialogs, "pick_datetime", recorder.pick_datetime)
    # Links are never tried online from UI tests (review screen and composer).
    monkeypatch.setattr(review_dialog, "ONLINE_CHECKS", False)
    # Safety net: anything bypassing ui.dialogs fails instead of blocking.
    monkeypatch.setattr(QMessageBox, "exec", _refuse)
    monkeypatch.setattr(QMessageBox, "about", _refuse)
    for name in ("getOpenFileNames", "getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, _refuse)
    return recorder


@pytest.fixture(autouse=True)
def synchronous_tasks() -> Iterator[None]:
    """Background work runs inline unless a test turns it off."""
    with tasks.synchronous():
        yield


@pytest.fixture
def ctx(isolated_home: Path) -> Iterator[AppContext]:
    """An AppContext in the test's PREGONERO_HOME, with the offline Facebook stand-in."""
    StubFacebook.published = []
    context = AppContext(client_factory=stub_client)
    context.settings.set(TIMEZONE, "Europe/Madrid")
    yield context
    context.close()


@pytest.fixture
def bridge(ctx: AppContext, qapp: Any) -> Bridge:
    """A bridge listening to ``ctx``."""
    b = Bridge()
    ctx.listeners.add(b.listener)
    return b


@pytest.fixture
def account(ctx: AppContext) -> Account:
    """A connected Page called "Empleo"."""
    return ctx.accounts.connect("facebook", name="Empleo", remote_id=PAGE_ID, token=GOOD_TOKEN)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` into ``widget`` as a keyboard/input method would (any characters;
    QTest's keyClicks only knows ASCII)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
