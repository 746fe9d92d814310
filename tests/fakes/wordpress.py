"""A strict fake of the WordPress REST media endpoint on 127.0.0.1 (platforms.md §8).

* ``POST /wp-json/wp/v2/media``: HTTP Basic auth with a user's application password
  (spaces tolerated, as WordPress shows it) else 401 ``incorrect_password`` /
  ``rest_not_logged_in``; ``Content-Disposition: attachment; filename=...`` required
  (400 ``rest_upload_no_content_disposition``); ``Content-Type`` an image or video type
  (400 ``rest_upload_sideload_error``); non-empty body (400 ``rest_upload_no_data``) ->
  201 ``{"id", "source_url", "mime_type", "media_type", ...}``.
* ``GET /wp-content/uploads/...``: the file, public, with its ``Content-Type`` (so the
  Instagram fake can download it). ``private = True`` answers 401 there (a "non-public"
  URL); a deleted file is 404.
* ``DELETE /wp-json/wp/v2/media/{id}?force=true`` -> 200 ``{"deleted": true, "previous"}``;
  without ``force`` 501 ``rest_trash_not_supported``; unknown id 404 ``rest_post_invalid_id``.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.graph import _Handler, _Reply
from tests.fakes.server import FakeServer

MEDIA_RE = re.compile(r"^/wp-json/wp/v2/media(?:/(\d+))?/?$")
UPLOADS = "/wp-content/uploads/2027/01/"


@dataclass
class WpMedia:
    """One attachment in the media library."""

    id: int
    filename: str
    mime: str
    data: bytes

    @property
    def path(self) -> str:
        return UPLOADS + self.filename


class FakeWordPress(FakeServer):
    """The fake site. ``users`` maps user name -> application password."""

    def __init__(self, users: Mapping[str, str], *, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, 0
        self.users = dict(users)
        self.private = False
        self._lock = threading.RLock()
        self._media: dict[int, WpMedia] = {}
        self._ids = itertools.count(501)
        self.log: list[tuple[str, str, int]] = []
        self._server: ThreadingHTTPServer | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """This fake's request handler (lifecycle: :class:`tests.fakes.server.FakeServer`)."""
        return _Handler

    def media(self) -> list[WpMedia]:
        """Attachments now in the library."""
        with self._lock:
            return list(self._media.values())

    # ----------------------------------------------------------------------- HTTP

    def _headers(self, _hint: str | None = None) -> dict[str, str]:
        return {"Content-Type": "application/json; charset=UTF-8"}

    def _error(self, status: int, code: str, message: str) -> _Reply:
        body = {"code": code, "message": message, "data": {"status": status}}
        return _Reply(status, json.dumps(body).encode(), self._headers())

    def _authorized(self, headers: Mapping[str, str]) -> bool:
        scheme, _, cred = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(cred).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        want = self.users.get(user)
        return want is not None and want.replace(" ", "") == password.replace(" ", "")

    def handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply | object:
        """Answer one request (called by the shared HTTP handler)."""
        split = urllib.parse.urlsplit(target)
        reply = self._route(method, split.path, split.query, headers, body)
        with self._lock:
            self.log.append((method, split.path, reply.status))
        return reply

    def _route(
        self, method: str, path: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> _Reply:
        if path.startswith(UPLOADS) and method == "GET":
            if self.private:
                return self._error(401, "rest_forbidden", "Sorry, you are not allowed to do that.")
            with self._lock:
                found = next((m for m in self._media.values() if m.path == path), None)
            if found is None:
                return _Reply(404, b"Not Found", {"Content-Type": "text/html"})
            return _Reply(200, found.data, {"Content-Type": found.mime})
        m = MEDIA_RE.match(path)
        if not m:
            return self._error(404, "rest_no_route", "No route was found matching the URL.")
        if not headers.get("authorization"):
            return self._error(401, "rest_not_logged_in", "You are not currently logged in.")
        if not self._authorized(headers):
            return self._error(401, "incorrect_password", "The provided password is incorrect.")
        params = dict(urllib.parse.parse_qsl(query))
        with self._lock:
            if method == "POST" and m.group(1) is None:
                return self._upload(headers, body)
            if method == "DELETE" and m.group(1) is not None:
                media_id = int(m.group(1))
                if media_id not in self._media:
                    return self._error(404, "rest_post_invalid_id", "Invalid post ID.")
                if params.get("force") not in ("true", "1"):
                    return self._error(
                        501,
                        "rest_trash_not_supported",
                        "The media does not support trashing. Set 'force=true' to delete.",
                    )
                gone = self._media.pop(media_id)
                previous = {"id": gone.id, "source_url": self.url + gone.path}
                return _Reply(
                    200,
                    json.dumps({"deleted": True, "previous": previous}).encode(),
                    self._headers(),
                )
        return self._error(405, "rest_no_route", "No route was found matching the URL and method.")

    def _upload(self, headers: Mapping[str, str], body: bytes) -> _Reply:
        disposition = headers.get("content-disposition", "")
        found = re.search(r'filename="?([^";]+)"?', disposition)
        if not disposition.lower().startswith("attachment") or not found:
            return self._error(
                400, "rest_upload_no_content_disposition", "No Content-Disposition supplied."
            )
        mime = headers.get("content-type", "").split(";")[0].strip().lower()
        if not mime.startswith(("image/", "video/")):
            return self._error(
                400,
                "rest_upload_sideload_error",
                "Sorry, you are not allowed to upload this file type.",
            )
        if not body:
            return self._error(400, "rest_upload_no_data", "No data supplied.")
        media_id = next(self._ids)
        name = f"{media_id}-{found.group(1)}"
        item = WpMedia(media_id, name, mime, body)
        self._media[media_id] = item
        out: dict[str, Any] = {
            "id": media_id,
            "source_url": self.url + item.path,
            "mime_type": mime,
            "media_type": "image" if mime.startswith("image/") else "file",
            "status": "inherit",
        }
        return _Reply(201, json.dumps(out).encode(), self._headers(), created=True)


def running_wordpress(users: Mapping[str, str]) -> Iterator[FakeWordPress]:
    """Generator for a pytest fixture: a started :class:`FakeWordPress`."""
    with FakeWordPress(users) as fake:
        yield fake
