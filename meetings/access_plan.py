"""A meeting's access plan: what everyone taking part needs, and whether it is arranged.

Each person invited who has not sent apologies brings their access requirements (recorded
once, in `people`). Whether a requirement is met depends on how they take part: a hearing
loop matters in the room, not on a video call; papers in easy read matter to everyone,
including those who only send written input. The venue's features, the support booked, the
agenda's breaks and the papers' formats meet them. A need that cannot be met needs a
recorded reason, and what was offered instead, before the meeting can be marked ready.

The plan keeps who needs what (for the few who may see it) apart from the counts by member
type that everyone who sees the plan reads. Rules are keyed by the catalogue's codes (see
`people/catalogue.py`); entries administrators add later have no rule, so they are listed
for checking by hand rather than being taken as met.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.models import (
    FORMAT_FOR_NEED,
    AgendaItem,
    Arrangement,
    ArrangementKind,
    AttendanceWay,
    Invitee,
    Meeting,
    PaperFormat,
    PaperVersion,
    Reply,
    UnmetNeedReason,
    Venue,
)
from meetings.timing import duration_words, longest_stretch_without_break
from people.models import AccessNeed, AccessNeedType, MemberType


class Status(enum.StrEnum):
    """How one need is met, from worst to best. The order decides a row's overall status."""

    UNMET = "unmet"
    CHECK = "check"  # no rule we can apply: a person checks it
    UNCONFIRMED = "unconfirmed"  # booked but not confirmed yet
    REASON = "reason"  # cannot be met; the reason and what was offered are recorded
    MET = "met"
    NOT_APPLICABLE = "not_applicable"  # not needed for the way they take part

    @property
    def label(self) -> str:
        return {
            Status.UNMET: _("Not met"),
            Status.CHECK: _("Check by hand"),
            Status.UNCONFIRMED: _("Booked, not confirmed"),
            Status.REASON: _("Cannot be met: reason recorded"),
            Status.MET: _("Met"),
            Status.NOT_APPLICABLE: _("Not needed for how they take part"),
        }[self]

    @property
    def tag_class(self) -> str:
        return {
            Status.UNMET: "govuk-tag--red",
            Status.CHECK: "govuk-tag--orange",
            Status.UNCONFIRMED: "govuk-tag--yellow",
            Status.REASON: "govuk-tag--purple",
            Status.MET: "govuk-tag--green",
            Status.NOT_APPLICABLE: "govuk-tag--grey",
        }[self]


@dataclass(frozen=True)
class Outcome:
    status: Status
    how: str  # in words: what meets it, or what is missing


@dataclass
class NeedRow:
    """One need, for everyone whose need ends the same way (same status and explanation)."""

    need_type: AccessNeedType
    status: Status
    how: str
    # Invitees with this need and outcome. Only pages for people who may see who show them.
    invitees: list[Invitee] = field(default_factory=list)
    reason: UnmetNeedReason | None = None

    @property
    def count(self) -> int:
        return len(self.invitees)

    @property
    def by_type(self) -> list[tuple[str, int]]:
        """(member type label, how many), in the member types' order."""
        counts = Counter(invitee.member_type for invitee in self.invitees)
        return [(str(label), counts[value]) for value, label in MemberType.choices if counts[value]]

    @property
    def who_words(self) -> str:
        """“1 person with lived experience and 2 carers”: counts by type, never names."""
        parts = [_type_words(value, counts) for value, counts in self._type_counts()]
        if not parts:
            return ""
        if len(parts) == 1:
            return parts[0]
        return _("%(list)s and %(last)s") % {"list": ", ".join(parts[:-1]), "last": parts[-1]}

    def _type_counts(self) -> list[tuple[str, int]]:
        counts = Counter(invitee.member_type for invitee in self.invitees)
        return [(value, counts[value]) for value in MemberType.values if counts[value]]

    @property
    def blocks_ready(self) -> bool:
        return self.status == Status.UNMET


def _type_words(member_type: str, n: int) -> str:
    words: dict[str, str] = {
        MemberType.LIVED_EXPERIENCE: ngettext(
            "%(n)s person with lived experience", "%(n)s people with lived experience", n
        ),
        MemberType.CARER: ngettext("%(n)s carer", "%(n)s carers", n),
        MemberType.PROFESSIONAL: ngettext("%(n)s professional", "%(n)s professionals", n),
        MemberType.COMMISSIONER: ngettext("%(n)s commissioner", "%(n)s commissioners", n),
        MemberType.FACILITATOR: ngettext("%(n)s facilitator", "%(n)s facilitators", n),
    }
    return words.get(member_type, ngettext("%(n)s person", "%(n)s people", n)) % {"n": n}


