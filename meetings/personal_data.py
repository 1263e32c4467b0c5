"""What meetings keeps about a person: replies and attendance, date-poll answers, written
thoughts, the action points they own, what they contributed, and after-meeting checks they
answered under their name, and what we told them about or held for their daily or weekly
message.

Erasure keeps what the group's record needs (who came, what was said and decided, shown as
"Former member"), drops their date-poll answers and unlinks named after-meeting checks, which
then count as anonymous ones. Unfinished action points lose their owner, so the group sees
they need someone new. What was held for them, and their daily and weekly messages, go.
"""

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Model, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.personal_data import (
    Mention,
    Section,
    mentions_in,
    name_remove_fitting,
    name_remove_in_place,
    names_in,
    snippet,
    text_filter,
)
from coproduce.lib.personal_data import name_remove as name_remove_text
from meetings.models import (
    ActionPoint,
    AfterMeetingCheck,
    AgendaItem,
    Arrangement,
    CheckReceipt,
    Contribution,
    DateAnswer,
    Decision,
    Digest,
    HeldMessage,
    Invitee,
    ItemMinutes,
    Meeting,
    MinutesVersion,
    Paper,
    PaperNotice,
    PaperVersion,
    UnmetNeedReason,
    Venue,
    WrittenInput,
)

MODELS = (
    Invitee,
    DateAnswer,
    WrittenInput,
    ActionPoint,
    Contribution,
    AfterMeetingCheck,
    PaperNotice,
    HeldMessage,
    Digest,
)
# Rows that keep pointing at the account after erasure, because they are the group's record.
KEPT = {
    Meeting: _("who set up a meeting and who approved its minutes"),
    AgendaItem: _("who presented an agenda item"),
    Paper: _("who added a paper"),
    PaperVersion: _("who added a version of a paper"),
    MinutesVersion: _("who saved a version of the minutes"),
    Decision: _("who recorded a decision"),
    UnmetNeedReason: _("who recorded why a need could not be met"),
    CheckReceipt: _("that someone answered an after-meeting check, never what they said"),
}


def _meeting(meeting: Meeting) -> dict[str, object]:
    return {"meeting": meeting.title, "project": meeting.project.name}


