"""Careful publishing around :func:`app.checks.run_checks`: what a post is checked with,
which errors the user overrode, and the rule "errors block unless overridden".

The checks run when a post is scheduled or published now (:class:`PostService`) and
again just before a delivery goes out (:class:`PublishingService`). Overrides are kept
per post and finding code, with the user's reason, and logged in the post's record.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from app.checks import Finding, KeyDate, MediaItem, run_checks
from app.checks.links import DEFAULT_TIMEOUT, Fetch
from app.clock import Clock
from app.errors import Problem, ValidationError
from app.i18n import _
from app.models import DeliveryState, Post
from app.networks.registry import network_class
from app.placeholders import render, unknown_placeholders
from app.services.quota import quota_findings_for
from app.storage.planning import key_date_names
from app.storage.repository import CheckOverride, Store

#: How far back published posts of the same account count as "recent" for repeats.
RECENT_DAYS = 30
#: Shortest override reason accepted (a few words, not a single key press).
MIN_REASON_CHARS = 3


@dataclass(frozen=True)
class CheckInput:
    """Everything :func:`app.checks.run_checks` needs about one post (see its docstring)."""

    text: str
    publish_at: datetime
    tz: str
    networks: tuple[str, ...] = ()
    media: tuple[MediaItem, ...] = ()
    link: str | None = None
    language: str | None = None
    key_date: KeyDate | None = None
    recent_texts: tuple[str, ...] = ()
    media_names: tuple[str, ...] = ()
    """The photos' names as the user knows them (stored copies have hashed names)."""
    kinds: tuple[tuple[str, str], ...] = ()
    """``(network, kind)`` of networks whose version is not a feed post ("reel", "story")."""

    def run(
        self, *, online: bool = False, fetch: Fetch | None = None, timeout: float = DEFAULT_TIMEOUT
    ) -> list[Finding]:
        """The findings for this input, errors first (offline: milliseconds, no I/O)."""
        findings = run_checks(
            self.text,
            publish_at=self.publish_at,
            tz=self.tz,
            networks=self.networks,
            media=self.media,
            link=self.link,
            language=self.language,
            key_date=self.key_date,
            recent_texts=self.recent_texts,
            online=online,
            fetch=fetch,
            timeout=timeout,
            kinds=dict(self.kinds),
        )
        return [self._named(f) for f in findings]

    def _named(self, finding: Finding) -> Finding:
        """``finding`` with the stored copy's file name replaced by the original one."""
        kind, _sep, index = finding.field.partition(":")
        if kind != "media" or not index.isdigit() or int(index) >= len(self.media_names):
            return finding
        n = int(index)
        if n >= len(self.media) or not self.media_names[n]:
            return finding
        message = finding.message.replace(self.media[n].path.name, self.media_names[n])
        return replace(finding, message=message)

    def with_changes(self, **changes: object) -> CheckInput:
        """A copy with some fields replaced (the composer's unsaved text, for instance)."""
        return replace(self, **changes)  # type: ignore[arg-type]