@dataclass
class AccessPlan:
    meeting: Meeting
    facts: Facts
    rows: list[NeedRow]
    # Invitees counted (not sent apologies), and how many of them have access requirements.
    taking_part: int
    with_needs: int

    @property
    def arrangements(self) -> list[Arrangement]:
        return self.facts.arrangements

    @property
    def reasons(self) -> list[UnmetNeedReason]:
        return self.facts.reasons

    @property
    def unmet(self) -> list[NeedRow]:
        return [row for row in self.rows if row.status == Status.UNMET]

    @property
    def unmet_links(self) -> list[tuple[str, str]]:
        """(row id, words) for each unmet need, so an error summary can link to its row.

        The ids are the rows' places in `rows`, as the access plan page numbers them.
        """
        return [
            (
                f"need-row-{number}",
                _("%(need)s, needed by %(who)s: arrange it, or record why it cannot be met")
                % {"need": row.need_type.name, "who": row.who_words},
            )
            for number, row in enumerate(self.rows, start=1)
            if row.status == Status.UNMET
        ]

    @property
    def to_check(self) -> list[NeedRow]:
        return [row for row in self.rows if row.status == Status.CHECK]

    @property
    def unconfirmed(self) -> list[NeedRow]:
        return [row for row in self.rows if row.status == Status.UNCONFIRMED]

    @property
    def complete(self) -> bool:
        """Nothing unmet without a recorded reason: the meeting may be marked ready."""
        return not self.unmet

    @property
    def unmet_need_types(self) -> list[AccessNeedType]:
        seen: dict[int, AccessNeedType] = {}
        for row in self.unmet:
            seen.setdefault(row.need_type.pk, row.need_type)
        return list(seen.values())

    @property
    def stale_reasons(self) -> list[UnmetNeedReason]:
        """Recorded reasons for needs that are now met or no longer needed: safe to remove."""
        used = {row.reason.pk for row in self.rows if row.reason is not None}
        return [reason for reason in self.reasons if reason.pk not in used]

    def reason_for(self, need_type_pk: int) -> UnmetNeedReason | None:
        return next((r for r in self.reasons if r.need_type_id == need_type_pk), None)

    @cached_property
    def _rows_by_invitee(self) -> dict[int, list[NeedRow]]:
        by_invitee: dict[int, list[NeedRow]] = defaultdict(list)
        for row in self.rows:
            for invitee in row.invitees:
                by_invitee[invitee.pk].append(row)
        return by_invitee

    def needs_of(self, invitee: Invitee) -> list[PersonalNeed]:
        """One person's own requirements at this meeting and how each is met, from the same
        rows the organisers see, so the two never disagree. Nobody else's needs are in it."""
        return [
            personal_need(self.facts, row)
            for row in sorted(
                self._rows_by_invitee.get(invitee.pk, []),
                key=lambda row: (
                    row.need_type.category,
                    row.need_type.position,
                    row.need_type.name,
                ),
            )
        ]


# ---------------------------------------------------------------------------------------------
# The rules: one per catalogue code


class Facts:
    """What the rules look at, each part loaded once, and only if a rule or page asks for it.

    A meeting where nobody needs anything costs two queries (invitees and their needs), so
    the plan's status line is cheap enough for the meeting's own page.
    """

    def __init__(self, meeting: Meeting) -> None:
        self.meeting = meeting
        self.venue: Venue | None = meeting.venue

    @cached_property
    def arrangements(self) -> list[Arrangement]:
        return list(Arrangement.objects.filter(meeting=self.meeting))

    @cached_property
    def reasons(self) -> list[UnmetNeedReason]:
        return list(
            UnmetNeedReason.objects.filter(meeting=self.meeting).select_related("need_type")
        )

    @cached_property
    def agenda(self) -> list[AgendaItem]:
        return list(AgendaItem.objects.filter(meeting=self.meeting))

    @cached_property
    def papers(self) -> tuple[dict[int, set[str]], dict[int, str]]:
        """Each paper's formats, and its title, by paper id."""
        formats: dict[int, set[str]] = {}
        titles: dict[int, str] = {}
        for version in PaperVersion.objects.filter(paper__meeting=self.meeting).values(
            "paper_id", "paper__title", "format"
        ):
            formats.setdefault(version["paper_id"], set()).add(version["format"])
            titles[version["paper_id"]] = version["paper__title"]
        return formats, titles

    def booked(self, kind: str, matches: Callable[[Arrangement], bool] | None = None) -> Outcome:
        """Met by a confirmed booking of `kind`, a warning for an unconfirmed one, else unmet."""
        found = [a for a in self.arrangements if a.kind == kind and (matches is None or matches(a))]
        label = str(ArrangementKind(kind).label)
        if any(a.confirmed for a in found):
            return Outcome(Status.MET, _("%(kind)s booked and confirmed") % {"kind": label})
        if found:
            return Outcome(
                Status.UNCONFIRMED, _("%(kind)s requested, not confirmed yet") % {"kind": label}
            )
        return Outcome(Status.UNMET, _("Not booked: %(kind)s") % {"kind": label})


