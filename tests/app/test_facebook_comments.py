"""Comments for the inbox and sign-in discovery, against the strict fake."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.errors import AuthExpired, Rejected, UnknownOutcome
from app.networks.base import OutgoingPost, RemoteComment, TokenSet
from app.networks.facebook import FacebookPages, list_pages
from tests.fakes.graph import FakeGraph, running_graph

PAGE = "1001"
TOKEN = "EAAGtestPAGEtoken1001secretXYZ"
USER_TOKEN = "EAAGtestUSERtokenLONGlivedABC"


@pytest.fixture(autouse=True)
def no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """No Page or user token in any log line (urllib3 logs request lines with queries)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    yield
    messages = [r.getMessage() for when in ("setup", "call") for r in caplog.get_records(when)]
    secrets = [TOKEN, *[t for t in (globals().get("USER_TOKEN"),) if isinstance(t, str)]]
    for secret in secrets:
        assert not [m for m in messages if secret in m]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeGraph]:
    with running_graph({PAGE: TOKEN}, clock=clock) as server:
        yield server


@pytest.fixture
def client(fake: FakeGraph) -> FacebookPages:
    return FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=3.0)


def collect(client: FacebookPages, post_id: str, cursor: str | None = None) -> list[RemoteComment]:
    out: list[RemoteComment] = []
    while True:
        page = client.list_comments(post_id, cursor)
        out += page.comments
        if page.next_cursor is None:
            return out
        cursor = page.next_cursor


# ------------------------------------------------------------------ reading


def test_recent_posts(client: FacebookPages, fake: FakeGraph, clock: Clock) -> None:
    ids = []
    for i in range(5):
        clock.now += 60
        ids.append(client.publish(OutgoingPost(f"Publicación {i}")).remote_id)
    assert client.recent_posts(3) == ids[::-1][:3]


