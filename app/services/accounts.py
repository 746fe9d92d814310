"""Connecting, listing and removing accounts. Tokens go to the keyring, never the DB.

Keyring layout (service ``Pregonero``; see also :mod:`app.auth`):

* ``{network}:{remote_id}``: the access token the account's client publishes with
  (a Page token, the X user's token, the LinkedIn member's token...);
* ``grant:{provider}:{id}``: the tokens of one browser sign-in as JSON (user token,
  refresh token, expiries, scopes), shared by every account that sign-in added
  (a LinkedIn member and its organizations, the channels of one Google account, the
  Pages of one Facebook user). The account's ``options`` name it (``"grant"``), so a
  rotated refresh token is saved once and seen by all;
* ``app:{provider}:client_secret``: the developer app's secret (:mod:`app.auth.apps`).

``accounts.options`` (JSON, never a secret): ``provider``, ``grant`` (keyring user),
``refresh`` (True when the account's token is the grant's access token and the grant
has a refresh token: it is renewed before it expires), ``signin_expires_at`` (ISO UTC:
when the sign-in itself ends: Facebook user token, LinkedIn token, refresh-token
expiry; absent when unknown or never).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from app.clock import Clock
from app.errors import (
    AuthExpired,
    CredentialsError,
    NetworkError,
    RateLimited,
    Rejected,
    Transient,
    UnknownOutcome,
    ValidationError,
)
from app.events import PublishListener
from app.i18n import _, ngettext
from app.models import Account, DeliveryState
from app.networks.base import DiscoveredAccount, Network
from app.networks.registry import NETWORKS, create_client, network_class
from app.secrets import CredentialStore
from app.storage.repository import Store
from app.timeutil import from_iso, to_iso

if TYPE_CHECKING:
    from app.auth.apps import DeveloperApps
    from app.auth.flow import SignInResult

log = logging.getLogger(__name__)

ClientFactory = Callable[[str, str, str], Network]
_Accounts = list[Account]  # ``list`` is a method name inside AccountService
_Expiring = list[tuple[Account, datetime]]

REFRESH_MARGIN_SECONDS = 300
"""A renewable access token is refreshed when it expires within this many seconds."""
DEFAULT_WARNING_DAYS = 7
#: ``accounts.options`` key: True once the user removed the account (kept for its
#: publication record); cleared when it is connected again.
REMOVED_BY_USER = "removed_by_user"

SECRET_USERS: list[Callable[[Account], list[str]]] = []
#: Hooks ``notes(account) -> [translated lines]`` shown in an account's health (e.g. the
#: day's YouTube quota use).
HEALTH_NOTES: list[Callable[[Account], list[str]]] = []
"""Hooks naming more keyring users that belong to an account (e.g. a media host's
password), deleted with it by :meth:`AccountService.remove`. ``options["secret_users"]``
(a list of keyring users) is honoured too."""

_grant_locks: dict[str, threading.Lock] = {}
_grant_locks_guard = threading.Lock()


def _grant_lock(grant: str) -> threading.Lock:
    """One lock per grant: two publishes must not refresh (and rotate) it at once."""
    with _grant_locks_guard:
        return _grant_locks.setdefault(grant, threading.Lock())


@dataclass(frozen=True)
class AccountHealth:
    """How an account's connection is doing (from what Pregonero knows; see
    :meth:`AccountService.check` for a live check).

    ``state``: ``"ok"``, ``"expiring"`` (ends within the warning days and cannot renew
    itself), ``"needs_reconnect"``. ``granted``/``needed``/``missing``: permissions as
    the network names them (``needed`` = the client's ``scopes_for(kind)`` when it has
    one, else its ``required_scopes``; ``missing``
    is empty when the granted ones are unknown). ``expires_at``: when the connection
    ends unless renewed (aware UTC, None = no known end); ``renews_itself``: Pregonero
    refreshes it. ``last_ok_at``: last successful call. ``warnings``: translated lines.
    """

    account: Account
    state: str
    granted: frozenset[str]
    needed: frozenset[str]
    missing: frozenset[str]
    expires_at: datetime | None
    renews_itself: bool
    last_ok_at: datetime | None
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()  # translated facts that need no action (quota use...)

    def summary(self) -> str:
        """One translated line: the state and the first warning."""
        if self.state == "needs_reconnect":
            head = _("Reconnect needed")
        elif self.state == "expiring":
            head = _("Expiring soon")
        else:
            head = _("Connected")
        return f"{head}: {self.warnings[0]}" if self.warnings else head


class AccountService:
    """Accounts of the store, with their tokens in ``credentials``."""

    def __init__(
        self,
        store: Store,
        credentials: CredentialStore,
        clock: Clock,
        listener: PublishListener,
        client_factory: ClientFactory = create_client,
        apps: DeveloperApps | None = None,
        warning_days: Callable[[], int] | None = None,
    ) -> None:
        from app.auth.apps import DeveloperApps

        self.store = store
        self.credentials = credentials
        self.clock = clock
        self.listener = listener
        self.client_factory = client_factory
        self.apps = apps or DeveloperApps(store, credentials)
        self.warning_days = warning_days or (lambda: DEFAULT_WARNING_DAYS)

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
        """A network client for ``account`` with its access token from the keyring,
        refreshed first when it expires within :data:`REFRESH_MARGIN_SECONDS`.

        Raises CredentialsError (keyring, token missing), AuthExpired (the token expired
        and cannot be renewed, or the network refused the refresh: the account is then
        marked "reconnect needed"), Transient (the refresh could not be done now and the
        old token has expired; everything stored is kept).
        """
        token = self.access_token(account)
        return self.client_factory(account.network, account.remote_id, token)

    def access_token(self, account: Account) -> str:
        """The usable access token of ``account`` (see :meth:`client`)."""
        try:
            account = self.store.get_account(account.id)
        except KeyError:
            pass
        now = self.clock.now()
        expires = account.token_expires_at
        if self._renewable(account) and expires is not None:
            if expires - now <= timedelta(seconds=REFRESH_MARGIN_SECONDS):
                return self._refresh(account)
        elif expires is not None and expires <= now:
            raise AuthExpired(self._expired_reason(account, expires), code="token_expired")
        return self.credentials.get(account.keyring_user)

    @staticmethod
    def _renewable(account: Account) -> bool:
        return bool(account.options.get("grant") and account.options.get("refresh"))

    def _expired_reason(self, account: Account, when: datetime) -> str:
        return _("The connection to {network} expired on {date}; reconnect the account.").format(
            network=_label(account.network), date=when.strftime("%Y-%m-%d")
        )

    def _sharing(self, grant: str) -> _Accounts:
        return [a for a in self.store.list_accounts() if a.options.get("grant") == grant]

    def _refresh(self, account: Account) -> str:
        from app.auth.providers import dumps, loads, provider_class

        grant = str(account.options["grant"])
        with _grant_lock(grant):
            account = self.store.get_account(account.id)  # another thread may have done it
            now = self.clock.now()
            old_expiry = account.token_expires_at
            if old_expiry is not None and old_expiry - now > timedelta(
                seconds=REFRESH_MARGIN_SECONDS
            ):
                return self.credentials.get(account.keyring_user)
            try:
                tokens = loads(self.credentials.get(grant))
            except ValueError:
                tokens = None
            if tokens is None or not tokens.refresh_token:
                reason = _("The sign-in of {name} is incomplete; reconnect the account.").format(
                    name=account.name
                )
                self._grant_dead(grant, reason)
                raise AuthExpired(reason, code="no_refresh_token")
            provider = provider_class(str(account.options.get("provider", "")))()
            try:
                app = self.apps.get(provider.key)
            except ValidationError as exc:
                raise CredentialsError(str(exc.problems[0].message)) from None
            try:
                new = provider.refresh(app, tokens.refresh_token, now)
            except AuthExpired as exc:
                if self._rotated_elsewhere(grant, tokens.refresh_token):
                    # Another Pregonero process (the command line, the window) renewed
                    # it a moment ago: its tokens are in the keyring already.
                    return self.credentials.get(account.keyring_user)
                # Our own translated sentence, not the provider's raw English text
                # ("invalid_grant"...): it becomes the account's "reconnect needed" reason.
                reason = str(exc)
                log.warning("refresh of %s refused (%s): reconnect needed", grant, exc.code)
                self._grant_dead(grant, reason)
                raise AuthExpired(reason, user_message=reason, code=exc.code) from None
            except (Transient, RateLimited, UnknownOutcome, Rejected) as exc:
                # Not a dead token: keep everything; use the old token while it lasts.
                log.info("refresh of %s failed for now (%s)", grant, type(exc).__name__)
                if old_expiry is not None and old_expiry > now:
                    return self.credentials.get(account.keyring_user)
                raise Transient(
                    _(
                        "Could not renew the connection to {network} just now; Pregonero will "
                        "try again."
                    ).format(network=provider.label),
                    code="refresh_failed",
                ) from None
            # Save the (rotated) tokens before anything uses them.
            self.credentials.set(grant, dumps(new))
            for other in self._sharing(grant):
                if self._renewable(other):
                    self.credentials.set(other.keyring_user, new.access_token)
                    self.store.set_account_token_expiry(
                        other.id, new.expires_at, new.scopes or None
                    )
            log.info("access token of %s renewed", grant)
            return new.access_token

    def _rotated_elsewhere(self, grant: str, used: str) -> bool:
        """True when the grant in the keyring no longer holds the refresh token ``used``."""
        from app.auth.providers import loads

        try:
            current = loads(self.credentials.get(grant))
        except (ValueError, CredentialsError):
            return False
        return bool(current.refresh_token) and current.refresh_token != used

    def _grant_dead(self, grant: str, reason: str) -> None:
        for other in self._sharing(grant):
            if self._renewable(other) and other.status == "ok":
                self.mark_needs_reconnect(other, reason)

    def note_ok(self, account_id: int) -> None:
        """Record a successful call to the network for the account (now)."""
        self.store.set_account_last_ok(account_id, self.clock.now())

    # -- browser sign-in ---------------------------------------------------------------
    def add_signed_in(
        self,
        result: SignInResult,
        picks: Sequence[DiscoveredAccount],
        names: Mapping[str, str] | None = None,
    ) -> _Accounts:
        """Add (or reconnect) the accounts ``picks`` of a sign-in ``result``.

        Tokens go to the keyring first (the grant under ``result.grant_key``, each
        account's token under ``{network}:{remote_id}``). An account already known (same
        network and remote id) keeps its name and posts, becomes usable again and its
        blocked posts are queued again. ``names`` maps ``remote_id`` to the name to give
        a new account (default: the name on the network, made unique).
        Raises ValidationError (nothing picked), CredentialsError (keyring).
        """
        if not picks:
            raise ValidationError(_("Pick at least one account to add."), code="nothing_picked")
        self.credentials.check()
        from app.auth.providers import dumps

        grant = result.grant
        self.credentials.set(result.grant_key, dumps(grant))
        now = self.clock.now()
        old_grants: set[str] = set()
        added: _Accounts = []
        for found in picks:
            network_class(found.network)
            follows = found.token.access_token == grant.access_token
            refresh = follows and bool(grant.refresh_token)
            ends = grant.refresh_expires_at if refresh else grant.expires_at
            options: dict[str, Any] = {"provider": result.provider, "grant": result.grant_key}
            options["refresh"] = refresh
            options["missing_scopes"] = sorted(found.missing_scopes)
            if ends is not None:
                options["signin_expires_at"] = to_iso(ends)
            keyring_user = f"{found.network}:{found.remote_id}"
            self.credentials.set(keyring_user, found.token.access_token)
            scopes = found.token.scopes or grant.scopes
            existing = self.store.find_account(network=found.network, remote_id=found.remote_id)
            if existing is not None:
                if existing.options.get("grant"):
                    old_grants.add(str(existing.options["grant"]))
                merged = {**existing.options, **options}
                merged.pop(REMOVED_BY_USER, None)
                if ends is None:
                    merged.pop("signin_expires_at", None)
                if existing.keyring_user != keyring_user:
                    self.credentials.set(existing.keyring_user, found.token.access_token)
                self.store.update_account_connection(
                    existing.id,
                    display_name=found.name,
                    kind=found.kind,
                    picture_url=found.picture_url,
                    token_expires_at=found.token.expires_at,
                    scopes=scopes,
                    options=merged,
                )
                self._unblock(existing.id)
                account = self.store.get_account(existing.id)
                log.info("account %s reconnected", account.name)
            else:
                wanted = (names or {}).get(found.remote_id, "").strip() or found.name
                account = self.store.add_account(
                    network=found.network,
                    name=self._free_name(wanted, found.network),
                    remote_id=found.remote_id,
                    display_name=found.name,
                    keyring_user=keyring_user,
                    now=now,
                    kind=found.kind,
                    picture_url=found.picture_url,
                    token_expires_at=found.token.expires_at,
                    scopes=scopes,
                    options=options,
                )
                log.info("account %s added (%s)", account.name, account.network)
            added.append(account)
        for old in old_grants - {result.grant_key}:
            if not self._sharing(old):
                self.credentials.delete(old)
        return added

    def _free_name(self, wanted: str, network: str) -> str:
        base = " ".join(wanted.split()) or network
        taken = {a.name for a in self.store.list_accounts()}
        if base not in taken:
            return base
        candidate = f"{base} ({_label(network)})"
        n = 2
        while candidate in taken:
            candidate = f"{base} ({_label(network)} {n})"
            n += 1
        return candidate

    # -- health ------------------------------------------------------------------------
    def ends_at(self, account: Account) -> datetime | None:
        """When the connection of ``account`` ends unless the user signs in again (aware
        UTC; None = no known end). A renewable token ends with its sign-in."""
        ends = [from_iso(account.options.get("signin_expires_at"))]
        if not self._renewable(account):
            ends.append(account.token_expires_at)
        known = [e for e in ends if e is not None]
        return min(known) if known else None

    def health(self, account: Account) -> AccountHealth:
        """The health of ``account`` from what is stored (no network call)."""
        cls = NETWORKS.get(account.network)
        needed = frozenset(cls.required_scopes) if cls is not None else frozenset()
        scopes_for = getattr(cls, "scopes_for", None)  # e.g. a LinkedIn organization's own
        if callable(scopes_for) and account.kind:
            needed = frozenset(scopes_for(account.kind))
        granted = account.scopes
        if "missing_scopes" in account.options:  # the network's own judgement at sign-in
            missing = frozenset(account.options["missing_scopes"])
        else:
            missing = needed - granted if granted else frozenset()
        ends = self.ends_at(account)
        now = self.clock.now()
        warnings: list[str] = []
        notes: list[str] = []
        for hook in HEALTH_NOTES:
            try:
                notes.extend(hook(account))
            except Exception:  # noqa: BLE001 - a note never breaks the health view
                log.exception("health note for account %s", account.id)
        state = "ok"
        if account.status != "ok":
            state = "needs_reconnect"
            warnings.append(account.status_reason or _("reconnect the account"))
        elif ends is not None and ends <= now and account.token_expires_at is None:
            # The sign-in (e.g. a Facebook user token) ended but the account's own token
            # (a Page token) does not expire: it keeps publishing (platforms.md §1.1).
            notes.append(
                _(
                    "the sign-in ended on {date}; the account keeps publishing, but sign in"
                    " again to renew its permissions or add accounts."
                ).format(date=ends.strftime("%Y-%m-%d"))
            )
        elif ends is not None and ends <= now:
            state = "needs_reconnect"
            warnings.append(self._expired_reason(account, ends))
        elif ends is not None and ends - now <= timedelta(days=self.warning_days()):
            state = "expiring"
            warnings.append(
                _("the connection ends on {date}; reconnect before then.").format(
                    date=ends.strftime("%Y-%m-%d")
                )
            )
        if missing:
            warnings.append(
                _("permissions not granted: {scopes}").format(scopes=", ".join(sorted(missing)))
            )
        return AccountHealth(
            account=account,
            state=state,
            granted=granted,
            needed=needed,
            missing=missing,
            expires_at=ends,
            renews_itself=self._renewable(account),
            last_ok_at=account.last_ok_at,
            warnings=tuple(warnings),
            notes=tuple(notes),
        )

    def check(self, account: Account) -> AccountHealth:
        """Ask the network whether ``account`` works (refreshing its token if due) and
        return its health. A refused token marks it "reconnect needed"; a working one
        becomes usable again. Raises nothing for network problems (they become
        warnings)."""
        problem = ""
        try:
            self.client(account).verify()
        except (AuthExpired, CredentialsError) as exc:
            reason = str(exc)  # the client's translated sentence, not the vendor's raw text
            current = self.store.get_account(account.id)
            if current.status == "ok":
                self.mark_needs_reconnect(current, reason)
        except NetworkError as exc:
            problem = _("could not check it now: {why}").format(why=exc.user_message or exc)
        else:
            self.note_ok(account.id)
            current = self.store.get_account(account.id)
            if current.status != "ok":
                self.store.set_account_status(account.id, "ok")
                self._unblock(account.id)
        health = self.health(self.store.get_account(account.id))
        if problem:
            return AccountHealth(**{**health.__dict__, "warnings": (*health.warnings, problem)})
        return health

    def expiring(self, days: int | None = None) -> _Expiring:
        """Usable accounts whose connection ends within ``days`` (default: the warning
        setting) and cannot renew itself, with when it ends; soonest first."""
        limit = self.clock.now() + timedelta(days=self.warning_days() if days is None else days)
        out = []
        for account in self.store.list_accounts():
            ends = self.ends_at(account)
            if account.status == "ok" and ends is not None and ends <= limit:
                out.append((account, ends))
        return sorted(out, key=lambda pair: pair[1])

    def mark_expired(self) -> _Accounts:
        """Mark "reconnect needed" every usable account whose token has expired and
        cannot be renewed (its queued posts become blocked); returns them."""
        now = self.clock.now()
        marked = []
        for account in self.store.list_accounts():
            expires = account.token_expires_at
            if (
                account.status == "ok"
                and expires is not None
                and expires <= now
                and not self._renewable(account)
            ):
                self.mark_needs_reconnect(account, self._expired_reason(account, expires))
                marked.append(self.store.get_account(account.id))
        return marked

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
            if REMOVED_BY_USER in existing.options:
                self.store.set_account_options(
                    existing.id,
                    {k: v for k, v in existing.options.items() if k != REMOVED_BY_USER},
                )
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
        """Flag ``account`` and block its queued deliveries until it is reconnected.

        Accounts of the same sign-in that publish with the very same access token (a
        LinkedIn member and its organizations, the channels of one Google account) are
        flagged too: the network refused that token for all of them. Accounts with their
        own token (Facebook Pages) are left alone."""
        self._flag(account, reason)
        grant = account.options.get("grant")
        if not grant:
            return
        try:
            token = self.credentials.get(account.keyring_user)
        except CredentialsError:
            return
        for other in self._sharing(str(grant)):
            if other.id == account.id or other.status != "ok":
                continue
            try:
                same = self.credentials.get(other.keyring_user) == token
            except CredentialsError:
                same = False
            if same:
                self._flag(other, reason)

    def _flag(self, account: Account, reason: str) -> None:
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
            {
                DeliveryState.SCHEDULED,
                DeliveryState.PUBLISHING,
                DeliveryState.UNCONFIRMED,
                # Held by the network: without the token it could no longer be moved or
                # cancelled, yet it would still go out.
                DeliveryState.HANDED_OFF,
            },
            account_id=account.id,
        )
        if queued:
            raise ValidationError(
                ngettext(
                    "{n} post is still queued for {name}; cancel or move it first.",
                    "{n} posts are still queued for {name}; cancel or move them first.",
                    len(queued),
                ).format(n=len(queued), name=account.name),
                code="account_in_use",
            )
        self.credentials.delete(account.keyring_user)
        extra = [str(u) for u in account.options.get("secret_users") or []]
        for hook in SECRET_USERS:
            extra += hook(account)
        for user in extra:
            self.credentials.delete(user)
        grant = account.options.get("grant")
        if self.store.account_has_deliveries(account.id):
            self.store.set_account_status(
                account.id, "needs_reconnect", _("Disconnected by the user")
            )
            options = {k: v for k, v in account.options.items() if k not in ("grant", "refresh")}
            options[REMOVED_BY_USER] = True  # wanted: the window does not ask to reconnect it
            self.store.set_account_options(account.id, options)
        else:
            self.store.delete_account(account.id)
        if grant and not self._sharing(str(grant)):
            self.credentials.delete(str(grant))


def _label(network: str) -> str:
    cls = NETWORKS.get(network)
    return cls.label if cls is not None else network.capitalize()
