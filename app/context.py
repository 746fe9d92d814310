"""AppContext: builds the store, the services and their collaborators. No globals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app import netconfig, paths
from app.auth.apps import EXPIRY_WARNING_DAYS, DeveloperApps
from app.clock import Clock, SystemClock
from app.events import ListenerHub
from app.inbox.service import InboxService
from app.networks.registry import create_client
from app.secrets import CredentialStore
from app.services import instagram_support, youtube_support
from app.services.accounts import HEALTH_NOTES, AccountService, ClientFactory
from app.services.campaigns import CampaignService
from app.services.handoff import HandOffService
from app.services.pause import PauseService
from app.services.posts import PostService
from app.services.publishing import PublishingService
from app.services.reschedule import RescheduleService
from app.settings import Settings
from app.storage.inbox import InboxStore
from app.storage.repository import Store


def _int(text: str, default: int) -> int:
    try:
        return max(0, int(text))
    except ValueError:
        return default


class AppContext:
    """Everything the window, the command line and the scheduler share.

    ``db_path`` defaults to :func:`app.paths.db_path`. ``listeners`` receives every
    delivery change; add the UI bridge or the scheduler to it.
    Raises StorageError if the database cannot be opened.
    """

    def __init__(
        self,
        db_path: Path | None = None,
        *,
        clock: Clock | None = None,
        credentials: CredentialStore | None = None,
        client_factory: ClientFactory = create_client,
    ) -> None:
        self.clock: Clock = clock or SystemClock()
        self.store = Store(db_path or paths.db_path())
        self.settings = Settings(self.store)
        self.listeners = ListenerHub()
        self.credentials = credentials or CredentialStore()
        self._schedule_hooks: list[Callable[[], None]] = []
        netconfig.configure(netconfig.from_settings(self.store.get_setting))
        self.apps = DeveloperApps(self.store, self.credentials)
        self.accounts = AccountService(
            self.store,
            self.credentials,
            self.clock,
            self.listeners,
            client_factory,
            apps=self.apps,
            warning_days=lambda: _int(self.settings.get(EXPIRY_WARNING_DAYS), 7),
        )
        self.posts = PostService(
            self.store, self.clock, self.listeners, on_schedule_changed=self.schedule_changed
        )
        self.publishing = PublishingService(
            self.store,
            self.accounts,
            self.clock,
            self.listeners,
            grace_seconds=lambda: self.settings.grace_seconds,
        )
        self.pause = PauseService(
            self.store, self.clock, self.listeners, on_schedule_changed=self.schedule_changed
        )
        self.reschedule = RescheduleService(
            self.store,
            self.clock,
            self.listeners,
            self.settings.holiday_calendar,
            on_schedule_changed=self.schedule_changed,
        )
        self.campaigns = CampaignService(self.store, self.clock, self.listeners, self.reschedule)
        # Native hand-off (issue 4): networks holding scheduled posts follow every change.
        self.handoffs = HandOffService(self.publishing)
        self.handoffs.on_schedule_changed = self.schedule_changed
        self.publishing.handoffs = self.handoffs
        self.posts.handoffs = self.handoffs
        self.pause.handoffs = self.handoffs
        self.reschedule.hand_off = self.handoffs
        # Instagram: media host for photos, its files deleted after publishing, live quota.
        instagram_support.install(self.publishing, self.credentials)
        # YouTube: the day's quota use kept per account and shown in its health.
        self.publishing.client_setup.append(youtube_support.quota_setup(self.store))
        if youtube_support.health_notes not in HEALTH_NOTES:
            HEALTH_NOTES.append(youtube_support.health_notes)
        self.inbox = InboxService(
            InboxStore(self.store), self.accounts, self.clock, self.listeners, self.settings
        )

    def on_schedule_changed(self, hook: Callable[[], None]) -> None:
        """Call ``hook`` whenever what is due when may have changed."""
        self._schedule_hooks.append(hook)

    def schedule_changed(self) -> None:
        """Tell the hooks (the runner) that the schedule changed."""
        for hook in list(self._schedule_hooks):
            hook()

    def close(self) -> None:
        """Close the store's connections."""
        self.store.close()
