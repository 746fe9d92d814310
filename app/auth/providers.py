"""The four sign-in providers and what each one's OAuth 2 dialect needs.

=========  ==================  =====  ===========================  =====================
provider   networks            PKCE   redirect                     refresh
=========  ==================  =====  ===========================  =====================
meta       facebook, instagram  no    fixed port, exact match      none: 60-day user token
x          x                    S256  fixed port, 127.0.0.1        2 h token, rotating
linkedin   linkedin             no    fixed port, exact match      only if LinkedIn allows
google     youtube              S256  any loopback port            1 h token, refresh
=========  ==================  =====  ===========================  =====================

Contract: shared docs/platforms.md (sections 1.1, 3.1, 4.1, 5.1). Every endpoint of a
provider can be pointed at a local fake with the environment variable
``PREGONERO_<PROVIDER>_AUTH`` (``PREGONERO_META_AUTH``, ``PREGONERO_X_AUTH``,
``PREGONERO_LINKEDIN_AUTH``, ``PREGONERO_GOOGLE_AUTH``): its scheme and host replace
those of every default URL, the paths stay (tests only).

Token calls go through :class:`app.networks.http.HttpClient` (proxy and certificate
settings, secrets masked in logs, transport errors mapped). A lost answer to a token
call is :class:`~app.errors.Transient`, never a dead token. On a refresh, an OAuth
error answer (``invalid_grant``, X's ``invalid_request``, 400/401) is
:class:`~app.errors.AuthExpired`: the user must sign in again.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit, urlunsplit

import requests
from authlib.common.urls import add_params_to_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from app.errors import AuthExpired, NetworkError, Rejected, ValidationError
from app.i18n import _
from app.networks.base import TokenSet
from app.networks.http import HttpClient

log = logging.getLogger(__name__)

GRAPH_VERSION = "v25.0"
DEFAULT_PORT = 8765
"""The fixed loopback port registered with X, LinkedIn and Meta (a setting)."""


@dataclass(frozen=True)
class DeveloperApp:
    """The body's own app on a provider: its client ID and (maybe) secret."""

    client_id: str
    client_secret: str | None = None

    def __repr__(self) -> str:  # never show the secret
        return f"<DeveloperApp {self.client_id} secret={'yes' if self.client_secret else 'no'}>"


def _expires(now: datetime, seconds: object) -> datetime | None:
    try:
        value = int(str(seconds))
    except (TypeError, ValueError):
        return None
    return now + timedelta(seconds=value) if value > 0 else None


def _scopes(value: object) -> frozenset[str]:
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    if not isinstance(value, str):
        return frozenset()
    return frozenset(s for s in value.replace(",", " ").split() if s)


def token_set(data: Mapping[str, Any], now: datetime, label: str) -> TokenSet:
    """A TokenSet from a standard token response (``expires_in`` etc. in seconds).

    Raises Rejected when the answer has no ``access_token``.
    """
    access = data.get("access_token")
    if not isinstance(access, str) or not access:
        raise Rejected(
            _("{network} answered the sign-in without an access token.").format(network=label),
            code="no_access_token",
        )
    refresh = data.get("refresh_token")
    return TokenSet(
        access_token=access,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        expires_at=_expires(now, data.get("expires_in")),
        refresh_expires_at=_expires(now, data.get("refresh_token_expires_in")),
        scopes=_scopes(data.get("scope")),
    )


def _error_text(response: requests.Response) -> tuple[str, str]:
    """(error code, human text) from an OAuth or Graph error body; ("", "") if none."""
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    error = body.get("error")
    if isinstance(error, dict):  # Graph envelope
        return str(error.get("code", "")), str(error.get("message", ""))
    if isinstance(error, str):
        return error, str(body.get("error_description") or error)
    if "serviceErrorCode" in body or "message" in body:  # LinkedIn REST envelope
        return str(body.get("serviceErrorCode", "")), str(body.get("message", ""))
    return "", ""


