"""Masking secrets (tokens, client secrets, authorization values) in text and log records."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

_MASK = "***"
_SECRET_PARAM = re.compile(
    r"(?i)((?:access_token|input_token|fb_exchange_token|client_secret|refresh_token|password)"
    r"(?:=|%3D|[\"']?\s*:\s*[\"']?))[^&\s\"',;}]+"
)
# An OAuth authorization code in a query string or form (``?code=``/``&code=``) and the
# PKCE verifier; a bare ``code=`` (e.g. "error code=190" in our own logs) is left alone.
_OAUTH_CODE = re.compile(r"(?i)((?:[?&]code|code_verifier)(?:=|%3D))[^&\s\"',;}]+")
_AUTH_HEADER = re.compile(
    r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?)(?:(?:bearer|oauth|basic)\s+)?[^\s\"',}]+"
)
_AUTH_SCHEME = re.compile(r"(?i)\b(bearer|oauth)\s+[A-Za-z0-9._~+/=|-]{8,}")


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """Return ``text`` with credentials masked as ``***``.

    Masks ``access_token=...`` (and other token-like query/form/JSON parameters),
    ``Authorization`` header values, ``Bearer``/``OAuth`` credentials and every exact
    occurrence of the strings in ``secrets`` (empty strings are ignored).
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, _MASK)
    text = _SECRET_PARAM.sub(lambda m: m.group(1) + _MASK, text)
    text = _OAUTH_CODE.sub(lambda m: m.group(1) + _MASK, text)
    text = _AUTH_HEADER.sub(lambda m: m.group(1) + _MASK, text)
    return _AUTH_SCHEME.sub(lambda m: m.group(1) + " " + _MASK, text)


class RedactingFilter(logging.Filter):
    """Logging filter that masks credentials in a record's message (see :func:`redact`).

    urllib3 logs every request line at DEBUG, query string included
    (``"GET /v25.0/1?access_token=... HTTP/1.1" 200``); this filter is installed on the
    loggers of urllib3 and requests when this module is imported. A filter on a logger
    only sees records created by that very logger, hence one per module logger.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: leave it to logging
            return True
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
