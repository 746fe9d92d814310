"""Per-network versions of a post in the composer (issues 4 and 5).

One tab per network the post goes to. Each tab says whether that network gets the main
text or its own (with a live counter counted as that network counts), its own link,
its own photos or video, and the network's choices: YouTube title, tags, category,
audience, privacy, thumbnail, playlist; Instagram feed / reel / story; Facebook post /
reel / video and a first comment; X thread parts with a counter each. Every change is
saved through :class:`app.services.posts.PostService` (typing grouped for
:data:`SAVE_DELAY_MS`, everything else at once; :meth:`VariantsPanel.flush` on close).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path

from babel.numbers import format_decimal
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError, ValidationError
from app.i18n import N_, _, current_language, ngettext
from app.models import MediaFile
from app.networks.base import PostOptions
from app.networks.registry import network_class
from app.services.xcost import estimate_post, format_usd
from ui import dialogs, style

log = logging.getLogger(__name__)

#: Typing in a version is saved this long (ms) after the last keystroke.
SAVE_DELAY_MS = 400
#: Widest the thumbnail's file name is shown (pixels; longer names are shortened).
THUMB_NAME_PX = 180
#: What a post is on each network that offers a choice: (value, label).
KINDS: dict[str, list[tuple[str, str]]] = {
    "facebook": [("feed", N_("Post")), ("reel", N_("Reel")), ("video", N_("Video"))],
    "instagram": [("feed", N_("Feed post")), ("reel", N_("Reel")), ("story", N_("Story"))],
}
PRIVACY = [
    ("public", N_("Public")),
    ("unlisted", N_("Unlisted (only people with the link)")),
    ("private", N_("Private")),
]
#: YouTube categories most used by a public body (id, label); the API takes the id.
CATEGORIES = [
    ("", N_("(YouTube's default)")),
    ("22", N_("People & Blogs")),
    ("27", N_("Education")),
    ("25", N_("News & Politics")),
    ("29", N_("Nonprofits & Activism")),
    ("24", N_("Entertainment")),
    ("28", N_("Science & Technology")),
]


def network_label(key: str) -> str:
    """The display name of network ``key`` (the key if unknown)."""
    try:
        return network_class(key).label
    except ValidationError:
        return key


def counter_text(network: str, text: str) -> tuple[str, bool]:
    """``"Facebook 120 / 63206"`` counted as ``network`` counts, and whether it is over."""
    try:
        cls = network_class(network)
    except ValidationError:
        return str(len(text)), False
    n, limit = cls.count_chars(text), cls.limits.max_chars
    return _("{n} / {limit} characters").format(n=_number(n), limit=_number(limit)), n > limit


def _number(n: int) -> str:
    try:
        return format_decimal(n, locale=current_language())
    except Exception:  # noqa: BLE001 - an unknown locale must not break the counter
        return str(n)


def _set_counter(label: QLabel, network: str, text: str) -> None:
    words, over = counter_text(network, text)
    label.setText(words)
    colour = style.ERROR_COLOUR if over else style.MUTED_COLOUR
    label.setStyleSheet(f"color: {colour}; font-weight: {'bold' if over else 'normal'}")


class ThreadPart(QFrame):
    """One following part of an X thread: its text, counter and a remove button."""

    edited = Signal()
    removeClicked = Signal(object)

    def __init__(self, network: str, number: int, text: str) -> None:
        super().__init__()
        self.network = network
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        top = QHBoxLayout()
        self.title = QLabel()
        top.addWidget(self.title, 1)
        self.remove_button = QToolButton()
        self.remove_button.setText(_("Remove"))
        self.remove_button.clicked.connect(lambda: self.removeClicked.emit(self))
        top.addWidget(self.remove_button)
        layout.addLayout(top)
        self.edit = QPlainTextEdit(text)
        self.edit.setTabChangesFocus(True)
        self.edit.setFixedHeight(64)
        self.edit.textChanged.connect(self._changed)
        layout.addWidget(self.edit)
        self.counter = QLabel()
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.counter)
        self.set_number(number)
        _set_counter(self.counter, network, text)

    def set_number(self, number: int) -> None:
        """Show "Part N" (the main text is part 1)."""
        self.title.setText(_("Part {n} (a reply to the part before)").format(n=number))
        self.edit.setAccessibleName(_("Thread part {n}").format(n=number))

    def text(self) -> str:
        """The part's text."""
        return self.edit.toPlainText()

    def _changed(self) -> None:
        _set_counter(self.counter, self.network, self.text())
        self.edited.emit()


