"""The calendar in the user's zone (not the computer's), posts of other zones, and dates
and holiday names in the interface language."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import QToolTip
from pytestqt.qtbot import QtBot

from app import i18n
from app.context import AppContext
from app.models import Account
from app.settings import TIMEZONE
from app.timeutil import format_local, local_to_utc, parse_local
from tests.ui.test_calendar import drop, make
from ui.bridge import Bridge
from ui.calendar import dates
from ui.calendar.data import Chip
from ui.calendar.week import GUTTER, zone_abbreviation
from ui.calendar.widget import AGENDA, WEEK, CalendarWidget
from ui.main_window import MainWindow

MADRID = "Europe/Madrid"
LONDON = "Europe/London"


@pytest.fixture(autouse=True)
def utc_computer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The computer's own zone is UTC (as on the tester's machine)."""
    monkeypatch.setattr("app.settings.system_zone_name", lambda: "UTC")


def post_at(ctx: AppContext, account: Account, local: str, tz: str, text: str = "Hola") -> int:
    """A scheduled post at wall-clock ``local`` in ``tz``."""
    post = ctx.posts.create_draft(text=text, tz=tz, account_ids=[account.id])
    ctx.posts.schedule(post.id, local_to_utc(parse_local(local), tz))
    return post.id


def own_local(ctx: AppContext, post_id: int) -> str:
    post = ctx.posts.get(post_id)
    return format_local(post.due_at, post.tz)


def only_chip(widget: CalendarWidget, day: date) -> Chip:
    (chip,) = widget.chips[day]
    return chip


def tooltip(widget: CalendarWidget, post_id: int) -> str:
    view = widget.week_view if widget.view == WEEK else widget.month_view
    rect = view.chip_rect(post_id)
    assert rect is not None
    pos = rect.center().toPoint()
    assert view.event(QHelpEvent(QEvent.Type.ToolTip, pos, view.mapToGlobal(pos)))
    return QToolTip.text()


def agenda_times(widget: CalendarWidget) -> list[str]:
    view = widget.agenda_view
    return [
        view.topLevelItem(i).text(0).strip()
        for i in range(view.topLevelItemCount())
        if view.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole + 1) is not None
    ]


