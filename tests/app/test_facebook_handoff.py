"""Native hand-off (Facebook's own scheduling) and the first comment, against the strict
fake with an injectable clock."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.errors import Rejected, UnknownOutcome
from app.networks.base import OutgoingMedia, OutgoingPost, PostOptions, Progress
from app.networks.facebook import HANDOFF_MAX_SECONDS, FacebookPages
from tests.fakes.graph import FakeGraph, running_graph

PAGE = "1001"
TOKEN = "EAAGtestPAGEtoken1001secretXYZ"
MEDIA = Path("/work/shared/samples/media")


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

    def dt(self) -> datetime:
        return datetime.fromtimestamp(self.now, UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeGraph]:
    with running_graph({PAGE: TOKEN}, clock=clock) as server:
        yield server


@pytest.fixture
def client(fake: FakeGraph, clock: Clock) -> FacebookPages:
    return FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=3.0, now=clock.dt)


def photo(name: str, alt: str = "") -> OutgoingMedia:
    path = MEDIA / name
    return OutgoingMedia(path, alt, "image/jpeg", path.stat().st_size)


def later(clock: Clock, seconds: float) -> datetime:
    return clock.dt() + timedelta(seconds=seconds)


# ------------------------------------------------------------------ hand-off


def test_hand_off_text_goes_live_when_its_time_comes(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    post = OutgoingPost("Charla de orientación el jueves", link="https://example.org/charla")
    when = later(clock, 3600)
    handed = client.hand_off(post, when)
    assert handed.permalink == "" and handed.remote_id.startswith(PAGE + "_")
    [scheduled] = fake.scheduled(PAGE)
    assert scheduled["id"] == handed.remote_id
    assert scheduled["scheduled_publish_time"] == int(when.timestamp())
    assert scheduled["link"] == "https://example.org/charla" and not scheduled["published"]
    assert post.progress.data == {"handoff_post_id": handed.remote_id}
    assert client.hand_off_status(handed.remote_id) is None
    clock.now += 3599
    assert client.hand_off_status(handed.remote_id) is None
    clock.now += 1  # Facebook publishes it even with this computer off
    live = client.hand_off_status(handed.remote_id)
    assert live is not None and live.remote_id == handed.remote_id
    assert live.permalink == fake.posts(PAGE)[0]["permalink_url"]
    assert fake.scheduled(PAGE) == [] and fake.posts(PAGE)[0]["published"]


def test_hand_off_photos_are_temporary_until_the_post(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    post = OutgoingPost(
        "Feria de empleo",
        media=(photo("carrusel-1-1080x1080.jpg", "Cartel"), photo("carrusel-2-1080x1080.jpg")),
    )
    handed = client.hand_off(post, later(clock, 900))
    uploads = [r for r in fake.requests() if r["path"].endswith("/photos")]
    assert [r["params"]["temporary"] for r in uploads] == ["true", "true"]
    assert [r["params"]["published"] for r in uploads] == ["false", "false"]
    [scheduled] = fake.scheduled(PAGE)
    assert [p["alt_text"] for p in scheduled["photos"]] == ["Cartel", None]
    clock.now += 900
    assert client.hand_off_status(handed.remote_id) is not None


def test_hand_off_window_is_checked_locally_and_by_the_fake(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    post = OutgoingPost("Demasiado pronto")
    for seconds in (599, HANDOFF_MAX_SECONDS + 60, -60):
        with pytest.raises(Rejected) as err:
            client.hand_off(post, later(clock, seconds))
        assert err.value.code == "handoff_window"
    assert fake.requests() == []
    # The fake refuses it too, like Facebook (code 100).
    form = {
        "message": "x",
        "published": "false",
        "scheduled_publish_time": str(int(clock.now) + 300),
        "access_token": TOKEN,
    }
    req = urllib.request.Request(
        f"{fake.url}/v25.0/{PAGE}/feed",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(req, timeout=3)
    assert json.loads(http.value.read())["error"]["code"] == 100


def test_videos_are_not_handed_off(client: FacebookPages, clock: Clock, tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"\x00\x00\x00\x18ftypisom" + b"\x00" * 100)
    post = OutgoingPost("x", media=(OutgoingMedia(video, "", "video/mp4", 112),))
    with pytest.raises(Rejected) as err:
        client.hand_off(post, later(clock, 3600))
    assert err.value.code == "handoff_unsupported"


def test_reschedule_and_edit(client: FacebookPages, fake: FakeGraph, clock: Clock) -> None:
    post = OutgoingPost("Versión 1")
    handed = client.hand_off(post, later(clock, 3600))
    edited = OutgoingPost("Versión 2")
    client.update_hand_off(handed.remote_id, edited, later(clock, 7200))
    [scheduled] = fake.scheduled(PAGE)
    assert scheduled["message"] == "Versión 2"
    assert scheduled["scheduled_publish_time"] == int(clock.now) + 7200
    clock.now += 3600
    assert client.hand_off_status(handed.remote_id) is None  # moved: not yet
    clock.now += 3600
    assert client.hand_off_status(handed.remote_id) is not None
    with pytest.raises(Rejected) as err:  # live now: no more changes from here
        client.update_hand_off(handed.remote_id, edited, later(clock, 3600))
    assert err.value.code == "handoff_live"


def test_changed_link_asks_for_a_new_hand_off(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    handed = client.hand_off(
        OutgoingPost("Con enlace", link="https://a.example"), later(clock, 900)
    )
    with pytest.raises(Rejected) as err:
        client.update_hand_off(
            handed.remote_id,
            OutgoingPost("Con enlace", link="https://b.example"),
            later(clock, 900),
        )
    assert err.value.code == "handoff_replace"


def test_cancel(client: FacebookPages, fake: FakeGraph, clock: Clock) -> None:
    handed = client.hand_off(OutgoingPost("Se cancela"), later(clock, 3600))
    client.cancel_hand_off(handed.remote_id)
    assert fake.scheduled(PAGE) == [] and fake.posts(PAGE) == []
    client.cancel_hand_off(handed.remote_id)  # already gone: fine
    with pytest.raises(Rejected) as err:
        client.hand_off_status(handed.remote_id)
    assert err.value.code == "handoff_gone"
    deletes = [r for r in fake.requests() if r["method"] == "DELETE"]
    assert len(deletes) == 1 and deletes[0]["token_in"] == "body"


def test_a_live_post_is_never_deleted(client: FacebookPages, fake: FakeGraph, clock: Clock) -> None:
    handed = client.hand_off(OutgoingPost("Ya salió"), later(clock, 600))
    clock.now += 700
    with pytest.raises(Rejected) as err:
        client.cancel_hand_off(handed.remote_id)
    assert err.value.code == "handoff_live"
    assert len(fake.posts(PAGE)) == 1


def test_lost_hand_off_answer_is_found_among_scheduled_posts(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    post = OutgoingPost("Respuesta perdida")
    since = clock.dt()
    fake.drop_after_create_next(r"/feed$")
    with pytest.raises(UnknownOutcome):
        client.hand_off(post, later(clock, 3600))
    assert "handoff_at" in post.progress.data
    found = client.find_published(post, since)
    [scheduled] = fake.scheduled(PAGE)
    assert found is not None and found.remote_id == scheduled["id"] and found.permalink == ""
    paths = [r["path"] for r in fake.requests() if r["method"] == "GET"]
    assert paths[-1].endswith("/scheduled_posts")


def test_fake_scheduled_posts_edge(client: FacebookPages, fake: FakeGraph, clock: Clock) -> None:
    client.hand_off(OutgoingPost("A"), later(clock, 1000))
    client.hand_off(OutgoingPost("B"), later(clock, 2000))
    url = f"{fake.url}/v25.0/{PAGE}/scheduled_posts?fields=id,message,scheduled_publish_time"
    with urllib.request.urlopen(f"{url}&access_token={TOKEN}", timeout=3) as resp:
        body = json.loads(resp.read())
    assert sorted(p["message"] for p in body["data"]) == ["A", "B"]
    clock.now += 1500
    with urllib.request.urlopen(f"{url}&access_token={TOKEN}", timeout=3) as resp:
        body = json.loads(resp.read())
    assert [p["message"] for p in body["data"]] == ["B"]


# ------------------------------------------------------------------ first comment


def commented(post_id: str, fake: FakeGraph) -> list[dict[str, Any]]:
    return fake.comments(post_id)


def test_first_comment(client: FacebookPages, fake: FakeGraph) -> None:
    post = OutgoingPost(
        "Plan de formación 2027",
        options=PostOptions(first_comment="Inscripciones: https://example.org/plan"),
    )
    published = client.publish(post)
    [comment] = commented(published.remote_id, fake)
    assert comment["message"] == "Inscripciones: https://example.org/plan"
    assert comment["author"] == [PAGE, "Página de prueba"]
    assert post.progress.data["first_comment_id"] == comment["id"]
    assert published.extra == {}
    again = client.publish(post)  # a retry: neither a second post nor a second comment
    assert again.remote_id == published.remote_id
    assert len(fake.posts(PAGE)) == 1 and len(commented(published.remote_id, fake)) == 1


def test_first_comment_failure_keeps_the_post_published(
    client: FacebookPages, fake: FakeGraph
) -> None:
    post = OutgoingPost("Con comentario", options=PostOptions(first_comment="Más info"))
    fake.fail_next(r"/comments$", code=368)
    published = client.publish(post)
    assert published.remote_id == fake.posts(PAGE)[0]["id"]
    assert "first_comment_error" in published.extra
    assert post.progress.data["first_comment_error"] == published.extra["first_comment_error"]
    assert commented(published.remote_id, fake) == []
    retried = client.add_first_comment(post, published)
    assert retried.extra == {} and len(commented(published.remote_id, fake)) == 1
    assert "first_comment_error" not in post.progress.data


def test_first_comment_lost_answer_is_never_doubled(client: FacebookPages, fake: FakeGraph) -> None:
    post = OutgoingPost("Respuesta perdida", options=PostOptions(first_comment="Enlace aquí"))
    fake.drop_after_create_next(r"/comments$")
    published = client.publish(post)
    assert "first_comment_error" in published.extra
    client.add_first_comment(post, published)  # looks first, finds it
    [comment] = commented(published.remote_id, fake)
    assert post.progress.data["first_comment_id"] == comment["id"]


def test_first_comment_on_a_handed_off_post_once_live(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    post = OutgoingPost("Programado", options=PostOptions(first_comment="Primer comentario"))
    handed = client.hand_off(post, later(clock, 900))
    assert commented(handed.remote_id, fake) == []
    clock.now += 900
    live = client.hand_off_status(handed.remote_id)
    assert live is not None
    done = client.add_first_comment(post, live)
    assert done.extra == {} and len(commented(handed.remote_id, fake)) == 1


def test_one_target_failing_leaves_the_other_alone(fake: FakeGraph, clock: Clock) -> None:
    """Two Pages: one refuses, the other publishes; each keeps its own outcome."""
    fake.add_page("2002", "EAAGother2002")
    good = FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=3, now=clock.dt)
    bad = FacebookPages("2002", "EAAGother2002", base_url=fake.url, timeout=3, now=clock.dt)
    fake.fail_next(r"/2002/feed$", code=368)
    results: dict[str, object] = {}
    for name, client in (("bad", bad), ("good", good)):
        post = OutgoingPost("Mismo texto en dos Páginas", progress=Progress())
        try:
            results[name] = client.publish(post)
        except Rejected as exc:
            results[name] = exc
    assert isinstance(results["bad"], Rejected) and results["bad"].code == "368"
    assert len(fake.posts(PAGE)) == 1 and fake.posts("2002") == []


def test_scheduled_post_needs_temporary_photos(
    client: FacebookPages, fake: FakeGraph, clock: Clock
) -> None:
    """The fake refuses a scheduled post whose photos were not uploaded temporary."""
    [photo_id] = client._upload_unpublished((photo("carrusel-1-1080x1080.jpg"),))
    form = {
        "message": "x",
        "published": "false",
        "scheduled_publish_time": str(int(clock.now) + 3600),
        "attached_media[0]": json.dumps({"media_fbid": photo_id}),
        "access_token": TOKEN,
    }
    req = urllib.request.Request(
        f"{fake.url}/v25.0/{PAGE}/feed",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with pytest.raises(urllib.error.HTTPError) as http:
        urllib.request.urlopen(req, timeout=3)
    assert "temporary" in json.loads(http.value.read())["error"]["message"]


def test_control_endpoints_for_other_processes(fake: FakeGraph, clock: Clock) -> None:
    def control(name: str, args: dict[str, Any]) -> dict[str, Any]:
        req = urllib.request.Request(
            f"{fake.url}/__fake__/{name}",
            data=json.dumps(args).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=3) as resp:
            return dict(json.loads(resp.read()))

    client = FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=3.0)
    post_id = client.publish(OutgoingPost("Para comentar")).remote_id
    made = control("comment", {"object_id": post_id, "message": "Hola", "author": None})
    assert made["ok"] and fake.comments(post_id)[0]["id"] == made["id"]
    user = control("user", {"token": "EAAGuser", "pages": {PAGE: ["CREATE_CONTENT"]}})
    assert user["ok"] and user["id"]
    code = control("issue_code", {"token": "EAAGuser", "redirect_uri": "http://localhost/cb"})
    assert code["id"].startswith("code-")
    assert control("clock_offset", {"seconds": 3600}) == {"ok": True}


def test_can_hand_off(client: FacebookPages, clock: Clock, tmp_path: Path) -> None:
    text = OutgoingPost("Texto")
    assert client.can_hand_off(text, later(clock, 3600))
    assert not client.can_hand_off(text, later(clock, 60))
    assert not client.can_hand_off(text, later(clock, 30 * 86400))
    assert not client.can_hand_off(
        OutgoingPost("Reel", options=PostOptions(kind="reel")), later(clock, 3600)
    )
    assert not client.can_hand_off(OutgoingPost("   "), later(clock, 3600))
