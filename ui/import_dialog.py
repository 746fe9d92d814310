"""File → Import…: bring a plan in from Hootsuite, Buffer, Publer or Pregonero's own file.

The dialog only gathers choices and shows results; the work is
:class:`app.transfer.ImportService`. Every change of file or option re-runs the dry run
in the background (:mod:`ui.tasks`): the file is read, every row checked, and the
result shown as a table (one line per row of the file, with its status, local time and
weekday, text and reasons). Nothing is stored until **Import** is clicked, which is only
possible when no row has errors (or "Skip rows with errors" is ticked). The import runs
in the background too, in one transaction; the queue reloads through
``ctx.listeners.data_changed``.
"""

from __future__ import annotations

import csv
import html
import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import AppError, ValidationError
from app.i18n import N_, _, ngettext
from app.models import Account
from app.transfer import FORMATS, ImportOptions, ImportOutcome, ImportPlan, ImportService
from app.transfer.formats.common import looks_like_date
from app.transfer.model import DateOrder, RowResult, Severity, Status
from app.transfer.textio import decode, excel_sep_hint, read_bytes
from ui import dialogs, style, tasks
from ui.composer import zone_names
from ui.import_model import AMBIGUOUS, ImportPlanModel, is_ambiguous, when_text

log = logging.getLogger(__name__)

#: Delay (ms) after the last change of an option before the dry run runs again.
RECHECK_DELAY_MS = 250

FORMAT_LABELS: dict[str, str] = {
    "hootsuite": N_("Hootsuite (bulk composer CSV)"),
    "buffer": N_("Buffer (CSV)"),
    "publer": N_("Publer (12-column CSV)"),
    "pregonero": N_("Pregonero (CSV or JSON)"),
}
#: Formats whose numeric dates are read in the order the user chooses.
ORDERED_FORMATS = frozenset({"hootsuite", "publer"})
FILE_FILTER = N_("Plans (*.csv *.json *.txt);;All files (*)")
#: Problem codes that are about the dialog's choices, not about the file.
OPTION_CODES = frozenset({"unknown_zone", "unknown_account"})
#: Cells of a Publer row (a Hootsuite row has at most three).
PUBLER_COLUMNS = 12
#: Pregonero's own column names that no other format uses.
_OWN_COLUMNS = frozenset({"when", "local_time", "accounts", "tz", "media_1", "key_date", "ref"})


def guess_format(path: Path) -> str | None:
    """The import format ``path`` most likely has (see :data:`app.transfer.FORMATS`).

    ``.json`` is Pregonero's; otherwise the first line decides: Buffer's and Publer's
    headers, Pregonero's column names, or a date in the first cell without a header
    (Hootsuite, or Publer when the row has Publer's twelve cells). None when the file
    cannot be read or nothing matches.
    """
    if path.suffix.lower() == ".json":
        return "pregonero"
    try:
        text = decode(read_bytes(path)).text
    except ValidationError:
        return None
    text = text.lstrip("\ufeff").lstrip()
    if text[:1] in ("{", "["):
        return "pregonero"
    hint, body = excel_sep_hint(text)
    first = next((line for line in body.splitlines() if line.strip()), "")
    if "date - intl" in first.lower():
        return "publer"
    delimiters = (hint,) if hint else (",", ";", "\t")
    cells = max(
        (next(csv.reader([first], delimiter=d), []) for d in delimiters), key=len, default=[]
    )
    names = {" ".join(c.strip().lower().split()) for c in cells}
    if "text" in names and names & {"posting time", "image url"}:
        return "buffer"
    if names & _OWN_COLUMNS or ("text" in names and "link" in names):
        return "pregonero"
    if cells and looks_like_date(cells[0].strip()):
        return "publer" if len(cells) >= PUBLER_COLUMNS else "hootsuite"
    return None


def format_label(fmt: str) -> str:
    """The format's name as the dialog shows it."""
    return _(FORMAT_LABELS.get(fmt, fmt))