def export(user: User) -> list[Section]:
    replies = Invitee.objects.filter(user=user).select_related("meeting__project")
    answers = DateAnswer.objects.filter(user=user).select_related("option__meeting__project")
    thoughts = WrittenInput.objects.filter(author=user).select_related(
        "meeting__project", "agenda_item"
    )
    actions = ActionPoint.objects.filter(owner=user).select_related("meeting__project")
    contributions = Contribution.objects.filter(user=user).select_related(
        "meeting__project", "agenda_item"
    )
    checks = AfterMeetingCheck.objects.filter(respondent=user).select_related("meeting__project")
    notices = PaperNotice.objects.filter(user=user).select_related("paper__meeting__project")
    held = HeldMessage.objects.filter(user=user).select_related("digest")
    digests = Digest.objects.filter(user=user)
    meeting_columns = [("meeting", _("Meeting")), ("project", _("Group"))]
    return [
        Section(
            key="meeting_replies",
            title=_("Meetings you were invited to"),
            columns=[
                *meeting_columns,
                ("starts_at", _("When")),
                ("reply", _("Your reply")),
                ("way", _("How you would take part")),
                ("attended", _("Came")),
                ("attended_way", _("How you took part")),
            ],
            rows=[
                {
                    **_meeting(invitee.meeting),
                    "starts_at": invitee.meeting.starts_at,
                    "reply": invitee.get_reply_display(),
                    "way": invitee.get_way_display(),
                    "replied_at": invitee.replied_at,
                    "attended": invitee.attended,
                    "attended_way": invitee.get_attended_way_display(),
                }
                for invitee in replies
            ],
        ),
        Section(
            key="date_poll_answers",
            title=_("Your answers when a group was finding a date"),
            columns=[
                *meeting_columns,
                ("option", _("Date offered")),
                ("answer", _("Your answer")),
            ],
            rows=[
                {
                    **_meeting(answer.option.meeting),
                    "option": answer.option.starts_at,
                    "answer": answer.get_answer_display(),
                    "answered_at": answer.answered_at,
                }
                for answer in answers
            ],
        ),
        Section(
            key="written_thoughts",
            title=_("Thoughts you sent in writing"),
            columns=[
                *meeting_columns,
                ("agenda_item", _("Agenda item")),
                ("sent_at", _("Sent")),
                ("text", _("What you wrote")),
                ("response", _("The reply")),
            ],
            rows=[
                {
                    **_meeting(thought.meeting),
                    "agenda_item": thought.agenda_item.title if thought.agenda_item else "",
                    "kind": thought.get_kind_display(),
                    "sent_at": thought.sent_at,
                    "text": thought.text,
                    "considered_at": thought.considered_at,
                    "response": thought.response,
                }
                for thought in thoughts
            ],
        ),
        Section(
            key="action_points",
            title=_("Action points you own"),
            columns=[
                *meeting_columns,
                ("text", _("What needs doing")),
                ("due_on", _("By when")),
                ("done_at", _("Done")),
            ],
            rows=[
                {
                    **_meeting(action.meeting),
                    "text": action.text,
                    "due_on": action.due_on,
                    "done_at": action.done_at,
                }
                for action in actions
            ],
        ),
        Section(
            key="contributions",
            title=_("Where the minutes record you contributing"),
            columns=[
                *meeting_columns,
                ("agenda_item", _("Agenda item")),
                ("way", _("How")),
            ],
            rows=[
                {
                    **_meeting(contribution.meeting),
                    "agenda_item": contribution.agenda_item.title,
                    "way": contribution.get_way_display(),
                    "recorded_at": contribution.recorded_at,
                }
                for contribution in contributions
            ],
        ),
        Section(
            key="after_meeting_checks",
            title=_("After-meeting checks you answered with your name"),
            columns=[
                *meeting_columns,
                ("submitted_on", _("Sent")),
                ("went_well", _("What went well")),
                ("not_working", _("What is not working")),
                ("worried", _("Worries")),
            ],
            rows=[
                {
                    **_meeting(check.meeting),
                    "submitted_on": check.submitted_on,
                    "co_producing": check.co_producing,
                    "ground_rules": check.ground_rules,
                    "work_plan": check.work_plan,
                    "worried": check.worried,
                    "went_well": check.went_well,
                    "not_working": check.not_working,
                    "learnt": check.learnt,
                    "could_help": check.could_help,
                }
                for check in checks
            ],
        ),
        Section(
            key="paper_notices",
            title=_("Papers we told you about after your invitation"),
            columns=[
                *meeting_columns,
                ("paper", _("Paper")),
                ("way", _("How")),
                ("sent_at", _("Sent")),
            ],
            rows=[
                {
                    **_meeting(notice.paper.meeting),
                    "paper": notice.paper.title,
                    "way": notice.get_way_display(),
                    "sent_at": notice.sent_at,
                }
                for notice in notices
            ],
        ),
        Section(
            key="held_messages",
            title=_("Messages we held for your daily or weekly message"),
            columns=[
                ("subject", _("Message")),
                ("link", _("Link")),
                ("created_at", _("Held on")),
                ("sent_at", _("Sent")),
            ],
            rows=[
                {
                    "subject": message.subject,
                    "link": message.link,
                    "created_at": message.created_at,
                    "sent_at": message.digest.sent_at if message.digest else None,
                }
                for message in held
            ],
        ),
        Section(
            key="digests",
            title=_("Daily and weekly messages we sent you"),
            columns=[("kind", _("Message")), ("sent_at", _("Sent"))],
            rows=[
                {"kind": digest.get_kind_display(), "sent_at": digest.sent_at} for digest in digests
            ],
        ),
    ]


def erase(user: User) -> None:
    DateAnswer.objects.filter(user=user).delete()
    # Only who was told what: nothing the group needs to keep, and nothing more to send.
    PaperNotice.objects.filter(user=user).delete()
    HeldMessage.objects.filter(user=user).delete()
    Digest.objects.filter(user=user).delete()
    AfterMeetingCheck.objects.filter(respondent=user).update(respondent=None)
    ActionPoint.objects.filter(owner=user, done_at__isnull=True).update(owner=None)


