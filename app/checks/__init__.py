"""Pre-publish checks of a post (issue 7): dates in the text, length, media, links,
repeats and hashtags. Pure library: no Qt, no network access unless asked for.

Entry point: :func:`run_checks` → a list of :class:`Finding`. Each module does one job:

* :mod:`.model`: Finding, MediaItem, KeyDate;
* :mod:`.datewords`, :mod:`.datefind`, :mod:`.dates`: dates and relative days (es, ca, en);
* :mod:`.length`: characters per network, counted by the network's class;
* :mod:`.limits`: per-network media and caption limits as data;
* :mod:`.video`: container, codec, pixels and duration of MP4/MOV files (mutagen);
* :mod:`.media`, :mod:`.links`, :mod:`.repeats`, :mod:`.hashtags`;
* :mod:`.report`: findings as lines of text (the ``pregonero check`` command).
"""

from app.checks.links import Fetch, LinkStatus, http_fetch
from app.checks.model import ERROR, WARNING, Finding, KeyDate, MediaItem, Severity
from app.checks.run import run_checks

__all__ = [
    "ERROR",
    "WARNING",
    "Fetch",
    "Finding",
    "KeyDate",
    "LinkStatus",
    "MediaItem",
    "Severity",
    "http_fetch",
    "run_checks",
]
