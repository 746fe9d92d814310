"""Wall-clock times in the user's zone, and the instants they mean.

Instants are stored as aware UTC datetimes (ISO-8601 text in SQLite) together with
the IANA zone the user meant. Local times that a DST change skips are refused
with the next valid time offered; local times that happen twice must be
disambiguated (``fold`` 0 = the first, summer-time one; 1 = the second).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.errors import Problem, ValidationError
from app.i18n import _

LOCAL_FORMAT = "%Y-%m-%d %H:%M"


class NonexistentTimeError(ValidationError):
    """The local time does not exist in that zone (DST skips it); ``next_valid`` is offered."""

    def __init__(self, local: datetime, zone: str, next_valid: datetime) -> None:
        self.next_valid = next_valid
        super().__init__(
            [
                Problem(
                    "time_skipped_by_dst",
                    _(
                        "{time} does not exist in {zone}: the clocks jump forward that night. "
                        "The next valid time is {next}."
                    ).format(
                        time=local.strftime(LOCAL_FORMAT),
                        zone=zone,
                        next=next_valid.strftime(LOCAL_FORMAT),
                    ),
                    "when",
                )
            ]
        )


class AmbiguousTimeError(ValidationError):
    """The local time happens twice in that zone (DST ends); ``options`` holds both instants."""

    def __init__(self, local: datetime, zone: str, options: tuple[datetime, datetime]) -> None:
        self.options = options
        first, second = (o.strftime("%H:%M %Z (UTC%z)") for o in options)
        super().__init__(
            [
                Problem(
                    "time_repeated_by_dst",
                    _(
                        "{time} happens twice in {zone}: the clocks go back that night. "
                        "Choose the first ({first}) or the second ({second})."
                    ).format(
                        time=local.strftime(LOCAL_FORMAT), zone=zone, first=first, second=second
                    ),
                    "when",
                )
            ]
        )


def zone(name: str) -> ZoneInfo:
    """The IANA zone ``name``. Raises ValidationError if it does not exist."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("Unknown time zone: {zone}").format(zone=name), code="unknown_zone"
        ) from None


def system_zone_name() -> str:
    """IANA name of the computer's time zone (``Europe/Madrid``...), ``UTC`` if unknown."""
    try:
        import tzlocal

        return str(tzlocal.get_localzone_name() or "UTC")
    except Exception:  # noqa: BLE001 - any failure means "unknown"
        return "UTC"


def parse_local(text: str) -> datetime:
    """Parse ``YYYY-MM-DD HH:MM[:SS]`` (a naive wall-clock time). Raises ValidationError."""
    for fmt in (LOCAL_FORMAT, LOCAL_FORMAT + ":%S"):
        try:
            return datetime.strptime(text.strip(), fmt)
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{2}(:\d{2})?", text.strip()):
        raise ValidationError(
            _("{text} is not a date and time that exists on the calendar.").format(
                text=text.strip()
            ),
            code="bad_time",
        )
    else:
        raise ValidationError(
            _(
                "Write the date and time as YYYY-MM-DD HH:MM, for example 2027-01-18 09:00 "
                "(got “{text}”)."
            ).format(text=text),
            code="bad_time",
        ) from None


def local_to_utc(local: datetime, zone_name: str, fold: int | None = None) -> datetime:
    """The aware UTC instant of naive wall-clock ``local`` in ``zone_name``.

    ``fold`` picks the occurrence of a repeated time (0 first, 1 second); ``None`` means
    the caller has not chosen and a repeated time raises AmbiguousTimeError.
    Raises NonexistentTimeError for a skipped time.
    """
    tz = zone(zone_name)
    naive = local.replace(tzinfo=None, microsecond=0)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    back = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != naive:
        # Skipped: walk forward minute by minute to the first wall time that exists.
        probe = naive
        for _i in range(24 * 60):
            probe += timedelta(minutes=1)
            candidate = probe.replace(tzinfo=tz)
            if candidate.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == probe:
                raise NonexistentTimeError(naive, zone_name, probe)
        raise NonexistentTimeError(naive, zone_name, naive + timedelta(hours=1))
    if first.utcoffset() != second.utcoffset():
        if fold is None:
            raise AmbiguousTimeError(
                naive,
                zone_name,
                (first.astimezone(UTC).astimezone(tz), second.astimezone(UTC).astimezone(tz)),
            )
        return (second if fold else first).astimezone(UTC)
    return first.astimezone(UTC)


def to_local(instant: datetime, zone_name: str) -> datetime:
    """The aware instant shown in the zone ``zone_name``."""
    return instant.astimezone(zone(zone_name))


def format_local(instant: datetime | None, zone_name: str) -> str:
    """``YYYY-MM-DD HH:MM`` in ``zone_name``, or an empty string for None."""
    if instant is None:
        return ""
    return to_local(instant, zone_name).strftime(LOCAL_FORMAT)


def to_iso(instant: datetime) -> str:
    """Aware instant -> ISO-8601 UTC text for storage (``2027-01-18T08:00:00+00:00``)."""
    if instant.tzinfo is None:
        raise ValueError("naive datetime")
    return instant.astimezone(UTC).isoformat(timespec="seconds")


def from_iso(text: str | None) -> datetime | None:
    """Stored ISO text -> aware UTC datetime (None stays None)."""
    if not text:
        return None
    return datetime.fromisoformat(text).astimezone(UTC)


def parse_rfc3339(value: object) -> datetime | None:
    """An RFC 3339 timestamp from a network API (``"2027-01-20T10:00:01.000Z"``) as an
    aware UTC datetime; None when ``value`` is not readable text (naive = UTC)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def rfc3339(when: datetime) -> str:
    """Aware ``when`` as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC, whole seconds), as X's
    ``start_time`` and YouTube's ``publishAt`` take it."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
