"""The dry-run table as plain text (the command line; the window shows RowResult itself)."""

from __future__ import annotations

from app.i18n import _
from app.transfer.model import Action, ImportPlan, RowResult, Severity

TEXT_WIDTH = 42


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_row(row: RowResult) -> list[str]:
    """The lines of one row: a summary line, then one indented line per reason."""
    when = f"{row.local_time} {row.weekday}".strip() or "-"
    action = _("skip") if row.action == Action.SKIP else ""
    media = ", ".join(row.media)
    line = (
        f"{row.row:>5}  {row.status.label:<8} {when:<27} "
        f"{_cut(row.preview, TEXT_WIDTH):<{TEXT_WIDTH}}  {_cut(media, 30)}"
    )
    lines = [line.rstrip() + (f"  [{action}]" if action else "")]
    for reason in row.reasons:
        mark = _("error") if reason.severity == Severity.ERROR else _("warning")
        lines.append(f"{'':>7}{mark}: {reason.message}")
    return lines


def render(plan: ImportPlan) -> str:
    """The whole table: header, rows, file notes and a summary line."""
    titles = _("Row"), _("Status"), _("When"), _("Text"), _("Media")
    header = "{:>5}  {:<8} {:<27} {:<{w}}  {}".format(*titles, w=TEXT_WIDTH)
    lines = [header.rstrip(), "-" * len(header.rstrip())]
    for row in plan.rows:
        lines.extend(render_row(row))
    for note in plan.notes:
        lines.append(_("Note: {note}").format(note=note))
    lines.append(summary(plan))
    return "\n".join(lines)


def summary(plan: ImportPlan) -> str:
    """``12 rows: 9 ok, 2 with warnings, 1 with errors; 10 to import, 1 skipped.``"""
    c = plan.counts()
    return _(
        "{rows} rows: {ok} ok, {warning} with warnings, {error} with errors; "
        "{create} to import, {skip} skipped."
    ).format(rows=len(plan.rows), **c)
