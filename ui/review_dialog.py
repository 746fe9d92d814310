"""Review before scheduling: a checklist the user confirms before a post is queued.

Shows the time in words in the post's language ("mañana lunes 18 de enero a las
9:00"), the accounts, every check finding (an error needs a short reason to go ahead:
the reason is recorded and logged as an override) and a preview per network. The link
is also tried online in the background; its answer is shown, never waited for.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.checks import Finding
from app.context import AppContext
from app.errors import ValidationError
from app.i18n import _, current_language
from app.models import DeliveryState, Post
from app.networks.registry import network_class
from app.services.campaigns import rendered_outgoing
from app.services.checking import MIN_REASON_CHARS, CheckInput
from app.timewords import guess_language, time_in_words
from ui import style, tasks
from ui.previews import PostPreview

#: Finding codes only the online link check produces.
ONLINE_CODES = frozenset({"link_broken", "link_unreachable"})
#: Try links online in the background (the review screen and the composer). Tests turn it off.
ONLINE_CHECKS = True


def online_link_findings(inp: CheckInput) -> list[Finding]:
    """The online-only link findings of ``inp`` (blocking I/O: call it off the UI thread)."""
    return [f for f in inp.run(online=True) if f.code in ONLINE_CODES]


class FindingRow(QFrame):
    """One finding: icon, message and, for an error not yet overridden, a reason field."""

    def __init__(
        self,
        finding: Finding,
        *,
        needs_reason: bool,
        earlier: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.finding = finding
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        top = QHBoxLayout()
        icon = QLabel()
        which = (
            QStyle.StandardPixmap.SP_MessageBoxCritical
            if finding.is_error
            else QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        icon.setPixmap(self.style().standardIcon(which).pixmap(18, 18))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        top.addWidget(icon)
        message = QLabel(finding.message)
        message.setWordWrap(True)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top.addWidget(message, 1)
        layout.addLayout(top)
        self.reason_edit: QLineEdit | None = None
        if needs_reason:
            self.reason_edit = QLineEdit()
            self.reason_edit.setPlaceholderText(
                _("This is an error. To go ahead anyway, say why (it is logged).")
            )
            self.reason_edit.setAccessibleName(_("Reason to publish anyway"))
            layout.addWidget(self.reason_edit)
        elif earlier:
            note = QLabel(_("Published anyway before, because: {reason}").format(reason=earlier))
            note.setStyleSheet(f"color: {style.MUTED_COLOUR}")
            note.setWordWrap(True)
            layout.addWidget(note)

    def reason(self) -> str:
        """The reason typed (stripped), or "" without a reason field."""
        return self.reason_edit.text().strip() if self.reason_edit is not None else ""


class ReviewDialog(QDialog):
    """Review ``post`` going out at ``when`` (aware) before it is scheduled (or published now).

    After ``exec()`` returns Accepted, :meth:`overrides` holds {finding code: reason} to
    pass to :meth:`app.services.posts.PostService.schedule`.
    """

    def __init__(
        self,
        ctx: AppContext,
        post: Post,
        when: datetime,
        *,
        publish_now: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.post = post
        self.when = when
        self.publish_now = publish_now
        self.rows: list[FindingRow] = []
        self.setWindowTitle(_("Review before publishing") if publish_now else _("Review"))
        self.setWindowIcon(style.app_icon())
        self.resize(820, 760)
        self._input: CheckInput = ctx.posts.checks.input_for(post, when)
        earlier = {o.code: o.reason for o in ctx.posts.checks.overrides(post.id)}
        self.findings = self._input.run()
        self._build(earlier)
        self._update_confirm()
        self._check_links_online()

    # -- building ------------------------------------------------------------------
    def _build(self, earlier: dict[str, str]) -> None:
        outer = QVBoxLayout(self)
        outer.setSpacing(10)
        language = self.post.language or guess_language(self.post.text) or current_language()
        words = time_in_words(self.when, self.post.tz, self.ctx.clock.now(), language)
        goes = QLabel(_("Goes out now:") if self.publish_now else _("Goes out:"))
        goes.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        outer.addWidget(goes)
        self.time_label = QLabel(words)
        self.time_label.setObjectName("reviewTime")
        self.time_label.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.time_label.setWordWrap(True)
        outer.addWidget(self.time_label)
        zone_note = QLabel(
            _("Time zone: {zone}. Read it aloud: is it the day the text speaks of?").format(
                zone=self.post.tz
            )
        )
        zone_note.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        outer.addWidget(zone_note)
        self.targets_label = QLabel(_("Post to: {accounts}").format(accounts=self._targets()))
        self.targets_label.setWordWrap(True)
        outer.addWidget(self.targets_label)

        title = QLabel(_("Checks"))
        title.setStyleSheet("font-weight: bold;")
        outer.addWidget(title)
        self.checks_box = QVBoxLayout()
        self.checks_box.setSpacing(4)
        asked: set[str] = set()
        for finding in self.findings:
            needs = finding.is_error and finding.code not in earlier and finding.code not in asked
            if needs:
                asked.add(finding.code)
            self._add_row(finding, needs_reason=needs, earlier=earlier.get(finding.code, ""))
        self.ok_label = QLabel("✓ " + _("No problems found in the text, photos and link."))
        self.ok_label.setStyleSheet(f"color: {style.OK_COLOUR}")
        self.ok_label.setVisible(not self.findings)
        self.checks_box.addWidget(self.ok_label)
        self.link_label = QLabel()
        self.link_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        self.link_label.hide()
        self.checks_box.addWidget(self.link_label)
        checks = QWidget()
        checks.setLayout(self.checks_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(checks)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMaximumHeight(220)
        outer.addWidget(scroll)

        self.previews = QTabWidget()
        for network in self._input.networks or ("facebook",):
            out = rendered_outgoing(self.ctx.store, self.post, network)  # its own version
            preview = PostPreview(
                network,
                self._page_name(network),
                out.text,
                out.link,
                [str(m.path) for m in out.media if not m.is_video],
                options=out.options,
            )
            holder = QScrollArea()
            holder.setWidget(preview)
            holder.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            holder.setStyleSheet("QScrollArea { background: #f0f2f5; }")
            self.previews.addTab(holder, _network_label(network))
        outer.addWidget(self.previews, 1)

        buttons = QHBoxLayout()
        self.hint_label = QLabel()
        self.hint_label.setStyleSheet(f"color: {style.ERROR_COLOUR}")
        self.hint_label.setWordWrap(True)
        buttons.addWidget(self.hint_label, 1)
        self.back_button = QPushButton(_("Back to editing"))
        self.back_button.clicked.connect(self.reject)
        self.confirm_button = QPushButton(_("Publish now") if self.publish_now else _("Schedule"))
        self.confirm_button.setObjectName("primaryButton")
        self.confirm_button.clicked.connect(self.accept)
        for button in (self.back_button, self.confirm_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        outer.addLayout(buttons)

    def _add_row(self, finding: Finding, *, needs_reason: bool, earlier: str = "") -> None:
        row = FindingRow(finding, needs_reason=needs_reason, earlier=earlier)
        if row.reason_edit is not None:
            row.reason_edit.textChanged.connect(lambda _t: self._update_confirm())
        self.rows.append(row)
        self.checks_box.insertWidget(len(self.rows) - 1, row)

    def _targets(self) -> str:
        names = []
        for delivery in self.post.deliveries:
            if delivery.state == DeliveryState.CANCELLED:
                continue
            try:
                account = self.ctx.store.get_account(delivery.account_id)
            except KeyError:
                continue
            names.append(f"{account.name} ({_network_label(account.network)})")
        return ", ".join(names) or _("no account")

    def _page_name(self, network: str) -> str:
        for delivery in self.post.deliveries:
            try:
                account = self.ctx.store.get_account(delivery.account_id)
            except KeyError:
                continue
            if account.network == network:
                return account.display_name or account.name
        return "Pregonero"

    # -- state ---------------------------------------------------------------------
    def missing_reasons(self) -> list[Finding]:
        """Errors still waiting for a reason."""
        return [
            row.finding
            for row in self.rows
            if row.reason_edit is not None and len(row.reason()) < MIN_REASON_CHARS
        ]

    def overrides(self) -> dict[str, str]:
        """{finding code: reason} for every error the user chose to publish anyway."""
        return {row.finding.code: row.reason() for row in self.rows if row.reason_edit is not None}

    def _update_confirm(self) -> None:
        missing = self.missing_reasons()
        self.confirm_button.setEnabled(not missing)
        self.hint_label.setText(
            _("Correct the errors, or say why each one can go out anyway.") if missing else ""
        )

    def accept(self) -> None:  # noqa: D102 - Qt API: refuses while an error has no reason
        if self.missing_reasons():
            self._update_confirm()
            return
        super().accept()

    # -- the link, online ------------------------------------------------------------
    def _check_links_online(self) -> None:
        if not (self._input.link or "://" in self._input.text or "www." in self._input.text):
            return
        if not ONLINE_CHECKS:
            return
        self.link_label.setText(_("Checking that the link answers…"))
        self.link_label.show()
        inp = self._input
        tasks.run_in_background(
            lambda: online_link_findings(inp),
            self._on_links_checked,
            lambda _exc: self.link_label.setText(_("The link could not be checked.")),
        )

    def _on_links_checked(self, findings: list[Finding]) -> None:
        if not findings:
            # Links already refused offline (local, intranet, malformed) were not tried:
            # say nothing rather than a reassuring tick.
            if any(f.code.startswith("link") for f in self._input.run()):
                self.link_label.hide()
            else:
                self.link_label.setText("✓ " + _("The link answers."))
            return
        self.link_label.hide()
        self.ok_label.hide()
        for finding in findings:
            self._add_row(finding, needs_reason=False)


def _network_label(key: str) -> str:
    try:
        return network_class(key).label
    except ValidationError:
        return key
