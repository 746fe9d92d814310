"""YouTube glue between the client and the store: the day's quota ledger per account.

The client charges a :class:`~app.networks.youtube_quota.QuotaLedger` after every call;
this module gives each YouTube client built for publishing a ledger read from
``accounts.options["youtube_quota"]`` and writes it back after each charge, and adds the
day's quota use and the unverified-project rule to the account's health.
Quota costs: https://developers.google.com/youtube/v3/determine_quota_cost
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.models import Account
from app.networks.base import Network
from app.networks.youtube import YouTube, account_health_notes
from app.networks.youtube_quota import QuotaLedger
from app.storage.repository import Store

OPTION = "youtube_quota"


def ledger_for(store: Store, account: Account) -> QuotaLedger:
    """The account's ledger as stored; each charge is saved into its options at once."""
    account_id = account.id

    def save(data: dict[str, Any]) -> None:
        current = store.get_account(account_id)
        store.set_account_options(account_id, {**current.options, OPTION: data})

    return QuotaLedger.from_dict(account.options.get(OPTION), on_change=save)


def quota_setup(store: Store) -> Callable[[Network, Account], Network]:
    """A ``PublishingService.client_setup`` hook giving YouTube clients their ledger."""

    def setup(client: Network, account: Account) -> Network:
        if isinstance(client, YouTube):
            client.quota = ledger_for(store, account)
        return client

    return setup


def health_notes(account: Account) -> list[str]:
    """Health lines of a YouTube account (the audit rule, today's quota use); [] else."""
    if account.network != YouTube.key:
        return []
    return account_health_notes(QuotaLedger.from_dict(account.options.get(OPTION)))
