"""Benchmark: import 10,000 rows with validation, beside a raw sqlite-utils insert.

Run by hand (not part of the test suite; nothing here asserts a time)::

    python bench/import_10k.py [--rows 10000] [--format hootsuite|pregonero]
                               [--as draft|scheduled]

It writes a generated file into a temporary folder (its own ``PREGONERO_HOME``), then times:

* read: parsing the file (:meth:`ImportService.read`);
* dry run: every check of :mod:`app.transfer.checker`, the careful-publishing checks
  included (and once more without them, to show their share);
* commit: media-less posts, deliveries and their record in one transaction;
* raw: ``sqlite_utils`` ``insert_all`` of the same rows into the ``posts`` table of an
  empty store (no checks, no deliveries, no record): the floor.

Prints a small table: step, seconds, rows per second.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = (
    "empleo formación curso plazo inscripción oficina orientación taller prácticas "
    "feria ayuda contrato jornada certificado solicitud programa comarca"
).split()


def generate(path: Path, rows: int, fmt: str) -> None:
    """A file of ``rows`` distinct future posts from 2030: 40 a day, 09:00 to 18:45."""
    rng = random.Random(9)
    start = datetime(2030, 1, 7, 9, 0)
    lines = ["when,text,link"] if fmt == "pregonero" else []
    for i in range(rows):
        when = start + timedelta(days=i // 40, minutes=15 * (i % 40))
        text = " ".join(rng.choice(WORDS) for _w in range(rng.randint(12, 40)))
        text = f"Aviso {i}: {text}. #Empleo"
        link = f"https://empleo.example.es/aviso/{i}" if i % 3 == 0 else ""
        if fmt == "pregonero":
            lines.append(f"{when:%Y-%m-%d %H:%M},{text},{link}")
        else:
            lines.append(f"{when:%d/%m/%Y %H:%M},{text},{link}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call."""
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def main() -> int:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=["hootsuite", "pregonero"], default="hootsuite")
    parser.add_argument("--as", dest="as_", choices=["draft", "scheduled"], default="scheduled")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pregonero-bench-"))
    os.environ["PREGONERO_HOME"] = str(work / "home")
    os.environ.setdefault("PREGONERO_LANG", "en")

    from app import i18n
    from app.context import AppContext
    from app.storage.db import open_db
    from app.transfer import ImportOptions, ImportService, careful
    from app.transfer.keys import import_key

    i18n.set_language()
    source_path = work / f"bench-{args.format}.csv"
    generate(source_path, args.rows, args.format)

    ctx = AppContext(work / "bench.sqlite3")
    now = datetime.now(UTC)
    account = ctx.store.add_account(
        network="facebook",
        name="Empleo",
        remote_id="111",
        display_name="Empleo",
        keyring_user="facebook:111",
        now=now,
    )
    service = ImportService.from_context(ctx)
    options = ImportOptions(
        account_ids=(account.id,),
        tz="Europe/Madrid",
        as_draft=args.as_ == "draft",
        fetch_media=False,
    )

    t_read, source = timed(lambda: service.read(source_path, args.format, date_order="dmy"))
    t_check, plan = timed(lambda: service.check(source, options))
    real_checks = careful.text_checks
    careful.text_checks = lambda *a, **k: []  # type: ignore[assignment]
    try:
        t_check_bare, _plan = timed(lambda: service.check(source, options))
    finally:
        careful.text_checks = real_checks  # type: ignore[assignment]
    t_commit, outcome = timed(lambda: service.commit(plan))
    assert len(outcome.post_ids) == args.rows, (len(outcome.post_ids), plan.counts())
    t_again, again = timed(lambda: service.check(service.read(source_path, args.format), options))
    assert again.counts()["skip"] == args.rows
    ctx.close()

    raw_db = open_db(work / "raw.sqlite3")
    stamp = now.isoformat(timespec="seconds")
    raw_rows = [
        {
            "text": r.text,
            "link": r.link,
            "tz": "Europe/Madrid",
            "due_at": r.local.replace(tzinfo=UTC).isoformat() if r.local else None,
            "created_at": stamp,
            "updated_at": stamp,
            "import_key": import_key(r, "Europe/Madrid", (1,)),
        }
        for r in source.rows
    ]
    t_raw, _none = timed(lambda: raw_db["posts"].insert_all(raw_rows, batch_size=1000))
    raw_db.conn.close()

    total = t_read + t_check + t_commit
    table = [
        ("read (parse the file)", t_read),
        ("dry run (all checks)", t_check),
        ("  dry run without app.checks", t_check_bare),
        ("commit (one transaction)", t_commit),
        ("import total: read + dry run + commit", total),
        ("re-import dry run (all rows skipped)", t_again),
        ("raw sqlite-utils insert_all (posts only)", t_raw),
    ]
    print(
        f"{args.rows} rows, format {args.format}, as {args.as_}; Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    print(f"{'step':<42} {'seconds':>8} {'rows/s':>9}")
    for name, seconds in table:
        print(f"{name:<42} {seconds:>8.2f} {args.rows / seconds:>9.0f}")
    print(f"import total / raw insert: {total / t_raw:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
