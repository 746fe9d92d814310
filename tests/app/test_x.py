"""XAccount against the strict fake X API (tests/fakes/x.py)."""

from __future__ import annotations

import json
import logging
import time
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
from app.networks import x as xmod
from app.networks.base import (
    OutgoingMedia,
    OutgoingPost,
    PostOptions,
    Progress,
    RemoteComment,
    TokenSet,
)
from app.networks.registry import NETWORKS, create_client
from app.networks.x import XAccount, match_key, thread_parts
from tests.fakes.x import DUPLICATE_DETAIL, FakeX, running_x

SHARED = Path("/work/shared")
MEDIA = SHARED / "samples" / "media"
SAMPLES = json.loads((SHARED / "samples" / "posts.json").read_text(encoding="utf-8"))

USER = "1500000000000000001"
TOKEN = "xUserAccessTokenSECRET-1500-abcdef"
OTHER = "1500000000000000002"
OTHER_TOKEN = "xUserAccessTokenSECRET-other-zzz"

E = TypeVar("E", bound=NetworkError)


def sample(post_id: str) -> dict[str, Any]:
    return next(p for p in SAMPLES["posts"] if p["id"] == post_id)


@pytest.fixture
def fake() -> Iterator[FakeX]:
    with running_x({USER: TOKEN, OTHER: OTHER_TOKEN}) as server:
        server.add_user(USER, TOKEN, "empleo_region", "Agencia Regional de Empleo")
        yield server


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def client(fake: FakeX, sleeps: Sleeps) -> XAccount:
    return XAccount(USER, TOKEN, base_url=fake.url, timeout=2.0, sleep=sleeps)


@pytest.fixture(autouse=True)
def no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    yield
    messages = [r.getMessage() for when in ("setup", "call") for r in caplog.get_records(when)]
    for secret in (TOKEN, OTHER_TOKEN):
        assert not [m for m in messages if secret in m]


def expect(kind: type[E], fn: Callable[..., Any], *args: Any) -> E:
    with pytest.raises(kind) as info:
        fn(*args)
    err = info.value
    texts = [str(err), repr(err), err.user_message, "".join(traceback.format_exception(err))]
    for text in texts:
        assert TOKEN not in text
    return err


def media(name: str, alt: str = "", mime: str = "") -> OutgoingMedia:
    path = MEDIA / name
    if not mime:
        mime = {"png": "image/png", "mp4": "video/mp4", "gif": "image/gif"}.get(
            name.rsplit(".", 1)[-1], "image/jpeg"
        )
    return OutgoingMedia(path, alt, mime, path.stat().st_size)


class Saved:
    """A Progress whose saves are recorded (as the publishing service would persist)."""

    def __init__(self) -> None:
        self.snapshots: list[dict[str, Any]] = []
        self.progress = Progress({}, self.snapshots.append)


# --------------------------------------------------------------------- declared facts


def test_declared_facts() -> None:
    assert XAccount.key == "x" and XAccount.label == "X"
    assert NETWORKS["x"] is XAccount
    assert XAccount.limits.max_chars == 280 and XAccount.limits.max_images == 4
    assert XAccount.required_scopes == {
        "tweet.read",
        "tweet.write",
        "users.read",
        "media.write",
        "offline.access",
    }
    assert XAccount.supports_comments
    assert XAccount(USER, TOKEN).base_url == "https://api.x.com"
    assert TOKEN not in repr(XAccount(USER, TOKEN))


def test_registry_override(monkeypatch: pytest.MonkeyPatch, fake: FakeX) -> None:
    monkeypatch.setenv("PREGONERO_X_API", fake.url)
    client = create_client("x", USER, TOKEN, timeout=2)
    assert client.verify().remote_id == USER


def test_count_chars_is_weighted() -> None:
    assert XAccount.count_chars("Hola https://empleo.example.es/un/camino/muy/largo") == 5 + 23
    assert XAccount.count_chars("👩‍💻") == 2
    assert XAccount.count_chars("日本") == 4


# --------------------------------------------------------------------- validation


