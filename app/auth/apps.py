"""Developer apps: the body's own app on each network, and how to create it.

The client ID is not secret: it is kept in the settings table
(``app_<provider>_client_id``); the client secret goes to the keyring only, under
``app:<provider>:client_secret``. The scopes to request can be changed per provider
(``app_<provider>_scopes``; empty = the defaults of :mod:`app.auth.providers`), since
what a network grants depends on the products the app was approved for.
The fixed loopback port registered with X, LinkedIn and Meta is ``signin_port``.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.auth.providers import DEFAULT_PORT, PROVIDERS, DeveloperApp, provider_class
from app.errors import CredentialsError, ValidationError
from app.i18n import _
from app.secrets import CredentialStore
from app.settings import Option
from app.storage.repository import Store

SIGNIN_PORT = Option(
    "signin_port",
    str(DEFAULT_PORT),
    "Loopback port the browser returns to after signing in to X, LinkedIn or Facebook; "
    "it must match the redirect URI registered in each developer app.",
)
SIGNIN_TIMEOUT = Option(
    "signin_timeout_seconds", "300", "How long a browser sign-in waits for the answer (s)."
)
EXPIRY_WARNING_DAYS = Option(
    "expiry_warning_days",
    "7",
    "Warn this many days before a connection that cannot be renewed by itself expires "
    "(LinkedIn after 60 days, the Facebook sign-in after about 60 days).",
)


def client_id_key(provider: str) -> str:
    """Settings key of ``provider``'s client ID."""
    return f"app_{provider}_client_id"


def scopes_key(provider: str) -> str:
    """Settings key of ``provider``'s scope list (space-separated; empty = defaults)."""
    return f"app_{provider}_scopes"


def secret_user(provider: str) -> str:
    """Keyring user of ``provider``'s client secret."""
    return f"app:{provider}:client_secret"


class DeveloperApps:
    """Read and save the developer apps of every provider."""

    def __init__(self, store: Store, credentials: CredentialStore) -> None:
        self.store = store
        self.credentials = credentials

    def client_id(self, provider: str) -> str:
        """The client ID of ``provider`` ("" when not set up)."""
        return (self.store.get_setting(client_id_key(provider)) or "").strip()

    def has_secret(self, provider: str) -> bool:
        """True when a client secret of ``provider`` is in the keyring."""
        try:
            self.credentials.get(secret_user(provider))
        except CredentialsError:
            return False
        return True

    def scopes(self, provider: str) -> tuple[str, ...]:
        """The scopes to request from ``provider``."""
        custom = (self.store.get_setting(scopes_key(provider)) or "").replace(",", " ").split()
        return tuple(custom) or provider_class(provider).default_scopes

    def port(self) -> int:
        """The fixed loopback port (``signin_port``)."""
        try:
            port = int(self.store.get_setting(SIGNIN_PORT.key) or SIGNIN_PORT.default)
        except ValueError:
            return DEFAULT_PORT
        return port if 1024 <= port <= 65535 else DEFAULT_PORT

    def timeout(self) -> float:
        """Seconds a sign-in waits for the browser."""
        try:
            return max(30.0, float(self.store.get_setting(SIGNIN_TIMEOUT.key) or 300))
        except ValueError:
            return 300.0

    def is_set_up(self, provider: str) -> bool:
        """True when ``provider`` has what a sign-in needs."""
        if not self.client_id(provider):
            return False
        return self.has_secret(provider) or not provider_class(provider).secret_required

    def get(self, provider: str) -> DeveloperApp:
        """The app of ``provider`` with its secret. Raises ValidationError when it is not
        set up, CredentialsError when the keyring cannot be read."""
        cls = provider_class(provider)
        client_id = self.client_id(provider)
        secret: str | None = None
        if client_id:
            try:
                secret = self.credentials.get(secret_user(provider))
            except CredentialsError:
                self.credentials.check()  # a broken keyring is its own error
                secret = None
        if not client_id or (cls.secret_required and not secret):
            if cls.secret_required:
                message = _(
                    "Set up your {network} developer app first: Settings → Developer apps "
                    "(client ID and secret)."
                )
            else:
                message = _(
                    "Set up your {network} developer app first: Settings → Developer apps "
                    "(client ID)."
                )
            raise ValidationError(message.format(network=cls.label), code="app_not_set_up")
        return DeveloperApp(client_id, secret)

    def save(
        self,
        provider: str,
        client_id: str,
        secret: str | None = None,
        scopes: str | None = None,
    ) -> None:
        """Store ``provider``'s client ID; ``secret``: None = keep, "" = forget, else
        replace (keyring); ``scopes``: None = keep, else space-separated ("" = defaults).
        Raises ValidationError (bad input), CredentialsError (keyring)."""
        provider_class(provider)
        client_id = client_id.strip()
        if any(c.isspace() for c in client_id):
            raise ValidationError(
                _("A client ID has no spaces; copy it again from the developer site."),
                code="bad_client_id",
            )
        if secret is not None:
            secret = secret.strip()
            if secret:
                self.credentials.set(secret_user(provider), secret)
            else:
                self.credentials.delete(secret_user(provider))
        self.store.set_setting(client_id_key(provider), client_id)
        if scopes is not None:
            self.store.set_setting(scopes_key(provider), " ".join(scopes.replace(",", " ").split()))


