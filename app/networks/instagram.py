"""Instagram professional accounts over the Graph API, Facebook-login path (platforms.md §2).

``remote_id`` is the IG user id; ``token`` the linked Page's access token; host
``graph.facebook.com`` (same error envelope as Facebook: :func:`classify_graph_error`).

API pages this follows:

* Content publishing: https://developers.facebook.com/documentation/instagram-platform/content-publishing
* IG User Media (containers): https://developers.facebook.com/docs/instagram-api/reference/ig-user/media
* Container status: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-container
* media_publish: https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/ig-user/media_publish
* Resumable upload: https://developers.facebook.com/documentation/instagram-platform/content-publishing/resumable-uploads
* Publishing limit: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/content_publishing_limit/
* Comments: https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-comment/replies
* Hiding comments: https://developers.facebook.com/docs/instagram-api/guides/comment-moderation

The container flow, kept in ``post.progress`` (saved after each create):

1. :meth:`Instagram.prepare` (``prepare_lead_seconds`` before the due time): images go to
   the account's media host (:mod:`app.mediahost`) for a public URL; videos are created
   with ``upload_type=resumable`` and their bytes sent to rupload with ``offset`` and
   ``file_size`` headers; each container's ``status_code`` is read (IN_PROGRESS ->
   FINISHED | ERROR | EXPIRED). An EXPIRED container is replaced; an ERROR one is
   dropped and reported (never published). A carousel parent is created once every
   child is FINISHED.
2. :meth:`Instagram.publish`: prepares if needed, reads the container's ``status_code``
   (PUBLISHED = it already went out), then ``POST /{ig-user-id}/media_publish``. A lost
   answer is followed by a status read; a container is never published twice.
3. :meth:`Instagram.cleanup`: deletes what was put on the media host (after PUBLISHED,
   or when the delivery is given up).

Progress keys (``post.progress.data``): ``"children"`` {media index (str): {"container",
"upload_uri", "uploaded", "started"}}, ``"container"`` (the one to publish), ``"hosted"``
[``"<host kind>:<handle>"`` of files on the media host], ``"publish_sent"``
(media_publish was sent for ``container``), ``"media_id"``, ``"permalink"``,
``"discarded"`` [containers replaced/abandoned].
"""

from __future__ import annotations

import time
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, cast

import requests

from app.errors import (
    NetworkError,
    Problem,
    RateLimited,
    Rejected,
    Transient,
    UnknownOutcome,
)
from app.i18n import _
from app.mediahost.base import MediaHost
from app.networks.base import (
    AccountInfo,
    CommentPage,
    DiscoveredAccount,
    Limits,
    Network,
    OutgoingMedia,
    OutgoingPost,
    Published,
    RemoteComment,
    TokenSet,
)
from app.networks.facebook import GRAPH_VERSION, classify_graph_error, parse_graph_time
from app.networks.http import HttpClient

DEFAULT_BASE_URL = "https://graph.facebook.com"
RUPLOAD_BASE_URL = "https://rupload.facebook.com"
WEB_BASE_URL = "https://www.instagram.com"

MAX_CAPTION = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20
MIN_CAROUSEL, MAX_CAROUSEL = 2, 10
DEFAULT_QUOTA = 50
"""Posts per rolling 24 h (media_publish reference, 2025-01-21) when the live value is unknown."""
QUOTA_WINDOW_SECONDS = 24 * 3600
QUOTA_SUBCODE = 2207042  # "reached the maximum number of posts" (third-party sources)
FETCH_FAILED_SUBCODE = 2207052  # code 9004 "Media download has failed" (on create)
FETCH_TIMEOUT_SUBCODE = 2207003  # "Timeout downloading media" (on create)
NOT_READY_SUBCODE = 2207027  # "media not ready" (UNVERIFIED in platforms.md)
QUOTA_WAIT = 3600.0
RECONCILE_SLACK = timedelta(minutes=2)
COMMENT_FIELDS = "id,text,username,timestamp,from"
MAX_REPLY_PAGES = 40
"""At most this many pages of replies read under one comment per call (50 each)."""

IN_PROGRESS, FINISHED, ERROR, EXPIRED, PUBLISHED = (
    "IN_PROGRESS",
    "FINISHED",
    "ERROR",
    "EXPIRED",
    "PUBLISHED",
)

Sleep = Callable[[float], None]


