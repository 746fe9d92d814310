"""YouTube's resumable upload protocol, in constant memory, surviving restarts.

Protocol: https://developers.google.com/youtube/v3/guides/using_resumable_upload_protocol
(shared docs/platforms.md §5.2):

1. ``POST /upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`` with
   ``X-Upload-Content-Length``/``X-Upload-Content-Type`` and the JSON video resource ->
   200 and ``Location`` = the session URI.
2. ``PUT <session URI>`` chunks with ``Content-Range: bytes a-b/total`` (each chunk but the
   last a multiple of 256 KiB) -> 308 ``Range: bytes=0-N`` until the last -> 200/201 with the
   video resource.
3. After a cut or a 5xx: ``PUT <session URI>`` with an empty body and ``Content-Range:
   bytes */total`` -> 308 with ``Range`` (absent = nothing stored; continue at N+1), or
   200/201 with the video (the final chunk did arrive), or 404/410 (session expired).

What must survive lives in ``post.progress`` (saved at once, see :data:`PROGRESS_KEYS`), so a
new client after an app restart resumes from the byte the server confirms. The file is
sent from disk in blocks (:class:`FileSlice`): memory use does not grow with its size.
"""

from __future__ import annotations

import json
import os
import time
import urllib.parse
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast

import requests

from app.errors import NetworkError, Rejected, Transient, UnknownOutcome
from app.i18n import _
from app.networks.base import OutgoingMedia, Progress
from app.networks.http import HttpClient

UPLOAD_PATH = "upload/youtube/v3/videos"
GRANULARITY = 256 * 1024
"""Every chunk but the last must be a multiple of this many bytes."""
DEFAULT_CHUNK_SIZE = 32 * GRANULARITY
"""8 MiB per PUT: few round trips, and a cut costs at most this much to resend."""
MAX_STALLS = 4
"""Consecutive failed attempts without the server confirming new bytes before giving up
(the delivery is retried later and resumes from ``progress``)."""

PROGRESS_KEYS = (
    "upload_uri",  # session URI (no token in it; it is itself the upload's credential)
    "upload_size",  # bytes of the file the session was opened for
    "upload_file",  # the local file's name, to notice a replaced file
    "upload_offset",  # bytes the server confirmed (next byte to send)
    "upload_started_at",  # ISO UTC when the session was opened
    "upload_final_sent",  # True once the last chunk left: a 404 then is ambiguous
    "video_id",  # set once YouTube created the video: never upload again
)
"""Keys this module keeps in ``Progress.data``."""


class SessionExpired(Transient):
    """The upload session answered 404/410: it expired or was never stored."""


class FileSlice:
    """Bytes ``[start, start + length)`` of ``path``, read in blocks as they are sent.

    ``requests`` sees ``__len__`` (so it sends ``Content-Length``) and iterates it:
    urllib3 then sends ``block``-sized pieces (no ``read`` method on purpose: urllib3
    would read 16 KiB at a time, several times slower for a big video). Single use.
    """

    def __init__(self, path: Path, start: int, length: int, block: int = 1 << 20) -> None:
        self.path, self.start, self.length, self.block = path, start, length, block
        self._left = length
        self._file: IO[bytes] | None = None

    def __len__(self) -> int:
        return self.length

    def read_block(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (``block`` when negative); ``b""`` at the end."""
        if self._left <= 0:
            self.close()
            return b""
        if self._file is None:
            self._file = open(self.path, "rb")  # noqa: SIM115 - closed at the end/close()
            self._file.seek(self.start)
        want = self.block if size is None or size < 0 else size
        data = self._file.read(min(want, self._left))
        if not data:
            self.close()
            raise OSError("media file shrank while uploading")
        self._left -= len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        while chunk := self.read_block(self.block):
            yield chunk

    def close(self) -> None:
        """Close the file if open."""
        if self._file is not None:
            self._file.close()
            self._file = None


def confirmed_bytes(response: requests.Response) -> int:
    """Bytes the server holds from a 308's ``Range: bytes=0-N`` (N+1; 0 when absent)."""
    value = response.headers.get("Range", "")
    if value.startswith("bytes=0-"):
        tail = value[len("bytes=0-") :]
        if tail.isdigit():
            return int(tail) + 1
    return 0


def relative(uri: str) -> str:
    """Path and query of a session URI, to send against the client's base URL (with a
    base URL override every Google host maps to the fake)."""
    split = urllib.parse.urlsplit(uri)
    return split.path.lstrip("/") + (f"?{split.query}" if split.query else "")


class ResumableUpload:
    """Uploads one video file for one delivery; see the module doc.

    ``api`` sends the session POST (the client's normal HTTP, with its classifier);
    ``uploads`` sends the PUTs and must map 404/410 to :class:`SessionExpired`;
    ``headers`` carries ``Authorization``; ``charge`` is called with ``"videos.insert"``
    when a session is opened (quota); ``sleep`` waits between attempts (seconds).
    """

    def __init__(
        self,
        api: HttpClient,
        uploads: HttpClient,
        headers: dict[str, str],
        progress: Progress,
        media: OutgoingMedia,
        *,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        charge: Callable[[str], None] = lambda method: None,
        sleep: Callable[[float], None] = time.sleep,
        label: str = "YouTube",
    ) -> None:
        if chunk_size <= 0 or chunk_size % GRANULARITY:
            raise ValueError("chunk_size must be a positive multiple of 256 KiB")
        self.api, self.uploads, self.headers = api, uploads, headers
        self.progress, self.media = progress, media
        self.chunk_size, self.charge, self.sleep, self.label = chunk_size, charge, sleep, label
        self.size = self._size()

    def _size(self) -> int:
        try:
            return os.stat(self.media.path).st_size
        except OSError:
            pass
        raise Rejected(
            _("The video file {name} cannot be read.").format(name=self.media.path.name),
            code="media_unreadable",
        )

    @property
    def _state(self) -> dict[str, Any]:
        return self.progress.data

    def _save(self, **values: Any) -> None:
        self._state.update(values)
        self.progress.save()

    def _forget_session(self) -> None:
        for key in PROGRESS_KEYS[:-1]:
            self._state.pop(key, None)
        self.progress.save()

    # ------------------------------------------------------------------ run

    def run(self, metadata: dict[str, Any], notify_subscribers: bool = True) -> dict[str, Any]:
        """Upload the file (or resume) and return YouTube's video resource.

        ``metadata`` is the ``{"snippet": ..., "status": ...}`` video resource. Raises
        Rejected / AuthExpired / RateLimited as answered; Transient when the connection
        keeps failing (progress kept: a later call resumes); UnknownOutcome when a session
        whose last chunk was sent has vanished (the video may exist: reconcile).
        """
        restarted = False
        state = self._state
        if state.get("upload_uri") and (
            state.get("upload_size") != self.size
            or state.get("upload_file") != self.media.path.name
        ):
            self._forget_session()  # another file now: its old session is useless
        while True:
            try:
                if not self._state.get("upload_uri"):
                    self._open_session(metadata, notify_subscribers)
                    offset: int | dict[str, Any] = 0
                else:
                    offset = self._query()  # after a restart or an earlier failure
                return offset if isinstance(offset, dict) else self._send_from(offset)
            except SessionExpired:
                if self._state.get("upload_final_sent"):
                    raise UnknownOutcome(
                        _(
                            "The upload to {network} ended without an answer and its session"
                            " is gone, so the video may exist. Pregonero will check before"
                            " uploading it again."
                        ).format(network=self.label),
                        code="session_gone",
                    ) from None
                if restarted:
                    raise
                restarted = True
                self._forget_session()  # expired before the end: nothing was created

    def _open_session(self, metadata: dict[str, Any], notify: bool) -> None:
        params = "uploadType=resumable&part=snippet,status"
        if not notify:
            params += "&notifySubscribers=false"
        body = json.dumps(metadata, ensure_ascii=False).encode("utf-8")
        headers = {
            **self.headers,
            "Content-Type": "application/json; charset=UTF-8",
            "X-Upload-Content-Length": str(self.size),
            "X-Upload-Content-Type": self.media.mime or "application/octet-stream",
        }
        # Opening a session creates nothing visible: a lost answer is safe to redo.
        response = self.api.request(
            "POST",
            f"{UPLOAD_PATH}?{params}",
            data=cast(Any, body),
            headers=headers,
            idempotent=True,
        )
        self.charge("videos.insert")
        location = response.headers.get("Location", "")
        if not location:
            raise Transient(
                _("{network} did not open an upload session; Pregonero will try again.").format(
                    network=self.label
                ),
                code="no_session",
            )
        self._save(
            upload_uri=location,
            upload_size=self.size,
            upload_file=self.media.path.name,
            upload_offset=0,
            upload_started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            upload_final_sent=False,
        )

    def status(self) -> int | dict[str, Any]:
        """The saved session's state: bytes the server holds (the next byte to send), or
        the video resource once complete. Raises SessionExpired (404/410), Transient."""
        return self._query()

    def _query(self) -> int | dict[str, Any]:
        """Ask the session how much it holds: the next byte, or the finished video."""
        stalls = 0
        while True:
            try:
                response = self.uploads.request(
                    "PUT",
                    relative(str(self._state["upload_uri"])),
                    data=cast(Any, b""),
                    headers={**self.headers, "Content-Range": f"bytes */{self.size}"},
                )
            except SessionExpired:
                raise
            except Transient:
                stalls += 1
                if stalls >= MAX_STALLS:
                    raise
                self.sleep(min(30.0, 2.0**stalls))
                continue
            if response.status_code in (200, 201):
                return self._done(response)
            offset = confirmed_bytes(response)
            # Missing bytes prove the last chunk did not arrive: no video exists yet.
            if offset < self.size:
                self._save(upload_offset=offset, upload_final_sent=False)
            else:
                self._save(upload_offset=offset)
            return offset

    def _send_from(self, offset: int) -> dict[str, Any]:
        stalls = 0
        while True:
            if offset >= self.size:  # all bytes held but no video: ask again
                result = self._query()
                if isinstance(result, dict):
                    return result
                if result >= self.size:
                    raise Transient(
                        _(
                            "{network} has not finished the upload yet; Pregonero will check again."
                        ).format(network=self.label),
                        code="upload_pending",
                    )
                offset = result
                continue
            end = min(offset + self.chunk_size, self.size)
            final = end == self.size
            if final and not self._state.get("upload_final_sent"):
                self._save(upload_final_sent=True)
            body = FileSlice(self.media.path, offset, end - offset)
            try:
                response = self.uploads.request(
                    "PUT",
                    relative(str(self._state["upload_uri"])),
                    data=cast(Any, body),
                    headers={
                        **self.headers,
                        "Content-Type": self.media.mime or "application/octet-stream",
                        "Content-Range": f"bytes {offset}-{end - 1}/{self.size}",
                    },
                )
            except SessionExpired:
                raise
            except Transient:  # cut, timeout or 5xx: ask the server what it has
                body.close()
                stalls += 1
                if stalls >= MAX_STALLS:
                    raise
                self.sleep(min(30.0, 2.0**stalls))
                result = self._query()
                if isinstance(result, dict):
                    return result
                if result > offset:
                    stalls = 0
                offset = result
                continue
            except NetworkError:
                body.close()
                raise
            body.close()
            if response.status_code in (200, 201):
                return self._done(response)
            new_offset = confirmed_bytes(response)
            stalls = 0 if new_offset > offset else stalls + 1
            if stalls >= MAX_STALLS:
                raise Transient(
                    _(
                        "{network} keeps refusing the upload's next part; Pregonero will try"
                        " again later."
                    ).format(network=self.label),
                    code="upload_stalled",
                )
            offset = new_offset
            self._save(upload_offset=offset)

    def _done(self, response: requests.Response) -> dict[str, Any]:
        try:
            video = response.json()
        except ValueError:
            video = None
        if not isinstance(video, dict) or not video.get("id"):
            raise UnknownOutcome(
                _(
                    "{network} finished the upload but its answer could not be read, so the"
                    " video may exist. Pregonero will check before uploading it again."
                ).format(network=self.label),
                code="bad_answer",
            )
        self._state["video_id"] = str(video["id"])
        self._forget_session()  # also saves video_id
        return video
