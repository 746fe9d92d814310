"""Undo and redo of moves: each applied :class:`MovePlan` becomes one QUndoCommand.

The move is applied before the command is pushed (so refusals are known first);
undo applies :meth:`RescheduleService.inverse`, redo :meth:`RescheduleService.again`.
What cannot be undone any more (a post published meanwhile, a time now in the past)
is reported through ``on_refused`` and left where it is.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from app.errors import AppError
from app.services.reschedule import MovePlan, RescheduleService

Report = Callable[[MovePlan], None]


class MoveCommand(QUndoCommand):
    """One applied move of posts (and maybe a key date) on the undo stack."""

    def __init__(self, service: RescheduleService, applied: MovePlan, on_refused: Report) -> None:
        super().__init__(applied.description)
        self.service = service
        self.applied = applied
        self.on_refused = on_refused
        self._first = True

    def redo(self) -> None:
        """Apply the move again (skipped the first time: it is already applied)."""
        if self._first:
            self._first = False
            return
        self._run(self.service.again(self.applied))

    def undo(self) -> None:
        """Put every moved post (and the key date) back where it was."""
        self._run(self.service.inverse(self.applied))

    def _run(self, plan: MovePlan) -> None:
        try:
            self.service.apply(plan)
        except AppError:
            self.on_refused(plan)
            return
        if plan.refused:
            self.on_refused(plan)


def apply_move(
    stack: QUndoStack, service: RescheduleService, plan: MovePlan, on_refused: Report
) -> MovePlan:
    """Apply ``plan`` now and push it on ``stack`` if it changed anything; returns it applied.

    Raises AppError (e.g. StorageError) if the database cannot be written.
    """
    applied = service.apply(plan)
    if applied.moves or applied.key_date is not None:
        stack.push(MoveCommand(service, applied, on_refused))
    return applied
