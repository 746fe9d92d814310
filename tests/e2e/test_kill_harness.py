"""The crash harness at a small N: SIGKILLed runs never lose or double a post.

The full run (100 posts, 100 kills) is done by hand; its figures are in README.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.e2e


def test_small_harness_loses_and_doubles_nothing() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "bench/kill_harness.py",
            "--posts",
            "10",
            "--accounts",
            "2",
            "--kills",
            "6",
            "--spread",
            "5",
            "--seed",
            "3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    counts = dict(line.split() for line in result.stdout.splitlines() if line.strip())
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts["lost"] == "0" and counts["published_twice"] == "0"
    assert counts["unconfirmed_left"] == "0"
    assert int(counts["published_once"]) + int(counts["failed_or_missed"]) == int(
        counts["deliveries"]
    )
