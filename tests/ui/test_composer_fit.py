"""The composer offers the pad-or-crop fix a media check carries (issue 4), never silently."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.media_fit import FitTarget, crop_image
from app.models import Account
from app.networks import registry
from app.networks.base import Limits
from tests.ui.conftest import StubFacebook
from ui import fit_dialog
from ui.bridge import Bridge
from ui.composer import Composer


class InstagramLike(StubFacebook):
    key = "instagram"
    label = "Instagram"
    limits = Limits(2200, 10, 8 * 1024 * 1024, frozenset({"JPEG"}))


@pytest.fixture
def instagram(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> Account:
    monkeypatch.setitem(registry.NETWORKS, "instagram", InstagramLike)
    return ctx.accounts.connect("instagram", name="Insta", remote_id="4004", token="tok-ig")


def tall_banner(tmp_path: Path) -> Path:
    path = tmp_path / "banner.jpg"
    Image.new("RGB", (400, 1000), (200, 30, 30)).save(path, "JPEG")
    return path


def test_a_too_tall_photo_is_cropped_only_when_the_user_chooses(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    instagram: Account,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    banner = tall_banner(tmp_path)
    post = ctx.posts.create_draft(text="Nuevo plazo", tz="Europe/Madrid")
    ctx.posts.set_accounts(post.id, [instagram.id])
    media = ctx.posts.add_media(post.id, banner, alt_text="Cartel del plazo")
    dialog = Composer(ctx, bridge, post.id)
    qtbot.addWidget(dialog)
    findings = [f for f in dialog.run_checks() if f.fix and f.fix.startswith("fit_aspect")]
    assert findings, "the check offers a fix for the shape"
    finding = findings[0]
    dialog.findings_view.list.setCurrentRow(dialog.findings.index(finding))
    assert dialog.findings_view.apply_button.text() == "Fix the photo…"

    asked: list[FitTarget] = []

    def cancel(parent: object, original: Path, target: FitTarget, work: Path, **kw: str) -> None:
        asked.append(target)
        return None

    monkeypatch.setattr(fit_dialog, "ask_fit", cancel)
    assert dialog.fix_media(finding) is False  # cancelled: nothing changes
    assert ctx.posts.get(post.id).media[0].sha256 == media.sha256

    def choose_crop(
        parent: object, original: Path, target: FitTarget, work: Path, **kw: str
    ) -> Path:
        asked.append(target)
        return crop_image(original, target, dest_dir=work)

    monkeypatch.setattr(fit_dialog, "ask_fit", choose_crop)
    assert dialog.fix_media(finding) is True
    (now,) = ctx.posts.get(post.id).media
    assert now.id == media.id and now.alt_text == "Cartel del plazo"
    assert now.width is not None and now.height is not None
    assert 0.8 <= now.width / now.height <= 1.91
    assert now.sha256 != media.sha256
    assert Image.open(banner).size == (400, 1000)  # the user's original is untouched
    assert not [f for f in dialog.run_checks() if f.fix and f.fix.startswith("fit_aspect")]
    assert asked[0].low == pytest.approx(0.8)


def test_the_fit_dialog_names_the_photo_as_the_user_added_it(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    instagram: Account,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The post keeps its photos under a content hash; the dialog said "8fbb…c.jpg does not
    # have the shape Instagram takes" instead of the name of the file the user chose.
    banner = tall_banner(tmp_path)
    post = ctx.posts.create_draft(text="Nuevo plazo", tz="Europe/Madrid")
    ctx.posts.set_accounts(post.id, [instagram.id])
    ctx.posts.add_media(post.id, banner, alt_text="Cartel del plazo")
    dialog = Composer(ctx, bridge, post.id)
    qtbot.addWidget(dialog)
    (finding,) = [f for f in dialog.run_checks() if f.fix and f.fix.startswith("fit_aspect")]
    shown: list[str] = []

    def look(parent: object, original: Path, target: FitTarget, work: Path, **kw: str) -> None:
        fit = fit_dialog.FitDialog(original, target, work, **kw)
        qtbot.addWidget(fit)
        shown.append(fit.intro.text())
        return None

    monkeypatch.setattr(fit_dialog, "ask_fit", look)
    dialog.fix_media(finding)
    assert shown and shown[0].startswith("banner.jpg does not have the shape Instagram takes")


def test_a_story_photo_is_checked_as_a_story_in_the_composer(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    instagram: Account,
    samples: Path,
) -> None:
    # A 9:16 photo published as a story was flagged "too tall for Instagram (least 0.80)"
    # with a "Fix the photo…" that padded it to 4:5; the review screen judged it right.
    post = ctx.posts.create_draft(text="Últimos días", tz="Europe/Madrid")
    ctx.posts.set_accounts(post.id, [instagram.id])
    ctx.posts.add_media(post.id, samples / "media" / "story-1080x1920.jpg", alt_text="Cartel")
    dialog = Composer(ctx, bridge, post.id)
    qtbot.addWidget(dialog)
    assert [f for f in dialog.run_checks() if f.code == "media_aspect"]  # a feed post
    editor = dialog.variants_panel.editors["instagram"]
    assert editor.kind_combo is not None
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("story"))
    findings = dialog.run_checks()
    assert not [f for f in findings if f.code == "media_aspect"]
    assert {f.code for f in findings} == {
        f.code for f in ctx.posts.checks.findings(ctx.posts.get(post.id))
    }
