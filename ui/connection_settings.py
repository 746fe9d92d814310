"""The "Developer apps" and "Network" tabs of Settings (issue 3).

Developer apps: per provider the client ID, the client secret (written to the keyring,
never shown again: an empty field keeps the stored one) and the permissions to request,
next to a short guide: what to create on the developer site, the exact redirect URI to
register, the permissions. Network: proxy (system/environment or an explicit one), the
OS certificate store, the fixed sign-in port and how early to warn before a connection
ends. Values are saved when Settings' OK is clicked.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import netconfig
from app.auth.apps import (
    EXPIRY_WARNING_DAYS,
    SIGNIN_PORT,
    all_providers,
    guide,
    scopes_key,
)
from app.auth.providers import provider_class
from app.context import AppContext
from app.i18n import _
from ui import style
from ui.signin_dialog import provider_title


def guide_html(provider: str, port: int) -> str:
    """The in-app guide of ``provider`` as rich text."""
    g = guide(provider, port)
    steps = "".join(f"<li>{html.escape(step)}</li>" for step in g.steps)
    site = _("Developer site: <a href='{url}'>{url}</a>").format(url=html.escape(g.site_url))
    if g.redirect_uri:
        redirect = _("Redirect URI to register, exactly: <b><tt>{uri}</tt></b>").format(
            uri=html.escape(g.redirect_uri)
        )
    else:
        redirect = _("No redirect URI to register: any port on this computer is accepted.")
    permissions = _("Permissions: {scopes}").format(
        scopes=", ".join(f"<tt>{html.escape(s)}</tt>" for s in g.permissions)
    )
    return (
        f"<p>{site}</p><ol style='margin-left:-20px'>{steps}</ol>"
        f"<p>{redirect}</p><p>{permissions}</p>"
        f"<p style='color:{style.MUTED_COLOUR}'>{html.escape(g.note)}</p>"
    )


class _AppPage(QWidget):
    """The form and guide of one provider."""

    def __init__(self, ctx: AppContext, provider: str, port: int) -> None:
        super().__init__()
        self.ctx = ctx
        self.provider = provider
        cls = provider_class(provider)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.client_id = QLineEdit(ctx.apps.client_id(provider))
        self.client_id.setPlaceholderText(_("App ID") if provider == "meta" else _("Client ID"))
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(
            _("Client secret of {network}").format(network=provider_title(provider))
        )
        self.has_secret = ctx.apps.has_secret(provider)
        self.forget = QCheckBox(_("Forget the stored secret"))
        self.forget.setVisible(self.has_secret)
        self.forget.toggled.connect(lambda on: self.secret.setEnabled(not on))
        self._placeholder()
        self.scopes = QLineEdit(ctx.store.get_setting(scopes_key(provider)) or "")
        self.scopes.setPlaceholderText(" ".join(cls.default_scopes))
        self.scopes.setToolTip(_("Empty: the permissions listed in the guide."))
        form.addRow(_("Client ID:"), self.client_id)
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret, 1)
        secret_row.addWidget(self.forget)
        form.addRow(_("Client secret:"), secret_row)
        form.addRow(_("Permissions:"), self.scopes)
        box.addLayout(form)
        self.guide = QLabel(guide_html(provider, port))
        self.guide.setWordWrap(True)
        self.guide.setTextFormat(Qt.TextFormat.RichText)
        self.guide.setOpenExternalLinks(True)
        self.guide.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        box.addWidget(self.guide)
        box.addStretch(1)

    def _placeholder(self) -> None:
        cls = provider_class(self.provider)
        if self.has_secret:
            text = _("Saved in the keyring; type to replace it")
        elif cls.secret_required:
            text = _("Required")
        else:
            text = _("Optional (none for a public client)")
        self.secret.setPlaceholderText(text)

    def save(self) -> None:
        """Store what changed (the secret only when typed or forgotten)."""
        secret: str | None = self.secret.text().strip() or None
        if self.forget.isChecked():
            secret = ""
        scopes = self.scopes.text()
        unchanged = (
            secret is None
            and self.client_id.text().strip() == self.ctx.apps.client_id(self.provider)
            and scopes.strip() == (self.ctx.store.get_setting(scopes_key(self.provider)) or "")
        )
        if unchanged:
            return
        self.ctx.apps.save(self.provider, self.client_id.text(), secret, scopes)
        self.secret.clear()
        self.has_secret = self.ctx.apps.has_secret(self.provider)
        self.forget.setChecked(False)
        self.forget.setVisible(self.has_secret)
        self._placeholder()


class DeveloperAppsTab(QWidget):
    """Providers on the left, the selected one's form and guide on the right."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        row = QHBoxLayout(self)
        self.list = QListWidget()
        self.list.setMaximumWidth(190)
        self.stack = QStackedWidget()
        self.pages: dict[str, _AppPage] = {}
        port = ctx.apps.port()
        for provider in all_providers():
            page = _AppPage(ctx, provider, port)
            self.pages[provider] = page
            self.stack.addWidget(page)
            label = provider_title(provider)
            if ctx.apps.is_set_up(provider):
                label += "  ✓"
            self.list.addItem(label)
        self.list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.list.setCurrentRow(0)
        row.addWidget(self.list)
        row.addWidget(self.stack, 1)

    def select(self, provider: str) -> None:
        """Show ``provider``'s page."""
        self.list.setCurrentRow(all_providers().index(provider))

    def save(self) -> None:
        """Save every provider's page. Raises ValidationError, CredentialsError."""
        for page in self.pages.values():
            page.save()


