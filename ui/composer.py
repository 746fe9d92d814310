"""The composer: write a post, add photos, choose accounts and time; schedule or publish.

A draft is never lost: the post is created in the store on the first edit and every
edit is saved at once (typing is grouped for :data:`SAVE_DELAY_MS` and flushed when
the dialog closes). All rules live in :class:`app.services.posts.PostService`; the
composer only shows what it says.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import zoneinfo
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_decimal
from PySide6.QtCore import QDate, QDateTime, QSize, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtGui import QImageReader, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.checks import Finding
from app.context import AppContext
from app.errors import AppError, ValidationError
from app.i18n import _, current_language
from app.media_fit import RGB_FIX, parse_fix, to_rgb
from app.models import PROBLEMS, Account, DeliveryState, MediaFile, Post
from app.networks.registry import NETWORKS, network_class
from app.placeholders import placeholders, render, unknown_placeholders
from app.services.accounts import REMOVED_BY_USER
from app.services.checking import CheckInput, post_kinds
from app.services.handoff import handed_off_label
from app.services.posts import PostService
from app.timeutil import (
    AmbiguousTimeError,
    NonexistentTimeError,
    local_to_utc,
    to_local,
    zone,
)
from ui import dialogs, fit_dialog, review_dialog, style, tasks
from ui.bridge import Bridge
from ui.findings_view import FindingsView, apply_suggestion, highlight, select_span
from ui.queue_model import format_when, network_label
from ui.variants import VariantsPanel

log = logging.getLogger(__name__)
S = DeliveryState

#: Typing is saved this long (ms) after the last keystroke, and always on close.
SAVE_DELAY_MS = 400
#: Account boxes per row in "Post to" (more accounts wrap to the next row).
ACCOUNT_COLUMNS = 4
THUMB_SIZE = 72
TIME_FORMAT = "yyyy-MM-dd HH:mm"
#: The offline checks run this long (ms) after the last edit (they take about a millisecond).
CHECK_DELAY_MS = 250
#: The link is tried online this long (ms) after the last edit, in the background.
LINK_CHECK_DELAY_MS = 1500


@cache
def zone_names() -> list[str]:
    """IANA zones worth offering (no legacy aliases), sorted."""
    names = {
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/", "US/"))
    }
    return sorted(names | {"UTC"})


def offset_text(instant: datetime) -> str:
    """``UTC+02:00`` for an aware datetime."""
    offset = instant.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def number(n: int) -> str:
    """``63,206`` / ``63.206`` in the interface language."""
    try:
        return format_decimal(n, locale=current_language())
    except Exception:  # noqa: BLE001 - an unknown locale must not break the counter
        return str(n)


def thumbnail(path: str, size: int = THUMB_SIZE) -> QPixmap:
    """A square-ish thumbnail of the image at ``path`` (rotated per EXIF), or an empty pixmap."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and original.width() > 0 and original.height() > 0:
        reader.setScaledSize(
            original.scaled(QSize(size * 2, size * 2), Qt.AspectRatioMode.KeepAspectRatio)
        )
    image = reader.read()
    if image.isNull():
        return QPixmap()
    pixmap = QPixmap.fromImage(image).scaled(
        QSize(size, size),
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )
    return pixmap


