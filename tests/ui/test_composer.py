"""The composer: drafts are never lost, bad photos are explained, DST times are asked about."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.models import Account, DeliveryState
from tests.ui.conftest import Modals, type_text
from ui import composer as composer_module
from ui.bridge import Bridge
from ui.composer import Composer

S = DeliveryState


def make(qtbot: QtBot, ctx: AppContext, bridge: Bridge, post_id: int | None = None) -> Composer:
    dialog = Composer(ctx, bridge, post_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_nothing_is_stored_until_the_first_edit(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    dialog = make(qtbot, ctx, bridge)
    dialog.close()
    assert ctx.posts.list() == []


def test_draft_is_created_on_first_edit_and_every_edit_is_saved(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    dialog = make(qtbot, ctx, bridge)
    assert dialog.account_boxes[account.id].isChecked()  # the only Page is preselected

    qtbot.keyClicks(dialog.text_edit, "H")
    assert dialog.post_id is not None  # created at the first keystroke
    post_id = dialog.post_id
    qtbot.keyClicks(dialog.text_edit, "ola, Empleo")
    # Typing is saved after a short pause, without closing anything.
    qtbot.waitUntil(lambda: ctx.posts.get(post_id).text == "Hola, Empleo", timeout=2000)

    qtbot.keyClicks(dialog.link_edit, "https://empleo.example.es")
    qtbot.waitUntil(
        lambda: ctx.posts.get(post_id).link == "https://empleo.example.es", timeout=2000
    )

    dialog.account_boxes[account.id].setChecked(False)  # saved at once
    assert [d.state for d in ctx.posts.get(post_id).deliveries] == [S.CANCELLED]
    dialog.account_boxes[account.id].setChecked(True)
    assert [d.state for d in ctx.posts.get(post_id).deliveries] == [S.DRAFT]

    dialog.set_local_time(datetime(2027, 1, 18, 9, 0))
    qtbot.waitUntil(lambda: ctx.posts.get(post_id).due_at is not None, timeout=2000)
    assert ctx.posts.get(post_id).due_at == datetime(2027, 1, 18, 8, 0, tzinfo=UTC)


def test_closing_without_saving_keeps_the_last_keystrokes(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    dialog = make(qtbot, ctx, bridge)
    qtbot.keyClicks(dialog.text_edit, "Plazo abierto hasta el viernes")
    post_id = dialog.post_id
    assert post_id is not None
    dialog.reject()  # Esc / the window's close button: no "Save draft" click
    assert not dialog.isVisible()
    post = ctx.posts.get(post_id)
    assert post.text == "Plazo abierto hasta el viernes"
    assert post.state == S.DRAFT


def test_reopening_a_draft_shows_everything(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, samples: Path
) -> None:
    post = ctx.posts.create_draft(
        text="Texto", link="https://a.example", tz="Atlantic/Canary", account_ids=[account.id]
    )
    ctx.posts.add_media(post.id, samples / "media" / "carrusel-1-1080x1080.jpg", "Paso 1")
    ctx.posts.set_time(post.id, datetime(2027, 1, 18, 9, 0, tzinfo=UTC), "Atlantic/Canary")
    dialog = make(qtbot, ctx, bridge, post.id)
    assert dialog.text_edit.toPlainText() == "Texto"
    assert dialog.link_edit.text() == "https://a.example"
    assert dialog.zone_name() == "Atlantic/Canary"
    assert dialog.local_time() == datetime(2027, 1, 18, 9, 0)  # Canary = UTC in winter
    assert [r.alt_edit.text() for r in dialog.media_rows] == ["Paso 1"]
    dialog.close()
    assert ctx.posts.get(post.id).text == "Texto"  # loading saved nothing new


def test_photos_with_alt_text_are_saved_and_can_be_removed(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, samples: Path, modals: Modals
) -> None:
    dialog = make(qtbot, ctx, bridge)
    modals.files = [
        samples / "media" / "foto enorme ñandú.jpg",
        samples / "media" / "carrusel-2-1080x1080.jpg",
    ]
    qtbot.mouseClick(dialog.add_photos_button, composer_module.Qt.MouseButton.LeftButton)
    assert len(dialog.media_rows) == 2
    post_id = dialog.post_id
    assert post_id is not None
    assert [m.original_name for m in ctx.posts.get(post_id).media] == [
        "foto enorme ñandú.jpg",
        "carrusel-2-1080x1080.jpg",
    ]

    type_text(dialog.media_rows[0].alt_edit, "Un ñandú en la dehesa")
    dialog.close()  # flushes the pending alt text
    assert ctx.posts.get(post_id).media[0].alt_text == "Un ñandú en la dehesa"

    dialog = make(qtbot, ctx, bridge, post_id)
    second = dialog.media_rows[1].media_id
    qtbot.mouseClick(dialog.media_rows[1].remove_button, composer_module.Qt.MouseButton.LeftButton)
    assert [m.id for m in ctx.posts.get(post_id).media] != [] and all(
        m.id != second for m in ctx.posts.get(post_id).media
    )
    assert len(dialog.media_rows) == 1


@pytest.mark.parametrize("bad", ["vacio.jpg", "truncado.jpg"])
def test_a_bad_photo_is_explained_and_nothing_else_is_lost(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    account: Account,
    samples: Path,
    tmp_path: Path,
    bad: str,
) -> None:
    dialog = make(qtbot, ctx, bridge)
    qtbot.keyClicks(dialog.text_edit, "Feria de empleo")
    # A name with spaces and ñ, copied next to the bad one.
    good = tmp_path / "cartel feria ñ.png"
    shutil.copy(samples / "media" / "feria-empleo-1920x1080.png", good)
    added = dialog.add_photos([good, samples / "media" / bad])

    assert len(added) == 1
    assert dialog.media_error.isVisible()
    message = dialog.media_error.text()
    assert bad in message
    assert ("empty" in message) if bad == "vacio.jpg" else ("damaged or incomplete" in message)
    assert "Traceback" not in message and "Error" not in message.split(":")[0]
    assert dialog.text_edit.toPlainText() == "Feria de empleo"
    post = ctx.posts.get(dialog.post_id)  # type: ignore[arg-type]
    assert [m.original_name for m in post.media] == ["cartel feria ñ.png"]
    assert post.text == "Feria de empleo"

    dialog.add_photos([samples / "media" / "carrusel-3-1080x1080.jpg"])
    assert not dialog.media_error.isVisible()  # the message goes once a good file is added


def test_missing_file_is_explained(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, tmp_path: Path
) -> None:
    dialog = make(qtbot, ctx, bridge)
    assert dialog.add_photos([tmp_path / "no such photo.jpg"]) == []
    assert "does not exist" in dialog.media_error.text()


def test_character_counter_turns_red_over_the_limit(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    dialog = make(qtbot, ctx, bridge)
    dialog.text_edit.setPlainText("ñ" * 10)
    assert "Facebook 10 / 63,206" in dialog.counter_label.text()
    assert dialog.over_limit() == []
    dialog.text_edit.setPlainText("x" * 63_207)
    assert "63,207 / 63,206" in dialog.counter_label.text()
    assert "#b91c1c" in dialog.counter_label.text()
    assert dialog.over_limit() == ["Facebook"]


def schedule_at(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, local: datetime, zone: str = "Europe/Madrid"
) -> Composer:
    dialog = make(qtbot, ctx, bridge)
    qtbot.keyClicks(dialog.text_edit, "Aviso de cambio de hora")
    dialog.zone_combo.setCurrentText(zone)
    dialog.set_local_time(local)
    return dialog


def test_time_skipped_by_dst_offers_the_next_valid_time(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    dialog = schedule_at(qtbot, ctx, bridge, datetime(2027, 3, 28, 2, 30))
    assert "does not exist" in dialog.time_note.text()  # said before clicking anything
    modals.answers = [0]  # "Use 03:00"
    assert dialog.schedule()
    title, text, choices = modals.questions[-1]
    assert choices == ["Use 03:00"]
    assert "02:30 does not exist in Europe/Madrid" in text
    post = ctx.posts.get(dialog.post_id)  # type: ignore[arg-type]
    assert post.state == S.SCHEDULED
    assert post.deliveries[0].due_at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)  # 03:00 CEST
    assert not dialog.isVisible()


def test_time_skipped_by_dst_cancelled_keeps_the_dialog(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    dialog = schedule_at(qtbot, ctx, bridge, datetime(2027, 3, 28, 2, 30))
    modals.answers = [None]
    assert not dialog.schedule()
    assert dialog.isVisible()
    assert ctx.posts.get(dialog.post_id).state == S.DRAFT  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("choice", "expected_utc"),
    [(0, datetime(2027, 10, 31, 0, 30)), (1, datetime(2027, 10, 31, 1, 30))],
)
def test_repeated_time_asks_which_one(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    account: Account,
    modals: Modals,
    choice: int,
    expected_utc: datetime,
) -> None:
    dialog = schedule_at(qtbot, ctx, bridge, datetime(2027, 10, 31, 2, 30))
    assert "happens twice" in dialog.time_note.text()
    modals.answers = [choice]
    assert dialog.schedule()
    _title, text, choices = modals.questions[-1]
    assert "happens twice" in text
    assert "UTC+02:00" in choices[0] and "CEST" in choices[0]
    assert "UTC+01:00" in choices[1] and "CET" in choices[1]
    post = ctx.posts.get(dialog.post_id)  # type: ignore[arg-type]
    assert post.deliveries[0].due_at == expected_utc.replace(tzinfo=UTC)


def test_past_time_and_other_problems_are_listed_in_plain_words(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    dialog = make(qtbot, ctx, bridge)
    dialog.account_boxes[account.id].setChecked(False)
    dialog.set_local_time(datetime(2020, 5, 4, 10, 0))
    assert "in the past" in dialog.time_note.text()
    assert not dialog.schedule()
    assert dialog.isVisible()
    text = modals.error_text
    assert "cannot be scheduled yet" in text
    assert "Choose at least one account." in text
    assert "no text, link or photo" in text
    assert "2020-05-04 10:00 is in the past" in text
    assert ctx.posts.get(dialog.post_id).state == S.DRAFT  # type: ignore[arg-type]


def test_schedule_and_publish_now(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    dialog = make(qtbot, ctx, bridge)
    type_text(dialog.text_edit, "Mañana abre el plazo")
    local = (
        (datetime.now(UTC) + timedelta(days=3))
        .astimezone(composer_module.zone("Europe/Madrid"))
        .replace(tzinfo=None, second=0, microsecond=0)
    )
    dialog.set_local_time(local)
    assert dialog.schedule()
    post = ctx.posts.get(dialog.post_id)  # type: ignore[arg-type]
    assert post.state == S.SCHEDULED

    # Reopened: the schedule is explained, text edits still save.
    dialog = make(qtbot, ctx, bridge, post.id)
    assert "Scheduled for" in dialog.notice_label.text()
    assert dialog.publish_now()
    post = ctx.posts.get(post.id)
    assert post.deliveries[0].state == S.SCHEDULED
    assert post.deliveries[0].due_at is not None
    assert post.deliveries[0].due_at <= datetime.now(UTC)


def test_a_post_published_meanwhile_becomes_read_only(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    dialog = make(qtbot, ctx, bridge)
    qtbot.keyClicks(dialog.text_edit, "Ya")
    post_id = dialog.post_id
    assert post_id is not None
    dialog.flush()  # as the main window's "Publish now" does for an open composer
    ctx.posts.publish_now(post_id)
    ctx.publishing.publish(ctx.posts.get(post_id).deliveries[0].id)
    qtbot.waitUntil(lambda: dialog.text_edit.isReadOnly(), timeout=2000)
    assert "can no longer be edited" in dialog.notice_label.text()
    assert not dialog.schedule_button.isEnabled()
    dialog.close()
    assert ctx.posts.get(post_id).text == "Ya"


def test_many_accounts_do_not_make_the_composer_wider_than_a_laptop_screen(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    # A service with Pages, channels, X and LinkedIn accounts: nine or more boxes used to
    # sit in one row, so the composer needed ~1,500 px and its right side was cut off.
    names = [
        "Canal Empleo",
        "Canal Formación",
        "Empleo Público (@empleo_publico)",
        "Formació València",
        "LABORA Formació",
        "LABORA València (@labora_val)",
        "Servicio Regional de Empleo",
        "Ana García",
    ]
    for n, name in enumerate(names):
        ctx.accounts.connect("facebook", name=name, remote_id=str(2000 + n), token="EAAgood")
    dialog = make(qtbot, ctx, bridge)
    assert len(dialog.account_boxes) == 9
    assert dialog.minimumSizeHint().width() <= 1200
    assert all(box.isVisibleTo(dialog) for box in dialog.account_boxes.values())


def test_account_boxes_name_the_network_and_skip_accounts_the_user_removed(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    other = ctx.accounts.connect("facebook", name="Antiguo", remote_id="222", token="t2")
    ctx.accounts.remove(other)  # it has no history: gone entirely
    kept = ctx.accounts.connect("facebook", name="Programa", remote_id="333", token="t3")
    post = ctx.posts.create_draft(text="Hola", tz="Europe/Madrid", account_ids=[kept.id])
    queued = ctx.posts.publish_now(post.id)  # a history: removing keeps it listed, flagged
    assert ctx.publishing.publish(queued.deliveries[0].id) == DeliveryState.PUBLISHED
    ctx.accounts.remove(ctx.store.get_account(kept.id))
    dialog = make(qtbot, ctx, bridge)
    assert dialog.account_boxes[account.id].text() == "Empleo · Facebook"
    assert kept.id not in dialog.account_boxes  # removed by the user: not offered


def test_a_video_without_preview_says_so_unclipped_in_spanish(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    account: Account,
    tmp_path: Path,
    samples: Path,
) -> None:
    # In Spanish the 72-pixel thumbnail showed "n vista prev" for a video.
    from app import i18n

    i18n.set_language("es")
    try:
        video = tmp_path / "tutorial.mp4"
        shutil.copy(samples / "media" / "tutorial-inscripcion-1280x720.mp4", video)
        post = ctx.posts.create_draft(text="Tutorial", tz="Europe/Madrid")
        ctx.posts.set_accounts(post.id, [account.id])
        ctx.posts.add_media(post.id, video, alt_text="Tutorial")
        dialog = Composer(ctx, bridge, post.id)
        qtbot.addWidget(dialog)
        (row,) = dialog.media_rows
        thumb = row.thumb
        assert thumb.text() == "sin vista previa"
        metrics = thumb.fontMetrics()
        lines = thumb.text().split() if thumb.wordWrap() else [thumb.text()]
        assert all(metrics.horizontalAdvance(line) <= thumb.width() for line in lines)
    finally:
        i18n.set_language("en")
