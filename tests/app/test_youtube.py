"""YouTube client against the strict fake Data API (tests/fakes/youtube.py)."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.errors import AuthExpired, RateLimited, Rejected, Transient, UnknownOutcome
from app.networks.base import (
    OutgoingMedia,
    OutgoingPost,
    PostOptions,
    Progress,
    RemoteComment,
    TokenSet,
)
from app.networks.registry import create_client
from app.networks.youtube import (
    YouTube,
    account_health_notes,
    locked_private_explanation,
    permalink,
)
from app.networks.youtube_quota import QuotaLedger, next_pacific_midnight, quota_use_text
from app.networks.youtube_upload import GRANULARITY
from tests.fakes.youtube import FakeYouTube, running_youtube

SHARED = Path("/work/shared")
SAMPLES = SHARED / "samples"
MEDIA = SAMPLES / "media"
ROOT = Path(__file__).resolve().parents[2]

CHANNEL = "UCtestChannel0000000000001"
TOKEN = "test-token-for-the-channel-secret"
OTHER = "UCotherChannel000000000002"
OTHER_TOKEN = "ya29.otherTOKEN-secret"
CHUNK = 4 * GRANULARITY  # 1 MiB per PUT in these tests


class AppKilled(BaseException):
    """The app stops in the middle of an upload (raised from the client's sleep)."""


def killed(seconds: float) -> None:
    raise AppKilled


class Clock:
    """A settable clock shared by the fake (epoch) and the client (aware UTC)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def epoch(self) -> float:
        return self.now.timestamp()

    def utc(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 1, 11, 9, 0, tzinfo=UTC))


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeYouTube]:
    with running_youtube({CHANNEL: TOKEN}, clock=clock.epoch) as server:
        server.add_channel(OTHER, OTHER_TOKEN, "Otro canal")
        yield server


def make_client(fake: FakeYouTube, clock: Clock, **kw: Any) -> YouTube:
    kw.setdefault("chunk_size", CHUNK)
    kw.setdefault("sleep", lambda s: None)
    return YouTube(CHANNEL, TOKEN, base_url=fake.url, timeout=5.0, clock=clock.utc, **kw)


@pytest.fixture
def client(fake: FakeYouTube, clock: Clock) -> YouTube:
    return make_client(fake, clock)


@pytest.fixture(autouse=True)
def no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    yield
    for record in caplog.get_records("call"):
        assert TOKEN not in record.getMessage()


def video_file(tmp_path: Path, size: int, name: str = "clip.mp4") -> Path:
    path = tmp_path / name
    block = hashlib.sha256(b"pregonero").digest() * 4096  # 128 KiB pattern
    with path.open("wb") as f:
        left = size
        while left > 0:
            f.write(block[: min(left, len(block))])
            left -= len(block)
    return path


def post_for(path: Path, **options: Any) -> OutgoingPost:
    options.setdefault("title", "Cómo inscribirte en los cursos")
    return OutgoingPost(
        text="Tutorial paso a paso. Plazo: del 18 de enero al 1 de febrero.",
        media=(OutgoingMedia(path, "", "video/mp4", path.stat().st_size),),
        options=PostOptions(kind="video", **options),
        progress=Progress(),
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ------------------------------------------------------------------ upload


def test_upload_sends_metadata_and_every_byte_in_256k_chunks(
    fake: FakeYouTube, client: YouTube, tmp_path: Path
) -> None:
    path = video_file(tmp_path, 3 * CHUNK + 12345)
    post = post_for(path, tags=("empleo", "formación"), category_id="27", made_for_kids=False)
    result = client.publish(post)
    assert result.permalink == f"https://www.youtube.com/watch?v={result.remote_id}"
    [video] = fake.videos(CHANNEL)
    assert video["id"] == result.remote_id
    assert video["sha256"] == sha(path) and video["size"] == path.stat().st_size
    assert video["snippet"]["title"] == "Cómo inscribirte en los cursos"
    assert video["snippet"]["tags"] == ["empleo", "formación"]
    assert video["snippet"]["categoryId"] == "27"
    assert video["status"]["privacyStatus"] == "public"
    assert video["status"]["selfDeclaredMadeForKids"] is False
    puts = [r for r in fake.requests() if r["method"] == "PUT"]
    assert len(puts) == 4
    assert post.progress.data["video_id"] == result.remote_id
    assert "upload_uri" not in post.progress.data  # session forgotten once done


def test_session_uri_is_saved_before_the_first_byte(
    fake: FakeYouTube, clock: Clock, tmp_path: Path
) -> None:
    saved: list[dict[str, Any]] = []
    path = video_file(tmp_path, 2 * CHUNK)
    post = post_for(path)
    post = OutgoingPost(
        post.text, media=post.media, options=post.options, progress=Progress(saver=saved.append)
    )
    fake.drop_next(r"/upload/youtube/v3/videos$", method="PUT", times=10)
    with pytest.raises(Transient):
        make_client(fake, clock).publish(post)
    assert saved and saved[0]["upload_uri"].startswith(fake.url)
    assert saved[0]["upload_size"] == path.stat().st_size
    assert TOKEN not in json.dumps(saved)
    assert not fake.videos()


def test_resumes_after_a_dropped_connection_from_the_servers_byte(
    fake: FakeYouTube, client: YouTube, tmp_path: Path
) -> None:
    path = video_file(tmp_path, 3 * CHUNK + 100)
    fake.drop_upload_after(CHUNK // 2 + 777)  # the cut leaves an odd number of bytes
    result = client.publish(post_for(path))
    [video] = fake.videos()
    assert video["sha256"] == sha(path) and video["id"] == result.remote_id
    ranges = [
        r for r in fake.requests() if r["method"] == "PUT"
    ]  # chunk, status query, chunks from byte N+1...
    assert len(ranges) >= 5
    assert len(fake.sessions()) == 1  # the same session, resumed


def test_a_new_client_after_restart_resumes_the_saved_session(
    fake: FakeYouTube, clock: Clock, tmp_path: Path
) -> None:
    path = video_file(tmp_path, 4 * CHUNK)
    store: dict[str, Any] = {}
    first = post_for(path)
    first = OutgoingPost(
        first.text,
        media=first.media,
        options=first.options,
        progress=Progress(saver=lambda d: store.update(progress=d)),
    )
    fake.drop_upload_after(2 * CHUNK + 5)  # mid third PUT, then the app stops
    with pytest.raises(AppKilled):
        make_client(fake, clock, sleep=killed).publish(first)
    assert store["progress"]["upload_uri"]
    [session] = fake.sessions()
    assert 0 < session["received"] < session["total"]
    # The app restarts: a new client, the progress read back from the store.
    second = OutgoingPost(
        first.text, media=first.media, options=first.options, progress=Progress(store["progress"])
    )
    seen = len(fake.requests())
    result = make_client(fake, clock).publish(second)
    [video] = fake.videos()
    assert video["id"] == result.remote_id and video["sha256"] == sha(path)
    assert len(fake.sessions()) == 1
    after = fake.requests()[seen:]
    total = 4 * CHUNK
    assert [(r["method"], r["content_range"], r["status"]) for r in after] == [
        ("PUT", f"bytes */{total}", 308),  # first ask the server what it holds...
        ("PUT", f"bytes {2 * CHUNK + 5}-{3 * CHUNK + 4}/{total}", 308),  # ...go on from N+1
        ("PUT", f"bytes {3 * CHUNK + 5}-{total - 1}/{total}", 200),
    ]


def test_expired_session_starts_a_new_one(fake: FakeYouTube, clock: Clock, tmp_path: Path) -> None:
    path = video_file(tmp_path, 2 * CHUNK)
    post = post_for(path)
    fake.drop_upload_after(100)
    with pytest.raises(AppKilled):
        make_client(fake, clock, sleep=killed).publish(post)
    fake.expire_sessions()
    result = make_client(fake, clock).publish(post)
    assert len(fake.sessions()) == 2
    [video] = fake.videos()
    assert video["id"] == result.remote_id and video["sha256"] == sha(path)


def test_ambiguous_final_chunk_finds_the_video_without_a_second_upload(
    fake: FakeYouTube, client: YouTube, tmp_path: Path
) -> None:
    path = video_file(tmp_path, 2 * CHUNK + 1)
    fake.drop_after_final_next()
    result = client.publish(post_for(path))
    assert [v["id"] for v in fake.videos()] == [result.remote_id]
    assert len(fake.sessions()) == 1


def test_final_chunk_lost_and_session_gone_is_unknown_then_reconciled(
    fake: FakeYouTube, clock: Clock, client: YouTube, tmp_path: Path
) -> None:
    path = video_file(tmp_path, CHUNK + 1)
    post = post_for(path)
    fake.drop_after_final_next()
    with pytest.raises(AppKilled):
        make_client(fake, clock, sleep=killed).publish(post)
    fake.expire_sessions()
    with pytest.raises(UnknownOutcome):
        make_client(fake, clock).publish(post)
    assert len(fake.videos()) == 1
    found = make_client(fake, clock).find_published(post, clock.now - timedelta(minutes=1))
    assert found is not None and found.remote_id == fake.videos()[0]["id"]
    # publish() after reconciliation does not upload again
    again = make_client(fake, clock).publish(post)
    assert again.remote_id == found.remote_id and len(fake.videos()) == 1


def test_find_published_from_a_live_session_and_from_nothing(
    fake: FakeYouTube, client: YouTube, clock: Clock, tmp_path: Path
) -> None:
    post = post_for(video_file(tmp_path, CHUNK))
    assert client.find_published(post, clock.now) is None
    fake.drop_after_final_next()
    with pytest.raises(AppKilled):
        make_client(fake, clock, sleep=killed).publish(post)
    found = make_client(fake, clock).find_published(post, clock.now)
    assert found is not None and found.remote_id == fake.videos()[0]["id"]


def test_server_error_mid_upload_resumes(
    fake: FakeYouTube, client: YouTube, tmp_path: Path
) -> None:
    path = video_file(tmp_path, 3 * CHUNK)
    fake.fail_next(r"/upload/youtube/v3/videos$", method="PUT", reason="backendError")
    result = client.publish(post_for(path))
    assert fake.videos()[0]["id"] == result.remote_id
    assert fake.videos()[0]["sha256"] == sha(path)


# ------------------------------------------------------------------ metadata


@pytest.mark.parametrize(
    ("options", "code"),
    [
        ({"title": ""}, "title_required"),
        ({"title": "x" * 101}, "title_too_long"),
        ({"title": "Curso <gratis>"}, "title_angle_brackets"),
        ({"tags": ("palabra larga",) * 40}, "tags_too_long"),
        ({"privacy": "friends"}, "privacy_invalid"),
    ],
)
def test_metadata_limits_are_checked_before_anything_is_sent(
    fake: FakeYouTube, client: YouTube, tmp_path: Path, options: dict[str, Any], code: str
) -> None:
    post = post_for(video_file(tmp_path, 1000), **options)
    assert code in [p.code for p in YouTube.validate(post)]
    with pytest.raises(Rejected) as info:
        client.publish(post)
    assert info.value.code == code
    assert not fake.requests()


def test_description_limit_is_in_utf8_bytes(tmp_path: Path) -> None:
    path = video_file(tmp_path, 1000)
    ok = OutgoingPost("ñ" * 2500, media=post_for(path).media, options=PostOptions(title="t"))
    too_long = OutgoingPost("ñ" * 2501, media=ok.media, options=ok.options)
    brackets = OutgoingPost("a < b", media=ok.media, options=ok.options)
    assert YouTube.validate(ok) == []
    assert [p.code for p in YouTube.validate(too_long)] == ["text_too_long"]
    assert YouTube.count_chars("ñ" * 2500) == YouTube.limits.max_chars
    assert [p.code for p in YouTube.validate(brackets)] == ["text_angle_brackets"]
    photo = OutgoingMedia(MEDIA / "story-1080x1920.jpg", "", "image/jpeg", 10)
    only_photo = OutgoingPost("x", media=(photo,), options=ok.options)
    assert "youtube_one_video" in [p.code for p in YouTube.validate(only_photo)]


def test_fake_refuses_what_youtube_refuses(fake: FakeYouTube, tmp_path: Path) -> None:
    import requests

    url = fake.url + "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status"
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    meta = {"snippet": {"title": "t"}, "status": {"privacyStatus": "public"}}
    base = {**auth, "X-Upload-Content-Length": str(2 * GRANULARITY + 5)}
    base["X-Upload-Content-Type"] = "video/mp4"
    r = requests.post(url, json=meta, headers={**base, "Authorization": "Bearer nope"})
    assert r.status_code == 401 and r.json()["error"]["errors"][0]["reason"] == "authError"
    r = requests.post(url, json={**meta, "extra": 1}, headers=base)
    assert r.status_code == 400
    r = requests.post(url, json=meta, headers={**base, "X-Upload-Content-Type": "text/plain"})
    assert r.status_code == 400
    r = requests.post(url, json=meta, headers=base)
    session = r.headers["Location"]
    # not a multiple of 256 KiB and not the last chunk
    bad = requests.put(
        session, data=b"x" * 1000, headers={"Content-Range": f"bytes 0-999/{2 * GRANULARITY + 5}"}
    )
    assert bad.status_code == 400
    # wrong start
    skip = requests.put(
        session,
        data=b"x" * GRANULARITY,
        headers={"Content-Range": f"bytes 5-{GRANULARITY + 4}/{2 * GRANULARITY + 5}"},
    )
    assert skip.status_code == 400
    status = requests.put(
        session, data=b"", headers={"Content-Range": f"bytes */{2 * GRANULARITY + 5}"}
    )
    assert status.status_code == 308 and "Range" not in status.headers  # nothing yet
    ok = requests.put(
        session,
        data=b"x" * GRANULARITY,
        headers={"Content-Range": f"bytes 0-{GRANULARITY - 1}/{2 * GRANULARITY + 5}"},
    )
    assert ok.status_code == 308 and ok.headers["Range"] == f"bytes=0-{GRANULARITY - 1}"


def test_publish_at_is_ignored_unless_private(fake: FakeYouTube, clock: Clock) -> None:
    import requests

    url = fake.url + "/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status"
    headers = {
        "Authorization": f"Bearer {TOKEN}",
        "X-Upload-Content-Length": "10",
        "X-Upload-Content-Type": "video/mp4",
    }
    later = (clock.now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for privacy in ("public", "private"):
        meta = {"snippet": {"title": privacy}, "status": {"privacyStatus": privacy}}
        meta["status"]["publishAt"] = later
        session = requests.post(url, json=meta, headers=headers).headers["Location"]
        assert requests.put(session, data=b"0123456789").status_code == 200
    public, private = fake.videos()
    assert "publishAt" not in public["status"]
    assert private["status"]["publishAt"] == later


def test_sample_post_for_youtube_goes_out_as_expected(fake: FakeYouTube, client: YouTube) -> None:
    data = json.loads((SAMPLES / "posts.json").read_text(encoding="utf-8"))
    samples = [p for p in data["posts"] if "youtube" in p["channels"]]
    assert samples
    playlist = fake.add_playlist(CHANNEL, "Tutoriales")
    for sample in samples:
        yt = sample["youtube"]
        path = SAMPLES / sample["media"][0]["path"]
        post = OutgoingPost(
            text=sample["text"]["es"],
            media=(OutgoingMedia(path, "", "video/mp4", path.stat().st_size),),
            options=PostOptions(
                kind="video",
                title=sample["title"]["es"],
                category_id=yt["category"],
                privacy=yt["privacy"],
                made_for_kids=yt["made_for_kids"],
                playlist_id=yt["playlist"],
                thumbnail=MEDIA / "feria-empleo-1920x1080.png",
            ),
            progress=Progress(),
        )
        assert YouTube.validate(post) == []
        result = client.publish(post)
        assert result.extra.get("thumbnail_error") is None
        assert result.extra.get("playlist_error") is None
        video = next(v for v in fake.videos() if v["id"] == result.remote_id)
        assert video["sha256"] == sha(path)
        assert video["snippet"]["title"] == sample["title"]["es"]
        assert video["snippet"]["description"] == sample["text"]["es"]
        assert video["snippet"]["categoryId"] == "27"
        assert video["status"]["privacyStatus"] == "public"
        assert video["playlists"] == [playlist]
        assert video["thumbnail"]["size"] == (MEDIA / "feria-empleo-1920x1080.png").stat().st_size


def test_thumbnail_refused_for_unverified_channel_keeps_the_video(
    fake: FakeYouTube, clock: Clock, tmp_path: Path
) -> None:
    fake.add_channel(CHANNEL, TOKEN, "Canal", custom_thumbnails=False)
    post = post_for(
        video_file(tmp_path, 1000),
        thumbnail=MEDIA / "plan-formacion-2027-1200x627.jpg",
        playlist_id="No existe",
    )
    result = make_client(fake, clock).publish(post)
    assert "verified" in result.extra["thumbnail_error"]
    assert "No existe" in result.extra["playlist_error"]
    assert len(fake.videos()) == 1
    # retrying does not upload again nor retry the extras
    again = make_client(fake, clock).publish(post)
    assert again.remote_id == result.remote_id and len(fake.videos()) == 1


# ------------------------------------------------------------------ hand-off


def test_hand_off_lifecycle(fake: FakeYouTube, clock: Clock, client: YouTube, tmp_path: Path):
    path = video_file(tmp_path, CHUNK + 3)
    post = post_for(path)
    at = clock.now + timedelta(days=2)
    handed = client.hand_off(post, at)
    [video] = fake.videos()
    assert video["id"] == handed.remote_id
    assert video["status"]["privacyStatus"] == "private"
    assert video["status"]["publishAt"] == at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert "locked_private" not in handed.extra
    assert client.hand_off_status(handed.remote_id) is None
    # reschedule in Pregonero -> publishAt moves
    later = at + timedelta(hours=5)
    changed = OutgoingPost(post.text + " Nuevo.", media=post.media, options=post.options)
    client.update_hand_off(handed.remote_id, changed, later)
    [video] = fake.videos()
    assert video["status"]["publishAt"] == later.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert video["status"]["privacyStatus"] == "private"
    assert video["snippet"]["description"].endswith("Nuevo.")
    # the fake's clock reaches publishAt: YouTube publishes it
    clock.now = later + timedelta(seconds=1)
    live = client.hand_off_status(handed.remote_id)
    assert live is not None and live.permalink == permalink(handed.remote_id)
    assert "locked_private" not in live.extra


def test_rescheduling_a_hand_off_to_now_publishes_it_now(
    fake: FakeYouTube, clock: Clock, client: YouTube, tmp_path: Path
) -> None:
    post = post_for(video_file(tmp_path, 500))
    handed = client.hand_off(post, clock.now + timedelta(days=3))
    gone_file = OutgoingPost(post.text, options=post.options)  # the file is not needed
    client.update_hand_off(handed.remote_id, gone_file, clock.now)
    [video] = fake.videos()
    assert video["status"]["privacyStatus"] == "public" and "publishAt" not in video["status"]
    live = client.hand_off_status(handed.remote_id)
    assert live is not None and live.permalink == permalink(handed.remote_id)


def test_token_expired_mid_upload_resumes_with_the_new_token(
    fake: FakeYouTube, clock: Clock, tmp_path: Path
) -> None:
    path = video_file(tmp_path, 3 * CHUNK)
    post = post_for(path)
    fake.fail_next(r"/upload/youtube/v3/videos$", method="PUT", reason="authError", http_status=401)
    with pytest.raises(AuthExpired):
        make_client(fake, clock).publish(post)
    fake.add_channel(CHANNEL, "ya29.refreshed-token")
    fresh = YouTube(CHANNEL, "ya29.refreshed-token", base_url=fake.url, timeout=5, chunk_size=CHUNK)
    result = fresh.publish(post)
    [video] = fake.videos()
    assert video["id"] == result.remote_id and video["sha256"] == sha(path)
    assert len(fake.sessions()) == 1


def test_hand_off_cancel_and_gone(fake: FakeYouTube, clock: Clock, client: YouTube, tmp_path):
    handed = client.hand_off(post_for(video_file(tmp_path, 500)), clock.now + timedelta(hours=1))
    client.cancel_hand_off(handed.remote_id)
    assert fake.videos() == []
    client.cancel_hand_off(handed.remote_id)  # already gone: fine
    with pytest.raises(Rejected) as info:
        client.hand_off_status(handed.remote_id)
    assert info.value.code == "handoff_gone"
    with pytest.raises(Rejected) as info:
        client.update_hand_off(
            handed.remote_id, post_for(video_file(tmp_path, 5)), clock.now + timedelta(hours=3)
        )
    assert info.value.code == "handoff_gone"


def test_hand_off_only_for_public_posts(client: YouTube, clock: Clock, tmp_path: Path) -> None:
    with pytest.raises(Rejected) as info:
        client.hand_off(
            post_for(video_file(tmp_path, 5), privacy="unlisted"), clock.now + timedelta(hours=1)
        )
    assert info.value.code == "handoff_needs_public"
    assert YouTube.supports_handoff and YouTube.handoff_min_seconds >= 600


def test_unverified_project_locks_videos_private(
    fake: FakeYouTube, clock: Clock, client: YouTube, tmp_path: Path
) -> None:
    fake.unverified_project = True
    published = client.publish(post_for(video_file(tmp_path, 300)))
    assert published.extra["locked_private"] == "1"
    handed = client.hand_off(post_for(video_file(tmp_path, 400, "b.mp4")), clock.now + timedelta(1))
    assert handed.extra["locked_private"] == "1"
    status = client.hand_off_status(handed.remote_id)
    assert status is not None and status.extra == {"locked_private": "1"}
    text = locked_private_explanation()
    assert "audit" in text and "private" in text
    assert any("audit" in line for line in account_health_notes(None))


# ------------------------------------------------------------------ quota and errors


def test_quota_exhaustion_waits_until_pacific_midnight(
    fake: FakeYouTube, clock: Clock, tmp_path: Path
) -> None:
    ledger = QuotaLedger()
    client = make_client(fake, clock, quota=ledger)
    fake.set_quota_used(uploads=100)
    with pytest.raises(RateLimited) as info:
        client.publish(post_for(video_file(tmp_path, 10)))
    err = info.value
    assert err.code == "quotaExceeded"
    expected = (next_pacific_midnight(clock.now) - clock.now).total_seconds()
    assert err.retry_after == pytest.approx(expected)
    # 2027-01-11 09:00 UTC is 01:00 PST: midnight PST = 08:00 UTC next day -> 23 h
    assert expected == 23 * 3600
    assert not fake.videos()


def test_quota_units_model_and_ledger(fake: FakeYouTube, clock: Clock, tmp_path: Path) -> None:
    fake.quota_model = "units"
    saved: list[dict[str, Any]] = []
    ledger = QuotaLedger(model="units", on_change=saved.append)
    client = make_client(fake, clock, quota=ledger)
    fake.add_playlist(CHANNEL, "Tutoriales")
    result = client.publish(
        post_for(
            video_file(tmp_path, 10),
            thumbnail=MEDIA / "plan-formacion-2027-1200x627.jpg",
            playlist_id="Tutoriales",
        )
    )
    # 1600 upload + 50 thumbnail + 1 playlists.list + 50 playlistItems.insert
    assert ledger.used(clock.now) == (1701, 1) == (fake.units_used, fake.uploads_used)
    assert result.extra["quota_units"] == "1701"
    assert saved[-1]["units"] == 1701
    assert "1,701 of 10,000 units" in quota_use_text(ledger, clock.now)
    # a new Pacific day starts from zero
    assert ledger.used(clock.now + timedelta(days=1)) == (0, 0)
    for _ in range(5):
        client.publish(post_for(video_file(tmp_path, 10, f"x{_}.mp4")))
    with pytest.raises(RateLimited):
        client.publish(post_for(video_file(tmp_path, 10, "last.mp4")))
    restored = QuotaLedger.from_dict(json.loads(json.dumps(ledger.to_dict())))
    assert restored.used(clock.now) == ledger.used(clock.now)
    bucket = QuotaLedger()
    bucket.charge("videos.insert", clock.now)
    assert "0 of 10,000 units, 1 uploads of 100" in quota_use_text(bucket, clock.now)


def test_error_mapping(fake: FakeYouTube, clock: Clock, client: YouTube) -> None:
    with pytest.raises(AuthExpired):
        YouTube(CHANNEL, "ya29.wrong", base_url=fake.url, timeout=5).verify()
    fake.fail_next("/channels", reason="rateLimitExceeded", http_status=403, retry_after=7)
    with pytest.raises(RateLimited) as rate:
        client.verify()
    assert rate.value.retry_after == 7
    fake.fail_next("/channels", reason="insufficientPermissions", http_status=403)
    with pytest.raises(Rejected) as scope:
        client.verify()
    assert "youtube.force-ssl" in str(scope.value)
    fake.fail_next("/channels", reason="backendError", http_status=503)
    with pytest.raises(Transient):
        client.verify()
    assert client.verify().name == "Canal de prueba"
    with pytest.raises(Rejected) as wrong:
        YouTube("UCnotmine", TOKEN, base_url=fake.url, timeout=5).verify()
    assert wrong.value.code == "wrong_channel"


def test_fixture_envelopes_parse() -> None:
    import requests

    from app.networks.youtube import classify_google_error

    for name, kind in (("error_response.json", Rejected), ("error_permission_resp.json", Rejected)):
        resp = requests.Response()
        body = (SHARED / "fixtures" / "youtube" / name).read_bytes()
        resp._content = body
        resp.status_code = json.loads(body)["error"]["code"]
        err = classify_google_error(resp)
        assert isinstance(err, kind) and err.code


# ------------------------------------------------------------------ discovery, registry


def test_discover_lists_the_channels_of_the_sign_in(fake: FakeYouTube) -> None:
    fake.add_channel("UCbrandChannel000000000003", TOKEN, "Marca")
    tokens = TokenSet(TOKEN, "1//refresh", scopes=frozenset({YouTube_scope("youtube.upload")}))
    found = YouTube.discover(tokens, base_url=fake.url, timeout=5)
    assert {a.remote_id for a in found} == {CHANNEL, "UCbrandChannel000000000003"}
    first = next(a for a in found if a.remote_id == CHANNEL)
    assert first.network == "youtube" and first.kind == "channel"
    assert first.name == "Canal de prueba" and first.picture_url.startswith("https://")
    assert first.token is tokens
    assert first.missing_scopes == {YouTube_scope("youtube.force-ssl")}
    full = TokenSet(TOKEN, scopes=frozenset({YouTube_scope("youtube")}))
    assert all(not a.missing_scopes for a in YouTube.discover(full, base_url=fake.url))


def YouTube_scope(name: str) -> str:  # noqa: N802 - reads like the constant it builds
    return f"https://www.googleapis.com/auth/{name}"


def test_registry_knows_youtube(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PREGONERO_YOUTUBE_API", "http://127.0.0.1:9")
    client = create_client("youtube", CHANNEL, TOKEN)
    assert isinstance(client, YouTube) and client.base_url == "http://127.0.0.1:9"
    assert TOKEN not in repr(client)
    assert YouTube.required_scopes == {
        YouTube_scope("youtube.upload"),
        YouTube_scope("youtube.force-ssl"),
    }


# ------------------------------------------------------------------ comments


def test_comments_inbox(fake: FakeYouTube, client: YouTube, clock: Clock, tmp_path: Path):
    fake.embedded_replies = 1
    vid = client.publish(post_for(video_file(tmp_path, 10))).remote_id
    older = client.publish(post_for(video_file(tmp_path, 10, "o.mp4"), title="Otro")).remote_id
    assert client.recent_posts(5)[:2] in ([older, vid], [vid, older])
    tops = []
    for i in range(105):
        clock.advance(seconds=1)
        tops.append(fake.add_comment(vid, f"Pregunta {i}", author_name=f"P{i}"))
    for j in range(3):
        clock.advance(seconds=1)
        fake.add_comment(vid, f"Respuesta {j}", parent_id=tops[0])
    page = client.list_comments(vid)
    assert page.next_cursor
    rest = client.list_comments(vid, page.next_cursor)
    assert rest.next_cursor is None
    comments = page.comments + rest.comments
    assert len([c for c in comments if c.parent_remote_id is None]) == 105
    replies = [c for c in comments if c.parent_remote_id == tops[0]]
    assert [r.text for r in replies] == ["Respuesta 0", "Respuesta 1", "Respuesta 2"]
    question = next(c for c in comments if c.remote_id == tops[0])
    assert question.permalink == f"{permalink(vid)}&lc={tops[0]}"
    since = clock.now
    reply_id = client.reply_comment(replies[1], "Gracias, ¡te esperamos!")
    stored = [c for c in fake.comments(vid) if c["id"] == reply_id][0]
    assert stored["parent_id"] == tops[0] and stored["author_id"] == CHANNEL
    assert client.find_reply(question, "Gracias, ¡te esperamos!", since) == reply_id
    assert client.find_reply(question, "otra cosa", since) is None
    page = client.list_comments(vid)
    everything = page.comments + client.list_comments(vid, page.next_cursor).comments
    mine = [c for c in everything if c.remote_id == reply_id]
    assert mine and mine[0].is_own


def test_reply_answer_lost_is_unknown(fake: FakeYouTube, client: YouTube, tmp_path: Path):
    vid = client.publish(post_for(video_file(tmp_path, 10))).remote_id
    top = fake.add_comment(vid, "Hola")
    comment = RemoteComment(top, vid, None, "V", "UCv", "Hola", datetime.now(UTC))
    fake.drop_next("/comments$", method="POST")
    with pytest.raises((UnknownOutcome, Transient)):
        client.reply_comment(comment, "Buenos días")


# ------------------------------------------------------------------ memory


BIG_UPLOAD = textwrap.dedent(
    """
    import os, resource, sys
    from pathlib import Path
    from app.networks.base import OutgoingMedia, OutgoingPost, PostOptions
    from app.networks.youtube import YouTube
    from app.networks.youtube_upload import GRANULARITY
    url, token, channel, path = sys.argv[1:5]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    size = os.stat(path).st_size
    post = OutgoingPost(
        "Vídeo grande",
        media=(OutgoingMedia(Path(path), "", "video/mp4", size),),
        options=PostOptions(title="Grande"),
    )
    client = YouTube(channel, token, base_url=url, timeout=60, chunk_size=32 * GRANULARITY)
    result = client.publish(post)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(result.remote_id, before, after)
    """
)


def test_a_1_gb_upload_keeps_memory_low(fake: FakeYouTube, tmp_path: Path) -> None:
    path = tmp_path / "big.mp4"
    size = 1024**3
    with path.open("wb") as f:
        f.truncate(size)  # sparse: cheap to make, still 1 GB to read and send
    fake.drop_upload_after(300 * 1024 * 1024 + 123)  # and a cut in the middle
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", BIG_UPLOAD, fake.url, TOKEN, CHANNEL, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    video_id, before, after = done.stdout.split()
    [video] = fake.videos()
    assert video["id"] == video_id and video["size"] == size
    zeros = hashlib.sha256()
    block = bytes(1 << 20)
    for _ in range(1024):
        zeros.update(block)
    assert video["sha256"] == zeros.hexdigest()
    extra_kib = int(after) - int(before)  # ru_maxrss is KiB on Linux
    assert extra_kib < 150 * 1024, f"peak memory grew by {extra_kib} KiB"


def test_fake_cli_and_registry_end_to_end(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    import requests

    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.youtube", "--channels", f"{CHANNEL}:{TOKEN}:Canal"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        monkeypatch.setenv("PREGONERO_YOUTUBE_API", url)
        ok = requests.post(f"{url}/__fake__/playlists", json={"channel_id": CHANNEL, "title": "T"})
        assert ok.status_code == 200
        bad = requests.post(f"{url}/__fake__/quota", json={"nope": 1})
        assert bad.status_code == 400
        client = create_client("youtube", CHANNEL, TOKEN, timeout=5)
        assert client.verify().name == "Canal"
        result = client.publish(post_for(video_file(tmp_path, 5000), playlist_id="T"))
        state = requests.get(f"{url}/__fake__/state").json()
        [video] = state["videos"]
        assert video["id"] == result.remote_id and len(video["playlists"]) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
