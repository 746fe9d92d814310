"""Glue between the publishing pipeline and the Instagram client (hooks to call).

* :func:`configure_client`: right after ``AccountService.client(account)``, give an
  Instagram client the media host configured for the account (public URLs for images).
* :func:`lead_seconds`: how long before ``due_at`` to call ``client.prepare(post)``.
* :func:`cleanup_hosted`: after the delivery is PUBLISHED (or finally failed/cancelled),
  delete the files put on the media host; the handles left are kept in
  ``deliveries.progress["hosted"]`` so a restart still cleans up.
"""

from __future__ import annotations

from app.errors import CredentialsError
from app.mediahost.config import host_from_options
from app.models import Account
from app.networks.base import Network, OutgoingPost
from app.networks.instagram import Instagram
from app.secrets import CredentialStore


def configure_client(client: Network, account: Account, credentials: CredentialStore) -> Network:
    """``client`` with its media host set when it is an Instagram client and the account
    has one configured (``accounts.options["media_host"]`` + the keyring secret).
    A missing secret leaves the client without a host: image posts are then refused with
    a message pointing at the account settings. Returns ``client``."""
    if isinstance(client, Instagram) and client.media_host is None:
        try:
            client.media_host = host_from_options(
                account.options, account.network, account.remote_id, credentials
            )
        except CredentialsError:
            client.media_host = None
    return client


def lead_seconds(client_class: type[Network], post: OutgoingPost) -> int:
    """Seconds before ``post.due_at`` to start :meth:`Network.prepare` (0 = nothing to do)."""
    if issubclass(client_class, Instagram):
        return client_class.lead_seconds_for(post)
    return client_class.prepare_lead_seconds


def cleanup_hosted(client: Network, post: OutgoingPost) -> list[str]:
    """Delete what the delivery put on a media host; returns the handles still left
    (retry later). No-op for clients that host nothing."""
    if isinstance(client, Instagram):
        return client.cleanup(post)
    return []