class VariantEditor(QWidget):
    """The tab of one network: its version of the post.

    ``ensure_post()`` returns the post id (creating the draft if needed);
    ``main_text()`` / ``main_link()`` read the composer's main fields (shown while
    "Same as main" is ticked). ``changed`` is emitted after every save.
    """

    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        network: str,
        ensure_post: Callable[[], int],
        main_text: Callable[[], str],
        main_link: Callable[[], str],
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.network = network
        self._ensure_post = ensure_post
        self._main_text = main_text
        self._main_link = main_link
        self._loading = True
        self._read_only = False
        self._dirty = False
        self.thread_parts: list[ThreadPart] = []
        #: Why the last save or attachment failed ("" = it did not).
        self.last_error = ""
        self.media_labels: dict[int, QWidget] = {}
        self._thumbnail: Path | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)
        self._build()
        self._loading = False

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        label = network_label(self.network)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        outer.addLayout(form)
        self._form = form

        self.same_text = QCheckBox(_("Same as the main text"))
        self.same_text.setChecked(True)
        self.same_text.toggled.connect(self._on_same_text)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(80)
        self.text_edit.setMaximumHeight(120)
        self.text_edit.setAccessibleName(_("Text for {network}").format(network=label))
        self.text_edit.textChanged.connect(self._on_text)
        self.counter = QLabel()
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        text_box = QVBoxLayout()
        text_box.addWidget(self.same_text)
        text_box.addWidget(self.text_edit)
        text_box.addWidget(self.counter)
        self.cost_label: QLabel | None = None
        if self.network == "x":  # X charges per post (issue 5): the estimate, live
            self.cost_label = QLabel()
            self.cost_label.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.cost_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
            text_box.addWidget(self.cost_label)
        form.addRow(_("Description:") if self.network == "youtube" else _("Text:"), text_box)

        self.same_link = QCheckBox(_("Same link as the main post"))
        self.same_link.setChecked(True)
        self.same_link.toggled.connect(self._on_same_link)
        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText(
            _("https://… (empty: no link on {network})").format(network=label)
        )
        self.link_edit.textEdited.connect(lambda _t: self._edited())
        link_box = QHBoxLayout()
        link_box.addWidget(self.same_link)
        link_box.addWidget(self.link_edit, 1)
        form.addRow(_("Link:"), link_box)

        self.own_media = QCheckBox(_("Other photos or video for {network}").format(network=label))
        self.own_media.toggled.connect(self._on_own_media)
        self.add_photos_button = QPushButton(_("Add photos…"))
        self.add_photos_button.clicked.connect(self._choose_photos)
        self.add_video_button = QPushButton(_("Add video…"))
        self.add_video_button.clicked.connect(self._choose_video)
        media_top = QHBoxLayout()
        media_top.addWidget(self.own_media)
        media_top.addWidget(self.add_photos_button)
        media_top.addWidget(self.add_video_button)
        media_top.addStretch(1)
        self.media_box = QVBoxLayout()
        self.media_error = QLabel()
        self.media_error.setWordWrap(True)
        self.media_error.setStyleSheet(f"color: {style.ERROR_COLOUR}")
        self.media_error.hide()
        media_outer = QVBoxLayout()
        media_outer.addLayout(media_top)
        media_outer.addLayout(self.media_box)
        media_outer.addWidget(self.media_error)
        form.addRow(_("Media:"), media_outer)

        self._build_options(form)
        outer.addStretch(1)

    def _build_options(self, form: QFormLayout) -> None:
        """The network's own choices (nothing for a network without any)."""
        key = self.network
        self.kind_combo: QComboBox | None = None
        if key in KINDS:
            self.kind_combo = QComboBox()
            for value, text in KINDS[key]:
                self.kind_combo.addItem(_(text), value)
            self.kind_combo.currentIndexChanged.connect(self._kind_changed)
            form.addRow(_("Publish as:"), self.kind_combo)
        self.share_to_feed: QCheckBox | None = None
        if key == "instagram":
            self.share_to_feed = QCheckBox(_("Also show the reel in the feed"))
            self.share_to_feed.setChecked(True)
            self.share_to_feed.toggled.connect(lambda _c: self._edited(at_once=True))
            form.addRow("", self.share_to_feed)
        self.story_note: QLabel | None = None
        if key == "instagram":
            self.story_note = QLabel(
                _("Instagram stories show no caption: the text is not published with a story.")
            )
            self.story_note.setWordWrap(True)
            form.addRow("", self.story_note)
            form.setRowVisible(self.story_note, False)
        self.first_comment: QPlainTextEdit | None = None
        if key == "facebook":
            self.first_comment = QPlainTextEdit()
            self.first_comment.setTabChangesFocus(True)
            self.first_comment.setFixedHeight(56)
            self.first_comment.setPlaceholderText(
                _("Optional: a comment the Page writes right after the post (e.g. the link)")
            )
            self.first_comment.textChanged.connect(lambda: self._edited())
            form.addRow(_("First comment:"), self.first_comment)
        self.title_edit: QLineEdit | None = None
        if key in ("youtube", "linkedin", "facebook"):
            self.title_edit = QLineEdit()
            self.title_edit.setMaxLength(100)
            self.title_edit.setPlaceholderText(
                _("The video's title (required on YouTube, at most 100 characters)")
                if key == "youtube"
                else _("Optional: a title for a video or document")
            )
            self.title_edit.textEdited.connect(lambda _t: self._edited())
            form.addRow(_("Title:"), self.title_edit)
        self.tags_edit: QLineEdit | None = None
        self.category_combo: QComboBox | None = None
        self.privacy_combo: QComboBox | None = None
        self.kids_box: QCheckBox | None = None
        self.playlist_edit: QLineEdit | None = None
        self.thumb_label: QLabel | None = None
        if key == "youtube":
            self.tags_edit = QLineEdit()
            self.tags_edit.setPlaceholderText(_("Words separated by commas: empleo, formación"))
            self.tags_edit.textEdited.connect(lambda _t: self._edited())
            form.addRow(_("Tags:"), self.tags_edit)
            self.category_combo = QComboBox()
            for value, text in CATEGORIES:
                self.category_combo.addItem(_(text), value)
            self.category_combo.currentIndexChanged.connect(lambda _i: self._edited(at_once=True))
            form.addRow(_("Category:"), self.category_combo)
            self.privacy_combo = QComboBox()
            for value, text in PRIVACY:
                self.privacy_combo.addItem(_(text), value)
            self.privacy_combo.currentIndexChanged.connect(lambda _i: self._edited(at_once=True))
            form.addRow(_("Who can see it:"), self.privacy_combo)
            self.kids_box = QCheckBox(_("Made for children (YouTube's audience rule)"))
            self.kids_box.toggled.connect(lambda _c: self._edited(at_once=True))
            form.addRow(_("Audience:"), self.kids_box)
            thumb_row = QHBoxLayout()
            self.thumb_label = QLabel(_("YouTube chooses one"))
            self.thumb_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
            self.thumb_button = QPushButton(_("Choose image…"))
            self.thumb_button.clicked.connect(self._choose_thumbnail)
            self.thumb_clear = QToolButton()
            self.thumb_clear.setText(_("Remove"))
            self.thumb_clear.clicked.connect(self._clear_thumbnail)
            thumb_row.addWidget(self.thumb_label, 1)
            thumb_row.addWidget(self.thumb_button)
            thumb_row.addWidget(self.thumb_clear)
            form.addRow(_("Thumbnail:"), thumb_row)
            self.playlist_edit = QLineEdit()
            self.playlist_edit.setPlaceholderText(_("Optional: the playlist's ID (PL…)"))
            self.playlist_edit.textEdited.connect(lambda _t: self._edited())
            form.addRow(_("Playlist:"), self.playlist_edit)
        self.thread_box: QVBoxLayout | None = None
        if key == "x":
            thread = QVBoxLayout()
            hint = QLabel(
                _(
                    "A thread: the text above is the first part; each part below is "
                    "published as a reply to the one before."
                )
            )
            hint.setWordWrap(True)
            hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
            thread.addWidget(hint)
            self.thread_box = QVBoxLayout()
            thread.addLayout(self.thread_box)
            self.add_part_button = QPushButton(_("Add a part"))
            self.add_part_button.clicked.connect(lambda: self.add_thread_part(""))
            thread.addWidget(self.add_part_button, 0, Qt.AlignmentFlag.AlignLeft)
            form.addRow(_("Thread:"), thread)

    # -- loading -----------------------------------------------------------------------
    def load(self, post_id: int | None) -> None:
        """Fill the fields from the stored variant (defaults when none)."""
        self._loading = True
        try:
            variant = None
            options = PostOptions()
            if post_id is not None:
                post = self.ctx.posts.get(post_id)
                variant = post.variant(self.network)
                options = self.ctx.posts.variant_options(post_id, self.network)
            own_text = variant is not None and variant.text is not None
            self.same_text.setChecked(not own_text)
            self.text_edit.setPlainText(variant.text if own_text and variant else self._main_text())
            own_link = variant is not None and variant.link is not None
            self.same_link.setChecked(not own_link)
            self.link_edit.setText(
                (variant.link or "") if own_link and variant else self._main_link()
            )
            self.own_media.setChecked(bool(variant and variant.own_media))
            for media in variant.media if variant else []:
                self._add_media_label(media)
            self._show_options(options)
        finally:
            self._loading = False
        self._refresh()

    def _show_options(self, options: PostOptions) -> None:
        if self.kind_combo is not None:
            index = self.kind_combo.findData(options.kind)
            self.kind_combo.setCurrentIndex(max(index, 0))
        if self.share_to_feed is not None:
            self.share_to_feed.setChecked(options.share_to_feed)
        if self.first_comment is not None:
            self.first_comment.setPlainText(options.first_comment)
        if self.title_edit is not None:
            self.title_edit.setText(options.title)
        if self.tags_edit is not None:
            self.tags_edit.setText(", ".join(options.tags))
        if self.category_combo is not None:
            index = self.category_combo.findData(options.category_id)
            if index < 0 and options.category_id:
                self.category_combo.addItem(options.category_id, options.category_id)
                index = self.category_combo.count() - 1
            self.category_combo.setCurrentIndex(max(index, 0))
        if self.privacy_combo is not None:
            index = self.privacy_combo.findData(options.privacy)
            self.privacy_combo.setCurrentIndex(max(index, 0))
        if self.kids_box is not None:
            self.kids_box.setChecked(options.made_for_kids)
        if self.playlist_edit is not None:
            self.playlist_edit.setText(options.playlist_id)
        self._thumbnail = options.thumbnail
        self._show_thumbnail()
        self._show_kind_rows()
        for part in list(self.thread_parts):
            self._drop_part(part)
        for text in options.thread:
            self.add_thread_part(text, save=False)

    # -- reading -----------------------------------------------------------------------
    def own_text(self) -> str | None:
        """The version's own text, or None while "Same as the main text" is ticked."""
        return None if self.same_text.isChecked() else self.text_edit.toPlainText()

    def effective_text(self) -> str:
        """The text this network gets."""
        own = self.own_text()
        return self._main_text() if own is None else own

    def options(self) -> PostOptions:
        """The network's choices as they are in the widgets."""
        base = PostOptions()
        values: dict[str, object] = {}
        if self.kind_combo is not None:
            values["kind"] = self.kind_combo.currentData() or "feed"
        if self.share_to_feed is not None:
            values["share_to_feed"] = self.share_to_feed.isChecked()
        if self.first_comment is not None:
            values["first_comment"] = self.first_comment.toPlainText().strip()
        if self.title_edit is not None:
            values["title"] = self.title_edit.text().strip()
        if self.tags_edit is not None:
            tags = [t.strip().lstrip("#") for t in self.tags_edit.text().split(",")]
            values["tags"] = tuple(t for t in tags if t)
        if self.category_combo is not None:
            values["category_id"] = self.category_combo.currentData() or ""
        if self.privacy_combo is not None:
            values["privacy"] = self.privacy_combo.currentData() or "public"
        if self.kids_box is not None:
            values["made_for_kids"] = self.kids_box.isChecked()
        if self.playlist_edit is not None:
            values["playlist_id"] = self.playlist_edit.text().strip()
        if self.thread_box is not None:
            values["thread"] = tuple(p.text() for p in self.thread_parts if p.text().strip())
        values["thumbnail"] = self._thumbnail
        return dataclasses.replace(base, **values)  # type: ignore[arg-type]

    # -- edits -------------------------------------------------------------------------
    def main_changed(self) -> None:
        """The composer's main text or link changed: mirror it while "Same as" is ticked."""
        self._loading = True
        try:
            if self.same_text.isChecked():
                self.text_edit.setPlainText(self._main_text())
            if self.same_link.isChecked():
                self.link_edit.setText(self._main_link())
        finally:
            self._loading = False
        self._refresh()

    def _kind_changed(self, _index: int) -> None:
        self._show_kind_rows()
        self._edited(at_once=True)

    def _show_kind_rows(self) -> None:
        """Rows that only mean something for some kinds: "also in the feed" for a reel,
        "no caption" for an Instagram story, a Facebook title for a video or reel."""
        kind = self.kind_combo.currentData() if self.kind_combo is not None else "feed"
        if self.share_to_feed is not None:
            self._form.setRowVisible(self.share_to_feed, kind == "reel")
        if self.story_note is not None:
            self._form.setRowVisible(self.story_note, kind == "story")
        if self.title_edit is not None and self.network == "facebook":
            self._form.setRowVisible(self.title_edit, kind in ("reel", "video"))

    def _on_same_text(self, same: bool) -> None:
        if same and not self._loading:
            self._loading = True
            self.text_edit.setPlainText(self._main_text())
            self._loading = False
        self._refresh()
        self._edited(at_once=True)

    def _on_same_link(self, same: bool) -> None:
        if same and not self._loading:
            self.link_edit.setText(self._main_link())
        self._refresh()
        self._edited(at_once=True)

    def _on_text(self) -> None:
        self._refresh()
        self._edited()

    def _on_own_media(self, _own: bool) -> None:
        self._refresh()
        self._edited(at_once=True)

    def _refresh(self) -> None:
        """Enable what "Same as" leaves editable; update the counters."""
        editable = not self._read_only
        same = self.same_text.isChecked()
        self.text_edit.setReadOnly(same or not editable)
        # The main text is edited above: no second copy of it here, only its count.
        self.text_edit.setVisible(not same)
        self.link_edit.setEnabled(not self.same_link.isChecked() and editable)
        own = self.own_media.isChecked()
        self.add_photos_button.setVisible(own)
        self.add_video_button.setVisible(own)
        self.add_photos_button.setEnabled(editable)
        self.add_video_button.setEnabled(editable)
        for widget in self.media_labels.values():
            widget.setVisible(own)
        _set_counter(self.counter, self.network, self.effective_text())
        self._update_cost()

    def _update_cost(self) -> None:
        """X only: the estimated price of the post and its thread parts (default prices;
        each X account can have its own, see ``pregonero x-cost``)."""
        if self.cost_label is None:
            return
        link = self._main_link() if self.same_link.isChecked() else self.link_edit.text()
        cost = estimate_post(
            self.effective_text(),
            link=link or None,
            thread=[p.text() for p in self.thread_parts if p.text().strip()],
        )
        self.cost_label.setText(
            ngettext(
                "Estimated X cost: {cost} ({n} post)",
                "Estimated X cost: {cost} ({n} posts)",
                cost.parts,
            ).format(cost=format_usd(cost.total), n=cost.parts)
        )

    def _edited(self, *, at_once: bool = False) -> None:
        if self._loading or self._read_only:
            return
        self._dirty = True
        if at_once:
            self.flush()
        else:
            self._timer.start()

    def flush(self) -> bool:
        """Save this version now. Returns False (and shows why) if it could not be."""
        self._timer.stop()
        if not self._dirty or self._read_only:
            return True
        self._dirty = False
        try:
            post_id = self._ensure_post()
            self.ctx.posts.save_variant(
                post_id,
                self.network,
                text=self.own_text(),
                link=None if self.same_link.isChecked() else self.link_edit.text(),
                own_media=self.own_media.isChecked(),
                options=self.options(),
            )
        except AppError as exc:
            self._dirty = True
            self._show_error([dialogs.describe_error(exc)])
            return False
        self._show_error([])
        self.changed.emit()
        return True

    def set_read_only(self, read_only: bool) -> None:
        """Lock every field (a post being published or already out)."""
        self._read_only = read_only
        self._timer.stop()
        for widget in self.findChildren(QWidget):
            if isinstance(widget, QLineEdit | QPlainTextEdit):
                widget.setReadOnly(read_only)
            elif isinstance(widget, QCheckBox | QComboBox | QPushButton | QToolButton):
                widget.setEnabled(not read_only)
        self._refresh()

    # -- thread parts ------------------------------------------------------------------
    def add_thread_part(self, text: str, *, save: bool = True) -> ThreadPart | None:
        """Add an X thread part after the others (saved at once)."""
        if self.thread_box is None:
            return None
        part = ThreadPart(self.network, len(self.thread_parts) + 2, text)
        part.edited.connect(self._edited)
        part.edited.connect(self._update_cost)
        part.removeClicked.connect(self.remove_thread_part)
        self.thread_parts.append(part)
        self.thread_box.addWidget(part)
        if save:
            part.edit.setFocus()
            self._edited(at_once=True)
        return part

    def remove_thread_part(self, part: ThreadPart) -> None:
        """Remove a thread part (saved at once)."""
        self._drop_part(part)
        self._edited(at_once=True)

    def _drop_part(self, part: ThreadPart) -> None:
        if part in self.thread_parts:
            self.thread_parts.remove(part)
        part.setParent(None)
        part.deleteLater()
        for number, other in enumerate(self.thread_parts, start=2):
            other.set_number(number)
        self._update_cost()

    # -- media -------------------------------------------------------------------------
    def _choose_photos(self) -> None:
        paths = dialogs.pick_images(self)
        if paths:
            self.add_media(paths)

    def _choose_video(self) -> None:
        path = dialogs.pick_open_file(
            self, _("Add video"), "", _("Videos (*.mp4 *.mov *.m4v)") + ";;" + _("All files (*)")
        )
        if path is not None:
            self.add_media([path])

    def add_media(self, paths: list[Path]) -> list[MediaFile]:
        """Attach files to this network's version only; problems are shown."""
        if self._read_only:
            return []
        errors: list[str] = []
        added: list[MediaFile] = []
        try:
            self.flush()
            post_id = self._ensure_post()
            if not self.own_media.isChecked():
                self.own_media.setChecked(True)
        except AppError as exc:
            self._show_error([dialogs.describe_error(exc)])
            return []
        for path in paths:
            try:
                media = self.ctx.posts.add_media(post_id, Path(path), network=self.network)
            except ValidationError as exc:
                errors.extend(dialogs.problem_lines(exc))
                continue
            except (AppError, OSError) as exc:
                errors.append(f"{Path(path).name}: {exc}")
                continue
            added.append(media)
            self._add_media_label(media)
        self._show_error(errors)
        self._refresh()
        if added:
            self.changed.emit()
        return added

    def _add_media_label(self, media: MediaFile) -> None:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        kind = _("Video") if media.mime.startswith("video/") else _("Photo")
        size = f" · {media.width} × {media.height}" if media.width and media.height else ""
        layout.addWidget(QLabel(f"{kind}: {media.original_name}{size}"), 1)
        remove = QToolButton()
        remove.setText(_("Remove"))
        remove.clicked.connect(lambda: self.remove_media(media.id))
        layout.addWidget(remove)
        self.media_labels[media.id] = row
        self.media_box.addWidget(row)

    def remove_media(self, media_id: int) -> None:
        """Detach one of this version's files (saved at once)."""
        try:
            self.ctx.posts.remove_media(self._ensure_post(), media_id)
        except AppError as exc:
            self._show_error([dialogs.describe_error(exc)])
            return
        row = self.media_labels.pop(media_id, None)
        if row is not None:
            row.setParent(None)
            row.deleteLater()
        self.changed.emit()

    def _choose_thumbnail(self) -> None:
        path = dialogs.pick_open_file(
            self,
            _("Choose the thumbnail"),
            "",
            _("Images (*.jpg *.jpeg *.png)") + ";;" + _("All files (*)"),
        )
        if path is not None:
            self.set_thumbnail(path)

    def set_thumbnail(self, path: Path | None) -> bool:
        """Use the image at ``path`` as the YouTube thumbnail (copied into Pregonero's
        folder when saved); None removes it. Returns False if it was refused."""
        previous = self._thumbnail
        self._thumbnail = path
        self._dirty = True
        if not self.flush():
            self._thumbnail = previous
            self._dirty = False
            return False
        post_id = self._ensure_post()
        self._thumbnail = self.ctx.posts.variant_options(post_id, self.network).thumbnail
        self._show_thumbnail()
        return True

    def _clear_thumbnail(self) -> None:
        self.set_thumbnail(None)

    def _show_thumbnail(self) -> None:
        if self.thumb_label is None:
            return
        if self._thumbnail is None:
            self.thumb_label.setText(_("YouTube chooses one"))
            self.thumb_label.setToolTip("")
        else:
            # The stored copy has a long hashed name: shortened, so it cannot widen the tab.
            name = self.thumb_label.fontMetrics().elidedText(
                self._thumbnail.name, Qt.TextElideMode.ElideMiddle, THUMB_NAME_PX
            )
            self.thumb_label.setText(name)
            self.thumb_label.setToolTip(str(self._thumbnail))

    def _show_error(self, lines: list[str]) -> None:
        self.last_error = "\n".join(lines)
        self.media_error.setText("\n".join(lines))
        self.media_error.setVisible(bool(lines))


