"""Proposals: drafting, moving through the stages, comments, and comparing versions.

Each step is one conditional UPDATE from the stage and version the person saw, so two
people moving the same proposal at once cannot both succeed, and every step keeps a
version of the text with who took it and when.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from coproduce.lib.urls import site_root
from decisions.models import Comment, Proposal, ProposalVersion, Stage
from decisions.services import Refused
from meetings.notify import members_tell
from projects.models import Membership


def _version_add(proposal: Proposal, *, actor: User, note: str = "") -> ProposalVersion:
    last = proposal.versions.aggregate(last=Max("number"))["last"] or 0
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=last + 1,
        stage=proposal.stage,
        title=proposal.title,
        text=proposal.text,
        note=note,
        moved_by=actor,
    )


@transaction.atomic
def proposal_create(
    *, project_id: int, author: User, title: str, theme: str, text: str
) -> Proposal:
    proposal = Proposal.objects.create(
        project_id=project_id, author=author, title=title, theme=theme.strip(), text=text
    )
    _version_add(proposal, actor=author)
    AuditEvent.record(
        actor=author,
        action="proposal.drafted",
        summary=_("Drafted the proposal “%(title)s”") % {"title": title},
        project=proposal.project,
        data={"proposal": proposal.pk},
    )
    return proposal


@transaction.atomic
def proposal_edit(
    *, proposal: Proposal, actor: User, expected_version: int, title: str, theme: str, text: str
) -> None:
    """Change a draft. Drafts change in place; from "open" on, only a revision changes the
    words, so what people commented on stays on record."""
    if not proposal.text_can_change:
        raise Refused(
            _("Only a draft can be changed. To change the words now, revise the proposal.")
        )
    changed = Proposal.objects.filter(
        pk=proposal.pk, version=expected_version, stage=Stage.DRAFT
    ).update(title=title, theme=theme.strip(), text=text, version=F("version") + 1)
    if not changed:
        raise Refused(
            _("Someone else changed this proposal while you were editing. Check it and try again.")
        )
    proposal.refresh_from_db()
    ProposalVersion.objects.filter(proposal=proposal, stage=Stage.DRAFT).update(
        title=title, text=text, moved_at=timezone.now()
    )
    AuditEvent.record(
        actor=actor,
        action="proposal.changed",
        summary=_("Changed the draft proposal “%(title)s”") % {"title": title},
        project=proposal.project,
        data={"proposal": proposal.pk},
    )


def stage_problem(proposal: Proposal, stage: str) -> str | None:
    if stage not in Stage.values:
        return _("There is no such stage.")
    if stage not in proposal.next_stages:
        return _("A proposal that is “%(now)s” cannot move to “%(next)s”.") % {
            "now": proposal.get_stage_display(),
            "next": Stage(stage).label,
        }
    return None


def _stage_fields(
    stage: str, *, note: str, text: str | None, timescale: str, reasons: str
) -> dict[str, object]:
    """What a stage needs written, as fields to save, or Refused naming what is missing."""
    if stage == Stage.RESPONDED and not note.strip():
        raise Refused(_("Write the response to the proposal"))
    if stage == Stage.REVISED:
        if not (text or "").strip():
            raise Refused(_("Write the revised proposal"))
        return {"text": text}
    if stage == Stage.AGREED:
        if not timescale.strip():
            raise Refused(_("Say by when it will be done"))
        return {"timescale": timescale.strip()}
    if stage == Stage.NOT_AGREED:
        if not reasons.strip():
            raise Refused(_("Say why it was not agreed"))
        return {"reasons": reasons.strip()}
    return {}


@transaction.atomic
def proposal_move(
    *,
    proposal: Proposal,
    actor: User,
    stage: str,
    expected_version: int,
    note: str = "",
    text: str | None = None,
    timescale: str = "",
    reasons: str = "",
    base_url: str | None = None,
) -> ProposalVersion:
    """Move the proposal to `stage`, keeping the text as it stands then.

    A response needs its words, a revision its new text, agreement a timescale, and not
    agreeing its reasons.
    """
    if problem := stage_problem(proposal, stage):
        raise Refused(problem)
    fields: dict[str, object] = {"stage": stage, "stage_changed_at": timezone.now()}
    fields |= _stage_fields(stage, note=note, text=text, timescale=timescale, reasons=reasons)
    changed = Proposal.objects.filter(
        pk=proposal.pk, version=expected_version, stage=proposal.stage
    ).update(version=F("version") + 1, **fields)
    if not changed:
        raise Refused(_("Someone else has just moved this proposal on. Check where it is now."))
    before = proposal.get_stage_display()
    proposal.refresh_from_db()
    version = _version_add(proposal, actor=actor, note=note.strip() or timescale or reasons)
    AuditEvent.record(
        actor=actor,
        action="proposal.moved",
        summary=_("Moved the proposal “%(title)s” from “%(before)s” to “%(after)s”")
        % {"title": proposal.title, "before": before, "after": proposal.get_stage_display()},
        project=proposal.project,
        data={"proposal": proposal.pk, "stage": stage},
    )
    url = site_root(base_url) + reverse("decisions:proposal_detail", args=[proposal.pk])
    if stage == Stage.OPEN:
        members = [
            membership.user
            for membership in Membership.objects.current()
            .filter(project_id=proposal.project_id)
            .select_related("user")
        ]
        members_tell(
            users=members,
            template="proposal_open",
            context={"proposal": proposal, "proposal_url": url},
            essential=False,
        )
    elif proposal.author is not None and proposal.author != actor:
        members_tell(
            users=[proposal.author],
            template="proposal_moved",
            context={"proposal": proposal, "proposal_url": url, "note": version.note},
            essential=False,
        )
    return version


@transaction.atomic
def comment_add(*, proposal: Proposal, membership: Membership, text: str) -> Comment:
    if not proposal.open_for_comment:
        raise Refused(_("This proposal is not open for comment now."))
    comment = Comment.objects.create(
        proposal=proposal, author=membership.user, member_type=membership.member_type, text=text
    )
    AuditEvent.record(
        actor=membership.user,
        action="proposal.commented",
        summary=_("Commented on the proposal “%(title)s”") % {"title": proposal.title},
        project=proposal.project,
        data={"proposal": proposal.pk},
    )
    return comment


# ---------------------------------------------------------------------------------------------
# Comparing two versions


@dataclass(frozen=True)
class Piece:
    kind: str  # "same", "added" or "removed"
    text: str


# A word with the spaces after it: words are compared, spaces kept for showing.
WORDS = re.compile(r"\S+\s*")


def words_compare(before: str, after: str) -> list[Piece]:
    """`after` against `before`, word by word: what stayed, what was added, what went."""
    old, new = WORDS.findall(before), WORDS.findall(after)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(
        a=[word.strip() for word in old], b=[word.strip() for word in new], autojunk=False
    )
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", "".join(new[b1:b2])))
            continue
        if a2 > a1:
            pieces.append(Piece("removed", "".join(old[a1:a2])))
        if b2 > b1:
            pieces.append(Piece("added", "".join(new[b1:b2])))
    return pieces
