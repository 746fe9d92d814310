"""Checks on links: well formed, public (no local or intranet address), and reachable.

Reachability is only tested when asked (``online=True``), through a ``fetch`` function
``(url, timeout_seconds) -> LinkStatus``. The default, :func:`http_fetch`, never
connects to a local or private address; tests that serve pages on 127.0.0.1 inject
``functools.partial(http_fetch, allow_local=True)``. There is no user-facing switch.
Reachability can take up to ``timeout`` seconds per link (links are tried in
parallel): callers in the UI run it off the UI thread.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

import requests

from app.checks.model import ERROR, WARNING, Finding
from app.checks.textutil import url_spans
from app.i18n import _

DEFAULT_TIMEOUT = 5.0
"""Seconds to wait for a link to answer (connect and read each)."""

LOCAL_SUFFIXES = (
    ".localhost",
    ".local",
    ".internal",
    ".intranet",
    ".lan",
    ".home",
    ".corp",
    ".localdomain",
    ".home.arpa",
    ".test",
    ".invalid",
)
"""Host name endings that never resolve on the public internet (RFC 6761, 6762, 8375...)."""

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_BAD_SCHEME = re.compile(
    r"(?i)\b(?:h?tt?ps?:/(?!/)|h?tt?ps?//|htps?://|htp://|https?:///)[^\s<>\"]*"
)
_USER_AGENT = "Pregonero-link-check/1"


@dataclass(frozen=True)
class LinkStatus:
    """What fetching a link gave.

    ``checked`` is False when the fetcher refused to try (a local address);
    ``status`` is the final HTTP status after redirects, ``None`` without an answer;
    ``reason`` a short technical reason when there was no answer ("timed out").
    """

    checked: bool
    status: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when the link answered below 400."""
        return self.status is not None and self.status < 400


Fetch = Callable[[str, float], LinkStatus]
"""``fetch(url, timeout_seconds) -> LinkStatus``: how reachability is tested."""


@dataclass(frozen=True)
class Link:
    """A link to check: its ``url`` as written, where it is (``field``, ``span``)."""

    url: str
    field: str
    span: tuple[int, int] | None


def find_links(text: str, link: str | None = None) -> list[Link]:
    """The post's ``link`` field (if any) and every URL written in ``text``."""
    found = []
    if link is not None and link.strip():
        found.append(Link(link.strip(), "link", None))
    found.extend(Link(text[s:e], "text", (s, e)) for s, e in url_spans(text))
    return found


def _absolute(url: str) -> str:
    return "http://" + url if url.lower().startswith("www.") else url


