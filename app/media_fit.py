"""Making an image fit a network's proportions: pad (letterbox) or crop, never silently.

Instagram takes feed images from 4:5 (0.8) to 1.91:1 and shows stories and reels at 9:16;
a checker finding with ``fix`` set to :func:`fit_fix` tells the UI it may offer these.
Every function here writes a NEW file next to ``dest_dir`` (or the original's folder)
and returns its path: the original is never changed. Ratios are width / height.

Also :func:`to_rgb`: a CMYK (print) JPEG converted to an sRGB JPEG, for networks that
would otherwise show it with wrong colours or refuse it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from app.errors import ValidationError
from app.i18n import _

FIT_PREFIX = "fit_aspect"
"""``Finding.fix`` of an image whose proportion does not fit: ``fit_aspect:<low>:<high>``."""
RGB_FIX = "convert_rgb"
"""``Finding.fix`` of a CMYK image that should be converted to sRGB."""

DEFAULT_PAD_COLOUR = (255, 255, 255)
JPEG_QUALITY = 92


@dataclass(frozen=True)
class FitTarget:
    """The proportions an image must have: ``low`` ≤ width / height ≤ ``high``."""

    low: float
    high: float

    def contains(self, ratio: float, tolerance: float = 0.005) -> bool:
        """True when ``ratio`` is within the range (± ``tolerance``)."""
        return self.low - tolerance <= ratio <= self.high + tolerance

    def nearest(self, ratio: float) -> float:
        """The ratio in the range closest to ``ratio`` (what pad/crop aim at)."""
        return min(max(ratio, self.low), self.high)


def fit_fix(low: float, high: float) -> str:
    """The machine code a finding carries for "pad or crop to ``low``…``high``"."""
    return f"{FIT_PREFIX}:{low:.4f}:{high:.4f}"


def parse_fix(fix: str | None) -> FitTarget | None:
    """The target of a ``fit_aspect:<low>:<high>`` code, or None for anything else."""
    if not fix or not fix.startswith(FIT_PREFIX + ":"):
        return None
    try:
        _prefix, low, high = fix.split(":")
        target = FitTarget(float(low), float(high))
    except ValueError:
        return None
    return target if 0 < target.low <= target.high else None


def _open_rgb(path: Path) -> Image.Image:
    try:
        with Image.open(path) as opened:
            opened.load()
            img: Image.Image = ImageOps.exif_transpose(opened) or opened
            if img.mode == "CMYK":
                return img.convert("RGB")
            if img.mode in ("RGBA", "LA", "P"):
                rgba = img.convert("RGBA")
                base = Image.new("RGB", rgba.size, DEFAULT_PAD_COLOUR)
                base.paste(rgba, mask=rgba.getchannel("A"))
                return base
            return img.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("{name} cannot be read as an image.").format(name=path.name), code="media_damaged"
        ) from None


def _dest(path: Path, tag: str, dest_dir: Path | None) -> Path:
    folder = dest_dir or path.parent
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(f"{path.resolve()}:{tag}".encode()).hexdigest()[:8]
    return folder / f"{path.stem}-{tag}-{digest}.jpg"


def _save(img: Image.Image, dest: Path) -> Path:
    tmp = dest.with_suffix(".part")
    img.save(tmp, "JPEG", quality=JPEG_QUALITY, optimize=True)
    tmp.replace(dest)
    return dest


def _target_ratio(size: tuple[int, int], target: FitTarget | float) -> float:
    if isinstance(target, FitTarget):
        return target.nearest(size[0] / size[1])
    return float(target)


def pad_image(
    path: Path,
    target: FitTarget | float,
    *,
    colour: tuple[int, int, int] = DEFAULT_PAD_COLOUR,
    dest_dir: Path | None = None,
) -> Path:
    """A new JPEG: ``path`` centred on a canvas of ``colour`` with the target proportion
    (the nearest one in a :class:`FitTarget`); no pixel of the image is lost.

    Returns the new file's path (in ``dest_dir``, default the original's folder).
    Raises ValidationError (``media_damaged``) for an unreadable image.
    """
    img = _open_rgb(path)
    w, h = img.size
    ratio = _target_ratio((w, h), target)
    if w / h < ratio:  # too tall: widen
        new_w, new_h = max(w, round(h * ratio)), h
    else:  # too wide: heighten
        new_w, new_h = w, max(h, round(w / ratio))
    canvas = Image.new("RGB", (new_w, new_h), colour)
    canvas.paste(img, ((new_w - w) // 2, (new_h - h) // 2))
    tag = f"pad{ratio:.3f}-{colour[0]:02x}{colour[1]:02x}{colour[2]:02x}"
    return _save(canvas, _dest(path, tag, dest_dir))


def crop_image(path: Path, target: FitTarget | float, *, dest_dir: Path | None = None) -> Path:
    """A new JPEG: the centred part of ``path`` with the target proportion (the nearest
    one in a :class:`FitTarget`); the edges beyond it are cut off.

    Returns the new file's path. Raises ValidationError (``media_damaged``).
    """
    img = _open_rgb(path)
    w, h = img.size
    ratio = _target_ratio((w, h), target)
    if w / h < ratio:  # too tall: cut top and bottom
        new_w, new_h = w, min(h, round(w / ratio))
    else:  # too wide: cut the sides
        new_w, new_h = min(w, round(h * ratio)), h
    left, top = (w - new_w) // 2, (h - new_h) // 2
    cropped = img.crop((left, top, left + new_w, top + new_h))
    return _save(cropped, _dest(path, f"crop{ratio:.3f}", dest_dir))


def to_rgb(path: Path, *, dest_dir: Path | None = None) -> Path:
    """A new sRGB JPEG with the pixels of ``path`` (a CMYK print file, typically).

    Returns the new file's path. Raises ValidationError (``media_damaged``).
    """
    return _save(_open_rgb(path), _dest(path, "rgb", dest_dir))
