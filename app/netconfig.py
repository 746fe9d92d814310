"""How Pregonero reaches the Internet from a corporate network (issue 3, point 7).

Public administrations often sit behind an HTTPS proxy that inspects TLS with its own
certificate authority, installed in the operating system's certificate store but not in
the CA bundle that ships with ``requests``. Two settings cover it:

* the proxy: empty = whatever the system or the environment says (``HTTPS_PROXY``,
  ``NO_PROXY``, the Windows/macOS proxy settings, read by ``requests``), or an explicit
  URL such as ``http://proxy.example.org:8080``;
* the certificates: the OS certificate store through ``truststore`` (default on) or the
  bundle that ships with ``requests`` (certifi).

:func:`apply_to_session` is called by every :class:`app.networks.http.HttpClient` and by
the sign-in code, so every HTTP call honours the current :data:`CONFIG`;
:func:`configure` changes it (the application context calls it at start-up and when the
settings change).
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from app.errors import ValidationError
from app.i18n import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class NetConfig:
    """``proxy``: "" = system/environment, else a proxy URL (``http(s)://host:port``).
    ``system_certificates``: verify TLS with the OS certificate store (truststore)."""

    proxy: str = ""
    system_certificates: bool = True


CONFIG = NetConfig()
_lock = threading.Lock()

PROXY_KEY = "proxy_url"
"""Settings key: "" = system/environment proxy, else the proxy URL."""
SYSTEM_CERTIFICATES_KEY = "system_certificates"
"""Settings key: "1" (default) = verify TLS with the OS certificate store, "0" = certifi."""


def from_settings(get: Callable[[str], str | None]) -> NetConfig:
    """The configuration stored in the settings (``get(key)`` returns a stored value)."""
    proxy = (get(PROXY_KEY) or "").strip()
    system = (get(SYSTEM_CERTIFICATES_KEY) or "1").strip().lower() not in ("0", "false", "no")
    return NetConfig(proxy=proxy, system_certificates=system)


def check_proxy(url: str) -> str:
    """``url`` stripped, or "" ; raises ValidationError if it is not a usable proxy URL."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url if "://" in url else "http://" + url)
    if parts.scheme not in ("http", "https", "socks5", "socks5h") or not parts.hostname:
        raise ValidationError(
            _(
                "“{url}” is not a proxy address; write it like http://proxy.example.org:8080."
            ).format(url=url),
            code="bad_proxy",
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise ValidationError(
            _("The port of the proxy “{url}” is not a number.").format(url=url), code="bad_proxy"
        ) from None
    return parts.geturl()


def configure(config: NetConfig) -> None:
    """Use ``config`` for every session set up from now on."""
    global CONFIG
    with _lock:
        CONFIG = config


def current() -> NetConfig:
    """The configuration in force."""
    return CONFIG


def system_ssl_context() -> ssl.SSLContext:
    """An SSL context that verifies with the operating system's certificate store.

    Falls back to Python's default context (certifi through ``requests``) when
    ``truststore`` is not usable on this system.
    """
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except Exception as exc:  # noqa: BLE001 - e.g. an old OS: keep working with certifi
        log.warning("system certificate store not usable (%s); using the bundled CAs", exc)
        return ssl.create_default_context()


class SystemTrustAdapter(HTTPAdapter):
    """A ``requests`` adapter that verifies servers with the OS certificate store.

    Only when ``verify`` is left at True: an explicit CA bundle (``verify="path"``,
    ``REQUESTS_CA_BUNDLE``) or ``verify=False`` keep their meaning.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.ssl_context = system_ssl_context()
        super().__init__(**kwargs)

    def build_connection_pool_key_attributes(  # noqa: D102 - requests' documented hook
        self, request: Any, verify: Any, cert: Any = None
    ) -> tuple[Any, Any]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        if verify is True and host_params.get("scheme") == "https":
            pool_kwargs["ssl_context"] = self.ssl_context
            pool_kwargs.pop("ca_certs", None)
            pool_kwargs.pop("ca_cert_dir", None)
        return host_params, pool_kwargs


def apply_to_session(session: requests.Session, config: NetConfig | None = None) -> None:
    """Set ``session``'s proxy and certificate verification from ``config`` (default: the
    current one). The environment (``HTTPS_PROXY``...) still applies when no proxy is set."""
    config = config or CONFIG
    session.trust_env = True
    if config.proxy:
        session.proxies.update({"http": config.proxy, "https": config.proxy})
    if config.system_certificates:
        session.mount("https://", SystemTrustAdapter())


def new_session(config: NetConfig | None = None) -> requests.Session:
    """A ``requests.Session`` set up with :func:`apply_to_session`."""
    session = requests.Session()
    apply_to_session(session, config)
    return session
