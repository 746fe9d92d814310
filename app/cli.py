"""The ``pregonero`` command: the window with no arguments, or headless commands.

Commands (same store as the window)::

    pregonero account add facebook --name NAME --page-id ID   # token read from stdin
    pregonero account connect NETWORK [--code CODE_OR_URL] [--pick ...] [--name NAME]
    pregonero account list | account check NAME | account remove NAME
    pregonero account app PROVIDER --client-id ID [--secret-stdin]
    pregonero post add --text TEXT [--link URL] [--media FILE [--alt TEXT]]...
                       --account NAME [--account NAME]... --at "YYYY-MM-DD HH:MM"
                       [--tz ZONE] [--dst first|second] [--draft]
    pregonero post publish-now|unschedule|delete ID | post schedule ID --at "..."
    pregonero list [--json]
    pregonero run                                             # until SIGINT/SIGTERM

Exit status: 0 done, 1 refused (the reason is printed in the user's language), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import json
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.commands.args import MediaAction
from app.errors import AppError, ValidationError
from app.i18n import _, set_language
from app.models import DeliveryState
from app.timeutil import format_local, local_to_utc, parse_local, to_local, zone

if TYPE_CHECKING:
    from app.checks.model import Finding


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="pregonero",
        description=_("Schedule and publish posts to your own social-media accounts."),
    )
    sub = parser.add_subparsers(dest="command")

    account = sub.add_parser("account", help=_("connect, list or remove accounts"))
    acc_sub = account.add_subparsers(dest="account_command", required=True)
    add = acc_sub.add_parser("add", help=_("connect an account (the token is read from stdin)"))
    add.add_argument("network", choices=["facebook"])
    add.add_argument("--name", required=True, help=_("a short name to refer to the account"))
    add.add_argument("--page-id", required=True, help=_("the Facebook Page ID"))
    acc_sub.add_parser("list", help=_("list connected accounts"))
    remove = acc_sub.add_parser("remove", help=_("disconnect an account"))
    remove.add_argument("name")
    from app.commands.accounts import add_subparsers

    add_subparsers(acc_sub)

    post = sub.add_parser("post", help=_("create posts"))
    post_sub = post.add_subparsers(dest="post_command", required=True)
    padd = post_sub.add_parser("add", help=_("create and schedule a post; prints its id"))
    padd.add_argument("--text", required=True)
    padd.add_argument("--link", default=None)
    padd.add_argument("--media", action=MediaAction, help=_("an image file (repeatable)"))
    padd.add_argument("--alt", action=MediaAction, help=_("alt text of the preceding --media"))
    padd.add_argument(
        "--account", action="append", required=True, help=_("account name (repeatable)")
    )
    padd.add_argument(
        "--at", default=None, help=_('local time "YYYY-MM-DD HH:MM" (optional with --draft)')
    )
    padd.add_argument("--tz", default=None, help=_("IANA time zone, e.g. Europe/Madrid"))
    padd.add_argument(
        "--dst",
        choices=["first", "second"],
        default=None,
        help=_("which one, when the clocks go back and the time happens twice"),
    )
    padd.add_argument("--draft", action="store_true", help=_("save without scheduling"))
    padd.add_argument(
        "--override",
        action="append",
        default=[],
        metavar="CODE=REASON",
        help=_("schedule despite the check error CODE, for REASON (repeatable; logged)"),
    )

    for name, text in (
        ("publish-now", _("publish a post now (e.g. a missed or failed one)")),
        ("schedule", _("(re)schedule a post at a new time")),
        ("unschedule", _("take a post back to draft")),
        ("delete", _("delete a post that has not been published")),
    ):
        action = post_sub.add_parser(name, help=text)
        action.add_argument("post_id", type=int)
        if name == "schedule":
            action.add_argument("--at", required=True, help=_('local time "YYYY-MM-DD HH:MM"'))
            action.add_argument("--dst", choices=["first", "second"], default=None)
        if name in ("schedule", "publish-now"):
            action.add_argument(
                "--override",
                action="append",
                default=[],
                metavar="CODE=REASON",
                help=_("publish despite a check's error, giving the reason (repeatable)"),
            )

    lst = sub.add_parser("list", help=_("list posts and their deliveries"))
    lst.add_argument("--json", action="store_true")

    sub.add_parser("run", help=_("publish on schedule without the window, until stopped"))

    from app.commands import COMMAND_MODULES

    for name in COMMAND_MODULES:
        importlib.import_module(name).add_parser(sub)
    return parser


def _context() -> Any:
    from app.context import AppContext

    return AppContext()


def cmd_account(args: argparse.Namespace) -> int:
    """``pregonero account ...``"""
    from app.commands import accounts as account_commands

    ctx = _context()
    if args.account_command == "list":
        return account_commands.cmd_list(ctx)
    if args.account_command == "connect":
        return account_commands.cmd_connect(ctx, args)
    if args.account_command == "check":
        return account_commands.cmd_check(ctx, args.name)
    if args.account_command == "app":
        return account_commands.cmd_app(ctx, args)
    if args.account_command == "remove":
        ctx.accounts.remove(ctx.accounts.by_name(args.name))
        print(_("Account {name} disconnected.").format(name=args.name))
        return 0
    if sys.stdin.isatty():
        import getpass

        token = getpass.getpass(_("Paste the Page access token and press Enter: ")).strip()
    else:
        token = sys.stdin.readline().strip()
    account = ctx.accounts.connect(
        args.network, name=args.name, remote_id=args.page_id, token=token
    )
    if account.name != args.name:
        print(
            _("This Page was already connected as {name}; its token was updated.").format(
                name=account.name
            )
        )
        return 0
    print(
        _("Connected {name}: {page} (Page {id}).").format(
            name=account.name, page=account.display_name, id=account.remote_id
        )
    )
    return 0


def cmd_post_add(args: argparse.Namespace) -> int:
    """``pregonero post add ...``: prints the new post's id."""
    ctx = _context()
    tz = args.tz or ctx.settings.timezone
    zone(tz)
    fold = None if args.dst is None else (0 if args.dst == "first" else 1)
    if args.at is None and not args.draft:
        raise ValidationError(_("Say when with --at, or save it with --draft."), code="no_time")
    when = local_to_utc(parse_local(args.at), tz, fold) if args.at else None
    accounts = [ctx.accounts.by_name(name).id for name in args.account]
    media = [(Path(path).expanduser(), alt) for path, alt in (args.media or [])]
    post = ctx.posts.create_scheduled(
        text=args.text,
        link=args.link,
        media=media,
        account_ids=accounts,
        when=when,
        tz=tz,
        draft=args.draft,
        overrides=dict(item.partition("=")[::2] for item in args.override),
    )
    print(post.id)
    _print_warnings(ctx.posts.checks.findings(post))
    return 0