LIVE: set[str] = {AttendanceWay.IN_PERSON, AttendanceWay.VIDEO, AttendanceWay.PHONE}
ROOM: set[str] = {AttendanceWay.IN_PERSON}
Rule = Callable[[Facts, AccessNeed, str], Outcome]


def _not_applicable(way: str) -> Outcome:
    words = {
        AttendanceWay.VIDEO: _("Not needed: taking part by video call"),
        AttendanceWay.PHONE: _("Not needed: taking part by phone"),
        AttendanceWay.WRITTEN: _("Not needed: sending written input only"),
        AttendanceWay.IN_PERSON: _("Not needed: taking part in person"),
    }
    return Outcome(Status.NOT_APPLICABLE, words[AttendanceWay(way)])


def _venue_feature(feature: str) -> Rule:
    def rule(facts: Facts, need: AccessNeed, way: str) -> Outcome:
        if facts.venue is None:
            return Outcome(Status.UNMET, _("No venue chosen yet"))
        label = str(getattr(Venue._meta.get_field(feature), "verbose_name", feature))
        if getattr(facts.venue, feature):
            return Outcome(Status.MET, _("The venue has: %(feature)s") % {"feature": label.lower()})
        return Outcome(
            Status.UNMET, _("The venue does not have: %(feature)s") % {"feature": label.lower()}
        )

    return rule


def _hearing_loop(facts: Facts, need: AccessNeed, way: str) -> Outcome:
    if facts.venue is not None and facts.venue.hearing_loop:
        return Outcome(Status.MET, _("The venue has a hearing loop"))
    portable = facts.booked(ArrangementKind.PORTABLE_LOOP)
    if portable.status != Status.UNMET:
        return portable
    if facts.venue is None:
        return Outcome(Status.UNMET, _("No venue chosen yet, and no portable loop booked"))
    return Outcome(Status.UNMET, _("The venue has no hearing loop, and no portable loop is booked"))


def _booking(kind: str) -> Rule:
    def rule(facts: Facts, need: AccessNeed, way: str) -> Outcome:
        return facts.booked(kind)

    return rule


def _captions(facts: Facts, need: AccessNeed, way: str) -> Outcome:
    if way == AttendanceWay.VIDEO and facts.meeting.video_captions:
        return Outcome(Status.MET, _("The video call shows live captions"))
    return facts.booked(ArrangementKind.CAPTIONER)


def _language_interpreter(facts: Facts, need: AccessNeed, way: str) -> Outcome:
    # A booking for French does not help someone who speaks Polish: when both say which
    # language, they must agree.
    language = need.detail.strip().lower()

    def same_language(arrangement: Arrangement) -> bool:
        booked = arrangement.detail.strip().lower()
        return not language or not booked or language in booked

    return facts.booked(ArrangementKind.LANGUAGE_INTERPRETER, same_language)


def _breaks(facts: Facts, need: AccessNeed, way: str) -> Outcome:
    detail = need.detail.strip()
    if not detail.isdigit() or int(detail) <= 0:
        return Outcome(Status.CHECK, _("How often breaks are needed is not recorded as minutes"))
    every = int(detail)
    values = {"every": duration_words(every)}
    length = facts.meeting.duration_minutes
    if length is not None and length <= every:
        return Outcome(Status.MET, _("The meeting is shorter than %(every)s") % values)
    if not facts.agenda:
        return Outcome(
            Status.UNMET,
            _("A break every %(every)s is needed, and the agenda has no items yet") % values,
        )
    stretch, _start = longest_stretch_without_break(facts.agenda)
    values["stretch"] = duration_words(stretch)
    total = sum(item.minutes for item in facts.agenda)
    # Time the agenda leaves unplanned at the end runs on from its last stretch.
    if length is not None and length > total:
        tail = length - total
        for item in reversed(facts.agenda):
            if item.is_break:
                break
            tail += item.minutes
        stretch = max(stretch, tail)
        values["stretch"] = duration_words(stretch)
    if stretch <= every:
        return Outcome(Status.MET, _("The agenda has a break at least every %(every)s") % values)
    return Outcome(
        Status.UNMET,
        _("A break every %(every)s is needed, but the agenda goes %(stretch)s without one")
        % values,
    )


