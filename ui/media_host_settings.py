"""Account settings of an Instagram account: where Instagram downloads photos from.

:class:`MediaHostBox` explains why a media host is needed (Instagram fetches each photo
from a public web address; videos go directly) and edits the WordPress settings. It
holds no logic: the caller saves with :func:`app.services.instagram_support.save_media_host`
(the password goes to the keyring, never to the database). The integrator places it in
the accounts dialog for accounts whose network is ``"instagram"``.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import ValidationError
from app.i18n import _
from app.mediahost.config import MediaHostConfig, explanation


class MediaHostBox(QGroupBox):
    """Host kind (none / WordPress), site address, user name and application password.

    :meth:`config` is the settings chosen (None = no host); :meth:`secret` the password
    typed (empty = keep the stored one); :meth:`problems` the messages of what is wrong.
    """

    def __init__(
        self,
        config: MediaHostConfig | None = None,
        *,
        has_secret: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(_("Where Instagram gets your photos"), parent)
        self.why = QLabel(explanation())
        self.why.setWordWrap(True)
        self.kind = QComboBox()
        self.kind.addItem(_("No host (videos and reels only)"), "")
        self.kind.addItem(_("Our WordPress media library"), "wordpress")
        self.kind.setAccessibleName(_("Media host"))
        self.site = QLineEdit()
        self.site.setPlaceholderText("https://empleo.example.es")
        self.site.setAccessibleName(_("WordPress address"))
        self.user = QLineEdit()
        self.user.setAccessibleName(_("WordPress user name"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Application password"))
        self.password.setPlaceholderText(
            _("Stored safely; leave empty to keep it") if has_secret else ""
        )
        self.hint = QLabel(
            _(
                "Create an application password in WordPress (Users → Profile → Application "
                "passwords) for a user who may upload media. It is kept in the system keyring."
            )
        )
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()

        form = QFormLayout()
        form.addRow(_("Media host:"), self.kind)
        form.addRow(_("WordPress address:"), self.site)
        form.addRow(_("User name:"), self.user)
        form.addRow(_("Application password:"), self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.why)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)

        if config is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(config.kind)))
            self.site.setText(config.site)
            self.user.setText(config.user)
        self.kind.currentIndexChanged.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        on = bool(self.kind.currentData())
        for widget in (self.site, self.user, self.password, self.hint):
            widget.setEnabled(on)

    def config(self) -> MediaHostConfig | None:
        """The settings as typed (None when no host is chosen)."""
        kind = str(self.kind.currentData() or "")
        if not kind:
            return None
        return MediaHostConfig(kind, self.site.text().strip(), self.user.text().strip())

    def secret(self) -> str:
        """The application password typed (empty: keep the stored one)."""
        return self.password.text()

    def problems(self) -> list[str]:
        """What is wrong with the settings (shown under the fields); empty when fine."""
        config = self.config()
        messages: list[str] = []
        if config is not None:
            try:
                config.validate()
            except ValidationError as exc:
                messages = [p.message for p in exc.problems]
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))
        return messages
