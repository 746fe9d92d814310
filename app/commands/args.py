"""Argument helpers shared by the ``pregonero`` subcommands."""

from __future__ import annotations

import argparse
from typing import Any

from app.i18n import _


class MediaAction(argparse.Action):
    """Collects ``--media FILE`` and the ``--alt TEXT`` that follows it, in order.

    Leaves ``namespace.media`` as a list of ``[path, alt]`` pairs (alt "" when absent).
    """

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        items: list[list[str]] = getattr(namespace, "media", None) or []
        if option_string == "--media":
            items.append([str(values), ""])
        else:
            if not items:
                parser.error(_("--alt must follow the --media it describes"))
            if items[-1][1]:
                parser.error(_("each --media takes one --alt; this one already has it"))
            items[-1][1] = str(values)
        namespace.media = items
