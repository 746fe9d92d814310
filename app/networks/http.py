"""The one HTTP chokepoint of every network client (see shared docs/architecture.md).

:class:`HttpClient` wraps a :class:`requests.Session` and turns everything that can go
wrong on the wire into the error taxonomy of :mod:`app.errors`:

* the request never left (connection refused, DNS failure, connect timeout, TLS
  handshake, proxy) -> :class:`~app.errors.Transient`;
* the request was sent but no usable answer came (read timeout, connection dropped,
  broken chunked body) -> :class:`~app.errors.UnknownOutcome` for calls that create
  something (POST, PATCH, DELETE) and :class:`~app.errors.Transient` for reads;
* an answer came: the network's ``classify(response)`` hook decides first (vendor error
  codes); then HTTP 429 -> :class:`~app.errors.RateLimited` (``Retry-After`` honoured),
  5xx -> :class:`~app.errors.Transient`, 401 -> :class:`~app.errors.AuthExpired`,
  any other 4xx -> :class:`~app.errors.Rejected`.

Secrets: the text of a ``requests`` exception contains the URL, query string included
(``?access_token=...``), so it never reaches an error message or a log line. Messages are
built here, in our own words; everything this module logs goes through :func:`redact`.
Errors are raised outside ``except`` blocks so no ``requests`` exception hangs off them as
``__context__``.

Proxy and CA settings come from the environment as ``requests`` reads them
(``HTTPS_PROXY``, ``NO_PROXY``, ``REQUESTS_CA_BUNDLE``) unless ``verify`` is given.
"""

from __future__ import annotations

import email.utils
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import requests
import urllib3.exceptions

from app.errors import (
    AuthExpired,
    NetworkError,
    RateLimited,
    Rejected,
    Transient,
    UnknownOutcome,
)
from app.i18n import _
from app.netconfig import apply_to_session as apply_network_config
from app.redact import RedactingFilter, redact

log = logging.getLogger(__name__)

Classifier = Callable[[requests.Response], NetworkError | None]
"""Per-network hook: map a response to an error, or ``None`` when the network's own
error format is absent (then the generic HTTP-status rules apply)."""

USER_AGENT = "Pregonero/0.1"
DEFAULT_RETRY_AFTER = 60.0
"""Seconds to wait after HTTP 429 when the response has no usable ``Retry-After``."""

#: Methods whose loss of answer means "it may have happened" (brief: POST, DELETE).
NON_IDEMPOTENT = frozenset({"POST", "PATCH", "DELETE"})

THIRD_PARTY_LOGGERS = (
    "urllib3",
    "urllib3.connectionpool",
    "urllib3.connection",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
    "requests",
)
_FILTER = RedactingFilter()


def install_log_redaction() -> None:
    """Attach :class:`RedactingFilter` to the urllib3/requests loggers (idempotent)."""
    for name in THIRD_PARTY_LOGGERS:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


install_log_redaction()


