"""Extra ``pregonero`` subcommands, one module each.

Each module listed in :data:`COMMAND_MODULES` defines
``add_parser(sub: argparse._SubParsersAction) -> None``, which adds its subparser and
sets ``handler=<function(args) -> int>`` with ``set_defaults``. The handler raises
AppError subclasses for refusals; app/cli.py prints them and returns 1.
"""

COMMAND_MODULES: list[str] = [
    "app.commands.maintenance",
    "app.checks.command",
    "app.commands.transfer",
    "app.commands.reschedule",
    "app.commands.handoff",
    "app.commands.xcost",
    "app.commands.inbox",
]
