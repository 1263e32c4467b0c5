from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.forms import PASSWORD_MAX_LENGTH
from accounts.models import User
from coproduce.lib.concurrency import VersionedModelForm, version_field
from coproduce.lib.forms import SpecificErrorsMixin
from people.models import MemberType
from projects.models import (
    EQUALITY_QUESTIONS,
    Membership,
    Project,
    ProjectRole,
    ProjectStatus,
    Skill,
    Stakeholder,
)


class ProjectForm(SpecificErrorsMixin, forms.ModelForm[Project]):
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
            "cooling_off_hours",
            "full_review_every",
            "preparation_minutes",
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
            "cooling_off_hours",
            "full_review_every",
            "preparation_minutes",
        ):
            self.fields[name].widget = forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
            )


class MembershipForm(SpecificErrorsMixin, VersionedModelForm[Membership]):
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


class MemberSearchForm(SpecificErrorsMixin, forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)


class StakeholderForm(SpecificErrorsMixin, forms.ModelForm[Stakeholder]):
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
        name: str = self.cleaned_data["name"].strip()
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


class SkillForm(SpecificErrorsMixin, forms.ModelForm[Skill]):
    required_messages = {"name": _("Enter the skill or knowledge the group needs")}

    class Meta:
        model = Skill
        fields = ["name", "description", "gap_plan"]
        widgets = {"gap_plan": forms.RadioSelect}

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
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


class SkillOffersForm(SpecificErrorsMixin, forms.Form):
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


class OnboardingForm(SpecificErrorsMixin, forms.Form):
    """The steps a coordinator ticks as a new member settles in."""

    welcomed_at = forms.BooleanField(
        label=_("Welcome sent"),
        help_text=_("Tick this if you welcomed them another way, such as by phone or post."),
        required=False,
    )
    inducted_at = forms.BooleanField(label=_("Induction done"), required=False)
    payment_preference_at = forms.BooleanField(
        label=_("Payment preference recorded"),
        help_text=_("Whether they want to be paid for taking part, and how."),
        required=False,
    )
    # The membership's version when the page was drawn: a stale save is refused.
    version = version_field()

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for step in Membership.ONBOARDING_STEPS:
            self.fields[step].initial = getattr(membership, step) is not None
        self.fields["version"].initial = membership.version

    def done(self) -> set[str]:
        return {step for step in Membership.ONBOARDING_STEPS if self.cleaned_data[step]}


class EqualityForm(SpecificErrorsMixin, forms.Form):
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


class InvitationForm(SpecificErrorsMixin, forms.Form):
    required_messages = {
        "email": _("Enter their email address"),
        "full_name": _("Enter their name"),
        "member_type": _("Choose what they bring to the group"),
        "role": _("Choose their role in the project"),
    }
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    full_name = forms.CharField(
        label=_("Their name"),
        max_length=150,
        help_text=_("So the email can greet them. They can change it when they join."),
    )
    member_type = forms.ChoiceField(
        label=_("What they bring to the group"),
        choices=MemberType.choices,
        widget=forms.RadioSelect,
    )
    role = forms.ChoiceField(
        label=_("Their role in the project"),
        choices=ProjectRole.choices,
        initial=ProjectRole.MEMBER,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("A personal message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("It is added to the invitation email."),
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return email.strip().lower()


class AcceptInvitationForm(SpecificErrorsMixin, forms.Form):
    """For someone new to Coproduce: their name and a password of their own."""

    required_messages = {
        "full_name": _("Enter your full name"),
        "password1": _("Choose a password"),
        "password2": _("Type the password again"),
    }

    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Avoid common words and passwords you use elsewhere."),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are different. Type them again."))
        elif password1:
            candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned
