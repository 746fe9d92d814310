"""Reading an attached video file: container, video codec, pixel size, duration, bytes.

MP4 and MOV (QuickTime) files only: the containers the networks we know take. The
file is opened with :mod:`mutagen` (pure Python), which recognises the container and
gives the duration in seconds (its ``info.length``: the sound track's length, or the
whole movie's when there is no sound). Mutagen describes the *sound* codec only, so the
video track's codec and size are read here from the same ISO base media boxes
(``moov/trak/tkhd`` and ``moov/trak/mdia/minf/stbl/stsd``), reading headers only, never
the media data. The size is the one shown on screen: a phone video stored 1920×1080
with a 90° rotation is 1080×1920.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from mutagen import MutagenError
from mutagen.mp4 import MP4

from app.errors import ValidationError
from app.i18n import _

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".webm", ".avi", ".mkv"})
"""File name endings taken as videos (any other attachment is read as an image)."""

CODEC_NAMES = {
    "avc1": "H.264",
    "avc3": "H.264",
    "hvc1": "HEVC",
    "hev1": "HEVC",
    "mp4v": "MPEG-4 Part 2",
    "av01": "AV1",
    "vp09": "VP9",
    "apch": "ProRes",
    "apcn": "ProRes",
    "apcs": "ProRes",
    "apco": "ProRes",
    "ap4h": "ProRes",
}
"""Sample-entry four-character codes → codec names used in the limits table."""

MAX_MOOV_BYTES = 64 * 1024 * 1024
"""A ``moov`` box (the index of the file) larger than this is taken as damaged."""

_CONTAINERS = (b"moov", b"trak", b"mdia", b"minf", b"stbl")


@dataclass(frozen=True)
class VideoInfo:
    """What a video file is: ``container`` ("MP4", "MOV"), ``codec`` ("H.264", "HEVC",
    or the raw four-character code), display ``width``/``height`` in pixels,
    ``duration`` in seconds and ``size_bytes``."""

    container: str
    codec: str
    width: int
    height: int
    duration: float
    size_bytes: int


@dataclass(frozen=True)
class _Track:
    handler: bytes = b""
    fourcc: str = ""
    width: int = 0
    height: int = 0
    rotated: bool = False


def _boxes(data: bytes, start: int = 0, end: int | None = None) -> list[tuple[bytes, int, int]]:
    """``(type, payload_start, payload_end)`` of the boxes in ``data[start:end]``."""
    end = len(data) if end is None else end
    found = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                break
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError("box overruns its parent")
        found.append((kind, pos + header, pos + size))
        pos += size
    return found


def _top_level(fh: BinaryIO, file_size: int) -> tuple[bytes, bytes]:
    """The ``ftyp`` major brand and the whole ``moov`` payload of an open file."""
    brand, moov = b"", b""
    pos = 0
    while pos + 8 <= file_size:
        fh.seek(pos)
        head = fh.read(16)
        if len(head) < 8:
            break
        size, kind = struct.unpack_from(">I4s", head)
        header = 8
        if size == 1 and len(head) == 16:
            (size,) = struct.unpack_from(">Q", head, 8)
            header = 16
        elif size == 0:
            size = file_size - pos
        if size < header:
            raise ValueError("bad box size")
        if kind == b"ftyp":
            brand = head[header : header + 4]
        elif kind == b"moov":
            if size > MAX_MOOV_BYTES:
                raise ValueError("moov too large")
            moov = fh.read(size - header) if header == 16 else head[8:] + fh.read(size - 16)
            if len(moov) != size - header:
                raise ValueError("moov truncated")
        pos += size
    return brand, moov


def _tkhd(data: bytes, start: int) -> tuple[int, int, bool]:
    """Width, height (16.16 fixed point, truncated) and whether the matrix turns it 90°."""
    version = data[start]
    matrix = start + 4 + (32 if version == 1 else 20) + 16
    a, b, _u, c, d = struct.unpack_from(">iiiii", data, matrix)
    width, height = struct.unpack_from(">II", data, matrix + 36)
    return width >> 16, height >> 16, a == 0 and d == 0 and b != 0 and c != 0


def _track(data: bytes, start: int, end: int) -> _Track:
    track = _Track()
    for kind, s, e in _boxes(data, start, end):
        if kind == b"tkhd":
            width, height, rotated = _tkhd(data, s)
            track = _Track(track.handler, track.fourcc, width, height, rotated)
        elif kind == b"mdia":
            for sub, ss, se in _boxes(data, s, e):
                if sub == b"hdlr":
                    handler = data[ss + 8 : ss + 12]
                    track = _Track(handler, track.fourcc, track.width, track.height, track.rotated)
                elif sub == b"minf":
                    fourcc, width, height = _sample_entry(data, ss, se)
                    track = _Track(
                        track.handler,
                        fourcc,
                        track.width or width,
                        track.height or height,
                        track.rotated,
                    )
    return track


def _sample_entry(data: bytes, start: int, end: int) -> tuple[str, int, int]:
    """Four-character code and coded width/height of the first ``stsd`` entry."""
    for kind, s, e in _boxes(data, start, end):
        if kind == b"stbl":
            for sub, ss, _se in _boxes(data, s, e):
                if sub == b"stsd" and ss + 16 <= len(data):
                    entry = ss + 8  # version/flags, entry count
                    fourcc = data[entry + 4 : entry + 8].decode("latin-1")
                    width, height = 0, 0
                    if entry + 36 <= len(data):
                        width, height = struct.unpack_from(">HH", data, entry + 32)
                    return fourcc, width, height
    return "", 0, 0


def _video_track(moov: bytes) -> _Track | None:
    for kind, s, e in _boxes(moov):
        if kind == b"trak":
            track = _track(moov, s, e)
            if track.handler == b"vide":
                return track
    return None


def _refuse(code: str, message: str) -> ValidationError:
    return ValidationError(message, code=code)


def inspect_video(path: Path) -> VideoInfo:
    """Check that ``path`` is an MP4 or MOV video with a video track, and describe it.

    Raises ValidationError (translated, naming the file) with code ``media_missing``,
    ``media_empty``, ``media_not_video`` (not an MP4/MOV file, or no video track) or
    ``media_damaged`` (the container's index cannot be read).
    """
    name = path.name
    if not path.is_file():
        raise _refuse("media_missing", _("The file {name} does not exist.").format(name=path))
    size = path.stat().st_size
    if size == 0:
        raise _refuse("media_empty", _("The file {name} is empty (0 bytes).").format(name=name))
    not_video = _("{name} is not a video Pregonero can read: attach an MP4 or MOV file.").format(
        name=name
    )
    try:
        stream = MP4(path).info
    except MutagenError:
        raise _refuse("media_not_video", not_video) from None
    if stream is None:
        raise _refuse("media_not_video", not_video)
    length = float(stream.length)
    try:
        with path.open("rb") as fh:
            brand, moov = _top_level(fh, size)
        track = _video_track(moov)
    except (OSError, ValueError, struct.error, IndexError):
        raise _refuse(
            "media_damaged",
            _(
                "{name} is damaged or incomplete (perhaps it was not fully copied or "
                "downloaded). Export it again and attach the new file."
            ).format(name=name),
        ) from None
    if track is None:
        raise _refuse(
            "media_not_video",
            _("{name} has no picture: it holds no video track.").format(name=name),
        )
    width, height = (track.height, track.width) if track.rotated else (track.width, track.height)
    container = "MOV" if brand == b"qt  " else "MP4"
    codec = CODEC_NAMES.get(track.fourcc, track.fourcc.strip() or "?")
    return VideoInfo(container, codec, width, height, length, size)


@dataclass(frozen=True)
class AudioInfo:
    """The sound track of a video: ``codec`` ("AAC" or mutagen's codec string, e.g.
    "mp4a.40.2" → "AAC"), ``sample_rate`` in Hz and ``channels``."""

    codec: str
    sample_rate: int
    channels: int


def inspect_audio(path: Path) -> AudioInfo | None:
    """The sound track of an MP4/MOV file, or None when it has none or cannot be read
    (:func:`inspect_video` reports unreadable files)."""
    try:
        info = MP4(path).info
    except (MutagenError, OSError):
        return None
    raw = str(getattr(info, "codec", "") or "")
    rate = int(getattr(info, "sample_rate", 0) or 0)
    if not raw or not rate:
        return None
    codec = "AAC" if raw.startswith("mp4a.40") else raw
    return AudioInfo(codec, rate, int(getattr(info, "channels", 0) or 0))


def moov_first(path: Path) -> bool:
    """True when the file's index (``moov``) comes before its media data (``mdat``):
    "fast start", which Instagram asks for. True too when it cannot tell."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            pos = 0
            while pos + 8 <= size:
                fh.seek(pos)
                head = fh.read(16)
                if len(head) < 8:
                    return True
                box, kind = struct.unpack_from(">I4s", head)
                if kind == b"moov":
                    return True
                if kind == b"mdat":
                    return False
                if box == 1 and len(head) == 16:
                    (box,) = struct.unpack_from(">Q", head, 8)
                elif box == 0:
                    return True
                if box < 8:
                    return True
                pos += box
    except OSError:
        return True
    return True
