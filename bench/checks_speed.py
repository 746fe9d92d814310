"""How long the offline checks take on a long caption (run by hand; prints ms per run).

python bench/checks_speed.py
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.checks.run import run_checks  # noqa: E402


def main() -> None:
    """Time 50 runs of every offline check on a 2,200-character Spanish caption."""
    text = ("⏰ Mañana, lunes 18 de enero, se abre el plazo. " * 40)[:2200]
    publish_at = datetime(2027, 1, 17, 19, 0, tzinfo=ZoneInfo("Europe/Madrid"))
    runs = 50
    start = time.perf_counter()
    for _ in range(runs):
        run_checks(
            text,
            publish_at=publish_at,
            tz="Europe/Madrid",
            networks=["facebook"],
            recent_texts=[text[::-1]] * 20,
        )
    print(f"{(time.perf_counter() - start) / runs * 1000:.1f} ms per run ({runs} runs)")


if __name__ == "__main__":
    main()