def caption_for(post: OutgoingPost) -> str:
    """The caption Instagram gets: the text, with the link appended (after a blank line)
    when the text does not contain it (links in captions are not clickable, but readable)."""
    text = post.text
    if post.link and post.link not in text:
        text = f"{text.rstrip()}\n\n{post.link}" if text.strip() else post.link
    return text


def _same(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


class Instagram(Network):
    """Client for one Instagram professional account linked to a Facebook Page.

    ``media_host`` (settable after construction) gives public URLs for images; without
    one an image post is Rejected with ``code="media_host_missing"``. ``sleep`` and
    ``poll_interval`` (seconds) drive the wait in :meth:`publish`; ``publish_wait``
    (seconds) is how long :meth:`publish` waits for processing before giving up with
    Transient (the delivery is retried later). Errors: see :class:`Network`.
    """

    key = "instagram"
    label = "Instagram"
    limits = Limits(
        max_chars=MAX_CAPTION,
        max_images=MAX_CAROUSEL,
        image_max_bytes=8 * 1024 * 1024,
        image_formats=frozenset({"JPEG"}),
    )
    prepare_lead_seconds: ClassVar[int] = 15 * 60
    video_prepare_lead_seconds: ClassVar[int] = 45 * 60
    """Lead for posts with a video (processing can take minutes; platforms.md §2.2)."""
    required_scopes: ClassVar[frozenset[str]] = frozenset(
        {"instagram_basic", "instagram_content_publish", "pages_read_engagement", "pages_show_list"}
    )
    comment_scopes: ClassVar[frozenset[str]] = frozenset({"instagram_manage_comments"})
    supports_comments: ClassVar[bool] = True
    comment_threads_nested: ClassVar[bool] = True
    supports_hide: ClassVar[bool] = True
    """A page of comments holds top-level comments with their replies: a new reply to an
    old comment lands on that comment's page, so the inbox re-reads every page."""

    def __init__(
        self,
        remote_id: str,
        token: str,
        *,
        base_url: str | None = None,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        media_host: MediaHost | None = None,
        sleep: Sleep = time.sleep,
        poll_interval: float = 5.0,
        publish_wait: float = 300.0,
        upload_timeout: float = 300.0,
    ) -> None:
        self._overridden = base_url is not None
        super().__init__(
            remote_id, token, base_url=(base_url or DEFAULT_BASE_URL).rstrip("/"), timeout=timeout
        )
        self.media_host = media_host
        self.sleep = sleep
        self.poll_interval = poll_interval
        self.publish_wait = publish_wait
        self._http = HttpClient(
            self.base_url or DEFAULT_BASE_URL,
            timeout=timeout,
            classify=self.classify,
            label=self.label,
            secrets=(token,),
            session=session,
        )
        self._rupload = HttpClient(
            self.base_url if self._overridden and self.base_url else RUPLOAD_BASE_URL,
            timeout=(timeout, upload_timeout),
            label=self.label,
            secrets=(token,),
            session=session,
        )

    # ------------------------------------------------------------------ helpers

    def classify(self, response: requests.Response) -> NetworkError | None:
        """Graph envelope (:func:`classify_graph_error`) plus Instagram's publishing-limit
        subcode (-> RateLimited with a message naming the 24 h window)."""
        error = classify_graph_error(response, self.label)
        if isinstance(error, Rejected):
            try:
                sub = response.json()["error"].get("error_subcode")
            except (ValueError, KeyError, TypeError, AttributeError):
                sub = None
            if sub == FETCH_FAILED_SUBCODE:
                return Rejected(str(error), user_message=error.user_message, code="media_fetch")
            if sub == FETCH_TIMEOUT_SUBCODE:
                return Transient(
                    _("Instagram timed out downloading the media; Pregonero will try again."),
                    user_message=error.user_message,
                    code="media_fetch_timeout",
                )
            if sub == NOT_READY_SUBCODE:  # nothing was published: safe to try again
                return Transient(
                    _("Instagram is still processing the media; Pregonero will try again."),
                    user_message=error.user_message,
                    code="not_ready",
                )
            if sub == QUOTA_SUBCODE:
                return RateLimited(
                    _(
                        "Instagram's limit of posts published through the API in 24 hours is "
                        "reached for this account; Pregonero will try again later."
                    ),
                    retry_after=QUOTA_WAIT,
                    user_message=error.user_message,
                    code="quota",
                )
        return error

    def _path(self, *parts: str) -> str:
        return "/".join((GRAPH_VERSION, *parts))

    def _read(self, response: requests.Response) -> dict[str, Any] | None:
        try:
            body = response.json()
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _get(self, path: str, **params: str) -> dict[str, Any]:
        body = self._read(self._http.get(self._path(path), {**params, "access_token": self._token}))
        if body is None:
            raise Transient(
                _("{network} sent an answer Pregonero cannot read; it will try again.").format(
                    network=self.label
                ),
                code="bad_json",
            )
        return body

    def _post(self, path: str, form: dict[str, str], *, idempotent: bool) -> dict[str, Any]:
        response = self._http.post(
            self._path(path), {**form, "access_token": self._token}, idempotent=idempotent
        )
        body = self._read(response)
        if body is None or not body.get("id"):
            error = UnknownOutcome if not idempotent else Transient
            raise error(
                _(
                    "{network} accepted the request but its answer could not be read. "
                    "Pregonero will check before trying again."
                ).format(network=self.label),
                code="bad_answer",
            )
        return body

    @staticmethod
    def is_carousel(post: OutgoingPost) -> bool:
        """True for a feed post with several files."""
        return post.options.kind not in ("reel", "story") and len(post.media) > 1

    @classmethod
    def lead_seconds_for(cls, post: OutgoingPost) -> int:
        """How long before ``due_at`` to call :meth:`prepare` for this post (seconds)."""
        if any(m.is_video for m in post.media):
            return cls.video_prepare_lead_seconds
        return cls.prepare_lead_seconds

    # ------------------------------------------------------------------ validation

    @classmethod
    def validate(cls, post: OutgoingPost) -> list[Problem]:
        """Caption ≤ 2,200 characters, ≤ 30 hashtags, ≤ 20 @-mentions; media: at least
        one file, a carousel 2–10, a reel one video, a story one file."""
        from app.checks.hashtags import find_hashtags, find_mentions

        problems: list[Problem] = list(super().validate(post))
        caption = caption_for(post)
        n_tags, n_mentions = len(find_hashtags(caption)), len(find_mentions(caption))
        if n_tags > MAX_HASHTAGS:
            problems.append(
                Problem(
                    "too_many_hashtags",
                    _("Instagram takes at most {max} hashtags; this caption has {n}.").format(
                        max=MAX_HASHTAGS, n=n_tags
                    ),
                    "text",
                )
            )
        if n_mentions > MAX_MENTIONS:
            problems.append(
                Problem(
                    "too_many_mentions",
                    _("Instagram takes at most {max} @-mentions; this caption has {n}.").format(
                        max=MAX_MENTIONS, n=n_mentions
                    ),
                    "text",
                )
            )
        kind = post.options.kind
        if not post.media:
            problems.append(
                Problem("media_required", _("An Instagram post needs a photo or a video."), "media")
            )
        elif kind == "reel" and (len(post.media) != 1 or not post.media[0].is_video):
            problems.append(
                Problem(
                    "instagram_reel_video", _("An Instagram reel is exactly one video."), "media"
                )
            )
        elif kind == "story" and len(post.media) != 1:
            problems.append(
                Problem(
                    "instagram_story_one",
                    _("An Instagram story is one photo or one video."),
                    "media",
                )
            )
        return problems

    # ------------------------------------------------------------------ account

    def verify(self) -> AccountInfo:
        """``GET /{ig-user-id}?fields=id,username`` -> the account's id and @username."""
        body = self._get(self.remote_id, fields="id,username")
        return AccountInfo(str(body.get("id") or self.remote_id), str(body.get("username") or ""))

    @classmethod
    def discover(
        cls, token: TokenSet, *, base_url: str | None = None, timeout: float = 30.0
    ) -> list[DiscoveredAccount]:
        """Instagram accounts linked to the Pages the Facebook user behind ``token`` (a
        USER token) manages: ``GET /me/accounts?fields=id,name,access_token,
        instagram_business_account{id,username,profile_picture_url}`` (cursor paging).
        Each account publishes with its Page's token. Raises AuthExpired, Transient."""
        http = HttpClient(
            (base_url or DEFAULT_BASE_URL).rstrip("/"),
            timeout=timeout,
            classify=lambda r: classify_graph_error(r, cls.label),
            label=cls.label,
            secrets=(token.access_token,),
        )
        fields = "id,name,access_token,instagram_business_account{id,username,profile_picture_url}"
        params = {"fields": fields, "limit": "100", "access_token": token.access_token}
        found: list[DiscoveredAccount] = []
        missing = cls.required_scopes - token.scopes if token.scopes else frozenset()
        secrets: list[str] = []
        for _page in range(20):
            try:
                body = http.get(f"{GRAPH_VERSION}/me/accounts", params).json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                break
            for page in body.get("data") or []:
                ig = page.get("instagram_business_account") if isinstance(page, dict) else None
                page_token = page.get("access_token") if isinstance(page, dict) else None
                if not isinstance(ig, dict) or not ig.get("id") or not page_token:
                    continue
                secrets.append(str(page_token))
                username = str(ig.get("username") or ig["id"])
                found.append(
                    DiscoveredAccount(
                        network=cls.key,
                        remote_id=str(ig["id"]),
                        name="@" + username,
                        kind="instagram",
                        token=TokenSet(str(page_token), expires_at=None, scopes=token.scopes),
                        picture_url=str(ig.get("profile_picture_url") or ""),
                        missing_scopes=frozenset(missing),
                        note=_("linked to the Page {page}").format(page=page.get("name") or ""),
                    )
                )
            paging = body.get("paging")
            paging = paging if isinstance(paging, dict) else {}
            after = (paging.get("cursors") or {}).get("after")
            if not after or not paging.get("next"):
                break
            params = {**params, "after": str(after)}
        return found

    def publishing_limit(self) -> tuple[int, int, int]:
        """The live publishing quota: ``(quota_usage, quota_total, quota_duration seconds)``
        from ``GET /{ig-user-id}/content_publishing_limit?fields=quota_usage,config``.
        Missing values fall back to (0, :data:`DEFAULT_QUOTA`, 86400)."""
        body = self._get(f"{self.remote_id}/content_publishing_limit", fields="quota_usage,config")
        data = body.get("data")
        row = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
        raw_config = row.get("config")
        config: dict[str, Any] = raw_config if isinstance(raw_config, dict) else {}

        def num(value: object, default: int) -> int:
            return (
                int(value)
                if isinstance(value, int | float) and not isinstance(value, bool)
                else default
            )

        return (
            num(row.get("quota_usage"), 0),
            num(config.get("quota_total"), DEFAULT_QUOTA),
            num(config.get("quota_duration"), QUOTA_WINDOW_SECONDS),
        )

    # ------------------------------------------------------------------ containers

    def container_status(self, container_id: str) -> tuple[str, str]:
        """``GET /{container-id}?fields=status_code,status`` -> (status_code, status text)."""
        body = self._get(container_id, fields="status_code,status")
        return str(body.get("status_code") or ""), str(body.get("status") or "")

    def _host(self) -> MediaHost:
        if self.media_host is None:
            raise Rejected(
                _(
                    "Instagram downloads photos from a public web address, and no media host "
                    "is set for this account. Set one in the account settings."
                ),
                code="media_host_missing",
            )
        return self.media_host

    def _child_form(self, post: OutgoingPost, media: OutgoingMedia) -> dict[str, str]:
        kind = post.options.kind
        form: dict[str, str] = {}
        if self.is_carousel(post):
            form["is_carousel_item"] = "true"
            if media.is_video:
                form["media_type"] = "VIDEO"
        elif kind == "story":
            form["media_type"] = "STORIES"
        elif media.is_video:
            form["media_type"] = "REELS"
            form["share_to_feed"] = "true" if post.options.share_to_feed else "false"
        if not self.is_carousel(post) and kind != "story":
            form["caption"] = caption_for(post)
        if not media.is_video and media.alt_text and kind != "story":
            form["alt_text"] = media.alt_text
        return form

    def _create_child(self, post: OutgoingPost, index: int, media: OutgoingMedia) -> dict[str, Any]:
        progress = post.progress
        form = self._child_form(post, media)
        if media.is_video:
            form["upload_type"] = "resumable"
            body = self._post(f"{self.remote_id}/media", form, idempotent=True)
            entry = {
                "container": str(body["id"]),
                "upload_uri": str(body.get("uri") or ""),
                "uploaded": False,
            }
        else:
            host = self._host()
            hosted = host.put(media.path, media.mime or "image/jpeg")
            progress.data.setdefault("hosted", []).append(f"{host.kind}:{hosted.handle}")
            progress.save()  # the hosted file must be cleaned up even after a crash
            form["image_url"] = hosted.public_url
            try:
                body = self._post(f"{self.remote_id}/media", form, idempotent=True)
            except Rejected as exc:
                if exc.code != "media_fetch":
                    raise
                raise Rejected(
                    _(
                        "Instagram could not download {name} from the media host ({host}): "
                        "check that the address is public. {reason}"
                    ).format(name=media.path.name, host=host.label, reason=exc.user_message),
                    user_message=exc.user_message,
                    code="media_fetch",
                ) from None
            entry = {"container": str(body["id"]), "uploaded": True}
        progress.data.setdefault("children", {})[str(index)] = entry
        progress.save()
        return entry

    def _rupload_path(self, entry: dict[str, Any]) -> str:
        uri = str(entry.get("upload_uri") or "")
        if uri.startswith("http"):
            return urllib.parse.urlsplit(uri).path.lstrip("/")
        return f"ig-api-upload/{GRAPH_VERSION}/{entry['container']}"

    def _uploaded_offset(self, path: str) -> int:
        """Bytes the upload server already holds (``GET`` on the upload URI, UNVERIFIED
        shape ``{"offset": N}``); 0 when it cannot tell (the upload then starts over, which
        is safe: the bytes go into the same container)."""
        try:
            response = self._rupload.request(
                "GET", path, headers={"Authorization": f"OAuth {self._token}"}
            )
            body = self._read(response) or {}
        except (Rejected, Transient):
            return 0
        value = body.get("offset")
        return int(value) if isinstance(value, int) and value >= 0 else 0

    def _upload(self, post: OutgoingPost, entry: dict[str, Any], media: OutgoingMedia) -> None:
        path = self._rupload_path(entry)
        size = media.path.stat().st_size
        offset = self._uploaded_offset(path) if entry.get("started") else 0
        offset = offset if offset < size else 0
        entry["started"] = True
        post.progress.save()
        try:
            self._send_bytes(path, media, offset, size)
        except Rejected:
            if offset == 0:
                raise
            self._send_bytes(path, media, 0, size)  # the server disagreed: start over
        entry["uploaded"] = True
        post.progress.save()

    def _send_bytes(self, path: str, media: OutgoingMedia, offset: int, size: int) -> None:
        """POST the file from ``offset`` to the upload URI (headers ``offset``, ``file_size``)."""
        try:
            fh = media.path.open("rb")
        except OSError:
            raise Rejected(
                _("The media file {name} cannot be read.").format(name=media.path.name),
                code="media_unreadable",
            ) from None
        with fh:
            fh.seek(offset)
            self._rupload.request(
                "POST",
                path,
                data=cast(Any, fh),
                headers={
                    "Authorization": f"OAuth {self._token}",
                    "offset": str(offset),
                    "file_size": str(size),
                    "Content-Type": "application/octet-stream",
                },
                idempotent=True,  # bytes into an unpublished container: safe to resend
            )

    def _discard(self, post: OutgoingPost, container_id: str) -> None:
        post.progress.data.setdefault("discarded", []).append(container_id)

    def _drop_parent(self, post: OutgoingPost) -> None:
        """Forget the container to publish (a carousel parent refers to a dropped child)."""
        data = post.progress.data
        parent = data.pop("container", None)
        if parent and self.is_carousel(post):
            self._discard(post, str(parent))
        post.progress.save()

    def _error_text(self, status: str) -> str:
        return status or _("no reason given")

    def prepare(self, post: OutgoingPost) -> bool:
        """Create, upload and check the containers of ``post`` (one pass, no waiting).

        Returns True when the container to publish is FINISHED (or the post is already
        out). Raises Rejected for a post Instagram cannot take (e.g. ``container_error``
        when Instagram could not fetch or process a file: the container is dropped so a
        later attempt starts afresh) and the usual network errors.
        """
        data = post.progress.data
        if data.get("media_id"):
            return True
        problems = self.validate(post)
        if problems:
            raise Rejected(problems[0].message, code=problems[0].code)
        children: dict[str, Any] = data.setdefault("children", {})
        ready = True
        for index, media in enumerate(post.media):
            entry = children.get(str(index))
            if entry is None:
                entry = self._create_child(post, index, media)
            if media.is_video and not entry.get("uploaded"):
                self._upload(post, entry, media)
            code, status = self.container_status(entry["container"])
            if code == EXPIRED:
                self._discard(post, entry["container"])
                children.pop(str(index))
                self._drop_parent(post)
                entry = self._create_child(post, index, media)
                if media.is_video:
                    self._upload(post, entry, media)
                code, status = self.container_status(entry["container"])
            if code == ERROR:
                self._discard(post, entry["container"])
                children.pop(str(index))
                self._drop_parent(post)
                raise Rejected(
                    _("Instagram could not take {name}: {reason}").format(
                        name=media.path.name, reason=self._error_text(status)
                    ),
                    user_message=status,
                    code="container_error",
                )
            if code not in (FINISHED, PUBLISHED):
                ready = False
        if not ready:
            return False
        if not self.is_carousel(post):
            data["container"] = children["0"]["container"]
            post.progress.save()
            return True
        parent = data.get("container")
        if parent:
            code, status = self.container_status(parent)
            if code in (FINISHED, PUBLISHED):
                return True
            if code == IN_PROGRESS:
                return False
            self._discard(post, parent)
            data.pop("container")
            post.progress.save()
            if code == ERROR:
                raise Rejected(
                    _("Instagram could not assemble the carousel: {reason}").format(
                        reason=self._error_text(status)
                    ),
                    user_message=status,
                    code="container_error",
                )
        ids = [children[str(i)]["container"] for i in range(len(post.media))]
        form = {"media_type": "CAROUSEL", "children": ",".join(ids), "caption": caption_for(post)}
        body = self._post(f"{self.remote_id}/media", form, idempotent=True)
        data["container"] = str(body["id"])
        post.progress.save()
        code, _status = self.container_status(data["container"])
        return code == FINISHED

    # ------------------------------------------------------------------ publishing

    def publish(self, post: OutgoingPost) -> Published:
        """Publish ``post`` now (preparing it first if needed, waiting up to
        ``publish_wait`` seconds for processing) and return its media id and permalink.

        Never publishes a container twice: the container's ``status_code`` is read first
        (PUBLISHED -> the existing media is returned), and a lost answer to
        ``media_publish`` is followed by a status read; if that cannot tell, raises
        UnknownOutcome (then :meth:`find_published`). Raises Transient while Instagram is
        still processing after ``publish_wait``.
        """
        data = post.progress.data
        if data.get("media_id"):
            return Published(str(data["media_id"]), str(data.get("permalink") or ""))
        container = data.get("container")
        if container and data.get("publish_sent"):
            code, _status = self.container_status(str(container))
            if code == PUBLISHED:
                return self._published(post, str(container))
        waited = 0.0
        while not self.prepare(post):
            if waited >= self.publish_wait:
                raise Transient(
                    _("Instagram is still processing the media; Pregonero will try again."),
                    code="processing",
                )
            self.sleep(self.poll_interval)
            waited += self.poll_interval
        container = str(data["container"])
        code, status = self.container_status(container)
        if code == PUBLISHED:
            return self._published(post, container)
        if code != FINISHED:  # expired or failed between prepare and now
            raise Transient(
                _(
                    "The Instagram container is not ready ({code}); Pregonero will try again."
                ).format(code=code or "?"),
                code="not_ready",
            )
        data["publish_sent"] = True
        post.progress.save()
        try:
            body = self._post(
                f"{self.remote_id}/media_publish", {"creation_id": container}, idempotent=False
            )
        except (UnknownOutcome, Transient) as lost:
            if isinstance(lost, Transient) and lost.code == "not_ready":
                raise Transient(
                    str(lost), user_message=lost.user_message, code="not_ready"
                ) from None
            try:
                code, _status = self.container_status(container)
            except NetworkError:
                raise UnknownOutcome(str(lost), code=lost.code) from None
            if code == PUBLISHED:
                return self._published(post, container)
            if code == FINISHED and isinstance(lost, Transient) and not lost.answered:
                raise
            raise UnknownOutcome(str(lost), code=lost.code) from None
        media_id = str(body["id"])
        return self._done(post, media_id)

    def _done(self, post: OutgoingPost, media_id: str) -> Published:
        permalink = self._permalink(media_id)
        post.progress.data["media_id"] = media_id
        post.progress.data["permalink"] = permalink
        post.progress.save()
        return Published(media_id, permalink)

    def _published(self, post: OutgoingPost, container: str) -> Published:
        """The media of a PUBLISHED container, found among the account's recent media."""
        since = post.claimed_at or post.due_at or (datetime.now(UTC) - timedelta(days=1))
        found = self._find_recent(post, since)
        if found is None:
            raise UnknownOutcome(
                _(
                    "Instagram says the post was published, but Pregonero cannot find it among "
                    "the account's recent posts yet. Check the account before publishing again."
                ),
                code="published_not_found",
            )
        return self._done(post, found.remote_id)

    def _permalink(self, media_id: str) -> str:
        try:
            body = self._get(media_id, fields="permalink")
        except NetworkError:
            return WEB_BASE_URL
        link = body.get("permalink")
        return link if isinstance(link, str) and link else WEB_BASE_URL

    def _find_recent(self, post: OutgoingPost, since: datetime) -> Published | None:
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        earliest = since - RECONCILE_SLACK
        edge = "stories" if post.options.kind == "story" else "media"
        body = self._get(
            f"{self.remote_id}/{edge}", fields="id,caption,timestamp,permalink", limit="25"
        )
        wanted = caption_for(post) if post.options.kind != "story" else ""
        matches = []
        for item in body.get("data") or []:
            if not isinstance(item, dict):
                continue
            when = parse_graph_time(str(item.get("timestamp") or ""))
            if when is None or when < earliest:
                continue
            caption = item.get("caption") if isinstance(item.get("caption"), str) else ""
            if (wanted.strip() and _same(str(caption), wanted)) or not wanted.strip():
                matches.append(item)
        if not matches:
            return None
        if not wanted.strip() and len(matches) != 1:
            raise UnknownOutcome(
                _(
                    "Several posts without a caption appeared at that time; Pregonero cannot "
                    "tell which one is this. Check the account before publishing again."
                )
            )
        item = matches[-1]
        link = item.get("permalink")
        return Published(str(item["id"]), link if isinstance(link, str) and link else WEB_BASE_URL)

    def find_published(self, post: OutgoingPost, since: datetime) -> Published | None:
        """After a timeout: the container's ``status_code`` decides (PUBLISHED -> the media
        among recent ones; anything else -> None, not published). When ``progress`` holds
        no container (e.g. it was not kept), the account's recent media since ``since``
        are searched by caption (a captionless post or story matches only when it is the
        only one; several -> UnknownOutcome)."""
        data = post.progress.data
        if data.get("media_id"):
            return Published(str(data["media_id"]), str(data.get("permalink") or ""))
        container = data.get("container")
        if container:
            code, _status = self.container_status(str(container))
            if code != PUBLISHED:
                return None
        # No container known (progress lost or not passed): look among recent media.
        found = self._find_recent(post, since)
        if found is not None:
            post.progress.data["media_id"] = found.remote_id
            post.progress.data["permalink"] = found.permalink
            post.progress.save()
        return found

    def cleanup(self, post: OutgoingPost) -> list[str]:
        """Delete from the media host every file this delivery put there (``"hosted"``),
        keeping in ``progress`` those that could not be deleted. Returns the handles
        still left (empty when all went). Never raises for a network error."""
        data = post.progress.data
        left: list[str] = []
        for entry in list(data.get("hosted") or []):
            kind, _sep, handle = str(entry).rpartition(":")
            host = self.media_host
            if host is None or (kind and kind != host.kind):
                left.append(entry)  # another host than the one configured now: keep it
                continue
            try:
                host.delete(handle)
            except NetworkError:
                left.append(entry)
        data["hosted"] = left
        post.progress.save()
        return left

    # ------------------------------------------------------------------ comments

    def recent_posts(self, limit: int = 10) -> list[str]:
        """``GET /{ig-user-id}/media?fields=id,timestamp&limit=N`` -> media ids, newest first."""
        body = self._get(f"{self.remote_id}/media", fields="id,timestamp", limit=str(limit))
        return [str(i["id"]) for i in body.get("data") or [] if isinstance(i, dict) and i.get("id")]

    def _comment(self, item: dict[str, Any], post_id: str, parent: str | None) -> RemoteComment:
        when = parse_graph_time(str(item.get("timestamp") or "")) or datetime.now(UTC)
        raw_user = item.get("from")
        user: dict[str, Any] = raw_user if isinstance(raw_user, dict) else {}
        return RemoteComment(
            remote_id=str(item.get("id")),
            post_remote_id=post_id,
            parent_remote_id=parent,
            author_name=str(item.get("username") or ""),
            author_id=str(user.get("id") or ""),
            text=str(item.get("text") or ""),
            created_at=when,
            is_own=str(user.get("id") or "") == self.remote_id,
        )

    def list_comments(self, post_remote_id: str, cursor: str | None = None) -> CommentPage:
        """``GET /{ig-media-id}/comments?fields=id,text,username,timestamp,from,
        replies{id,text,username,timestamp,from}`` (cursor ``after``): top-level comments,
        each followed by all its replies (the nested field holds their first page; the
        rest is read from ``GET /{ig-comment-id}/replies``)."""
        params = {"fields": f"{COMMENT_FIELDS},replies{{{COMMENT_FIELDS}}}", "limit": "50"}
        if cursor:
            params["after"] = cursor
        body = self._get(f"{post_remote_id}/comments", **params)
        out: list[RemoteComment] = []
        for item in body.get("data") or []:
            if not isinstance(item, dict) or not item.get("id"):
                continue
            top = self._comment(item, post_remote_id, None)
            out.append(top)
            replies = item.get("replies")
            replies = replies if isinstance(replies, dict) else {}
            for _n in range(MAX_REPLY_PAGES):
                for reply in replies.get("data") or []:
                    if isinstance(reply, dict) and reply.get("id"):
                        out.append(self._comment(reply, post_remote_id, top.remote_id))
                # The nested field is only the first page of the replies: the rest come
                # from the comment's own replies edge.
                after = self._next_cursor(replies)
                if after is None:
                    break
                replies = self._get(
                    f"{top.remote_id}/replies", fields=COMMENT_FIELDS, limit="50", after=after
                )
        after = self._next_cursor(body)
        return CommentPage(tuple(out), after)

    @staticmethod
    def _next_cursor(body: dict[str, Any]) -> str | None:
        """The ``after`` cursor of a Graph page when there is a next page, else None."""
        paging = body.get("paging")
        paging = paging if isinstance(paging, dict) else {}
        cursors = paging.get("cursors")
        after = cursors.get("after") if isinstance(cursors, dict) else None
        return str(after) if after and paging.get("next") else None

    def reply_comment(self, comment: RemoteComment, text: str) -> str:
        """``POST /{ig-comment-id}/replies`` ``message=`` -> the reply id. Only top-level
        comments take replies: a reply to a reply goes to its parent."""
        target = comment.parent_remote_id or comment.remote_id
        body = self._post(f"{target}/replies", {"message": text}, idempotent=False)
        return str(body["id"])

    def hide_comment(self, comment: RemoteComment, hidden: bool = True) -> None:
        """``POST /{ig-comment-id}`` ``hide=true|false`` (comment moderation guide;
        harmless to repeat): only the author still sees a hidden comment."""
        form = {"hide": "true" if hidden else "false", "access_token": self._token}
        self._http.post(self._path(comment.remote_id), form, idempotent=True)

    def find_reply(self, comment: RemoteComment, text: str, since: datetime) -> str | None:
        """Our reply ``text`` under the comment's thread made at or after ``since`` (every
        page of ``GET /{ig-comment-id}/replies`` is read; a reply by someone else with
        the same text is not ours)."""
        target = comment.parent_remote_id or comment.remote_id
        earliest = (since if since.tzinfo else since.replace(tzinfo=UTC)) - RECONCILE_SLACK
        params = {"fields": COMMENT_FIELDS, "limit": "50"}
        for _n in range(MAX_REPLY_PAGES):  # every page: a long thread holds ours anywhere
            body = self._get(f"{target}/replies", **params)
            for item in body.get("data") or []:
                if not isinstance(item, dict):
                    continue
                when = parse_graph_time(str(item.get("timestamp") or ""))
                author = item.get("from")
                author_id = str(author.get("id") or "") if isinstance(author, dict) else ""
                own = author_id in ("", self.remote_id)  # no author given: the text decides
                if (
                    when is not None
                    and when >= earliest
                    and own
                    and _same(str(item.get("text") or ""), text)
                ):
                    return str(item.get("id"))
            after = self._next_cursor(body)
            if after is None:
                return None
            params = {**params, "after": after}
        return None
