"""The calendar: chips, drag and drop, Move… with preview, key dates, undo/redo, filters."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from PySide6.QtCore import QDate, QPointF, Qt
from PySide6.QtGui import QDropEvent
from pytestqt.qtbot import QtBot

from app.context import AppContext
from app.models import Account
from app.models import DeliveryState as S
from app.timeutil import format_local, local_to_utc, parse_local
from tests.ui.conftest import Modals
from ui.bridge import Bridge
from ui.calendar.canvas import ChipCanvas, encode_ids
from ui.calendar.widget import AGENDA, WEEK, CalendarWidget
from ui.main_window import MainWindow

TZ = "Europe/Madrid"


def at(local: str) -> datetime:
    return local_to_utc(parse_local(local), TZ)


def scheduled(
    ctx: AppContext,
    account: Account,
    local: str,
    text: str = "Hola",
    pin: tuple[int, int, str] | None = None,
    language: str = "",
) -> int:
    """A scheduled post; ``pin`` = (key date id, offset days, "HH:MM") is applied first, as
    a post with a key-date placeholder must belong to that campaign before it is scheduled."""
    post = ctx.posts.create_draft(text=text, tz=TZ, account_ids=[account.id])
    if language:
        ctx.store.update_post(post.id, now=ctx.clock.now(), language=language)
    if pin is not None:
        ctx.campaigns.pin(post.id, *pin)
    ctx.posts.schedule(post.id, at(local))
    return post.id


def local_of(ctx: AppContext, post_id: int) -> str:
    post = ctx.posts.get(post_id)
    return format_local(post.due_at, post.tz)


def make(qtbot: QtBot, ctx: AppContext, bridge: Bridge, month: date) -> CalendarWidget:
    widget = CalendarWidget(ctx, bridge)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    widget.go_to(month)
    return widget


def drop(canvas: ChipCanvas, post_ids: list[int], pos: QPointF) -> None:
    data = encode_ids(post_ids)  # kept alive: the event does not own it
    event = QDropEvent(
        pos,
        Qt.DropAction.MoveAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    canvas.dropEvent(event)


def test_month_shows_chips_holidays_and_today(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    post_id = scheduled(ctx, account, "2027-01-18 09:00", "Se abre el plazo\nsegunda línea")
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    view = widget.month_view
    (chip,) = view.chips_by_day[date(2027, 1, 18)]
    assert (chip.post_id, chip.time_text, chip.networks) == (post_id, "09:00", ("facebook",))
    assert chip.text == "Se abre el plazo" and chip.state == S.SCHEDULED
    assert date(2027, 1, 6) in view.holidays  # Epiphany, shaded
    assert view.today == widget.today()
    assert view.chip_rect(post_id) is not None
    assert widget.period_label.text() == "January 2027"


def test_drag_a_chip_to_another_day_then_undo_and_redo(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    post_id = scheduled(ctx, account, "2027-01-18 09:00")
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    target = widget.month_view.day_rect(date(2027, 1, 21))
    assert target is not None
    drop(widget.month_view, [post_id], target.center())
    assert local_of(ctx, post_id) == "2027-01-21 09:00"
    assert [c.post_id for c in widget.month_view.chips_by_day[date(2027, 1, 21)]] == [post_id]
    assert ctx.posts.history(post_id)[-1].reason == (
        "moved from 2027-01-18 09:00 to 2027-01-21 09:00"
    )
    assert widget.undo_stack.canUndo()
    widget.undo_stack.undo()
    assert local_of(ctx, post_id) == "2027-01-18 09:00"
    widget.undo_stack.redo()
    assert local_of(ctx, post_id) == "2027-01-21 09:00"


def test_drop_in_the_week_grid_sets_day_and_time(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    post_id = scheduled(ctx, account, "2027-01-18 09:00")
    widget = make(qtbot, ctx, bridge, date(2027, 1, 18))
    widget.set_view(WEEK)
    view = widget.week_view
    widget.week_scroll.verticalScrollBar().setValue(0)
    width = (view.width() - 48) / 7
    y = view.y_of(datetime(2027, 1, 20, 16, 30).time()) + 2
    drop(view, [post_id], QPointF(48 + 2.5 * width, y))
    assert local_of(ctx, post_id) == "2027-01-20 16:30"


def test_a_published_post_cannot_be_dragged(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, modals: Modals
) -> None:
    post_id = scheduled(ctx, account, "2027-01-18 09:00")
    delivery = ctx.posts.get(post_id).deliveries[0]
    ctx.store.transition(delivery.id, S.PUBLISHING, "test", now=ctx.clock.now())
    ctx.store.transition(delivery.id, S.PUBLISHED, "test", now=ctx.clock.now())
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    target = widget.month_view.day_rect(date(2027, 1, 21))
    assert target is not None
    drop(widget.month_view, [post_id], target.center())
    assert local_of(ctx, post_id) == "2027-01-18 09:00"
    assert "published post cannot be moved" in modals.error_text
    assert not widget.undo_stack.canUndo()


def test_move_a_selection_by_working_days_across_a_holiday_and_dst(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    before_easter = scheduled(ctx, account, "2027-03-25 10:00")  # Good Friday, DST, Easter Mon
    before_josep = scheduled(ctx, account, "2027-03-18 10:00")  # Sant Josep on Friday 19
    widget = make(qtbot, ctx, bridge, date(2027, 3, 1))
    view = widget.month_view
    for post_id in (before_easter, before_josep):
        rect = view.chip_rect(post_id)
        assert rect is not None
        qtbot.mouseClick(
            view,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            rect.center().toPoint(),
        )
    assert widget.selected_ids() == sorted([before_easter, before_josep])
    dialog = widget.move_selected()
    qtbot.addWidget(dialog)
    dialog.working_spin.setValue(1)
    assert dialog.by_working_days.isChecked()
    rows = {
        dialog.preview.item(r, 0).text(): dialog.preview.item(r, 1).text()
        for r in range(dialog.preview.rowCount())
    }
    assert rows == {"2027-03-25 10:00": "2027-03-30 10:00", "2027-03-18 10:00": "2027-03-22 10:00"}
    assert local_of(ctx, before_easter) == "2027-03-25 10:00"  # preview only
    qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    assert local_of(ctx, before_easter) == "2027-03-30 10:00"
    assert ctx.posts.get(before_easter).due_at == at("2027-03-30 10:00")  # CEST
    assert local_of(ctx, before_josep) == "2027-03-22 10:00"
    widget.undo_stack.undo()
    assert local_of(ctx, before_easter) == "2027-03-25 10:00"
    assert local_of(ctx, before_josep) == "2027-03-18 10:00"


def test_change_a_key_date_moves_pinned_posts_and_their_text_then_undo(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    campaign = ctx.campaigns.create("Plan de Formación 2027")
    kd = ctx.campaigns.add_key_date(campaign.id, "apertura_plazo", date(2027, 1, 18))
    teaser = scheduled(
        ctx,
        account,
        "2027-01-11 10:00",
        "El plazo se abre el {apertura_plazo}.",
        pin=(kd.id, -7, "10:00"),
        language="es",
    )
    literal = scheduled(
        ctx,
        account,
        "2027-01-18 09:00",
        "Hoy, lunes 18 de enero, se abre.",
        pin=(kd.id, 0, "09:00"),
        language="es",
    )
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    dialog = widget.open_campaigns()
    qtbot.addWidget(dialog)
    dialog.select_key_date("apertura_plazo")
    dialog.new_date_edit.setDate(QDate(2027, 1, 25))
    plan = dialog.preview_move()
    assert plan is not None and dialog.preview.rowCount() == 2
    assert dialog.preview.item(0, 1).text() == "2027-01-18 10:00"
    assert ctx.campaigns.key_date(kd.id).date == date(2027, 1, 18)  # preview only
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    assert ctx.campaigns.key_date(kd.id).date == date(2027, 1, 25)
    assert local_of(ctx, teaser) == "2027-01-18 10:00"
    assert local_of(ctx, literal) == "2027-01-25 09:00"
    rendered = ctx.campaigns.rendered_text(ctx.posts.get(teaser))
    assert rendered == "El plazo se abre el lunes 25 de enero."
    assert "lunes 18 de enero" in ctx.posts.get(literal).review_note
    chips = widget.month_view.chips_by_day[date(2027, 1, 25)]
    assert [c.review != "" for c in chips] == [True]

    widget.undo_stack.undo()
    assert ctx.campaigns.key_date(kd.id).date == date(2027, 1, 18)
    assert local_of(ctx, teaser) == "2027-01-11 10:00"
    assert ctx.posts.get(literal).review_note == ""


def test_click_opens_the_post_and_double_click_composes_there(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    post_id = scheduled(ctx, account, "2027-01-18 09:00")
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    assert window.tabs.currentWidget() is window.calendar
    window.calendar.go_to(date(2027, 1, 1))
    view = window.calendar.month_view
    rect = view.chip_rect(post_id)
    assert rect is not None
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    composer = window._composers.get(post_id)
    assert composer is not None and composer.isVisible()
    composer.close()

    empty = view.day_rect(date(2027, 1, 20))
    assert empty is not None
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=empty.center().toPoint())
    new = [w for w in window.findChildren(type(composer)) if w.isVisible() and w.post_id is None]
    assert new and new[0].local_time() == datetime(2027, 1, 20, 10, 0)


def test_filters_and_agenda(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    campaign = ctx.campaigns.create("Plan")
    in_campaign = scheduled(ctx, account, "2027-01-18 09:00", "En campaña")
    other = scheduled(ctx, account, "2027-01-19 09:00", "Otra")
    ctx.campaigns.set_campaign(in_campaign, campaign.id)
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    widget.refresh()
    widget.campaign_filter.setCurrentIndex(widget.campaign_filter.findData(campaign.id))
    shown = {c.post_id for chips in widget.month_view.chips_by_day.values() for c in chips}
    assert shown == {in_campaign}
    widget.campaign_filter.setCurrentIndex(0)
    widget.state_filter.setCurrentIndex(widget.state_filter.findData("published"))
    assert widget.month_view.chips_by_day == {}
    widget.state_filter.setCurrentIndex(0)
    widget.set_view(AGENDA)
    widget.agenda_view.select_ids({in_campaign, other})
    assert widget.selected_ids() == [in_campaign, other]


@pytest.mark.parametrize("view", [0, WEEK, AGENDA])
def test_switching_periods_keeps_working(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account, view: int
) -> None:
    scheduled(ctx, account, "2027-01-18 09:00")
    widget = make(qtbot, ctx, bridge, date(2027, 1, 18))
    widget.set_view(view)
    for _i in range(3):
        widget.step(1)
    for _i in range(3):
        widget.step(-1)
    assert date(2027, 1, 18) in widget.shown_days()
    assert widget.chips.get(date(2027, 1, 18))


def test_composer_shows_the_rendered_placeholders_and_the_review_note(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    from ui.composer import Composer

    campaign = ctx.campaigns.create("Plan")
    kd = ctx.campaigns.add_key_date(campaign.id, "application window opens", date(2027, 1, 18))
    post_id = scheduled(
        ctx,
        account,
        "2027-01-11 10:00",
        "Opens {application window opens}.",
        pin=(kd.id, -7, "10:00"),
        language="ca",
    )
    ctx.store.update_post(post_id, now=ctx.clock.now(), review_note="Check it")
    composer = Composer(ctx, bridge, post_id)
    qtbot.addWidget(composer)
    composer.show()
    assert composer.placeholder_label.isVisible()
    assert composer.placeholder_label.text() == "Goes out as: Opens dilluns 18 de gener."
    assert composer.notice_label.text() == "Check it"


def test_chip_tooltip_tells_state_and_review(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    post_id = scheduled(ctx, account, "2027-01-18 09:00", "Hoy")
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    rect = widget.month_view.chip_rect(post_id)
    assert rect is not None
    pos = rect.center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, widget.month_view.mapToGlobal(pos))
    assert widget.month_view.event(event)
    assert "2027-01-18 09:00 · Scheduled" in QToolTip.text()


def test_move_from_the_queue_selection(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    a = scheduled(ctx, account, "2027-01-18 09:00")
    b = scheduled(ctx, account, "2027-01-19 09:00")
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    window.show()
    window.tabs.setCurrentIndex(1)
    window.table.selectAll()
    dialog = window.move_selected()
    qtbot.addWidget(dialog)
    assert sorted(dialog.post_ids) == sorted([a, b])
    dialog.days_spin.setValue(2)
    qtbot.mouseClick(dialog.move_button, Qt.MouseButton.LeftButton)
    assert (local_of(ctx, a), local_of(ctx, b)) == ("2027-01-20 09:00", "2027-01-21 09:00")
    window.undo_action.trigger()
    assert (local_of(ctx, a), local_of(ctx, b)) == ("2027-01-18 09:00", "2027-01-19 09:00")
