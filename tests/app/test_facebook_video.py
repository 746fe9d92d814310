"""Facebook Page videos and reels against the strict fake (tests/fakes/graph.py):
resumable upload kept in the delivery's progress, resume after lost answers, constant
memory, and the offline limits."""

from __future__ import annotations

import hashlib
import json
import logging
import subprocess
import sys
import tracemalloc
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.errors import RateLimited, Rejected, Transient, UnknownOutcome
from app.networks.base import OutgoingMedia, OutgoingPost, PostOptions, Progress
from app.networks.facebook import FacebookPages
from tests.fakes.graph import FakeGraph, running_graph

PAGE = "1001"
TOKEN = "EAAGtestPAGEtoken1001secretXYZ"
SAMPLE_REEL = Path("/work/shared/samples/media/reel-ultimo-dia-720x1280.mp4")
ROOT = Path(__file__).resolve().parents[2]
CHUNK = 64 * 1024


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


@pytest.fixture
def fake() -> Iterator[FakeGraph]:
    with running_graph({PAGE: TOKEN}, video_chunk_size=CHUNK) as server:
        yield server


@pytest.fixture
def client(fake: FakeGraph) -> FacebookPages:
    return FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=3.0)


def make_video(path: Path, size: int) -> Path:
    """An MP4-looking file of ``size`` bytes (ftyp box first, then varied bytes)."""
    head = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"
    with open(path, "wb") as f:
        f.write(head)
        block = bytes(range(256)) * 256
        left = size - len(head)
        while left > 0:
            f.write(block[: min(left, len(block))])
            left -= len(block)
    return path


def video_media(path: Path, **kw: Any) -> OutgoingMedia:
    return OutgoingMedia(path, "", "video/mp4", path.stat().st_size, **kw)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Saved:
    """A Progress saver that remembers every saved snapshot (as the store would)."""

    def __init__(self) -> None:
        self.snapshots: list[dict[str, Any]] = []
        self.hooks: list[Any] = []

    def __call__(self, data: dict[str, Any]) -> None:
        self.snapshots.append(data)
        for hook in list(self.hooks):
            hook(data)


def video_post(path: Path, text: str = "Tutorial de inscripción", **options: Any) -> OutgoingPost:
    saver = Saved()
    return OutgoingPost(
        text,
        media=(video_media(path),),
        options=PostOptions(**options),
        progress=Progress(saver=saver),
    )


def phases(fake: FakeGraph, edge: str = "videos") -> list[str]:
    return [
        r.get("params", {}).get("upload_phase", "injected")
        for r in fake.requests()
        if r["method"] == "POST" and r["path"].endswith("/" + edge)
    ]


# ------------------------------------------------------------------ Page video


def test_video_resumable_upload(client: FacebookPages, fake: FakeGraph, tmp_path: Path) -> None:
    path = make_video(tmp_path / "tutorial.mp4", 3 * CHUNK + 1000)
    post = video_post(path, kind="video", title="Cómo inscribirse")
    published = client.publish(post)
    [video] = fake.videos(PAGE)
    assert video["sha256"] == sha(path) and video["received"] == path.stat().st_size
    assert video["published"] and video["finish_calls"] == 1
    assert video["description"] == "Tutorial de inscripción"
    assert video["title"] == "Cómo inscribirse"
    assert published.remote_id == video["id"]
    assert published.permalink == f"https://www.facebook.com/{PAGE}/videos/{video['id']}/"
    assert phases(fake) == ["start", "transfer", "transfer", "transfer", "transfer", "finish"]
    data = post.progress.data
    assert data["video_id"] == video["id"] and data["upload_session_id"]
    assert data["video_uploaded"] is True and data["post_id"] == video["id"]
    # The token never travels in a URL of a create call.
    assert all(r["token_in"] == "body" for r in fake.requests() if r["path"].endswith("/videos"))


