"""Careful publishing in the window: live findings in the composer, the review screen
before scheduling, and the crisis pause switch."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.checks import Finding
from app.context import AppContext
from app.models import Account, DeliveryState, Post
from app.services.checking import CheckInput
from app.timeutil import to_iso
from app.timewords import guess_language
from tests.ui.conftest import Modals, type_text
from ui import review_dialog
from ui import tasks as tasks_module
from ui.bridge import Bridge
from ui.composer import Composer
from ui.findings_view import qt_position
from ui.main_window import MainWindow
from ui.previews import first_link, grid_cells, visible_text
from ui.review_dialog import ReviewDialog

S = DeliveryState
WRONG_WEEKDAY = "⏰ El martes 18 de enero de 2027 abre el plazo. #formacionparaelempleo"
QUOTE = "martes 18 de enero de 2027"


def make(qtbot: QtBot, ctx: AppContext, bridge: Bridge, post_id: int | None = None) -> Composer:
    dialog = Composer(ctx, bridge, post_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_local_time(datetime(2027, 1, 15, 9, 0))
    return dialog


def codes(dialog: Composer) -> list[str]:
    return [f.code for f in dialog.findings_view.findings]


def draft(ctx: AppContext, account: Account, text: str) -> Post:
    post = ctx.posts.create_draft(text=text, tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.set_time(post.id, datetime(2027, 1, 15, 8, 0, tzinfo=UTC), "Europe/Madrid")
    return ctx.posts.get(post.id)


def test_findings_appear_while_typing_and_their_span_is_underlined(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    dialog = make(qtbot, ctx, bridge)
    assert codes(dialog) == []
    type_text(dialog.text_edit, WRONG_WEEKDAY)
    qtbot.waitUntil(lambda: "date_weekday_mismatch" in codes(dialog), timeout=2000)
    assert codes(dialog)[0] == "date_weekday_mismatch"  # errors first
    assert dialog.findings_view.list.count() == len(dialog.findings_view.findings)
    underlined = [s.cursor.selectedText() for s in dialog.text_edit.extraSelections()]
    assert QUOTE in underlined  # after an emoji: UTF-16 positions are right
    assert "#formacionparaelempleo" in underlined

    # Clicking the finding selects its words in the text.
    item = dialog.findings_view.list.item(0)
    dialog.findings_view.list.setCurrentItem(item)
    dialog.findings_view.list.itemClicked.emit(item)
    assert dialog.text_edit.textCursor().selectedText() == QUOTE

    # Correcting the text clears the finding.
    dialog.text_edit.setPlainText(WRONG_WEEKDAY.replace("martes", "lunes"))
    qtbot.waitUntil(lambda: "date_weekday_mismatch" not in codes(dialog), timeout=2000)
    assert QUOTE.replace("martes", "lunes") not in [
        s.cursor.selectedText() for s in dialog.text_edit.extraSelections()
    ]


def test_apply_suggestion_replaces_the_span(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    dialog = make(qtbot, ctx, bridge)
    type_text(dialog.text_edit, "👋 Nuevos cursos #formacionparaelempleo")
    dialog.run_checks()
    view = dialog.findings_view
    row = codes(dialog).index("hashtag_camelcase")
    view.list.setCurrentRow(row)
    assert view.apply_button.isEnabled()
    view.apply_button.click()
    assert dialog.text_edit.toPlainText() == "👋 Nuevos cursos #FormacionParaElEmpleo"
    qtbot.waitUntil(lambda: "hashtag_camelcase" not in codes(dialog), timeout=2000)


def test_qt_positions_count_utf16_units() -> None:
    assert qt_position("⏰ab", 1) == 1  # U+23F0 is one unit
    assert qt_position("👋ab", 1) == 2  # astral: two units
    assert qt_position("ñab", 3) == 3


def test_schedule_shows_the_review_and_records_the_override(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    dialog = make(qtbot, ctx, bridge)
    type_text(dialog.text_edit, WRONG_WEEKDAY)
    modals.review_answer = None  # "Back to editing"
    assert not dialog.schedule()
    post_id = dialog.post_id
    assert post_id is not None
    assert modals.reviews == [(post_id, False)]
    assert ctx.posts.get(post_id).state == S.DRAFT

    modals.review_answer = {"date_weekday_mismatch": "the event moved, text confirmed"}
    assert dialog.schedule()
    assert ctx.posts.get(post_id).state == S.SCHEDULED
    [override] = ctx.posts.checks.overrides(post_id)
    assert override.reason == "the event moved, text confirmed"


def test_review_dialog_blocks_on_an_error_until_a_reason_is_given(
    qtbot: QtBot, ctx: AppContext, account: Account
) -> None:
    post = draft(ctx, account, WRONG_WEEKDAY)
    when = datetime(2027, 1, 15, 8, 0, tzinfo=UTC)
    review = ReviewDialog(ctx, post, when)
    qtbot.addWidget(review)
    review.show()
    # In the post's language; the year is said because it is not this year.
    assert review.time_label.text() == "viernes 15 de enero de 2027 a las 9:00"
    assert "Empleo" in review.targets_label.text()
    assert review.previews.count() == 1
    assert [f.code for f in review.missing_reasons()] == ["date_weekday_mismatch"]
    assert not review.confirm_button.isEnabled()
    review.accept()
    assert review.result() != ReviewDialog.DialogCode.Accepted and review.isVisible()

    rows = [r for r in review.rows if r.reason_edit is not None]
    assert len(rows) == 1  # warnings ask for nothing
    rows[0].reason_edit.setText("ok")  # too short
    assert not review.confirm_button.isEnabled()
    rows[0].reason_edit.setText("the flyer says Tuesday too")
    assert review.confirm_button.isEnabled()
    review.confirm_button.click()
    assert review.result() == ReviewDialog.DialogCode.Accepted
    assert review.overrides() == {"date_weekday_mismatch": "the flyer says Tuesday too"}


def test_review_dialog_without_findings_confirms_at_once(
    qtbot: QtBot, ctx: AppContext, account: Account
) -> None:
    post = draft(ctx, account, "Abrimos el plazo de inscripción.")
    review = ReviewDialog(ctx, post, datetime(2027, 1, 15, 8, 0, tzinfo=UTC))
    qtbot.addWidget(review)
    assert review.ok_label.isVisibleTo(review)
    assert review.confirm_button.isEnabled()
    assert review.overrides() == {}


def test_pause_switch_holds_everything_and_resume_asks_about_overdue_posts(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    now = ctx.clock.now()
    soon = ctx.posts.create_draft(text="Uno", tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.schedule(soon.id, now + timedelta(hours=1))
    later = ctx.posts.create_draft(text="Dos", tz="Europe/Madrid", account_ids=[account.id])
    ctx.posts.schedule(later.id, now + timedelta(days=3))
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    action = window.pause_control.action
    assert not action.isChecked()

    action.trigger()
    assert action.isChecked() and ctx.pause.is_paused()
    assert action.text() == "Resume publishing"
    assert {ctx.posts.get(p.id).state for p in (soon, later)} == {S.PAUSED}

    # The first one's time passes during the pause.
    delivery = ctx.posts.get(soon.id).deliveries[0]
    ctx.store.db.conn.execute(
        "UPDATE deliveries SET due_at = ? WHERE id = ?",
        (to_iso(now - timedelta(minutes=5)), delivery.id),
    )
    modals.answers = [2]  # keep as draft
    action.trigger()
    assert not action.isChecked() and not ctx.pause.is_paused()
    assert "was due at" in modals.questions[-1][1]
    assert modals.questions[-1][2] == ["Publish now", "Choose a new time…", "Keep as draft"]
    assert ctx.posts.get(soon.id).state == S.DRAFT
    assert ctx.posts.get(later.id).state == S.SCHEDULED


def test_preview_cuts_long_text_behind_see_more() -> None:
    short = "Abrimos el plazo."
    assert visible_text(short, "facebook") == (short, False)
    long = "palabra " * 100
    shown, cut = visible_text(long, "facebook")
    assert cut and len(shown) <= 480 and not shown.endswith(" ") and long.startswith(shown)
    six_lines = "\n".join(f"Línea {n}" for n in range(1, 7))
    shown, cut = visible_text(six_lines, "facebook")
    assert cut and shown.splitlines()[-1] == "Línea 5"  # five lines, then "See more"


def test_preview_grid_layout_and_link_card() -> None:
    assert [c.width() for c in grid_cells(1, 500)] == [500]
    assert len(grid_cells(3, 500)) == 3 and grid_cells(3, 500)[0].width() == 500
    assert len(grid_cells(7, 500)) == 4  # the fourth says "+4"
    assert first_link("Info: https://empleo.example.es/plan hoy", None) == (
        "https://empleo.example.es/plan"
    )
    assert first_link("sin enlace", "https://a.example") == "https://a.example"


def test_media_findings_name_the_photo_as_the_user_knows_it(
    ctx: AppContext, account: Account, samples: Path
) -> None:
    post = draft(ctx, account, "Cartel del plan")
    ctx.posts.add_media(post.id, samples / "media" / "carrusel-1-1080x1080.jpg")
    [finding] = [
        f
        for f in ctx.posts.checks.findings(ctx.posts.get(post.id))
        if f.code == "media_alt_missing"
    ]
    assert "carrusel-1-1080x1080.jpg" in finding.message


def test_language_of_a_text_is_guessed_for_the_time_in_words() -> None:
    assert guess_language("Mañana se abre el plazo de los cursos") == "es"
    assert guess_language("Demà s'obri el termini dels cursos i les beques") == "ca"
    assert guess_language("Tomorrow the courses open for everyone") == "en"
    assert guess_language("2027") is None


def test_link_is_tried_online_in_the_background_without_blocking(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    account: Account,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()

    def slow_fetch(inp: CheckInput) -> list[Finding]:
        release.wait(5)  # a server that takes its time
        return [Finding("link_unreachable", "warning", "The link does not answer.", None, "link")]

    monkeypatch.setattr(review_dialog, "ONLINE_CHECKS", True)
    monkeypatch.setattr(review_dialog, "online_link_findings", slow_fetch)
    dialog = make(qtbot, ctx, bridge)
    tasks_module.set_synchronous(False)
    try:
        qtbot.keyClicks(dialog.link_edit, "https://empleo.example.es/plan")
        started = time.monotonic()
        dialog._link_timer.timeout.emit()  # the pause after typing is over
        assert time.monotonic() - started < 1  # the UI did not wait for the server
        assert "link_unreachable" not in codes(dialog)
        release.set()
        qtbot.waitUntil(lambda: "link_unreachable" in codes(dialog), timeout=5000)
    finally:
        release.set()
        tasks_module.wait_for_tasks()
        tasks_module.set_synchronous(True)