def counts_text(plan: ImportPlan, skip_errors: bool) -> str:
    """One sentence: how many rows, by status, and what Import would do."""
    counts = plan.counts()
    total = len(plan.rows)
    head = ngettext("{n} row", "{n} rows", total).format(n=total)
    parts = [
        _("{n} ok").format(n=counts["ok"]),
        ngettext("{n} with a warning", "{n} with warnings", counts["warning"]).format(
            n=counts["warning"]
        ),
        ngettext("{n} with an error", "{n} with errors", counts["error"]).format(n=counts["error"]),
    ]
    text = f"{head}: " + ", ".join(parts) + "."
    if counts["error"] and not skip_errors:
        return text + " " + _("Nothing can be imported until the errors are corrected.")
    will = ngettext(
        "{n} post will be created", "{n} posts will be created", counts["create"]
    ).format(n=counts["create"])
    if counts["skip"]:
        will += ", " + ngettext(
            "{n} row skipped (duplicate or imported before)",
            "{n} rows skipped (duplicates or imported before)",
            counts["skip"],
        ).format(n=counts["skip"])
    if counts["error"]:
        will += ", " + ngettext(
            "{n} row with errors left out", "{n} rows with errors left out", counts["error"]
        ).format(n=counts["error"])
    return text + " " + will + "."


def outcome_text(outcome: ImportOutcome) -> str:
    """What an import stored, in one or two sentences."""
    n = len(outcome.post_ids)
    if outcome.scheduled:
        text = ngettext(
            "Imported {n} post as scheduled.", "Imported {n} posts as scheduled.", n
        ).format(n=n)
    else:
        text = ngettext("Imported {n} post as a draft.", "Imported {n} posts as drafts.", n).format(
            n=n
        )
    if outcome.skipped:
        text += " " + ngettext(
            "{n} row was skipped (duplicate or imported before).",
            "{n} rows were skipped (duplicates or imported before).",
            outcome.skipped,
        ).format(n=outcome.skipped)
    if outcome.refused:
        text += " " + ngettext(
            "{n} row with errors was not imported.",
            "{n} rows with errors were not imported.",
            outcome.refused,
        ).format(n=outcome.refused)
    return text


def _banner(label: QLabel, kind: str) -> None:
    colours = {
        "error": ("#fef2f2", "#fca5a5", "#991b1b"),
        "warning": ("#fffbeb", "#fcd34d", "#92400e"),
        "ok": ("#f0fdf4", "#86efac", "#166534"),
    }
    background, border, text = colours[kind]
    label.setStyleSheet(
        f"QLabel {{ background: {background}; border: 1px solid {border}; "
        f"border-radius: 4px; color: {text}; padding: 6px 8px; }}"
    )