class CheckErrors(ValidationError):
    """Check errors that block scheduling; ``findings`` are the errors not overridden."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        super().__init__([f.to_problem() for f in self.findings])


def blocking(findings: Iterable[Finding], overridden: Iterable[str]) -> list[Finding]:
    """The errors among ``findings`` whose code is not in ``overridden``."""
    skip = set(overridden)
    return [f for f in findings if f.is_error and f.code not in skip]


class CheckService:
    """Builds check inputs from the store and keeps the overrides of ``store``."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- inputs ----------------------------------------------------------------------
    def build(
        self,
        *,
        text: str,
        publish_at: datetime,
        tz: str,
        account_ids: Iterable[int] = (),
        media: Sequence[tuple[Path, str]] = (),
        link: str | None = None,
        language: str = "",
        key_date_id: int | None = None,
        post_id: int | None = None,
        media_names: Sequence[str] = (),
    ) -> CheckInput:
        """A check input for a post that may not be saved yet.

        Networks are those of ``account_ids``; recent texts are the same accounts' pending
        posts and those published in the last :data:`RECENT_DAYS` days (``post_id`` left out).
        """
        ids = list(dict.fromkeys(account_ids))
        networks: list[str] = []
        for account_id in ids:
            try:
                network = self.store.get_account(account_id).network
            except KeyError:
                continue
            if network not in networks:
                networks.append(network)
        key_date = None
        if key_date_id is not None:
            found = self.store.key_date(key_date_id)
            if found is not None:
                kd, campaign = found
                key_date = KeyDate(kd.name, kd.date, campaign)
        since = self.clock.now() - timedelta(days=RECENT_DAYS)
        recent = self.store.recent_texts(ids, since, exclude_post_id=post_id)
        return CheckInput(
            text=text,
            publish_at=publish_at,
            tz=tz,
            networks=tuple(sorted(networks)),
            media=tuple(MediaItem(Path(p), alt) for p, alt in media),
            link=link or None,
            language=language or None,
            key_date=key_date,
            recent_texts=tuple(recent),
            media_names=tuple(media_names),
        )

    def input_for(self, post: Post, when: datetime | None = None) -> CheckInput:
        """The check input of a stored post going out at ``when`` (default: its time, else now)."""
        targets = [d.account_id for d in post.deliveries if d.state != DeliveryState.CANCELLED]
        return self.build(
            text=post.text,
            publish_at=when or post.due_at or self.clock.now(),
            tz=post.tz,
            account_ids=targets,
            media=[(Path(m.path), m.alt_text) for m in post.media],
            link=post.link,
            language=post.language,
            key_date_id=post.pin_key_date_id,
            post_id=post.id,
            media_names=[m.original_name for m in post.media],
        ).with_changes(kinds=post_kinds(post))

    def findings(
        self, post: Post, when: datetime | None = None, *, online: bool = False
    ) -> list[Finding]:
        """Every finding about ``post`` going out at ``when``, on the text as it will go
        out (key-date placeholders filled); a placeholder that names no key date of the
        post's campaign is an error, so braces are never published raw."""
        key_dates: dict[str, date] = {}
        if post.campaign_id is not None:
            names = key_date_names(self.store, post.campaign_id)
            key_dates = {name: date.fromisoformat(day) for name, day in names.items()}
        text = render(post.text, key_dates, post.language)
        base = self.input_for(post, when)
        own = [n for n in base.networks if _has_own_content(post, n)]
        main_networks = tuple(n for n in base.networks if n not in own)
        found = base.with_changes(text=text, networks=main_networks).run(online=online)
        seen = {(f.code, f.message) for f in found}
        for network in own:
            for finding in self._variant_findings(post, network, base, key_dates, online):
                if (finding.code, finding.message) not in seen:
                    seen.add((finding.code, finding.message))
                    found.append(finding)
        unknown = [
            Finding(
                code="placeholder_unknown",
                severity="error",
                message=_(
                    "{{{name}}} names no key date of this post's campaign, so it would be "
                    "published as written. Known: {known}."
                ).format(name=name, known=", ".join(sorted(key_dates)) or _("none")),
                span=_span(text, "{" + name + "}"),
            )
            for name in dict.fromkeys(unknown_placeholders(post.text, key_dates))
        ]
        quota = quota_findings_for(self.store, post, when or post.due_at or self.clock.now())
        return unknown + quota + found

    def _variant_findings(
        self,
        post: Post,
        network: str,
        base: CheckInput,
        key_dates: dict[str, date],
        online: bool,
    ) -> list[Finding]:
        """Findings about ``network``'s own version of the post (its text, link, media),
        checked against that network only; messages name the network; no spans (they
        would point into the variant's text, not the main one)."""
        variant = post.variant(network)
        assert variant is not None
        text = render(
            variant.text if variant.text is not None else post.text, key_dates, post.language
        )
        changes: dict[str, object] = {"text": text, "networks": (network,)}
        if variant.link is not None:
            changes["link"] = variant.link or None
        if variant.own_media:
            changes["media"] = tuple(MediaItem(Path(m.path), m.alt_text) for m in variant.media)
            changes["media_names"] = tuple(m.original_name for m in variant.media)
        label = network_class(network).label
        return [
            replace(
                f,
                message=_("{network} version: {problem}").format(network=label, problem=f.message),
                span=None,
            )
            for f in base.with_changes(**changes).run(online=online)
        ]

    # -- overrides -------------------------------------------------------------------
    def overrides(self, post_id: int) -> list[CheckOverride]:
        """The overrides recorded for the post, oldest first."""
        return self.store.check_overrides(post_id)

    def overridden_codes(self, post_id: int) -> set[str]:
        """Finding codes the user has overridden for the post."""
        return {o.code for o in self.overrides(post_id)}

    def require(
        self, post: Post, when: datetime, overrides: Mapping[str, str] | None = None
    ) -> list[Finding]:
        """Check ``post`` at ``when``; record the ``overrides`` ({code: reason}) it needs.

        Raises :class:`CheckErrors` with the errors neither overridden before nor in
        ``overrides``, and ValidationError for an override without a reason; nothing is
        recorded then. Returns every finding (warnings included).
        """
        findings = self.findings(post, when)
        given = _reasons(overrides)
        new = newly_overridden(findings, self.overridden_codes(post.id), given)
        self.store.add_check_overrides(
            post.id,
            [(f.code, given[f.code], f.message) for f in new],
            self.clock.now(),
        )
        return findings


