from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import SpecificErrorsMixin
from projects.models import (
    EQUALITY_QUESTIONS,
    Membership,
    MemberType,
    Project,
    ProjectRole,
    ProjectStatus,
    Skill,
    Stakeholder,
)


class ProjectForm(SpecificErrorsMixin, forms.ModelForm):
    required_messages = {
        "name": _("Enter a name for the project"),
        "purpose": _("Say in a few words what the group is for"),
        "status": _("Choose whether the project is active or closed"),
    }

    class Meta:
        model = Project
        fields = ["name", "purpose"]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"name": _("A short name people will recognise, like “Carers' voice group”.")}


class ProjectEditForm(ProjectForm):
    # Carries the version the editor started from, so a stale save is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=ProjectStatus.choices,
        widget=forms.RadioSelect,
        help_text=_("Close a project when the group has finished its work."),
    )

    class Meta(ProjectForm.Meta):
        fields = [
            "name",
            "purpose",
            "status",
            "target_min_members",
            "target_max_members",
            "target_lived_experience_percent",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        smallest, largest = cleaned.get("target_min_members"), cleaned.get("target_max_members")
        if smallest is not None and largest is not None and smallest > largest:
            self.add_error(
                "target_max_members",
                _("The largest size must be at least the smallest size (%(n)s).") % {"n": smallest},
            )
        return cleaned

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        for name in (
            "target_min_members",
            "target_max_members",
            "target_lived_experience_percent",
        ):
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
            )


class MembershipForm(SpecificErrorsMixin, forms.ModelForm):
    required_messages = {
        "member_type": _("Choose what they bring to the group"),
        "role": _("Choose their role in the project"),
    }

    member_type = forms.ChoiceField(
        label=_("What they bring to the group"),
        choices=MemberType.choices,
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label=_("Their role in the project"), choices=ProjectRole.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = Membership
        fields = ["role", "member_type"]


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)


class StakeholderForm(SpecificErrorsMixin, forms.ModelForm):
    required_messages = {
        "name": _("Enter the name of the person or organisation"),
        "interest": _("Say what their interest in the work is"),
        "influence": _("Choose how much influence they have"),
        "involvement": _("Choose how involved they are now"),
    }

    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "is_organisation",
            "interest",
            "influence",
            "involvement",
            "should_become_partner",
            "contact",
        ]
        widgets = {
            "interest": forms.Textarea(attrs={"rows": 3}),
            "influence": forms.RadioSelect,
            "involvement": forms.RadioSelect,
        }

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project
        # Model choice fields add an empty "---------" option that radios must not show.
        for name in ("influence", "involvement"):
            field = self.fields[name]
            field.choices = [c for c in field.choices if c[0] != ""]  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Stakeholder.objects.filter(project=self.project, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("%(name)s is already on this project's map.") % {"name": name}
            )
        return name


class StakeholderEditForm(StakeholderForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class SkillForm(SpecificErrorsMixin, forms.ModelForm):
    required_messages = {"name": _("Enter the skill or knowledge the group needs")}

    class Meta:
        model = Skill
        fields = ["name", "description", "gap_plan"]
        widgets = {"gap_plan": forms.RadioSelect}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        others = Skill.objects.filter(project=self.project, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                _("%(name)s is already on this project's list.") % {"name": name}
            )
        return name


class SkillEditForm(SkillForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class SkillOffersForm(forms.Form):
    skills = forms.ModelMultipleChoiceField(
        label=_("Which of these do you bring?"),
        help_text=_("Choose all that apply. It is fine to choose none."),
        queryset=Skill.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skills"].queryset = Skill.objects.filter(project=project)  # type: ignore[attr-defined]


class OnboardingForm(forms.Form):
    """The steps a coordinator ticks as a new member settles in."""

    welcomed_at = forms.BooleanField(
        label=_("Welcome sent"),
        help_text=_("Tick this if you welcomed them another way, such as by phone or post."),
        required=False,
    )
    inducted_at = forms.BooleanField(label=_("Induction done"), required=False)
    ground_rules_agreed_at = forms.BooleanField(label=_("Ground rules agreed"), required=False)
    payment_preference_at = forms.BooleanField(
        label=_("Payment preference recorded"),
        help_text=_("Whether they want to be paid for taking part, and how."),
        required=False,
    )

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for step in Membership.ONBOARDING_STEPS:
            self.fields[step].initial = getattr(membership, step) is not None

    def done(self) -> set[str]:
        return {step for step in Membership.ONBOARDING_STEPS if self.cleaned_data[step]}


class EqualityForm(forms.Form):
    """The equality questions: every one optional, every one with "Prefer not to say"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, choices in EQUALITY_QUESTIONS:
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices.choices,
                required=False,
                widget=forms.RadioSelect,
            )
