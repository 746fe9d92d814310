"""The composer's live check results: a list under the text, and the text underlined.

:class:`FindingsView` lists findings (error or warning icon, message); clicking one
selects its span in the text, "Apply suggestion" replaces the span with the finding's
suggestion. :func:`highlight` underlines every span in a text edit.

Spans from :mod:`app.checks` count Unicode code points; Qt counts UTF-16 units (an
emoji is two), so every position goes through :func:`qt_position`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.checks import Finding
from app.i18n import _, ngettext
from ui import style

ERROR_UNDERLINE = QColor(style.ERROR_COLOUR)
WARNING_UNDERLINE = QColor("#d97706")
#: Rows shown before the list scrolls.
VISIBLE_ROWS = 4


def qt_position(text: str, index: int) -> int:
    """The Qt (UTF-16) position of code-point offset ``index`` in ``text``."""
    return len(text[:index].encode("utf-16-le")) // 2


def _cursor(edit: QPlainTextEdit, text: str, span: tuple[int, int]) -> QTextCursor:
    start, end = span
    cursor = QTextCursor(edit.document())
    cursor.setPosition(qt_position(text, start))
    cursor.setPosition(qt_position(text, end), QTextCursor.MoveMode.KeepAnchor)
    return cursor


def highlight(edit: QPlainTextEdit, findings: Sequence[Finding]) -> list[QTextEdit.ExtraSelection]:
    """Underline each text finding's span in ``edit`` (wavy: red errors, amber warnings);
    returns the selections set."""
    text = edit.toPlainText()
    selections = []
    for finding in findings:
        if finding.span is None or finding.field != "text" or finding.span[1] > len(text):
            continue
        selection = QTextEdit.ExtraSelection()
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        colour = ERROR_UNDERLINE if finding.is_error else WARNING_UNDERLINE
        fmt.setUnderlineColor(colour)
        background = QColor(colour)
        background.setAlpha(28)
        fmt.setBackground(background)
        fmt.setToolTip(finding.message)
        selection.format = fmt
        selection.cursor = _cursor(edit, text, finding.span)
        selections.append(selection)
    edit.setExtraSelections(selections)
    return selections


def select_span(edit: QPlainTextEdit, finding: Finding) -> bool:
    """Select the finding's span in ``edit`` and focus it; False if it has no span."""
    text = edit.toPlainText()
    if finding.span is None or finding.field != "text" or finding.span[1] > len(text):
        return False
    edit.setTextCursor(_cursor(edit, text, finding.span))
    edit.setFocus()
    return True


def apply_suggestion(edit: QPlainTextEdit, finding: Finding) -> bool:
    """Replace the finding's span with its suggestion (one undo step); False if none."""
    text = edit.toPlainText()
    if not can_apply(finding) or finding.span is None or finding.span[1] > len(text):
        return False
    cursor = _cursor(edit, text, finding.span)
    cursor.insertText(finding.suggestion or "")
    edit.setTextCursor(cursor)
    return True


def can_apply(finding: Finding) -> bool:
    """True when the finding's suggestion is replacement text for a span of the text, or
    when it offers a fix for a media file (pad/crop, colour conversion)."""
    if finding.fix and finding.field.startswith("media:"):
        return True
    return finding.suggestion is not None and finding.span is not None and finding.field == "text"


class FindingsView(QWidget):
    """The list of findings with an "Apply suggestion" button.

    ``activated(finding)`` when a finding is clicked; ``applyRequested(finding)`` when
    its suggestion should be applied.
    """

    activated = Signal(object)
    applyRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings: list[Finding] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.list = QListWidget()
        self.list.setAccessibleName(_("Checks of the post"))
        self.list.setWordWrap(True)
        self.list.itemClicked.connect(self._on_clicked)
        self.list.currentRowChanged.connect(lambda _row: self._update_button())
        self.list.itemActivated.connect(self._on_clicked)
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.summary = QLabel()
        self.summary.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        row.addWidget(self.summary, 1)
        self.apply_button = QPushButton(_("Apply suggestion"))
        self.apply_button.setAutoDefault(False)
        self.apply_button.clicked.connect(self._on_apply)
        row.addWidget(self.apply_button)
        layout.addLayout(row)
        self.set_findings([])

    def set_findings(self, findings: Sequence[Finding]) -> None:
        """Show ``findings`` (errors first, as :func:`app.checks.run_checks` sorts them)."""
        current = self.current()
        self.findings = list(findings)
        self.list.clear()
        icons = {
            True: self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            False: self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
        }
        for finding in self.findings:
            item = QListWidgetItem(icons[finding.is_error], finding.message)
            tip = finding.message
            if finding.suggestion:
                tip += "\n" + _("Suggestion: {text}").format(text=finding.suggestion)
            item.setToolTip(tip)
            self.list.addItem(item)
            if current is not None and finding == current:
                self.list.setCurrentItem(item)
        errors = sum(1 for f in self.findings if f.is_error)
        warnings = len(self.findings) - errors
        self.summary.setText(
            ngettext("{n} error", "{n} errors", errors).format(n=errors)
            + ", "
            + ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings)
            if self.findings
            else "✓ " + _("No problems found")
        )
        self.list.setVisible(bool(self.findings))
        rows = min(len(self.findings), VISIBLE_ROWS)
        self.list.setFixedHeight(rows * (self.list.sizeHintForRow(0) + 2) + 6 if rows else 0)
        self._update_button()

    def current(self) -> Finding | None:
        """The selected finding, if any."""
        row = self.list.currentRow()
        return self.findings[row] if 0 <= row < len(self.findings) else None

    def _update_button(self) -> None:
        finding = self.current()
        self.apply_button.setVisible(any(can_apply(f) for f in self.findings))
        self.apply_button.setEnabled(finding is not None and can_apply(finding))
        media_fix = finding is not None and bool(finding.fix)
        self.apply_button.setText(_("Fix the photo…") if media_fix else _("Apply suggestion"))

    def _on_clicked(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if 0 <= row < len(self.findings):
            self.activated.emit(self.findings[row])
        self._update_button()

    def _on_apply(self) -> None:
        finding = self.current()
        if finding is not None and can_apply(finding):
            self.applyRequested.emit(finding)
