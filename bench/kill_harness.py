"""Crash harness: SIGKILL ``pregonero run`` at random moments and count lost and doubled posts.

Run by hand (figures go in README)::

    python bench/kill_harness.py --posts 100 --accounts 3 --kills 100 --seed 1

It starts the fake Graph API (tests/fakes/graph.py) in its own process with one
Page per account, schedules ``--posts`` posts (some with a photo) spread over the
next seconds through the services, then repeatedly starts ``pregonero run`` and
kills it with SIGKILL after a random delay, while the fake injects faults
(answer lost after the post was created, connection dropped before it was read).
Finally it lets one run finish and reports: posts published once, lost (never
published and not shown to the user as failed or missed), published twice,
still unconfirmed. Exit status 1 if any post was lost or doubled.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT.parent / "shared" / "samples" / "media" / "carrusel-1-1080x1080.jpg"


def _control(url: str, action: str, payload: dict[str, Any] | None = None) -> Any:
    data = None if payload is None else json.dumps(payload).encode()
    req = urllib.request.Request(
        f"{url}/__fake__/{action}",
        data=data,
        method="GET" if data is None else "POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.loads(resp.read() or b"null")


def run(
    posts: int, accounts: int, kills: int, seed: int, spread: float, quiet: bool = False
) -> dict[str, int]:
    """Run the harness; returns the counts (see module docstring)."""
    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="pregonero-harness-"))
    env = dict(os.environ)
    env.update(
        {
            "PREGONERO_HOME": str(tmp / "home"),
            "PREGONERO_LANG": "en",
            "PYTHON_KEYRING_BACKEND": "tests.support.memkeyring.FileKeyring",
            "PREGONERO_TEST_KEYRING": str(tmp / "keyring.json"),
            "PYTHONPATH": str(ROOT),
            "QT_QPA_PLATFORM": "offscreen",
        }
    )
    pages = {f"{2000 + i}": f"TOKEN-{i}" for i in range(accounts)}
    fake = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.graph",
            "--pages",
            *[f"{p}:{t}:Page {p}" for p, t in pages.items()],
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    url = fake.stdout.readline().strip()
    env["PREGONERO_FACEBOOK_API"] = url
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from app.context import AppContext

    ctx = AppContext()
    ids = [
        ctx.accounts.connect("facebook", name=f"acc{p}", remote_id=p, token=t).id
        for p, t in pages.items()
    ]
    start = datetime.now(UTC) + timedelta(seconds=3)
    expected: dict[str, set[str]] = {p: set() for p in pages}
    for i in range(posts):
        account_ids = rng.sample(ids, rng.randint(1, len(ids)))
        text = f"Aviso {i}: harness {seed}-{i}"
        media = [(PHOTO, f"alt {i}")] if i % 4 == 0 else []
        ctx.posts.create_scheduled(
            text=text,
            link=None,
            media=media,
            account_ids=account_ids,
            when=start + timedelta(seconds=spread * i / posts),
            tz="Europe/Madrid",
        )
        for account_id in account_ids:
            expected[ctx.store.get_account(account_id).remote_id].add(text)
    ctx.close()

    def start_run() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "app", "run"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    for k in range(kills):
        fault = rng.choice(["none", "drop_after_create", "drop"])
        if fault != "none":
            _control(url, fault, {"path": r"/(feed|photos)$", "times": 1})
        proc = start_run()
        time.sleep(rng.uniform(0.2, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if not quiet:
            print(f"kill {k + 1}/{kills} ({fault})", file=sys.stderr)
    final = start_run()
    deadline = time.monotonic() + max(60.0, spread * 2)
    ctx = AppContext()
    try:
        while time.monotonic() < deadline:
            states = Counter(d.state.value for p in ctx.posts.list() for d in p.deliveries)
            if set(states) <= {"published", "failed", "missed", "cancelled"}:
                break
            time.sleep(0.5)
    finally:
        final.send_signal(signal.SIGTERM)
        final.wait(30)
    states = Counter(d.state.value for p in ctx.posts.list() for d in p.deliveries)
    state = _control(url, "state")
    fake.terminate()
    fake.wait(10)
    published = {
        pid: Counter(p["message"] for p in page["posts"]) for pid, page in state["pages"].items()
    }
    doubled = sum(n - 1 for c in published.values() for n in c.values() if n > 1)
    once = sum(1 for c in published.values() for n in c.values() if n >= 1)
    visible = states["failed"] + states["missed"]
    lost = (
        sum(1 for pid, texts in expected.items() for t in texts if t not in published[pid])
        - visible
    )
    refused_dupes = sum(
        1 for r in state["requests"] if r["method"] == "POST" and r["status"] == 400
    )
    result = {
        "deliveries": sum(len(t) for t in expected.values()),
        "published_once": once,
        "published_twice": doubled,
        "lost": max(lost, 0),
        "failed_or_missed": visible,
        "unconfirmed_left": states["unconfirmed"],
        "kills": kills,
        "network_refusals": refused_dupes,
    }
    return result


def main() -> int:
    """Command line; prints the counts as a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--accounts", type=int, default=3)
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--spread", type=float, default=60.0, help="seconds over which the posts are due"
    )
    args = parser.parse_args()
    result = run(args.posts, args.accounts, args.kills, args.seed, args.spread)
    for key, value in result.items():
        print(f"{key:18} {value}")
    return 1 if result["lost"] or result["published_twice"] else 0


if __name__ == "__main__":
    sys.exit(main())
