"""Finding dates and relative-day words in a post's text (no judgement: see dates.py).

Recognised forms (case and accents do not matter; URLs and e-mails are skipped):

* numeric, **day first** (the Spanish order): ``18/01/2027``, ``18-1-27``, ``18.01.2027``;
  ``18/01`` without a year only after a word such as "el", "del", "al", "on", "until".
  Month-first (US) order is never assumed: ``01/18/2027`` is reported as a date whose
  month does not exist, with the day-first reading offered;
* ISO ``2027-01-18``;
* written: ``18 de enero [de 2027]``, ``18 de gener``, ``l'1 de febrer``, ``18 d'abril``,
  ``18 January 2027``, ``18th of January``, ``January 18, 2027``, ``Jan 18``, ``18 Jan``;
* with a weekday before (``lunes 18 de enero``, ``el dimecres, 20 de gener``,
  ``Mon 18 Jan``, ``Monday the 18th of January``) or in brackets after
  (``18 de enero (lunes)``);
* day lists and ranges that borrow the month of the date that closes them:
  ``lunes 18 y martes 19 de enero``, ``del 18 al 25 de enero``, ``18-19 January``;
* a weekday and a day without month: ``el lunes 18 se abre...`` (kind ``"bare"``).

Not dates: times (``10:00``, ``10.00``), numbers (``850``, ``12.000``), phone numbers,
percentages, decimals, a year alone, ordinal words, "(1/4)" or "24/7".

Relative-day words ("mañana", "hui", "demà passat", "tomorrow") get the date they speak
about, if the text gives one (:func:`find_relatives`):

* a date or weekday written right next to them: "Mañana, lunes 18 de enero", "hoy es
  lunes", "Today (1 February)", "el lunes 18 de enero (mañana)";
* else the first later date of the same clause when the clause makes that date the day
  of the relative word's event (:func:`_link`): an optional comma, a short subject, a
  linking verb ("se abre", "comienza", "termina", "es", "s'obri", "opens", "is"...),
  then the date right after the verb, or after a short phrase and a colon, comma or
  bracket: "Mañana se abre el plazo: 18/01/2027", "Demà s'obri el termini, dilluns 18
  de gener", "Tomorrow the application window opens (Monday 18 January)". Nothing else
  links them: not ";" or "." (another clause or sentence), not "y/i/and", "que/that",
  not "hasta/desde/para/until/from/for", not a time or number, not another date between.
  So "Hoy publicamos la lista; el plazo se abre el 18 de enero" compares nothing: "hoy"
  has no date of its own. When in doubt, nothing is linked and nothing is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from app.checks.datewords import (
    EN_MONTH_RE,
    LONG_WEEKDAY_RE,
    MONTH_RE,
    MONTHS,
    RELATIVE,
    RELATIVE_RE,
    WEEKDAY_RE,
    WEEKDAYS,
)
from app.checks.textutil import masked_for_words

Span = tuple[int, int]

MIN_YEAR, MAX_YEAR = 1900, 2199
"""A four-digit number after a month is a year only in this range."""

_ORD = r"(?:st|nd|rd|th|\.?º|\.?ª)?"
_NOT_BEFORE_NUM = r"(?<![\w/:])(?<!\d[.,])"
_NUM_END = r"(?!\w|[/.:,-]\d)"

_ISO = re.compile(r"(?<![\w/.:,-])(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})" + _NUM_END)
_DMY = re.compile(
    r"(?<![\w/.:,-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)"
    r"(?P<year>\d{4}|\d{2})" + _NUM_END
)
_DM = re.compile(r"(?<![\w/.:,-])(?P<day>\d{1,2})/(?P<month>\d{1,2})" + _NUM_END)
_DM_INTRO = re.compile(
    r"(?:\b(?:el|del|al|dia|on|by|until|till|before|from|hasta|desde|fins|des|a|the)\s+"
    r"|\bl')$"
)
_WRITTEN_DM = re.compile(
    _NOT_BEFORE_NUM
    + r"(?P<day>\d{1,2})"
    + _ORD
    + r"\s+(?P<prep>de\s+|d'\s*|of\s+(?:the\s+)?)?"
    + r"(?P<month>"
    + MONTH_RE
    + r")(?!\w)(?P<dot>\.)?"
    + r"(?:(?P<ysep>\s+(?:de|del)\s+|,\s*|\s+)(?P<year>\d{4})(?!\w|[.,]\d))?"
)
_WRITTEN_MD = re.compile(
    r"(?<!\w)(?P<month>"
    + EN_MONTH_RE
    + r")(?!\w)(?P<dot>\.)?\s+"
    + r"(?P<dayord>(?P<day>\d{1,2})(?:st|nd|rd|th)?)(?!\w|[/.:,]\d|\s*%)"
    + r"(?:(?P<ysep>,\s*|\s+)(?P<year>\d{4})(?!\w|[.,]\d))?"
)
_WEEKDAY_BEFORE = re.compile(
    r"(?<!\w)(?P<wd>" + WEEKDAY_RE + r")(?P<dot>\.)?(?:\s*,\s*|\s+)"
    r"(?:(?:el|the|dia|day)\s+)?$"
)
_WEEKDAY_AFTER = re.compile(r"\s*\(\s*(?P<wd>" + WEEKDAY_RE + r")\.?\s*\)")
_CHAIN_CONJ = (
    r",|&|-|\by\b|\be\b|\bi\b|\band\b|\bor\b|\bo\b|\bu\b|\bal\b|\ba\b|\bto\b"
    r"|\bhasta(?:\s+el)?|\bfins(?:\s+al|\s+a|\s+el)?|\buntil\b|\btill\b|\bthrough\b"
)
_CHAIN_LINK = re.compile(
    r"(?<![\w/:.,])(?:(?P<wd>" + LONG_WEEKDAY_RE + r")(?:\s*,\s*|\s+)(?:(?:el|dia|the)\s+)?)?"
    r"(?P<dayord>(?P<day>\d{1,2})" + _ORD + r")\s*(?P<conj>" + _CHAIN_CONJ + r")"
    r"\s*(?:(?:el|the|dia)\s+|l')?$"
)
_RANGE_CONJ = re.compile(
    r"\s*(?:-|\bal\b|\ba\b|\bto\b|\bhasta(?:\s+el)?|\bfins(?:\s+(?:al|a|el))?|\buntil\b"
    r"|\btill\b|\bthrough\b)\s*(?:(?:el|the|dia)\s+|l')?$"
)
_RANGE_WORDS = {"-", "al", "a", "to", "hasta", "fins", "until", "till", "through"}
_BARE = re.compile(
    r"(?<!\w)(?P<wd>" + LONG_WEEKDAY_RE + r")(?:\s*,\s*|\s+)(?:(?:el|dia|the|day)\s+)?"
    r"(?P<day>\d{1,2})" + _ORD + r"(?!\w|[/.:,]\d|\s*%)"
    r"(?=\s*(?:[,.;:!?)\]]|$|s'|(?:y|i|e|and|se|a|al|en|de|del|hasta|fins|at|from|on|es|is"
    r"|sera|will|we|the|ens|nos|te|et|us|you)\b))"
)
_RELATIVE = re.compile(r"(?<![\w'-])(?P<rel>" + RELATIVE_RE + r")(?![\w'])")
_NOT_TOMORROW_BEFORE = re.compile(
    r"\b(?:la|esta|esa|una|cada|toda|media|aquella|buena|las|dia de|el dia de)\s+$"
)
_NOT_TODAY_AFTER = re.compile(r"\s+(?:en\s+)?dia\b|\s+por\s+hoy\b")
_NOT_DEMA_BEFORE = re.compile(r"\b(?:el|dia de)\s+$")
_ATTACHED_AFTER = re.compile(r"\s*(?:[,:(]\s*|-\s*)?(?:(?:es|is|sera|will be|el|the|on)\s+)*")
_ATTACHED_BEFORE = re.compile(r"\s*\(\s*$")
_LONE_WEEKDAY = re.compile(r"(?P<wd>" + LONG_WEEKDAY_RE + r")(?!\w)")

# Linking a relative word to a later date of its clause (see :func:`_link`). Folded forms.
_LINK_VERBS = (
    # es
    "se abre", "se abren", "abre", "abren", "comienza", "comienzan", "empieza", "empiezan",
    "se cierra", "se cierran", "cierra", "cierran", "termina", "terminan", "acaba", "acaban",
    "finaliza", "finalizan", "es", "son", "sera", "seran",
    # ca
    "s'obri", "s'obre", "s'obrin", "s'obren", "obri", "obre", "obrin", "obren", "comenca",
    "comencen", "es tanca", "es tanquen", "tanca", "tanquen", "acaba", "acaben", "finalitza",
    "finalitzen", "termina", "acabara", "sera", "seran",
    # en
    "opens", "open", "will open", "starts", "start", "will start", "begins", "begin",
    "will begin", "closes", "close", "will close", "ends", "end", "will end", "is", "are",
    "will be",
)  # fmt: skip
_LINK_VERB = (
    r"(?:" + "|".join(re.escape(v) for v in sorted(set(_LINK_VERBS), key=len, reverse=True)) + r")"
)
# Words that start another clause or change what the date is (a range, a deadline):
# a phrase containing one is not a plain subject, so nothing is linked across it.
_NOT_SUBJECT = (
    r"(?:y|e|o|u|i|ni|and|or|nor|but|pero|sino|pero|mas|que|qui|which|that|who|whose"
    r"|porque|perque|because|cuando|quan|when|mientras|while|si|if|hasta|fins|until|till"
    r"|desde|des|since|from|antes|abans|before|despues|despres|after|para|per|for|by)"
)
_SUBJECT_WORD = r"(?!" + _NOT_SUBJECT + r"(?![\w'-]))[^\W\d_][\w'-]*"
_PHRASE = r"(?:" + _SUBJECT_WORD + r"\s+){0,6}"
_LINKED_GAP = re.compile(
    r"\s*(?:,\s*)?"
    + _PHRASE
    + _LINK_VERB
    + r"(?:"
    # the verb, then the date: "comienza el 18 de enero", "is on 18 January"
    + r"\s+(?:(?:el|la|the|on|dia|day)\s+|l')?"
    # or the verb's subject, then a colon, comma or bracket: "se abre el plazo: 18/01"
    + r"|(?:\s+"
    + _SUBJECT_WORD
    + r"){0,6}\s*[:,(]\s*(?:(?:el|la|the|on|dia|day)\s+|l')?"
    + r")"
)


@dataclass(frozen=True)
class DateMention:
    """A date as written in the text, not yet checked.

    * ``span``: the whole mention, weekday included; ``core``: without the weekday.
    * ``day``, ``month``: as written (``month`` is 0 for kind ``"bare"``);
      ``year``: four digits (two-digit years become 20YY) or ``None`` if not written.
    * ``kind``: ``"numeric"`` (18/01/2027), ``"iso"``, ``"written"`` (18 de enero),
      ``"implied"`` (a day that borrows the month of the next date: "del 18 al 25 de
      enero") or ``"bare"`` (weekday and day only: "el lunes 18").
    * ``weekday``: 0 = Monday ... 6 = Sunday, when a weekday word goes with the date;
      ``weekday_span`` and ``weekday_key`` (folded word, see datewords.WEEKDAYS).
    * ``day_span``, ``month_span``, ``year_span``: where each part is written;
      ``month_key``: folded month word for written dates; ``prep_span``: the "de "/"d'"
      between day and month.
    * ``month_first``: numeric date whose day-first reading is impossible but whose
      month-first reading is a real date (01/18/2027).
    * ``range_start``: the date opens a range ("del 18 de enero al 1 de febrero").
    """

    span: Span
    core: Span
    day: int
    month: int
    year: int | None
    kind: str
    day_span: Span
    month_span: Span | None = None
    year_span: Span | None = None
    month_key: str | None = None
    prep_span: Span | None = None
    weekday: int | None = None
    weekday_span: Span | None = None
    weekday_key: str | None = None
    month_first: bool = False
    range_start: bool = False


@dataclass(frozen=True)
class RelativeMention:
    """A relative-day word ("mañana", "avui", "tomorrow") and what it is attached to.

    ``offset``: days from the publish date (1 for "mañana"); ``lang``: its language.
    ``date``: the date mention it speaks about, if any: written next to it ("Mañana,
    lunes 18 de enero") or linked to it by its clause ("Mañana se abre el plazo: 18/01");
    ``weekday``/``weekday_span``: a weekday word next to it without a date ("hoy lunes").
    """

    span: Span
    key: str
    offset: int
    lang: str
    date: DateMention | None = None
    weekday: int | None = None
    weekday_span: Span | None = None


def _span(m: re.Match[str], group: str, base: int = 0) -> Span:
    start, end = m.span(group)
    return (start + base, end + base)


def _numeric(work: str) -> list[DateMention]:
    found: list[DateMention] = []
    for m in _ISO.finditer(work):
        found.append(
            DateMention(
                m.span(),
                m.span(),
                int(m["day"]),
                int(m["month"]),
                int(m["year"]),
                "iso",
                _span(m, "day"),
                _span(m, "month"),
                _span(m, "year"),
            )
        )
    for m in _DMY.finditer(work):
        year = int(m["year"])
        found.append(
            DateMention(
                m.span(),
                m.span(),
                int(m["day"]),
                int(m["month"]),
                year + 2000 if len(m["year"]) == 2 else year,
                "numeric",
                _span(m, "day"),
                _span(m, "month"),
                _span(m, "year"),
            )
        )
    for m in _DM.finditer(work):
        if _DM_INTRO.search(work, max(0, m.start() - 12), m.start()):
            found.append(
                DateMention(
                    m.span(),
                    m.span(),
                    int(m["day"]),
                    int(m["month"]),
                    None,
                    "numeric",
                    _span(m, "day"),
                    _span(m, "month"),
                )
            )
    result = []
    for d in found:
        if 1 <= d.day <= 31 and 1 <= d.month <= 12:
            result.append(d)
        elif 1 <= d.day <= 12 and 1 <= d.month <= 31:
            result.append(replace(d, month_first=True))
    return result


def _written(work: str) -> list[DateMention]:
    found = []
    for m in _WRITTEN_DM.finditer(work):
        word = MONTHS[m["month"]]
        if (word.needs_dot and not m["dot"]) or not 1 <= int(m["day"]) <= 31:
            continue
        year: int | None = None
        year_span: Span | None = None
        if m["dot"] and not word.short:
            end = m.end("month")  # a full stop after a whole month name ends the sentence
        elif (
            m["year"]
            and ("de" in m["ysep"] or "en" in word.langs)
            and (MIN_YEAR <= int(m["year"]) <= MAX_YEAR)
        ):
            end, year, year_span = m.end(), int(m["year"]), m.span("year")
        else:
            end = m.end("dot") if m["dot"] else m.end("month")
        prep = m.span("prep") if m["prep"] else None
        found.append(
            DateMention(
                (m.start(), end),
                (m.start(), end),
                int(m["day"]),
                word.number,
                year,
                "written",
                m.span("day"),
                m.span("month"),
                year_span,
                m["month"],
                prep,
            )
        )
    for m in _WRITTEN_MD.finditer(work):
        word = MONTHS[m["month"]]
        if (word.needs_dot and not m["dot"]) or not 1 <= int(m["day"]) <= 31:
            continue
        year, year_span = None, None
        end = m.end("dayord")
        if m["year"] and MIN_YEAR <= int(m["year"]) <= MAX_YEAR:
            end, year, year_span = m.end(), int(m["year"]), m.span("year")
        found.append(
            DateMention(
                (m.start(), end),
                (m.start(), end),
                int(m["day"]),
                word.number,
                year,
                "written",
                m.span("day"),
                m.span("month"),
                year_span,
                m["month"],
            )
        )
    return found


def _without_overlaps(mentions: list[DateMention]) -> list[DateMention]:
    """Keep the longest of overlapping mentions (earliest first on ties)."""
    kept: list[DateMention] = []
    for d in sorted(mentions, key=lambda d: (d.span[0], -(d.span[1] - d.span[0]))):
        if kept and d.span[0] < kept[-1].span[1]:
            continue
        kept.append(d)
    return kept


def _with_weekday(work: str, d: DateMention, floor: int) -> DateMention:
    start = d.span[0]
    before = _WEEKDAY_BEFORE.search(work, max(floor, start - 40), start)
    if before:
        key = before["wd"]
        return replace(
            d,
            span=(before.start(), d.span[1]),
            weekday=WEEKDAYS[key].number,
            weekday_span=before.span("wd"),
            weekday_key=key,
        )
    after = _WEEKDAY_AFTER.match(work, d.span[1])
    if after:
        key = after["wd"]
        return replace(
            d,
            span=(d.span[0], after.end()),
            weekday=WEEKDAYS[key].number,
            weekday_span=after.span("wd"),
            weekday_key=key,
        )
    return d


def _chain(work: str, anchor: DateMention, floor: int) -> list[DateMention]:
    """Days before ``anchor`` that borrow its month ("del 18 al 25 de enero"): in text order.

    Each day must be smaller than the one after it, so "30 y 2 de febrero" is no chain.
    """
    members: list[DateMention] = []
    start, next_day = anchor.span[0], anchor.day
    while True:
        m = _CHAIN_LINK.search(work, max(floor, start - 40), start)
        if not m or not 1 <= int(m["day"]) < next_day:
            break
        conj = m["conj"].split()[0]
        member = DateMention(
            (m.start(), m.end("dayord")),
            m.span("dayord"),
            int(m["day"]),
            anchor.month,
            anchor.year,
            "implied",
            m.span("day"),
            range_start=conj in _RANGE_WORDS,
        )
        if m["wd"]:
            member = replace(
                member,
                weekday=WEEKDAYS[m["wd"]].number,
                weekday_span=m.span("wd"),
                weekday_key=m["wd"],
            )
        members.insert(0, member)
        start, next_day = m.start(), int(m["day"])
    return members


def find_dates(text: str) -> list[DateMention]:
    """Every date written in ``text``, in order. Offsets are into ``text`` itself."""
    work = masked_for_words(text)
    cores = _without_overlaps(_numeric(work) + _written(work))
    mentions: list[DateMention] = []
    floor = 0
    for d in cores:
        d = _with_weekday(work, d, floor)
        members = _chain(work, d, floor)
        mentions.extend(members)
        mentions.append(d)
        floor = d.span[1]
    mentions = _without_overlaps(mentions)
    marked = []
    for i, d in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and d.kind != "implied":
            gap = work[d.span[1] : nxt.span[0]]
            if _RANGE_CONJ.fullmatch(gap):
                d = replace(d, range_start=True)
        marked.append(d)
    taken = [d.span for d in marked]
    for m in _BARE.finditer(work):
        if any(m.start() < end and start < m.end() for start, end in taken):
            continue
        key = m["wd"]
        marked.append(
            DateMention(
                m.span(),
                (m.start("day"), m.end()),
                int(m["day"]),
                0,
                None,
                "bare",
                m.span("day"),
                weekday=WEEKDAYS[key].number,
                weekday_span=m.span("wd"),
                weekday_key=key,
            )
        )
    return sorted(marked, key=lambda d: d.span)


def find_relatives(text: str, dates: list[DateMention]) -> list[RelativeMention]:
    """Relative-day words in ``text`` with the date or weekday they speak about (next to
    them, or linked by the clause: see the module docstring).

    ``dates`` is :func:`find_dates` of the same text. Uses of the words that are not
    about a day are left out: "por la mañana", "esta mañana", "hoy en día", "avui dia",
    "el demà", "el día de mañana".
    """
    work = masked_for_words(text)
    found = []
    for m in _RELATIVE.finditer(work):
        key = m["rel"]
        before = work[max(0, m.start() - 16) : m.start()]
        if key == "manana" and _NOT_TOMORROW_BEFORE.search(before):
            continue
        if key == "dema" and _NOT_DEMA_BEFORE.search(before):
            continue
        if key in ("hoy", "hui", "avui") and _NOT_TODAY_AFTER.match(work, m.end()):
            continue
        offset, lang = RELATIVE[key]
        rel = RelativeMention(m.span(), key, offset, lang)
        rel = _attach(work, rel, dates)
        if rel.date is None and rel.weekday is None:
            rel = _link(work, rel, dates)
        found.append(rel)
    return found


def _attach(work: str, rel: RelativeMention, dates: list[DateMention]) -> RelativeMention:
    """``rel`` with the date or lone weekday written right after it ("Mañana, lunes 18 de
    enero", "hoy es lunes", "Today (1 February)"), or right before it in brackets."""
    gap = _ATTACHED_AFTER.match(work, rel.span[1])
    at = gap.end() if gap else rel.span[1]
    for d in dates:
        if d.span[0] == at:
            return replace(rel, date=d)
        if (
            d.span[1] <= rel.span[0]
            and _ATTACHED_BEFORE.fullmatch(work, d.span[1], rel.span[0])
            and work[rel.span[1] :].lstrip().startswith(")")
        ):
            return replace(rel, date=d)  # "el lunes 18 de enero (mañana)"
    wd = _LONE_WEEKDAY.match(work, at)
    if wd:
        return replace(rel, weekday=WEEKDAYS[wd["wd"]].number, weekday_span=wd.span("wd"))
    return rel


def _link(work: str, rel: RelativeMention, dates: list[DateMention]) -> RelativeMention:
    """``rel`` with the date that names the day of its event, when the clause says so.

    Only the first date after ``rel`` is considered, and only when everything between
    them is (folded) the relative word's own clause: an optional comma, at most six
    words of subject, one linking verb (:data:`_LINK_VERBS`: "se abre", "comienza",
    "es", "s'obri", "opens", "is"...), then either the date right after the verb
    ("mañana comienza el 18 de enero") or at most six more words and a colon, comma or
    opening bracket before it ("mañana se abre el plazo: 18/01/2027", "demà s'obri el
    termini, dilluns 18 de gener", "tomorrow the window opens (Monday 18 January)").
    No digits, other punctuation (";", ".", "?"), conjunctions, relative pronouns or
    range and deadline words ("y", "que", "hasta", "desde", "para"...) may come between:
    "Hoy publicamos la lista; el plazo se abre el 18 de enero" links nothing. Dates that
    open a range are never linked. When in doubt nothing is linked (no finding).
    """
    later = [d for d in dates if d.span[0] >= rel.span[1]]
    if not later:
        return rel
    first = later[0]
    if (
        first.range_start
        or "\n" in work[rel.span[1] : first.span[0]]  # another line: another sentence
        or _LINKED_GAP.fullmatch(work, rel.span[1], first.span[0]) is None
    ):
        return rel
    return replace(rel, date=first)
