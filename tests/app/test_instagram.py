"""Instagram client against the strict fakes (tests/fakes/instagram.py, wordpress.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.errors import AuthExpired, RateLimited, Rejected, Transient, UnknownOutcome
from app.mediahost.wordpress import WordPressMediaHost
from app.networks.base import (
    OutgoingMedia,
    OutgoingPost,
    PostOptions,
    Progress,
    RemoteComment,
    TokenSet,
)
from app.networks.instagram import Instagram, caption_for
from app.networks.registry import create_client
from tests.fakes.instagram import FakeInstagram
from tests.fakes.wordpress import FakeWordPress

MEDIA = Path("/work/shared/samples/media")
IG = "17841400000000001"
TOKEN = "EAAGpageTOKENforIG1001secret"
USER_TOKEN = "EAAGuserTOKENsecret"
WP_USER, WP_PASSWORD = "comunicacion", "abcd EFGH ijkl MNOP qrst UVWX"


class Clock:
    """Injectable epoch clock for the fake."""

    def __init__(self) -> None:
        self.now = datetime(2027, 1, 17, 18, 0, tzinfo=UTC).timestamp()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeInstagram]:
    with FakeInstagram(clock=clock) as server:
        server.add_account(IG, TOKEN, username="empleo_region", page_id="1001")
        server.add_user(USER_TOKEN, ["1001", "1002"])
        yield server


@pytest.fixture
def wp() -> Iterator[FakeWordPress]:
    with FakeWordPress({WP_USER: WP_PASSWORD}) as server:
        yield server


class Saved:
    """A Progress saver that remembers every save (as the publishing service would)."""

    def __init__(self) -> None:
        self.saves: list[dict[str, Any]] = []

    def __call__(self, data: dict[str, Any]) -> None:
        self.saves.append(json.loads(json.dumps(data)))  # JSON-able, as the store keeps it


def client(fake: FakeInstagram, wp: FakeWordPress | None = None, **kw: Any) -> Instagram:
    host = WordPressMediaHost(wp.url, WP_USER, WP_PASSWORD, timeout=5) if wp else None
    kw.setdefault("sleep", lambda s: None)
    return Instagram(IG, TOKEN, base_url=fake.url, timeout=5, media_host=host, **kw)


def image(name: str, alt: str = "Cartel azul") -> OutgoingMedia:
    path = MEDIA / name
    return OutgoingMedia(path, alt, "image/jpeg", path.stat().st_size)


def video(name: str = "reel-ultimo-dia-720x1280.mp4") -> OutgoingMedia:
    path = MEDIA / name
    return OutgoingMedia(path, "", "video/mp4", path.stat().st_size, 720, 1280, 5.0)


def post(
    *media: OutgoingMedia, text: str = "Mañana se abre el plazo 👇", **opts: Any
) -> OutgoingPost:
    return OutgoingPost(
        text,
        media=media,
        options=PostOptions(**opts),
        claimed_at=datetime(2027, 1, 17, 17, 59, tzinfo=UTC),
        progress=Progress({}, Saved()),
    )


# --------------------------------------------------------------------- publishing


def test_single_image_goes_out_with_alt_text_and_the_host_file_is_cleaned(
    fake: FakeInstagram, wp: FakeWordPress
) -> None:
    c = client(fake, wp)
    p = post(image("plan-formacion-2027-1080x1350.jpg", "Cartel: Plan de Formación 2027"))
    result = c.publish(p)
    [media] = fake.media(IG)
    assert result.remote_id == media.id
    assert result.permalink.startswith("https://www.instagram.com/p/")
    assert media.caption == p.text
    [container] = fake.containers(IG)
    assert container.params["alt_text"] == "Cartel: Plan de Formación 2027"
    assert container.params["image_url"].startswith(wp.url)  # fetched from the host
    assert len(wp.media()) == 1
    assert c.cleanup(p) == []
    assert wp.media() == []
    assert p.progress.data["hosted"] == []
    assert p.progress.data["media_id"] == media.id


def test_carousel_with_a_video_child(fake: FakeInstagram, wp: FakeWordPress, clock: Clock) -> None:
    fake.video_seconds = 30
    c = client(fake, wp)
    p = post(
        image("carrusel-1-1080x1080.jpg", "Paso 1"),
        image("carrusel-2-1080x1080.jpg", "Paso 2"),
        video(),
    )
    assert c.prepare(p) is False  # the video is still processing
    saves = p.progress._saver.saves  # type: ignore[union-attr]
    assert any("children" in s and len(s["children"]) == 1 for s in saves)  # saved per create
    clock.now += 31
    assert c.prepare(p) is True
    kinds = [(x.kind, x.is_item) for x in fake.containers(IG)]
    assert kinds == [("IMAGE", True), ("IMAGE", True), ("VIDEO", True), ("CAROUSEL", False)]
    parent = fake.containers(IG)[-1]
    assert parent.params["caption"] == p.text and len(parent.children) == 3
    result = c.publish(p)
    [media] = fake.media(IG)
    assert (result.remote_id, media.kind) == (media.id, "CAROUSEL_ALBUM")
    assert (
        bytes(fake.containers(IG)[2].received)
        == (MEDIA / "reel-ultimo-dia-720x1280.mp4").read_bytes()
    )


def test_reel_by_resumable_upload_needs_no_host(fake: FakeInstagram) -> None:
    c = client(fake)  # no media host at all
    p = post(video(), kind="reel", share_to_feed=False)
    result = c.publish(p)
    [container] = fake.containers(IG)
    assert container.kind == "REELS" and container.resumable
    assert container.params["share_to_feed"] == "false"
    uploads = [r for r in fake.requests() if r["path"].startswith("/ig-api-upload/")]
    assert [r["method"] for r in uploads] == ["POST"]
    assert fake.media(IG)[0].id == result.remote_id


def test_interrupted_upload_resumes_at_the_offset_the_server_holds(fake: FakeInstagram) -> None:
    c = client(fake)
    p = post(video(), kind="reel")
    fake.truncate_upload_next(40_000)
    with pytest.raises(Transient):  # the connection dropped mid-upload
        c.prepare(p)
    entry = p.progress.data["children"]["0"]
    assert entry["started"] and not entry["uploaded"]
    assert c.prepare(p) is True
    posts = [r for r in fake.requests() if r["path"].startswith("/ig-api-upload/")]
    assert [r["method"] for r in posts] == ["POST", "GET", "POST"]
    data = (MEDIA / "reel-ultimo-dia-720x1280.mp4").read_bytes()
    assert bytes(fake.containers(IG)[0].received) == data


def test_upload_starts_over_when_the_offset_is_refused(
    fake: FakeInstagram, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = client(fake)
    p = post(video(), kind="reel")
    fake.truncate_upload_next(40_000)
    with pytest.raises(Transient):
        c.prepare(p)
    monkeypatch.setattr(c, "_uploaded_offset", lambda path: 12_345)  # a wrong guess
    assert c.prepare(p) is True
    data = (MEDIA / "reel-ultimo-dia-720x1280.mp4").read_bytes()
    assert bytes(fake.containers(IG)[0].received) == data


def test_story_image(fake: FakeInstagram, wp: FakeWordPress) -> None:
    c = client(fake, wp)
    p = post(image("story-1080x1920.jpg"), kind="story")
    c.publish(p)
    [container] = fake.containers(IG)
    assert container.kind == "STORIES"
    assert "caption" not in container.params and "alt_text" not in container.params
    assert fake.media(IG)[0].kind == "STORY"


def test_lost_answer_on_publish_reads_status_and_never_publishes_twice(
    fake: FakeInstagram, wp: FakeWordPress
) -> None:
    c = client(fake, wp)
    p = post(image("plan-formacion-2027-1080x1080.jpg"))
    fake.drop_after_create_next(r"/media_publish$")
    result = c.publish(p)  # the status read after the lost answer says PUBLISHED
    assert len(fake.media(IG)) == 1
    assert result.remote_id == fake.media(IG)[0].id
    again = c.publish(p)
    assert again.remote_id == result.remote_id
    publishes = [r for r in fake.requests() if r["path"].endswith("/media_publish")]
    assert len(publishes) == 1


def blind_after_publish(c: Instagram, p: OutgoingPost) -> None:
    """Status reads fail (no answer) once media_publish has been sent."""
    real = c.container_status

    def status(container_id: str) -> tuple[str, str]:
        if p.progress.data.get("publish_sent"):
            raise Transient("no answer", code="timeout")
        return real(container_id)

    c.container_status = status  # type: ignore[method-assign]


def test_lost_answer_with_unreadable_status_is_unknown_then_reconciled(
    fake: FakeInstagram, wp: FakeWordPress
) -> None:
    c = client(fake, wp)
    p = post(image("plan-formacion-2027-1080x1080.jpg"))
    c.prepare(p)
    fake.drop_after_create_next(r"/media_publish$")
    blind_after_publish(c, p)
    with pytest.raises(UnknownOutcome):
        c.publish(p)
    c = client(fake, wp)
    found = c.find_published(p, datetime(2027, 1, 17, 17, 59, tzinfo=UTC))
    assert found is not None and found.remote_id == fake.media(IG)[0].id
    assert c.publish(p).remote_id == found.remote_id
    assert len([r for r in fake.requests() if r["path"].endswith("/media_publish")]) == 1


def test_a_new_client_after_restart_reads_status_before_publishing(
    fake: FakeInstagram, wp: FakeWordPress
) -> None:
    p = post(image("plan-formacion-2027-1080x1080.jpg"))
    fake.drop_after_create_next(r"/media_publish$")
    c = client(fake, wp)
    blind_after_publish(c, p)
    with pytest.raises(UnknownOutcome):
        c.publish(p)
    saved = Progress(json.loads(json.dumps(p.progress.data)))  # what the store kept
    assert saved.data["publish_sent"] is True
    restarted = OutgoingPost(p.text, media=p.media, claimed_at=p.claimed_at, progress=saved)
    result = client(fake, wp).publish(restarted)
    assert result.remote_id == fake.media(IG)[0].id
    assert len(fake.media(IG)) == 1
    assert len([r for r in fake.requests() if r["path"].endswith("/media_publish")]) == 1


def test_media_not_ready_on_publish_is_temporary(fake: FakeInstagram, wp: FakeWordPress) -> None:
    c = client(fake, wp)
    p = post(image("plan-formacion-2027-1080x1080.jpg"))
    fake.fail_next(
        r"/media_publish$", code=9007, subcode=2207027, message="Media ID is not available"
    )
    with pytest.raises(Transient) as err:
        c.publish(p)
    assert err.value.code == "not_ready"
    assert c.publish(p).remote_id == fake.media(IG)[0].id


def test_find_published_without_progress_searches_recent_media(
    fake: FakeInstagram, wp: FakeWordPress
) -> None:
    c = client(fake, wp)
    p = post(image("plan-formacion-2027-1080x1080.jpg"), text="Plazo abierto")
    published = c.publish(p)
    lost = OutgoingPost("Plazo abierto", media=p.media, progress=Progress())
    since = datetime(2027, 1, 17, 17, 59, tzinfo=UTC)
    found = c.find_published(lost, since)
    assert found is not None and found.remote_id == published.remote_id
    other = OutgoingPost("Otro texto", media=p.media, progress=Progress())
    assert c.find_published(other, since) is None


def test_expired_container_is_replaced_not_published(
    fake: FakeInstagram, wp: FakeWordPress, clock: Clock
) -> None:
    c = client(fake, wp)
    p = post(image("plan-formacion-2027-1080x1080.jpg"))
    assert c.prepare(p)
    first = p.progress.data["container"]
    clock.now += 25 * 3600
    c.publish(p)
    assert p.progress.data["discarded"] == [first]
    [media] = fake.media(IG)
    assert media.container != first
    assert fake.container(first).published is False


def test_unreachable_url_is_a_clear_error(fake: FakeInstagram, wp: FakeWordPress) -> None:
    wp.private = True  # the library answers 401: not a public URL
    c = client(fake, wp)
    p = post(image("plan-formacion-2027-1080x1080.jpg"))
    with pytest.raises(Rejected) as err:
        c.publish(p)
    assert err.value.code == "container_error"
    assert "plan-formacion-2027-1080x1080.jpg" in str(err.value)
    assert "download" in str(err.value)
    assert fake.media(IG) == []
    assert "children" not in p.progress.data or p.progress.data["children"] == {}
    assert len(p.progress.data["discarded"]) == 1


def test_unreachable_host_is_an_error_container(fake: FakeInstagram, tmp_path: Path) -> None:
    class DeadHost(WordPressMediaHost):
        def put(self, path: Path, mime: str) -> Any:
            from app.mediahost.base import HostedMedia

            return HostedMedia("http://127.0.0.1:9/nothing.jpg", "1")

    c = client(fake)
    c.media_host = DeadHost("http://127.0.0.1:9", "u", "p")
    with pytest.raises(Rejected, match="could not be fetched"):
        c.prepare(post(image("plan-formacion-2027-1080x1080.jpg")))


def test_fetch_failure_on_create_names_the_file_and_the_host(
    fake: FakeInstagram, wp: FakeWordPress
) -> None:
    fake.fetch_errors_at_create = True  # Meta's behaviour in the field: 9004 / 2207052
    wp.private = True
    c = client(fake, wp)
    p = post(image("plan-formacion-2027-1080x1080.jpg"))
    with pytest.raises(Rejected) as err:
        c.publish(p)
    assert err.value.code == "media_fetch"
    assert "could not download plan-formacion-2027-1080x1080.jpg" in str(err.value)
    assert "WordPress" in str(err.value) and "public" in str(err.value)
    assert fake.containers(IG) == []
    assert c.cleanup(p) == [] and wp.media() == []


def test_no_media_host_for_images_is_explained(fake: FakeInstagram) -> None:
    with pytest.raises(Rejected) as err:
        client(fake).publish(post(image("plan-formacion-2027-1080x1080.jpg")))
    assert err.value.code == "media_host_missing"
    assert fake.requests() == []


def test_quota_is_read_and_exhaustion_is_a_clear_rate_limit(
    fake: FakeInstagram, wp: FakeWordPress
) -> None:
    fake.quota_total = 1
    c = client(fake, wp)
    assert c.publishing_limit() == (0, 1, 86400)
    c.publish(post(image("plan-formacion-2027-1080x1080.jpg"), text="Primero"))
    assert c.publishing_limit()[0] == 1
    with pytest.raises(RateLimited) as err:
        c.publish(post(image("carrusel-1-1080x1080.jpg"), text="Segundo"))
    assert err.value.code == "quota" and err.value.retry_after >= 3600
    assert "24 hours" in str(err.value)


def test_caption_limits_are_checked_before_any_call(fake: FakeInstagram, wp: FakeWordPress) -> None:
    text = " ".join(f"#etiqueta{i}" for i in range(31))
    p = post(image("plan-formacion-2027-1080x1080.jpg"), text=text)
    assert [x.code for x in Instagram.validate(p)] == ["too_many_hashtags"]
    with pytest.raises(Rejected):
        client(fake, wp).publish(p)
    assert fake.requests() == []
    mentions = " ".join(f"@persona{i}" for i in range(21))
    assert [x.code for x in Instagram.validate(post(video(), text=mentions))] == [
        "too_many_mentions"
    ]
    long = post(image("plan-formacion-2027-1080x1080.jpg"), text="a" * 2201)
    assert [x.code for x in Instagram.validate(long)] == ["text_too_long"]


def test_fake_refuses_what_instagram_refuses(fake: FakeInstagram, wp: FakeWordPress) -> None:
    """The fake is strict: bad aspect ratio, non-JPEG, CMYK -> ERROR containers."""
    c = client(fake, wp)
    for name in ("banner-muy-alto-1080x2600.jpg", "cartel-imprenta-cmyk.jpg"):
        with pytest.raises(Rejected, match="Instagram could not take"):
            c.publish(post(image(name)))
    with pytest.raises(AuthExpired):
        Instagram(IG, "wrong", base_url=fake.url, timeout=5).verify()


def test_link_is_appended_to_the_caption() -> None:
    p = OutgoingPost("Inscríbete", link="https://empleo.example.es/x")
    assert caption_for(p) == "Inscríbete\n\nhttps://empleo.example.es/x"


def test_registry_builds_the_client(monkeypatch: pytest.MonkeyPatch, fake: FakeInstagram) -> None:
    monkeypatch.setenv("PREGONERO_INSTAGRAM_API", fake.url)
    c = create_client("instagram", IG, TOKEN)
    assert isinstance(c, Instagram)
    assert c.verify().name == "empleo_region"
    assert TOKEN not in repr(c)


def test_lead_time_is_longer_for_video() -> None:
    assert Instagram.lead_seconds_for(post(video(), kind="reel")) > Instagram.lead_seconds_for(
        post(image("plan-formacion-2027-1080x1080.jpg"))
    )


# --------------------------------------------------------------------- discovery


def test_discover_lists_instagram_accounts_with_page_tokens(fake: FakeInstagram) -> None:
    token = TokenSet(USER_TOKEN, scopes=frozenset({"instagram_basic", "pages_show_list"}))
    [found] = Instagram.discover(token, base_url=fake.url, timeout=5)
    assert (found.network, found.kind, found.remote_id) == ("instagram", "instagram", IG)
    assert found.token.access_token == TOKEN
    assert found.name == "@empleo_region"
    assert "Agencia de Empleo" in found.note
    assert "instagram_content_publish" in found.missing_scopes


# --------------------------------------------------------------------- comments


def test_comments_paging_and_replies_go_to_the_top_level(
    fake: FakeInstagram, wp: FakeWordPress, clock: Clock
) -> None:
    c = client(fake, wp)
    published = c.publish(post(image("plan-formacion-2027-1080x1080.jpg")))
    ids = [fake.add_comment(published.remote_id, f"Pregunta {i}") for i in range(55)]
    reply_id = fake.add_comment(published.remote_id, "Yo también", parent=ids[0])
    assert c.recent_posts() == [published.remote_id]
    first = c.list_comments(published.remote_id)
    assert first.next_cursor is not None
    second = c.list_comments(published.remote_id, first.next_cursor)
    assert second.next_cursor is None
    top = [x for x in first.comments + second.comments if x.parent_remote_id is None]
    assert len(top) == 55
    reply = next(x for x in first.comments if x.remote_id == reply_id)
    assert reply.parent_remote_id == ids[0]
    since = datetime.fromtimestamp(clock.now, UTC) - timedelta(minutes=1)
    mine = c.reply_comment(reply, "Gracias, te escribimos por privado")
    [ours] = [x for x in fake.comments(published.remote_id) if x.id == mine]
    assert ours.parent == ids[0]  # a reply to a reply goes to its parent
    assert c.find_reply(reply, "Gracias, te escribimos por privado", since) == mine
    again = c.list_comments(published.remote_id)
    assert any(x.is_own for x in again.comments)


def test_reply_to_a_comment_object() -> None:
    comment = RemoteComment("1", "2", None, "ana", "9", "hola", datetime.now(UTC))
    assert comment.parent_remote_id is None
