"""LinkedIn client against the strict fake REST API (tests/fakes/linkedin.py)."""

from __future__ import annotations

import hashlib
import json
import logging
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
from app.networks import linkedin as linkedin_module
from app.networks.base import (
    OutgoingMedia,
    OutgoingPost,
    PostOptions,
    Progress,
    RemoteComment,
    TokenSet,
)
from app.networks.linkedin import (
    LINKEDIN_VERSION,
    LinkedIn,
    Truncated,
    encode_urn,
    permalink_for,
)
from app.networks.registry import NETWORKS, create_client
from tests.fakes.linkedin import (
    DEFAULT_ORG,
    DEFAULT_ORG_NAME,
    DEFAULT_SUB,
    DEFAULT_TOKEN,
    FakeLinkedIn,
    running_linkedin,
)

MEDIA = Path("/work/shared/samples/media")
SAMPLES = Path("/work/shared/samples/posts.json")
ORG = f"urn:li:organization:{DEFAULT_ORG}"
MEMBER = f"urn:li:person:{DEFAULT_SUB}"
TOKEN = DEFAULT_TOKEN

E = TypeVar("E", bound=NetworkError)


@pytest.fixture
def fake() -> Iterator[FakeLinkedIn]:
    with running_linkedin(part_size=50_000) as server:
        yield server


def make(fake: FakeLinkedIn, author: str = ORG, **kw: Any) -> LinkedIn:
    return LinkedIn(author, TOKEN, base_url=fake.url, timeout=3.0, poll_interval=0, **kw)


@pytest.fixture
def client(fake: FakeLinkedIn) -> LinkedIn:
    return make(fake)


@pytest.fixture(autouse=True)
def no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    yield
    messages = [r.getMessage() for when in ("setup", "call") for r in caplog.get_records(when)]
    assert not [m for m in messages if TOKEN in m]


def expect(kind: type[E], fn: Callable[..., Any], *args: Any) -> E:
    with pytest.raises(kind) as info:
        fn(*args)
    err = info.value
    for text in (str(err), repr(err), err.user_message, "".join(traceback.format_exception(err))):
        assert TOKEN not in text
    return err


def media(name: str, alt: str = "") -> OutgoingMedia:
    path = MEDIA / name
    mime = {
        ".png": "image/png",
        ".mp4": "video/mp4",
        ".pdf": "application/pdf",
    }.get(path.suffix, "image/jpeg")
    return OutgoingMedia(path, alt, mime, path.stat().st_size)


def pdf(tmp_path: Path, name: str = "bases convocatoria 2027.pdf") -> OutgoingMedia:
    path = tmp_path / name
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    path.write_bytes(body)
    return OutgoingMedia(path, "", "application/pdf", len(body))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rest_calls(fake: FakeLinkedIn) -> list[dict[str, Any]]:
    return [r for r in fake.requests() if r["path"].startswith("/rest/")]


# ---------------------------------------------------------------------- declared facts


def test_declared_facts() -> None:
    assert NETWORKS["linkedin"] is LinkedIn
    assert LinkedIn.key == "linkedin" and LinkedIn.label == "LinkedIn"
    assert LinkedIn.limits.max_chars == 3000 and LinkedIn.limits.max_images == 20
    assert LINKEDIN_VERSION == "202607"
    assert LinkedIn(ORG, TOKEN).base_url == "https://api.linkedin.com"
    assert TOKEN not in repr(LinkedIn(ORG, TOKEN))
    assert LinkedIn.supports_comments
    assert permalink_for("urn:li:share:1") == "https://www.linkedin.com/feed/update/urn:li:share:1/"
    assert encode_urn("urn:li:comment:(urn:li:activity:1,2)") == (
        "urn%3Ali%3Acomment%3A%28urn%3Ali%3Aactivity%3A1%2C2%29"
    )


