"""Offer to make an image fit a network's proportions: original, padded and cropped side
by side; the user chooses (never done silently).

Use :func:`ask_fit` from the composer when a finding has a ``fix`` of the form
``fit_aspect:<low>:<high>`` (:func:`app.media_fit.parse_fix`): it returns the path of the
new file to attach instead of the original, or None when the user keeps the original /
cancels. Tests patch :func:`ask_fit` (as they patch :mod:`ui.dialogs`) or drive
:class:`FitDialog` directly.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError
from app.i18n import N_, _
from app.media_fit import FitTarget, crop_image, pad_image

PREVIEW = 260
"""Side of the square each preview fits in, in pixels."""

PAD_COLOURS: list[tuple[str, tuple[int, int, int]]] = [
    (N_("White"), (255, 255, 255)),
    (N_("Black"), (0, 0, 0)),
    (N_("Light grey"), (235, 235, 235)),
    (N_("Dark blue"), (0, 51, 153)),
]


def _ratio_text(width: int, height: int) -> str:
    return _("{w}×{h} px · proportion {r:.2f}").format(
        w=width, h=height, r=width / height if height else 0.0
    )


class FitDialog(QDialog):
    """Three previews (original, with bands, cut) of ``original`` fitted to ``target``.

    The new files are written to ``work_dir`` when the dialog opens (and again when the
    band colour changes). After ``exec()``, :meth:`chosen_path` is the file to use.
    ``name`` is the file name shown to the user (default: the name of ``original``).
    Raises ValidationError when the original cannot be read.
    """

    def __init__(
        self,
        original: Path,
        target: FitTarget,
        work_dir: Path,
        *,
        network: str = "Instagram",
        name: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.original = original
        self.target = target
        self.work_dir = work_dir
        self.setWindowTitle(_("Fit the image for {network}").format(network=network))
        self.padded = pad_image(original, target, dest_dir=work_dir)
        self.cropped = crop_image(original, target, dest_dir=work_dir)

        if target.low == target.high:
            wanted = _("a proportion of {r:.2f}").format(r=target.low)
        else:
            wanted = _("a proportion between {low:.2f} and {high:.2f}").format(
                low=target.low, high=target.high
            )
        self.intro = intro = QLabel(
            _(
                "{name} does not have the shape {network} takes ({wanted}, width ÷ height). "
                "Choose how to make a copy that fits; your original file is not changed."
            ).format(name=name or original.name, network=network, wanted=wanted)
        )
        intro.setWordWrap(True)

        grid = QGridLayout()
        self.group = QButtonGroup(self)
        self.keep_radio = QRadioButton(_("Keep the original (it will be refused)"))
        self.pad_radio = QRadioButton(_("Add bands (nothing is cut)"))
        self.crop_radio = QRadioButton(_("Cut the edges (fills the frame)"))
        self.pad_radio.setChecked(True)
        self.previews: list[QLabel] = []
        self.captions: list[QLabel] = []
        for column, (radio, path) in enumerate(
            [
                (self.keep_radio, original),
                (self.pad_radio, self.padded),
                (self.crop_radio, self.cropped),
            ]
        ):
            self.group.addButton(radio, column)
            image = QLabel()
            image.setFixedSize(PREVIEW + 8, PREVIEW + 8)
            image.setAlignment(Qt.AlignmentFlag.AlignCenter)
            image.setFrameShape(QFrame.Shape.StyledPanel)
            caption = QLabel()
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.previews.append(image)
            self.captions.append(caption)
            grid.addWidget(radio, 0, column)
            grid.addWidget(image, 1, column)
            grid.addWidget(caption, 2, column)
            self._show(column, path)

        self.colour = QComboBox()
        for label, rgb in PAD_COLOURS:
            self.colour.addItem(_(label), rgb)
        self.colour.setAccessibleName(_("Colour of the bands"))
        colour_label = QLabel(_("Colour of the bands:"))
        colour_label.setBuddy(self.colour)
        grid.addWidget(colour_label, 3, 1, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(self.colour, 4, 1)
        self.colour.currentIndexChanged.connect(self._recolour)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Use this image"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(buttons)

    def _show(self, column: int, path: Path) -> None:
        pixmap = QPixmap(str(path))
        self.previews[column].setPixmap(
            pixmap.scaled(
                PREVIEW,
                PREVIEW,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        self.captions[column].setText(_ratio_text(pixmap.width(), pixmap.height()))

    def _recolour(self) -> None:
        rgb = self.colour.currentData()
        self.padded = pad_image(
            self.original, self.target, colour=tuple(rgb), dest_dir=self.work_dir
        )
        self._show(1, self.padded)
        self.pad_radio.setChecked(True)

    def chosen_path(self) -> Path | None:
        """The new file the user chose, or None to keep the original."""
        choice = self.group.checkedId()
        if choice == 1:
            return self.padded
        if choice == 2:
            return self.cropped
        return None


def ask_fit(
    parent: QWidget | None,
    original: Path,
    target: FitTarget,
    work_dir: Path,
    *,
    network: str = "Instagram",
    name: str | None = None,
) -> Path | None:
    """Show :class:`FitDialog`; the chosen new file, or None (keep / cancel / unreadable).
    ``name`` is the file name the user knows (the stored copy is named by its hash)."""
    try:
        dialog = FitDialog(original, target, work_dir, network=network, name=name, parent=parent)
    except ValidationError:
        return None
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.chosen_path()