def test_validate_parts_and_media() -> None:
    long = "x" * 281
    post = OutgoingPost("ok", options=PostOptions(thread=("fine", long)))
    problems = XAccount.validate(post)
    assert [(p.code, p.field) for p in problems] == [("text_too_long", "thread:2")]
    five = tuple(media("carrusel-1-1080x1080.jpg") for _ in range(5))
    assert "too_many_media" in {p.code for p in XAccount.validate(OutgoingPost("x", media=five))}
    mixed = (media("carrusel-1-1080x1080.jpg"), media("reel-ultimo-dia-720x1280.mp4"))
    assert "mixed_media" in {p.code for p in XAccount.validate(OutgoingPost("x", media=mixed))}
    big = OutgoingMedia(MEDIA / "carrusel-1-1080x1080.jpg", "", "image/jpeg", 6_000_000)
    assert "media_too_big" in {p.code for p in XAccount.validate(OutgoingPost("x", media=(big,)))}
    short = OutgoingMedia(
        MEDIA / "reel-ultimo-dia-720x1280.mp4", "", "video/mp4", 10, None, None, 0.2
    )
    assert "video_duration" in {
        p.code for p in XAccount.validate(OutgoingPost("x", media=(short,)))
    }
    assert XAccount.validate(OutgoingPost("")) and XAccount.validate(OutgoingPost("hola")) == []


def test_samples_for_x_validate() -> None:
    for post in SAMPLES["posts"]:
        if "x" not in post["channels"]:
            continue
        if "thread" in post:
            out = OutgoingPost(
                post["thread"][0], options=PostOptions(thread=tuple(post["thread"][1:]))
            )
        else:
            out = OutgoingPost(post["text"]["es"])
        assert XAccount.validate(out) == [], post["id"]


# --------------------------------------------------------------------- publishing


def test_publish_emoji_heavy_sample(client: XAccount, fake: FakeX) -> None:
    text = sample("x-long-emoji")["text"]["es"]
    assert XAccount.count_chars(text) <= 280 < len(text)  # only fits counted X's way
    result = client.publish(OutgoingPost(text))
    (tweet,) = fake.tweets(USER)
    assert tweet["text"] == text and result.remote_id == tweet["id"]
    assert result.permalink == f"https://x.com/i/web/status/{tweet['id']}"
    assert client.rate_limit is not None and client.rate_limit.endpoint == "POST /2/tweets"
    assert client.rate_limit.limit == 100 and client.rate_limit.remaining == 99


def test_publish_thread_sample(client: XAccount, fake: FakeX) -> None:
    parts = sample("x-thread-requisitos")["thread"]
    saved = Saved()
    post = OutgoingPost(
        parts[0], options=PostOptions(thread=tuple(parts[1:])), progress=saved.progress
    )
    result = client.publish(post)
    tweets = fake.tweets(USER)
    assert [t["text"] for t in tweets] == parts
    assert tweets[0]["reply_to"] is None
    for prev, cur in zip(tweets, tweets[1:], strict=False):
        assert cur["reply_to"] == prev["id"] and cur["conversation_id"] == tweets[0]["id"]
    assert result.remote_id == tweets[0]["id"]
    assert result.extra["thread_ids"] == ",".join(t["id"] for t in tweets)
    assert [len(s["x_parts"]) for s in saved.snapshots] == [1, 2, 3, 4]


def test_link_goes_into_text(client: XAccount, fake: FakeX) -> None:
    client.publish(OutgoingPost("Inscríbete ya", link="https://empleo.example.es/inscripcion"))
    assert fake.tweets(USER)[0]["text"] == "Inscríbete ya\n\nhttps://empleo.example.es/inscripcion"
    assert thread_parts(OutgoingPost("ver https://a.es/x", link="https://a.es/x"))[0] == (
        "ver https://a.es/x"
    )


def test_publish_four_images_with_alt_text(client: XAccount, fake: FakeX) -> None:
    names = [
        "carrusel-1-1080x1080.jpg",
        "carrusel-2-1080x1080.jpg",
        "carrusel-3-1080x1080.jpg",
        "cierre-oficinas-1080x1080.png",
    ]
    items = tuple(media(n, f"Paso {i + 1}") for i, n in enumerate(names))
    saved = Saved()
    client.publish(OutgoingPost("Tres pasos", media=items, progress=saved.progress))
    (tweet,) = fake.tweets(USER)
    assert len(tweet["media_ids"]) == 4
    assert tweet["alt_texts"] == ["Paso 1", "Paso 2", "Paso 3", "Paso 4"]
    assert all(m["kind"] == "image" for m in fake.media())
    assert sorted(saved.progress.data["x_media"]) == ["0", "1", "2", "3"]


