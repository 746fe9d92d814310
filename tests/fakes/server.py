"""What every strict fake shares: listening on 127.0.0.1 in a daemon thread.

A fake subclasses :class:`FakeServer`, returns its request handler from
:meth:`FakeServer.handler` (the handler finds the fake as ``self.server.fake``) and
keeps its own state and control methods::

    with FakeX(...) as fake:          # start() ... stop()
        client = XAccount(..., base_url=fake.url)
"""

from __future__ import annotations

import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


class FakeServer:
    """Lifecycle of a local fake HTTP server: ``host``/``port`` (0 = a free port, set
    when listening), :meth:`start`, :meth:`stop`, a context manager and :attr:`url`."""

    host: str = "127.0.0.1"
    port: int = 0
    _server: ThreadingHTTPServer | None = None
    _thread: threading.Thread | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The fake's request handler class."""
        raise NotImplementedError

    def start(self) -> Self:
        """Listen on ``host:port`` in a daemon thread; returns self."""
        server = ThreadingHTTPServer((self.host, self.port), self.handler())
        server.daemon_threads = True
        server.block_on_close = False
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening (its URLs become unreachable; threads still sleeping in an
        injected delay are abandoned)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Base URL to give a client, e.g. ``http://127.0.0.1:40123``."""
        return f"http://{self.host}:{self.port}"

    def serve_until_terminated(self) -> int:
        """For ``python -m tests.fakes.NAME``: start if needed, print :attr:`url` on the
        first line of stdout, serve until SIGTERM or Ctrl+C, stop; returns exit status 0."""
        if self._server is None:
            self.start()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        print(self.url, flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        finally:
            self.stop()
        return 0
