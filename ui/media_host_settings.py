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
from app.mediahost.s3 import available as s3_available


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
        if s3_available():
            self.kind.addItem(_("S3-compatible storage (private bucket)"), "s3")
        self.kind.setAccessibleName(_("Media host"))
        self.site = QLineEdit()
        self.site.setPlaceholderText("https://empleo.example.es")
        self.site.setAccessibleName(_("WordPress address"))
        self.user = QLineEdit()
        self.user.setAccessibleName(_("WordPress user name"))
        self.bucket = QLineEdit()
        self.bucket.setAccessibleName(_("Bucket"))
        self.region = QLineEdit()
        self.region.setPlaceholderText("eu-west-1")
        self.region.setAccessibleName(_("Region"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName(_("Application password"))
        self.password.setPlaceholderText(
            _("Stored safely; leave empty to keep it") if has_secret else ""
        )
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()

        self.form = form = QFormLayout()
        self.site_label = QLabel()
        self.user_label = QLabel()
        self.password_label = QLabel()
        form.addRow(_("Media host:"), self.kind)
        form.addRow(self.site_label, self.site)
        form.addRow(self.user_label, self.user)
        form.addRow(_("Bucket:"), self.bucket)
        form.addRow(_("Region:"), self.region)
        form.addRow(self.password_label, self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.why)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)

        if config is not None:
            self.kind.setCurrentIndex(max(0, self.kind.findData(config.kind)))
            self.site.setText(config.site)
            self.user.setText(config.user)
            self.bucket.setText(config.bucket)
            self.region.setText(config.region)
        self.kind.currentIndexChanged.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        kind = str(self.kind.currentData() or "")
        for widget in (self.site, self.user, self.password, self.hint):
            widget.setEnabled(bool(kind))
        s3 = kind == "s3"
        self.form.setRowVisible(self.bucket, s3)
        self.form.setRowVisible(self.region, s3)
        if s3:
            self.site_label.setText(_("Endpoint (empty for AWS):"))
            self.user_label.setText(_("Access key ID:"))
            self.password_label.setText(_("Secret access key:"))
            self.hint.setText(
                _(
                    "Use a private bucket and a key that may only write and delete in it. "
                    "Instagram gets a link that works for two hours. The secret key is kept "
                    "in the system keyring."
                )
            )
        else:
            self.site_label.setText(_("WordPress address:"))
            self.user_label.setText(_("User name:"))
            self.password_label.setText(_("Application password:"))
            self.hint.setText(
                _(
                    "Create an application password in WordPress (Users → Profile → "
                    "Application passwords) for a user who may upload media. It is kept in "
                    "the system keyring."
                )
            )

    def config(self) -> MediaHostConfig | None:
        """The settings as typed (None when no host is chosen)."""
        kind = str(self.kind.currentData() or "")
        if not kind:
            return None
        return MediaHostConfig(
            kind,
            self.site.text().strip(),
            self.user.text().strip(),
            self.bucket.text().strip() if kind == "s3" else "",
            self.region.text().strip() if kind == "s3" else "",
        )

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
