"""The Instagram fake refuses what Instagram refuses (so client bugs cannot hide)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.fakes.instagram import FakeInstagram
from tests.fakes.wordpress import FakeWordPress

MEDIA = Path("/work/shared/samples/media")
IG, TOKEN = "1784", "PAGE-TOKEN"


class Clock:
    now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeInstagram]:
    with FakeInstagram(clock=clock) as server:
        server.add_account(IG, TOKEN)
        yield server


@pytest.fixture
def wp() -> Iterator[FakeWordPress]:
    with FakeWordPress({"u": "p"}) as server:
        yield server


def call(fake: FakeInstagram, method: str, path: str, **form: str) -> tuple[int, Any]:
    form.setdefault("access_token", TOKEN)
    url = f"{fake.url}/v25.0/{path}"
    if method == "GET":
        r = requests.get(url, params=form, timeout=5)
    else:
        r = requests.post(url, data=form, timeout=5)
    return r.status_code, r.json()


def hosted(wp: FakeWordPress, name: str, mime: str = "image/jpeg") -> str:
    data = (MEDIA / name).read_bytes()
    r = requests.post(
        f"{wp.url}/wp-json/wp/v2/media",
        data=data,
        headers={"Content-Type": mime, "Content-Disposition": 'attachment; filename="a.jpg"'},
        auth=("u", "p"),
        timeout=5,
    )
    assert r.status_code == 201
    return str(r.json()["source_url"])


def test_token_unknown_params_and_captions(fake: FakeInstagram, wp: FakeWordPress) -> None:
    url = hosted(wp, "plan-formacion-2027-1080x1080.jpg")
    assert (
        call(fake, "POST", f"{IG}/media", image_url=url, access_token="nope")[1]["error"]["code"]
        == 190
    )
    assert call(fake, "POST", f"{IG}/media", image_url=url, colour="red")[1]["error"]["code"] == 100
    tags = " ".join(f"#t{i}" for i in range(31))
    status, body = call(fake, "POST", f"{IG}/media", image_url=url, caption=tags)
    assert status == 400 and body["error"]["error_subcode"] == 2207045
    status, body = call(fake, "POST", f"{IG}/media", image_url=url, caption="x" * 2201)
    assert body["error"]["error_subcode"] == 2207044
    status, body = call(
        fake, "POST", f"{IG}/media", video_url=url, media_type="REELS", alt_text="a"
    )
    assert body["error"]["code"] == 100  # alt text is for images only


def test_download_problems_make_error_containers(fake: FakeInstagram, wp: FakeWordPress) -> None:
    png = hosted(wp, "feria-empleo-1920x1080.png", "image/png")
    _s, body = call(fake, "POST", f"{IG}/media", image_url=png)
    _s, status = call(fake, "GET", body["id"], fields="status_code,status")
    assert status["status_code"] == "ERROR" and "content type image/png" in status["status"]
    _s, body = call(fake, "POST", f"{IG}/media", image_url="http://127.0.0.1:9/x.jpg")
    _s, status = call(fake, "GET", body["id"], fields="status_code,status")
    assert status["status_code"] == "ERROR" and "2207052" in status["status"]
    video = hosted(wp, "reel-ultimo-dia-720x1280.mp4", "video/mp4")
    _s, body = call(fake, "POST", f"{IG}/media", video_url=video, media_type="REELS")
    assert call(fake, "GET", body["id"], fields="status_code")[1]["status_code"] == "FINISHED"


def test_publish_once_only_finished_and_quota(
    fake: FakeInstagram, wp: FakeWordPress, clock: Clock
) -> None:
    fake.quota_total = 1
    fake.image_seconds = 10
    url = hosted(wp, "plan-formacion-2027-1080x1080.jpg")
    _s, body = call(fake, "POST", f"{IG}/media", image_url=url, caption="Hola")
    cid = body["id"]
    status, err = call(fake, "POST", f"{IG}/media_publish", creation_id=cid)
    assert (status, err["error"]["error_subcode"]) == (400, 2207027)  # still IN_PROGRESS
    clock.now += 11
    status, ok = call(fake, "POST", f"{IG}/media_publish", creation_id=cid)
    assert status == 200 and ok["id"]
    assert call(fake, "GET", cid, fields="status_code")[1]["status_code"] == "PUBLISHED"
    status, err = call(fake, "POST", f"{IG}/media_publish", creation_id=cid)
    assert err["error"]["error_subcode"] == 2207008  # never twice
    _s, body = call(fake, "POST", f"{IG}/media", image_url=url)
    clock.now += 11
    status, err = call(fake, "POST", f"{IG}/media_publish", creation_id=body["id"])
    assert err["error"]["error_subcode"] == 2207042  # quota of 1
    _s, limit = call(fake, "GET", f"{IG}/content_publishing_limit", fields="quota_usage,config")
    assert limit["data"][0] == {
        "quota_usage": 1,
        "config": {"quota_total": 1, "quota_duration": 86400},
    }
    clock.now += 25 * 3600
    assert call(fake, "GET", body["id"], fields="status_code")[1]["status_code"] == "EXPIRED"


def test_rupload_checks_headers_and_offsets(fake: FakeInstagram) -> None:
    _s, body = call(fake, "POST", f"{IG}/media", media_type="REELS", upload_type="resumable")
    uri = body["uri"]
    assert uri == f"{fake.url}/ig-api-upload/v25.0/{body['id']}"
    data = (MEDIA / "reel-ultimo-dia-720x1280.mp4").read_bytes()
    auth = {"Authorization": f"OAuth {TOKEN}"}
    assert requests.post(uri, data=data, headers=auth, timeout=5).status_code == 400  # no offset
    bad = {"Authorization": "OAuth other", "offset": "0", "file_size": str(len(data))}
    assert requests.post(uri, data=data, headers=bad, timeout=5).status_code == 401
    first = {**auth, "offset": "0", "file_size": str(len(data))}
    assert requests.post(uri, data=data[:1000], headers=first, timeout=5).json()["success"]
    wrong = {**auth, "offset": "500", "file_size": str(len(data))}
    r = requests.post(uri, data=data[500:], headers=wrong, timeout=5)
    assert r.status_code == 400 and "expected 1000" in r.json()["debug_info"]["message"]
    assert requests.get(uri, headers=auth, timeout=5).json()["offset"] == 1000
    rest = {**auth, "offset": "1000", "file_size": str(len(data))}
    assert requests.post(uri, data=data[1000:], headers=rest, timeout=5).json()["success"]
    assert call(fake, "GET", body["id"], fields="status_code")[1]["status_code"] == "FINISHED"


def test_carousel_rules(fake: FakeInstagram, wp: FakeWordPress) -> None:
    url = hosted(wp, "carrusel-1-1080x1080.jpg")
    _s, one = call(fake, "POST", f"{IG}/media", image_url=url, is_carousel_item="true")
    _s, err = call(fake, "POST", f"{IG}/media", media_type="CAROUSEL", children=one["id"])
    assert err["error"]["error_subcode"] == 2207003  # 2 to 10 children
    _s, lone = call(fake, "POST", f"{IG}/media", image_url=url)
    _s, err = call(
        fake, "POST", f"{IG}/media", media_type="CAROUSEL", children=f"{one['id']},{lone['id']}"
    )
    assert err["error"]["code"] == 100  # a child must be a carousel item
    _s, err = call(fake, "POST", f"{IG}/media", image_url=url, is_carousel_item="true", caption="x")
    assert err["error"]["code"] == 100  # captions go on the parent
