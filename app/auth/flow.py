"""One browser sign-in, from the authorize URL to the accounts the user can add.

Used the same way by the window and the command line::

    flow = SignInFlow("x", DeveloperApps(store, credentials))
    url = flow.start()              # listener on 127.0.0.1 + the URL to open
    result = flow.wait()            # blocks until the browser comes back (or timeout)
    # or, instead of wait(): result = flow.finish(pasted_code_or_redirected_url)
    accounts_service.add_signed_in(result, picks)

:meth:`SignInFlow.wait` / :meth:`SignInFlow.finish` exchange the code at once (X lets
a code live 30 s) and then ask each network of the provider for the accounts the
user may add (``Network.discover``).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

from authlib.common.security import generate_token

from app.auth.apps import DeveloperApps
from app.auth.loopback import LoopbackListener, SignInError
from app.auth.providers import Provider, provider_class
from app.clock import Clock, SystemClock
from app.errors import AppError, CredentialsError, NetworkError, Rejected
from app.i18n import _
from app.networks.base import DiscoveredAccount, TokenSet
from app.networks.registry import NETWORKS, base_url_override
from app.secrets import CredentialStore

log = logging.getLogger(__name__)

Discoverer = Callable[[str, TokenSet], list[DiscoveredAccount]]
"""``(network key, tokens) -> accounts``; default :func:`discover_accounts`."""

PENDING_SECONDS = 15 * 60
"""How long a sign-in started by ``pregonero account connect`` can be finished with
``--code`` (seconds)."""


def discover_accounts(network: str, tokens: TokenSet) -> list[DiscoveredAccount]:
    """``network``'s client's ``discover`` (with the ``PREGONERO_<KEY>_API`` override);
    [] when the network is not available in this build or does not support it."""
    cls = NETWORKS.get(network)
    if cls is None:
        log.info("network %s not available: nothing to discover", network)
        return []
    try:
        return cls.discover(tokens, base_url=base_url_override(network))
    except Rejected as exc:
        if exc.code == "unsupported":
            return []
        raise


def grant_key(provider: str) -> str:
    """A new keyring user for the tokens of one sign-in: ``grant:{provider}:{random}``."""
    return f"grant:{provider}:{uuid.uuid4().hex[:12]}"


@dataclass
class SignInResult:
    """What a sign-in yields: the user's tokens (``grant``), the keyring user they will be
    kept under (``grant_key``), the accounts to pick from, and per-network problems
    found while looking for accounts (translated messages)."""

    provider: str
    grant: TokenSet
    grant_key: str
    accounts: list[DiscoveredAccount] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __repr__(self) -> str:  # never show a token
        names = [f"{a.network}:{a.remote_id}" for a in self.accounts]
        return f"<SignInResult {self.provider} {names}>"


class SignInFlow:
    """A browser sign-in with ``provider`` ("meta", "x", "linkedin", "google").

    ``apps`` gives the developer app, the fixed port and the timeout; ``clock`` the time
    tokens are stamped with; ``discover`` finds the accounts (tests may replace it).
    """

    def __init__(
        self,
        provider: str,
        apps: DeveloperApps,
        *,
        clock: Clock | None = None,
        discover: Discoverer = discover_accounts,
        port: int | None = None,
        timeout: float | None = None,
    ) -> None:
        self.provider: Provider = provider_class(provider)()
        self.apps = apps
        self.app = apps.get(provider)  # ValidationError when not set up
        self.clock = clock or SystemClock()
        self.discover = discover
        self.timeout = timeout if timeout is not None else apps.timeout()
        fixed = port if port is not None else apps.port()
        self.port = fixed if self.provider.fixed_port else (port or 0)
        self.state = generate_token(32)
        self.verifier: str | None = generate_token(64) if self.provider.pkce else None
        self.listener: LoopbackListener | None = None
        self.redirect_uri = self.provider.redirect_uri(self.port)
        self.url = ""
        self._finishing = threading.Lock()
        self._result: SignInResult | None = None

    def __repr__(self) -> str:
        return f"<SignInFlow {self.provider.key}>"

    @property
    def provider_key(self) -> str:
        """The provider's key."""
        return self.provider.key

    def start(self, listen: bool = True) -> str:
        """Start the loopback listener (unless ``listen`` is False) and return the
        authorize URL to open in the browser. Raises SignInError ``port_busy``."""
        if listen:
            self.listener = LoopbackListener(self.state, self.port).start()
            self.port = self.listener.port
            self.redirect_uri = self.provider.redirect_uri(self.port)
        scopes = self.apps.scopes(self.provider.key)
        self.url = self.provider.authorization_url(
            self.app, self.redirect_uri, self.state, scopes, self.verifier
        )
        log.info("sign-in with %s started; redirect %s", self.provider.key, self.redirect_uri)
        return self.url

    def wait(self) -> SignInResult:
        """Wait for the browser (at most :attr:`timeout` seconds), then finish.

        Raises SignInError (timeout, cancelled, denied), Rejected, Transient,
        AuthExpired, CredentialsError.
        """
        if self.listener is None:
            raise SignInError(_("No sign-in is in progress."), code="not_started")
        callback = self.listener.wait(self.timeout)
        return self._complete(callback.code)

    def finish(self, pasted: str) -> SignInResult:
        """Finish with what the user pasted: the code, or the whole address the browser
        ended on. Stops the listener. Raises SignInError (nothing usable, wrong state,
        denied), and the errors of :meth:`wait`."""
        code = self.code_from(pasted)
        if self.listener is not None:
            self.listener.cancel()  # a wait() still running ends now
        return self._complete(code)

    def code_from(self, pasted: str) -> str:
        """The code in ``pasted`` (a code or a redirected URL). Raises SignInError."""
        text = pasted.strip()
        if not text:
            raise SignInError(_("Paste the code or the address first."), code="no_code")
        if "code=" in text or "error=" in text or "://" in text or text.startswith("?"):
            query = urlsplit(text).query if "://" in text else text.split("?", 1)[-1]
            params = dict(parse_qsl(query.split("#", 1)[0], keep_blank_values=True))
            state = params.get("state")
            if state is not None and not secrets.compare_digest(state, self.state):
                raise SignInError(
                    _(
                        "This address belongs to another sign-in (its state does not match). "
                        "Use the address of the sign-in you just started."
                    ),
                    code="bad_state",
                )
            if params.get("error"):
                raise SignInError(
                    _("The sign-in was not completed: {why}").format(
                        why=params.get("error_description") or params["error"]
                    ),
                    code="signin_denied",
                )
            code = params.get("code", "")
            if not code:
                raise SignInError(
                    _("The address has no code. Copy the whole address the browser shows."),
                    code="no_code",
                )
            return code
        if any(c.isspace() for c in text):
            raise SignInError(_("That does not look like a code."), code="no_code")
        return text

    def cancel(self) -> None:
        """Stop waiting for the browser (:meth:`wait` raises ``signin_cancelled``)."""
        if self.listener is not None:
            self.listener.cancel()

    def _complete(self, code: str) -> SignInResult:
        with self._finishing:
            if self._result is not None:
                return self._result
            tokens = self.provider.exchange(
                self.app, code, self.redirect_uri, self.verifier, self.clock.now()
            )
            self._result = self._discover(tokens)
            return self._result

    def _discover(self, tokens: TokenSet) -> SignInResult:
        result = SignInResult(self.provider.key, tokens, grant_key(self.provider.key))
        errors: list[NetworkError] = []
        seen: set[tuple[str, str]] = set()
        for network in self.provider.networks:
            try:
                found = self.discover(network, tokens)
            except NetworkError as exc:
                log.info("discovering %s accounts failed: %s", network, type(exc).__name__)
                errors.append(exc)
                result.problems.append(
                    _("{network}: {why}").format(network=network, why=exc.user_message or exc)
                )
                continue
            for account in found:
                if (account.network, account.remote_id) in seen:
                    continue
                seen.add((account.network, account.remote_id))
                result.accounts.append(account)  # missing_scopes: the network's own judgement
        if not result.accounts and errors:
            raise errors[0]
        return result

    # -- finishing later (command line) ----------------------------------------------
    def save_pending(self, credentials: CredentialStore) -> None:
        """Keep what is needed to finish with :meth:`resume` (state, PKCE verifier,
        redirect URI) in the keyring for :data:`PENDING_SECONDS`."""
        data = {
            "state": self.state,
            "verifier": self.verifier,
            "redirect_uri": self.redirect_uri,
            "port": self.port,
            "started_at": self.clock.now().isoformat(),
        }
        credentials.set(pending_user(self.provider.key), json.dumps(data))

    @classmethod
    def resume(
        cls,
        provider: str,
        apps: DeveloperApps,
        credentials: CredentialStore,
        *,
        clock: Clock | None = None,
        discover: Discoverer = discover_accounts,
    ) -> SignInFlow:
        """The sign-in last started with :meth:`save_pending`, to :meth:`finish`.

        Raises SignInError ``no_pending`` when there is none or it is too old.
        """
        clock = clock or SystemClock()
        user = pending_user(provider)
        try:
            data = json.loads(credentials.get(user))
            started = datetime.fromisoformat(data["started_at"])
        except (CredentialsError, ValueError, KeyError, TypeError):
            data, started = None, None
        if (
            data is None
            or started is None
            or (clock.now() - started > timedelta(seconds=PENDING_SECONDS))
        ):
            raise SignInError(
                _(
                    "There is no recent sign-in to finish. Run “pregonero account connect "
                    "NETWORK” again and use the new address."
                ),
                code="no_pending",
            )
        flow = cls(provider, apps, clock=clock, discover=discover, port=int(data["port"]))
        flow.state = str(data["state"])
        flow.verifier = data.get("verifier")
        flow.redirect_uri = str(data["redirect_uri"])
        return flow

    @staticmethod
    def forget_pending(provider: str, credentials: CredentialStore) -> None:
        """Delete the saved pending sign-in of ``provider`` (no error if none)."""
        try:
            credentials.delete(pending_user(provider))
        except AppError:
            pass


def pending_user(provider: str) -> str:
    """Keyring user of a pending command-line sign-in."""
    return f"pending:{provider}"
