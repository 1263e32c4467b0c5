"""What decisions keeps about a person: the proposals they wrote, their comments, their
answers to decisions, the actions agreed between meetings that they own, the "you said, we
did" entries their thoughts led to (and whether they agreed to be named), and any email
subscription at their address.

Erasure keeps what the group's record needs (a proposal, a comment and an answer stay under
"Former member", so the outcome of a decision does not change); it drops their subscription
and the agreement to be named, so the public page shows no name, and unfinished actions
lose their owner so the group sees they need someone new.
"""

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.personal_data import Section
from decisions.models import (
    Action,
    Comment,
    Credit,
    Entry,
    GroupDecision,
    Proposal,
    ProposalVersion,
    PublicPage,
    Response,
    Subscriber,
)
from meetings.models import ActionStatus

MODELS = (Proposal, Comment, Response, Action, Credit, Subscriber)
KEPT = {
    ProposalVersion: _("who moved a proposal from one stage to the next"),
    GroupDecision: _("who opened a decision and who recorded its outcome"),
    Entry: _("who added an entry to “you said, we did”"),
}


def export(user: User) -> list[Section]:
    proposals = Proposal.objects.filter(author=user).select_related("project")
    comments = Comment.objects.filter(author=user).select_related("proposal__project")
    responses = Response.objects.filter(user=user).select_related("decision__project")
    actions = Action.objects.filter(owner=user).select_related("project")
    credits = Credit.objects.filter(user=user).select_related("entry__project")
    subscriptions = Subscriber.objects.filter(email__iexact=user.email).select_related("project")
    return [
        Section(
            key="proposals",
            title=_("Proposals you wrote"),
            columns=[("project", _("Group")), ("title", _("Title")), ("stage", _("Stage"))],
            rows=[
                {
                    "project": proposal.project.name,
                    "title": proposal.title,
                    "stage": proposal.get_stage_display(),
                    "text": proposal.text,
                    "created_at": proposal.created_at,
                }
                for proposal in proposals
            ],
        ),
        Section(
            key="proposal_comments",
            title=_("Your comments on proposals"),
            columns=[("proposal", _("Proposal")), ("text", _("Comment"))],
            rows=[
                {
                    "project": comment.proposal.project.name,
                    "proposal": comment.proposal.title,
                    "text": comment.text,
                    "created_at": comment.created_at,
                }
                for comment in comments
            ],
        ),
        Section(
            key="decision_answers",
            title=_("Your answers to decisions"),
            columns=[
                ("question", _("Decision")),
                ("choice", _("Your answer")),
                ("reason", _("Your reason")),
            ],
            rows=[
                {
                    "project": response.decision.project.name,
                    "question": response.decision.question,
                    "choice": response.get_choice_display(),
                    "reason": response.reason,
                    "way": response.get_way_display(),
                    "responded_at": response.responded_at,
                }
                for response in responses
            ],
        ),
        Section(
            key="actions_between_meetings",
            title=_("Actions agreed between meetings that you own"),
            columns=[("text", _("What needs doing")), ("status", _("Where it has got to"))],
            rows=[
                {
                    "project": action.project.name,
                    "text": action.text,
                    "due_on": action.due_on,
                    "status": action.get_status_display(),
                    "barrier": action.barrier,
                }
                for action in actions
            ],
        ),
        Section(
            key="you_said_we_did",
            title=_("“You said, we did” entries your thoughts led to"),
            columns=[("you_said", _("You said")), ("name_shown", _("Your name shown"))],
            rows=[
                {
                    "project": credit.entry.project.name,
                    "you_said": credit.entry.you_said,
                    "name_shown": credit.name_shown,
                }
                for credit in credits
            ],
        ),
        Section(
            key="subscriptions",
            title=_("Emails about “you said, we did” sent to your address"),
            columns=[("project", _("Group")), ("confirmed_at", _("Confirmed"))],
            rows=[
                {
                    "project": subscriber.project.name,
                    "email": subscriber.email,
                    "confirmed_at": subscriber.confirmed_at,
                    "unsubscribed_at": subscriber.unsubscribed_at,
                }
                for subscriber in subscriptions
            ],
        ),
    ]


def erase(user: User) -> None:
    # Runs before accounts replaces the address, so it still finds their subscriptions.
    Subscriber.objects.filter(email__iexact=user.email).delete()
    Credit.objects.filter(user=user).update(name_shown=False)
    Action.objects.filter(owner=user).exclude(status=ActionStatus.DONE).update(owner=None)


# Free text others write, where a person may be named: privacy looks in it before erasure.
MENTIONABLE: dict[type[Model], tuple[str, ...]] = {
    Proposal: ("title", "theme", "text", "timescale", "reasons"),
    ProposalVersion: ("title", "text", "note"),
    Comment: ("text",),
    GroupDecision: ("question", "theme", "outcome_note"),
    Response: ("reason",),
    Action: ("text", "barrier"),
    PublicPage: ("introduction",),
    Entry: ("you_said", "we_did"),
}
