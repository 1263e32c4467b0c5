"""Forms for proposals, decisions, actions and "you said, we did". Every error names its
field; what was typed is shown again."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.concurrency import VersionedModelForm, version_field
from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin
from decisions.models import (
    Action,
    ChangeStatus,
    DecisionStatus,
    Entry,
    EntrySource,
    GroupDecision,
    Method,
    Outcome,
    Proposal,
    ProposalVersion,
    Response,
    ResponseWay,
    Stage,
)
from decisions.services.methods import choice_problem
from meetings.models import ActionStatus, AgendaItem, InputKind, MeetingStatus, WrittenInput
from projects.models import Project

BETWEEN = "between"


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


def current_people(project: Project) -> Any:
    return (
        User.objects.filter(memberships__project=project, memberships__left_at__isnull=True)
        .distinct()
        .order_by("full_name")
    )


# ---------------------------------------------------------------------------------------------
# Proposals


class ProposalForm(SpecificErrorsMixin, forms.ModelForm[Proposal]):
    required_messages = {
        "title": _("Give the proposal a title"),
        "text": _("Write what you propose"),
    }
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Proposal
        fields = ["title", "theme", "text"]
        labels = {
            "title": _("Title"),
            "theme": _("Theme (optional)"),
            "text": _("What you propose"),
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 10})}


class MoveForm(SpecificErrorsMixin, forms.Form):
    """The words a step needs: a response, the revised text, a timescale or reasons."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, proposal: Proposal, stage: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stage = stage
        if stage == Stage.RESPONDED:
            self.fields["note"] = forms.CharField(
                label=_("The decision-makers' response"),
                help_text=_("What you think of it, what would need to change, and why."),
                widget=forms.Textarea(attrs={"rows": 6}),
                max_length=5000,
                error_messages={"required": _("Write the response to the proposal")},
            )
        elif stage == Stage.REVISED:
            self.fields["text"] = forms.CharField(
                label=_("The revised proposal"),
                initial=proposal.text,
                widget=forms.Textarea(attrs={"rows": 10}),
                max_length=10000,
                error_messages={"required": _("Write the revised proposal")},
            )
            self.fields["note"] = forms.CharField(
                label=_("What you changed, and why (optional)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=2000,
            )
        elif stage == Stage.AGREED:
            self.fields["timescale"] = forms.CharField(
                label=_("By when it will be done"),
                help_text=_("For example, “by the end of June 2027”."),
                max_length=200,
                error_messages={"required": _("Say by when it will be done")},
            )
        elif stage == Stage.NOT_AGREED:
            self.fields["reasons"] = forms.CharField(
                label=_("Why it was not agreed"),
                help_text=_("In plain words. The author and the group will read this."),
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=5000,
                error_messages={"required": _("Say why it was not agreed")},
            )
        else:
            self.fields["note"] = forms.CharField(
                label=_("A note for the group (optional)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                max_length=2000,
            )
        # The hidden version goes last so the error summary follows the page order.
        self.order_fields([name for name in self.fields if name != "version"] + ["version"])


class CommentForm(SpecificErrorsMixin, forms.Form):
    text = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Write your comment")},
    )


class CompareForm(SpecificErrorsMixin, forms.Form):
    a = forms.TypedChoiceField(label=_("Compare version"), coerce=int)
    b = forms.TypedChoiceField(label=_("with version"), coerce=int)

    def __init__(self, *args: Any, versions: list[ProposalVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (version.number, f"{version.number}: {version.get_stage_display()}")
            for version in versions
        ]
        self.fields["a"].choices = choices  # type: ignore[attr-defined]
        self.fields["b"].choices = choices  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Decisions


def _end_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


class DecisionForm(SpecificErrorsMixin, forms.ModelForm[GroupDecision]):
    required_messages = {
        "question": _("Write what the group is deciding"),
        "method": _("Choose how the group decides"),
        "where": _("Choose where the group decides"),
    }
    where = forms.ChoiceField(label=_("Where the group decides"))
    closes_on = GovukDateField(
        label=_("Closing date, for a decision between meetings"),
        required=False,
        future=True,
        help_text=_("Answers close at the end of this day. For example, 27 3 2027"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = GroupDecision
        fields = ["question", "theme", "method", "proposal"]
        labels = {
            "question": _("What the group is deciding"),
            "theme": _("Theme (optional)"),
            "method": _("How the group decides"),
            "proposal": _("The proposal it is about (optional)"),
        }
        help_texts = {
            "method": _(
                "Choose before anyone answers. Every member's answer counts once, whatever "
                "their role."
            ),
        }
        widgets = {
            "question": forms.Textarea(attrs={"rows": 3}),
            "method": forms.RadioSelect,
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["method"].choices = Method.choices  # type: ignore[attr-defined]
        self.fields["proposal"].queryset = Proposal.objects.filter(  # type: ignore[attr-defined]
            project=project
        ).exclude(stage=Stage.DRAFT)
        self.fields["proposal"].empty_label = _("No proposal")  # type: ignore[attr-defined]
        items = (
            AgendaItem.objects.filter(meeting__project=project)
            .exclude(meeting__status=MeetingStatus.CANCELLED)
            .select_related("meeting")
            .order_by("meeting__starts_at", "meeting_id", "position")
        )
        choices: list[tuple[str, str]] = [(BETWEEN, str(_("Between meetings")))]
        choices += [(f"item-{item.pk}", f"{item.meeting.title}: {item.title}") for item in items]
        self.fields["where"].choices = choices  # type: ignore[attr-defined]
        self.items = {f"item-{item.pk}": item for item in items}
        decision = self.instance
        if decision.pk:
            self.fields["where"].initial = (
                f"item-{decision.agenda_item_id}" if decision.agenda_item_id else BETWEEN
            )
            if decision.closes_at:
                self.fields["closes_on"].initial = timezone.localtime(decision.closes_at).date()
            self.fields["version"].initial = decision.version
            if decision.responses.exists():
                self.fields["method"].disabled = True
                self.fields["method"].help_text = _(
                    "People have already answered, so the method cannot change now."
                )
        self.order_fields(
            ["question", "theme", "method", "where", "closes_on", "proposal", "version"]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        where = data.get("where")
        decision = self.instance
        if where == BETWEEN:
            if data.get("closes_on") is None and "closes_on" not in self.errors:
                self.add_error(
                    "closes_on", _("Give a closing date for a decision taken between meetings")
                )
            decision.meeting = None
            decision.agenda_item = None
            if data.get("closes_on"):
                decision.closes_at = _end_of(data["closes_on"])
        elif where in self.items:
            item = self.items[where]
            decision.agenda_item = item
            decision.meeting = item.meeting
            decision.closes_at = None
        return data


class ResponseForm(SpecificErrorsMixin, forms.Form):
    required_messages = {"choice": _("Choose your answer")}
    choice = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Your reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Needed if you block it or object, so the group can work on it."),
    )

    def __init__(self, *args: Any, decision: GroupDecision, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decision = decision
        # Any answer is accepted here, so a vote on a decision that is not a vote gets a
        # clear message rather than a bare "not one of the choices".
        self.fields["choice"].choices = decision.choices  # type: ignore[attr-defined]
        self.fields["choice"].error_messages["invalid_choice"] = _(
            "Choose your answer from the ones shown"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice, reason = data.get("choice"), data.get("reason", "")
        if choice and (problem := choice_problem(self.decision, choice, reason)):
            self.add_error("reason", problem)
        return data


class RecordResponseForm(ResponseForm):
    """A member's answer entered for them: said at the meeting, or sent in writing."""

    person = PersonChoiceField(
        label=_("Whose answer"),
        queryset=User.objects.none(),
        empty_label=_("Choose a person"),
        error_messages={"required": _("Choose whose answer this is")},
    )
    way = forms.ChoiceField(
        label=_("How they answered"),
        widget=forms.RadioSelect,
        choices=[
            (ResponseWay.IN_ROOM, ResponseWay.IN_ROOM.label),
            (ResponseWay.IN_WRITING, ResponseWay.IN_WRITING.label),
        ],
        error_messages={"required": _("Choose how they answered")},
    )

    def __init__(self, *args: Any, decision: GroupDecision, **kwargs: Any) -> None:
        super().__init__(*args, decision=decision, **kwargs)
        people = current_people(decision.project)
        # The list offers only those yet to answer. A person who answered while the page
        # was open is still accepted here, so `clean_person` can say so by name.
        self.fields["person"].queryset = (  # type: ignore[attr-defined]
            people if self.is_bound else people.exclude(decision_responses__decision=decision)
        )
        if decision.meeting_id is None:
            self.fields["way"].initial = ResponseWay.IN_WRITING
        self.order_fields(["person", "way", "choice", "reason"])

    def clean_person(self) -> User:
        person: User = self.cleaned_data["person"]
        given = Response.objects.filter(decision=self.decision, user=person).first()
        if given is not None:
            raise forms.ValidationError(
                _(
                    "%(name)s has already answered (%(choice)s), so this answer is not "
                    "recorded. Each person answers once."
                )
                % {"name": person.full_name, "choice": given.get_choice_display()}
            )
        return person


class CloseForm(SpecificErrorsMixin, forms.Form):
    """Recording the outcome. A decision on a proposal moves the proposal on too, so the
    form asks what that step needs: by when, if agreed; why not, if not agreed."""

    required_messages = {
        "timescale": _("Say by when it will be done"),
        "reasons": _("Say why it was not agreed"),
    }
    timescale = forms.CharField(
        label=_("By when will it be done?"),
        help_text=_("For example, “by the end of June”."),
        max_length=200,
    )
    reasons = forms.CharField(
        label=_("Why it was not agreed"),
        help_text=_("What those who blocked or objected said is here to start from."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    note = forms.CharField(
        label=_("Anything to add to the outcome (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    # The decision's version, and how many answers the outcome shown was worked out from,
    # when the page was drawn: a changed decision or a new answer makes the save refused.
    version = version_field()
    answers = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, proposal_step: str | None = None, reasons: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if proposal_step != Stage.AGREED:
            del self.fields["timescale"]
        if proposal_step != Stage.NOT_AGREED:
            del self.fields["reasons"]
        else:
            self.fields["reasons"].initial = reasons


class LogFilterForm(SpecificErrorsMixin, forms.Form):
    """The decision log's search and filters. Anything left empty does not filter."""

    q = forms.CharField(label=_("Search the decisions"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("", _("Any")),
            (DecisionStatus.OPEN, _("Open for answers")),
            (Outcome.AGREED, _("Agreed")),
            (Outcome.NOT_AGREED, _("Not agreed")),
        ],
    )
    method = forms.ChoiceField(
        label=_("Method"), required=False, choices=[("", _("Any")), *Method.choices]
    )
    theme = forms.MultipleChoiceField(
        label=_("Themes"),
        help_text=_("Tick one or more, or none for every theme."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    since = GovukDateField(label=_("Opened on or after"), required=False)
    until = GovukDateField(label=_("Opened on or before"), required=False)

    def __init__(self, *args: Any, themes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if themes:
            self.fields["theme"].choices = [(theme, theme) for theme in themes]  # type: ignore[attr-defined]
        else:
            del self.fields["theme"]

    @classmethod
    def asked(cls, query: QueryDict) -> bool:
        """Whether the address holds any of the form's fields (a date's are since_day and
        so on), rather than only which page of the list to show."""
        return any(key.partition("_")[0] in cls.base_fields for key in query)

    def filter(self, rows: Any) -> Any:
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["q"]:
            rows = rows.filter(
                Q(question__icontains=data["q"])
                | Q(outcome_note__icontains=data["q"])
                | Q(proposal__title__icontains=data["q"])
            )
        if data["status"] == DecisionStatus.OPEN:
            rows = rows.filter(status=DecisionStatus.OPEN)
        elif data["status"]:
            rows = rows.filter(outcome=data["status"])
        if data["method"]:
            rows = rows.filter(method=data["method"])
        if data.get("theme"):
            rows = rows.filter(theme__in=data["theme"])
        if data["since"]:
            rows = rows.filter(created_at__date__gte=data["since"])
        if data["until"]:
            rows = rows.filter(created_at__date__lte=data["until"])
        return rows

    def filter_recorded(self, rows: Any) -> Any:
        """The same search on decisions written into a meeting's record as free text. They
        have no status, method or theme, so choosing any of those leaves them out."""
        if not self.is_valid():
            return rows
        data = self.cleaned_data
        if data["status"] or data["method"] or data.get("theme"):
            return rows.none()
        if data["q"]:
            rows = rows.filter(text__icontains=data["q"])
        if data["since"]:
            rows = rows.filter(recorded_at__date__gte=data["since"])
        if data["until"]:
            rows = rows.filter(recorded_at__date__lte=data["until"])
        return rows


# ---------------------------------------------------------------------------------------------
# Actions


class ActionForm(SpecificErrorsMixin, forms.ModelForm[Action]):
    required_messages = {"text": _("Enter what needs doing")}
    owner = PersonChoiceField(
        label=_("Who will do it (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    due_on = GovukDateField(
        label=_("By when (optional)"), required=False, help_text=_("For example, 27 3 2027")
    )

    class Meta:
        model = Action
        fields = ["text", "owner", "due_on", "decision"]
        labels = {"text": _("What needs doing"), "decision": _("The decision behind it (optional)")}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = current_people(project)  # type: ignore[attr-defined]
        self.fields["decision"].queryset = GroupDecision.objects.filter(  # type: ignore[attr-defined]
            project=project
        )
        self.fields["decision"].empty_label = _("No decision in particular")  # type: ignore[attr-defined]


class ActionEditForm(ActionForm):
    """Changing an action agreed between meetings. It carries the version the person started
    from, so a save on a stale copy (say, from another tab) is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        self.fields["version"].initial = self.instance.version


class ActionStatusForm(SpecificErrorsMixin, forms.Form):
    required_messages = {"status": _("Choose where the action has got to")}
    status = forms.ChoiceField(
        label=_("Where it has got to"), choices=ActionStatus.choices, widget=forms.RadioSelect
    )
    barrier = forms.CharField(
        label=_("What is in the way (if it is blocked)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("A barrier or bottleneck: what stops it, and who could help."),
    )
    # The action's version when the page was drawn: a stale save is refused, not overwritten.
    version = version_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ActionStatus.BLOCKED and not data.get("barrier", "").strip():
            self.add_error("barrier", _("Say what is in the way, so the group can help"))
        return data


# ---------------------------------------------------------------------------------------------
# You said, we did


class PublicPageForm(SpecificErrorsMixin, forms.Form):
    is_published = forms.BooleanField(
        label=_("Show this page to everyone, without signing in"),
        required=False,
        help_text=_("It never shows anyone's name unless they said yes."),
    )
    introduction = forms.CharField(
        label=_("A few words at the top of the page (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    # The page's version when the settings were drawn: a stale save is refused.
    version = version_field()


class EntryForm(SpecificErrorsMixin, VersionedModelForm[Entry]):
    required_messages = {
        "you_said": _("Write what people said"),
        "we_did": _("Write what was decided and what changed"),
        "source": _("Choose where it came from"),
        "change_status": _("Choose where the change has got to"),
    }
    credited = forms.ModelMultipleChoiceField(
        label=_("Whose thought led to it (optional)"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "We tell them, and ask whether they want their name shown. Until they say yes, "
            "the page shows no name."
        ),
    )

    class Meta:
        model = Entry
        fields = [
            "source",
            "you_said",
            "we_did",
            "change_status",
            "decision",
            "proposal",
            "thought",
        ]
        widgets = {
            "source": forms.RadioSelect,
            "change_status": forms.RadioSelect,
            "you_said": forms.Textarea(attrs={"rows": 4}),
            "we_did": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = EntrySource.choices  # type: ignore[attr-defined]
        self.fields["change_status"].choices = ChangeStatus.choices  # type: ignore[attr-defined]
        self.fields["decision"].queryset = GroupDecision.objects.filter(project=project)  # type: ignore[attr-defined]
        self.fields["decision"].empty_label = _("No decision")  # type: ignore[attr-defined]
        self.fields["proposal"].queryset = Proposal.objects.filter(project=project)  # type: ignore[attr-defined]
        self.fields["proposal"].empty_label = _("No proposal")  # type: ignore[attr-defined]
        self.fields["thought"].queryset = WrittenInput.objects.filter(  # type: ignore[attr-defined]
            meeting__project=project, kind=InputKind.COOLING_OFF
        ).select_related("meeting")
        self.fields["thought"].empty_label = _("No thought in particular")  # type: ignore[attr-defined]
        self.fields["thought"].label_from_instance = (  # type: ignore[attr-defined]
            lambda thought: f"{thought.meeting.title}: {thought.text[:60]}"
        )
        people = current_people(project)
        self.fields["credited"].queryset = people  # type: ignore[attr-defined]
        self.fields["credited"].label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["credited"].initial = list(
                self.instance.credits.values_list("user_id", flat=True)
            )


class SubscribeForm(SpecificErrorsMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the right form, like name@example.org"),
        },
    )


class CreditForm(SpecificErrorsMixin, forms.Form):
    name_shown = forms.TypedChoiceField(
        label=_("Show your name with this entry?"),
        choices=[("yes", _("Yes, show my name")), ("no", _("No, do not show my name"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to show your name")},
    )