def host_of(url: str) -> str | None:
    """The lower-case host of a well-formed ``url`` (``www.`` URLs count), else None."""
    url = _absolute(url)
    if any(c.isspace() for c in url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return None
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if _ip(host) is not None:
        return host
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        return None
    return host.rstrip(".")


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _ip_is_local(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
        or ip.is_multicast
    )


def is_local_host(host: str) -> bool:
    """True for hosts people outside the office cannot reach: ``localhost``, private,
    loopback and link-local IPs, single-label names (``intranet``) and the endings in
    :data:`LOCAL_SUFFIXES`."""
    host = host.lower().rstrip(".")
    ip = _ip(host)
    if ip is not None:
        return _ip_is_local(ip)
    return host == "localhost" or "." not in host or host.endswith(LOCAL_SUFFIXES)


def http_fetch(url: str, timeout: float, *, allow_local: bool = False) -> LinkStatus:
    """Ask ``url`` for its status: HEAD, then GET when HEAD is refused; redirects followed.

    Unless ``allow_local`` (for tests only), a host that is or resolves to a local
    address is not contacted: ``LinkStatus(checked=False)``.
    """
    url = _absolute(url)
    host = urlsplit(url).hostname or ""
    if not allow_local:
        if is_local_host(host):
            return LinkStatus(checked=False, reason="local address")
        try:
            infos = socket.getaddrinfo(host, None)
        except OSError as exc:
            return LinkStatus(
                checked=True,
                reason=_("the name {host} does not exist ({err})").format(
                    host=host, err=exc.strerror or exc
                ),
            )
        if any(_ip_is_local(ipaddress.ip_address(str(info[4][0]).split("%")[0])) for info in infos):
            return LinkStatus(checked=False, reason="resolves to a local address")
    headers = {"User-Agent": _USER_AGENT}
    try:
        with requests.Session() as session:
            response = session.head(url, timeout=timeout, allow_redirects=True, headers=headers)
            if response.status_code in (403, 405, 501):
                response = session.get(
                    url, timeout=timeout, allow_redirects=True, headers=headers, stream=True
                )
                response.close()
            return LinkStatus(checked=True, status=response.status_code)
    except requests.Timeout:
        return LinkStatus(
            checked=True, reason=_("no answer within {s:g} seconds").format(s=timeout)
        )
    except requests.exceptions.SSLError:
        return LinkStatus(checked=True, reason=_("its security certificate is not valid"))
    except requests.TooManyRedirects:
        return LinkStatus(checked=True, reason=_("it redirects too many times"))
    except requests.ConnectionError:
        return LinkStatus(checked=True, reason=_("no connection to the server"))
    except requests.RequestException as exc:
        return LinkStatus(checked=True, reason=type(exc).__name__)


def _static(link: Link) -> Finding | None:
    host = host_of(link.url)
    if host is None:
        return Finding(
            "link_malformed",
            ERROR,
            _("“{url}” is not a well-formed web address.").format(url=link.url),
            link.span,
            link.field,
        )
    if is_local_host(host):
        return Finding(
            "link_local",
            ERROR,
            _(
                "“{url}” points to {host}, a local or intranet address: people "
                "outside your network cannot open it."
            ).format(url=link.url, host=host),
            link.span,
            link.field,
        )
    return None


def _reach_finding(link: Link, status: LinkStatus) -> Finding | None:
    if not status.checked or status.ok:
        return None
    if status.status is not None and status.status < 500:
        try:
            phrase = HTTPStatus(status.status).phrase
        except ValueError:
            phrase = ""
        return Finding(
            "link_broken",
            ERROR,
            _(
                "“{url}” answers {status} {phrase}: the page does not exist or is not public."
            ).format(url=link.url, status=status.status, phrase=phrase),
            link.span,
            link.field,
        )
    reason = status.reason or f"HTTP {status.status}"
    return Finding(
        "link_unreachable",
        WARNING,
        _("“{url}” could not be opened: {reason}.").format(url=link.url, reason=reason),
        link.span,
        link.field,
    )


def check_links(
    text: str,
    link: str | None = None,
    *,
    online: bool = False,
    fetch: Fetch | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> list[Finding]:
    """Findings for the ``link`` field and the URLs in ``text``.

    Always: ``link_malformed`` (error: not http(s), no host, bad host name or port;
    also "https//..." typos in the text), ``link_local`` (error). When ``online``:
    ``link_broken`` (error, HTTP 4xx after redirects) and ``link_unreachable`` (warning:
    5xx, timeout, no connection), fetching each distinct well-formed URL once with
    ``fetch`` (default :func:`http_fetch`) and ``timeout`` seconds.
    """
    links = find_links(text, link)
    findings = []
    well_formed: list[Link] = []
    for item in links:
        finding = _static(item)
        if finding is not None:
            findings.append(finding)
        if finding is None or finding.code == "link_local":
            well_formed.append(item)
    taken = [f.span for f in findings if f.span] + [lk.span for lk in links if lk.span]
    for m in _BAD_SCHEME.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            findings.append(
                Finding(
                    "link_malformed",
                    ERROR,
                    _("“{url}” is not a well-formed web address.").format(url=m.group()),
                    m.span(),
                    "text",
                )
            )
    if online and well_formed:
        findings.extend(_reachability(well_formed, fetch or http_fetch, timeout))
    return findings


def _reachability(links: Sequence[Link], fetch: Fetch, timeout: float) -> list[Finding]:
    urls = list(dict.fromkeys(_absolute(lk.url) for lk in links))
    with ThreadPoolExecutor(max_workers=min(8, len(urls))) as pool:
        statuses = dict(zip(urls, pool.map(lambda u: fetch(u, timeout), urls), strict=True))
    findings = []
    for item in links:
        finding = _reach_finding(item, statuses[_absolute(item.url)])
        if finding is not None:
            findings.append(finding)
    return findings
