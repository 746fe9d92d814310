"""Per-network variants: saved at once, loaded, used for what goes out, checked per
network; delivery progress saved immediately; one target failing leaves the others."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from app.backup import make_backup
from app.clock import FixedClock
from app.context import AppContext
from app.errors import Rejected, Transient, ValidationError
from app.models import DeliveryState as S
from app.networks import registry
from app.networks.base import OutgoingPost, PostOptions, Published
from app.services.campaigns import rendered_outgoing
from app.storage.repository import Store
from tests.support.stubnet import STUBS, HandOffStub, PrepareStub, StubNetwork, stub_factory

NOW = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)
TZ = "Europe/Madrid"


class XStub(StubNetwork):
    """A short-limit network that counts every "#" twice (like X weighting)."""

    key = "stubx"
    label = "Xstub"
    limits = StubNetwork.limits.__class__(10, 4, 5 * 1024 * 1024, frozenset({"JPEG", "PNG"}))

    @classmethod
    def count_chars(cls, text: str) -> int:
        return len(text) + text.count("#")


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppContext]:
    for cls in (StubNetwork, PrepareStub, HandOffStub, XStub):
        cls.reset()
    monkeypatch.setitem(registry.NETWORKS, PrepareStub.key, PrepareStub)
    monkeypatch.setitem(registry.NETWORKS, XStub.key, XStub)
    monkeypatch.setitem(STUBS, XStub.key, XStub)
    context = AppContext(tmp_path / "p.sqlite3", clock=FixedClock(NOW), client_factory=stub_factory)
    context.accounts.connect("facebook", name="Empleo", remote_id="111", token="tok-111")
    context.accounts.connect("stubx", name="Equis", remote_id="222", token="tok-222")
    yield context
    context.close()


def image(path: Path, color: str = "red") -> Path:
    Image.new("RGB", (40, 30), color).save(path, "PNG")
    return path


def draft(ctx: AppContext, text: str = "Texto principal") -> int:
    ids = [a.id for a in ctx.accounts.list()]
    return ctx.posts.create_draft(text=text, tz=TZ, account_ids=ids).id


def test_variant_saved_at_once_and_loaded(ctx: AppContext, tmp_path: Path) -> None:
    post_id = draft(ctx)
    ctx.posts.set_variant_text(post_id, "stubx", "Corto")
    ctx.posts.set_variant_link(post_id, "stubx", "https://empleo.test/x")
    ctx.posts.update_variant_options(post_id, "stubx", thread=("dos", "tres"))
    ctx.posts.set_variant_own_media(post_id, "stubx", True)
    ctx.posts.add_media(post_id, image(tmp_path / "x.png"), "alt x", network="stubx")
    ctx.posts.add_media(post_id, image(tmp_path / "all.png", "blue"), "alt all")

    # A fresh store (another process, a restart) reads the same thing.
    store = Store(ctx.store.path)
    post = store.get_post(post_id)
    store.close()
    variant = post.variant("stubx")
    assert variant is not None
    assert (variant.text, variant.link, variant.own_media) == (
        "Corto",
        "https://empleo.test/x",
        True,
    )
    assert [m.alt_text for m in variant.media] == ["alt x"]
    assert [m.alt_text for m in post.media] == ["alt all"]  # shared media only
    assert variant.options == {"thread": ["dos", "tres"]}
    assert post.variant("facebook") is None


def test_outgoing_per_network(ctx: AppContext, tmp_path: Path) -> None:
    post_id = draft(ctx)
    ctx.posts.update_link(post_id, "https://empleo.test")
    ctx.posts.add_media(post_id, image(tmp_path / "all.png"), "compartida")
    ctx.posts.set_variant_text(post_id, "stubx", "Para X")
    ctx.posts.set_variant_link(post_id, "stubx", "")
    ctx.posts.set_variant_own_media(post_id, "stubx", True)
    ctx.posts.add_media(post_id, image(tmp_path / "x.png", "green"), "solo x", network="stubx")
    ctx.posts.update_variant_options(post_id, "stubx", thread=("segunda",))

    post = ctx.posts.get(post_id)
    main = rendered_outgoing(ctx.store, post, "facebook")
    x = rendered_outgoing(ctx.store, post, "stubx")
    assert (main.text, main.link, [m.alt_text for m in main.media]) == (
        "Texto principal",
        "https://empleo.test",
        ["compartida"],
    )
    assert main.options == PostOptions()
    assert (x.text, x.link, [m.alt_text for m in x.media]) == ("Para X", None, ["solo x"])
    assert x.options.thread == ("segunda",)
    assert (x.media[0].width, x.media[0].height) == (40, 30)

    ctx.posts.set_variant_text(post_id, "stubx", None)  # "same as main text"
    assert ctx.posts.variant_outgoing(post_id, "stubx").text == "Texto principal"
    ctx.posts.reset_variant(post_id, "stubx")
    out = ctx.posts.variant_outgoing(post_id, "stubx")
    assert out.link == "https://empleo.test" and [m.alt_text for m in out.media] == ["compartida"]


def test_placeholders_filled_in_variant_text_and_thread(ctx: AppContext) -> None:
    campaign = ctx.campaigns.create("Plan")
    ctx.campaigns.add_key_date(campaign.id, "apertura", date(2027, 1, 18))
    post_id = draft(ctx, "Abre {apertura}")
    ctx.campaigns.set_campaign(post_id, campaign.id)
    ctx.posts.set_variant_text(post_id, "stubx", "X: {apertura}")
    ctx.posts.update_variant_options(post_id, "stubx", thread=("Hasta {apertura}",))
    x = rendered_outgoing(ctx.store, ctx.posts.get(post_id), "stubx")
    assert "{" not in x.text and "{" not in x.options.thread[0]


def test_thumbnail_copied_into_media_folder_and_stored_relative(
    ctx: AppContext, tmp_path: Path
) -> None:
    post_id = draft(ctx)
    outside = image(tmp_path / "thumb.png")
    ctx.posts.update_variant_options(
        post_id, "stubx", thumbnail=outside, title="Vídeo", tags=("empleo",)
    )
    options = ctx.posts.variant_options(post_id, "stubx")
    assert options.thumbnail is not None and options.thumbnail.parent == ctx.store.media_dir
    assert options.thumbnail.exists() and options.title == "Vídeo"
    raw = ctx.store._rows("SELECT options FROM post_variants")[0]["options"]
    assert str(tmp_path) not in raw  # relative: the data folder can move
    with pytest.raises(ValidationError):
        ctx.posts.update_variant_options(post_id, "stubx", thumbnail=tmp_path / "missing.png")


def test_variant_edits_refused_once_published(ctx: AppContext) -> None:
    post_id = draft(ctx, "Hola")
    ctx.posts.schedule(post_id, NOW + timedelta(minutes=30))
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(1800)
    for delivery in ctx.posts.get(post_id).deliveries:
        ctx.publishing.publish(delivery.id)
    with pytest.raises(ValidationError):
        ctx.posts.set_variant_text(post_id, "stubx", "tarde")
    with pytest.raises(ValidationError):
        ctx.posts.set_variant_text(post_id, "nonexistent", "x")


def test_variant_checked_with_that_networks_count(ctx: AppContext) -> None:
    post_id = draft(ctx, "Un texto bastante largo para X")
    problems = ctx.posts.problems(ctx.posts.get(post_id), when=NOW + timedelta(hours=1))
    assert any(p.code == "text_too_long" and "Xstub" in p.message for p in problems)
    ctx.posts.set_variant_text(post_id, "stubx", "Corto #a")  # 8 chars + 1 for "#" = 9
    problems = ctx.posts.problems(ctx.posts.get(post_id), when=NOW + timedelta(hours=1))
    assert not [p for p in problems if p.code == "text_too_long"]
    ctx.posts.set_variant_text(post_id, "stubx", "Corto ##a")  # 9 + 2 = 11 > 10
    problems = ctx.posts.problems(ctx.posts.get(post_id), when=NOW + timedelta(hours=1))
    assert [p.code for p in problems if p.code == "text_too_long"] == ["text_too_long"]
    # The careful-publishing checks run on each network's own text too.
    findings = ctx.posts.checks.findings(ctx.posts.get(post_id), NOW + timedelta(hours=1))
    assert any(f.code == "text_too_long" for f in findings)


def test_each_network_gets_its_variant_and_one_failing_leaves_the_other(
    ctx: AppContext,
) -> None:
    post_id = draft(ctx)
    ctx.posts.set_variant_text(post_id, "stubx", "Para X")
    ctx.posts.schedule(post_id, NOW + timedelta(minutes=30))
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(1800)
    post = ctx.posts.get(post_id)
    by_net = {ctx.store.get_account(d.account_id).network: d for d in post.deliveries}
    XStub.script = [Rejected("nope", user_message="X says no")]
    assert ctx.publishing.publish(by_net["stubx"].id) == S.FAILED
    assert ctx.publishing.publish(by_net["facebook"].id) == S.PUBLISHED
    x = ctx.store.get_delivery(by_net["stubx"].id)
    fb = ctx.store.get_delivery(by_net["facebook"].id)
    assert x.last_error == "X says no" and x.permalink is None
    assert fb.permalink and fb.last_error == ""
    assert [p.text for _r, p, _a in StubNetwork.published] == ["Texto principal"]


class CrashAfterSaving(StubNetwork):
    key = "stubcrash"
    label = "Crash"

    def publish(self, post: OutgoingPost) -> Published:
        post.progress.data["session"] = "https://upload.test/s/1"
        post.progress.save()
        raise Transient("dropped")


def test_progress_saved_immediately_even_if_publish_raises(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.NETWORKS, "stubcrash", CrashAfterSaving)
    monkeypatch.setitem(STUBS, "stubcrash", CrashAfterSaving)
    acc = ctx.accounts.connect("stubcrash", name="Crash", remote_id="333", token="t")
    post = ctx.posts.create_scheduled(
        text="Vídeo",
        link=None,
        media=[],
        account_ids=[acc.id],
        when=NOW + timedelta(minutes=30),
        tz=TZ,
    )
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(1800)
    delivery_id = post.deliveries[0].id
    assert ctx.publishing.publish(delivery_id) == S.SCHEDULED  # retried later
    assert ctx.store.get_delivery(delivery_id).progress == {"session": "https://upload.test/s/1"}
    # The retry starts from the saved progress.
    seen: list[dict[str, object]] = []
    monkeypatch.setattr(
        CrashAfterSaving,
        "publish",
        lambda self, p: (seen.append(dict(p.progress.data)), Published("r", "https://p"))[1],
    )
    ctx.clock.advance(60)
    assert ctx.publishing.publish(delivery_id) == S.PUBLISHED
    assert seen == [{"session": "https://upload.test/s/1"}]


def test_editing_drops_work_prepared_for_the_old_content(ctx: AppContext) -> None:
    post_id = draft(ctx, "Hola")
    ctx.posts.schedule(post_id, NOW + timedelta(minutes=30))
    delivery = ctx.posts.get(post_id).deliveries[0]
    ctx.store.db.conn.execute(
        'UPDATE deliveries SET progress = \'{"container": "c1"}\' WHERE id = ?', (delivery.id,)
    )
    ctx.posts.update_text(post_id, "Nuevo texto")
    assert ctx.store.get_delivery(delivery.id).progress == {}


def test_editing_keeps_the_list_of_files_on_the_media_host(ctx: AppContext) -> None:
    """Files put on a media host for the old content are still deleted after publishing."""
    post_id = draft(ctx, "Hola")
    ctx.posts.schedule(post_id, NOW + timedelta(minutes=30))
    delivery = ctx.posts.get(post_id).deliveries[0]
    ctx.store.db.conn.execute(
        "UPDATE deliveries SET progress = ? WHERE id = ?",
        ('{"container": "c1", "hosted": ["wordpress:41"]}', delivery.id),
    )
    ctx.posts.update_text(post_id, "Nuevo texto")
    assert ctx.store.get_delivery(delivery.id).progress == {"hosted": ["wordpress:41"]}


def test_video_attached_with_its_size_and_duration(ctx: AppContext, tmp_path: Path) -> None:
    samples = Path("/work/shared/samples")
    videos = sorted(samples.rglob("*.mp4")) if samples.exists() else []
    if not videos:
        pytest.skip("no sample video")
    src = tmp_path / "clip.mp4"
    shutil.copyfile(videos[0], src)
    post_id = draft(ctx)
    media = ctx.posts.add_media(post_id, src, "vídeo", network="stubx")
    assert media.mime == "video/mp4" and media.width
    ctx.posts.set_variant_own_media(post_id, "stubx", True)
    out = ctx.posts.variant_outgoing(post_id, "stubx")
    assert out.media[0].is_video and out.media[0].duration_seconds


def test_backup_keeps_variants(ctx: AppContext, tmp_path: Path) -> None:
    post_id = draft(ctx)
    ctx.posts.set_variant_text(post_id, "stubx", "Copia")
    path = make_backup(ctx.store.path, datetime(2027, 1, 10, 10, 0), keep=3)
    copy = Store(path)
    assert copy.get_post(post_id).variants["stubx"].text == "Copia"
    copy.close()


def test_a_warning_about_a_published_post_is_kept(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        StubNetwork,
        "publish",
        lambda self, p: Published("r1", "https://p/r1", {"first_comment_error": "Sin comentario"}),
    )
    post = ctx.posts.create_scheduled(
        text="Hola",
        link=None,
        media=[],
        account_ids=[ctx.accounts.by_name("Empleo").id],
        when=NOW + timedelta(minutes=30),
        tz=TZ,
    )
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(1800)
    assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED
    assert ctx.store.get_delivery(post.deliveries[0].id).last_error == "Sin comentario"


def test_client_setup_and_after_published_hooks(ctx: AppContext) -> None:
    seen: list[str] = []

    def setup(client: object, account: object) -> object:
        seen.append("setup")
        return client

    ctx.publishing.client_setup.append(setup)  # type: ignore[arg-type]
    ctx.publishing.after_published.append(lambda c, p: seen.append(f"done {p.text}"))
    ctx.publishing.after_published.append(lambda c, p: 1 / 0)  # a failing hook is only logged
    post = ctx.posts.create_scheduled(
        text="Hola",
        link=None,
        media=[],
        account_ids=[ctx.accounts.by_name("Empleo").id],
        when=NOW + timedelta(minutes=30),
        tz=TZ,
    )
    assert isinstance(ctx.clock, FixedClock)
    ctx.clock.advance(1800)
    assert ctx.publishing.publish(post.deliveries[0].id) == S.PUBLISHED
    assert seen == ["setup", "done Hola"]


def test_files_on_a_media_host_are_cleaned_up_when_the_post_does_not_go_out(
    ctx: AppContext,
) -> None:
    """Photos made public for Instagram are deleted once the delivery failed (or was
    missed, cancelled, unscheduled); the prepared work is dropped with them."""
    post_id = draft(ctx, "Hola")
    ctx.posts.schedule(post_id, NOW + timedelta(minutes=30))
    delivery = ctx.posts.get(post_id).deliveries[0]
    ctx.store.db.conn.execute(
        "UPDATE deliveries SET progress = ? WHERE id = ?",
        ('{"container": "c1", "hosted": ["wordpress:41", "wordpress:42"]}', delivery.id),
    )
    seen: list[list[str]] = []

    def delete_some(client: object, post: OutgoingPost) -> None:
        seen.append(list(post.progress.data["hosted"]))
        post.progress.data["hosted"] = ["wordpress:42"]  # one could not be deleted yet

    ctx.publishing.after_abandoned.append(delete_some)
    assert ctx.publishing.cleanup_abandoned() == 0  # still scheduled: nothing to do
    ctx.store.transition(delivery.id, S.FAILED, "test", now=NOW, expect={S.SCHEDULED})
    assert ctx.publishing.cleanup_abandoned() == 1
    assert seen == [["wordpress:41", "wordpress:42"]]
    assert ctx.store.get_delivery(delivery.id).progress == {"hosted": ["wordpress:42"]}
    ctx.publishing.after_abandoned[-1] = lambda client, post: post.progress.data.pop("hosted")
    assert ctx.publishing.cleanup_abandoned() == 1
    assert ctx.store.get_delivery(delivery.id).progress == {}
    assert ctx.publishing.cleanup_abandoned() == 0
