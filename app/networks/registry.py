"""Which networks Pregonero knows, and how to build a client for a connected account.

Each network's base URL can be overridden by an environment variable, for tests
against a local fake only: ``PREGONERO_FACEBOOK_API`` (e.g. ``http://127.0.0.1:8765``).
"""

from __future__ import annotations

import os

from app.errors import ValidationError
from app.i18n import _
from app.networks.base import Network
from app.networks.facebook import FacebookPages
from app.networks.instagram import Instagram
from app.networks.linkedin import LinkedIn
from app.networks.x import XAccount
from app.networks.youtube import YouTube

NETWORKS: dict[str, type[Network]] = {
    FacebookPages.key: FacebookPages,
    Instagram.key: Instagram,
    LinkedIn.key: LinkedIn,
    XAccount.key: XAccount,
    YouTube.key: YouTube,
}


def network_class(key: str) -> type[Network]:
    """The client class of network ``key``. Raises ValidationError for an unknown network."""
    try:
        return NETWORKS[key]
    except KeyError:
        raise ValidationError(
            _("Unknown network “{key}”. Known: {known}.").format(
                key=key, known=", ".join(sorted(NETWORKS))
            ),
            code="unknown_network",
        ) from None


def base_url_override(key: str) -> str | None:
    """``PREGONERO_<KEY>_API`` if set (a testing aid), else None."""
    return os.environ.get(f"PREGONERO_{key.upper()}_API") or None


def create_client(key: str, remote_id: str, token: str, *, timeout: float = 30.0) -> Network:
    """A client of network ``key`` for the account ``remote_id`` with its ``token``."""
    cls = network_class(key)
    return cls(remote_id, token, base_url=base_url_override(key), timeout=timeout)
