"""Links: well formed, public, and reachable (against a local http.server only)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.checks.links import LinkStatus, check_links, http_fetch, is_local_host


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def _answer(self, body: bool) -> None:
        Handler.hits.append(self.path)
        status = {"/ok": 200, "/missing": 404, "/error": 503, "/nohead": 200}.get(self.path, 404)
        if self.path == "/slow":
            time.sleep(1.0)
            status = 200
        if self.path == "/nohead" and self.command == "HEAD":
            status = 405
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:  # noqa: N802 - http.server API
        self._answer(False)

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self._answer(True)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


LOCAL_FETCH = partial(http_fetch, allow_local=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://empleo.example.es/cursos2027",
        "http://www.sepe.es/",
        "www.sepe.es/empleo",
        "https://ñandú.example.es/",
        "https://empleo.example.es:8443/a?b=1#c",
    ],
)
def test_good_links(url: str) -> None:
    assert check_links("", url) == []
    assert check_links(f"Más info: {url}.") == []


@pytest.mark.parametrize(
    "url",
    [
        "http://",
        "ftp://empleo.example.es/",
        "https://empleo example.es/",
        "https://empleo..es/",
        "https://empleo.example.es:99999/",
        "https://-bad-.example.es/",
        "mailto:x@example.es",
        "https://empleo.example.123/",
    ],
)
def test_malformed_link_field(url: str) -> None:
    [f] = check_links("", url)
    assert (f.code, f.severity, f.field, f.span) == ("link_malformed", "error", "link", None)


@pytest.mark.parametrize(
    "text",
    [
        "Entra en https//empleo.example.es/cursos",
        "Entra en http:/empleo.example.es",
        "Entra en htps://empleo.example.es",
        "Entra en https:///empleo.example.es",
    ],
)
def test_malformed_links_in_text(text: str) -> None:
    [f] = check_links(text)
    assert f.code == "link_malformed" and f.quote(text).startswith("ht")


@pytest.mark.parametrize(
    "url",
    [
        "http://localhost:8080/x",
        "http://127.0.0.1/",
        "http://10.0.0.5/a",
        "http://192.168.1.10",
        "http://172.16.3.4/",
        "http://[::1]/",
        "http://169.254.1.1/",
        "http://intranet/empleo",
        "http://servidor.local/doc",
        "https://app.internal/",
        "http://fileserver:8080/doc",
        "http://0.0.0.0/",
        "https://portal.corp/",
        "http://[::ffff:192.168.0.1]/",
    ],
)
def test_local_addresses_are_errors(url: str) -> None:
    text = f"Consulta {url} hoy"
    [f] = check_links(text)
    assert (f.code, f.severity) == ("link_local", "error") and f.quote(text) == url


def test_is_local_host_public_names() -> None:
    assert not is_local_host("empleo.example.es")
    assert not is_local_host("8.8.8.8")
    assert is_local_host("LOCALHOST")


def test_offline_never_fetches() -> None:
    def boom(url: str, timeout: float) -> LinkStatus:
        raise AssertionError("fetched while offline")

    assert check_links("https://empleo.example.es", fetch=boom) == []


def test_reachability_through_an_injected_fetch(server: str) -> None:
    text = f"Bien {server}/ok, mal {server}/missing, caído {server}/error, {server}/moved."
    found = check_links(text, f"{server}/nohead", online=True, fetch=LOCAL_FETCH, timeout=3)
    reach = sorted(
        (f.code, f.severity, f.quote(text) or f.field) for f in found if f.code != "link_local"
    )
    assert reach == [
        ("link_broken", "error", f"{server}/missing"),
        ("link_unreachable", "warning", f"{server}/error"),
    ]
    # The local-address rule still holds: only the injected fetch skips it.
    assert sum(f.code == "link_local" for f in found) == 5


def test_timeout_and_refused_connection(server: str) -> None:
    found = check_links(f"{server}/slow", online=True, fetch=LOCAL_FETCH, timeout=0.3)
    assert [f.code for f in found if f.code != "link_local"] == ["link_unreachable"]
    closed = "http://127.0.0.1:9/"  # discard port: nothing listens
    found = check_links(closed, online=True, fetch=LOCAL_FETCH, timeout=1)
    assert [f.code for f in found if f.code != "link_local"] == ["link_unreachable"]


def test_default_fetch_never_contacts_local_addresses(server: str) -> None:
    found = check_links(f"{server}/missing", online=True, timeout=1)
    assert [f.code for f in found] == ["link_local"]
    assert Handler.hits == []


def test_each_url_is_fetched_once() -> None:
    calls: list[str] = []

    def fake(url: str, timeout: float) -> LinkStatus:
        calls.append(url)
        return LinkStatus(checked=True, status=404)

    url = "https://empleo.example.es/x"
    found = check_links(f"{url} y otra vez {url}", url, online=True, fetch=fake)
    assert calls == [url] and len(found) == 3
    assert {f.field for f in found} == {"text", "link"}