def _print_warnings(findings: list[Finding]) -> None:
    """Print each warning among ``findings`` to stderr as "Warning: …" (errors were
    already refused or overridden by the time a post is stored)."""
    for finding in findings:
        if not finding.is_error:
            print(_("Warning: {message}").format(message=finding.message), file=sys.stderr)


def cmd_post_action(args: argparse.Namespace) -> int:
    """``pregonero post publish-now|schedule|unschedule|delete ID``."""
    ctx = _context()
    post = ctx.posts.get(args.post_id)
    overrides = dict(item.partition("=")[::2] for item in getattr(args, "override", []))
    if args.post_command == "publish-now":
        ctx.posts.publish_now(post.id, overrides=overrides)
        print(_("Post {id} will go out as soon as Pregonero runs.").format(id=post.id))
    elif args.post_command == "schedule":
        fold = None if args.dst is None else (0 if args.dst == "first" else 1)
        when = local_to_utc(parse_local(args.at), post.tz, fold)
        ctx.posts.schedule(post.id, when, overrides=overrides)
        print(
            _("Post {id} scheduled for {time} ({tz}).").format(
                id=post.id, time=format_local(when, post.tz), tz=post.tz
            )
        )
    elif args.post_command == "unschedule":
        ctx.posts.unschedule(post.id)
        print(_("Post {id} is a draft again.").format(id=post.id))
    else:
        ctx.posts.delete(post.id)
        print(_("Post {id} deleted; its record is kept.").format(id=post.id))
    return 0


