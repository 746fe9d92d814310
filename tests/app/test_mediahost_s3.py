"""The S3-compatible media host (boto3) against a fake that verifies SigV4 itself."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.errors import AuthExpired
from app.mediahost import MediaHostConfig, host_from_options, secret_user
from app.networks.base import OutgoingMedia, OutgoingPost, Progress
from app.networks.instagram import Instagram
from app.secrets import CredentialStore
from tests.fakes.instagram import FakeInstagram
from tests.fakes.s3 import FakeS3

pytest.importorskip("boto3")
from app.mediahost.s3 import S3MediaHost  # noqa: E402

MEDIA = Path("/work/shared/samples/media")
ACCESS, SECRET = "AKIAPREGONEROTEST", "s3cr3t/KEY+value"


@pytest.fixture
def s3() -> Iterator[FakeS3]:
    with FakeS3("media-empleo", ACCESS, SECRET) as server:
        yield server


def host(s3: FakeS3, secret: str = SECRET) -> S3MediaHost:
    return S3MediaHost(s3.url, "media-empleo", "eu-west-1", ACCESS, secret, timeout=5)


def test_put_presigned_get_and_delete(s3: FakeS3) -> None:
    path = MEDIA / "carrusel-1-1080x1080.jpg"
    hosted = host(s3).put(path, "image/jpeg")
    assert "X-Amz-Signature=" in hosted.public_url and "X-Amz-Expires=7200" in hosted.public_url
    with urllib.request.urlopen(hosted.public_url, timeout=5) as resp:  # noqa: S310
        assert resp.read() == path.read_bytes()
        assert resp.headers["Content-Type"] == "image/jpeg"
    plain = hosted.public_url.split("?", 1)[0]
    with pytest.raises(urllib.error.HTTPError) as err:  # the bucket itself stays private
        urllib.request.urlopen(plain, timeout=5)  # noqa: S310
    assert err.value.code == 403
    tampered = hosted.public_url.replace("X-Amz-Expires=7200", "X-Amz-Expires=7201")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(tampered, timeout=5)  # noqa: S310
    host(s3).delete(hosted.handle)
    assert s3.objects == {}
    host(s3).delete(hosted.handle)  # gone already: fine


def test_wrong_secret_is_an_auth_error(s3: FakeS3) -> None:
    with pytest.raises(AuthExpired) as err:
        host(s3, "wrong").put(MEDIA / "carrusel-1-1080x1080.jpg", "image/jpeg")
    assert "access key" in str(err.value)
    assert "wrong" not in str(err.value) and SECRET not in repr(host(s3))


def test_instagram_downloads_from_the_presigned_url(s3: FakeS3) -> None:
    config = MediaHostConfig("s3", s3.url, ACCESS, "media-empleo", "eu-west-1")
    store = CredentialStore()
    store.set(secret_user("instagram", "1784"), SECRET)
    media_host = host_from_options({"media_host": config.to_options()}, "instagram", "1784", store)
    assert isinstance(media_host, S3MediaHost)
    with FakeInstagram() as ig:
        ig.add_account("1784", "PAGE-TOKEN")
        client = Instagram("1784", "PAGE-TOKEN", base_url=ig.url, timeout=5, media_host=media_host)
        path = MEDIA / "plan-formacion-2027-1080x1350.jpg"
        post = OutgoingPost(
            "Plan de Formación 2027",
            media=(OutgoingMedia(path, "Cartel", "image/jpeg", path.stat().st_size),),
            progress=Progress(),
        )
        result = client.publish(post)
        assert result.remote_id == ig.media("1784")[0].id
        assert client.cleanup(post) == []
    assert s3.objects == {}
