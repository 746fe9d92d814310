"""The one rule: only ui/ imports Qt; ui/ never talks HTTP or SQL."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / folder).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_core_and_scheduler_never_import_qt_or_ui() -> None:
    for folder in ("app", "schedulers"):
        for path, names in imported_modules(folder).items():
            assert not names & {"PySide6", "shiboken6", "ui"}, path


def test_ui_never_talks_http_or_sql() -> None:
    for path, names in imported_modules("ui").items():
        assert not names & {"requests", "sqlite3", "sqlite_utils", "urllib3"}, path