def test_comments_with_replies_and_unknown_authors(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    post_id = client.publish(OutgoingPost("Abrimos inscripciones")).remote_id
    clock.now += 10
    first = fake.add_comment(post_id, "¿Hasta cuándo?", author=("u1", "Ana"))
    clock.now += 10
    fake.add_comment(post_id, "Sin nombre", author=None)
    clock.now += 10
    reply = fake.add_comment(post_id, "Hasta el viernes", author=("u2", "Luis"), parent=first)
    comments = collect(client, post_id)
    assert [c.text for c in comments] == ["¿Hasta cuándo?", "Sin nombre", "Hasta el viernes"]
    ana, anon, luis = comments
    assert (ana.author_name, ana.author_id, ana.parent_remote_id) == ("Ana", "u1", None)
    assert (anon.author_name, anon.author_id) == ("unknown", "")
    assert luis.remote_id == reply and luis.parent_remote_id == first
    assert all(c.post_remote_id == post_id and not c.is_own for c in comments)
    assert ana.created_at == datetime.fromtimestamp(clock.now - 20, UTC)
    [get] = [r for r in fake.requests() if r["path"].endswith("/comments")]
    assert get["params"]["filter"] == "stream" and get["params"]["order"] == "chronological"
    assert get["params"]["fields"] == "id,message,from,created_time,comment_count,parent"


def test_two_hundred_comments_collected_once_while_new_ones_arrive(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    post_id = client.publish(OutgoingPost("Muy comentada")).remote_id
    for i in range(200):
        clock.now += 1
        fake.add_comment(post_id, f"c{i}", author=(f"u{i}", f"Persona {i}"))
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        page = client.list_comments(post_id, cursor)
        pages += 1
        assert len(page.comments) <= 25
        seen += [c.text for c in page.comments]
        if pages == 3:  # new comments arrive between two fetches
            for j in range(5):
                clock.now += 1
                fake.add_comment(post_id, f"nuevo{j}")
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 205
    assert seen[:200] == [f"c{i}" for i in range(200)]
    assert pages == 9


# ------------------------------------------------------------------ replying, hiding


def test_reply_and_find_reply(client: FacebookPages, fake: FakeGraph, clock: Clock) -> None:
    post_id = client.publish(OutgoingPost("Pregunta")).remote_id
    question = fake.add_comment(post_id, "¿Dónde es?")
    [comment] = collect(client, post_id)
    since = datetime.fromtimestamp(clock.now, UTC)
    reply_id = client.reply_comment(comment, "En la calle Mayor, 1")
    [_, ours] = collect(client, post_id)
    assert ours.remote_id == reply_id and ours.is_own and ours.parent_remote_id == question
    assert client.find_reply(comment, "En la calle Mayor, 1", since) == reply_id
    assert client.find_reply(comment, "Otra cosa", since) is None
    assert client.find_reply(comment, "En la calle Mayor, 1", since + timedelta(hours=1)) is None


def test_reply_to_a_reply_goes_to_its_thread(client: FacebookPages, fake: FakeGraph) -> None:
    post_id = client.publish(OutgoingPost("Hilo")).remote_id
    top = fake.add_comment(post_id, "Arriba")
    fake.add_comment(post_id, "Respuesta", parent=top)
    reply = collect(client, post_id)[1]
    client.reply_comment(reply, "Gracias")
    assert [c["parent_id"] for c in fake.comments(post_id)] == [None, top, top]


def test_lost_reply_answer_then_find_reply(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    post_id = client.publish(OutgoingPost("Con respuesta perdida")).remote_id
    fake.add_comment(post_id, "Hola")
    [comment] = collect(client, post_id)
    since = datetime.fromtimestamp(clock.now, UTC)
    fake.drop_after_create_next(r"/comments$")
    with pytest.raises(UnknownOutcome):
        client.reply_comment(comment, "¡Hola!")
    found = client.find_reply(comment, "¡Hola!", since)
    assert found is not None and found == fake.comments(post_id)[1]["id"]


def test_hide_and_show(client: FacebookPages, fake: FakeGraph) -> None:
    post_id = client.publish(OutgoingPost("Moderación")).remote_id
    fake.add_comment(post_id, "Spam")
    [comment] = collect(client, post_id)
    client.hide_comment(comment)
    assert fake.comments(post_id)[0]["hidden"] is True
    client.hide_comment(comment, hidden=False)
    assert fake.comments(post_id)[0]["hidden"] is False


def test_comments_fake_is_strict(client: FacebookPages, fake: FakeGraph) -> None:
    post_id = client.publish(OutgoingPost("Estricto")).remote_id

    def get(query: dict[str, str]) -> int:
        url = f"{fake.url}/v25.0/{post_id}/comments?" + urllib.parse.urlencode(
            {**query, "access_token": TOKEN}
        )
        try:
            with urllib.request.urlopen(url, timeout=3) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)

    assert get({"fields": "id,message"}) == 200
    assert get({"fields": "id,bogus"}) == 400
    assert get({"filter": "everything"}) == 400
    assert get({"order": "random"}) == 400
    assert get({"limit": "500"}) == 400
    assert get({"after": "not-a-cursor"}) == 400
    assert get({"unknown": "1"}) == 400


# ------------------------------------------------------------------ sign-in


@pytest.fixture
def signed_in(fake: FakeGraph) -> FakeGraph:
    fake.add_page("2002", "EAAGpage2002", "Servicio de Empleo")
    fake.add_page("3003", "EAAGpage3003", "Biblioteca")
    fake.add_user(
        USER_TOKEN,
        {
            PAGE: ["ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE"],
            "2002": ["CREATE_CONTENT"],
            "3003": ["ANALYZE"],
        },
        instagram={"2002": "17841400000000002"},
    )
    return fake


def test_discover_pages(signed_in: FakeGraph) -> None:
    scopes = frozenset(FacebookPages.publish_scopes)
    found = FacebookPages.discover(TokenSet(USER_TOKEN, scopes=scopes), base_url=signed_in.url)
    assert [(a.remote_id, a.name, a.network, a.kind) for a in found] == [
        (PAGE, "Página de prueba", "facebook", "page"),
        ("2002", "Servicio de Empleo", "facebook", "page"),
        ("3003", "Biblioteca", "facebook", "page"),
    ]
    main, employment, library = found
    assert main.token.access_token == TOKEN and main.token.expires_at is None
    assert main.picture_url == f"https://scontent.example/{PAGE}.jpg"
    assert main.note == ""
    assert "Moderate" in employment.note
    assert "Create content" in library.note
    assert main.missing_scopes == {"pages_manage_engagement", "pages_read_user_content"}
    assert "EAAG" not in repr(main)
    [req] = [r for r in signed_in.requests() if r["path"].endswith("/me/accounts")]
    assert req["params"]["fields"] == (
        "id,name,access_token,tasks,picture{url},instagram_business_account"
    )


def test_discovered_token_publishes(signed_in: FakeGraph) -> None:
    [main, *_] = FacebookPages.discover(TokenSet(USER_TOKEN), base_url=signed_in.url)
    assert main.missing_scopes == frozenset()  # unknown scopes: nothing claimed missing
    page_client = FacebookPages(main.remote_id, main.token.access_token, base_url=signed_in.url)
    assert page_client.publish(OutgoingPost("Desde el inicio de sesión")).remote_id


def test_list_pages_follows_paging_and_instagram(signed_in: FakeGraph) -> None:
    pages = list_pages(USER_TOKEN, base_url=signed_in.url, page_size=2)
    assert [p.id for p in pages] == [PAGE, "2002", "3003"]
    assert pages[1].instagram_id == "17841400000000002" and pages[0].instagram_id is None
    gets = [r for r in signed_in.requests() if r["path"].endswith("/me/accounts")]
    assert len(gets) == 2 and "after" in gets[1]["params"]
    assert "EAAGpage" not in repr(pages)


def test_expired_user_token(signed_in: FakeGraph) -> None:
    signed_in.expire_user_token(USER_TOKEN)
    with pytest.raises(AuthExpired) as err:
        FacebookPages.discover(TokenSet(USER_TOKEN), base_url=signed_in.url)
    assert err.value.code == "190" and USER_TOKEN not in str(err.value)


def test_user_token_cannot_publish_as_the_page(signed_in: FakeGraph) -> None:
    wrong = FacebookPages(PAGE, USER_TOKEN, base_url=signed_in.url, timeout=3)
    with pytest.raises(Rejected):
        wrong.publish(OutgoingPost("Con el token de usuario"))


def fake_get(fake: FakeGraph, path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
    url = f"{fake.url}/v25.0/{path}?" + urllib.parse.urlencode(query)
    try:
        with urllib.request.urlopen(url, timeout=3) as resp:
            return int(resp.status), json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return int(exc.code), json.loads(exc.read())


def test_fake_debug_token_and_oauth(signed_in: FakeGraph, clock: Clock) -> None:
    app = f"{signed_in.app_id}|{signed_in.app_secret}"
    status, body = fake_get(signed_in, "debug_token", {"input_token": TOKEN, "access_token": app})
    assert status == 200 and body["data"]["type"] == "PAGE"
    assert body["data"]["expires_at"] == 0 and body["data"]["is_valid"] is True
    status, body = fake_get(
        signed_in, "debug_token", {"input_token": USER_TOKEN, "access_token": app}
    )
    assert body["data"]["type"] == "USER" and "pages_manage_posts" in body["data"]["scopes"]
    status, body = fake_get(
        signed_in, "debug_token", {"input_token": "nonsense", "access_token": app}
    )
    assert body["data"]["is_valid"] is False
    assert (
        fake_get(signed_in, "debug_token", {"input_token": TOKEN, "access_token": TOKEN})[0] == 400
    )
    # Code exchange, then long-lived exchange; the new token lists the same Pages.
    redirect = "http://localhost:8765/callback"
    code = signed_in.issue_code(USER_TOKEN, redirect)
    creds = {"client_id": signed_in.app_id, "client_secret": signed_in.app_secret}
    status, short = fake_get(
        signed_in, "oauth/access_token", {**creds, "redirect_uri": redirect, "code": code}
    )
    assert status == 200 and short["token_type"] == "bearer" and short["expires_in"] == 7200
    status, again = fake_get(
        signed_in, "oauth/access_token", {**creds, "redirect_uri": redirect, "code": code}
    )
    assert status == 400  # a code is used once
    status, long = fake_get(
        signed_in,
        "oauth/access_token",
        {**creds, "grant_type": "fb_exchange_token", "fb_exchange_token": short["access_token"]},
    )
    assert status == 200 and long["expires_in"] == 5_183_944
    pages = list_pages(long["access_token"], base_url=signed_in.url)
    assert [p.id for p in pages] == [PAGE, "2002", "3003"]
    clock.now += 5_183_944 + 1  # the long-lived token expires: 190/463
    with pytest.raises(AuthExpired):
        list_pages(long["access_token"], base_url=signed_in.url)


def test_find_reply_in_a_long_thread(client: FacebookPages, fake: FakeGraph, clock: Clock) -> None:
    """Our reply is found newest first, however many replies came before it."""
    post_id = client.publish(OutgoingPost("Hilo largo")).remote_id
    top = fake.add_comment(post_id, "Pregunta")
    for i in range(300):
        clock.now += 1
        fake.add_comment(post_id, f"r{i}", parent=top)
    [comment] = [c for c in collect(client, post_id) if c.remote_id == top]
    since = datetime.fromtimestamp(clock.now, UTC)
    clock.now += 1
    reply_id = client.reply_comment(comment, "Respuesta oficial")
    gets_before = len(fake.requests())
    assert client.find_reply(comment, "Respuesta oficial", since) == reply_id
    assert len(fake.requests()) == gets_before + 1  # one page, newest first
