"""FacebookPages against the strict fake Graph API (tests/fakes/graph.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import socket
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
import requests

from app.errors import (
    AuthExpired,
    Duplicate,
    NetworkError,
    RateLimited,
    Rejected,
    Transient,
    UnknownOutcome,
)
from app.networks.base import OutgoingMedia, OutgoingPost, Published
from app.networks.facebook import (
    GRAPH_VERSION,
    FacebookPages,
    classify_graph_error,
    message_for,
)
from app.networks.http import FilePart, MultipartBody, redact
from tests.fakes.graph import FakeGraph, running_graph

SHARED = Path("/work/shared")
MEDIA = SHARED / "samples" / "media"
FIXTURES = SHARED / "fixtures" / "facebook"
ROOT = Path(__file__).resolve().parents[2]

PAGE = "1001"
TOKEN = "EAAGtestPAGEtoken1001secretXYZ"
OTHER_PAGE = "2002"
OTHER_TOKEN = "EAAGtestPAGEtoken2002secretQRS"

E = TypeVar("E", bound=NetworkError)


@pytest.fixture
def fake() -> Iterator[FakeGraph]:
    pages = {PAGE: TOKEN, OTHER_PAGE: OTHER_TOKEN}
    with running_graph(pages) as server:
        server.add_page(PAGE, TOKEN, "Ayuntamiento de Prueba")
        yield server


@pytest.fixture
def client(fake: FakeGraph) -> FacebookPages:
    return FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=2.0)


@pytest.fixture(autouse=True)
def no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    # Another test's setup_logging() may have quietened urllib3; its request lines (which
    # carry the query string) are exactly what must be checked, so hear them again.
    caplog.set_level(logging.DEBUG, logger="urllib3")
    yield
    messages = [r.getMessage() for when in ("setup", "call") for r in caplog.get_records(when)]
    assert any("HTTP" in m for m in messages) or not messages  # logging was captured
    for secret in (TOKEN, OTHER_TOKEN):
        assert not [m for m in messages if secret in m]


def assert_no_secret(err: BaseException) -> None:
    """No token anywhere a person or a log could see it."""
    texts = [str(err), repr(err), *map(str, err.args)]
    texts.append("".join(traceback.format_exception(err)))
    if isinstance(err, NetworkError):
        texts.append(err.user_message)
    for text in texts:
        assert TOKEN not in text and OTHER_TOKEN not in text, text
        assert "access_token=" not in text or "access_token=***" in text, text
    assert err.__cause__ is None and err.__context__ is None  # no requests exception attached


def expect(kind: type[E], fn: Callable[..., Any], *args: Any) -> E:
    with pytest.raises(kind) as info:
        fn(*args)
    assert_no_secret(info.value)
    return info.value


def media(name: str, alt: str = "") -> OutgoingMedia:
    path = MEDIA / name
    mime = "image/png" if name.endswith(".png") else "image/jpeg"
    return OutgoingMedia(path, alt, mime, path.stat().st_size)


def sha(name: str) -> str:
    return hashlib.sha256((MEDIA / name).read_bytes()).hexdigest()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ---------------------------------------------------------------------- declared facts


def test_declared_limits() -> None:
    assert FacebookPages.key == "facebook" and FacebookPages.label == "Facebook"
    limits = FacebookPages.limits
    assert limits.max_chars == 63_206
    assert limits.image_formats == {"JPEG", "PNG", "GIF", "BMP", "TIFF"}
    assert limits.image_max_bytes <= 10 * 1024 * 1024
    assert limits.min_schedule_lead_seconds == 600
    assert GRAPH_VERSION == "v25.0"
    assert TOKEN not in repr(FacebookPages(PAGE, TOKEN))


def test_default_base_url() -> None:
    assert FacebookPages(PAGE, TOKEN).base_url == "https://graph.facebook.com"


# ---------------------------------------------------------------------- happy paths


def test_verify(client: FacebookPages) -> None:
    info = client.verify()
    assert (info.remote_id, info.name) == (PAGE, "Ayuntamiento de Prueba")


def test_publish_text(client: FacebookPages, fake: FakeGraph) -> None:
    result = client.publish(OutgoingPost("Pleno municipal el jueves a las 19:00 ✅"))
    [post] = fake.posts(PAGE)
    assert result == Published(post["id"], post["permalink_url"])
    assert result.remote_id.startswith(f"{PAGE}_")
    assert post["message"] == "Pleno municipal el jueves a las 19:00 ✅"
    assert post["link"] is None and post["photos"] == []
    create = [r for r in fake.requests() if r["method"] == "POST"]
    assert [r["path"] for r in create] == [f"/v25.0/{PAGE}/feed"]
    assert create[0]["token_in"] == "body"  # never in a create call's URL


def test_publish_link(client: FacebookPages, fake: FakeGraph) -> None:
    post = OutgoingPost("Abierto el plazo", link="https://sede.example.es/tramite?id=7")
    result = client.publish(post)
    [stored] = fake.posts(PAGE)
    assert stored["message"] == "Abierto el plazo"
    assert stored["link"] == "https://sede.example.es/tramite?id=7"
    assert result.permalink == stored["permalink_url"]


def test_publish_one_photo_with_unicode_filename(client: FacebookPages, fake: FakeGraph) -> None:
    name = "foto enorme ñandú.jpg"
    result = client.publish(OutgoingPost("Un ñandú en el parque", media=(media(name, "Ñandú"),)))
    [post] = fake.posts(PAGE)
    assert result.remote_id == post["id"] and result.permalink == post["permalink_url"]
    assert post["message"] == "Un ñandú en el parque"
    [photo] = post["photos"]
    assert photo["sha256"] == sha(name)
    assert photo["filename"] == name
    assert photo["alt_text"] == "Ñandú"
    assert (photo["format"], photo["width"], photo["height"]) == ("JPEG", 6000, 4000)
    [upload] = [r for r in fake.requests() if r["method"] == "POST"]
    assert upload["token_in"] == "body" and upload["params"]["alt_text_custom"] == "Ñandú"


def test_publish_several_photos_with_alt_texts(client: FacebookPages, fake: FakeGraph) -> None:
    names = [f"carrusel-{i}-1080x1080.jpg" for i in (1, 2, 3)]
    items = tuple(media(n, f"Diapositiva {i}") for i, n in enumerate(names, 1))
    post = OutgoingPost("Carrusel de la feria", link="https://example.es/feria", media=items)
    result = client.publish(post)
    [stored] = fake.posts(PAGE)
    assert result.remote_id == stored["id"]
    assert stored["message"] == "Carrusel de la feria\n\nhttps://example.es/feria"
    assert [p["sha256"] for p in stored["photos"]] == [sha(n) for n in names]
    assert [p["alt_text"] for p in stored["photos"]] == [f"Diapositiva {i}" for i in (1, 2, 3)]
    assert all(not p["published"] for p in stored["photos"])
    assert len(fake.photos(PAGE)) == 3  # no orphan uploads
    posts = [r["path"] for r in fake.requests() if r["method"] == "POST"]
    assert posts == [f"/v25.0/{PAGE}/photos"] * 3 + [f"/v25.0/{PAGE}/feed"]


def test_message_for_link_already_in_text() -> None:
    item = media("carrusel-1-1080x1080.jpg")
    post = OutgoingPost("Ver https://x.es/a", link="https://x.es/a", media=(item,))
    assert message_for(post) == "Ver https://x.es/a"
    assert message_for(OutgoingPost("", link="https://x.es/a", media=(item,))) == "https://x.es/a"
    assert message_for(OutgoingPost("Hola", link="https://x.es/a")) == "Hola"


def test_empty_post_is_rejected_locally(client: FacebookPages, fake: FakeGraph) -> None:
    assert expect(Rejected, client.publish, OutgoingPost("  ")).code == "empty"
    assert fake.requests() == []


# ---------------------------------------------------------------------- error mapping


def _fixture_error(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / name).read_text())["error"])


def _inject(fake: FakeGraph, err: dict[str, Any], path: str = "", **kw: Any) -> None:
    fake.fail_next(
        path,
        code=err["code"],
        message=err.get("message"),
        subcode=err.get("error_subcode"),
        is_transient=err.get("is_transient"),
        user_title=err.get("error_user_title"),
        user_msg=err.get("error_user_msg"),
        type=err.get("type", "OAuthException"),
        **kw,
    )


@pytest.mark.parametrize(
    ("fixture", "kind", "code", "user_message"),
    [
        ("restfb/exampleErrorNew.json", AuthExpired, "190", "A message"),
        ("restfb/oauthExampleError.json", Transient, "1", "Please choose another end date."),
        ("error.json", Rejected, "100", None),
        ("error_data.json", Rejected, "100", None),
    ],
)
def test_fixture_envelopes(
    client: FacebookPages,
    fake: FakeGraph,
    fixture: str,
    kind: type[NetworkError],
    code: str,
    user_message: str | None,
) -> None:
    err = _fixture_error(fixture)
    _inject(fake, err, r"/feed$", http_status=400)
    raised = expect(kind, client.publish, OutgoingPost("Hola"))
    assert type(raised) is kind
    assert raised.code == code
    assert raised.user_message == (user_message or err["message"])
    assert "Facebook" in str(raised)
    assert fake.posts(PAGE) == []


@pytest.mark.parametrize(
    ("code", "extra", "kind"),
    [
        (190, {"subcode": 463}, AuthExpired),
        (190, {"subcode": 460, "http_status": 401}, AuthExpired),
        (102, {}, AuthExpired),
        (4, {}, RateLimited),
        (17, {"http_status": 403}, RateLimited),
        (32, {}, RateLimited),
        (613, {"http_status": 429}, RateLimited),
        (80001, {}, RateLimited),
        (341, {}, RateLimited),
        (1, {}, Transient),
        (2, {"http_status": 400}, Transient),
        (100, {"is_transient": True}, Transient),
        (506, {}, Duplicate),
        (368, {}, Rejected),
        (10, {}, Rejected),
        (200, {"http_status": 403}, Rejected),
        (1609005, {}, Rejected),
        (100, {"http_status": 500}, Rejected),  # the vendor code wins over the status
    ],
)
def test_code_mapping(
    client: FacebookPages, fake: FakeGraph, code: int, extra: dict[str, Any], kind: type[E]
) -> None:
    fake.fail_next(r"/feed$", code=code, method="POST", **extra)
    raised = expect(kind, client.publish, OutgoingPost(f"Aviso {code}"))
    assert type(raised) is kind
    assert raised.code == str(code)
    assert raised.user_message
    if isinstance(raised, RateLimited):
        assert raised.retry_after == 300


def test_rate_limit_uses_buc_estimate(client: FacebookPages, fake: FakeGraph) -> None:
    fake.fail_next(r"/feed$", code=80001, regain_minutes=7)
    raised = expect(RateLimited, client.publish, OutgoingPost("Hola"))
    assert raised.retry_after == 7 * 60
    assert "7 minutes" in str(raised)


def test_user_msg_preferred(client: FacebookPages, fake: FakeGraph) -> None:
    fake.fail_next(code=368, message="(#368) technical", user_msg="Texto para personas")
    raised = expect(Rejected, client.verify)
    assert raised.user_message == "Texto para personas"
    assert "Texto para personas" in str(raised)


def test_classify_ignores_http_status() -> None:
    response = requests.Response()
    response.status_code = 200
    response._content = (FIXTURES / "restfb" / "exampleErrorNew.json").read_bytes()
    assert isinstance(classify_graph_error(response), AuthExpired)
    response._content = b'{"id": "1"}'
    assert classify_graph_error(response) is None
    response._content = b"<html>oops</html>"
    assert classify_graph_error(response) is None


def test_http_errors_without_envelope(client: FacebookPages, fake: FakeGraph) -> None:
    fake.fail_next(http_status=502, raw_body="<html>Bad gateway</html>")
    assert expect(Transient, client.verify).code == "http_502"
    fake.fail_next(http_status=429, raw_body="slow down", retry_after=17)
    assert expect(RateLimited, client.verify).retry_after == 17


# ---------------------------------------------------------------------- the fake's own checks


def test_wrong_token_is_auth_expired(fake: FakeGraph) -> None:
    bad = FacebookPages(PAGE, "EAAGwrong-token", base_url=fake.url, timeout=2)
    err = expect(AuthExpired, bad.verify)
    assert err.code == "190" and "EAAGwrong-token" not in str(err)


def test_other_pages_token_cannot_post(fake: FakeGraph) -> None:
    cross = FacebookPages(PAGE, OTHER_TOKEN, base_url=fake.url, timeout=2)
    assert expect(Rejected, cross.publish, OutgoingPost("Hola")).code == "100"
    assert fake.posts(PAGE) == []


def test_expired_token(client: FacebookPages, fake: FakeGraph) -> None:
    fake.expire_token(PAGE, subcode=460)
    assert expect(AuthExpired, client.publish, OutgoingPost("Hola")).code == "190"


def test_unknown_page(fake: FakeGraph) -> None:
    ghost = FacebookPages("999", TOKEN, base_url=fake.url, timeout=2)
    err = expect(Rejected, ghost.verify)
    assert err.code == "100" and "Object does not exist" in err.user_message


def test_duplicate_message(client: FacebookPages, fake: FakeGraph) -> None:
    client.publish(OutgoingPost("Mismo texto"))
    assert expect(Duplicate, client.publish, OutgoingPost("Mismo texto")).code == "506"
    assert len(fake.posts(PAGE)) == 1


@pytest.mark.parametrize("name", ["truncado.jpg", "vacio.jpg"])
def test_broken_images_are_refused(client: FacebookPages, fake: FakeGraph, name: str) -> None:
    err = expect(Rejected, client.publish, OutgoingPost("Foto", media=(media(name),)))
    assert err.code == "324"
    assert fake.posts(PAGE) == []


def test_missing_media_file(client: FacebookPages, tmp_path: Path) -> None:
    gone = OutgoingMedia(tmp_path / "no está.jpg", "", "image/jpeg", 10)
    err = expect(Rejected, client.publish, OutgoingPost("Foto", media=(gone,)))
    assert err.code == "media_unreadable" and "no está.jpg" in str(err)


def test_fake_is_strict(fake: FakeGraph) -> None:
    url = f"{fake.url}/v25.0/{PAGE}/feed"
    in_10_min = int(datetime.now(UTC).timestamp()) + 300

    def post(data: Any, **kw: Any) -> dict[str, Any]:
        return dict(requests.post(url, data=data, timeout=2, **kw).json())

    soon = {"access_token": TOKEN, "message": "x", "published": "false"}
    soon["scheduled_publish_time"] = str(in_10_min)
    assert post(soon)["error"]["code"] == 100
    assert post({"access_token": TOKEN, "mesage": "typo"})["error"]["code"] == 100
    assert post(json.dumps({"access_token": TOKEN, "message": "x"}))["error"]["code"] == 100
    assert post({"message": "x"})["error"]["code"] == 190
    no_version = requests.get(f"{fake.url}/{PAGE}", params={"access_token": TOKEN}, timeout=2)
    assert no_version.status_code == 404 and "error" in no_version.json()
    bad_media = {"access_token": TOKEN, "attached_media[0]": '{"media_fbid": "123"}'}
    assert post(bad_media)["error"]["code"] == 100
    ok = requests.get(f"{fake.url}/v25.0/{PAGE}", params={"access_token": TOKEN}, timeout=2)
    assert "X-App-Usage" in ok.headers and PAGE in ok.headers["X-Business-Use-Case-Usage"]
    assert fake.posts(PAGE) == []


# ---------------------------------------------------------------------- transport failures


def test_drop_after_create_then_reconcile(client: FacebookPages, fake: FakeGraph) -> None:
    since = datetime.now(UTC)
    post = OutgoingPost("Corte de agua mañana de 8 a 10")
    fake.drop_after_create_next(r"/feed$")
    expect(UnknownOutcome, client.publish, post)
    [stored] = fake.posts(PAGE)  # it IS there
    found = client.find_published(post, since)
    assert found == Published(stored["id"], stored["permalink_url"])


def test_drop_before_create_then_reconcile_finds_nothing(
    client: FacebookPages, fake: FakeGraph
) -> None:
    since = datetime.now(UTC)
    post = OutgoingPost("Nada publicado")
    fake.drop_next(r"/feed$", method="POST")
    expect(UnknownOutcome, client.publish, post)
    assert fake.posts(PAGE) == []
    assert client.find_published(post, since) is None


def test_drop_after_single_photo_then_reconcile(client: FacebookPages, fake: FakeGraph) -> None:
    since = datetime.now(UTC)
    post = OutgoingPost("Cartel", media=(media("carrusel-2-1080x1080.jpg"),))
    fake.drop_after_create_next(r"/photos$")
    expect(UnknownOutcome, client.publish, post)
    found = client.find_published(post, since)
    assert found is not None and found.remote_id == fake.posts(PAGE)[0]["id"]


def test_lost_unpublished_photo_upload_is_transient(client: FacebookPages, fake: FakeGraph) -> None:
    items = tuple(media(f"carrusel-{i}-1080x1080.jpg") for i in (1, 2))
    fake.drop_after_create_next(r"/photos$")
    expect(Transient, client.publish, OutgoingPost("Dos fotos", media=items))
    assert fake.posts(PAGE) == []  # nothing visible: a retry cannot duplicate


def test_post_timeout_is_unknown_outcome(fake: FakeGraph) -> None:
    client = FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=0.2)
    fake.delay_next(0.6, r"/feed$", method="POST")  # processed, answered too late
    expect(UnknownOutcome, client.publish, OutgoingPost("Lento"))
    assert len(fake.posts(PAGE)) == 1


def test_get_timeout_is_transient(fake: FakeGraph) -> None:
    client = FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=0.2)
    fake.delay_next(0.6, before=True)
    assert expect(Transient, client.verify).code == "timeout"


def test_dropped_read_is_transient(client: FacebookPages, fake: FakeGraph) -> None:
    fake.drop_next(method="GET")
    assert expect(Transient, client.verify).code == "timeout"


def test_connection_refused_is_transient() -> None:
    client = FacebookPages(PAGE, TOKEN, base_url=f"http://127.0.0.1:{free_port()}", timeout=1)
    assert expect(Transient, client.verify).code == "connect"
    assert expect(Transient, client.publish, OutgoingPost("Hola")).code == "connect"
    photo = OutgoingPost("Hola", media=(media("carrusel-1-1080x1080.jpg"),))
    assert expect(Transient, client.publish, photo).code == "connect"


def test_dns_failure_is_transient(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    client = FacebookPages(PAGE, TOKEN, base_url="http://no-such-host.invalid", timeout=1)
    assert expect(Transient, client.publish, OutgoingPost("Hola")).code == "connect"


def test_token_echoed_by_server_is_masked(client: FacebookPages, fake: FakeGraph) -> None:
    fake.fail_next(code=190, message=f"Malformed access token {TOKEN}")
    err = expect(AuthExpired, client.verify)
    assert "***" in err.user_message


# ---------------------------------------------------------------------- permalink


def test_permalink_fallback(client: FacebookPages, fake: FakeGraph) -> None:
    fake.fail_next(r"/v25\.0/\d+_\d+$", code=2, method="GET")
    result = client.publish(OutgoingPost("Sin permalink"))
    assert result.permalink == f"https://www.facebook.com/{result.remote_id}"
    assert fake.posts(PAGE)[0]["id"] == result.remote_id


def test_permalink_failure_never_hides_a_created_post(
    client: FacebookPages, fake: FakeGraph
) -> None:
    # The post exists once the create call answered: even an auth error on the
    # permalink read must return it, or a retry could publish it twice.
    fake.fail_next(r"/v25\.0/\d+_\d+$", code=190, method="GET")
    published = client.publish(OutgoingPost("Token muerto"))
    assert published.permalink == f"https://www.facebook.com/{published.remote_id}"
    assert len(fake.posts(PAGE)) == 1


# ---------------------------------------------------------------------- reconciliation


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def timed() -> Iterator[tuple[FakeGraph, Clock, FacebookPages]]:
    clock = Clock()
    with running_graph({PAGE: TOKEN}, clock=clock) as server:
        yield server, clock, FacebookPages(PAGE, TOKEN, base_url=server.url, timeout=2)


def test_find_published_time_window(timed: tuple[FakeGraph, Clock, FacebookPages]) -> None:
    fake, clock, client = timed
    post = OutgoingPost("Bando de fiestas")
    old = client.publish(post)
    clock.now += 3600
    client.publish(OutgoingPost("Otro"))
    since = datetime.fromtimestamp(clock.now, UTC)
    assert client.find_published(post, since) is None  # an hour older: not ours
    assert client.find_published(post, since - timedelta(hours=1, seconds=60)) == old


def test_find_published_pages_through_feed(timed: tuple[FakeGraph, Clock, FacebookPages]) -> None:
    fake, clock, client = timed
    since = datetime.fromtimestamp(clock.now, UTC)
    target = OutgoingPost("El primero")
    first = client.publish(target)
    for i in range(30):
        clock.now += 1
        client.publish(OutgoingPost(f"Relleno {i}"))
    assert client.find_published(target, since) == first
    gets = [r for r in fake.requests() if r["path"].endswith("/feed") and r["method"] == "GET"]
    assert len(gets) == 2 and "after" in gets[1]["params"]


def test_find_published_photos_only(timed: tuple[FakeGraph, Clock, FacebookPages]) -> None:
    fake, clock, client = timed
    since = datetime.fromtimestamp(clock.now, UTC)
    photo_post = OutgoingPost("", media=(media("carrusel-3-1080x1080.jpg"),))
    published = client.publish(photo_post)
    client.publish(OutgoingPost("Con texto"))
    assert client.find_published(photo_post, since) == published
    client.publish(OutgoingPost("", media=(media("carrusel-1-1080x1080.jpg"),)))
    with pytest.raises(UnknownOutcome):  # ambiguous: two candidates, never guess
        client.find_published(photo_post, since)


# ---------------------------------------------------------------------- helpers


def test_redact() -> None:
    text = (
        f"GET https://graph.facebook.com/v25.0/1?access_token={TOKEN}&fields=id "
        f"Authorization: OAuth {TOKEN} {{'access_token': '{TOKEN}'}}"
    )
    masked = redact(text)
    assert TOKEN not in masked and "fields=id" in masked
    assert redact(f"raw {TOKEN} here", [TOKEN]) == "raw *** here"


def test_multipart_body_streams_exact_length() -> None:
    path = MEDIA / "carrusel-1-1080x1080.jpg"
    body = MultipartBody([("message", "ñ"), ("source", FilePart(path, "a b ñ.jpg", "image/jpeg"))])
    chunks = list(body)
    assert sum(map(len, chunks)) == len(body)
    data = b"".join(chunks)
    assert path.read_bytes() in data and 'filename="a b ñ.jpg"'.encode() in data


# ---------------------------------------------------------------------- the fake as a process


def test_fake_cli_and_control_endpoint() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.graph",
            "--port",
            "0",
            "--pages",
            f"{PAGE}:{TOKEN}:Sede",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        client = FacebookPages(PAGE, TOKEN, base_url=url, timeout=2)
        assert client.verify().name == "Sede"
        control = requests.post(f"{url}/__fake__/fail", json={"path": "/feed$", "code": 506})
        assert control.json() == {"ok": True}
        expect(Duplicate, client.publish, OutgoingPost("Hola"))
        requests.post(f"{url}/__fake__/drop_after_create", json={"path": "/feed$"})
        expect(UnknownOutcome, client.publish, OutgoingPost("Hola"))
        state = requests.get(f"{url}/__fake__/state", timeout=2).json()
        assert [p["message"] for p in state["pages"][PAGE]["posts"]] == ["Hola"]
    finally:
        proc.terminate()
        proc.wait(5)
