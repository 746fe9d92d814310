"""Glue between the publishing pipeline and the Instagram client.

:func:`install` puts the hooks on a :class:`PublishingService` (``client_setup``: the media
host; ``after_published``: clean-up and the live publishing quota). The pieces:

* :func:`configure_client`: give an Instagram client the media host configured for the
  account (public URLs for images).
* :func:`lead_seconds`: how long before ``due_at`` to call ``client.prepare(post)``.
* :func:`save_media_host` / :func:`media_host_of`: the account settings' media host
  (non-secret settings in ``accounts.options``, the secret in the keyring).
* :func:`cleanup_hosted`: after the delivery is PUBLISHED (or finally failed/cancelled),
  delete the files put on the media host; the handles left are kept in
  ``deliveries.progress["hosted"]`` so a restart still cleans up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

from app.errors import AppError, CredentialsError
from app.mediahost.config import OPTIONS_KEY, MediaHostConfig, host_from_options, secret_user
from app.models import Account
from app.networks.base import Network, OutgoingPost
from app.networks.instagram import Instagram
from app.secrets import CredentialStore
from app.services.accounts import SECRET_USERS
from app.services.quota import refresh_quota
from app.storage.repository import Store
from app.storage.variants import set_account_option

log = logging.getLogger(__name__)


class PublishingLike(Protocol):
    """What :func:`install` needs of the publishing service."""

    store: Store
    client_setup: list[Callable[[Network, Account], Network]]
    after_published: list[Callable[[Network, OutgoingPost], object]]
    after_abandoned: list[Callable[[Network, OutgoingPost], object]]


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


def media_host_of(account: Account) -> MediaHostConfig | None:
    """The media host configured for ``account`` (None: none)."""
    return MediaHostConfig.from_options(account.options)


def save_media_host(
    store: Store,
    credentials: CredentialStore,
    account: Account,
    config: MediaHostConfig | None,
    secret: str = "",
) -> None:
    """Set (or, with ``config=None``, remove) the media host of ``account``.

    ``secret`` (the application password) goes to the keyring; an empty ``secret`` keeps
    the one stored before. Raises ValidationError for bad settings (nothing saved),
    CredentialsError when the keyring cannot keep the secret.
    """
    user = secret_user(account.network, account.remote_id)
    if config is None:
        set_account_option(store, account.id, OPTIONS_KEY, None)
        credentials.delete(user)
        return
    config.validate()
    if secret.strip():
        credentials.set(user, secret.strip())
    else:
        credentials.get(user)  # raises CredentialsError when there is none yet
    set_account_option(store, account.id, OPTIONS_KEY, config.to_options())


def media_host_secret_users(account: Account) -> list[str]:
    """Keyring users holding the account's media host secret (deleted with the account)."""
    if account.network != Instagram.key:
        return []
    return [secret_user(account.network, account.remote_id)]


if media_host_secret_users not in SECRET_USERS:
    SECRET_USERS.append(media_host_secret_users)


def install(publishing: PublishingLike, credentials: CredentialStore) -> None:
    """Hook Instagram into ``publishing`` (an :class:`app.services.publishing.
    PublishingService`): every client it builds gets its account's media host, and after
    a delivery is published the files on the host are deleted and the account's live
    publishing quota is read into ``accounts.options`` (errors only logged)."""
    store = publishing.store

    def setup(client: Network, account: Account) -> Network:
        return configure_client(client, account, credentials)

    def done(client: Network, post: OutgoingPost) -> None:
        if not isinstance(client, Instagram):
            return
        left = cleanup_hosted(client, post)
        if left:
            log.info("%d hosted files left to delete for %r", len(left), client)
        account = store.find_account(network=Instagram.key, remote_id=client.remote_id)
        if account is not None:
            try:
                refresh_quota(store, account, client, datetime.now(UTC))
            except AppError:
                log.info("publishing limit of %r not read", client)

    def abandoned(client: Network, post: OutgoingPost) -> None:
        # Photos made public for a post that did not go out must not stay public.
        if isinstance(client, Instagram):
            cleanup_hosted(client, post)

    publishing.client_setup.append(setup)
    publishing.after_published.append(done)
    publishing.after_abandoned.append(abandoned)