def _post_dict(ctx: Any, post: Any) -> dict[str, Any]:
    names = {a.id: a.name for a in ctx.accounts.list()}
    return {
        "id": post.id,
        "text": post.text,
        "link": post.link,
        "tz": post.tz,
        "due_at": post.due_at.isoformat() if post.due_at else None,
        "due_local": format_local(post.due_at, post.tz),
        "due_local_zone": to_local(post.due_at, post.tz).strftime("%Z") if post.due_at else "",
        "state": post.state.value,
        "media": [{"file": m.original_name, "alt": m.alt_text} for m in post.media],
        "deliveries": [
            {
                "id": d.id,
                "account": names.get(d.account_id, str(d.account_id)),
                "state": d.state.value,
                "due_at": d.due_at.isoformat() if d.due_at else None,
                "published_at": d.published_at.isoformat() if d.published_at else None,
                "remote_id": d.remote_id,
                "permalink": d.permalink,
                "attempts": d.attempts,
                "error": d.last_error,
            }
            for d in post.deliveries
            if d.state.value != "cancelled"
        ],
    }


def cmd_list(args: argparse.Namespace) -> int:
    """``pregonero list [--json]``"""
    ctx = _context()
    posts = [_post_dict(ctx, p) for p in ctx.posts.list()]
    if args.json:
        json.dump(posts, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not posts:
        print(_("No posts yet."))
    for post in posts:
        text = post["text"].replace("\n", " ")
        print(
            f"#{post['id']}  {post['due_local'] or '-':16} {post['due_local_zone']:5} "
            f"{post['tz']}  "
            f"{text[:60]}{'…' if len(text) > 60 else ''}"
        )
        for d in post["deliveries"]:
            line = f"      {d['account']:12} {DeliveryState(d['state']).label}"
            if d["permalink"]:
                line += f"  {d['permalink']}"
            if d["error"] and d["state"] != "published":
                line += f"  ({d['error']})"
            print(line)
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``pregonero run``: publish on schedule until SIGINT or SIGTERM."""
    from app.logsetup import setup_logging
    from schedulers.runner import Runner

    log_path = setup_logging(console=True)
    ctx = _context()
    from app.secrets import ensure_usable

    ensure_usable()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_a: stop.set())
    runner = Runner(ctx)
    runner.start()
    if runner.is_publisher:
        message = _("Pregonero is publishing on schedule. Stop with Ctrl+C. Log: {path}")
    else:
        message = _(
            "Another Pregonero (the window?) is publishing now; this one waits and takes over "
            "when it closes. Stop with Ctrl+C. Log: {path}"
        )
    print(message.format(path=log_path), file=sys.stderr, flush=True)
    stop.wait()
    runner.stop(wait=True)
    ctx.close()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``pregonero`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    set_language()
    if not argv or argv[0] in ("--screenshot", "--minimized"):
        # The composition root picks the front end; the core itself never imports Qt.
        return int(importlib.import_module("ui.main").main(argv))
    args = build_parser().parse_args(argv)
    handlers = {"account": cmd_account, "list": cmd_list, "run": cmd_run}
    try:
        if args.command == "post":
            return cmd_post_add(args) if args.post_command == "add" else cmd_post_action(args)
        if args.command in handlers:
            return handlers[args.command](args)
        if getattr(args, "handler", None) is not None:
            return int(args.handler(args))
        build_parser().print_help()
        return 2
    except ValidationError as exc:
        for problem in exc.problems:
            print(_("Error: {message}").format(message=problem.message), file=sys.stderr)
        if any(p.code == "time_repeated_by_dst" for p in exc.problems):
            print(_("Say which with --dst first or --dst second."), file=sys.stderr)
        codes = sorted({f.code for f in getattr(exc, "findings", [])})
        if codes:
            print(
                _("To schedule it anyway, add --override CODE=REASON for: {codes}").format(
                    codes=", ".join(codes)
                ),
                file=sys.stderr,
            )
        return 1
    except AppError as exc:
        print(_("Error: {message}").format(message=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. "pregonero list | head"
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