def _paper_format(code: str) -> Rule:
    paper_format = FORMAT_FOR_NEED[code]

    def rule(facts: Facts, need: AccessNeed, way: str) -> Outcome:
        label = str(PaperFormat(paper_format).label).lower()
        paper_formats, titles = facts.papers
        if not paper_formats:
            return Outcome(Status.MET, _("No papers yet"))
        missing = [
            titles[pk] for pk, formats in paper_formats.items() if paper_format not in formats
        ]
        if not missing:
            return Outcome(Status.MET, _("Every paper is in %(format)s") % {"format": label})
        return Outcome(
            Status.UNMET,
            ngettext(
                "%(n)s paper is not in %(format)s yet: %(titles)s",
                "%(n)s papers are not in %(format)s yet: %(titles)s",
                len(missing),
            )
            % {"n": len(missing), "format": label, "titles": ", ".join(missing)},
        )

    return rule


def _by_post(facts: Facts, need: AccessNeed, way: str) -> Outcome:
    # We do not record posting, so a person confirms it.
    return Outcome(Status.CHECK, _("Post paper copies of the agenda and papers"))


# Which ways of taking part each need applies to, and the rule that decides it.
RULES: dict[str, tuple[set[str], Rule]] = {
    "hearing-loop": (ROOM, _hearing_loop),
    "bsl-interpreter": (LIVE, _booking(ArrangementKind.BSL_INTERPRETER)),
    "lipspeaker": (LIVE, _booking(ArrangementKind.LIPSPEAKER)),
    "captions": (LIVE, _captions),
    "note-taker": (LIVE, _booking(ArrangementKind.NOTE_TAKER)),
    "spoken-language-interpreter": (LIVE, _language_interpreter),
    "step-free": (ROOM, _venue_feature("step_free")),
    "wheelchair-space": (ROOM, _venue_feature("wheelchair_space")),
    "accessible-toilet": (ROOM, _venue_feature("accessible_toilet")),
    "quiet-room": (ROOM, _venue_feature("quiet_room")),
    "lighting": (ROOM, _venue_feature("good_lighting")),
    "assistance-dog": (ROOM, _venue_feature("assistance_dogs")),
    "regular-breaks": (LIVE, _breaks),
    "support-worker": (ROOM, _booking(ArrangementKind.SUPPORT_WORKER)),
    "travel-support": (ROOM, _booking(ArrangementKind.TRAVEL)),
    "dietary": (ROOM, _booking(ArrangementKind.CATERING)),
    "paper-by-post": (set(AttendanceWay.values), _by_post),
    **{code: (set(AttendanceWay.values), _paper_format(code)) for code in FORMAT_FOR_NEED},
}


def effective_way(meeting: Meeting, invitee: Invitee) -> str:
    """How someone takes part, for planning. No answer yet counts as the most demanding way
    the meeting offers (in the room if there is one), so nothing is left out by default."""
    way = invitee.way
    if not way:
        return AttendanceWay.IN_PERSON if meeting.meets_in_person else AttendanceWay.VIDEO
    if way == AttendanceWay.IN_PERSON and not meeting.meets_in_person:
        return AttendanceWay.VIDEO
    return way


def evaluate(facts: Facts, need: AccessNeed, way: str) -> Outcome:
    rule = RULES.get(need.need_type.code)
    if rule is None:
        return Outcome(Status.CHECK, _("No automatic check for this requirement"))
    ways, decide = rule
    if way not in ways:
        return _not_applicable(way)
    return decide(facts, need, way)


# ---------------------------------------------------------------------------------------------
# Building the plan


