"""The pad-or-crop dialog: three previews, the user's choice returned as a new file."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from pytestqt.qtbot import QtBot

from app.media_fit import FitTarget
from ui import fit_dialog
from ui.fit_dialog import FitDialog, ask_fit

MEDIA = Path("/work/shared/samples/media")
BANNER = MEDIA / "banner-muy-alto-1080x2600.jpg"
FEED = FitTarget(0.8, 1.91)


def test_previews_show_the_three_shapes(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = FitDialog(BANNER, FEED, tmp_path)
    qtbot.addWidget(dialog)
    captions = [c.text() for c in dialog.captions]
    assert captions[0] == "1080×2600 px · proportion 0.42"
    assert captions[1] == "2080×2600 px · proportion 0.80"
    assert captions[2] == "1080×1350 px · proportion 0.80"
    assert all(not p.pixmap().isNull() for p in dialog.previews)
    assert (
        "banner-muy-alto-1080x2600.jpg" in dialog.findChildren(type(dialog.captions[0]))[0].text()
    )
    assert dialog.chosen_path() == dialog.padded  # bands by default: nothing is lost


def test_choosing_crop_or_keep(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = FitDialog(BANNER, FEED, tmp_path)
    qtbot.addWidget(dialog)
    dialog.crop_radio.setChecked(True)
    assert dialog.chosen_path() == dialog.cropped
    dialog.keep_radio.setChecked(True)
    assert dialog.chosen_path() is None


def test_band_colour_makes_a_new_padded_copy(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = FitDialog(BANNER, FEED, tmp_path)
    qtbot.addWidget(dialog)
    dialog.crop_radio.setChecked(True)
    dialog.colour.setCurrentIndex(1)  # black
    assert dialog.chosen_path() == dialog.padded
    with Image.open(dialog.padded) as img:
        assert img.getpixel((3, 1300)) == pytest.approx((0, 0, 0), abs=3)


def test_ask_fit_returns_none_for_an_unreadable_file(tmp_path: Path) -> None:
    assert ask_fit(None, MEDIA / "vacio.jpg", FEED, tmp_path) is None


def test_ask_fit_accepts(monkeypatch: pytest.MonkeyPatch, qtbot: QtBot, tmp_path: Path) -> None:
    monkeypatch.setattr(fit_dialog.FitDialog, "exec", lambda self: 1)
    chosen = ask_fit(None, BANNER, FEED, tmp_path)
    assert chosen is not None and chosen.parent == tmp_path and chosen.exists()
