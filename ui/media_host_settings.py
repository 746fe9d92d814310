"""Account settings of an Instagram account: where Instagram downloads photos from.

:class:`MediaHostBox` explains why a media host is needed (Instagram fetches each photo
from a public web address; videos go directly) and edits the WordPress settings. It
holds no logic: the caller saves with :func:`app.services.instagram_support.save_media_host`
(the password goes to the keyring, never to the database). The integrator places it in
the accounts dialog for accounts whose network is ``"instagram"``: :class:`MediaHostOption`
is the one-line summary + button to embed (like ``ui.handoff_option.HandOffOption``), and
:class:`MediaHostDialog` the editor it opens.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.context import AppContext
from app.errors import CredentialsError, ValidationError
from app.i18n import _
from app.mediahost.config import MediaHostConfig, explanation, secret_user
from app.mediahost.s3 import available as s3_available
from app.models import Account
from app.services.instagram_support import media_host_of, save_media_host


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


def _has_secret(ctx: AppContext, account: Account) -> bool:
    try:
        ctx.credentials.get(secret_user(account.network, account.remote_id))
    except CredentialsError:
        return False
    return True


class MediaHostDialog(QDialog):
    """:class:`MediaHostBox` for one Instagram account, saved on "Save" through
    :func:`app.services.instagram_support.save_media_host` (stays open on a problem)."""

    def __init__(self, ctx: AppContext, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account = account
        self.setWindowTitle(_("Photos for {account}").format(account=account.name))
        self.box = MediaHostBox(
            media_host_of(account), has_secret=_has_secret(ctx, account), parent=self
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.box)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def save(self) -> bool:
        """Save and close; False (dialog stays open, problem shown) when it cannot."""
        if self.box.problems():
            return False
        try:
            save_media_host(
                self.ctx.store,
                self.ctx.credentials,
                self.account,
                self.box.config(),
                self.box.secret(),
            )
        except (ValidationError, CredentialsError) as exc:
            message = (
                _("Type the password: none is stored yet.")
                if isinstance(exc, CredentialsError)
                else str(exc)
            )
            self.box.error.setText(message)
            self.box.error.show()
            return False
        self.accept()
        return True


class MediaHostOption(QWidget):
    """One line for the accounts window: where the selected Instagram account's photos
    go, and a button to change it; hidden for other networks.

        option = MediaHostOption(ctx)
        layout.addWidget(option)
        option.set_account(account)        # when the selected account changes
    """

    def __init__(
        self, ctx: AppContext, account: Account | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.account: Account | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.button = QPushButton(_("Photos for Instagram…"))
        self.button.clicked.connect(self.edit)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.button)
        self.set_account(account)

    def set_account(self, account: Account | None) -> None:
        """Show ``account``'s media host (hidden unless it is an Instagram account)."""
        shown = account is not None and account.network == "instagram"
        self.account = account if shown else None
        self.setVisible(shown)
        if account is None or not shown:
            return
        config = media_host_of(self.ctx.store.get_account(account.id))
        if config is None:
            text = _("Photos: no media host set, so only videos and reels can be published.")
        elif config.kind == "s3":
            text = _("Photos go through the S3 bucket {bucket}.").format(bucket=config.bucket)
        else:
            text = _("Photos go through the WordPress media library of {site}.").format(
                site=config.site
            )
        self.summary.setText(text)

    def edit(self) -> None:
        """Open :class:`MediaHostDialog` for the account; refresh the line afterwards."""
        if self.account is None:
            return
        dialog = MediaHostDialog(self.ctx, self.ctx.store.get_account(self.account.id), self)
        dialog.exec()
        self.set_account(self.account)
