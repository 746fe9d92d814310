"""Per-network versions in the composer: every edit saved, counters per network, options,
X thread parts; the queue says when a network holds the post."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.models import Account, DeliveryState
from app.networks import registry
from app.networks.base import Limits
from tests.ui.conftest import Modals, StubFacebook, type_text
from ui import dialogs
from ui.bridge import Bridge
from ui.composer import Composer
from ui.queue_model import QueueModel

S = DeliveryState


class XLike(StubFacebook):
    key = "x"
    label = "X"
    limits = Limits(20, 4, 5 * 1024 * 1024, frozenset({"JPEG", "PNG"}))

    @classmethod
    def count_chars(cls, text: str) -> int:
        return len(text) + text.count("#")  # weighted, like X


class YouTubeLike(StubFacebook):
    key = "youtube"
    label = "YouTube"
    limits = Limits(5000, 1, 5 * 1024 * 1024, frozenset({"JPEG", "PNG"}))


@pytest.fixture
def accounts(
    ctx: AppContext, account: Account, monkeypatch: pytest.MonkeyPatch
) -> dict[str, Account]:
    monkeypatch.setitem(registry.NETWORKS, "x", XLike)
    monkeypatch.setitem(registry.NETWORKS, "youtube", YouTubeLike)
    x = ctx.accounts.connect("x", name="Equis", remote_id="2002", token="tok-x")
    yt = ctx.accounts.connect("youtube", name="Canal", remote_id="3003", token="tok-y")
    return {"facebook": account, "x": x, "youtube": yt}


def make(qtbot: QtBot, ctx: AppContext, bridge: Bridge, post_id: int | None) -> Composer:
    dialog = Composer(ctx, bridge, post_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def post_for_all(ctx: AppContext, accounts: dict[str, Account], text: str = "Hola") -> int:
    ids = [a.id for a in accounts.values()]
    return ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=ids).id


def test_a_tab_per_network_and_own_text_saved(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    post_id = post_for_all(ctx, accounts)
    dialog = make(qtbot, ctx, bridge, post_id)
    panel = dialog.variants_panel
    assert set(panel.editors) == {"facebook", "x", "youtube"}
    x = panel.editors["x"]
    assert x.same_text.isChecked() and x.text_edit.toPlainText() == "Hola"
    assert x.text_edit.isReadOnly()

    x.same_text.setChecked(False)  # saved at once
    assert ctx.posts.get(post_id).variants["x"].text == "Hola"
    x.text_edit.setPlainText("")
    type_text(x.text_edit, "Solo en X #empleo")
    qtbot.waitUntil(
        lambda: (ctx.posts.get(post_id).variants["x"].text or "") == "Solo en X #empleo",
        timeout=2000,
    )
    assert "own version" in panel.tabText(panel.indexOf(panel._holders["x"]))
    # The main text no longer counts for X; its tab counts X's way (17 + 1 for "#").
    assert "X: own text" in dialog.counter_label.text()
    assert x.counter.text().startswith("18 / 20")

    # Editing the main text does not touch X's own text, but shows in the others.
    dialog.text_edit.setPlainText("Hola a todos")
    assert panel.editors["facebook"].text_edit.toPlainText() == "Hola a todos"
    assert x.text_edit.toPlainText() == "Solo en X #empleo"

    x.same_text.setChecked(True)
    assert ctx.posts.get(post_id).variants["x"].text is None


def test_counter_turns_red_over_the_networks_limit(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    post_id = post_for_all(ctx, accounts)
    dialog = make(qtbot, ctx, bridge, post_id)
    x = dialog.variants_panel.editors["x"]
    x.same_text.setChecked(False)
    x.text_edit.setPlainText("#uno #dos #tres #cuatro")  # 23 + 4 = 27 > 20
    assert x.counter.text().startswith("27 / 20")
    assert "bold" in x.counter.styleSheet()
    assert dialog.over_limit() == ["X"]


def test_thread_parts_added_edited_removed_and_saved(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    post_id = post_for_all(ctx, accounts)
    dialog = make(qtbot, ctx, bridge, post_id)
    x = dialog.variants_panel.editors["x"]
    first = x.add_thread_part("")
    second = x.add_thread_part("")
    assert first is not None and second is not None
    first.edit.setPlainText("Segunda parte")
    second.edit.setPlainText("Tercera #parte")
    assert second.counter.text().startswith("15 / 20")
    dialog.flush()
    assert ctx.posts.variant_options(post_id, "x").thread == ("Segunda parte", "Tercera #parte")
    x.remove_thread_part(first)
    assert ctx.posts.variant_options(post_id, "x").thread == ("Tercera #parte",)
    assert "Part 2" in second.title.text()  # renumbered
    dialog.close()
    reopened = make(qtbot, ctx, bridge, post_id)
    parts = reopened.variants_panel.editors["x"].thread_parts
    assert [p.text() for p in parts] == ["Tercera #parte"]


def test_youtube_and_facebook_options_saved(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    accounts: dict[str, Account],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    post_id = post_for_all(ctx, accounts)
    dialog = make(qtbot, ctx, bridge, post_id)
    yt = dialog.variants_panel.editors["youtube"]
    assert yt.title_edit is not None and yt.tags_edit is not None
    assert yt.privacy_combo is not None and yt.kids_box is not None
    assert yt.category_combo is not None and yt.playlist_edit is not None
    yt.title_edit.setText("Cursos 2027")
    yt.title_edit.textEdited.emit("Cursos 2027")
    yt.tags_edit.setText("empleo, #formación, ")
    yt.tags_edit.textEdited.emit("")
    yt.privacy_combo.setCurrentIndex(yt.privacy_combo.findData("unlisted"))
    yt.category_combo.setCurrentIndex(yt.category_combo.findData("27"))
    yt.kids_box.setChecked(True)
    thumb = tmp_path / "miniatura.png"
    Image.new("RGB", (128, 72), "navy").save(thumb)
    monkeypatch.setattr(dialogs, "pick_open_file", lambda *a, **k: thumb)
    yt.thumb_button.click()
    assert yt.thumb_label is not None and yt.thumb_label.text().endswith(".png")
    fb = dialog.variants_panel.editors["facebook"]
    assert fb.first_comment is not None and fb.kind_combo is not None
    fb.kind_combo.setCurrentIndex(fb.kind_combo.findData("reel"))
    fb.first_comment.setPlainText("Más información: https://empleo.example.es")
    dialog.close()

    options = ctx.posts.variant_options(post_id, "youtube")
    assert (options.title, options.tags, options.privacy, options.category_id) == (
        "Cursos 2027",
        ("empleo", "formación"),
        "unlisted",
        "27",
    )
    assert options.made_for_kids
    assert options.thumbnail is not None and options.thumbnail.parent == ctx.store.media_dir
    fb_options = ctx.posts.variant_options(post_id, "facebook")
    assert fb_options.kind == "reel"
    assert fb_options.first_comment == "Más información: https://empleo.example.es"


def test_own_media_for_one_network(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    accounts: dict[str, Account],
    tmp_path: Path,
    modals: Modals,
) -> None:
    post_id = post_for_all(ctx, accounts)
    dialog = make(qtbot, ctx, bridge, post_id)
    x = dialog.variants_panel.editors["x"]
    photo = tmp_path / "solo-x.png"
    Image.new("RGB", (60, 40), "red").save(photo)
    modals.files = [photo]
    x.own_media.setChecked(True)
    x.add_photos_button.click()
    post = ctx.posts.get(post_id)
    assert post.media == []  # not shared
    assert [m.original_name for m in post.variants["x"].media] == ["solo-x.png"]
    assert post.variants["x"].own_media
    (media_id,) = x.media_labels
    x.remove_media(media_id)
    assert ctx.posts.get(post_id).variants["x"].media == []


def test_new_post_variant_edit_creates_the_draft(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    dialog = make(qtbot, ctx, bridge, None)
    for box in dialog.account_boxes.values():
        box.setChecked(True)
    post_id = dialog.post_id
    assert post_id is not None
    x = dialog.variants_panel.editors["x"]
    x.same_text.setChecked(False)
    type_text(x.text_edit, "Nuevo")
    dialog.reject()  # closing flushes what is pending
    assert ctx.posts.get(post_id).variants["x"].text == "Nuevo"


def test_read_only_once_published(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    post_id = post_for_all(ctx, accounts)
    for delivery in ctx.posts.get(post_id).deliveries:
        ctx.store.transition(delivery.id, S.SCHEDULED, "t", now=ctx.clock.now())
        ctx.store.transition(delivery.id, S.PUBLISHING, "t", now=ctx.clock.now())
    dialog = make(qtbot, ctx, bridge, post_id)
    x = dialog.variants_panel.editors["x"]
    assert x.text_edit.isReadOnly() and not x.same_text.isEnabled()


def test_queue_says_the_network_holds_it(ctx: AppContext, accounts: dict[str, Account]) -> None:
    post_id = post_for_all(ctx, accounts)
    delivery = ctx.posts.get(post_id).deliveries[0]
    ctx.store.transition(delivery.id, S.SCHEDULED, "t", now=ctx.clock.now())
    ctx.store.transition(delivery.id, S.HANDED_OFF, "t", now=ctx.clock.now())
    model = QueueModel()
    model.set_posts([ctx.posts.get(post_id)], {a.id: a for a in accounts.values()})
    tip = model.data(model.index(0, QueueModel.STATE), 3)  # ToolTipRole
    assert "Handed off to Facebook: it goes out even if this computer is off." in tip


def test_hand_off_option_checkbox(
    qtbot: QtBot, ctx: AppContext, accounts: dict[str, Account], monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.networks.facebook import FacebookPages
    from ui.handoff_option import HandOffOption

    monkeypatch.setattr(FacebookPages, "supports_handoff", False, raising=False)
    monkeypatch.setattr(YouTubeLike, "supports_handoff", True, raising=False)
    option = HandOffOption(ctx, accounts["youtube"])
    qtbot.addWidget(option)
    assert not option.isHidden() and not option.box.isChecked()
    option.box.setChecked(True)
    assert ctx.handoffs.enabled(ctx.accounts.by_name("Canal"))
    option.box.setChecked(False)
    assert not ctx.handoffs.enabled(ctx.accounts.by_name("Canal"))
    hidden = HandOffOption(ctx, accounts["facebook"])  # this stand-in cannot hold posts
    qtbot.addWidget(hidden)
    assert hidden.isHidden()
    hidden.set_account(accounts["youtube"])  # one widget follows the selected account
    assert not hidden.isHidden() and not hidden.box.isChecked()
    assert "YouTube" in hidden.box.text()
    hidden.set_account(None)
    assert hidden.isHidden()


def test_composer_says_the_network_holds_it(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    post_id = post_for_all(ctx, accounts)
    delivery = ctx.posts.get(post_id).deliveries[0]
    ctx.store.transition(delivery.id, S.SCHEDULED, "t", now=ctx.clock.now())
    ctx.store.transition(delivery.id, S.HANDED_OFF, "t", now=ctx.clock.now())
    dialog = make(qtbot, ctx, bridge, post_id)
    assert "Handed off to" in dialog.notice_label.text()
    assert not dialog._read_only  # still editable: changes follow on the network


def test_preview_shows_thread_and_first_comment(qtbot: QtBot) -> None:
    from app.networks.base import PostOptions
    from ui.previews import PostPreview

    preview = PostPreview(
        "x",
        "Empleo",
        "Primera parte",
        None,
        [],
        options=PostOptions(thread=("Segunda", "Tercera"), first_comment="Más info"),
    )
    qtbot.addWidget(preview)
    texts = [label.text() for label in preview.extra_labels]
    assert texts == ["First comment: Más info", "Reply 2: Segunda", "Reply 3: Tercera"]


def test_per_network_row_hidden_without_accounts(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    dialog = make(qtbot, ctx, bridge, None)
    assert dialog.chosen_accounts() == []  # several accounts: none preselected
    assert not dialog.variants_row.isVisible()
    dialog.account_boxes[accounts["x"].id].setChecked(True)
    assert dialog.variants_row.isVisible() and list(dialog.variants_panel.editors) == ["x"]


def test_a_version_that_cannot_be_saved_says_so(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    accounts: dict[str, Account],
    tmp_path: Path,
) -> None:
    post_id = post_for_all(ctx, accounts)
    dialog = make(qtbot, ctx, bridge, post_id)
    yt = dialog.variants_panel.editors["youtube"]
    broken = tmp_path / "roto.png"
    broken.write_bytes(b"not an image")
    assert not yt.set_thumbnail(broken)
    assert "roto.png" in yt.media_error.text()
    assert ctx.posts.variant_options(post_id, "youtube").thumbnail is None
    assert dialog.flush()  # nothing left pending: the refused thumbnail was dropped


def test_x_tab_shows_the_estimated_cost_of_the_post_and_its_thread(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    post_id = post_for_all(ctx, accounts, text="Plazo abierto")
    dialog = make(qtbot, ctx, bridge, post_id)
    x = dialog.variants_panel.editors["x"]
    assert x.cost_label is not None
    assert x.cost_label.text() == "Estimated X cost: $0.015 (1 post)"
    part = x.add_thread_part("")
    assert part is not None
    part.edit.setPlainText("Más en https://labora.gva.es")  # a URL costs the higher price
    assert x.cost_label.text() == "Estimated X cost: $0.215 (2 posts)"
    x.remove_thread_part(part)
    assert x.cost_label.text() == "Estimated X cost: $0.015 (1 post)"
    assert dialog.variants_panel.editors["youtube"].cost_label is None


def test_status_bar_shows_the_months_x_cost(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, accounts: dict[str, Account]
) -> None:
    from datetime import timedelta

    from app.settings import TIMEZONE
    from ui.main_window import MainWindow

    post_id = post_for_all(ctx, accounts, text="Plazo abierto")
    ctx.posts.set_accounts(post_id, [accounts["x"].id])
    when = ctx.clock.now() + timedelta(minutes=30)
    ctx.posts.set_time(post_id, when, "UTC")
    ctx.settings.set(TIMEZONE, "UTC")
    ctx.posts.schedule(post_id, when)
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    window.reload()
    label = window.x_cost_label
    assert not label.isHidden()
    if when.month == ctx.clock.now().month:  # not on the last half hour of a month
        assert "$0.015 queued" in label.text()
    assert "Equis" in label.toolTip()


def test_a_chosen_thumbnail_does_not_widen_the_youtube_tab(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    accounts: dict[str, Account],
    tmp_path: Path,
) -> None:
    # The thumbnail row showed the stored copy's 68-character name at full width, so the
    # YouTube tab grew a horizontal scroll bar and its counter and buttons were cut off.
    post_id = post_for_all(ctx, accounts)
    dialog = make(qtbot, ctx, bridge, post_id)
    yt = dialog.variants_panel.editors["youtube"]
    assert yt.thumb_label is not None
    empty = yt.thumb_label.minimumSizeHint().width()
    thumb = tmp_path / "miniatura.png"
    Image.new("RGB", (128, 72), "navy").save(thumb)
    assert yt.set_thumbnail(thumb)
    assert yt.thumb_label.text().endswith(".png")
    assert yt.thumb_label.minimumSizeHint().width() <= max(empty, 200)
    stored = ctx.posts.variant_options(post_id, "youtube").thumbnail
    assert stored is not None and str(stored) in yt.thumb_label.toolTip()


def test_an_instagram_story_says_its_text_is_not_published(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    # Instagram stories take no caption: the text was dropped with no word in the tab.
    ig = ctx.accounts.connect("instagram", name="empleo_vlc", remote_id="1784", token="tok-ig")
    post_id = ctx.posts.create_draft(
        text="Últimos días de inscripción", tz="Europe/Madrid", account_ids=[ig.id]
    ).id
    dialog = make(qtbot, ctx, bridge, post_id)
    editor = dialog.variants_panel.editors["instagram"]
    assert editor.kind_combo is not None and editor.story_note is not None
    assert editor.story_note.isHidden()
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("story"))
    assert not editor.story_note.isHidden()
    assert "text is not published" in editor.story_note.text()
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("reel"))
    assert editor.story_note.isHidden()


def test_the_preview_names_the_kind_in_the_users_language(qtbot: QtBot) -> None:
    # The review screen in Spanish said "Publicado como: story" (the stored key).
    from app import i18n
    from app.networks.base import PostOptions
    from ui.previews import PostPreview

    i18n.set_language("es")
    try:
        preview = PostPreview(
            "instagram", "empleo_vlc", "Últimos días", None, [], options=PostOptions(kind="story")
        )
        qtbot.addWidget(preview)
        assert [label.text() for label in preview.extra_labels] == ["Publicada como: Historia"]
    finally:
        i18n.set_language("en")