def test_registry_uses_the_env_base_url(
    fake: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREGONERO_LINKEDIN_API", fake.url)
    monkeypatch.setenv("PREGONERO_LINKEDIN_VERSION", "202605")
    client = create_client("linkedin", ORG, TOKEN)
    assert isinstance(client, LinkedIn)
    assert client.base_url == fake.url and client.version == "202605"


def test_validate(tmp_path: Path) -> None:
    assert LinkedIn.validate(OutgoingPost("x" * 3000)) == []
    [p] = LinkedIn.validate(OutgoingPost("x" * 3001))
    assert p.code == "text_too_long"
    # escapes count (conservative): 1500 parentheses are 3000 escaped characters
    assert LinkedIn.validate(OutgoingPost("()" * 751))[0].code == "text_too_long"
    mixed = OutgoingPost(
        "v", media=(media("tutorial-inscripcion-1280x720.mp4"), media("carrusel-1-1080x1080.jpg"))
    )
    assert [p.code for p in LinkedIn.validate(mixed)] == ["media_mix"]
    assert [
        p.code
        for p in LinkedIn.validate(OutgoingPost("d", media=(pdf(tmp_path), pdf(tmp_path, "b.pdf"))))
    ] == ["media_mix"]
    many = tuple(media("carrusel-1-1080x1080.jpg") for _ in range(21))
    assert [p.code for p in LinkedIn.validate(OutgoingPost("m", media=many))] == ["too_many_media"]
    short = OutgoingMedia(
        MEDIA / "reel-ultimo-dia-720x1280.mp4", "", "video/mp4", 10, duration_seconds=1.0
    )
    assert [p.code for p in LinkedIn.validate(OutgoingPost("v", media=(short,)))] == [
        "video_duration"
    ]


# ---------------------------------------------------------------------- text posts


def test_text_with_parentheses_goes_out_complete(client: LinkedIn, fake: FakeLinkedIn) -> None:
    text = "Abierto el plazo (hasta el 1 de febrero) para el Programa PNL_2027 #Empleo"
    result = client.publish(OutgoingPost(text))
    [post] = fake.posts()
    assert post["urn"] == result.remote_id and result.remote_id.startswith("urn:li:share:")
    assert result.permalink == f"https://www.linkedin.com/feed/update/{post['urn']}/"
    assert post["plain"] == text and not post["truncated"]
    assert post["hashtags"] == ["Empleo"]
    assert post["author"] == ORG and post["content"] is None
    for call in rest_calls(fake):
        assert call["headers"]["linkedin-version"] == LINKEDIN_VERSION
        assert call["headers"]["x-restli-protocol-version"] == "2.0.0"
        assert call["headers"]["bearer"]
    create, readback = rest_calls(fake)
    assert create["method"] == "POST" and create["path"] == "/rest/posts"
    assert create["json"]["commentary"] == little_escape(text)
    assert create["json"]["visibility"] == "PUBLIC"
    assert create["json"]["distribution"]["feedDistribution"] == "MAIN_FEED"
    assert readback["method"] == "GET" and "%3A" in readback["raw_path"]


def little_escape(text: str) -> str:
    from app.networks.little import escape

    return escape(text)


def test_member_post(fake: FakeLinkedIn) -> None:
    result = make(fake, MEMBER).publish(OutgoingPost("Hola, red (prueba)"))
    assert fake.posts(MEMBER)[0]["urn"] == result.remote_id


def test_unescaped_commentary_is_reported_truncated(
    client: LinkedIn, fake: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linkedin_module.little, "escape", lambda text: text)
    progress = Progress()
    text = "Abierto el plazo (hasta el 1 de febrero). Inscríbete ya."
    err = expect(Truncated, client.publish, OutgoingPost(text, progress=progress))
    [post] = fake.posts()
    assert post["truncated"] and post["plain"] == "Abierto el plazo "
    assert err.code == "truncated"
    assert err.lost == "(hasta el 1 de febrero). Inscríbete ya."
    assert "(hasta el 1 de febrero). Inscríbete ya." in str(err)
    assert err.published.remote_id == post["urn"]
    assert err.published.permalink in str(err)
    assert isinstance(err, Rejected)
    # A retry of the same delivery never publishes it again.
    err2 = expect(Truncated, client.publish, OutgoingPost(text, progress=progress))
    assert err2.published.remote_id == post["urn"]
    assert len(fake.posts()) == 1


def test_readback_failure_does_not_hide_the_post(client: LinkedIn, fake: FakeLinkedIn) -> None:
    fake.fail_next(r"^/rest/posts/", status=500, method="GET")
    result = client.publish(OutgoingPost("Hola"))
    assert result.remote_id == fake.posts()[0]["urn"]


def test_link_post_is_an_article(client: LinkedIn, fake: FakeLinkedIn) -> None:
    post = OutgoingPost(
        "Consulta las bases",
        link="https://empleo.example.es/practicas",
        options=PostOptions(title="Bases (PNL) 2027"),
    )
    client.publish(post)
    [stored] = fake.posts()
    assert stored["content"] == {
        "article": {"source": "https://empleo.example.es/practicas", "title": "Bases (PNL) 2027"}
    }
    assert stored["plain"] == "Consulta las bases"


# ---------------------------------------------------------------------- the strict fake


def _raw(fake: FakeLinkedIn, headers: dict[str, str]) -> requests.Response:
    return requests.get(
        f"{fake.url}/rest/posts/{encode_urn('urn:li:share:1')}", headers=headers, timeout=3
    )


def test_fake_refuses_missing_headers(fake: FakeLinkedIn) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    r = _raw(fake, {**auth, "X-Restli-Protocol-Version": "2.0.0"})
    assert r.status_code == 400 and r.json()["code"] == "VERSION_MISSING"
    r = _raw(fake, {**auth, "LinkedIn-Version": "202607"})
    assert r.status_code == 400 and r.json()["code"] == "ILLEGAL_ARGUMENT"
    r = _raw(fake, {**auth, "LinkedIn-Version": "202301", "X-Restli-Protocol-Version": "2.0.0"})
    assert r.status_code == 426 and r.json()["code"] == "NONEXISTENT_VERSION"
    r = _raw(fake, {"LinkedIn-Version": "202607", "X-Restli-Protocol-Version": "2.0.0"})
    assert r.status_code == 401 and r.json()["serviceErrorCode"] == 65600
    r = requests.get(
        f"{fake.url}/rest/posts/urn:li:share:1",
        headers={**auth, "LinkedIn-Version": "202607", "X-Restli-Protocol-Version": "2.0.0"},
        timeout=3,
    )
    assert r.status_code == 400  # URN not URL-encoded


def test_sunset_version_says_update_pregonero(fake: FakeLinkedIn) -> None:
    err = expect(Rejected, make(fake, version="202301").publish, OutgoingPost("Hola"))
    assert err.code == "version" and "Update Pregonero" in str(err) and "202301" in str(err)
    assert fake.posts() == []


def test_missing_field_422_lists_the_fields(client: LinkedIn, fake: FakeLinkedIn) -> None:
    r = requests.post(
        f"{fake.url}/rest/posts",
        data=json.dumps({"author": ORG}),
        headers={
            "Authorization": f"Bearer {TOKEN}",
            "LinkedIn-Version": "202607",
            "X-Restli-Protocol-Version": "2.0.0",
            "Content-Type": "application/json",
        },
        timeout=3,
    )
    assert r.status_code == 422
    err = linkedin_module.classify_linkedin_error(r)
    assert isinstance(err, Rejected) and "/commentary" in str(err)


def test_duplicate(client: LinkedIn, fake: FakeLinkedIn) -> None:
    client.publish(OutgoingPost("Mismo texto (dos veces)"))
    err = expect(Duplicate, client.publish, OutgoingPost("Mismo texto (dos veces)"))
    assert "duplicate" in err.user_message.lower()
    assert len(fake.posts()) == 1


@pytest.mark.parametrize(
    ("status", "kind", "code"),
    [
        (401, AuthExpired, "INVALID_ACCESS_TOKEN"),
        (403, Rejected, "ACCESS_DENIED"),
        (429, RateLimited, "TOO_MANY_REQUESTS"),
        (500, Transient, "http_500"),
        (503, Transient, "http_503"),
    ],
)
def test_error_envelopes(
    client: LinkedIn, fake: FakeLinkedIn, status: int, kind: type[NetworkError], code: str
) -> None:
    fake.fail_next(r"^/rest/posts$", status=status, retry_after=120 if status == 429 else None)
    err = expect(kind, client.publish, OutgoingPost("Hola"))
    assert type(err) is kind
    if status != 500 and status != 503:
        assert err.code == code
    if status == 429:
        assert isinstance(err, RateLimited) and err.retry_after == 120
    if status == 403:
        assert "permission" in str(err)
    assert fake.posts() == []


def test_expired_token(client: LinkedIn, fake: FakeLinkedIn) -> None:
    fake.expire_token(TOKEN)
    expect(AuthExpired, client.publish, OutgoingPost("Hola"))


def test_not_an_admin_of_the_organization(fake: FakeLinkedIn) -> None:
    err = expect(Rejected, make(fake, "urn:li:organization:999").publish, OutgoingPost("Hola"))
    assert err.code == "ACCESS_DENIED"


# ---------------------------------------------------------------------- media


def test_one_image_with_alt_text(client: LinkedIn, fake: FakeLinkedIn) -> None:
    item = media("plan-formacion-2027-1200x627.jpg", "Cartel del plan (azul) #2027")
    progress = Progress()
    client.publish(OutgoingPost("Plan (2027)", media=(item,), progress=progress))
    [post] = fake.posts()
    [asset] = fake.assets()
    # alt texts and titles are plain text: never escaped
    assert post["content"] == {
        "media": {"id": asset["urn"], "altText": "Cartel del plan (azul) #2027"}
    }
    assert asset["sha256"] == sha(item.path) and asset["format"] == "JPEG"
    assert asset["status"] == "AVAILABLE" and asset["owner"] == ORG
    assert [a["urn"] for a in progress.data["linkedin"]["assets"].values()] == [asset["urn"]]
    put = [r for r in fake.requests() if r["method"] == "PUT"]
    assert len(put) == 1 and put[0]["path"].startswith("/dms-uploads/image/")
    assert put[0]["headers"]["bearer"]


def test_several_images(client: LinkedIn, fake: FakeLinkedIn) -> None:
    names = [f"carrusel-{i}-1080x1080.jpg" for i in (1, 2, 3)]
    items = tuple(media(n, f"Diapositiva {i}") for i, n in enumerate(names, 1))
    client.publish(OutgoingPost("Carrusel", link="https://x.es/feria", media=items))
    [post] = fake.posts()
    images = post["content"]["multiImage"]["images"]
    assets = {a["urn"]: a for a in fake.assets()}
    assert [assets[i["id"]]["sha256"] for i in images] == [sha(m.path) for m in items]
    assert [i["altText"] for i in images] == ["Diapositiva 1", "Diapositiva 2", "Diapositiva 3"]
    assert post["plain"] == "Carrusel\n\nhttps://x.es/feria"  # no article next to media


def test_video_in_parts(client: LinkedIn, fake: FakeLinkedIn) -> None:
    item = media("tutorial-inscripcion-1280x720.mp4")
    progress = Progress()
    post = OutgoingPost(
        "Tutorial", media=(item,), options=PostOptions(title="Cómo inscribirse"), progress=progress
    )
    client.publish(post)
    [stored] = fake.posts()
    [asset] = fake.assets()
    assert stored["content"] == {"media": {"id": asset["urn"], "title": "Cómo inscribirse"}}
    assert asset["kind"] == "video" and asset["sha256"] == sha(item.path)
    assert asset["parts"] == 3 and asset["format"] == "MP4"
    puts = [r for r in fake.requests() if r["method"] == "PUT"]
    assert [r["size"] for r in puts] == [50_000, 50_000, item.size_bytes - 100_000]
    video = progress.data["linkedin"]["video"]
    assert video["finalized"] and len(video["etags"]) == 3


def test_video_resumes_after_a_failed_part(client: LinkedIn, fake: FakeLinkedIn) -> None:
    item = media("tutorial-inscripcion-1280x720.mp4")
    progress = Progress()
    fake.fail_next(r"^/dms-uploads/video/\w+/1\?", status=500)
    expect(Transient, client.publish, OutgoingPost("Tutorial", media=(item,), progress=progress))
    assert len(progress.data["linkedin"]["video"]["etags"]) == 1
    client.publish(OutgoingPost("Tutorial", media=(item,), progress=progress))
    puts = [r["path"].rsplit("/", 1)[1] for r in fake.requests() if r["method"] == "PUT"]
    assert puts == ["0", "1", "1", "2"]
    inits = [r for r in fake.requests() if "initializeUpload" in r["query"]]
    assert len(inits) == 1


def test_pdf_document(client: LinkedIn, fake: FakeLinkedIn, tmp_path: Path) -> None:
    doc = pdf(tmp_path)
    client.publish(OutgoingPost("Bases de la convocatoria (PDF)", media=(doc,)))
    [post] = fake.posts()
    [asset] = fake.assets()
    assert asset["kind"] == "document" and asset["format"] == "PDF"
    assert post["content"] == {
        "media": {"id": asset["urn"], "title": "bases convocatoria 2027.pdf"}
    }
    client2 = make(fake)
    client2.publish(OutgoingPost("Otra", media=(doc,), options=PostOptions(title="Bases")))
    assert fake.posts()[1]["content"]["media"]["title"] == "Bases"


def test_fake_checks_the_uploaded_bytes(
    client: LinkedIn, fake: FakeLinkedIn, tmp_path: Path
) -> None:
    fake_pdf = tmp_path / "no-es.pdf"
    fake_pdf.write_bytes(b"hola")
    item = OutgoingMedia(fake_pdf, "", "application/pdf", 4)
    expect(Rejected, client.publish, OutgoingPost("x", media=(item,)))
    broken = media("truncado.jpg")
    expect(Rejected, client.publish, OutgoingPost("x", media=(broken,)))
    assert fake.posts() == []


def test_retry_does_not_upload_again(client: LinkedIn, fake: FakeLinkedIn) -> None:
    items = (media("carrusel-1-1080x1080.jpg"), media("carrusel-2-1080x1080.jpg"))
    progress = Progress()
    saved: list[dict[str, Any]] = []
    progress._saver = lambda data: saved.append(json.loads(json.dumps(data)))
    fake.fail_next(r"^/rest/posts$", status=500, method="POST")
    expect(Transient, client.publish, OutgoingPost("Dos fotos", media=items, progress=progress))
    assert saved and len(saved[-1]["linkedin"]["assets"]) == 2
    restored = Progress(saved[-1])
    client.publish(OutgoingPost("Dos fotos", media=items, progress=restored))
    assert len(fake.assets()) == 2
    assert len([r for r in fake.requests() if r["method"] == "PUT"]) == 2


def test_processing_polls(fake: FakeLinkedIn) -> None:
    fake.processing_polls = 3
    naps: list[float] = []
    client = make(fake, sleep=naps.append)
    client.poll_interval = 0.5
    client.publish(OutgoingPost("Foto", media=(media("carrusel-1-1080x1080.jpg"),)))
    assert naps == [0.5, 0.5, 0.5]
    fake.processing_polls = 50
    client.poll_attempts = 3
    err = expect(
        Transient,
        client.publish,
        OutgoingPost("Foto 2", media=(media("carrusel-2-1080x1080.jpg"),)),
    )
    assert err.code == "processing"


# ---------------------------------------------------------------------- lost answers


def test_lost_answer_is_reconciled_not_resent(client: LinkedIn, fake: FakeLinkedIn) -> None:
    since = datetime.now(UTC)
    post = OutgoingPost("Feria de Empleo (22 de abril) #FeriaDeEmpleo")
    fake.drop_after_create_next(r"^/rest/posts$")
    expect(UnknownOutcome, client.publish, post)
    [stored] = fake.posts()
    found = make(fake).find_published(post, since)
    assert found is not None and found.remote_id == stored["urn"]
    assert found.permalink == permalink_for(stored["urn"])
    assert make(fake).find_published(OutgoingPost("Otro texto"), since) is None
    assert make(fake).find_published(post, since + timedelta(hours=1)) is None
    query = [r for r in fake.requests() if r["method"] == "GET" and r["path"] == "/rest/posts"][0]
    assert "author=urn%3Ali%3Aorganization%3A" in query["query"]
    assert "sortBy=LAST_MODIFIED" in query["query"] and "q=author" in query["query"]


def test_reconcile_uses_the_saved_urn(client: LinkedIn, fake: FakeLinkedIn) -> None:
    progress = Progress()
    result = client.publish(OutgoingPost("Hola", progress=progress))
    found = client.find_published(OutgoingPost("Hola", progress=progress), datetime.now(UTC))
    assert found == result


def test_reconcile_finds_a_truncated_post(
    client: LinkedIn, fake: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    since = datetime.now(UTC)
    with monkeypatch.context() as m:
        m.setattr(linkedin_module.little, "escape", lambda text: text)
        fake.drop_after_create_next(r"^/rest/posts$")
        expect(UnknownOutcome, client.publish, OutgoingPost("Plazo (último día)"))
    found = client.find_published(OutgoingPost("Plazo (último día)"), since)
    assert found is not None and found.extra["lost_text"] == "(último día)"


# ---------------------------------------------------------------------- sign-in


def test_discover_member_and_organizations(fake: FakeLinkedIn) -> None:
    token = TokenSet(TOKEN, expires_at=datetime.now(UTC) + timedelta(days=60))
    accounts = LinkedIn.discover(token, base_url=fake.url, timeout=3)
    member, org = accounts
    assert (member.remote_id, member.kind, member.name) == (MEMBER, "member", "Lucía Pérez")
    assert member.picture_url and member.token is token and member.network == "linkedin"
    assert (org.remote_id, org.kind, org.name) == (ORG, "organization", DEFAULT_ORG_NAME)
    assert org.token is token and org.missing_scopes == frozenset()
    acl = [r for r in fake.requests() if r["path"] == "/rest/organizationAcls"][0]
    assert "q=roleAssignee" in acl["query"] and "role=ADMINISTRATOR" in acl["query"]
    assert acl["headers"]["linkedin-version"] == LINKEDIN_VERSION


def test_discover_without_admin_scope_lists_the_member_only(fake: FakeLinkedIn) -> None:
    fake.add_member(
        "m2",
        "TOKEN-2",
        "Pepe",
        admin_of=[DEFAULT_ORG],
        scopes=["openid", "profile", "w_member_social"],
    )
    token = TokenSet("TOKEN-2", scopes=frozenset({"openid", "profile", "w_member_social"}))
    [member] = LinkedIn.discover(token, base_url=fake.url, timeout=3)
    assert member.remote_id == "urn:li:person:m2" and member.missing_scopes == frozenset()


def test_scopes() -> None:
    assert LinkedIn.required_scopes == frozenset({"w_member_social"})
    assert LinkedIn.missing_scopes("organization", frozenset({"w_member_social"})) == {
        "w_organization_social"
    }
    assert (
        LinkedIn.missing_scopes("organization", frozenset({"w_organization_social_feed"}))
        == frozenset()
    )
    assert LinkedIn.missing_scopes("member", frozenset()) == frozenset()


def test_discover_expired_token(fake: FakeLinkedIn) -> None:
    fake.expire_token(TOKEN)
    expect(AuthExpired, lambda: LinkedIn.discover(TokenSet(TOKEN), base_url=fake.url))


def test_verify(fake: FakeLinkedIn) -> None:
    assert make(fake).verify().name == DEFAULT_ORG_NAME
    assert make(fake, MEMBER).verify().name == "Lucía Pérez"
    assert expect(Rejected, make(fake, "urn:li:person:other").verify).code == "wrong_member"


# ---------------------------------------------------------------------- comments


def test_comments_list_reply_and_find(client: LinkedIn, fake: FakeLinkedIn) -> None:
    urn = client.publish(OutgoingPost("Feria de Empleo")).remote_id
    assert client.recent_posts() == [urn]
    first = fake.add_comment(urn, "urn:li:person:vecina", "¿Hay que inscribirse (antes)?")
    page = client.list_comments(urn)
    [comment] = page.comments
    assert page.next_cursor is None
    assert comment.remote_id == first and comment.text == "¿Hay que inscribirse (antes)?"
    assert comment.parent_remote_id is None and not comment.is_own
    assert comment.author_id == "urn:li:person:vecina"
    since = datetime.now(UTC)
    reply_id = client.reply_comment(comment, "No (entrada libre) #FeriaDeEmpleo")
    [stored] = [c for c in fake.comments() if c["urn"] == reply_id]
    assert stored["parent"] == first and stored["actor"] == ORG
    assert stored["text"] == "No (entrada libre) #FeriaDeEmpleo"  # plain text: not escaped
    assert client.find_reply(comment, "No (entrada libre) #FeriaDeEmpleo", since) == reply_id
    assert client.find_reply(comment, "Otra cosa", since) is None
    page = client.list_comments(urn)
    assert [c.remote_id for c in page.comments] == [first, reply_id]
    reply = page.comments[1]
    assert reply.is_own and reply.parent_remote_id == first
    # A reply to a reply goes to the top-level comment (LinkedIn keeps two levels).
    nested = client.reply_comment(reply, "Gracias")
    assert [c for c in fake.comments() if c["urn"] == nested][0]["parent"] == first


def test_comment_paging(client: LinkedIn, fake: FakeLinkedIn) -> None:
    urn = client.publish(OutgoingPost("Muchos comentarios")).remote_id
    for i in range(55):
        fake.add_comment(urn, f"urn:li:person:p{i}", f"Comentario {i}")
    page = client.list_comments(urn)
    assert len(page.comments) == 50 and page.next_cursor == "50"
    page2 = client.list_comments(urn, page.next_cursor)
    assert [c.text for c in page2.comments] == [f"Comentario {i}" for i in range(50, 55)]
    assert page2.next_cursor is None


def test_lost_reply_answer_raises_unknown_outcome(client: LinkedIn, fake: FakeLinkedIn) -> None:
    urn = client.publish(OutgoingPost("Post")).remote_id
    fake.add_comment(urn, "urn:li:person:x", "Hola")
    [comment] = client.list_comments(urn).comments
    fake.drop_after_create_next(r"/comments$")
    since = datetime.now(UTC)
    expect(UnknownOutcome, client.reply_comment, comment, "Respuesta")
    assert client.find_reply(comment, "Respuesta", since) is not None


def test_reply_to_an_unknown_comment_is_refused(fake: FakeLinkedIn) -> None:
    client = make(fake)
    urn = client.publish(OutgoingPost("Post")).remote_id
    gone = RemoteComment(
        "urn:li:comment:(urn:li:activity:1,2)", urn, None, "x", "x", "t", datetime.now(UTC)
    )
    assert expect(Rejected, client.reply_comment, gone, "nope").code == "not_found"
    assert fake.comments() == []


# ---------------------------------------------------------------------- shared samples


def _samples() -> list[tuple[str, dict[str, Any]]]:
    data = json.loads(SAMPLES.read_text(encoding="utf-8"))
    return [
        (lang, p)
        for p in data["posts"]
        if "linkedin" in p.get("channels", [])
        for lang in sorted(p["text"])
    ]


@pytest.mark.parametrize(
    ("lang", "sample"), _samples(), ids=lambda v: v if isinstance(v, str) else v["id"]
)
def test_shared_samples_go_out_as_expected(
    fake: FakeLinkedIn, lang: str, sample: dict[str, Any]
) -> None:
    text = sample["text"][lang]
    items = tuple(
        media(Path(m["path"]).name, m.get("alt", {}).get("es", "")) for m in sample.get("media", [])
    )
    post = OutgoingPost(text, media=items)
    assert LinkedIn.validate(post) == []
    result = make(fake).publish(post)
    [stored] = fake.posts()
    assert stored["urn"] == result.remote_id
    assert stored["plain"] == text and not stored["truncated"]
    assets = {a["urn"]: a for a in fake.assets()}
    if items:
        entry = stored["content"]["media"]
        assert assets[entry["id"]]["sha256"] == sha(items[0].path)
        assert entry.get("altText", "") == items[0].alt_text


# ---------------------------------------------------------------------- hardening


def test_lost_finalize_answer_is_not_repeated(client: LinkedIn, fake: FakeLinkedIn) -> None:
    item = media("tutorial-inscripcion-1280x720.mp4")
    progress = Progress()
    fake.drop_after_create_next(r"^/rest/videos\?action=finalizeUpload$")  # done, no answer
    expect(Transient, client.publish, OutgoingPost("V", media=(item,), progress=progress))
    video = progress.data["linkedin"]["video"]
    assert video["finalize_sent"] and not video["finalized"]
    client.publish(OutgoingPost("V", media=(item,), progress=progress))
    finals = [r for r in fake.requests() if "finalizeUpload" in r["query"]]
    assert len(finals) == 1  # the retry saw the video processing: not finalized twice
    assert len(fake.posts()) == 1 and len(fake.assets()) == 1


def test_finalize_never_received_is_sent_again(client: LinkedIn, fake: FakeLinkedIn) -> None:
    item = media("tutorial-inscripcion-1280x720.mp4")
    progress = Progress()
    fake.drop_next(r"^/rest/videos\?action=initializeUpload$")
    expect(Transient, client.publish, OutgoingPost("V", media=(item,), progress=progress))
    assert "video" not in progress.data["linkedin"]  # no answer to init: nothing to resume
    fake.drop_next(r"finalizeUpload")  # never reaches LinkedIn
    expect(Transient, client.publish, OutgoingPost("V", media=(item,), progress=progress))
    assert progress.data["linkedin"]["video"]["finalize_sent"]
    client.publish(OutgoingPost("V", media=(item,), progress=progress))
    [post] = fake.posts()
    assert post["content"]["media"]["id"] == progress.data["linkedin"]["video"]["urn"]
    puts = [r for r in fake.requests() if r["method"] == "PUT"]
    assert len(puts) == 3  # parts were not sent again


def test_prepare_uploads_ahead(client: LinkedIn, fake: FakeLinkedIn) -> None:
    assert LinkedIn.prepare_lead_seconds == 600
    progress = Progress()
    post = OutgoingPost("Foto", media=(media("carrusel-1-1080x1080.jpg"),), progress=progress)
    fake.processing_polls = 100
    client.poll_attempts = 2
    assert client.prepare(post) is False  # still processing: try again later
    client.poll_attempts = 200
    assert client.prepare(post) is True
    assert client.prepare(OutgoingPost("Solo texto")) is True
    client.publish(post)
    assert len(fake.assets()) == 1 and len(fake.posts()) == 1


def test_missing_media_file(client: LinkedIn, fake: FakeLinkedIn, tmp_path: Path) -> None:
    gone = OutgoingMedia(tmp_path / "borrada.jpg", "", "image/jpeg", 1000)
    err = expect(Rejected, client.publish, OutgoingPost("x", media=(gone,)))
    assert err.code == "media_unreadable" and "borrada.jpg" in str(err)
    assert fake.posts() == []


def test_comment_author_names(client: LinkedIn, fake: FakeLinkedIn) -> None:
    urn = client.publish(OutgoingPost("Post")).remote_id
    fake.add_comment(urn, ORG, "Nuestro comentario")
    fake.add_comment(urn, "urn:li:person:zz", "Otro")
    own, other = client.list_comments(urn).comments
    assert own.author_name == DEFAULT_ORG_NAME and own.is_own
    assert other.author_name == "LinkedIn member" and not other.is_own


def test_upload_urls_are_used_as_given_and_get_the_token_only_on_linkedin() -> None:
    client = LinkedIn(ORG, TOKEN)  # no override: real hosts
    http, path, trusted = client._upload_target(
        "https://www.linkedin.com/dms-uploads/C4E10AQ/uploaded-image/0?ca=vector_ads&ut=08z"
    )
    assert http.base_url == "https://www.linkedin.com" and trusted
    assert path == "/dms-uploads/C4E10AQ/uploaded-image/0?ca=vector_ads&ut=08z"
    other, _path, trusted = client._upload_target("https://uploads.example.net/part/1?sig=x")
    assert other.base_url == "https://uploads.example.net" and not trusted
    _http, _p, trusted = client._upload_target("http://www.linkedin.com/x")
    assert not trusted  # never a token over plain HTTP


def _response(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Any:
    r = requests.Response()
    r.status_code = status
    r._content = json.dumps(body).encode()
    r.headers.update(headers or {})
    return r


@pytest.mark.parametrize(
    ("status", "body", "kind", "code"),
    [
        (
            401,
            {
                "status": 401,
                "serviceErrorCode": 65600,
                "code": "INVALID_ACCESS_TOKEN",
                "message": "Invalid access token",
            },
            AuthExpired,
            "INVALID_ACCESS_TOKEN",
        ),
        (
            426,
            {
                "status": 426,
                "code": "NONEXISTENT_VERSION",
                "message": "Requested version 202301 is not active",
            },
            Rejected,
            "version",
        ),
        (
            400,
            {"status": 400, "code": "VERSION_MISSING", "message": "A version must be present."},
            Rejected,
            "version",
        ),
        (
            400,
            {
                "status": 400,
                "code": "ILLEGAL_ARGUMENT",
                "message": "X-Restli-Protocol-Version 2.0.0 is required",
            },
            Rejected,
            "ILLEGAL_ARGUMENT",
        ),
        (
            422,
            {"status": 422, "message": "Content is a duplicate of urn:li:share:7"},
            Duplicate,
            "http_422",
        ),
        (
            422,
            {
                "status": 422,
                "message": (
                    "ERROR :: /commentary :: field is required but not found\n"
                    "ERROR :: /author :: invalid"
                ),
            },
            Rejected,
            "http_422",
        ),
        (404, {"status": 404, "message": "Not found"}, Rejected, "not_found"),
        (502, {"status": 502, "message": "Bad gateway"}, Transient, "http_502"),
    ],
)
def test_classify(status: int, body: dict[str, Any], kind: type[NetworkError], code: str) -> None:
    err = linkedin_module.classify_linkedin_error(_response(status, body))
    assert type(err) is kind and err.code == code
    if status == 422 and kind is Rejected:
        assert "/commentary: field is required but not found" in str(err)
        assert "/author: invalid" in str(err)
    if code == "version":
        assert "Update Pregonero" in str(err)
    assert linkedin_module.classify_linkedin_error(_response(201, {})) is None


def test_verify_organization_without_admin_scope(fake: FakeLinkedIn) -> None:
    fake.add_member("m3", "TOKEN-3", "Ana", admin_of=[DEFAULT_ORG], scopes=["openid", "profile"])
    client = LinkedIn(ORG, "TOKEN-3", base_url=fake.url, timeout=3)
    assert client.verify().remote_id == ORG
    fake.expire_token("TOKEN-3")
    expect(AuthExpired, client.verify)


# ---------------------------------------------------------------------- fake control API


def test_fake_control_api_and_cli(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.linkedin", "--port", "0", "--part-size", "50000"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        control = f"{url}/__fake__"
        r = requests.post(
            f"{control}/fail", json={"path": "^/rest/posts$", "status": 429}, timeout=3
        )
        assert r.json()["ok"]
        client = LinkedIn(ORG, TOKEN, base_url=url, timeout=3, poll_interval=0)
        expect(RateLimited, client.publish, OutgoingPost("Hola"))
        client.publish(OutgoingPost("Hola (otra vez)"))
        state = requests.get(f"{control}/state", timeout=3).json()
        assert [p["plain"] for p in state["posts"]] == ["Hola (otra vez)"]
        urn = state["posts"][0]["urn"]
        r = requests.post(
            f"{control}/add_comment",
            json={"post_urn": urn, "actor": "urn:li:person:x", "text": "¿Y?"},
            timeout=3,
        )
        assert r.json()["result"].startswith("urn:li:comment:(")
        assert [c.text for c in client.list_comments(urn).comments] == ["¿Y?"]
        assert requests.post(f"{control}/nope", json={}, timeout=3).status_code == 400
        requests.post(f"{control}/reset", json={}, timeout=3)
        assert requests.get(f"{control}/state", timeout=3).json()["posts"] == []
    finally:
        proc.terminate()
        proc.wait(10)