def _has_own_content(post: Post, network: str) -> bool:
    """True if ``network``'s variant changes what is checked (text, link or media)."""
    variant = post.variant(network)
    return variant is not None and (
        variant.text is not None or variant.link is not None or variant.own_media
    )


def post_kinds(post: Post) -> tuple[tuple[str, str], ...]:
    """``(network, kind)`` of the post's versions that are not feed posts (media rules
    depend on it: an Instagram story or reel is 9:16, not 4:5 … 1.91:1)."""
    found = []
    for network, variant in sorted(post.variants.items()):
        kind = variant.options.get("kind") if isinstance(variant.options, dict) else None
        if isinstance(kind, str) and kind and kind != "feed":
            found.append((network, kind))
    return tuple(found)


def _span(text: str, needle: str) -> tuple[int, int] | None:
    start = text.find(needle)
    return None if start < 0 else (start, start + len(needle))


def _reasons(overrides: Mapping[str, str] | None) -> dict[str, str]:
    return {code: (reason or "").strip() for code, reason in (overrides or {}).items()}


def newly_overridden(
    findings: Sequence[Finding], earlier: Iterable[str], overrides: Mapping[str, str] | None
) -> list[Finding]:
    """The errors among ``findings`` that ``overrides`` ({code: reason}) newly overrides, one
    per code (codes in ``earlier`` were overridden before).

    Raises :class:`CheckErrors` listing the errors left uncovered, and ValidationError
    when an override needed has a reason shorter than :data:`MIN_REASON_CHARS`.
    """
    given = _reasons(overrides)
    before = set(earlier)
    left = blocking(findings, before | set(given))
    if left:
        raise CheckErrors(left)
    new: dict[str, Finding] = {}
    for finding in blocking(findings, before):
        new.setdefault(finding.code, finding)
    short = [f for f in new.values() if len(given.get(f.code, "")) < MIN_REASON_CHARS]
    if short:
        raise ValidationError(
            [
                Problem(
                    "override_reason",
                    _("Say in a few words why “{what}” can be published anyway.").format(
                        what=f.message
                    ),
                    f.field,
                )
                for f in short
            ]
        )
    return list(new.values())
