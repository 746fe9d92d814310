"""An S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO...) as the public
host of Instagram media, through a presigned GET URL: the bucket can stay private.

Optional: needs ``boto3`` (``pip install pregonero[s3]``). API: PutObject, DeleteObject
and presigned GetObject URLs (SigV4, ``X-Amz-Expires`` at most 7 days):
https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html

The object key is ``<prefix><sha256[:16]><ext>``: the user's file name is not published.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from app.errors import AuthExpired, NetworkError, Rejected, Transient
from app.i18n import _
from app.mediahost.base import HostedMedia, MediaHost

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "video/mp4": ".mp4"}
DEFAULT_EXPIRES = 2 * 3600
"""Seconds a presigned URL stays valid (Instagram downloads it when the container is made)."""
AUTH_CODES = frozenset(
    {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "ExpiredToken", "403"}
)


def available() -> bool:
    """True when boto3 is installed (the S3 host can be offered)."""
    try:
        import boto3  # noqa: F401
    except ImportError:
        return False
    return True


class S3MediaHost(MediaHost):
    """Bucket ``bucket`` at ``endpoint_url`` (``https://<account>.r2.cloudflarestorage.com``;
    empty = AWS) in ``region``, with an access key pair. ``expires`` in seconds.

    Raises Rejected (``s3_unavailable``) when boto3 is not installed.
    """

    kind = "s3"
    label = "S3"

    def __init__(
        self,
        endpoint_url: str,
        bucket: str,
        region: str,
        access_key: str,
        secret_key: str,
        *,
        prefix: str = "pregonero/",
        expires: int = DEFAULT_EXPIRES,
        timeout: float = 60.0,
    ) -> None:
        try:
            import boto3
            from botocore.config import Config
        except ImportError:
            raise Rejected(
                _("The S3 media host needs the boto3 package, which is not installed."),
                code="s3_unavailable",
            ) from None
        self.bucket = bucket
        self.prefix = prefix
        self.expires = expires
        self.endpoint_url = endpoint_url.rstrip("/")
        self._client: Any = boto3.client(
            "s3",
            endpoint_url=self.endpoint_url or None,
            region_name=region or "us-east-1",
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=timeout,
                read_timeout=timeout,
                retries={"max_attempts": 2, "mode": "standard"},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def __repr__(self) -> str:
        return f"<S3MediaHost {self.endpoint_url or 'aws'}/{self.bucket}>"

    def _error(self, exc: Exception) -> NetworkError:
        from botocore.exceptions import BotoCoreError, ClientError

        if isinstance(exc, ClientError):
            err = exc.response.get("Error", {})
            code = str(err.get("Code") or "")
            message = str(err.get("Message") or "")
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
            if code in AUTH_CODES or status in (401, 403):
                return AuthExpired(
                    _(
                        "The S3 storage refused the access key used to host Instagram media "
                        "({code}). Check it in the account settings."
                    ).format(code=code or status),
                    user_message=message,
                    code=code,
                )
            if status >= 500 or code in ("SlowDown", "ServiceUnavailable", "InternalError"):
                return Transient(
                    _("The S3 storage had a temporary problem; Pregonero will try again."),
                    code=code,
                )
            return Rejected(
                _("The S3 storage refused the file: {reason}").format(reason=message or code),
                user_message=message,
                code=code,
            )
        if isinstance(exc, BotoCoreError):
            return Transient(
                _("The S3 storage cannot be reached ({what}); Pregonero will try again.").format(
                    what=type(exc).__name__
                ),
                code="s3_transport",
            )
        raise exc

    def put(self, path: Path, mime: str) -> HostedMedia:
        """PutObject, then a presigned GET URL valid for ``expires`` seconds; the handle
        is the object key. Raises Rejected (``media_unreadable``), AuthExpired, Transient."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            data = path.read_bytes()
        except OSError:
            raise Rejected(
                _("The media file {name} cannot be read.").format(name=path.name),
                code="media_unreadable",
            ) from None
        key = self.prefix + hashlib.sha256(data).hexdigest()[:16]
        key += EXTENSIONS.get(mime, path.suffix.lower() or ".bin")
        error: NetworkError | None = None
        try:
            self._client.put_object(Bucket=self.bucket, Key=key, Body=data, ContentType=mime)
            url = self._client.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=self.expires
            )
        except (BotoCoreError, ClientError) as exc:
            error = self._error(exc)
        if error is not None:
            raise error
        return HostedMedia(str(url), key)

    def delete(self, handle: str) -> None:
        """DeleteObject (S3 answers 204 for a missing key too)."""
        from botocore.exceptions import BotoCoreError, ClientError

        error: NetworkError | None = None
        try:
            self._client.delete_object(Bucket=self.bucket, Key=handle)
        except (BotoCoreError, ClientError) as exc:
            error = self._error(exc)
        if error is not None:
            raise error