class VariantsPanel(QTabWidget):
    """A tab per network the post goes to (see :class:`VariantEditor`)."""

    changed = Signal()

    def __init__(
        self,
        ctx: AppContext,
        ensure_post: Callable[[], int],
        main_text: Callable[[], str],
        main_link: Callable[[], str],
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self._ensure_post = ensure_post
        self._main_text = main_text
        self._main_link = main_link
        self.editors: dict[str, VariantEditor] = {}
        self._holders: dict[str, QScrollArea] = {}
        self._read_only = False
        self.setDocumentMode(True)

    def set_networks(self, networks: list[str], post_id: int | None) -> None:
        """Show a tab for each of ``networks`` (keys), in that order, keeping open ones."""
        for key in list(self.editors):
            if key not in networks:
                editor = self.editors.pop(key)
                editor.flush()
                holder = self._holders.pop(key)
                self.removeTab(self.indexOf(holder))
                holder.deleteLater()
        for position, key in enumerate(networks):
            if key not in self.editors:
                editor = VariantEditor(
                    self.ctx, key, self._ensure_post, self._main_text, self._main_link
                )
                editor.load(post_id)
                editor.changed.connect(self._on_changed)
                editor.changed.connect(self.changed)
                self.editors[key] = editor
                holder = QScrollArea()
                holder.setWidgetResizable(True)
                holder.setFrameShape(QFrame.Shape.NoFrame)
                holder.setWidget(editor)
                self._holders[key] = holder
                self.insertTab(position, holder, "")
                editor.set_read_only(self._read_only)
        self._titles()

    def _on_changed(self) -> None:
        self._titles()

    def _titles(self) -> None:
        for key, editor in self.editors.items():
            label = network_label(key)
            own = editor.own_text() is not None or editor.own_media.isChecked()
            index = self.indexOf(self._holders[key])
            self.setTabText(
                index, _("{network} (own version)").format(network=label) if own else label
            )
            self.setTabToolTip(index, _("What goes out on {network}").format(network=label))

    def show_network(self, network: str) -> None:
        """Bring ``network``'s tab to the front."""
        holder = self._holders.get(network)
        if holder is not None:
            self.setCurrentWidget(holder)

    def main_changed(self) -> None:
        """Mirror the main text/link into the tabs that use them."""
        for editor in self.editors.values():
            editor.main_changed()

    def has_own_text(self, network: str) -> bool:
        """True if ``network``'s tab has its own text."""
        editor = self.editors.get(network)
        return editor is not None and editor.own_text() is not None

    def flush(self) -> bool:
        """Save every tab now; False if one could not be saved (see :meth:`error`)."""
        return all([editor.flush() for editor in self.editors.values()])

    def error(self) -> str:
        """Why a tab could not be saved, naming its network ("" = every tab saved)."""
        for key, editor in self.editors.items():
            if editor._dirty and editor.last_error:
                return f"{network_label(key)}: {editor.last_error}"
        return ""

    def set_read_only(self, read_only: bool) -> None:
        """Lock every tab."""
        self._read_only = read_only
        for editor in self.editors.values():
            editor.set_read_only(read_only)