class MediaRow(QFrame):
    """One attached photo: thumbnail, name, alt-text field, remove button."""

    altEdited = Signal(int, str)
    removeClicked = Signal(int)

    def __init__(self, media: MediaFile, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.media_id = media.id
        self.setObjectName("mediaRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.thumb = QLabel()
        self.thumb.setFixedSize(THUMB_SIZE, THUMB_SIZE)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setWordWrap(True)  # "no preview" is wider than the thumbnail in Spanish
        pixmap = thumbnail(media.path)
        if pixmap.isNull():
            self.thumb.setText(_("no preview"))
        else:
            self.thumb.setPixmap(pixmap)
        layout.addWidget(self.thumb)
        middle = QVBoxLayout()
        size = f"{media.width} × {media.height}" if media.width and media.height else ""
        self.name_label = QLabel(media.original_name + (f"   ·   {size}" if size else ""))
        self.name_label.setToolTip(media.original_name)
        self.alt_edit = QLineEdit(media.alt_text)
        self.alt_edit.setPlaceholderText(
            _("Alt text: describe the photo for people who cannot see it")
        )
        self.alt_edit.setAccessibleName(_("Alt text for {name}").format(name=media.original_name))
        self.alt_edit.textEdited.connect(lambda text: self.altEdited.emit(self.media_id, text))
        middle.addWidget(self.name_label)
        middle.addWidget(self.alt_edit)
        layout.addLayout(middle, 1)
        self.remove_button = QToolButton()
        self.remove_button.setText(_("Remove"))
        self.remove_button.setToolTip(_("Remove this photo from the post"))
        self.remove_button.clicked.connect(lambda: self.removeClicked.emit(self.media_id))
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)

    def set_read_only(self, read_only: bool) -> None:
        """Lock the alt text and hide the remove button."""
        self.alt_edit.setReadOnly(read_only)
        self.remove_button.setVisible(not read_only)

    def show_file(self, media: MediaFile) -> None:
        """Show ``media``'s (new) file: thumbnail and size (after a pad or crop)."""
        pixmap = thumbnail(media.path)
        if pixmap.isNull():
            self.thumb.setText(_("no preview"))
        else:
            self.thumb.setPixmap(pixmap)
        size = f"{media.width} × {media.height}" if media.width and media.height else ""
        self.name_label.setText(media.original_name + (f"   ·   {size}" if size else ""))


class Composer(QDialog):
    """Compose or edit post ``post_id`` (None: a new post, created on the first edit).

    ``postSaved(post_id)`` is emitted after each save. The dialog closes itself after
    "Save draft", a successful "Schedule" or "Publish now".
    """

    postSaved = Signal(int)

    def __init__(
        self,
        ctx: AppContext,
        bridge: Bridge | None = None,
        post_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.bridge = bridge
        self._post_id = post_id
        self._loading = True
        self._read_only = False
        self._pending: set[str] = set()
        self._pending_alts: dict[int, str] = {}
        self._time_touched = False
        self._closing = False
        self.media_rows: list[MediaRow] = []
        self.account_boxes: dict[int, QCheckBox] = {}
        self._accounts: dict[int, Account] = {}

        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self.flush)
        self.findings: list[Finding] = []
        self._online_findings: list[Finding] = []
        self._link_generation = 0
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.run_checks)
        self._link_timer = QTimer(self)
        self._link_timer.setSingleShot(True)
        self._link_timer.setInterval(LINK_CHECK_DELAY_MS)
        self._link_timer.timeout.connect(self._check_links_online)

        self.setWindowTitle(_("New post") if post_id is None else _("Edit post"))
        self.setWindowIcon(style.app_icon())
        self.setModal(False)
        self.resize(820, 860)
        self._build()
        post = self._load()
        self._loading = False
        self._update_counters()
        self._update_time_note()
        self.run_checks()
        self._link_timer.start()
        if post is not None and not PostService.can_edit(post):
            self._set_read_only(
                _(
                    "This post is being published or was already published; "
                    "it can no longer be edited."
                )
            )
        if bridge is not None:
            bridge.deliveryChanged.connect(self._on_delivery_changed)
        self.text_edit.setFocus()

    # -- building ------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setSpacing(10)

        self.notice_label = QLabel()
        self.notice_label.setObjectName("composerNotice")
        self.notice_label.setWordWrap(True)
        self.notice_label.hide()
        outer.addWidget(self.notice_label)

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(10)
        outer.addLayout(form, 1)

        # Accounts.
        self.accounts_box = QWidget()
        # Rows of ACCOUNT_COLUMNS boxes: a body with many Pages, channels and profiles
        # must not make the composer wider than the screen.
        self.accounts_layout = QGridLayout(self.accounts_box)
        self.accounts_layout.setContentsMargins(0, 0, 0, 0)
        self.no_accounts_label = QLabel(
            _("No account is connected yet: use Accounts… in the main window.")
        )
        self.no_accounts_label.setStyleSheet(f"color: {style.ERROR_COLOUR}")
        self.accounts_layout.addWidget(self.no_accounts_label, 0, 0, 1, ACCOUNT_COLUMNS)
        self.accounts_layout.setColumnStretch(ACCOUNT_COLUMNS, 1)
        form.addRow(_("Post to:"), self.accounts_box)

        # Text and counters.
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(_("What do you want to tell people?"))
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(150)
        self.text_edit.textChanged.connect(self._on_text_changed)
        self.counter_label = QLabel()
        self.counter_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        text_box = QVBoxLayout()
        text_box.setSpacing(2)
        text_box.addWidget(self.text_edit, 1)
        text_box.addWidget(self.counter_label)
        # Issue 6: the text with its campaign's key dates filled in ({apertura_plazo}).
        self.placeholder_label = QLabel()
        self.placeholder_label.setObjectName("placeholderPreview")
        self.placeholder_label.setWordWrap(True)
        self.placeholder_label.hide()
        text_box.addWidget(self.placeholder_label)
        self.findings_view = FindingsView()
        self.findings_view.activated.connect(lambda f: select_span(self.text_edit, f))
        self.findings_view.applyRequested.connect(self._apply_finding)
        text_box.addWidget(self.findings_view)
        form.addRow(_("Text:"), text_box)

        # Link.
        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText("https://…")
        self.link_edit.textEdited.connect(self._on_link_edited)
        form.addRow(_("Link:"), self.link_edit)

        # Photos.
        photos = QVBoxLayout()
        photos.setSpacing(6)
        top = QHBoxLayout()
        self.add_photos_button = QPushButton(_("Add photos…"))
        self.add_photos_button.clicked.connect(self._choose_photos)
        top.addWidget(self.add_photos_button)
        top.addStretch(1)
        photos.addLayout(top)
        self.media_error = QLabel()
        self.media_error.setWordWrap(True)
        self.media_error.setStyleSheet(f"color: {style.ERROR_COLOUR}")
        self.media_error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.media_error.hide()
        photos.addWidget(self.media_error)
        self.media_container = QWidget()
        self.media_layout = QVBoxLayout(self.media_container)
        self.media_layout.setContentsMargins(0, 0, 0, 0)
        self.media_layout.setSpacing(4)
        self.media_layout.addStretch(1)
        self.media_scroll = QScrollArea()
        self.media_scroll.setWidgetResizable(True)
        self.media_scroll.setWidget(self.media_container)
        self.media_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.media_scroll.setMinimumHeight(0)
        self.media_scroll.hide()
        photos.addWidget(self.media_scroll, 1)
        form.addRow(_("Photos:"), photos)

        # Issues 4 and 5: each network's own version (text, link, media, options).
        self.variants_panel = VariantsPanel(
            self.ctx,
            self._ensure_post,
            self.text_edit.toPlainText,
            lambda: self.link_edit.text().strip(),
        )
        self.variants_panel.changed.connect(self._on_variant_changed)
        self.variants_panel.setMinimumHeight(180)
        variants_hint = QLabel(
            _(
                "Each network gets the text above unless you write its own version here; "
                "its own choices (reel, title, thread…) are here too."
            )
        )
        variants_hint.setWordWrap(True)
        variants_hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        variants_box = QVBoxLayout()
        variants_box.setSpacing(4)
        variants_box.addWidget(variants_hint)
        variants_box.addWidget(self.variants_panel, 1)
        self.variants_row = QWidget()
        self.variants_row.setLayout(variants_box)
        variants_box.setContentsMargins(0, 0, 0, 0)
        form.addRow(_("Per network:"), self.variants_row)
        self._form = form

        # Date, time and zone.
        when = QHBoxLayout()
        self.when_edit = QDateTimeEdit()
        # Wall-clock time with no DST of its own: the zone combo decides what it means.
        self.when_edit.setTimeZone(QTimeZone.utc())
        self.when_edit.setDisplayFormat(TIME_FORMAT)
        self.when_edit.setCalendarPopup(True)
        self.when_edit.dateTimeChanged.connect(self._on_time_changed)
        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(zone_names())
        self.zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zone_combo.setMinimumContentsLength(18)
        completer = QCompleter(zone_names(), self.zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone_combo.setCompleter(completer)
        self.zone_combo.currentTextChanged.connect(self._on_zone_changed)
        when.addWidget(self.when_edit)
        when.addWidget(QLabel(_("Time zone:")))
        when.addWidget(self.zone_combo)
        when.addStretch(1)
        when_box = QVBoxLayout()
        when_box.addLayout(when)
        self.time_note = QLabel()
        self.time_note.setWordWrap(True)
        when_box.addWidget(self.time_note)
        form.addRow(_("When:"), when_box)

        # Buttons.
        bottom = QHBoxLayout()
        self.saved_label = QLabel()
        self.saved_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        bottom.addWidget(self.saved_label, 1)
        self.save_button = QPushButton(_("Save draft"))
        self.save_button.setToolTip(_("Keep the post as a draft and close"))
        self.save_button.clicked.connect(self.save_and_close)
        self.publish_button = QPushButton(_("Publish now"))
        self.publish_button.clicked.connect(self.publish_now)
        self.schedule_button = QPushButton(_("Schedule"))
        self.schedule_button.setObjectName("primaryButton")
        self.schedule_button.clicked.connect(self.schedule)
        for button in (self.save_button, self.publish_button, self.schedule_button):
            button.setAutoDefault(False)
            bottom.addWidget(button)
        outer.addLayout(bottom)

    # -- loading -------------------------------------------------------------------
    def _load(self) -> Post | None:
        """Fill the widgets from the store (no saving happens while loading)."""
        post: Post | None = None
        if self._post_id is not None:
            post = self.ctx.posts.get(self._post_id)
        try:
            accounts = self.ctx.accounts.list()
        except AppError as exc:
            accounts = []
            self._show_notice(dialogs.describe_error(exc), error=True)
        chosen: set[int] = set()
        if post is not None:
            chosen = {d.account_id for d in post.deliveries if d.state != S.CANCELLED}
        if post is None and len(accounts) == 1 and accounts[0].status == "ok":
            chosen = {accounts[0].id}  # the usual case: one Page, preselected
        self._set_accounts(accounts, chosen)
        tz = post.tz if post else self.ctx.settings.timezone
        if post is not None:
            self.text_edit.setPlainText(post.text)
            self.link_edit.setText(post.link or "")
        self._show_variants()
        self.zone_combo.setCurrentText(tz)
        if post is not None:
            for media in post.media:
                self._add_media_row(media)
            scheduled = [
                d.due_at for d in post.deliveries if d.state == S.SCHEDULED and d.due_at is not None
            ]
            due = post.due_at or (min(scheduled) if scheduled else None)
            if due is not None:
                self.set_local_time(to_local(due, tz).replace(tzinfo=None))
                self._time_touched = True
            else:
                self.set_local_time(self._default_local_time(tz))
            if any(d.state not in (S.DRAFT, S.CANCELLED) for d in post.deliveries):
                self.save_button.setText(_("Save and close"))
                self.save_button.setToolTip(_("Save the changes and close; the post stays queued"))
            problems = [d for d in post.deliveries if d.state in PROBLEMS and d.last_error]
            if problems:
                self._show_notice(
                    _("{state}: {why}").format(
                        state=problems[0].state.label, why=problems[0].last_error
                    )
                    + "\n"
                    + _("Correct the post if needed, then click Schedule or Publish now."),
                    error=True,
                )
            elif handed := [d for d in post.deliveries if d.state == S.HANDED_OFF]:
                names = sorted(
                    {
                        network_class_label(self._accounts[d.account_id].network)
                        for d in handed
                        if d.account_id in self._accounts
                    }
                )
                self._show_notice(
                    handed_off_label(", ".join(names))
                    + " "
                    + _("Changes saved here are sent there too.")
                )
            elif scheduled:
                self._show_notice(
                    _(
                        "Scheduled for {time}. Changes to the text and photos are "
                        "saved at once; to change the time, choose it and click "
                        "Schedule."
                    ).format(time=format_when(min(scheduled), tz))
                )
            self._mark_saved(post.updated_at)
            if post.review_note:  # issue 6: moved, but the text still names the old date
                self._show_notice(post.review_note, error=True)
            self._update_placeholders()
        else:
            self.set_local_time(self._default_local_time(tz))
            self.saved_label.setText(_("Nothing to save yet"))
        return post

    def _set_accounts(self, accounts: list[Account], chosen: set[int]) -> None:
        self._accounts = {a.id: a for a in accounts}
        self.no_accounts_label.setVisible(not accounts)
        for account in accounts:
            if REMOVED_BY_USER in account.options and account.id not in chosen:
                continue  # removed by the user: only shown on posts that still name it
            # The network beside the name: "Ana García" alone could be any network.
            box = QCheckBox(
                _("{name} · {network}").format(
                    name=account.name, network=network_class_label(account.network)
                )
            )
            tip = account.display_name or account.name
            if account.status != "ok":
                box.setText(
                    _("{name} · {network} (needs reconnect)").format(
                        name=account.name, network=network_class_label(account.network)
                    )
                )
                box.setStyleSheet(f"color: {style.ERROR_COLOUR}")
                tip = account.status_reason or tip
            box.setToolTip(f"{network_class_label(account.network)}: {tip}")
            box.setChecked(account.id in chosen)
            box.toggled.connect(self._on_accounts_changed)
            row, column = divmod(len(self.account_boxes), ACCOUNT_COLUMNS)
            self.account_boxes[account.id] = box
            self.accounts_layout.addWidget(box, row, column)

    def _default_local_time(self, tz: str) -> datetime:
        """Next full hour at least 30 minutes from now, in ``tz``."""
        try:
            now = to_local(self.ctx.clock.now(), tz).replace(tzinfo=None)
        except ValidationError:
            now = datetime.now()
        start = (now + timedelta(minutes=30)).replace(minute=0, second=0, microsecond=0)
        return start + timedelta(hours=1)

    # -- reading the widgets -------------------------------------------------------
    @property
    def post_id(self) -> int | None:
        """The post being edited; None until the first edit of a new post."""
        return self._post_id

    def local_time(self) -> datetime:
        """The naive wall-clock time in the date/time field."""
        value = self.when_edit.dateTime()
        d, t = value.date(), value.time()
        return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), t.second())

    def set_local_time(self, local: datetime) -> None:
        """Put naive wall-clock ``local`` in the date/time field."""
        self.when_edit.setDateTime(
            QDateTime(
                QDate(local.year, local.month, local.day),
                QTime(local.hour, local.minute, local.second),
                QTimeZone.utc(),
            )
        )

    def zone_name(self) -> str:
        """The IANA zone typed or chosen."""
        return self.zone_combo.currentText().strip()

    def chosen_accounts(self) -> list[int]:
        """Ids of the ticked accounts."""
        return [aid for aid, box in self.account_boxes.items() if box.isChecked()]

    # -- saving --------------------------------------------------------------------
    def _ensure_post(self) -> int:
        """The post id, creating the draft with what the widgets hold now if needed."""
        if self._post_id is None:
            tz = self.zone_name()
            try:
                zone(tz)
            except ValidationError:
                tz = self.ctx.settings.timezone
            post = self.ctx.posts.create_draft(
                text=self.text_edit.toPlainText(),
                link=self.link_edit.text().strip() or None,
                tz=tz,
                account_ids=self.chosen_accounts(),
            )
            self._post_id = post.id
            self.setWindowTitle(_("Edit post"))
            log.info("draft %s created", post.id)
            if self._time_touched:
                self._pending.add("time")
        return self._post_id

    def _edited(self, what: str, *, at_once: bool = False) -> None:
        """Remember that ``what`` changed; save now (first edit / ``at_once``) or soon."""
        if self._loading or self._read_only:
            return
        self._checks_soon(link=what in ("text", "link"))
        self._pending.add(what)
        if self._post_id is None or at_once:
            self.flush()
        else:
            self.saved_label.setText(_("Saving…"))
            self._save_timer.start()

    def flush(self) -> bool:
        """Save every pending edit now. Returns False if something could not be saved."""
        self._save_timer.stop()
        if self._read_only:
            return True
        if not self.variants_panel.flush():
            self.saved_label.setStyleSheet(f"color: {style.ERROR_COLOUR}")
            self.saved_label.setText(_("Not saved: {why}").format(why=self.variants_panel.error()))
            return False
        if not self._pending:
            return True
        pending, self._pending = self._pending, set()
        alts, self._pending_alts = self._pending_alts, {}
        try:
            created = self._post_id is None
            post_id = self._ensure_post()
            if created:
                pending -= {"text", "link", "accounts"}
                pending |= self._pending
                self._pending = set()
            if "text" in pending:
                self.ctx.posts.update_text(post_id, self.text_edit.toPlainText())
            if "link" in pending:
                self.ctx.posts.update_link(post_id, self.link_edit.text())
            if "accounts" in pending:
                self.ctx.posts.set_accounts(post_id, self.chosen_accounts())
            for media_id, alt in alts.items():
                self.ctx.posts.set_alt_text(post_id, media_id, alt)
            if "time" in pending:
                self._save_time(post_id)
        except ValidationError as exc:
            if any(p.code == "not_editable" for p in exc.problems):
                self._set_read_only(str(exc))
            else:
                self._pending |= pending
                self._pending_alts = {**alts, **self._pending_alts}
                self._show_save_error(exc)
            return False
        except AppError as exc:
            self._pending |= pending
            self._pending_alts = {**alts, **self._pending_alts}
            self._show_save_error(exc)
            return False
        self._mark_saved()
        if self.bridge is not None:
            self.bridge.post_changed()
        self.postSaved.emit(post_id)
        return True

    def _save_time(self, post_id: int) -> None:
        """Save the chosen time as the post's planned time (not scheduling it)."""
        tz = self.zone_name()
        try:
            zone(tz)
        except ValidationError:
            return  # shown in the time note; saved once the zone is valid
        try:
            when = local_to_utc(self.local_time(), tz)
        except NonexistentTimeError:
            return  # shown in the time note; Schedule offers the next valid time
        except AmbiguousTimeError as exc:
            when = exc.options[0]  # the first one for now; Schedule asks which
        self.ctx.posts.set_time(post_id, when, tz)

    def _mark_saved(self, at: datetime | None = None) -> None:
        stamp = to_local(at or self.ctx.clock.now(), self.ctx.settings.timezone)
        self.saved_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        self.saved_label.setText(_("Saved at {time}").format(time=stamp.strftime("%H:%M")))

    def _show_save_error(self, exc: AppError) -> None:
        self.saved_label.setStyleSheet(f"color: {style.ERROR_COLOUR}")
        self.saved_label.setText(_("Not saved: {why}").format(why=dialogs.describe_error(exc)))

    # -- edits -----------------------------------------------------------------------
    def _on_text_changed(self) -> None:
        self._update_counters()
        self._update_placeholders()
        self.variants_panel.main_changed()
        self._edited("text")

    def _on_link_edited(self, _text: str) -> None:
        self.variants_panel.main_changed()
        self._edited("link")

    def _on_accounts_changed(self, _checked: bool) -> None:
        self._update_counters()
        self._edited("accounts", at_once=True)
        self._show_variants()

    def _show_variants(self) -> None:
        """A tab per chosen network; the whole row hidden while no account is ticked."""
        networks = self._chosen_networks()
        self.variants_panel.set_networks(networks, self._post_id)
        self._form.setRowVisible(self.variants_row, bool(networks))

    def _on_variant_changed(self) -> None:
        self._update_counters()
        self._checks_soon()
        self._mark_saved()
        if self.bridge is not None:
            self.bridge.post_changed()

    def _chosen_networks(self) -> list[str]:
        """Network keys of the ticked accounts, in the accounts' order, once each."""
        keys: list[str] = []
        for account_id in self.chosen_accounts():
            account = self._accounts.get(account_id)
            if account is not None and account.network not in keys:
                keys.append(account.network)
        return keys

    def _on_time_changed(self, _value: QDateTime) -> None:
        if self._loading:
            return
        self._time_touched = True
        self._update_time_note()
        self._edited("time")

    def _on_zone_changed(self, _text: str) -> None:
        if self._loading:
            return
        self._update_time_note()
        try:
            zone(self.zone_name())
        except ValidationError:
            return
        self._edited("time")

    def _on_alt_edited(self, media_id: int, text: str) -> None:
        self._pending_alts[media_id] = text
        self._edited("alts")

    def _choose_photos(self) -> None:
        paths = dialogs.pick_images(self)
        if paths:
            self.add_photos(paths)

    def add_photos(self, paths: Iterable[Path]) -> list[MediaFile]:
        """Attach the images at ``paths``; problems are shown, the good ones are kept."""
        if self._read_only:
            return []
        errors: list[str] = []
        added: list[MediaFile] = []
        try:
            post_id = self._ensure_post()
            self.flush()
        except AppError as exc:
            self._show_media_errors([dialogs.describe_error(exc)])
            return []
        for path in paths:
            try:
                media = self.ctx.posts.add_media(post_id, Path(path))
            except ValidationError as exc:
                errors.extend(dialogs.problem_lines(exc))
                continue
            except (AppError, OSError) as exc:
                errors.append(
                    _("{name}: {why}").format(
                        name=Path(path).name,
                        why=dialogs.describe_error(exc)
                        if isinstance(exc, AppError)
                        else exc.strerror or str(exc),
                    )
                )
                continue
            added.append(media)
            self._add_media_row(media)
        self._show_media_errors(errors)
        if added:
            self._mark_saved()
            if self.bridge is not None:
                self.bridge.post_changed()
            self.postSaved.emit(post_id)
        return added

    def _apply_finding(self, finding: Finding) -> None:
        if finding.fix:
            self.fix_media(finding)
        else:
            apply_suggestion(self.text_edit, finding)

    def fix_media(self, finding: Finding) -> bool:
        """Offer the fix a media finding carries: pad or crop to the network's shape
        (the user chooses in :func:`ui.fit_dialog.ask_fit`) or an sRGB JPEG copy (after
        confirming). The chosen copy replaces the file in the post; the original file is
        never changed. True when the post now uses a new file."""
        if self._post_id is None or self._read_only or not finding.field.startswith("media:"):
            return False
        try:
            index = int(finding.field.split(":", 1)[1])
        except ValueError:
            return False
        media = self.ctx.posts.media_at(self._post_id, finding.network, index)
        if media is None:
            return False
        work_dir = Path(tempfile.mkdtemp(prefix="pregonero-fit-"))
        label = network_label(finding.network) if finding.network else ""
        target = parse_fix(finding.fix)
        try:
            if target is not None:
                chosen = fit_dialog.ask_fit(
                    self,
                    Path(media.path),
                    target,
                    work_dir,
                    network=label or "Instagram",
                    name=media.original_name,
                )
            elif finding.fix == RGB_FIX and dialogs.confirm(
                self,
                _("Convert the photo"),
                _(
                    "Make a JPEG copy of {name} in standard colours (sRGB) and use it in"
                    " this post? The original file is not changed."
                ).format(name=media.original_name),
                _("Make the copy"),
            ):
                chosen = to_rgb(Path(media.path), dest_dir=work_dir)
            else:
                return False
            if chosen is None:
                return False
            updated = self.ctx.posts.replace_media(self._post_id, media.id, chosen)
        except (AppError, OSError, KeyError) as exc:
            self._show_media_errors(
                [dialogs.describe_error(exc) if isinstance(exc, AppError) else str(exc)]
            )
            return False
        finally:
            shutil.rmtree(work_dir, ignore_errors=True)
        for row in self.media_rows:
            if row.media_id == updated.id:
                row.show_file(updated)
        if updated.network:
            editor = self.variants_panel.editors.get(updated.network)
            if editor is not None:
                editor.load(self._post_id)
        self._mark_saved()
        if self.bridge is not None:
            self.bridge.post_changed()
        self._checks_soon()
        return True

    def _show_media_errors(self, errors: list[str]) -> None:
        if errors:
            self.media_error.setText("\n".join(errors))
            self.media_error.show()
        else:
            self.media_error.clear()
            self.media_error.hide()

    def _add_media_row(self, media: MediaFile) -> None:
        row = MediaRow(media)
        row.altEdited.connect(self._on_alt_edited)
        row.removeClicked.connect(self.remove_photo)
        self.media_rows.append(row)
        self.media_layout.insertWidget(self.media_layout.count() - 1, row)
        self.media_scroll.show()
        self.media_scroll.setMinimumHeight(min(len(self.media_rows), 2) * (THUMB_SIZE + 18))
        self._checks_soon()

    def remove_photo(self, media_id: int) -> None:
        """Detach photo ``media_id`` from the post."""
        if self._post_id is None or self._read_only:
            return
        try:
            self.ctx.posts.remove_media(self._post_id, media_id)
        except AppError as exc:
            self._show_media_errors([dialogs.describe_error(exc)])
            return
        self._pending_alts.pop(media_id, None)
        for row in list(self.media_rows):
            if row.media_id == media_id:
                self.media_rows.remove(row)
                row.setParent(None)
                row.deleteLater()
        self.media_scroll.setVisible(bool(self.media_rows))
        self.media_scroll.setMinimumHeight(min(len(self.media_rows), 2) * (THUMB_SIZE + 18))
        self._checks_soon()
        self._mark_saved()
        if self.bridge is not None:
            self.bridge.post_changed()

    # -- live feedback ---------------------------------------------------------------
    def _networks(self) -> list[str]:
        chosen = {self._accounts[a].network for a in self.chosen_accounts() if a in self._accounts}
        return sorted(chosen) or sorted(NETWORKS)

    def _update_counters(self) -> None:
        text = self.text_edit.toPlainText()
        parts = []
        for key in self._networks():
            cls = network_class(key)
            if self.variants_panel.has_own_text(key):
                own = _("{network}: own text").format(network=cls.label)
                parts.append(f"<span style='color:{style.MUTED_COLOUR}'>{own}</span>")
                continue
            n, limit = cls.count_chars(text), cls.limits.max_chars
            colour = style.ERROR_COLOUR if n > limit else style.MUTED_COLOUR
            weight = "bold" if n > limit else "normal"
            parts.append(
                f"<span style='color:{colour}; font-weight:{weight}'>"
                f"{cls.label} {number(n)} / {number(limit)}</span>"
            )
        self.counter_label.setText("&nbsp;&nbsp;&nbsp;".join(parts))

    def over_limit(self) -> list[str]:
        """Labels of the chosen networks whose character limit the text exceeds."""
        text = self.text_edit.toPlainText()
        over = []
        for key in self._networks():
            cls = network_class(key)
            editor = self.variants_panel.editors.get(key)
            mine = editor.effective_text() if editor is not None else text
            if cls.count_chars(mine) > cls.limits.max_chars:
                over.append(cls.label)
        return over

    def _update_time_note(self) -> None:
        tz = self.zone_name()
        local = self.local_time()
        try:
            zone(tz)
        except ValidationError as exc:
            self._set_time_note(str(exc), error=True)
            return
        try:
            when = local_to_utc(local, tz)
        except NonexistentTimeError as exc:
            self._set_time_note(
                _(
                    "{time} does not exist in {zone}: the clocks jump forward that night. The next "
                    "valid time is {next}."
                ).format(
                    time=local.strftime("%H:%M"), zone=tz, next=exc.next_valid.strftime("%H:%M")
                ),
                error=True,
            )
            return
        except AmbiguousTimeError:
            self._set_time_note(
                _(
                    "{time} happens twice in {zone} that night (the clocks go back); "
                    "Pregonero will ask which one you mean."
                ).format(time=local.strftime("%H:%M"), zone=tz),
                error=False,
            )
            return
        try:
            day = format_date(local.date(), format="full", locale=current_language())
        except Exception:  # noqa: BLE001
            day = local.strftime("%A %d %B %Y")
        if when <= self.ctx.clock.now():
            self._set_time_note(_("{day}: this time is in the past.").format(day=day), error=True)
        else:
            self._set_time_note(day, error=False)

    def _update_placeholders(self) -> None:
        """Show what the key-date placeholders of the text become (issue 6)."""
        text = self.text_edit.toPlainText()
        post = None
        if "{" in text and self._post_id is not None:
            try:
                post = self.ctx.posts.get(self._post_id)
            except AppError:
                post = None
        key_dates = self.ctx.campaigns.key_dates_of(post) if post is not None else {}
        if post is None or not placeholders(text):
            self.placeholder_label.hide()
            return
        shown = _("Goes out as: {text}").format(text=render(text, key_dates, post.language))
        unknown = unknown_placeholders(text, key_dates)
        if unknown:
            shown += "\n" + _("Not a key date of its campaign: {names}").format(
                names=", ".join("{" + name + "}" for name in unknown)
            )
        self.placeholder_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        self.placeholder_label.setText(shown)
        self.placeholder_label.show()

    def preset_time(self, local: datetime) -> None:
        """Start at naive wall-clock ``local`` (the calendar's double-click); saves nothing."""
        was_loading, self._loading = self._loading, True
        try:
            self.set_local_time(local)
        finally:
            self._loading = was_loading
        self._time_touched = True
        self._update_time_note()

    def _set_time_note(self, text: str, *, error: bool) -> None:
        colour = style.ERROR_COLOUR if error else style.MUTED_COLOUR
        self.time_note.setStyleSheet(f"color: {colour}")
        self.time_note.setText(text)

    def _show_notice(self, text: str, *, error: bool = False) -> None:
        self.notice_label.setProperty("error", error)
        self.notice_label.setStyleSheet(
            "QLabel { background: %s; border: 1px solid %s; border-radius: 4px; padding: 6px; }"
            % (("#fef2f2", "#fca5a5") if error else ("#eff6ff", "#bfdbfe"))
        )
        self.notice_label.setText(text)
        self.notice_label.show()

    def _set_read_only(self, why: str) -> None:
        self._read_only = True
        self._save_timer.stop()
        self._pending.clear()
        self._show_notice(why, error=True)
        self.text_edit.setReadOnly(True)
        self.link_edit.setReadOnly(True)
        for widget in (
            self.add_photos_button,
            self.when_edit,
            self.zone_combo,
            self.schedule_button,
            self.publish_button,
            self.accounts_box,
        ):
            widget.setEnabled(False)
        for row in self.media_rows:
            row.set_read_only(True)
        self.variants_panel.set_read_only(True)
        self.save_button.setText(_("Close"))

    def _on_delivery_changed(self, _delivery_id: int, post_id: int, state: str) -> None:
        if post_id != self._post_id or self._read_only:
            return
        if state in (S.PUBLISHING.value, S.PUBLISHED.value, S.UNCONFIRMED.value):
            self.flush()
            self._set_read_only(
                _(
                    "This post is being published or was already published; "
                    "it can no longer be edited."
                )
            )

    # -- careful-publishing checks (issue 7) -----------------------------------------
    def _checks_soon(self, *, link: bool = False) -> None:
        """Run the checks shortly (typing is grouped); ``link``: try the link online again."""
        if self._loading:
            return
        self._check_timer.start()
        if link:
            self._link_generation += 1  # an answer still on its way is now stale
            self._online_findings = []
            self._link_timer.start()

    def check_input(self) -> CheckInput:
        """What the checks see: the fields as they are now, saved or not."""
        tz = self.zone_name()
        try:
            zone(tz)
        except ValidationError:
            tz = self.ctx.settings.timezone
        try:
            when = local_to_utc(self.local_time(), tz)
        except AmbiguousTimeError as exc:
            when = exc.options[0]
        except (NonexistentTimeError, ValidationError):
            when = self.ctx.clock.now()
        post: Post | None = None
        if self._post_id is not None:
            try:
                post = self.ctx.posts.get(self._post_id)
            except ValidationError:
                post = None
        alts = {row.media_id: row.alt_edit.text() for row in self.media_rows}
        media = [(Path(m.path), alts.get(m.id, m.alt_text)) for m in (post.media if post else [])]
        built = self.ctx.posts.checks.build(
            text=self.text_edit.toPlainText(),
            publish_at=when,
            tz=tz,
            account_ids=self.chosen_accounts(),
            media=media,
            link=self.link_edit.text().strip() or None,
            language=post.language if post else "",
            key_date_id=post.pin_key_date_id if post else None,
            post_id=self._post_id,
            media_names=[m.original_name for m in (post.media if post else [])],
        )
        # A network with its own text is checked on it (its tab's counter, and the review
        # before scheduling), not on the main text.
        keep = tuple(n for n in built.networks if not self.variants_panel.has_own_text(n))
        # A story or reel is judged as one (9:16), not as a feed post, as on the review screen.
        kinds = post_kinds(post) if post is not None else ()
        return built.with_changes(networks=keep, kinds=kinds)

    def run_checks(self) -> list[Finding]:
        """Run the offline checks on the fields now; list and underline the findings."""
        self._check_timer.stop()
        try:
            findings = self.check_input().run()
        except Exception:  # noqa: BLE001 - a bug in a check must not break the composer
            log.exception("live checks failed")
            findings = []
        self.findings = findings + [f for f in self._online_findings if f not in findings]
        self.findings_view.set_findings(self.findings)
        highlight(self.text_edit, self.findings)
        return self.findings

    def _check_links_online(self) -> None:
        """Try the links in the background; the answer is shown when it comes."""
        if not review_dialog.ONLINE_CHECKS or self._read_only or self._closing:
            return
        inp = self.check_input()
        if not inp.link and "://" not in inp.text and "www." not in inp.text:
            return
        generation = self._link_generation
        tasks.run_in_background(
            lambda: review_dialog.online_link_findings(inp),
            lambda found: self._on_links_checked(generation, found),
            lambda _exc: None,
        )

    def _on_links_checked(self, generation: int, found: list[Finding]) -> None:
        try:
            if generation != self._link_generation or self._closing:
                return  # the text or link changed meanwhile, or the dialog closed
            self._online_findings = found
            self.run_checks()
        except RuntimeError:  # the dialog was deleted while the link was being tried
            return

    # -- buttons ---------------------------------------------------------------------
    def save_and_close(self) -> None:
        """Save draft: save what is pending and close."""
        self.close()

    def _problems(self, title: str, exc: ValidationError) -> None:
        dialogs.show_problems(
            self,
            title,
            _("The post cannot be scheduled yet:")
            if title == _("Schedule")
            else _("The post cannot be published yet:"),
            dialogs.problem_lines(exc),
        )

    def resolve_time(self) -> datetime | None:
        """The UTC instant the fields mean, asking the user about DST gaps and repeats.

        Returns None if the user cancelled. Raises ValidationError for a bad zone.
        """
        tz = self.zone_name()
        local = self.local_time()
        try:
            return local_to_utc(local, tz)
        except NonexistentTimeError as exc:
            choice = dialogs.ask(
                self,
                _("Time does not exist"),
                str(exc),
                [_("Use {time}").format(time=exc.next_valid.strftime("%H:%M"))],
            )
            if choice != 0:
                return None
            self.set_local_time(exc.next_valid)
            return local_to_utc(exc.next_valid, tz)
        except AmbiguousTimeError as exc:
            first, second = exc.options
            labels = [
                _("{time} {abbr} ({offset}), the first").format(
                    time=first.strftime("%H:%M"), abbr=first.tzname(), offset=offset_text(first)
                ),
                _("{time} {abbr} ({offset}), the second").format(
                    time=second.strftime("%H:%M"), abbr=second.tzname(), offset=offset_text(second)
                ),
            ]
            choice = dialogs.ask(self, _("Time happens twice"), str(exc), labels)
            if choice is None:
                return None
            return local_to_utc(local, tz, fold=choice)

    def schedule(self) -> bool:
        """Schedule the post at the chosen time. Returns True (and closes) on success."""
        if self._read_only:
            return False
        if not self.flush():
            return False
        title = _("Schedule")
        try:
            when = self.resolve_time()
            if when is None:
                return False
            post_id = self._ensure_post()
            self.flush()
            self.ctx.posts.set_time(post_id, when, self.zone_name())
            post = self.ctx.posts.get(post_id)
            problems = self.ctx.posts.problems(post, when=when)
            if cooling := self.ctx.posts.cooling_off_problem(post, when):
                problems.append(cooling)
            if problems:
                raise ValidationError(problems)
            overrides = dialogs.review_post(self, self.ctx, post, when)
            if overrides is None:
                return False  # back to editing
            self.ctx.posts.schedule(post_id, when, overrides=overrides)
        except ValidationError as exc:
            self._problems(title, exc)
            return False
        except AppError as exc:
            dialogs.show_error(self, title, dialogs.describe_error(exc))
            return False
        log.info("post %s scheduled for %s", post_id, when.isoformat())
        self._finish(post_id)
        return True

    def publish_now(self) -> bool:
        """Queue the post to be published now. Returns True (and closes) on success."""
        if self._read_only:
            return False
        if not self.flush():
            return False
        title = _("Publish now")
        try:
            post_id = self._ensure_post()
            self.flush()
            post = self.ctx.posts.get(post_id)
            problems = self.ctx.posts.problems(post, publish_now=True)
            now = self.ctx.clock.now()
            if cooling := self.ctx.posts.cooling_off_problem(post, now):
                problems.append(cooling)
            if problems:
                raise ValidationError(problems)
            overrides = dialogs.review_post(self, self.ctx, post, now, publish_now=True)
            if overrides is None:
                return False  # back to editing
            self.ctx.posts.publish_now(post_id, overrides=overrides)
        except ValidationError as exc:
            self._problems(title, exc)
            return False
        except AppError as exc:
            dialogs.show_error(self, title, dialogs.describe_error(exc))
            return False
        self._finish(post_id)
        return True

    def _finish(self, post_id: int) -> None:
        if self.bridge is not None:
            self.bridge.post_changed()
        self.postSaved.emit(post_id)
        self.accept()

    def done(self, result: int) -> None:  # noqa: D102 - Qt API: every way of closing ends here
        if not self._closing and not self.flush():
            if (
                dialogs.ask(
                    self,
                    _("Not saved"),
                    _(
                        "The last changes could not be saved:\n{why}\n\nClose anyway and lose them?"
                    ).format(why=self.saved_label.text()),
                    [_("Close anyway")],
                )
                != 0
            ):
                return
        self._closing = True
        self._check_timer.stop()
        self._link_timer.stop()
        super().done(result)


def network_class_label(key: str) -> str:
    """The label of network ``key`` (or the key itself)."""
    try:
        return network_class(key).label
    except ValidationError:
        return key
