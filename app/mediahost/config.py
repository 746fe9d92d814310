"""Which media host an Instagram account uses, kept in ``accounts.options``.

``options["media_host"]`` is ``{"kind": "wordpress", "site": "https://...", "user": "..."}``
or ``{"kind": "s3", "site": "<endpoint URL>", "user": "<access key id>", "bucket": "...",
"region": "..."}`` (non-secret settings only). The secret (the WordPress application
password, the S3 secret key) lives in the keyring under :func:`secret_user`
(``"mediahost:instagram:<ig-user-id>"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import ValidationError
from app.i18n import _
from app.mediahost.base import MediaHost
from app.mediahost.wordpress import WordPressMediaHost
from app.secrets import CredentialStore

HOST_KINDS = ("wordpress", "s3")
"""Host kinds Pregonero can use ("" = none configured)."""
OPTIONS_KEY = "media_host"


def secret_user(network: str, remote_id: str) -> str:
    """Keyring user name of the host secret of account ``network``/``remote_id``."""
    return f"mediahost:{network}:{remote_id}"


def explanation() -> str:
    """Why a media host is needed, for the account settings (translated)."""
    return _(
        "Instagram does not take photos uploaded from a computer: it downloads each photo "
        "from a public web address. Shortly before the post goes out, Pregonero puts each "
        "photo in your organisation's WordPress media library or S3-compatible storage, "
        "gives Instagram its address, and deletes it once the post is published. Videos "
        "and reels need none of this: they are uploaded directly to Instagram."
    )


@dataclass(frozen=True)
class MediaHostConfig:
    """Non-secret settings of a host: ``kind`` (one of :data:`HOST_KINDS`), ``site`` URL
    (WordPress address or S3 endpoint, empty for AWS), ``user`` (WordPress user name or S3
    access key id), and for S3 ``bucket`` and ``region``."""

    kind: str
    site: str = ""
    user: str = ""
    bucket: str = ""
    region: str = ""

    @classmethod
    def from_options(cls, options: Mapping[str, Any] | None) -> MediaHostConfig | None:
        """The config in an account's options, or None when none is set."""
        raw = (options or {}).get(OPTIONS_KEY)
        if not isinstance(raw, Mapping) or not raw.get("kind"):
            return None
        return cls(
            str(raw["kind"]),
            str(raw.get("site") or ""),
            str(raw.get("user") or ""),
            str(raw.get("bucket") or ""),
            str(raw.get("region") or ""),
        )

    def to_options(self) -> dict[str, str]:
        """The JSON-able value stored under ``options["media_host"]``."""
        out = {"kind": self.kind, "site": self.site, "user": self.user}
        if self.kind == "s3":
            out.update(bucket=self.bucket, region=self.region)
        return out

    def validate(self) -> None:
        """Raise ValidationError (translated) for an unknown kind or a missing setting."""
        if self.kind not in HOST_KINDS:
            raise ValidationError(
                _("Unknown media host “{kind}”.").format(kind=self.kind), code="media_host"
            )
        if self.kind == "s3":
            if self.site and not self.site.startswith("https://"):
                raise ValidationError(
                    _("The S3 endpoint must start with https:// (or be empty for AWS)."),
                    code="media_host_site",
                )
            if not self.bucket.strip():
                raise ValidationError(_("Give the S3 bucket name."), code="media_host_bucket")
            if not self.user.strip():
                raise ValidationError(_("Give the S3 access key ID."), code="media_host_user")
            return
        if not self.site.startswith("https://"):
            raise ValidationError(
                _(
                    "The WordPress address must start with https:// (Instagram needs a "
                    "public, secure address)."
                ),
                code="media_host_site",
            )
        if not self.user.strip():
            raise ValidationError(_("Give the WordPress user name."), code="media_host_user")


def host_from_options(
    options: Mapping[str, Any] | None,
    network: str,
    remote_id: str,
    credentials: CredentialStore,
    *,
    timeout: float = 60.0,
) -> MediaHost | None:
    """The media host configured for an account, with its secret from the keyring;
    None when none is configured. Raises CredentialsError when the secret is missing."""
    config = MediaHostConfig.from_options(options)
    if config is None or config.kind not in HOST_KINDS:
        return None
    secret = credentials.get(secret_user(network, remote_id))
    if config.kind == "s3":
        from app.mediahost.s3 import S3MediaHost

        return S3MediaHost(
            config.site, config.bucket, config.region, config.user, secret, timeout=timeout
        )
    return WordPressMediaHost(config.site, config.user, secret, timeout=timeout)
