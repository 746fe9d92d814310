"""Account pictures for the sign-in picker and the accounts list (no secrets involved:
the URLs are the networks' public profile-picture addresses)."""

from __future__ import annotations

from app.errors import Rejected, Transient
from app.i18n import _
from app.netconfig import new_session

MAX_PICTURE_BYTES = 2 * 1024 * 1024


def fetch_picture(url: str, *, timeout: float = 10.0) -> bytes:
    """The image at ``url`` (at most :data:`MAX_PICTURE_BYTES` bytes).

    Raises Transient (not reachable), Rejected (not an http(s) URL, not an image, too big).
    """
    import requests

    if not url.startswith(("https://", "http://")):
        raise Rejected(_("Not a picture address."), code="bad_picture_url")
    session = new_session()
    try:
        response = session.get(url, timeout=timeout, stream=True)
        if response.status_code != 200 or not response.headers.get(
            "Content-Type", "image/"
        ).startswith("image/"):
            raise Rejected(_("No picture at that address."), code="no_picture")
        data = b""
        for chunk in response.iter_content(64 * 1024):
            data += chunk
            if len(data) > MAX_PICTURE_BYTES:
                raise Rejected(_("The picture is too big."), code="picture_too_big")
        return data
    except requests.RequestException:
        raise Transient(_("Could not load the picture."), code="picture_unreachable") from None
    finally:
        session.close()


def initials(name: str) -> str:
    """Up to two initials of ``name`` ("Servicio de Empleo" -> "SE"), for a placeholder."""
    words = [w for w in name.replace("_", " ").split() if w[:1].isalnum()]
    letters = [w[0] for w in words if w[0].isupper()] or [w[0] for w in words]
    return "".join(letters[:2]).upper() or "?"