def test_video_chunked_with_status_progression(
    client: XAccount, fake: FakeX, sleeps: Sleeps, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xmod, "CHUNK_BYTES", 32 * 1024)
    fake.processing(steps=3, check_after=4)
    video = media("reel-ultimo-dia-720x1280.mp4", "Cuenta atrás del último día")
    saved = Saved()
    client.publish(OutgoingPost("🚨 Último día", media=(video,), progress=saved.progress))
    (tweet,) = fake.tweets(USER)
    (m,) = fake.media()
    assert m["kind"] == "video" and m["size"] == video.size_bytes
    assert m["statuses_seen"] == ["in_progress", "in_progress", "succeeded"]
    assert sleeps.calls == [4, 4, 4]  # check_after_secs honoured before each STATUS
    assert tweet["media_ids"] == [m["id"]]
    paths = [r["path"] for r in fake.requests()]
    appends = [p for p in paths if p.endswith("/append")]
    assert len(appends) == -(-video.size_bytes // (32 * 1024))
    assert saved.progress.data["x_media"]["0"]["state"] == "ready"


def test_video_processing_failure_is_rejected(client: XAccount, fake: FakeX) -> None:
    fake.processing(steps=2, fail=True)
    video = media("tutorial-inscripcion-1280x720.mp4")
    err = expect(Rejected, client.publish, OutgoingPost("Tutorial", media=(video,)))
    assert err.code == "media_processing_failed" and "Unsupported" in str(err)
    assert fake.tweets(USER) == []


def test_video_upload_resumes_from_progress(
    client: XAccount, fake: FakeX, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xmod, "CHUNK_BYTES", 32 * 1024)
    video = media("reel-ultimo-dia-720x1280.mp4")
    saved = Saved()
    post = OutgoingPost("Vídeo", media=(video,), progress=saved.progress)
    fake.fail_next(r"/append$", status=503, times=1)
    with pytest.raises(Transient):
        client.publish(post)
    first_id = saved.progress.data["x_media"]["0"]["id"]
    assert saved.progress.data["x_media"]["0"]["next_segment"] == 0
    client.publish(post)  # same upload session, continues
    inits = [r for r in fake.requests() if r["path"].endswith("/initialize")]
    assert len(inits) == 1
    assert [m["id"] for m in fake.media()] == [first_id]
    assert len(fake.tweets(USER)) == 1


def test_gif_and_legacy_image_path(fake: FakeX, tmp_path: Path, client: XAccount) -> None:
    from PIL import Image

    gif = tmp_path / "anim.gif"
    frames = [Image.new("RGB", (40, 40), c) for c in ("red", "blue")]
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100)
    item = OutgoingMedia(gif, "animación", "image/gif", gif.stat().st_size)
    client.publish(OutgoingPost("GIF", media=(item,)))
    (m,) = fake.media()
    assert m["kind"] == "gif" and m["state"] == "succeeded" and m["alt_text"] == "animación"


def test_legacy_command_form_is_served(fake: FakeX) -> None:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    data = (MEDIA / "reel-ultimo-dia-720x1280.mp4").read_bytes()
    init = session.post(
        fake.url + "/2/media/upload",
        data={
            "command": "INIT",
            "total_bytes": str(len(data)),
            "media_type": "video/mp4",
            "media_category": "tweet_video",
        },
    )
    media_id = init.json()["data"]["id"]
    app = session.post(
        fake.url + "/2/media/upload",
        data={"command": "APPEND", "media_id": media_id, "segment_index": "0"},
        files={"media": ("blob", data, "video/mp4")},
    )
    assert app.status_code == 200
    fin = session.post(
        fake.url + "/2/media/upload", data={"command": "FINALIZE", "media_id": media_id}
    )
    assert fin.json()["data"]["processing_info"]["state"] == "pending"
    status = session.get(
        fake.url + "/2/media/upload", params={"command": "STATUS", "media_id": media_id}
    )
    assert status.json()["data"]["processing_info"]["state"] == "succeeded"


# --------------------------------------------------------------------- fake strictness


