"""Connecting, listing and removing accounts. Tokens go to the keyring, never the DB."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from app.clock import Clock
from app.errors import AuthExpired, Rejected, Transient, ValidationError
from app.events import PublishListener
from app.i18n import _
from app.models import Account, DeliveryState
from app.networks.base import Network
from app.networks.registry import create_client, network_class
from app.secrets import CredentialStore
from app.storage.repository import Store

ClientFactory = Callable[[str, str, str], Network]


class AccountService:
    """Accounts of the store, with their tokens in ``credentials``."""

    def __init__(
        self,
        store: Store,
        credentials: CredentialStore,
        clock: Clock,
        listener: PublishListener,
        client_factory: ClientFactory = create_client,
    ) -> None:
        self.store = store
        self.credentials = credentials
        self.clock = clock
        self.listener = listener
        self.client_factory = client_factory

    def list(self) -> list[Account]:
        """Every connected account."""
        return self.store.list_accounts()

    def by_name(self, name: str) -> Account:
        """The account called ``name``. Raises ValidationError listing the known names."""
        account = self.store.find_account(name=name)
        if account is None:
            known = ", ".join(a.name for a in self.store.list_accounts()) or _("none yet")
            raise ValidationError(
                _("There is no account called “{name}”. Accounts: {known}.").format(
                    name=name, known=known
                ),
                code="unknown_account",
            )
        return account

    def client(self, account: Account) -> Network:
        """A network client for ``account`` (reads its token from the keyring)."""
        token = self.credentials.get(account.keyring_user)
        return self.client_factory(account.network, account.remote_id, token)

    def connect(self, network: str, *, name: str, remote_id: str, token: str) -> Account:
        """Check ``token`` with the network, keep it in the keyring and add the account.

        For Facebook ``remote_id`` is the Page ID and ``token`` a Page access token.
        If the page is already connected, its token is replaced and the account is
        marked usable again (a reconnect). Raises ValidationError (bad name, bad token,
        duplicate name), CredentialsError (keyring), NetworkError (network down).
        """
        network_class(network)
        self.credentials.check()  # no keyring: say so before talking to the network
        name, remote_id, token = name.strip(), remote_id.strip(), token.strip()
        if not name:
            raise ValidationError(_("Give the account a name."), code="name_missing")
        if not remote_id.isdigit():
            raise ValidationError(
                _("A Page ID is a number, such as 104123456789012."), code="bad_page_id"
            )
        if not token:
            raise ValidationError(_("The access token is empty."), code="token_missing")
        client = self.client_factory(network, remote_id, token)
        try:
            info = client.verify()
        except AuthExpired as exc:
            raise ValidationError(
                _("{network} did not accept this access token: {why}").format(
                    network=client.label, why=exc.user_message or exc
                ),
                code="token_rejected",
            ) from None
        except Transient:
            raise ValidationError(
                _(
                    "Could not reach {network} to check the token. Nothing was saved; check the "
                    "Internet connection and try again."
                ).format(network=client.label),
                code="network_unreachable",
            ) from None
        except Rejected as exc:
            raise ValidationError(
                _("{network} says: {why}").format(
                    network=client.label, why=exc.user_message or exc
                ),
                code="page_rejected",
            ) from None
        keyring_user = f"{network}:{remote_id}"
        existing = self.store.find_account(network=network, remote_id=remote_id)
        self.credentials.set(keyring_user, token)
        if existing is not None:
            self.store.set_account_status(existing.id, "ok")
            self._unblock(existing.id)
            return self.store.get_account(existing.id)
        try:
            return self.store.add_account(
                network=network,
                name=name,
                remote_id=remote_id,
                display_name=info.name,
                keyring_user=keyring_user,
                now=self.clock.now(),
            )
        except sqlite3.IntegrityError:
            raise ValidationError(
                _("An account called “{name}” already exists.").format(name=name),
                code="duplicate_name",
            ) from None

    def _unblock(self, account_id: int) -> None:
        now = self.clock.now()
        for delivery in self.store.deliveries_in({DeliveryState.BLOCKED}, account_id=account_id):
            if self.store.transition(
                delivery.id,
                DeliveryState.SCHEDULED,
                "account reconnected",
                now=now,
                expect={DeliveryState.BLOCKED},
            ):
                self.listener.delivery_changed(delivery.id, delivery.post_id, "scheduled")

    def mark_needs_reconnect(self, account: Account, reason: str) -> None:
        """Flag ``account`` and block its queued deliveries until it is reconnected."""
        self.store.set_account_status(account.id, "needs_reconnect", reason)
        now = self.clock.now()
        for delivery in self.store.deliveries_in({DeliveryState.SCHEDULED}, account_id=account.id):
            if self.store.transition(
                delivery.id,
                DeliveryState.BLOCKED,
                "account needs reconnect",
                now=now,
                detail=reason,
                expect={DeliveryState.SCHEDULED},
            ):
                self.listener.delivery_changed(delivery.id, delivery.post_id, "blocked")
        self.listener.account_needs_reconnect(account.id, reason)

    def remove(self, account: Account) -> None:
        """Disconnect ``account``: forget its token; keep it listed if it has a history.

        Raises ValidationError if posts are still queued for it.
        """
        queued = self.store.deliveries_in(
            {DeliveryState.SCHEDULED, DeliveryState.PUBLISHING, DeliveryState.UNCONFIRMED},
            account_id=account.id,
        )
        if queued:
            raise ValidationError(
                _("{n} posts are still queued for {name}; cancel or move them first.").format(
                    n=len(queued), name=account.name
                ),
                code="account_in_use",
            )
        self.credentials.delete(account.keyring_user)
        if self.store.account_has_deliveries(account.id):
            self.store.set_account_status(
                account.id, "needs_reconnect", _("Disconnected by the user")
            )
        else:
            self.store.delete_account(account.id)
