"""The body's WordPress media library as the public host of Instagram media.

API (WordPress REST, shared docs/platforms.md §8; https://developer.wordpress.org/rest-api/
reference/media/): ``POST {site}/wp-json/wp/v2/media`` with HTTP Basic auth
(user + application password), the raw file as body, ``Content-Type`` its MIME type and
``Content-Disposition: attachment; filename="..."`` -> 201 ``{"id", "source_url", ...}``;
``DELETE {site}/wp-json/wp/v2/media/{id}?force=true`` (media cannot be trashed, so
``force`` is required). Errors: ``{"code", "message", "data": {"status"}}``.

The file is sent under a neutral name (``pregonero-<hash>.jpg``): the user's own file
name is not published on the web site.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any, cast

import requests

from app.errors import AuthExpired, NetworkError, Rejected, Transient
from app.i18n import _
from app.mediahost.base import HostedMedia, MediaHost
from app.networks.http import HttpClient

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "video/mp4": ".mp4"}
API = "wp-json/wp/v2/media"


def classify_wp_error(response: requests.Response) -> NetworkError | None:
    """Map WordPress's ``{"code", "message", "data": {"status"}}`` envelope; None if absent.

    401/403 (``rest_not_logged_in``, ``incorrect_password``, ``rest_cannot_create``) ->
    AuthExpired; 5xx -> Transient; other codes -> Rejected.
    """
    try:
        body = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict) or "code" not in body or "message" not in body:
        return None
    code = str(body.get("code"))
    message = str(body.get("message") or "")
    if response.status_code in (401, 403):
        return AuthExpired(
            _(
                "The WordPress site refused the user name or application password used to "
                "host Instagram media ({code}). Check them in the account settings."
            ).format(code=code),
            user_message=message,
            code=code,
        )
    if response.status_code >= 500:
        return Transient(
            _("The WordPress site had a temporary problem; Pregonero will try again."),
            user_message=message,
            code=code,
        )
    return Rejected(
        _("The WordPress site refused the file: {reason}").format(reason=message or code),
        user_message=message,
        code=code,
    )


class WordPressMediaHost(MediaHost):
    """Media library of ``site`` (``https://empleo.example.es``), as ``user`` with an
    application password (spaces allowed, as WordPress shows it). ``timeout`` seconds."""

    kind = "wordpress"
    label = "WordPress"

    def __init__(
        self,
        site: str,
        user: str,
        app_password: str,
        *,
        timeout: float = 60.0,
        session: requests.Session | None = None,
    ) -> None:
        self.site = site.rstrip("/")
        basic = base64.b64encode(f"{user}:{app_password}".encode()).decode()
        self._auth = f"Basic {basic}"
        self._http = HttpClient(
            self.site,
            timeout=timeout,
            classify=classify_wp_error,
            label="WordPress",
            secrets=(app_password, basic),
            session=session,
        )

    def __repr__(self) -> str:
        return f"<WordPressMediaHost {self.site}>"

    def put(self, path: Path, mime: str) -> HostedMedia:
        """Upload ``path`` to the media library; the handle is the attachment id.

        Raises Rejected (``media_unreadable``) when the file cannot be read, and the
        errors of :func:`classify_wp_error`.
        """
        try:
            data = path.read_bytes()
        except OSError:
            raise Rejected(
                _("The media file {name} cannot be read.").format(name=path.name),
                code="media_unreadable",
            ) from None
        name = "pregonero-" + hashlib.sha256(data).hexdigest()[:12]
        name += EXTENSIONS.get(mime, path.suffix.lower() or ".bin")
        response = self._http.request(
            "POST",
            API,
            data=cast(Any, data),
            headers={
                "Authorization": self._auth,
                "Content-Type": mime,
                "Content-Disposition": f'attachment; filename="{name}"',
            },
            idempotent=True,  # a lost answer leaves at most an orphan file, no post
        )
        try:
            body = response.json()
        except ValueError:
            body = None
        if (
            not isinstance(body, dict)
            or not body.get("id")
            or not isinstance(body.get("source_url"), str)
        ):
            raise Transient(
                _("The WordPress site sent an answer Pregonero cannot read."), code="bad_answer"
            )
        return HostedMedia(str(body["source_url"]), str(body["id"]))

    def delete(self, handle: str) -> None:
        """``DELETE /wp-json/wp/v2/media/{handle}?force=true``; a 404 (gone) is fine."""
        try:
            self._http.request(
                "DELETE",
                f"{API}/{handle}",
                params={"force": "true"},
                headers={"Authorization": self._auth},
                idempotent=True,
            )
        except Rejected as exc:
            if exc.code in ("rest_post_invalid_id", "404"):
                return
            raise