def test_fake_refuses_what_x_refuses(fake: FakeX) -> None:
    s = requests.Session()
    url = fake.url + "/2/tweets"
    assert s.post(url, json={"text": "hola"}).status_code == 401
    s.headers["Authorization"] = f"Bearer {TOKEN}"
    r = s.post(url, json={"text": "hola", "status": "x"})
    assert r.status_code == 400 and "not allowed" in r.json()["detail"]
    assert s.post(url, json={"text": "x" * 281}).status_code == 400
    assert s.post(url, json={"text": "👍" * 141}).status_code == 400
    assert s.post(url, json={"text": "👍" * 140}).status_code == 201
    dup = s.post(url, json={"text": "👍" * 140})
    assert dup.status_code == 403 and dup.json()["detail"] == DUPLICATE_DETAIL
    assert s.post(url, data="text=hola").status_code == 400
    assert s.post(url, json={"text": "a", "media": {"media_ids": ["123"]}}).status_code == 400
    for r in (dup,):
        assert {"x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset"} <= set(
            k.lower() for k in r.headers
        )
    init = s.post(
        fake.url + "/2/media/upload/initialize",
        json={"media_type": "video/mp4", "total_bytes": 10, "media_category": "tweet_video"},
    )
    mid = init.json()["data"]["id"]
    bad = s.post(
        f"{fake.url}/2/media/upload/{mid}/append",
        data={"segment_index": "1000"},
        files={"media": ("b", b"0123456789")},
    )
    assert bad.status_code == 400
    skip = s.post(
        f"{fake.url}/2/media/upload/{mid}/append",
        data={"segment_index": "1"},
        files={"media": ("b", b"0123456789")},
    )
    assert skip.status_code == 400
    fin = s.post(f"{fake.url}/2/media/upload/{mid}/finalize")
    assert fin.status_code == 400  # nothing appended


# --------------------------------------------------------------------- errors


def test_duplicate_reconciles_to_the_earlier_post(client: XAccount, fake: FakeX) -> None:
    text = "Feria de Empleo el jueves https://empleo.example.es/feria & más"
    first = client.publish(OutgoingPost(text))
    since = datetime.now(UTC) - timedelta(minutes=1)
    # A new attempt without progress: X says duplicate; the earlier post is found.
    again = client.publish(OutgoingPost(text, due_at=since))
    assert again.remote_id == first.remote_id
    assert len(fake.tweets(USER)) == 1
    assert client.find_published(OutgoingPost(text), since).remote_id == first.remote_id  # type: ignore[union-attr]


def test_duplicate_not_found_raises_duplicate(client: XAccount, fake: FakeX) -> None:
    real = fake.clock
    fake.clock = lambda: real() - 3 * 86_400  # an old post, outside the window we look in
    client.publish(OutgoingPost("Texto repetido"))
    fake.clock = real
    due = datetime.now(UTC) - timedelta(minutes=1)
    err = expect(Duplicate, client.publish, OutgoingPost("Texto repetido", due_at=due))
    assert err.code == "duplicate" and "duplicate" in err.user_message
    start = [r["query"] for r in fake.requests() if r["path"].endswith("/tweets")][-1]
    assert "start_time=" in start


def test_prepare_uploads_ahead(client: XAccount, fake: FakeX, sleeps: Sleeps) -> None:
    fake.processing(steps=2, check_after=3)
    video = media("reel-ultimo-dia-720x1280.mp4", "Reloj")
    saved = Saved()
    post = OutgoingPost("Mañana", media=(video,), progress=saved.progress)
    assert XAccount.prepare_lead_seconds > 0
    assert client.prepare(post) is True
    assert fake.tweets(USER) == [] and saved.progress.data["x_media"]["0"]["state"] == "ready"
    before = len(fake.requests())
    client.publish(post)
    paths = [r["path"] for r in fake.requests()[before:]]
    assert paths == ["/2/tweets"]  # only the create at due time
    assert fake.tweets(USER)[0]["alt_texts"] == ["Reloj"]


