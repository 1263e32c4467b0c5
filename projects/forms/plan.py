"""Forms for what the group wants to change and how: outcomes, tasks, milestones, phases."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin
from projects.models import Membership, Milestone, Outcome, OutcomeTask, Phase, Project


def members_of(project: Project) -> QuerySet[User]:
    return User.objects.filter(
        pk__in=Membership.objects.current().filter(project=project).values("user_id")
    ).order_by("full_name")


class VersionedForm(SpecificErrorsMixin, forms.ModelForm[Any]):
    """A form for a shared object: it carries the version the person started from, so a save
    on a stale copy is refused (coproduce.lib.concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["version"].initial = self.instance.version
        if "owner" in self.fields:
            self.fields["owner"].queryset = members_of(project)  # type: ignore[attr-defined]
            self.fields["owner"].empty_label = _("Nobody yet")  # type: ignore[attr-defined]
        if "status" in self.fields:
            field = self.fields["status"]
            field.widget = forms.RadioSelect(choices=field.choices)  # type: ignore[attr-defined]


class OutcomeForm(VersionedForm):
    required_messages = {"title": _("Say in plain words what change the group wants")}

    class Meta:
        model = Outcome
        fields = ["title", "description", "owner", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"].strip()
        others = Outcome.objects.filter(project=self.project, title__iexact=title)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("The group already has the outcome “%(t)s”.") % {"t": title}
            )
        return title


class OutcomeTaskForm(VersionedForm):
    required_messages = {"title": _("Say what the task or output is")}

    class Meta:
        model = OutcomeTask
        fields = ["title", "owner", "status"]


class MilestoneForm(VersionedForm):
    required_messages = {
        "title": _("Say what the milestone is"),
        "due_on": _("Enter the due date"),
    }
    starts_on = GovukDateField(label=_("Start date (optional)"), required=False)
    due_on = GovukDateField(label=_("Due date"), help_text=_("For example, 27 3 2027"))

    class Meta:
        model = Milestone
        fields = ["title", "outcome", "starts_on", "due_on", "owner", "status"]

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        outcome = self.fields["outcome"]
        outcome.queryset = Outcome.objects.filter(project=project)  # type: ignore[attr-defined]
        outcome.empty_label = _("None")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, due = cleaned.get("starts_on"), cleaned.get("due_on")
        if starts and due and due < starts:
            self.add_error("due_on", _("The due date must be on or after the start date"))
        return cleaned


class PhaseForm(VersionedForm):
    required_messages = {"name": _("Enter a name for the phase")}
    starts_on = GovukDateField(label=_("Planned start (optional)"), required=False)
    ends_on = GovukDateField(label=_("Planned end (optional)"), required=False)

    class Meta:
        model = Phase
        fields = ["name", "kind", "starts_on", "ends_on", "staff_days", "budget"]
        widgets = {"kind": forms.RadioSelect}
        help_texts = {
            "staff_days": _("For example, 12.5. Use 0 if none is planned yet."),
            "budget": _("For example, 4500.00. Use 0 if none is planned yet."),
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, project=project, **kwargs)
        kind = self.fields["kind"]
        kind.choices = [c for c in kind.choices if c[0] != ""]  # type: ignore[attr-defined]
        for name in ("staff_days", "budget"):
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "decimal", "class": "govuk-input--width-10"}
            )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        others = Phase.objects.filter(project=self.project, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("The project already has a phase called “%(n)s”.") % {"n": name}
            )
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The planned end must be on or after the planned start"))
        return cleaned