class Provider:
    """One sign-in provider. Subclasses set the class attributes and may override
    :meth:`exchange` / :meth:`refresh`."""

    key: ClassVar[str]
    label: ClassVar[str]
    networks: ClassVar[tuple[str, ...]]
    authorize_url: ClassVar[str]
    token_url: ClassVar[str]
    default_scopes: ClassVar[tuple[str, ...]]
    scope_separator: ClassVar[str] = " "
    pkce: ClassVar[bool] = False
    fixed_port: ClassVar[bool] = True
    redirect_host: ClassVar[str] = "127.0.0.1"
    extra_authorize: ClassVar[tuple[tuple[str, str], ...]] = ()
    secret_required: ClassVar[bool] = True
    refreshable: ClassVar[bool] = True
    site_url: ClassVar[str] = ""

    def __init__(self, timeout: float = 30.0) -> None:
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<Provider {self.key}>"

    # -- URLs --------------------------------------------------------------------------
    @classmethod
    def override(cls) -> str | None:
        """``PREGONERO_<KEY>_AUTH`` (testing aid), or None."""
        return os.environ.get(f"PREGONERO_{cls.key.upper()}_AUTH") or None

    @classmethod
    def endpoint(cls, url: str) -> str:
        """``url`` with scheme and host replaced by the override, if any."""
        base = cls.override()
        if not base:
            return url
        target, original = urlsplit(base.rstrip("/")), urlsplit(url)
        return urlunsplit(
            (target.scheme, target.netloc, target.path + original.path, original.query, "")
        )

    @classmethod
    def redirect_uri(cls, port: int) -> str:
        """The redirect URI for a listener on ``port`` (what must be registered)."""
        return f"http://{cls.redirect_host}:{port}/callback"

    def authorization_url(
        self,
        app: DeveloperApp,
        redirect_uri: str,
        state: str,
        scopes: tuple[str, ...],
        verifier: str | None,
    ) -> str:
        """The URL to open in the browser."""
        params: list[tuple[str, str]] = [
            ("response_type", "code"),
            ("client_id", app.client_id),
            ("redirect_uri", redirect_uri),
            ("scope", self.scope_separator.join(scopes)),
            ("state", state),
        ]
        if self.pkce and verifier:
            params += [
                ("code_challenge", create_s256_code_challenge(verifier)),
                ("code_challenge_method", "S256"),
            ]
        params += list(self.extra_authorize)
        return str(add_params_to_uri(self.endpoint(self.authorize_url), params))

    # -- token calls -------------------------------------------------------------------
    def _client(self, url: str, secrets: tuple[str | None, ...], refreshing: bool) -> HttpClient:
        parts = urlsplit(url)
        label = self.label

        def classify(response: requests.Response) -> NetworkError | None:
            status = response.status_code
            if status < 400 or status == 429 or status >= 500:
                return None
            code, text = _error_text(response)
            if refreshing:
                return AuthExpired(
                    _("{network} no longer accepts this sign-in; reconnect the account.").format(
                        network=label
                    ),
                    user_message=text,
                    code=code or f"http_{status}",
                )
            if code in ("invalid_client", "unauthorized_client") or status == 401:
                return Rejected(
                    _(
                        "{network} did not accept the developer app's client ID or secret. "
                        "Check them in Settings → Developer apps."
                    ).format(network=label),
                    user_message=text,
                    code=code or "invalid_client",
                )
            return Rejected(
                _("{network} refused the sign-in: {why}").format(
                    network=label, why=text or _("HTTP {status}").format(status=status)
                ),
                user_message=text,
                code=code or f"http_{status}",
            )

        return HttpClient(
            f"{parts.scheme}://{parts.netloc}",
            timeout=self.timeout,
            classify=classify,
            label=label,
            secrets=tuple(s for s in secrets if s),
        )

    def _post_token(
        self,
        app: DeveloperApp,
        form: dict[str, str],
        secrets: tuple[str | None, ...],
        *,
        refreshing: bool,
    ) -> dict[str, Any]:
        url = self.endpoint(self.token_url)
        http = self._client(url, (*secrets, app.client_secret), refreshing)
        headers = {"Accept": "application/json"}
        form = dict(form)
        self._client_auth(app, form, headers)
        try:
            response = http.request(
                "POST", urlsplit(url).path, data=form, headers=headers, idempotent=True
            )
            return self._json(response)
        finally:
            http.close()

    def _client_auth(
        self, app: DeveloperApp, form: dict[str, str], headers: dict[str, str]
    ) -> None:
        """Client credentials in the body (default)."""
        form["client_id"] = app.client_id
        if app.client_secret:
            form["client_secret"] = app.client_secret

    def _json(self, response: requests.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise Rejected(
                _("{network} gave an answer Pregonero does not understand.").format(
                    network=self.label
                ),
                code="bad_answer",
            )
        return data

    def exchange(
        self, app: DeveloperApp, code: str, redirect_uri: str, verifier: str | None, now: datetime
    ) -> TokenSet:
        """Trade the authorization ``code`` for tokens. Raises Rejected, Transient."""
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if self.pkce and verifier:
            form["code_verifier"] = verifier
        data = self._post_token(app, form, (code, verifier), refreshing=False)
        return token_set(data, now, self.label)

    def refresh(self, app: DeveloperApp, refresh_token: str, now: datetime) -> TokenSet:
        """New tokens from ``refresh_token``. The answer's refresh token, when there is
        one, replaces the old one (X rotates it); otherwise the old one stays valid.

        Raises AuthExpired (the grant is dead), Transient/RateLimited (try later).
        """
        if not self.refreshable:
            raise AuthExpired(
                _("{network} sign-ins cannot be renewed; sign in again.").format(
                    network=self.label
                ),
                code="not_refreshable",
            )
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        data = self._post_token(app, form, (refresh_token,), refreshing=True)
        tokens = token_set(data, now, self.label)
        if tokens.refresh_token is None:
            tokens = TokenSet(
                tokens.access_token,
                refresh_token,
                tokens.expires_at,
                tokens.refresh_expires_at,
                tokens.scopes,
            )
        return tokens


class MetaProvider(Provider):
    """Facebook Login (Pages and the Instagram accounts linked to them).

    The code gives a short-lived user token (``GET /{v}/oauth/access_token``), traded
    at once for a long-lived one (~60 days, ``grant_type=fb_exchange_token``); there is
    no refresh token. The granted permissions come from ``/debug_token``.
    """

    key = "meta"
    label = "Facebook"
    networks = ("facebook", "instagram")
    authorize_url = f"https://www.facebook.com/{GRAPH_VERSION}/dialog/oauth"
    token_url = f"https://graph.facebook.com/{GRAPH_VERSION}/oauth/access_token"
    debug_url = f"https://graph.facebook.com/{GRAPH_VERSION}/debug_token"
    default_scopes = (
        "pages_show_list",
        "pages_manage_posts",
        "pages_read_engagement",
        "pages_manage_engagement",
        "pages_read_user_content",
        "publish_video",
        "instagram_basic",
        "instagram_content_publish",
        "instagram_manage_comments",
    )
    scope_separator = ","
    redirect_host = "localhost"
    refreshable = False
    site_url = "https://developers.facebook.com/apps/"

    def _get(self, url: str, params: dict[str, str], secrets: tuple[str | None, ...]) -> Any:
        url = self.endpoint(url)
        http = self._client(url, secrets, refreshing=False)
        try:
            return self._json(http.get(urlsplit(url).path, params))
        finally:
            http.close()

    def exchange(
        self, app: DeveloperApp, code: str, redirect_uri: str, verifier: str | None, now: datetime
    ) -> TokenSet:
        """Code -> short-lived user token -> long-lived user token (+ granted scopes)."""
        secret = app.client_secret or ""
        short = self._get(
            self.token_url,
            {
                "client_id": app.client_id,
                "client_secret": secret,
                "redirect_uri": redirect_uri,
                "code": code,
            },
            (code, secret),
        )
        short_token = token_set(short, now, self.label).access_token
        data = self._get(
            self.token_url,
            {
                "grant_type": "fb_exchange_token",
                "client_id": app.client_id,
                "client_secret": secret,
                "fb_exchange_token": short_token,
            },
            (short_token, secret),
        )
        long = token_set(data, now, self.label)
        return TokenSet(long.access_token, None, long.expires_at, None, self._granted(app, long))

    def _granted(self, app: DeveloperApp, token: TokenSet) -> frozenset[str]:
        """Permissions of ``token`` per ``/debug_token`` (empty when it cannot tell)."""
        secret = app.client_secret or ""
        app_token = f"{app.client_id}|{secret}"
        try:
            data = self._get(
                self.debug_url,
                {"input_token": token.access_token, "access_token": app_token},
                (token.access_token, secret, app_token),
            )
        except NetworkError as exc:
            log.info("debug_token not available (%s); permissions unknown", type(exc).__name__)
            return token.scopes
        info = data.get("data") if isinstance(data, dict) else None
        return _scopes(info.get("scopes")) if isinstance(info, dict) else token.scopes


class XProvider(Provider):
    """X OAuth 2.0 with PKCE; the code expires after 30 s; refresh tokens rotate.

    A confidential client (a secret is set) authenticates with HTTP Basic; a public
    one sends ``client_id`` in the body.
    """

    key = "x"
    label = "X"
    networks = ("x",)
    authorize_url = "https://x.com/i/oauth2/authorize"
    token_url = "https://api.x.com/2/oauth2/token"
    default_scopes = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")
    pkce = True
    secret_required = False
    site_url = "https://developer.x.com/en/portal/projects-and-apps"

    def _client_auth(
        self, app: DeveloperApp, form: dict[str, str], headers: dict[str, str]
    ) -> None:
        if app.client_secret:
            pair = f"{quote(app.client_id, safe='')}:{quote(app.client_secret, safe='')}"
            headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        else:
            form["client_id"] = app.client_id


class LinkedInProvider(Provider):
    """LinkedIn's standard (confidential) flow: client secret, exact redirect URL,
    60-day access token; a refresh token only for apps LinkedIn approved for it."""

    key = "linkedin"
    label = "LinkedIn"
    networks = ("linkedin",)
    authorize_url = "https://www.linkedin.com/oauth/v2/authorization"
    token_url = "https://www.linkedin.com/oauth/v2/accessToken"
    default_scopes = (
        "openid",
        "profile",
        "w_member_social",
        "w_organization_social",
        "r_organization_social",
        "rw_organization_admin",
    )
    site_url = "https://www.linkedin.com/developers/apps"


class GoogleProvider(Provider):
    """Google OAuth for a desktop client (YouTube): PKCE, any loopback port,
    ``access_type=offline&prompt=consent`` for a refresh token; ``invalid_grant`` =
    the grant is dead (revoked, or 7 days old while the consent screen is in Testing)."""

    key = "google"
    label = "YouTube"
    networks = ("youtube",)
    authorize_url = "https://accounts.google.com/o/oauth2/v2/auth"
    token_url = "https://oauth2.googleapis.com/token"
    default_scopes = (
        "https://www.googleapis.com/auth/youtube.upload",
        "https://www.googleapis.com/auth/youtube.force-ssl",
    )
    pkce = True
    fixed_port = False
    extra_authorize = (("access_type", "offline"), ("prompt", "consent"))
    site_url = "https://console.cloud.google.com/apis/credentials"


PROVIDERS: dict[str, type[Provider]] = {
    p.key: p for p in (MetaProvider, XProvider, LinkedInProvider, GoogleProvider)
}


def provider_class(key: str) -> type[Provider]:
    """The provider ``key`` (meta, x, linkedin, google). Raises ValidationError."""
    try:
        return PROVIDERS[key]
    except KeyError:
        raise ValidationError(
            _("Unknown sign-in provider “{key}”.").format(key=key), code="unknown_provider"
        ) from None


def provider_for_network(network: str) -> type[Provider]:
    """The provider whose sign-in yields accounts of ``network``. Raises ValidationError."""
    for cls in PROVIDERS.values():
        if network in cls.networks:
            return cls
    raise ValidationError(
        _("Pregonero cannot sign in to “{network}” through the browser.").format(network=network),
        code="no_signin",
    )


def dumps(tokens: TokenSet) -> str:
    """``tokens`` as the JSON kept in the keyring (a secret: never log it)."""
    return json.dumps(
        {
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_at": tokens.expires_at.isoformat() if tokens.expires_at else None,
            "refresh_expires_at": (
                tokens.refresh_expires_at.isoformat() if tokens.refresh_expires_at else None
            ),
            "scopes": sorted(tokens.scopes),
        }
    )


def loads(text: str) -> TokenSet:
    """The TokenSet of :func:`dumps`. Raises ValueError when ``text`` is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or not data.get("access_token"):
        raise ValueError("not a token set")

    def when(key: str) -> datetime | None:
        value = data.get(key)
        return datetime.fromisoformat(value) if isinstance(value, str) and value else None

    return TokenSet(
        access_token=str(data["access_token"]),
        refresh_token=data.get("refresh_token") or None,
        expires_at=when("expires_at"),
        refresh_expires_at=when("refresh_expires_at"),
        scopes=frozenset(data.get("scopes") or ()),
    )
