"""Downloading the photos an import names by ``http(s)`` address, safely.

Each address is fetched once into a cache folder (``<data>/cache/downloads``, files
named by the SHA-256 of the address), with a connect and read timeout and a size cap
checked both on ``Content-Length`` and while reading, so a wrong link to a video or an
endless stream cannot fill the disk. Proxy and CA settings come from the environment
as ``requests`` reads them. Cached files older than a week are removed.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import requests

from app.i18n import _

#: Largest photo downloaded (bytes): above every network's image limit.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
CACHE_DAYS = 7
CHUNK = 64 * 1024


class FetchError(Exception):
    """A download that failed; ``message`` is translated and names the address."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def name_from_url(url: str) -> str:
    """A file name for the photo at ``url`` (its last path segment, else ``image``)."""
    segment = PurePosixPath(unquote(urlsplit(url).path)).name
    return segment or "image"


class MediaFetcher:
    """Fetches ``http(s)`` media into ``cache_dir``; sizes in bytes, timeouts in seconds."""

    def __init__(
        self,
        cache_dir: Path,
        *,
        max_bytes: int = MAX_DOWNLOAD_BYTES,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        session: requests.Session | None = None,
    ) -> None:
        self.cache_dir = cache_dir
        self.max_bytes = max_bytes
        self.timeout = (connect_timeout, read_timeout)
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", "Pregonero/0.1 (import)")
        cache_dir.mkdir(parents=True, exist_ok=True)
        self._prune()

    def _prune(self) -> None:
        limit = time.time() - CACHE_DAYS * 86400
        for path in self.cache_dir.glob("*"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                continue

    def path_for(self, url: str) -> Path:
        """Where the download of ``url`` is (or will be) cached."""
        return self.cache_dir / hashlib.sha256(url.encode("utf-8")).hexdigest()

    def fetch(self, url: str) -> Path:
        """The local copy of ``url``, downloading it if needed. Raises FetchError."""
        dest = self.path_for(url)
        if dest.exists():
            return dest
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise FetchError(_("“{url}” is not an http:// or https:// address.").format(url=url))
        mb = self.max_bytes // (1024 * 1024)
        error: str | None = None
        try:
            with self.session.get(url, stream=True, timeout=self.timeout) as response:
                if response.status_code != 200:
                    error = _("Could not download {url}: the server answered {status}.").format(
                        url=url, status=response.status_code
                    )
                elif int(response.headers.get("Content-Length") or 0) > self.max_bytes:
                    error = _("{url} is larger than {mb} MB; not downloaded.").format(
                        url=url, mb=mb
                    )
                else:
                    error = self._save(response, dest, url, mb)
        except requests.Timeout:
            error = _("Could not download {url}: the server took too long.").format(url=url)
        except requests.ConnectionError:
            error = _("Could not download {url}: no connection to the server.").format(url=url)
        except requests.RequestException:
            error = _("Could not download {url}.").format(url=url)
        except OSError as exc:
            error = _("Could not save the download of {url}: {why}").format(
                url=url, why=exc.strerror or exc
            )
        if error is not None:
            raise FetchError(error)
        return dest

    def _save(self, response: requests.Response, dest: Path, url: str, mb: int) -> str | None:
        part = dest.with_suffix(".part")
        size = 0
        with part.open("wb") as fh:
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    break
                fh.write(chunk)
        if size > self.max_bytes:
            part.unlink(missing_ok=True)
            return _("{url} is larger than {mb} MB; not downloaded.").format(url=url, mb=mb)
        part.replace(dest)
        return None