def parse_retry_after(value: str | None, default: float = DEFAULT_RETRY_AFTER) -> float:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date).

    Returns ``default`` when the header is missing or malformed; never negative.
    """
    if not value:
        return default
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# --------------------------------------------------------------------------- multipart


@dataclass(frozen=True)
class FilePart:
    """A file to send as one multipart part, read from disk while the request is sent.

    ``filename`` is what the server sees (any Unicode, e.g. ``"foto enorme ñandú.jpg"``);
    ``content_type`` its MIME type.
    """

    path: Path
    filename: str
    content_type: str = "application/octet-stream"


class MediaReadError(OSError):
    """A file of a :class:`MultipartBody` could not be read (or changed size) mid-upload."""


def _quote_param(value: str) -> str:
    # WHATWG / urllib3 2 style: raw UTF-8, with quote and line breaks percent-escaped.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartBody:
    """A ``multipart/form-data`` body streamed from disk, with a known ``Content-Length``.

    ``fields`` is a sequence of ``(name, value)`` where ``value`` is a ``str`` (sent as
    UTF-8) or a :class:`FilePart`. Files are only stat'ed here (``OSError`` if missing);
    their bytes are read in blocks while ``requests``/``urllib3`` send the body, so a 10 MB
    photo is never held in memory. Pass the object as ``data=`` with the header
    ``Content-Type: {body.content_type}``. Single use; :meth:`close` releases the open file.
    """

    def __init__(self, fields: Sequence[tuple[str, str | FilePart]], boundary: str = "") -> None:
        self.boundary = boundary or f"pregonero-{uuid.uuid4().hex}"
        self._segments: list[bytes | tuple[Path, int]] = []
        for name, value in fields:
            head = (
                f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote_param(name)}"'
            )
            if isinstance(value, FilePart):
                size = os.stat(value.path).st_size
                head += (
                    f'; filename="{_quote_param(value.filename)}"\r\n'
                    f"Content-Type: {value.content_type}\r\n\r\n"
                )
                self._segments += [head.encode("utf-8"), (value.path, size), b"\r\n"]
            else:
                self._segments.append(f"{head}\r\n\r\n".encode() + value.encode() + b"\r\n")
        self._segments.append(f"--{self.boundary}--\r\n".encode())
        self._length = sum(s[1] if isinstance(s, tuple) else len(s) for s in self._segments)
        self._index = 0
        self._offset = 0  # within the current bytes segment, or bytes read of the file
        self._file: IO[bytes] | None = None
        self.read_error: OSError | None = None

    @property
    def content_type(self) -> str:
        """Value for the ``Content-Type`` header, boundary included."""
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return self._length

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read(64 * 1024):
            yield chunk

    def read(self, size: int = -1) -> bytes:
        """Return up to ``size`` bytes (all the rest when negative); ``b""`` at the end."""
        out = bytearray()
        want = self._length if size is None or size < 0 else size
        while len(out) < want and self._index < len(self._segments):
            seg = self._segments[self._index]
            if isinstance(seg, bytes):
                piece = seg[self._offset : self._offset + want - len(out)]
                self._offset += len(piece)
                out += piece
                if self._offset >= len(seg):
                    self._next()
                continue
            path, expected = seg
            try:
                if self._file is None:
                    self._file = open(path, "rb")  # noqa: SIM115 - closed in _next/close
                piece = self._file.read(min(want - len(out), expected - self._offset))
            except OSError as exc:
                self.read_error = MediaReadError(exc.errno or 0, "cannot read media file")
                self.read_error.filename = str(path)
                raise self.read_error from None
            if not piece and self._offset < expected:
                self.read_error = MediaReadError(0, "media file shrank while uploading")
                self.read_error.filename = str(path)
                raise self.read_error
            self._offset += len(piece)
            out += piece
            if self._offset >= expected:
                self._next()
        return bytes(out)

    def _next(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._index += 1
        self._offset = 0

    def close(self) -> None:
        """Close the file being read, if any."""
        if self._file is not None:
            self._file.close()
            self._file = None


# --------------------------------------------------------------------------- client


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps (args, ``reason``, cause, context), each once."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        cur = stack.pop()
        if id(cur) in seen:
            continue
        seen.add(id(cur))
        yield cur
        nested: list[Any] = [
            *cur.args,
            getattr(cur, "reason", None),
            cur.__cause__,
            cur.__context__,
        ]
        stack.extend(n for n in nested if isinstance(n, BaseException))


_NEVER_SENT = (
    urllib3.exceptions.NewConnectionError,  # refused, unreachable; NameResolutionError (DNS)
    urllib3.exceptions.ConnectTimeoutError,
    urllib3.exceptions.ProxyError,
    urllib3.exceptions.SSLError,  # handshake: before the request line
    ConnectionRefusedError,
)
_SENT = (
    urllib3.exceptions.ProtocolError,  # RemoteDisconnected, reset, broken pipe mid-request
    urllib3.exceptions.ReadTimeoutError,
)


def request_was_sent(exc: requests.RequestException) -> bool:
    """Whether a failed request may have reached the server (``True`` when unsure)."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.SSLError):
        return False
    if isinstance(exc, requests.ReadTimeout | requests.exceptions.ChunkedEncodingError):
        return True
    if isinstance(exc, requests.exceptions.ContentDecodingError):
        return True
    if isinstance(exc, requests.ConnectionError):
        chain = list(_chain(exc))
        if any(isinstance(e, _SENT) for e in chain):
            return True
        return not any(isinstance(e, _NEVER_SENT) for e in chain)
    # InvalidURL, MissingSchema, InvalidHeader...: raised while preparing, nothing sent.
    return False