def test_the_settings_zone_wins_over_the_computers_in_every_view(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    assert ctx.settings.timezone == MADRID  # set by the fixture; the computer says UTC
    post_id = post_at(ctx, account, "2027-01-18 10:00", MADRID)
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    chip = only_chip(widget, date(2027, 1, 18))
    assert (chip.time_text, chip.time_label, chip.other_zone) == ("10:00", "10:00", False)
    assert "2027-01-18 10:00 · Scheduled" in tooltip(widget, post_id)

    widget.go_to(date(2027, 1, 18))
    widget.set_view(WEEK)
    rect = widget.week_view.chip_rect(post_id)
    assert rect is not None
    assert rect.top() == widget.week_view.y_of(time(10)) + 1
    widget.set_view(AGENDA)
    assert agenda_times(widget) == ["10:00"]


def test_with_no_zone_set_the_computers_zone_is_used_and_the_posts_zone_is_named(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    ctx.settings.set(TIMEZONE, "")
    assert ctx.settings.timezone == "UTC"
    post_id = post_at(ctx, account, "2027-01-18 10:00", MADRID)
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    chip = only_chip(widget, date(2027, 1, 18))
    assert chip.time_label == "09:00 (10:00 Europe/Madrid)"
    assert chip.own_time_short == "10:00 Madrid"
    assert "2027-01-18 09:00 (10:00 Europe/Madrid) · Scheduled" in tooltip(widget, post_id)
    widget.set_view(AGENDA)
    assert agenda_times(widget) == ["09:00 (10:00 Europe/Madrid)"]


def test_a_post_of_another_zone_says_its_own_time(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    post_id = post_at(ctx, account, "2027-01-18 09:00", LONDON)
    late = post_at(ctx, account, "2027-01-19 23:30", LONDON)  # 00:30 on the 20th in Madrid
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    assert only_chip(widget, date(2027, 1, 18)).time_label == "10:00 (09:00 Europe/London)"
    assert only_chip(widget, date(2027, 1, 20)).time_label == (
        "00:30 (23:30 Europe/London, 19 Jan)"
    )
    assert "10:00 (09:00 Europe/London)" in tooltip(widget, post_id)
    widget.set_view(WEEK)
    widget.go_to(date(2027, 1, 18))
    rect = widget.week_view.chip_rect(post_id)
    assert rect is not None and rect.top() == widget.week_view.y_of(time(10)) + 1
    assert widget.week_view.chip_rect(late) is not None


def test_drop_in_the_week_grid_means_the_users_zone(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    madrid = post_at(ctx, account, "2027-01-18 09:00", MADRID)
    london = post_at(ctx, account, "2027-01-19 09:00", LONDON)
    widget = make(qtbot, ctx, bridge, date(2027, 1, 18))
    widget.set_view(WEEK)
    view = widget.week_view
    widget.week_scroll.verticalScrollBar().setValue(0)
    width = (view.width() - GUTTER) / 7
    y = view.y_of(time(16, 30)) + 2
    drop(view, [madrid], QPointF(GUTTER + 2.5 * width, y))
    assert own_local(ctx, madrid) == "2027-01-20 16:30"
    drop(view, [london], QPointF(GUTTER + 3.5 * width, y))
    assert own_local(ctx, london) == "2027-01-21 15:30"  # 16:30 in Madrid
    assert only_chip(widget, date(2027, 1, 21)).time_text == "16:30"


def test_drop_on_a_day_keeps_the_wall_clock_time_of_the_posts_zone(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    late = post_at(ctx, account, "2027-01-19 23:30", LONDON)  # shown on the 20th (Madrid)
    widget = make(qtbot, ctx, bridge, date(2027, 1, 1))
    target = widget.month_view.day_rect(date(2027, 1, 22))
    assert target is not None
    drop(widget.month_view, [late], target.center())
    assert own_local(ctx, late) == "2027-01-21 23:30"  # two days later, still 23:30 London
    assert [c.post_id for c in widget.month_view.chips_by_day[date(2027, 1, 22)]] == [late]
    widget.undo_stack.undo()
    assert own_local(ctx, late) == "2027-01-19 23:30"


def test_double_click_in_the_week_composes_at_that_time_in_the_users_zone(
    qtbot: QtBot, ctx: AppContext, bridge: Bridge, account: Account
) -> None:
    window = MainWindow(ctx, bridge)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    calendar = window.calendar
    calendar.go_to(date(2027, 1, 18))
    calendar.set_view(WEEK)
    view = calendar.week_view
    calendar.week_scroll.verticalScrollBar().setValue(0)
    width = (view.width() - GUTTER) / 7
    pos = QPointF(GUTTER + 2.5 * width, view.y_of(time(16, 30)) + 2).toPoint()
    composers = []
    calendar.composeAt.connect(composers.append)
    qtbot.mouseDClick(view, Qt.MouseButton.LeftButton, pos=pos)
    assert composers == [datetime(2027, 1, 20, 16, 30)]
    from ui.composer import Composer

    new = [w for w in window.findChildren(Composer) if w.isVisible() and w.post_id is None]
    assert new and new[0].local_time() == datetime(2027, 1, 20, 16, 30)
    assert new[0].zone_name() == MADRID


def test_week_hour_column_names_the_zone() -> None:
    assert zone_abbreviation(MADRID, date(2027, 1, 18)) == "CET"
    assert zone_abbreviation(MADRID, date(2027, 7, 19)) == "CEST"
    assert zone_abbreviation("Nowhere/Else", date(2027, 1, 18)) == ""


@pytest.mark.parametrize(
    ("language", "long", "month", "week", "header"),
    [
        (
            "es",
            "lunes, 11 de enero de 2027",
            "Enero de 2027",
            "11–17 ene 2027",
            "lun, 11 ene",
        ),
        (
            "en",
            "Monday, 11 January 2027",
            "January 2027",
            "11\u2009–\u200917 Jan 2027",
            "Mon 11 Jan",
        ),
        ("ca", "dilluns, 11 de gener del 2027", "Gener del 2027", None, None),
    ],
)
def test_date_headers_follow_the_language(
    language: str, long: str, month: str, week: str | None, header: str | None
) -> None:
    day = date(2027, 1, 11)
    assert dates.long_day(day, language) == long
    assert dates.month_title(day, language) == month
    if week is not None:
        assert dates.week_title(day, date(2027, 1, 17), language) == week
    if header is not None:
        assert dates.day_header(day, language) == header


@pytest.mark.parametrize(
    ("language", "agenda_day", "month", "week", "holiday"),
    [
        ("es", "lunes, 11 de enero de 2027", "Enero de 2027", "11–17 ene 2027", "Epifanía"),
        ("en", "Monday, 11 January 2027", "January 2027", "11\u2009–\u200917 Jan 2027", "Epiphany"),
    ],
)
def test_the_calendar_in_spanish_and_english(
    qtbot: QtBot,
    ctx: AppContext,
    bridge: Bridge,
    account: Account,
    language: str,
    agenda_day: str,
    month: str,
    week: str,
    holiday: str,
) -> None:
    i18n.set_language(language)
    post_at(ctx, account, "2027-01-11 10:00", MADRID)
    widget = make(qtbot, ctx, bridge, date(2027, 1, 11))
    assert widget.period_label.text() == month
    assert widget.month_view.holidays[date(2027, 1, 6)].startswith(holiday)
    widget.set_view(WEEK)
    assert widget.period_label.text() == week
    widget.set_view(AGENDA)
    assert widget.period_label.text() == month
    heading = widget.agenda_view.topLevelItem(0)
    assert heading is not None and heading.text(0) == agenda_day