def access_plan(meeting: Meeting, invited: Iterable[Invitee] | None = None) -> AccessPlan:
    """The meeting's access plan, in a fixed number of queries whatever the numbers.

    `meeting.venue` should already be loaded (the lookup helper selects it). A page that
    has fetched everyone `invited` already passes them, and saves asking again.
    """
    # Only "who needs what" shows people, and it fetches them itself: the plan needs none.
    invitees = (
        list(Invitee.objects.filter(meeting=meeting).exclude(reply=Reply.APOLOGIES))
        if invited is None
        else [invitee for invitee in invited if invitee.reply != Reply.APOLOGIES]
    )
    needs_by_user: dict[int, list[AccessNeed]] = defaultdict(list)
    if invitees:
        for need in AccessNeed.objects.filter(
            user__in=[invitee.user_id for invitee in invitees]
        ).select_related("need_type"):
            needs_by_user[need.user_id].append(need)
    return build_plan(meeting, Facts(meeting), invitees, needs_by_user)


def build_plan(
    meeting: Meeting,
    facts: Facts,
    invitees: Iterable[Invitee],
    needs_by_user: dict[int, list[AccessNeed]],
) -> AccessPlan:
    rows: dict[tuple[int, Status, str], NeedRow] = {}
    taking_part = with_needs = 0
    for invitee in invitees:
        taking_part += 1
        needs = needs_by_user.get(invitee.user_id, [])
        if needs:
            with_needs += 1
        way = effective_way(meeting, invitee)
        for need in needs:
            outcome = evaluate(facts, need, way)
            reason = None
            if outcome.status == Status.UNMET:
                reason = next(
                    (r for r in facts.reasons if r.need_type_id == need.need_type_id), None
                )
                if reason is not None:
                    outcome = Outcome(Status.REASON, outcome.how)
            key = (need.need_type_id, outcome.status, outcome.how)
            if key not in rows:
                rows[key] = NeedRow(
                    need_type=need.need_type, status=outcome.status, how=outcome.how, reason=reason
                )
            rows[key].invitees.append(invitee)
    order = list(Status)
    ordered = sorted(
        rows.values(),
        key=lambda row: (
            order.index(row.status),
            row.need_type.category,
            row.need_type.position,
            row.need_type.name,
            row.how,
        ),
    )
    return AccessPlan(
        meeting=meeting, facts=facts, rows=ordered, taking_part=taking_part, with_needs=with_needs
    )


# ---------------------------------------------------------------------------------------------
# One person's own needs, in words for them


# Needs met by booking someone or something: “booked” says more to the person than “met”.
BOOKED_NEEDS = {
    "bsl-interpreter",
    "lipspeaker",
    "note-taker",
    "spoken-language-interpreter",
    "support-worker",
    "travel-support",
    "dietary",
}


@dataclass(frozen=True)
class PersonalNeed:
    """A person's requirement at one meeting: what it is, how it stands, in words for them."""

    need_type: AccessNeedType
    status: Status
    words: str
    # For papers in a format: how many of the meeting's papers are ready in it, of how many.
    papers_ready: tuple[int, int] | None = None


def personal_need(facts: Facts, row: NeedRow) -> PersonalNeed:
    code = row.need_type.code
    booked = code in BOOKED_NEEDS
    papers_ready = None
    if code in FORMAT_FOR_NEED and row.status != Status.NOT_APPLICABLE:
        paper_formats, _titles = facts.papers
        wanted = FORMAT_FOR_NEED[code]
        ready = sum(1 for formats in paper_formats.values() if wanted in formats)
        papers_ready = (ready, len(paper_formats))
    words = {
        Status.MET: _("booked") if booked else _("arranged: %(how)s") % {"how": row.how},
        Status.UNCONFIRMED: _("asked for, not confirmed yet"),
        Status.UNMET: (
            _("not booked yet: the organisers have been told")
            if booked
            else _("not arranged yet: the organisers have been told")
        ),
        Status.REASON: _("cannot be arranged for this meeting. Instead we offer: %(offer)s")
        % {"offer": row.reason.offered_instead if row.reason else ""},
        Status.CHECK: _("the organisers will check this with you"),
        Status.NOT_APPLICABLE: row.how,
    }[row.status]
    if papers_ready is not None:
        ready, total = papers_ready
        label = str(PaperFormat(FORMAT_FOR_NEED[code]).label).lower()
        words = (
            _("no papers yet")
            if not total
            else ngettext(
                "%(ready)s of %(total)s paper is ready in %(format)s",
                "%(ready)s of %(total)s papers are ready in %(format)s",
                total,
            )
            % {"ready": ready, "total": total, "format": label}
        )
    return PersonalNeed(
        need_type=row.need_type, status=row.status, words=words, papers_ready=papers_ready
    )