def test_attached_video_is_a_video_post(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    path = make_video(tmp_path / "clip.mp4", 5000)
    published = client.publish(video_post(path))  # kind "feed" but a video attached
    assert [v["id"] for v in fake.videos(PAGE)] == [published.remote_id]
    assert fake.posts(PAGE) == []  # no photo/feed call was made


def test_lost_chunk_answer_resumes_at_the_servers_offset(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    path = make_video(tmp_path / "v.mp4", 4 * CHUNK)
    post = video_post(path)
    fake.drop_after_create_next(r"/videos$")  # the first chunk is stored, its answer lost
    with pytest.raises(Transient):
        client.publish(post)
    assert post.progress.data["start_offset"] == 0  # what we knew for sure
    published = client.publish(post)  # the server says 1363037: resume at its offset
    [video] = fake.videos(PAGE)
    assert video["sha256"] == sha(path) and published.remote_id == video["id"]
    assert phases(fake).count("start") == 1  # one upload session, one video
    mismatches = [
        r for r in fake.requests() if r["path"].endswith("/videos") and r["status"] == 400
    ]
    assert len(mismatches) == 1


def test_lost_finish_answer_is_reconciled_from_the_video_status(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    path = make_video(tmp_path / "v.mp4", CHUNK)
    post = video_post(path)
    since = datetime.now(UTC)
    fake.drop_after_create_next(r"/videos$", times=2)  # the chunk, then...
    with pytest.raises(Transient):
        client.publish(post)
    with pytest.raises(UnknownOutcome):  # ...the finish: the video is published
        client.publish(post)
    assert post.progress.data["video_finish_sent"] is True
    found = client.find_published(post, since)
    [video] = fake.videos(PAGE)
    assert found is not None and found.remote_id == video["id"]
    again = client.publish(post)  # status first: never a second finish
    assert again.remote_id == video["id"] and video["finish_calls"] == 1
    assert fake.videos(PAGE)[0]["finish_calls"] == 1
    gets = [r for r in fake.requests() if r["method"] == "GET" and r["path"].endswith(video["id"])]
    assert gets and gets[0]["params"]["fields"] == "status"


def test_finish_that_never_arrived_is_sent_again(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    path = make_video(tmp_path / "v.mp4", 2 * CHUNK)
    post = video_post(path)
    saver = post.progress._saver
    assert isinstance(saver, Saved)

    def drop_finish(data: dict[str, Any]) -> None:
        if data.get("video_finish_sent"):
            fake.drop_next(r"/videos$")  # the finish is lost before Facebook sees it
            saver.hooks.clear()

    saver.hooks.append(drop_finish)
    with pytest.raises(UnknownOutcome):
        client.publish(post)
    assert client.find_published(post, datetime.now(UTC)) is None  # not published
    published = client.publish(post)
    [video] = fake.videos(PAGE)
    assert video["published"] and video["finish_calls"] == 1
    assert published.remote_id == video["id"]


def test_restart_from_saved_progress(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    """A restart builds a new post from the last saved progress and goes on."""
    path = make_video(tmp_path / "v.mp4", 5 * CHUNK)
    post = video_post(path)
    saver = post.progress._saver
    assert isinstance(saver, Saved)
    fake.fail_next(r"/videos$", code=2, times=1)

    def stop_after_two_chunks(data: dict[str, Any]) -> None:
        if data.get("start_offset") == 2 * CHUNK:
            fake.fail_next(r"/videos$", code=2)
            saver.hooks.clear()

    saver.hooks.append(stop_after_two_chunks)
    with pytest.raises(Transient):
        client.publish(post)  # the start failed
    with pytest.raises(Transient):
        client.publish(post)  # stopped after two chunks
    restored = OutgoingPost(
        post.text, media=post.media, progress=Progress(dict(saver.snapshots[-1]))
    )
    client.publish(restored)
    [video] = fake.videos(PAGE)
    assert video["sha256"] == sha(path)
    assert phases(fake).count("start") == 1
    assert phases(fake).count("injected") == 2
    assert phases(fake).count("transfer") == 5  # no chunk sent twice


def test_not_a_video_is_refused(client: FacebookPages, fake: FakeGraph, tmp_path: Path) -> None:
    path = tmp_path / "falso.mp4"
    path.write_bytes(b"this is not a video at all" * 100)
    with pytest.raises(Rejected) as err:
        client.publish(video_post(path))
    assert err.value.code == "352"


def test_video_with_photos_is_refused_before_any_call(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    path = make_video(tmp_path / "v.mp4", 2000)
    photo = OutgoingMedia(
        Path("/work/shared/samples/media/carrusel-1-1080x1080.jpg"), "", "image/jpeg", 1
    )
    post = OutgoingPost("x", media=(video_media(path), photo))
    with pytest.raises(Rejected) as err:
        client.publish(post)
    assert err.value.code == "video_alone" and fake.requests() == []


def test_missing_video_file(client: FacebookPages, tmp_path: Path) -> None:
    media = OutgoingMedia(tmp_path / "gone.mp4", "", "video/mp4", 10)
    with pytest.raises(Rejected) as err:
        client.publish(OutgoingPost("x", media=(media,), options=PostOptions(kind="video")))
    assert err.value.code == "media_unreadable" and "gone.mp4" in str(err.value)


# ------------------------------------------------------------------ reels


def test_reel(client: FacebookPages, fake: FakeGraph) -> None:
    post = video_post(SAMPLE_REEL, "¡Último día de inscripción!", kind="reel")
    published = client.publish(post)
    [reel] = fake.videos(PAGE)
    assert reel["kind"] == "reel" and reel["published"] and reel["sha256"] == sha(SAMPLE_REEL)
    assert reel["description"] == "¡Último día de inscripción!"
    assert published.remote_id == reel["id"]
    assert published.permalink == f"https://www.facebook.com/reel/{reel['id']}/"
    assert phases(fake, "video_reels") == ["start", "finish"]
    [upload] = [r for r in fake.requests() if r["path"].startswith("/video-upload/")]
    assert upload["path"] == f"/video-upload/v25.0/{reel['id']}"
    assert upload["token_in"] == "header"
    assert upload["params"] == {
        "offset": "0",
        "file_size": str(SAMPLE_REEL.stat().st_size),
        "bytes": SAMPLE_REEL.stat().st_size,
    }
    [finish] = [r for r in fake.requests() if r.get("params", {}).get("upload_phase") == "finish"]
    assert finish["params"]["video_state"] == "PUBLISHED"


def test_reel_resumes_after_a_dropped_connection(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    path = make_video(tmp_path / "reel.mp4", 300_000)
    fake.cut_upload_next(keep=100_000)
    client.publish(video_post(path, kind="reel"))
    [reel] = fake.videos(PAGE)
    assert reel["sha256"] == sha(path) and reel["published"]
    uploads = [r["params"] for r in fake.requests() if r["path"].startswith("/video-upload/")]
    assert [u["offset"] for u in uploads] == ["0", "100000"]
    assert uploads[1]["bytes"] == 200_000


def test_reel_lost_finish_then_reconcile(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    path = make_video(tmp_path / "reel.mp4", 10_000)
    post = video_post(path, kind="reel")
    fake.drop_after_create_next(r"/video_reels$")
    with pytest.raises(UnknownOutcome):
        client.publish(post)
    found = client.find_published(post, datetime.now(UTC))
    [reel] = fake.videos(PAGE)
    assert found is not None and found.remote_id == reel["id"]
    client.publish(post)
    assert fake.videos(PAGE)[0]["finish_calls"] == 1


def test_rupload_is_strict(fake: FakeGraph, client: FacebookPages, tmp_path: Path) -> None:
    body = json.dumps({}).encode()

    def post(headers: dict[str, str], video_id: str) -> tuple[int, dict[str, Any]]:
        req = urllib.request.Request(
            f"{fake.url}/video-upload/v25.0/{video_id}", data=body, headers=headers
        )
        try:
            with urllib.request.urlopen(req, timeout=3) as resp:
                return resp.status, json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    start = urllib.request.Request(
        f"{fake.url}/v25.0/{PAGE}/video_reels",
        data=f"upload_phase=start&access_token={TOKEN}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(start, timeout=3) as resp:
        video_id = json.loads(resp.read())["video_id"]
    size = str(len(body))
    assert post({"offset": "0", "file_size": size}, video_id)[0] == 401  # no OAuth header
    auth = {"Authorization": f"OAuth {TOKEN}"}
    assert post({**auth, "file_size": size}, video_id)[0] == 400  # no offset
    assert post({**auth, "offset": "5", "file_size": size}, video_id)[0] == 400  # wrong offset
    assert post({**auth, "offset": "0", "file_size": size}, "999")[0] == 400  # unknown video
    assert post({**auth, "offset": "0", "file_size": size}, video_id) == (200, {"success": True})


# ------------------------------------------------------------------ offline limits


def test_validate_video_and_reel_limits(tmp_path: Path) -> None:
    path = make_video(tmp_path / "v.mp4", 1000)

    def codes(kind: str, **kw: Any) -> list[str]:
        post = OutgoingPost("x", media=(video_media(path, **kw),), options=PostOptions(kind=kind))
        return [p.code for p in FacebookPages.validate(post)]

    assert codes("reel", width=720, height=1280, duration_seconds=20) == []
    assert codes("reel", width=720, height=1280, duration_seconds=120) == ["video_length"]
    assert codes("reel", width=1280, height=720, duration_seconds=20) == ["video_aspect"]
    assert codes("reel", width=360, height=640, duration_seconds=20) == ["video_too_small"]
    assert codes("video", width=1280, height=720, duration_seconds=3600) == []
    assert codes("video", width=1280, height=720, duration_seconds=5 * 3600) == ["video_length"]
    assert codes("video", width=2000, height=500, duration_seconds=30) == ["video_aspect"]
    big = OutgoingMedia(path, "", "video/mp4", 11 * 1024**3)
    assert [p.code for p in FacebookPages.validate(OutgoingPost("x", media=(big,)))] == [
        "video_too_large"
    ]
    for kind, code in (("reel", "video_alone"), ("story", "unsupported_kind")):
        post = OutgoingPost("x", options=PostOptions(kind=kind))
        assert [p.code for p in FacebookPages.validate(post)] == [code]


# ------------------------------------------------------------------ constant memory


def test_upload_memory_is_constant(tmp_path: Path) -> None:
    """A 30 MB video and a 30 MB reel go out with a few MB of client memory (the fake
    runs in another process, so only the client is measured)."""
    size = 30 * 1024 * 1024
    path = make_video(tmp_path / "grande.mp4", size)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.graph",
            "--pages",
            f"{PAGE}:{TOKEN}",
            "--video-chunk-size",
            str(32 * 1024 * 1024),  # the server proposes more than we hold at once
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        client = FacebookPages(PAGE, TOKEN, base_url=url, timeout=30)
        peaks = []
        for kind in ("video", "reel"):
            tracemalloc.start()
            client.publish(video_post(path, kind=kind))
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        with urllib.request.urlopen(f"{url}/__fake__/state", timeout=10) as resp:
            state = json.loads(resp.read())
    finally:
        proc.terminate()
        proc.wait(10)
    videos = state["pages"][PAGE]["videos"]
    digest = sha(path)
    assert [v["kind"] for v in videos] == ["video", "reel"]
    assert all(v["sha256"] == digest and v["published"] for v in videos)
    video_peak, reel_peak = peaks
    assert video_peak < 12 * 1024 * 1024, video_peak  # one 8 MiB chunk, not the file
    assert reel_peak < 4 * 1024 * 1024, reel_peak  # streamed from disk


def test_retriable_rupload_error_then_resume(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    path = make_video(tmp_path / "reel.mp4", 50_000)
    post = video_post(path, kind="reel")
    fake.fail_next(
        r"^/video-upload/",
        http_status=503,
        raw_body=json.dumps(
            {"debug_info": {"retriable": True, "type": "ServiceUnavailable", "message": "busy"}}
        ),
    )
    with pytest.raises(Transient) as err:
        client.publish(post)
    assert err.value.code == "ServiceUnavailable" and err.value.user_message == "busy"
    client.publish(post)  # asks the status, starts at 0 again, same reel
    [reel] = fake.videos(PAGE)
    assert reel["sha256"] == sha(path) and reel["published"]
    assert phases(fake, "video_reels").count("start") == 1


def test_thirty_reels_a_day(fake: FakeGraph, tmp_path: Path) -> None:
    clock = [1_800_000_000.0]
    fake.clock = lambda: clock[0]
    client = FacebookPages(PAGE, TOKEN, base_url=fake.url, timeout=3.0)
    path = make_video(tmp_path / "reel.mp4", 1000)
    for _ in range(30):
        clock[0] += 60
        client.publish(video_post(path, kind="reel"))
    with pytest.raises(RateLimited):
        client.publish(video_post(path, kind="reel"))
    clock[0] += 86400
    client.publish(video_post(path, kind="reel"))
    assert sum(v["published"] for v in fake.videos(PAGE)) == 31


def test_reel_finish_that_never_arrived_is_sent_again(
    client: FacebookPages, fake: FakeGraph, tmp_path: Path
) -> None:
    """A reel is processed once uploaded: only its publishing phase says "finished"."""
    path = make_video(tmp_path / "reel.mp4", 20_000)
    post = video_post(path, kind="reel")
    saver = post.progress._saver
    assert isinstance(saver, Saved)

    def drop_finish(data: dict[str, Any]) -> None:
        if data.get("reel_finish_sent"):
            fake.drop_next(r"/video_reels$")
            saver.hooks.clear()

    saver.hooks.append(drop_finish)
    with pytest.raises(UnknownOutcome):
        client.publish(post)
    assert client.find_published(post, datetime.now(UTC)) is None
    client.publish(post)
    [reel] = fake.videos(PAGE)
    assert reel["published"] and reel["finish_calls"] == 1
