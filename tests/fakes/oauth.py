"""Strict fake OAuth servers of the four sign-in providers (shared docs/platforms.md).

One :class:`FakeOAuth` per provider (``"meta"``, ``"x"``, ``"linkedin"``, ``"google"``),
listening on 127.0.0.1 (port 0). Point Pregonero at it with
``PREGONERO_<PROVIDER>_AUTH=fake.url`` (e.g. ``PREGONERO_X_AUTH``). It serves the
provider's own paths:

=========  ==============================  ==========================================
provider   authorize                       token
=========  ==============================  ==========================================
meta       GET /v25.0/dialog/oauth         GET /v25.0/oauth/access_token (code, then
                                           ``grant_type=fb_exchange_token``);
                                           GET /v25.0/debug_token
x          GET /i/oauth2/authorize         POST /2/oauth2/token
linkedin   GET /oauth/v2/authorization     POST /oauth/v2/accessToken
google     GET /o/oauth2/v2/auth           POST /token
=========  ==============================  ==========================================

What it refuses, as the real ones do: an unknown client, a redirect URI that does not
match a registered one exactly (Google: any port of a loopback host), a missing
``state``; a missing or wrong PKCE verifier (X, Google); a code used twice, a code
older than 30 s (X; clock injectable), a token call whose ``redirect_uri`` differs
from the authorize call's; a wrong client secret / missing HTTP Basic (X confidential
client); a refresh token used after it was rotated (X), or revoked (``revoke()``,
Google ``invalid_grant``). Failure injection: :meth:`fail_next` (status + body),
:meth:`drop_next` (connection closed without an answer).

A test plays the browser with :func:`browse`: it GETs the authorize URL, follows the
redirect to the loopback listener and returns the address the browser ended on.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import itertools
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from tests.fakes.server import FakeServer

VERSION_PREFIX = "/v"
CODE_LIFETIME = {"x": 30, "meta": 600, "linkedin": 1800, "google": 600}
ACCESS_LIFETIME = {"x": 7200, "linkedin": 5_184_000, "google": 3599}
META_SHORT_LIFETIME = 5400
META_LONG_LIFETIME = 5_183_944


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of ``verifier``."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass
class Code:
    """An authorization code the fake issued."""

    client_id: str
    redirect_uri: str
    scopes: tuple[str, ...]
    challenge: str | None
    method: str | None
    issued: float
    used: bool = False


@dataclass
class Token:
    """An access token the fake issued (``expires`` epoch seconds, 0 = never)."""

    value: str
    scopes: tuple[str, ...]
    expires: float
    kind: str = "user"  # meta: "short" | "user"
    valid: bool = True


@dataclass
class _Fault:
    path: str
    status: int = 500
    body: Any = None
    drop: bool = False


@dataclass
class Call:
    """One request the fake received (``form`` = query + body parameters)."""

    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)


class FakeOAuth(FakeServer):
    """A provider's OAuth server. ``provider``: meta | x | linkedin | google.

    ``client_secret`` None = a public client (X only). ``redirect_uris``: registered
    exactly (ignored by Google, which takes any loopback port). ``refresh`` (LinkedIn):
    issue refresh tokens (programmatic refresh approved). ``clock``: epoch seconds.
    """

    def __init__(
        self,
        provider: str,
        *,
        client_id: str = "test-client-id",
        client_secret: str | None = "test-client-secret-XYZ",
        redirect_uris: tuple[str, ...] = ("http://127.0.0.1:8765/callback",),
        refresh: bool = False,
        clock: Callable[[], float] = time.time,
        user_scopes: tuple[str, ...] | None = None,
    ) -> None:
        assert provider in CODE_LIFETIME
        self.provider = provider
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uris = redirect_uris
        self.refresh_enabled = refresh if provider == "linkedin" else provider != "meta"
        self.clock = clock
        self.user_scopes = user_scopes  # scopes the user grants (None = all requested)
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, tuple[str, ...]] = {}  # live refresh token -> scopes
        self.dead_refresh_tokens: set[str] = set()
        self.calls: list[Call] = []
        self.deny = False
        #: Values for the next access tokens issued (popped in order; Meta issues a
        #: short-lived one, then the long-lived one). Lets an API fake know them ahead.
        self.access_tokens: list[str] = []
        #: Called with every access token issued (e.g. to register it in an API fake).
        self.on_issue: Callable[[Token], None] | None = None
        self.refresh_for_next = True
        self._faults: list[_Fault] = []
        self._ids = itertools.count(1)
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0

    # -- lifecycle -----------------------------------------------------------------
    def handler(self) -> type[BaseHTTPRequestHandler]:
        """This fake's request handler (lifecycle: :class:`tests.fakes.server.FakeServer`)."""
        return _Handler

    # -- test controls ---------------------------------------------------------------
    def fail_next(self, path: str, status: int = 500, body: Any = None) -> None:
        """Answer the next request whose path contains ``path`` with ``status``/``body``."""
        with self._lock:
            self._faults.append(_Fault(path, status, body))

    def drop_next(self, path: str) -> None:
        """Close the connection of the next matching request without answering."""
        with self._lock:
            self._faults.append(_Fault(path, drop=True))

    def revoke(self) -> None:
        """The user revoked the app: every token and refresh token stops working."""
        with self._lock:
            for token in self.tokens.values():
                token.valid = False
            self.dead_refresh_tokens.update(self.refresh_tokens)
            self.refresh_tokens.clear()

    def valid(self, access_token: str) -> bool:
        """True when ``access_token`` was issued, is not revoked and has not expired."""
        token = self.tokens.get(access_token)
        if token is None or not token.valid:
            return False
        return token.expires == 0 or token.expires > self.clock()

    def all_secrets(self) -> set[str]:
        """Every token, refresh token and code issued, and the client secret."""
        out = set(self.tokens) | set(self.refresh_tokens) | self.dead_refresh_tokens
        out |= set(self.codes)
        if self.client_secret:
            out.add(self.client_secret)
        return out

    # -- helpers ---------------------------------------------------------------------
    def _new(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}-{secrets.token_urlsafe(12)}"

    def _redirect_ok(self, uri: str) -> bool:
        if self.provider == "google":
            parts = urlsplit(uri)
            return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")
        return uri in self.redirect_uris

    def _issue(self, scopes: tuple[str, ...], lifetime: float, kind: str = "user") -> Token:
        value = self.access_tokens.pop(0) if self.access_tokens else None
        token = Token(
            value or self._new(f"{self.provider}-access"),
            scopes,
            self.clock() + lifetime if lifetime else 0,
            kind,
        )
        self.tokens[token.value] = token
        if self.on_issue is not None:
            self.on_issue(token)
        return token

    # -- endpoints -------------------------------------------------------------------
    def authorize(self, q: dict[str, str]) -> tuple[int, dict[str, str], str]:
        """The authorize page: a redirect to the registered redirect URI, or an error page."""
        if q.get("client_id") != self.client_id:
            return 400, {}, "unknown client_id"
        redirect = q.get("redirect_uri", "")
        if not self._redirect_ok(redirect):
            return 400, {}, "redirect_uri does not match a registered redirect URI"
        if q.get("response_type") != "code":
            return 400, {}, "response_type must be code"
        state = q.get("state")
        if not state:
            return 400, {}, "state is required"
        challenge = q.get("code_challenge")
        method = q.get("code_challenge_method")
        if self.provider in ("x", "google"):
            if not challenge:
                return 400, {}, "code_challenge is required"
            allowed = ("S256", "plain") if self.provider == "x" else ("S256", "plain")
            if method not in allowed:
                return 400, {}, "bad code_challenge_method"
        elif challenge:
            return 400, {}, "PKCE not enabled for this app"
        if self.provider == "google" and (
            q.get("access_type") != "offline" or q.get("prompt") != "consent"
        ):
            self.refresh_for_next = False
        else:
            self.refresh_for_next = True
        separator = "," if self.provider == "meta" else " "
        requested = tuple(s for s in q.get("scope", "").split(separator) if s)
        if not requested:
            return 400, {}, "scope is required"
        if self.deny:
            params = {
                "error": "access_denied",
                "error_description": "The user said no",
                "state": state,
            }
            return 302, {"Location": f"{redirect}?{urlencode(params)}"}, ""
        scopes = tuple(s for s in requested if self.user_scopes is None or s in self.user_scopes)
        code = self._new(f"{self.provider}-code")
        with self._lock:
            self.codes[code] = Code(
                q["client_id"], redirect, scopes, challenge, method, self.clock()
            )
        return 302, {"Location": f"{redirect}?{urlencode({'code': code, 'state': state})}"}, ""

    def _take_code(self, form: dict[str, str]) -> Code | str:
        """The code of a token request, checked; or the reason it is refused."""
        with self._lock:
            code = self.codes.get(form.get("code", ""))
            if code is None or code.used:
                return "invalid code"
            code.used = True
        if self.clock() - code.issued > CODE_LIFETIME[self.provider]:
            return "code expired"
        if form.get("redirect_uri") != code.redirect_uri:
            return "redirect_uri mismatch"
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            expected = s256(verifier) if code.method == "S256" else verifier
            if not verifier or expected != code.challenge:
                return "code_verifier does not match"
        elif form.get("code_verifier"):
            return "unexpected code_verifier"
        return code

    def _client_ok(self, form: dict[str, str], headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        if self.provider == "x" and self.client_secret is not None:
            if not auth.startswith("Basic "):
                return False
            pair = base64.b64decode(auth[6:]).decode()
            cid, _, secret = pair.partition(":")
            return unquote(cid) == self.client_id and unquote(secret) == self.client_secret
        if auth:
            return False
        if form.get("client_id") != self.client_id:
            return False
        if self.client_secret is None:
            return "client_secret" not in form
        return form.get("client_secret") == self.client_secret

    def token(self, form: dict[str, str], headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """X, LinkedIn, Google token endpoint."""
        # X and LinkedIn say invalid_request for a bad code or refresh token; Google
        # invalid_grant.
        error = "invalid_grant" if self.provider == "google" else "invalid_request"
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return 400, {"error": "invalid_request", "error_description": "form body required"}
        if not self._client_ok(form, headers):
            return 401, {
                "error": "invalid_client",
                "error_description": "Client authentication failed",
            }
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = self._take_code(form)
            if isinstance(code, str):
                return 400, {"error": error, "error_description": code}
            return 200, self._grant(code.scopes, refresh=self._wants_refresh(code.scopes))
        if grant == "refresh_token":
            old = form.get("refresh_token", "")
            with self._lock:
                scopes = self.refresh_tokens.get(old)
                if scopes is None:
                    return 400, {
                        "error": error,
                        "error_description": "Value passed for the token was invalid.",
                    }
                if self.provider == "x":  # rotation: the old one dies now
                    del self.refresh_tokens[old]
                    self.dead_refresh_tokens.add(old)
                    return 200, self._grant(scopes, refresh=True)
                body = self._grant(scopes, refresh=False)
            if self.provider == "linkedin":
                body["refresh_token"] = old
            return 200, body
        return 400, {"error": "unsupported_grant_type"}

    def _wants_refresh(self, scopes: tuple[str, ...]) -> bool:
        if self.provider == "x":
            return "offline.access" in scopes
        if self.provider == "google":
            return self.refresh_for_next
        return self.refresh_enabled

    def _grant(self, scopes: tuple[str, ...], *, refresh: bool) -> dict[str, Any]:
        token = self._issue(scopes, ACCESS_LIFETIME[self.provider])
        separator = "," if self.provider == "linkedin" else " "
        body: dict[str, Any] = {
            "access_token": token.value,
            "expires_in": ACCESS_LIFETIME[self.provider],
            "scope": separator.join(scopes),
            "token_type": "bearer" if self.provider == "x" else "Bearer",
        }
        if refresh:
            value = self._new(f"{self.provider}-refresh")
            self.refresh_tokens[value] = scopes
            body["refresh_token"] = value
            if self.provider == "linkedin":
                body["refresh_token_expires_in"] = 31_536_000
        return body

    def meta_access_token(self, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Graph ``/oauth/access_token``: code exchange or ``fb_exchange_token``."""
        if q.get("client_id") != self.client_id or q.get("client_secret") != self.client_secret:
            return 400, _graph_error(101, "Error validating application. Invalid application ID.")
        if q.get("grant_type") == "fb_exchange_token":
            short = self.tokens.get(q.get("fb_exchange_token", ""))
            if short is None or not self.valid(short.value):
                return 400, _graph_error(190, "Invalid OAuth access token.")
            token = self._issue(short.scopes, META_LONG_LIFETIME)
            return 200, {
                "access_token": token.value,
                "token_type": "bearer",
                "expires_in": META_LONG_LIFETIME,
            }
        code = self._take_code(q)
        if isinstance(code, str):
            message = (
                "Error validating verification code. Please make sure your redirect_uri is "
                "identical to the one you used in the OAuth dialog request"
                if "redirect" in code
                else "This authorization code has been used."
            )
            return 400, _graph_error(100, message)
        token = self._issue(code.scopes, META_SHORT_LIFETIME, kind="short")
        return 200, {
            "access_token": token.value,
            "token_type": "bearer",
            "expires_in": META_SHORT_LIFETIME,
        }

    def meta_debug_token(self, q: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """Graph ``/debug_token`` with the app token ``{app-id}|{app-secret}``."""
        if q.get("access_token") != f"{self.client_id}|{self.client_secret}":
            return 400, _graph_error(190, "Invalid OAuth access token.")
        token = self.tokens.get(q.get("input_token", ""))
        if token is None:
            return 400, _graph_error(100, "Invalid input_token")
        return 200, {
            "data": {
                "app_id": self.client_id,
                "type": "USER",
                "is_valid": self.valid(token.value),
                "expires_at": int(token.expires),
                "scopes": list(token.scopes),
                "user_id": "10001",
            }
        }


def _graph_error(code: int, message: str) -> dict[str, Any]:
    return {
        "error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Afake"}
    }


class _Handler(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = (json.dumps(body) if not isinstance(body, str) else body).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        ctype = "text/html" if isinstance(body, str) else "application/json"
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        fake: FakeOAuth = self.server.fake
        parts = urlsplit(self.path)
        form = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        if method == "POST" and raw:
            form.update(parse_qsl(raw.decode(), keep_blank_values=True))
        with fake._lock:
            fake.calls.append(Call(method, parts.path, dict(form), headers))
            fault = next((f for f in fake._faults if f.path in parts.path), None)
            if fault is not None:
                fake._faults.remove(fault)
        if fault is not None:
            if fault.drop:
                self.close_connection = True
                self.connection.close()
                return
            self._send(
                fault.status, fault.body if fault.body is not None else {"error": "server_error"}
            )
            return
        path = parts.path
        p = fake.provider
        if method == "GET" and (
            (p == "meta" and path.endswith("/dialog/oauth"))
            or (p == "x" and path == "/i/oauth2/authorize")
            or (p == "linkedin" and path == "/oauth/v2/authorization")
            or (p == "google" and path == "/o/oauth2/v2/auth")
        ):
            status, hdrs, text = fake.authorize(form)
            self._send(status, text, hdrs)
            return
        if p == "meta" and method == "GET" and path.endswith("/oauth/access_token"):
            self._send(*fake.meta_access_token(form))
            return
        if p == "meta" and method == "GET" and path.endswith("/debug_token"):
            self._send(*fake.meta_debug_token(form))
            return
        if method == "POST" and (
            (p == "x" and path == "/2/oauth2/token")
            or (p == "linkedin" and path == "/oauth/v2/accessToken")
            or (p == "google" and path == "/token")
        ):
            self._send(*fake.token(form, headers))
            return
        self._send(404, {"error": "not found"})

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")


def _get(url: str) -> tuple[int, dict[str, str], str]:
    """GET without following redirects, through http.client: a browser is not
    Pregonero, so its requests must not show up in Pregonero's (urllib3) log."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""))
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        conn.close()


def browse(authorize_url: str, *, follow: bool = True) -> str:
    """Play the browser: open ``authorize_url`` (the fake redirects at once, as if the
    user had consented) and, with ``follow``, load the redirect target (Pregonero's
    loopback listener). Returns the address the browser ends on."""
    status, headers, text = _get(authorize_url)
    if status != 302:
        raise AssertionError(f"authorize refused: {status} {text}")
    location = headers["Location"]
    if follow:
        _get(location.replace("://localhost:", "://127.0.0.1:"))
    return location
