"""Shared fixtures of the import/export tests: a store with two stub accounts, a fixed
clock, the real bulk-CSV fixtures and a local HTTP server for media downloads."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from app.clock import FixedClock
from app.context import AppContext
from app.transfer import ImportOptions, ImportService
from tests.conftest import FIXTURES
from tests.support.stubnet import StubNetwork, stub_factory

BULK = FIXTURES / "bulk-csv"
HOOTSUITE = BULK / "hootsuite" / "example.csv"
BUFFER = BULK / "buffer" / "X Buffer_Import_Template.csv"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # Tuesday 1 December 2026, 10:00 in Madrid
TZ = "Europe/Madrid"


@pytest.fixture
def ctx(tmp_path: Path) -> Iterator[AppContext]:
    """An AppContext at a fixed instant with accounts Empleo (111) and Formación (222)."""
    StubNetwork.reset()
    context = AppContext(tmp_path / "t.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    context.accounts.connect("facebook", name="Empleo", remote_id="111", token="t1")
    context.accounts.connect("facebook", name="Formación", remote_id="222", token="t2")
    yield context
    context.close()


@pytest.fixture
def service(ctx: AppContext) -> ImportService:
    return ImportService.from_context(ctx)


def options(ctx: AppContext, *names: str, **kw: Any) -> ImportOptions:
    """ImportOptions for the named accounts (default Empleo) in Europe/Madrid."""
    ids = tuple(ctx.accounts.by_name(n).id for n in (names or ("Empleo",)))
    return ImportOptions(account_ids=ids, tz=TZ, **kw)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` exactly (no newline translation) and return ``path``."""
    path.write_bytes(text.encode(encoding))
    return path


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_GET(self) -> None:  # noqa: N802
        if self.path.startswith("/endless"):
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            chunk = b"\xff" * 65536
            for _i in range(64):  # 4 MiB, no Content-Length
                try:
                    self.wfile.write(chunk)
                except OSError:
                    return
            return
        super().do_GET()


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(base URL, folder) of a file server on 127.0.0.1; ``/endless`` streams 4 MiB."""
    root = tmp_path / "www"
    root.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
