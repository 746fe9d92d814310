"""Findings as plain text lines, for the command line and logs."""

from __future__ import annotations

from collections.abc import Sequence

from app.checks.model import Finding
from app.i18n import _


def severity_label(finding: Finding) -> str:
    """``error`` or ``warning`` in the user's language."""
    return _("error") if finding.is_error else _("warning")


def format_finding(text: str, finding: Finding) -> str:
    """One line: ``severity [network] field: message``, then the quoted span and the
    suggestion on indented lines when there are some."""
    where = finding.field if finding.network is None else f"{finding.network} {finding.field}"
    lines = [f"{severity_label(finding)}: [{where}] {finding.message}"]
    quote = finding.quote(text)
    if quote:
        start, end = finding.span or (0, 0)
        short = " ".join(quote.split())
        if len(short) > 80:
            short = short[:79] + "…"
        lines.append(
            "    " + _("at {start}-{end}: “{quote}”").format(start=start, end=end, quote=short)
        )
    if finding.suggestion:
        lines.append("    " + _("suggestion: {suggestion}").format(suggestion=finding.suggestion))
    return "\n".join(lines)


def format_findings(text: str, findings: Sequence[Finding]) -> str:
    """Every finding (see :func:`format_finding`) and a count line at the end."""
    errors = sum(f.is_error for f in findings)
    lines = [format_finding(text, f) for f in findings]
    lines.append(
        _("{errors} error(s), {warnings} warning(s)").format(
            errors=errors, warnings=len(findings) - errors
        )
    )
    return "\n".join(lines)