@dataclass(frozen=True)
class Guide:
    """How to create the developer app of a provider, for the in-app guide.

    ``redirect_uri`` is the exact value to register ("" when none is needed);
    ``permissions`` the scopes to ask for; ``steps`` short sentences, in order.
    """

    provider: str
    title: str
    site_url: str
    steps: tuple[str, ...]
    redirect_uri: str
    permissions: tuple[str, ...]
    note: str = ""


def guide(provider: str, port: int = DEFAULT_PORT, scopes: tuple[str, ...] = ()) -> Guide:
    """The guide of ``provider`` for the loopback ``port`` (see :data:`SIGNIN_PORT`)."""
    cls = provider_class(provider)
    scopes = scopes or cls.default_scopes
    redirect = cls.redirect_uri(port) if cls.fixed_port else ""
    steps: tuple[str, ...]
    if provider == "meta":
        steps = (
            _("Open Meta for Developers → My Apps and create an app of type “Business”."),
            _("Add the product “Facebook Login for Business” (or “Facebook Login”)."),
            _(
                "In Facebook Login → Settings, add the redirect URI below to “Valid OAuth "
                "Redirect URIs” exactly as shown, and save."
            ),
            _(
                "For Instagram, link the Instagram professional account to the Facebook Page "
                "and add the Instagram Graph API use case."
            ),
            _("In App settings → Basic, copy the App ID and the App secret here."),
        )
        note = _(
            "People who sign in must have a role on the app (administrator, developer or "
            "tester) and manage the Pages. The sign-in lasts about 60 days; Pregonero warns "
            "you before it ends."
        )
        title = _("Facebook and Instagram (Meta app)")
    elif provider == "x":
        steps = (
            _("Open the X Developer Portal → Projects & Apps and select (or create) your app."),
            _(
                "In “User authentication settings”, turn on OAuth 2.0; app permissions “Read "
                "and write”; type of app “Web App, Automated App or Bot” (or “Native App”, "
                "which has no secret)."
            ),
            _("Enter the callback URI below exactly as shown, and any website URL."),
            _("Under “Keys and tokens”, copy the OAuth 2.0 Client ID (and Client Secret) here."),
        )
        note = _("X signs you out after 2 hours; Pregonero renews the connection by itself.")
        title = _("X")
    elif provider == "linkedin":
        steps = (
            _(
                "Open LinkedIn Developers → Create app, and link it to your organization's "
                "LinkedIn Page."
            ),
            _(
                "Under Products, add “Sign In with LinkedIn using OpenID Connect” and “Share "
                "on LinkedIn”; for posting as the organization also request the “Community "
                "Management API”."
            ),
            _("Under Auth, add the redirect URL below to “Authorized redirect URLs”."),
            _("Copy the Client ID and the Primary Client Secret here."),
        )
        note = _(
            "Without the Community Management API, set the permissions to “openid profile "
            "w_member_social” (member posts only). A LinkedIn connection lasts 60 days; "
            "Pregonero warns you before it ends."
        )
        title = _("LinkedIn")
    else:
        steps = (
            _("Open the Google Cloud console and create a project for Pregonero."),
            _("In APIs & Services → Library, enable the “YouTube Data API v3”."),
            _(
                "In the OAuth consent screen, choose “External”, fill in the app name and add "
                "the people who will sign in as test users (or publish the app)."
            ),
            _(
                "In Credentials → Create credentials → OAuth client ID, choose “Desktop app”, "
                "and copy the client ID and secret here. No redirect URI is needed."
            ),
        )
        note = _(
            "While the consent screen is in “Testing”, Google ends the connection after 7 "
            "days. Videos uploaded by an unverified project stay private until Google "
            "audits it."
        )
        title = _("YouTube (Google)")
    return Guide(provider, title, cls.site_url, steps, redirect, tuple(scopes), note)


def all_providers() -> list[str]:
    """Provider keys in the order they are shown."""
    return list(PROVIDERS)