class NetworkTab(QWidget):
    """Proxy, certificates, sign-in port and expiry warnings."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        box = QVBoxLayout(self)
        proxy_group = QGroupBox(_("Connection to the Internet"))
        form = QFormLayout(proxy_group)
        self.proxy = QLineEdit(ctx.store.get_setting(netconfig.PROXY_KEY) or "")
        self.proxy.setPlaceholderText(_("Empty: the system's or the environment's proxy"))
        form.addRow(_("HTTPS proxy:"), self.proxy)
        self.system_certs = QCheckBox(_("Trust the certificates installed in the operating system"))
        self.system_certs.setChecked(
            netconfig.from_settings(ctx.store.get_setting).system_certificates
        )
        form.addRow("", self.system_certs)
        hint = QLabel(
            _(
                "Public administrations often inspect secure connections with their own "
                "certificate, installed on their computers: keep this on so Pregonero "
                "trusts it too. Example proxy: http://proxy.example.org:8080"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        form.addRow("", hint)
        box.addWidget(proxy_group)

        signin_group = QGroupBox(_("Sign-in"))
        form2 = QFormLayout(signin_group)
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(ctx.apps.port())
        self.port.setMaximumWidth(120)
        form2.addRow(_("Port the browser returns to:"), self.port)
        port_hint = QLabel(
            _(
                "X, LinkedIn and Facebook only accept the exact redirect URI registered in "
                "your developer app; change it there too if you change this port."
            )
        )
        port_hint.setWordWrap(True)
        port_hint.setStyleSheet(f"color: {style.MUTED_COLOUR}")
        form2.addRow("", port_hint)
        self.warn_days = QSpinBox()
        self.warn_days.setRange(1, 59)
        self.warn_days.setSuffix(" " + _("days"))
        self.warn_days.setMaximumWidth(120)
        try:
            days = int(ctx.settings.get(EXPIRY_WARNING_DAYS))
        except ValueError:
            days = int(EXPIRY_WARNING_DAYS.default)
        self.warn_days.setValue(days)
        form2.addRow(_("Warn before a connection ends:"), self.warn_days)
        box.addWidget(signin_group)
        box.addStretch(1)

    def save(self) -> None:
        """Store and apply the values. Raises ValidationError for a bad proxy."""
        proxy = netconfig.check_proxy(self.proxy.text())
        settings = self.ctx.settings
        self.ctx.store.set_setting(netconfig.PROXY_KEY, proxy)
        self.ctx.store.set_setting(
            netconfig.SYSTEM_CERTIFICATES_KEY, "1" if self.system_certs.isChecked() else "0"
        )
        settings.set(SIGNIN_PORT, str(self.port.value()))
        settings.set(EXPIRY_WARNING_DAYS, str(self.warn_days.value()))
        netconfig.configure(netconfig.from_settings(self.ctx.store.get_setting))