# Free text others write, where a person may be named; `mentions` finds them before erasure.
# The minutes are apart: removing a name from them saves a new version, which says why.
MENTIONABLE: dict[type[Model], tuple[str, ...]] = {
    Venue: ("directions", "notes"),
    Meeting: ("title", "purpose", "cancel_reason"),
    Arrangement: ("detail",),
    UnmetNeedReason: ("reason", "offered_instead"),
    AgendaItem: ("title", "description"),
    Paper: ("title", "summary"),
    WrittenInput: ("text", "response"),
    Decision: ("text",),
    ActionPoint: ("text", "barrier"),
    AfterMeetingCheck: ("worried", "went_well", "not_working", "learnt", "could_help"),
    HeldMessage: ("subject",),
}
MINUTES_KEY = "meetings.minutes"


def _minutes_naming(terms: Sequence[str]) -> dict[int, str]:
    """Each meeting whose minutes, in any version, name the person, with the first text found."""
    texts: dict[int, str] = {}
    versions = MinutesVersion.objects.filter(text_filter(("summary", "change_note"), terms))
    for version in versions.order_by("-number"):
        for text in (version.summary, version.change_note):
            if names_in(text, terms):
                texts.setdefault(version.meeting_id, text)
    items = ItemMinutes.objects.filter(text_filter(("notes",), terms)).select_related("version")
    for item in items.order_by("-version__number"):
        if names_in(item.notes, terms):
            texts.setdefault(item.version.meeting_id, item.notes)
    return texts


def mentions(user: User, terms: Sequence[str]) -> list[Mention]:
    texts = _minutes_naming(terms) if terms else {}
    meetings = Meeting.objects.filter(pk__in=texts).select_related("project").order_by("pk")
    minutes = [
        Mention(
            key=f"{MINUTES_KEY}:{meeting.pk}:minutes",
            where=gettext("Minutes of “%(meeting)s” (%(project)s)")
            % {"meeting": meeting.title, "project": meeting.project.name},
            field=_("Minutes"),
            snippet=snippet(texts[meeting.pk], terms),
        )
        for meeting in meetings
    ]
    return minutes + mentions_in(MENTIONABLE, terms=terms)


@transaction.atomic
def name_remove(*, key: str, terms: Sequence[str], actor: User) -> Model | None:
    """Remove the name; from minutes, by saving a new version whose note says so.

    Earlier versions lose the name too, or it would stay in the history; everything else in
    them stays as it was, and the new version says a name was removed at erasure.
    """
    label, pk, _field = [*key.split(":"), "", ""][:3]
    if label != MINUTES_KEY:
        return name_remove_in_place(MENTIONABLE, key=key, terms=terms)
    meeting = Meeting.objects.select_for_update().filter(pk=int(pk) if pk.isdigit() else 0)
    locked = meeting.first()
    if locked is None or locked.pk not in _minutes_naming(terms):
        return None
    versions = MinutesVersion.objects.filter(meeting=locked)
    latest = versions.order_by("-number").prefetch_related("items").first()
    assert latest is not None
    for version in versions.filter(text_filter(("summary", "change_note"), terms)):
        version.summary = name_remove_text(version.summary, terms)
        version.change_note = name_remove_fitting(
            MinutesVersion, "change_note", version.change_note, terms
        )
        version.save(update_fields=["summary", "change_note"])
    for item in ItemMinutes.objects.filter(
        Q(version__meeting=locked), text_filter(("notes",), terms)
    ):
        item.notes = name_remove_text(item.notes, terms)
        item.save(update_fields=["notes"])
    redacted = MinutesVersion.objects.create(
        meeting=locked,
        number=latest.number + 1,
        summary=name_remove_text(latest.summary, terms),
        change_note=gettext(
            "A name was removed at erasure, when the person asked us to delete their data."
        ),
        saved_by=actor,
    )
    ItemMinutes.objects.bulk_create(
        ItemMinutes(
            version=redacted,
            agenda_item_id=item.agenda_item_id,
            notes=name_remove_text(item.notes, terms),
        )
        for item in latest.items.all()
    )
    return locked