class ImportDialog(QDialog):
    """Choose a file and how to read it, see the dry run, then import it.

    ``service`` defaults to :meth:`ImportService.from_context` (tests pass one with a
    stand-in downloader). ``imported(outcome)`` is emitted after a successful import.
    """

    imported = Signal(object)

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        service: ImportService | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.service = service or ImportService.from_context(ctx)
        self.path: Path | None = None
        self.plan: ImportPlan | None = None
        self.checking = False
        self.committing = False
        self._generation = 0
        self._closed = False
        self.setWindowTitle(_("Import posts"))
        self.setWindowIcon(style.app_icon())
        self.resize(1080, 720)
        self.setMinimumSize(820, 560)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(RECHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_options())
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.RichText)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()
        layout.addWidget(self.message_label)
        self.ambiguity_label = QLabel()
        self.ambiguity_label.setTextFormat(Qt.TextFormat.RichText)
        self.ambiguity_label.setWordWrap(True)
        _banner(self.ambiguity_label, "warning")
        self.ambiguity_label.hide()
        layout.addWidget(self.ambiguity_label)
        self.counts_label = QLabel(_("Choose a file to see what would be imported."))
        self.counts_label.setWordWrap(True)
        layout.addWidget(self.counts_label)
        layout.addWidget(self._build_table(), 1)
        self.details = QTextBrowser()
        self.details.setMaximumHeight(110)
        self.details.setOpenLinks(False)
        layout.addWidget(self.details)
        layout.addLayout(self._build_buttons())
        self._on_format_changed()
        self._update_buttons()
        self._show_details(None)

    # -- building ----------------------------------------------------------------------
    def _build_options(self) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        left = QFormLayout()
        right = QFormLayout()
        for form in (left, right):
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_("No file chosen"))
        self.choose_button = QPushButton(_("Choose…"))
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        left.addRow(_("File:"), file_row)

        self.format_combo = QComboBox()
        for fmt in FORMATS:
            self.format_combo.addItem(format_label(fmt), fmt)
        self.format_combo.currentIndexChanged.connect(self._on_format_changed)
        self.format_hint = QLabel()
        self.format_hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        format_box = QVBoxLayout()
        format_box.setSpacing(2)
        format_box.addWidget(self.format_combo)
        format_box.addWidget(self.format_hint)
        left.addRow(_("Format:"), format_box)

        self.order_combo = QComboBox()
        self.order_combo.addItem(_("Day first (31/12/2027)"), "dmy")
        self.order_combo.addItem(_("Month first (12/31/2027)"), "mdy")
        self.order_combo.currentIndexChanged.connect(self.schedule_check)
        self.order_hint = QLabel()
        self.order_hint.setWordWrap(True)
        self.order_hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        left.addRow(_("Date order:"), self.order_combo)

        self.account_boxes: dict[int, QCheckBox] = {}
        accounts_widget = QWidget()
        accounts_layout = QGridLayout(accounts_widget)
        accounts_layout.setContentsMargins(0, 0, 0, 0)
        accounts = self._accounts()
        for i, account in enumerate(accounts):
            box = QCheckBox(account.name)
            if account.status != "ok":
                box.setToolTip(_("This account needs to be connected again."))
            box.setChecked(len(accounts) == 1)
            box.toggled.connect(self.schedule_check)
            self.account_boxes[account.id] = box
            accounts_layout.addWidget(box, i // 3, i % 3)
        if not accounts:
            accounts_layout.addWidget(
                QLabel(_("No accounts yet: connect a Facebook Page first (Accounts menu)."))
            )
        right.addRow(_("Post to:"), accounts_widget)

        self.zone_combo = QComboBox()
        self.zone_combo.setEditable(True)
        self.zone_combo.addItems(zone_names())
        self.zone_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(zone_names(), self.zone_combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.zone_combo.setCompleter(completer)
        self.zone_combo.setCurrentText(self.ctx.settings.timezone)
        self.zone_combo.currentTextChanged.connect(self.schedule_check)
        self.zone_combo.setToolTip(_("The time zone the file's times are meant in."))
        right.addRow(_("Time zone:"), self.zone_combo)

        self.draft_radio = QRadioButton(_("Drafts (you schedule them later)"))
        self.scheduled_radio = QRadioButton(_("Scheduled (published at their time)"))
        self.draft_radio.setChecked(True)
        self._land_group = QButtonGroup(self)
        self._land_group.addButton(self.draft_radio)
        self._land_group.addButton(self.scheduled_radio)
        self.draft_radio.toggled.connect(self.schedule_check)
        land_row = QHBoxLayout()
        land_row.addWidget(self.draft_radio)
        land_row.addWidget(self.scheduled_radio)
        land_row.addStretch(1)
        right.addRow(_("Save as:"), land_row)

        self.dst_combo = QComboBox()
        self.dst_combo.addItem(_("Refuse a time that happens twice"), None)
        self.dst_combo.addItem(_("Use the first (summer time)"), 0)
        self.dst_combo.addItem(_("Use the second (winter time)"), 1)
        self.dst_combo.currentIndexChanged.connect(self.schedule_check)
        self.dst_combo.setToolTip(
            _("When the clocks go back, times between 02:00 and 03:00 happen twice.")
        )
        right.addRow(_("When clocks go back:"), self.dst_combo)

        self.fetch_box = QCheckBox(_("Download photos given by web address to check them"))
        self.fetch_box.setChecked(True)
        self.fetch_box.toggled.connect(self.schedule_check)
        right.addRow("", self.fetch_box)

        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.addWidget(self.order_hint, 1, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        return grid

    def _build_table(self) -> QTableView:
        self.model = ImportPlanModel(self)
        table = QTableView()
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(28)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for col, width in (
            (ImportPlanModel.ROW, 50),
            (ImportPlanModel.STATUS, 150),
            (ImportPlanModel.TIME, 240),
            (ImportPlanModel.TEXT, 300),
        ):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            table.setColumnWidth(col, width)
        header.setSectionResizeMode(ImportPlanModel.REASONS, QHeaderView.ResizeMode.Stretch)
        table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self._show_details(self.model.result_at(current.row()))
        )
        self.table = table
        return table

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.skip_box = QCheckBox(_("Skip rows with errors"))
        self.skip_box.setToolTip(_("Import the good rows and leave out the rows with errors."))
        self.skip_box.toggled.connect(lambda _on: self._after_plan_change())
        self.busy_label = QLabel()
        self.busy_label.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        self.check_button = QPushButton(_("Check again"))
        self.check_button.setToolTip(_("Read the file again and check every row"))
        self.check_button.clicked.connect(self.check)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setObjectName("primaryButton")
        self.import_button.clicked.connect(self.start_import)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        row.addWidget(self.skip_box)
        row.addSpacing(12)
        row.addWidget(self.busy_label, 1)
        row.addWidget(self.check_button)
        row.addWidget(self.import_button)
        row.addWidget(self.close_button)
        return row

    def _accounts(self) -> list[Account]:
        try:
            return self.ctx.accounts.list()
        except AppError as exc:
            log.warning("cannot list accounts: %s", exc)
            return []

    # -- choices -----------------------------------------------------------------------
    def choose_file(self) -> None:
        """Ask for the file to import (through :mod:`ui.dialogs`), then check it."""
        start = str(self.path.parent) if self.path else str(Path.home())
        path = dialogs.pick_open_file(self, _("Import posts"), start, _(FILE_FILTER))
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path) -> None:
        """Use ``path``: guess its format (the user can change it) and check it."""
        self.path = path
        self.path_edit.setText(str(path))
        self.path_edit.setToolTip(str(path))
        guessed = guess_format(path)
        if guessed is not None:
            self.format_combo.blockSignals(True)
            self.format_combo.setCurrentIndex(self.format_combo.findData(guessed))
            self.format_combo.blockSignals(False)
            self.format_hint.setText(_("Recognised from the file; change it if it is wrong."))
        else:
            self.format_hint.setText(_("Could not tell the format from the file: choose it."))
        self._on_format_changed()
        self.check()

    def set_format(self, fmt: str) -> None:
        """Choose the import format (one of :data:`app.transfer.FORMATS`)."""
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt))

    def set_date_order(self, order: DateOrder) -> None:
        """Choose how numeric dates are read: ``dmy`` (day first) or ``mdy``."""
        self.order_combo.setCurrentIndex(self.order_combo.findData(order))

    def set_accounts(self, account_ids: list[int]) -> None:
        """Tick exactly the accounts ``account_ids``."""
        for account_id, box in self.account_boxes.items():
            box.setChecked(account_id in account_ids)

    def format(self) -> str:
        """The chosen import format."""
        return str(self.format_combo.currentData())

    def date_order(self) -> DateOrder:
        """The chosen date order (``dmy`` or ``mdy``)."""
        return "mdy" if self.order_combo.currentData() == "mdy" else "dmy"

    def options(self) -> ImportOptions:
        """The import options as chosen in the dialog."""
        return ImportOptions(
            account_ids=tuple(i for i, box in self.account_boxes.items() if box.isChecked()),
            tz=self.zone_combo.currentText().strip(),
            as_draft=self.draft_radio.isChecked(),
            dst_fold=self.dst_combo.currentData(),
            fetch_media=self.fetch_box.isChecked(),
        )

    def _on_format_changed(self) -> None:
        fmt = self.format()
        ordered = fmt in ORDERED_FORMATS
        self.order_combo.setEnabled(ordered)
        if ordered:
            self.order_hint.setText(
                _(
                    "The file does not say whether 05/12/2027 is 5 December or 12 May: every "
                    "date that reads both ways is marked in the table with its weekday, so you "
                    "can confirm the date order."
                )
            )
        elif fmt == "buffer":
            self.order_hint.setText(_("Buffer files always put the month first (US dates)."))
        else:
            self.order_hint.setText(_("Pregonero files use YYYY-MM-DD dates."))
        self.schedule_check()

    # -- the dry run -------------------------------------------------------------------
    def schedule_check(self) -> None:
        """Check again shortly (changes made in a burst cause one check)."""
        if self.path is not None and not self.committing:
            self._timer.start()

    def check(self) -> None:
        """Read and check the file in the background; the table shows the result."""
        self._timer.stop()
        if self.path is None or self.committing:
            return
        self._generation += 1
        generation = self._generation
        path, fmt, order, options = self.path, self.format(), self.date_order(), self.options()
        service = self.service
        self.checking = True
        self.busy_label.setText(_("Checking the file…"))
        self._update_buttons()

        def work() -> ImportPlan:
            return service.check(service.read(path, fmt, date_order=order), options)

        tasks.run_in_background(
            work,
            lambda plan: self._on_checked(generation, plan),
            lambda exc: self._on_check_failed(generation, exc),
        )

    def _on_checked(self, generation: int, plan: ImportPlan) -> None:
        if self._closed or generation != self._generation:
            return
        self.checking = False
        self.busy_label.setText("")
        self.plan = plan
        self.model.set_plan(plan)
        self._show_messages(plan)
        self._after_plan_change()
        first_problem = next(
            (i for i, r in enumerate(plan.rows) if r.status != Status.OK), 0 if plan.rows else -1
        )
        if first_problem >= 0:
            self.table.selectRow(first_problem)
        else:
            self._show_details(None)

    def _on_check_failed(self, generation: int, exc: BaseException) -> None:
        if self._closed or generation != self._generation:
            return
        self.checking = False
        self.busy_label.setText("")
        self.plan = None
        self.model.set_plan(None)
        self.ambiguity_label.hide()
        lines = (
            dialogs.problem_lines(exc)
            if isinstance(exc, ValidationError)
            else [dialogs.describe_error(exc)]
        )
        codes = {p.code for p in exc.problems} if isinstance(exc, ValidationError) else set()
        if codes & OPTION_CODES:
            intro = _("Check the choices above; nothing was stored.")
            hint = _("Choose a time zone from the list, for example Europe/Madrid.")
        else:
            intro = _("This file cannot be imported as {format}; nothing was stored.").format(
                format=format_label(self.format())
            )
            hint = _("Check the file, or choose another format.")
        self._message("error", intro, lines + [hint])
        self.counts_label.setText("")
        self._show_details(None)
        self._update_buttons()

    def _message(self, kind: str, intro: str, lines: list[str] | None = None) -> None:
        body = html.escape(intro)
        if lines:
            body = f"<b>{body}</b>" + "".join(f"<br>• {html.escape(line)}" for line in lines)
        self.message_label.setText(body)
        _banner(self.message_label, kind)
        self.message_label.show()

    def _show_messages(self, plan: ImportPlan) -> None:
        notes = list(plan.notes)
        if not plan.rows:
            notes.insert(0, _("The file has no rows to import."))
        if not plan.options.account_ids and any(r.source.accounts == [] for r in plan.rows):
            notes.insert(0, _("Choose at least one account to post to."))
        if notes:
            self._message("warning", _("About this file:"), notes)
        else:
            self.message_label.hide()
        ambiguous = [r for r in plan.rows if is_ambiguous(r)]
        if ambiguous:
            order = self.order_combo.currentText()
            listed = [
                _("Row {row}: {when}").format(row=r.row, when=when_text(r)) for r in ambiguous[:8]
            ]
            if len(ambiguous) > 8:
                listed.append(
                    ngettext("…and {n} more.", "…and {n} more.", len(ambiguous) - 8).format(
                        n=len(ambiguous) - 8
                    )
                )
            head = ngettext(
                "{n} date reads two ways. It is read as “{order}”: check its weekday.",
                "{n} dates read two ways. They are read as “{order}”: check their weekdays.",
                len(ambiguous),
            ).format(n=len(ambiguous), order=order)
            self.ambiguity_label.setText(
                f"<b>{html.escape(head)}</b><br>" + html.escape("  ·  ".join(listed))
            )
            self.ambiguity_label.show()
        else:
            self.ambiguity_label.hide()

    def _after_plan_change(self) -> None:
        if self.plan is not None:
            self.counts_label.setText(counts_text(self.plan, self.skip_box.isChecked()))
        self._update_buttons()

    def can_import(self) -> bool:
        """True when Import would store something: a fresh plan with rows to create and
        no errors (or errors skipped)."""
        if self.plan is None or self.checking or self.committing:
            return False
        counts = self.plan.counts()
        if counts["error"] and not self.skip_box.isChecked():
            return False
        return counts["create"] > 0

    def _update_buttons(self) -> None:
        plan = self.plan
        errors = plan.counts()["error"] if plan is not None else 0
        self.skip_box.setEnabled(bool(errors) and not self.committing)
        self.import_button.setEnabled(self.can_import())
        create = plan.counts()["create"] if plan is not None else 0
        if plan is not None and create and (not errors or self.skip_box.isChecked()):
            self.import_button.setText(
                ngettext("Import {n} post", "Import {n} posts", create).format(n=create)
            )
        else:
            self.import_button.setText(_("Import"))
        if plan is not None and errors and not self.skip_box.isChecked():
            tip = _("Some rows have errors: correct the file, or tick “Skip rows with errors”.")
        elif plan is not None and not create:
            tip = _("There is nothing new to import.")
        else:
            tip = _("Store the rows shown, all at once")
        self.import_button.setToolTip(tip)
        self.check_button.setEnabled(self.path is not None and not self.committing)
        for widget in (self.choose_button, self.format_combo, self.zone_combo):
            widget.setEnabled(not self.committing)
        self.order_combo.setEnabled(not self.committing and self.format() in ORDERED_FORMATS)

    def _show_details(self, row: RowResult | None) -> None:
        muted = style.MUTED_COLOUR
        if row is None:
            hint = _("Select a row to see its whole text and every reason.")
            self.details.setHtml(f"<p style='color:{muted}'>{html.escape(hint)}</p>")
            return
        esc = html.escape
        head = _("Row {row}").format(row=row.row)
        when = when_text(row)
        parts = [f"<b>{esc(head)}</b> · {esc(when)} · {esc(row.status.label)}"]
        no_text = _("No text")
        parts.append(esc(row.source.text).replace("\n", "<br>") or f"<i>{esc(no_text)}</i>")
        if row.source.link:
            parts.append(esc(_("Link: {url}").format(url=row.source.link)))
        for reason in row.reasons:
            colour = style.ERROR_COLOUR if reason.severity == Severity.ERROR else "#92400e"
            weight = "bold" if reason.code == AMBIGUOUS else "normal"
            parts.append(
                f"<span style='color:{colour}; font-weight:{weight}'>• {esc(reason.message)}</span>"
            )
        self.details.setHtml("<br>".join(parts))

    # -- importing ---------------------------------------------------------------------
    def start_import(self) -> None:
        """Store the checked rows in the background, all or nothing."""
        plan = self.plan
        if plan is None or not self.can_import():
            return
        skip = self.skip_box.isChecked()
        self.committing = True
        self.busy_label.setText(_("Importing…"))
        self._update_buttons()
        service = self.service
        tasks.run_in_background(
            lambda: service.commit(plan, skip_errors=skip), self._on_imported, self._on_failed
        )

    def _on_imported(self, outcome: ImportOutcome) -> None:
        if self._closed:
            return
        self.committing = False
        self.busy_label.setText("")
        self.plan = None  # used: a second click must not try again
        self._message("ok", outcome_text(outcome))
        self.counts_label.setText(
            _("The queue shows the imported posts. Close this window, or choose another file.")
        )
        self._update_buttons()
        self.close_button.setDefault(True)
        self.close_button.setFocus()
        self.imported.emit(outcome)

    def _on_failed(self, exc: BaseException) -> None:
        if self._closed:
            return
        self.committing = False
        self.busy_label.setText("")
        if isinstance(exc, ValidationError):
            dialogs.show_problems(
                self, _("Import posts"), _("Nothing was imported:"), dialogs.problem_lines(exc)
            )
        else:
            dialogs.show_error(self, _("Import posts"), dialogs.describe_error(exc))
        self.check()  # what changed (the clock, another import) shows in the table

    # -- closing -----------------------------------------------------------------------
    def done(self, result: int) -> None:
        """Close, except while an import is being stored."""
        if self.committing:
            self.busy_label.setText(_("Wait until the import finishes."))
            return
        self._closed = True
        self._timer.stop()
        super().done(result)


__all__ = ["ImportDialog", "counts_text", "guess_format", "outcome_text"]
