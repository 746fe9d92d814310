"""Reading media files the user attaches: is it a whole, readable image, and what is it.

Pregonero keeps its own copy of every attached file under the data folder (named by
content hash), so a post does not break when the original is moved or deleted.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from app.errors import ValidationError
from app.i18n import _

MIME_BY_FORMAT = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
    "WEBP": "image/webp",
}
#: Files larger than this (bytes) are refused before reading them at all.
MAX_INPUT_BYTES = 200 * 1024 * 1024


@dataclass(frozen=True)
class ImageInfo:
    """What an image file is: Pillow format, MIME type, size in bytes, pixels."""

    format: str
    mime: str
    size_bytes: int
    width: int
    height: int


def inspect_image(path: Path) -> ImageInfo:
    """Check that ``path`` is a complete image and describe it.

    Raises ValidationError (translated, naming the file) when the file is missing,
    empty, not an image, truncated or damaged, or larger than :data:`MAX_INPUT_BYTES`.
    """
    name = path.name
    if not path.exists():
        raise ValidationError(
            _("The file {name} does not exist.").format(name=path), code="media_missing"
        )
    if not path.is_file():
        raise ValidationError(_("{name} is not a file.").format(name=path), code="media_missing")
    size = path.stat().st_size
    if size == 0:
        raise ValidationError(
            _("The file {name} is empty (0 bytes).").format(name=name), code="media_empty"
        )
    if size > MAX_INPUT_BYTES:
        raise ValidationError(
            _("The file {name} is too large ({mb} MB).").format(
                name=name, mb=size // (1024 * 1024)
            ),
            code="media_too_large",
        )
    try:
        with Image.open(path) as img:
            fmt = img.format or ""
            width, height = img.size
            img.load()  # decodes every byte: a truncated file fails here
    except UnidentifiedImageError:
        raise ValidationError(
            _("{name} is not an image Pregonero can read.").format(name=name),
            code="media_not_image",
        ) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _(
                "{name} is damaged or incomplete (perhaps it was not fully copied or downloaded). "
                "Export it again and attach the new file."
            ).format(name=name),
            code="media_damaged",
        ) from None
    if fmt not in MIME_BY_FORMAT:
        raise ValidationError(
            _("{name}: the {fmt} format is not supported.").format(name=name, fmt=fmt),
            code="media_format",
        )
    return ImageInfo(fmt, MIME_BY_FORMAT[fmt], size, width, height)


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks (constant memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_copy(src: Path, media_dir: Path, info: ImageInfo) -> tuple[Path, str]:
    """Copy ``src`` into ``media_dir`` as ``<sha256><ext>`` (once); returns (path, sha256)."""
    digest = sha256_file(src)
    ext = {"image/jpeg": ".jpg"}.get(info.mime, "." + info.format.lower())
    dest = media_dir / f"{digest}{ext}"
    if not dest.exists():
        tmp = dest.with_suffix(dest.suffix + ".part")
        shutil.copyfile(src, tmp)
        tmp.replace(dest)
    return dest, digest
