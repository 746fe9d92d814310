"""The loopback listener a browser sign-in returns to (RFC 8252 §7.3).

It binds to 127.0.0.1 only, on a fixed port (X, LinkedIn and Facebook match the
registered redirect URI exactly) or any free port (Google). It answers one valid
callback, whose ``state`` must match, with a short page in the user's language, and
then closes; it also closes after a timeout or when cancelled (the user pasted the
code instead). Requests for other paths (``/favicon.ico``) get 404 and are ignored; a
callback with a wrong ``state`` gets 400 and does not end the wait.
"""

from __future__ import annotations

import html
import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from app.errors import ValidationError
from app.i18n import _

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
CALLBACK_PATH = "/callback"


class SignInError(ValidationError):
    """A sign-in that cannot go on: timed out, cancelled, denied, port busy, bad answer.

    ``code``: ``"signin_timeout"``, ``"signin_cancelled"``, ``"signin_denied"``,
    ``"port_busy"``, ``"bad_state"``, ``"no_code"``...
    """


@dataclass(frozen=True)
class Callback:
    """What the browser brought back: the query parameters of the redirect."""

    params: dict[str, str] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The authorization code ("" if none)."""
        return self.params.get("code", "")

    def __repr__(self) -> str:  # the code is a secret while it is valid
        return f"<Callback keys={sorted(self.params)}>"


def page(ok: bool, detail: str = "") -> str:
    """The HTML page shown in the browser after the redirect (in the user's language)."""
    title = _("Pregonero: signed in") if ok else _("Pregonero: sign-in not completed")
    body = (
        _("You can close this tab and go back to Pregonero.")
        if ok
        else _("Go back to Pregonero and try again.")
    )
    extra = f"<p>{html.escape(detail)}</p>" if detail else ""
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head>"
        "<body style='font-family:sans-serif;max-width:36em;margin:4em auto'>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(body)}</p>{extra}</body></html>"
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # SO_REUSEADDR: rebinding right after the last sign-in (TIME_WAIT) works on POSIX, where
    # it never lets two sockets listen on one port; on Windows it would, so not there.
    allow_reuse_address = os.name != "nt"
    listener: LoopbackListener


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = 10

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib API
        """Silence the stdlib's access log: the query string holds the code."""

    def do_GET(self) -> None:  # noqa: N802 - stdlib API
        listener = self.server.listener
        parts = urlsplit(self.path)
        if parts.path != listener.path:
            self._send(404, page(False, _("Nothing here.")))
            return
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if not secrets.compare_digest(params.get("state", ""), listener.state):
            log.warning("sign-in callback with a wrong state ignored")
            self._send(
                400, page(False, _("This answer does not belong to the sign-in Pregonero started."))
            )
            return
        if "error" in params:
            self._send(200, page(False, params.get("error_description") or params["error"]))
        elif not params.get("code"):
            self._send(400, page(False, _("The answer has no authorization code.")))
            return
        else:
            self._send(200, page(True))
        listener._deliver(Callback(params))

    def _send(self, status: int, text: str) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)


class LoopbackListener:
    """A one-use HTTP listener on ``127.0.0.1:port`` (``port=0``: any free port).

    ``state`` is the value the callback must carry; ``path`` the redirect's path.
    Use :meth:`start`, then :meth:`wait`; :meth:`close` (or :meth:`cancel`) ends it.
    """

    def __init__(self, state: str, port: int = 0, path: str = CALLBACK_PATH) -> None:
        self.state = state
        self.requested_port = port
        self.path = path
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self._result: Callback | None = None
        self._cancelled = False
        self._port = port
        self._close_lock = threading.Lock()

    @property
    def port(self) -> int:
        """The port listened on (the actual one once :meth:`start` bound it)."""
        return self._port

    @property
    def running(self) -> bool:
        """True between :meth:`start` and the end of the wait."""
        return self._server is not None

    def start(self) -> LoopbackListener:
        """Bind and serve in a background thread. Raises SignInError if the port is taken."""
        try:
            server = _Server((HOST, self.requested_port), _Handler)
        except OSError:
            raise SignInError(
                _(
                    "Port {port} on this computer is in use by another program, so the browser "
                    "cannot return to Pregonero. Close that program (or another sign-in "
                    "window), or paste the code instead."
                ).format(port=self.requested_port),
                code="port_busy",
            ) from None
        server.listener = self
        self._server = server
        self._port = int(server.server_address[1])
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()
        return self

    def _deliver(self, result: Callback) -> None:
        if self._done.is_set():
            return
        self._result = result
        self._done.set()
        threading.Thread(target=self.close, daemon=True).start()  # not from a handler thread

    def wait(self, timeout: float) -> Callback:
        """Block until the callback arrives (seconds); the listener is closed afterwards.

        Raises SignInError: ``signin_timeout``, ``signin_cancelled``, ``signin_denied``.
        """
        arrived = self._done.wait(timeout)
        self.close()
        if self._cancelled and self._result is None:
            raise SignInError(_("The sign-in was cancelled."), code="signin_cancelled")
        if not arrived or self._result is None:
            raise SignInError(
                _(
                    "No answer from the browser within {minutes} minutes. Start the sign-in "
                    "again, or paste the code or the address the browser ended on."
                ).format(minutes=max(1, round(timeout / 60))),
                code="signin_timeout",
            )
        error = self._result.params.get("error")
        if error:
            raise SignInError(
                _("The sign-in was not completed: {why}").format(
                    why=self._result.params.get("error_description") or error
                ),
                code="signin_denied",
            )
        return self._result

    def cancel(self) -> None:
        """Stop waiting: :meth:`wait` raises ``signin_cancelled``."""
        self._cancelled = True
        self._done.set()
        self.close()

    def close(self) -> None:
        """Stop listening and free the port (idempotent)."""
        with self._close_lock:  # held throughout: close() returns once the port is free
            server, self._server = self._server, None
            if server is not None:
                server.shutdown()
                server.server_close()