def test_fake_runs_as_a_process_with_control_api() -> None:
    import subprocess
    import sys
    import urllib.request

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.x", "--users", f"{USER}:{TOKEN}:empleo"],
        cwd=root,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        req = urllib.request.Request(
            url + "/__fake__/drop_after_create", data=b'{"path": "^/2/tweets$"}', method="POST"
        )
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert json.loads(resp.read())["ok"] is True
        client = XAccount(USER, TOKEN, base_url=url, timeout=3)
        with pytest.raises(UnknownOutcome):
            client.publish(OutgoingPost("Desde otro proceso"))
        with urllib.request.urlopen(url + "/__fake__/state", timeout=5) as resp:
            state = json.loads(resp.read())
        assert [t["text"] for t in state["tweets"]] == ["Desde otro proceso"]
    finally:
        proc.terminate()
        proc.wait(10)


def test_lost_answer_mid_thread_continues_without_reposting(client: XAccount, fake: FakeX) -> None:
    parts = sample("x-thread-requisitos")["thread"]
    saved = Saved()
    due = datetime.now(UTC) - timedelta(seconds=5)
    post = OutgoingPost(
        parts[0], due_at=due, options=PostOptions(thread=tuple(parts[1:])), progress=saved.progress
    )
    fake.drop_after_create_next(r"^/2/tweets$")  # part 1 created, answer lost
    fake.drop_after_create_next(r"^/2/tweets$")  # (same fault consumed once)
    with pytest.raises(UnknownOutcome):
        client.publish(post)
    assert len(fake.tweets(USER)) == 1 and saved.progress.data.get("x_parts") is None
    # Reconcile: the first part is there, not the rest: None, but progress records it.
    assert client.find_published(post, due) is None
    assert len(saved.progress.data["x_parts"]) == 1
    # Publish again: continues after part 1.
    with pytest.raises(UnknownOutcome):  # second fault: part 2 created, answer lost
        client.publish(post)
    assert len(fake.tweets(USER)) == 2
    result = client.publish(post)  # part 2 -> duplicate -> found -> parts 3, 4
    tweets = fake.tweets(USER)
    assert [t["text"] for t in tweets] == parts
    assert result.remote_id == tweets[0]["id"]
    assert client.find_published(post, due).remote_id == tweets[0]["id"]  # type: ignore[union-attr]


def test_lost_answer_reconciled_with_fresh_progress(client: XAccount, fake: FakeX) -> None:
    text = sample("pf-reminder")["text"]["es"]
    fake.drop_after_create_next(r"^/2/tweets$")
    since = datetime.now(UTC) - timedelta(seconds=2)
    with pytest.raises(UnknownOutcome):
        client.publish(OutgoingPost(text))
    found = client.find_published(OutgoingPost(text), since)
    assert found is not None and found.remote_id == fake.tweets(USER)[0]["id"]
    assert client.find_published(OutgoingPost("otro texto"), since) is None


@pytest.mark.parametrize("style", ["legacy", "problem", "usage-capped"])
def test_rate_limit(client: XAccount, fake: FakeX, style: str) -> None:
    fake.rate_limit_next(r"^/2/tweets$", style=style, reset_in=600)
    err = expect(RateLimited, client.publish, OutgoingPost("hola"))
    assert 590 <= err.retry_after <= 601
    assert err.code == ("usage_capped" if style == "usage-capped" else "rate_limited")
    assert client.rate_limit is not None and client.rate_limit.remaining == 0


def test_window_exhaustion_gives_429(client: XAccount, fake: FakeX) -> None:
    for i in range(100):
        client.publish(OutgoingPost(f"post {i}"))
    err = expect(RateLimited, client.publish, OutgoingPost("one too many"))
    assert 0 < err.retry_after <= 900


def test_expired_token(client: XAccount, fake: FakeX) -> None:
    fake.expire_token(USER)
    err = expect(AuthExpired, client.publish, OutgoingPost("hola"))
    assert "Reconnect" in str(err)


def test_server_error_is_transient_answered(client: XAccount, fake: FakeX) -> None:
    fake.fail_next(r"^/2/tweets$", status=503)
    err = expect(Transient, client.publish, OutgoingPost("hola"))
    assert err.answered


def test_too_long_refused_by_fake_when_not_validated(client: XAccount) -> None:
    err = expect(Rejected, client.publish, OutgoingPost("日本" * 71))
    assert "too long" in err.user_message


# --------------------------------------------------------------------- sign-in