class HttpClient:
    """HTTP access for one network account: ``requests.Session`` + error mapping.

    ``base_url`` (e.g. ``"https://graph.facebook.com"``) is joined with the path given to
    :meth:`request`. ``timeout`` is seconds, for connecting and for each read (a float)
    or a ``(connect, read)`` pair. ``classify`` is the network's hook (see
    :data:`Classifier`). ``label`` names the network in messages ("Facebook").
    ``secrets`` are strings (tokens) masked in any message or log line.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float | tuple[float, float] = 30.0,
        classify: Classifier | None = None,
        label: str = "",
        secrets: Sequence[str] = (),
        session: requests.Session | None = None,
        verify: bool | str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.classify = classify
        self.label = label or _("the network")
        self._secrets = tuple(s for s in secrets if s)
        if session is None:
            session = requests.Session()
            apply_network_config(session)  # proxy + OS certificate store (app/netconfig.py)
        self.session = session
        self.session.headers.setdefault("User-Agent", USER_AGENT)
        if verify is not None:
            self.session.verify = verify

    def __repr__(self) -> str:
        return f"<HttpClient {self.base_url}>"

    def close(self) -> None:
        """Close pooled connections."""
        self.session.close()

    def redact(self, text: str) -> str:
        """:func:`redact` with this client's secrets."""
        return redact(text, self._secrets)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        data: Mapping[str, str] | MultipartBody | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> requests.Response:
        """Send ``method base_url+path`` and return the successful (2xx/3xx) response.

        ``params`` go in the query string; ``data`` is a form (URL-encoded) or a
        :class:`MultipartBody`. ``idempotent`` overrides the method's default (True for
        GET, HEAD, OPTIONS, PUT): say ``True`` for a POST that is harmless to repeat, so
        a lost answer is :class:`~app.errors.Transient` rather than
        :class:`~app.errors.UnknownOutcome`.

        Raises :class:`~app.errors.AuthExpired`, :class:`~app.errors.RateLimited`,
        :class:`~app.errors.Transient`, :class:`~app.errors.Rejected`,
        :class:`~app.errors.UnknownOutcome` (only when not idempotent), or whatever
        error ``classify`` returns.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method not in NON_IDEMPOTENT
        url = self.base_url + "/" + path.lstrip("/")
        where = f"{method} /{path.split('?', 1)[0].lstrip('/')}"
        send_headers = dict(headers or {})
        if isinstance(data, MultipartBody):
            send_headers["Content-Type"] = data.content_type
        started = time.monotonic()
        error: NetworkError | None = None
        response: requests.Response | None = None
        try:
            response = self.session.request(
                method,
                url,
                params=params,
                data=data,
                headers=send_headers,
                timeout=self.timeout,
                allow_redirects=method in ("GET", "HEAD"),
            )
        except requests.RequestException as exc:
            error = self._transport_error(exc, where, idempotent, data)
        finally:
            if isinstance(data, MultipartBody):
                data.close()
        if error is not None:  # raised here, not in ``except``: no requests text attached
            raise error
        assert response is not None
        elapsed = time.monotonic() - started
        log.debug(self.redact(f"{where} -> HTTP {response.status_code} in {elapsed:.2f} s"))
        error = self._response_error(response)
        if error is not None:
            log.info(
                self.redact(
                    f"{where} -> HTTP {response.status_code}: {type(error).__name__}"
                    f" code={error.code or '-'}"
                )
            )
            raise error
        return response

    def get(self, path: str, params: Mapping[str, str] | None = None) -> requests.Response:
        """``request("GET", path, params=params)``."""
        return self.request("GET", path, params=params)

    def post(
        self,
        path: str,
        data: Mapping[str, str] | MultipartBody | None = None,
        *,
        params: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
    ) -> requests.Response:
        """``request("POST", path, data=data, ...)``; see :meth:`request`."""
        return self.request("POST", path, params=params, data=data, idempotent=idempotent)

    # ------------------------------------------------------------------ mapping

    def _transport_error(
        self,
        exc: requests.RequestException,
        where: str,
        idempotent: bool,
        data: object,
    ) -> NetworkError:
        kind = type(exc).__name__  # a class name is safe to log; its text is not
        if isinstance(data, MultipartBody) and data.read_error is not None:
            name = Path(data.read_error.filename or "").name
            log.warning(self.redact(f"{where}: media file unreadable during upload ({kind})"))
            return Rejected(
                _("Could not read the media file {name} while sending it to {network}.").format(
                    name=name, network=self.label
                ),
                code="media_unreadable",
            )
        if not request_was_sent(exc):
            log.info(self.redact(f"{where}: not sent ({kind})"))
            return Transient(
                _(
                    "Could not connect to {network}. Check the Internet connection;"
                    " Pregonero will try again."
                ).format(network=self.label),
                code="connect",
            )
        if idempotent:
            log.info(self.redact(f"{where}: no answer ({kind}); safe to retry"))
            return Transient(
                _("{network} did not answer in time; Pregonero will try again.").format(
                    network=self.label
                ),
                code="timeout",
            )
        log.warning(self.redact(f"{where}: sent but no answer ({kind}); outcome unknown"))
        return UnknownOutcome(
            _(
                "The connection to {network} was lost after the request was sent, so it may"
                " have gone through. Pregonero will check before trying again."
            ).format(network=self.label),
            code="no_answer",
        )

    def _response_error(self, response: requests.Response) -> NetworkError | None:
        error = self._classify_response(response)
        if isinstance(error, Transient):
            error.answered = True  # the server had the request: it may have acted on it
        return error

    def _classify_response(self, response: requests.Response) -> NetworkError | None:
        status = response.status_code
        if self.classify is not None:
            error = self.classify(response)
            if error is not None:
                return self._scrub(error)
        if status < 400:
            return None
        if status == 429:
            return RateLimited(
                _("{network} asks Pregonero to slow down; it will try again later.").format(
                    network=self.label
                ),
                retry_after=parse_retry_after(response.headers.get("Retry-After")),
                code="http_429",
            )
        if status >= 500:
            return Transient(
                _(
                    "{network} had a temporary problem (HTTP {status}); Pregonero will try again."
                ).format(network=self.label, status=status),
                code=f"http_{status}",
            )
        if status == 401:
            return AuthExpired(
                _("{network} no longer accepts this account's connection; reconnect it.").format(
                    network=self.label
                ),
                code="http_401",
            )
        return Rejected(
            _("{network} refused the request (HTTP {status}).").format(
                network=self.label, status=status
            ),
            code=f"http_{status}",
        )

    def _scrub(self, error: NetworkError) -> NetworkError:
        """Mask secrets in an error built from a response (a vendor may echo the token)."""
        error.args = tuple(self.redact(a) if isinstance(a, str) else a for a in error.args)
        error.user_message = self.redact(error.user_message)
        return error