def test_discover(fake: FakeX) -> None:
    tokens = TokenSet(TOKEN, "refresh-secret", scopes=frozenset({"tweet.read", "users.read"}))
    (account,) = XAccount.discover(tokens, base_url=fake.url, timeout=2)
    assert account.network == "x" and account.kind == "user" and account.remote_id == USER
    assert account.name == "Agencia Regional de Empleo (@empleo_region)"
    assert account.token is tokens and account.picture_url.startswith("https://pbs.twimg.com/")
    assert account.missing_scopes == {"tweet.write", "media.write", "offline.access"}
    with pytest.raises(AuthExpired):
        XAccount.discover(TokenSet("wrong"), base_url=fake.url, timeout=2)


# --------------------------------------------------------------------- comments


def test_comments_paginate_and_reply(client: XAccount, fake: FakeX) -> None:
    root = client.publish(OutgoingPost("¿Dudas sobre los cursos?")).remote_id
    ids = [fake.add_reply(root, f"Pregunta {i} & duda") for i in range(12)]
    nested = fake.add_reply(ids[0], "respuesta a la pregunta 0", author_id="998", username="otro")
    assert client.recent_posts(5) == [root]
    page1 = client.list_comments(root)
    assert len(page1.comments) == 10 or len(page1.comments) == 13
    seen = list(page1.comments)
    cursor = page1.next_cursor
    while cursor:
        page = client.list_comments(root, cursor)
        seen.extend(page.comments)
        cursor = page.next_cursor
    assert {c.remote_id for c in seen} == {*ids, nested}
    by_id = {c.remote_id: c for c in seen}
    assert by_id[ids[0]].parent_remote_id is None and by_id[nested].parent_remote_id == ids[0]
    assert by_id[ids[3]].author_name == "Vecina" and by_id[ids[3]].text == "Pregunta 3 & duda"
    assert not by_id[ids[3]].is_own and by_id[ids[3]].permalink.startswith("https://x.com/vecina/")
    reply_id = client.reply_comment(by_id[ids[3]], "Te escribimos por privado")
    since = datetime.now(UTC) - timedelta(minutes=1)
    assert client.find_reply(by_id[ids[3]], "Te escribimos por privado", since) == reply_id
    assert client.find_reply(by_id[ids[4]], "Te escribimos por privado", since) is None


def test_reply_restriction(client: XAccount, fake: FakeX) -> None:
    root = client.publish(OutgoingPost("Publicación")).remote_id
    cid = fake.add_reply(root, "Tengo una duda")
    mention = fake.add_reply(root, "@empleo_region ¿me ayudáis?")
    fake.reply_restriction = True
    comment = RemoteComment(
        cid,
        root,
        None,
        "Vecina",
        "999",
        "Tengo una duda",
        datetime.now(UTC),
        permalink="https://x.com/vecina/status/" + cid,
    )
    err = expect(Rejected, client.reply_comment, comment, "Hola")
    assert err.code == "reply_not_allowed"
    assert "mentioned" in str(err) and "https://x.com/vecina/status/" + cid in str(err)
    fake.fail_next(
        r"^/2/tweets$", status=403, detail="You are not permitted to perform this action."
    )
    other = expect(Rejected, client.reply_comment, comment, "Hola")
    assert other.code == "reply_not_allowed"  # unknown 403 wording: same advice
    ok = RemoteComment(mention, root, None, "Vecina", "999", "", datetime.now(UTC))
    assert client.reply_comment(ok, "¡Claro!")
    # Own thread replies stay allowed.
    client.publish(OutgoingPost("Hilo", options=PostOptions(thread=("segunda parte",))))


def test_match_key_ignores_tco_and_entities() -> None:
    sent = "Cursos & más: https://empleo.example.es/cursos2027 <hoy>"
    returned = "Cursos &amp; más: https://t.co/abc123XYZ &lt;hoy&gt;"
    assert match_key(sent) == match_key(returned)
    assert match_key("a https://x.es/1") != match_key("b https://x.es/1")


def test_rate_limit_headers_exposed(client: XAccount) -> None:
    client.verify()
    info = client.rate_limits["GET /2/users/me"]
    assert info.limit == 900 and info.remaining == 899
    assert info.reset_at is not None and info.reset_at > datetime.now(UTC)
    assert time.time() < info.reset_at.timestamp() <= time.time() + 901
