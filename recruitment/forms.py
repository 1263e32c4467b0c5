from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin
from projects.models import Membership
from recruitment.models import (
    STATUS_ACTIONS,
    STATUS_MOVED,
    Application,
    ApplicationChannel,
    ApplicationStatus,
    Assessment,
    Call,
    CallQuestion,
    QuestionKind,
    Score,
)


class CallForm(SpecificErrorsMixin, forms.ModelForm[Call]):
    required_messages = {
        "title": _("Enter a title for the call"),
        "description": _("Say what the group does and what members will do"),
        "closes_on": _("Enter the closing date"),
        "places": _("Enter how many places there are"),
    }
    closes_on = GovukDateField(label=_("Closing date"))

    class Meta:
        model = Call
        fields = ["title", "description", "closes_on", "places"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "places": forms.TextInput(
                attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}
            ),
        }
        help_texts = {"title": _("For example, “Join our disability and employment group”.")}
        error_messages = {
            "places": {"invalid": _("Enter the number of places as a whole number, like 6")}
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        example = timezone.localdate() + timedelta(days=60)
        self.fields["closes_on"].help_text = _(
            "The last day people can apply. For example, %(day)s %(month)s %(year)s"
        ) % {"day": example.day, "month": example.month, "year": example.year}

    def clean_closes_on(self) -> Any:
        closes_on = self.cleaned_data["closes_on"]
        # A call that has already closed can be changed without choosing a new date.
        if (self.instance.pk is None or "closes_on" in self.changed_data) and (
            closes_on <= timezone.localdate()
        ):
            field = self.fields["closes_on"]
            assert isinstance(field, GovukDateField)
            raise field.error("not_future")
        return closes_on

    def clean_places(self) -> Any:
        places = self.cleaned_data["places"]
        if places is not None and places < 1:
            raise forms.ValidationError(_("There must be at least 1 place"))
        return places


class CallEditForm(CallForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class CallQuestionForm(SpecificErrorsMixin, forms.ModelForm[CallQuestion]):
    required_messages = {
        "text": _("Enter the question"),
        "kind": _("Choose what kind of answer people give"),
    }
    kind = forms.ChoiceField(
        label=_("What kind of answer do people give?"),
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = CallQuestion
        fields = ["text", "kind", "choices", "required"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 5})}
        labels = {"choices": _("Choices, one on each line")}
        help_texts = {
            "text": _("Ask one thing at a time, in plain words."),
            "choices": _("Only for “Choose one” questions. For example: In person, By video."),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        lines = [line.strip() for line in cleaned.get("choices", "").splitlines() if line.strip()]
        if cleaned.get("kind") == QuestionKind.CHOICE:
            if len(lines) < 2:
                self.add_error("choices", _("Enter at least 2 choices, one on each line"))
            cleaned["choices"] = "\n".join(lines)
        else:
            cleaned["choices"] = ""
        return cleaned


class CallQuestionEditForm(CallQuestionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version


class PanelMemberChoiceField(forms.ModelMultipleChoiceField[Membership]):
    def label_from_instance(self, obj: Membership) -> str:
        return _("%(name)s (%(type)s, %(role)s)") % {
            "name": obj.user.full_name,
            "type": obj.get_member_type_display(),
            "role": obj.get_role_display().lower(),
        }


class PanelForm(SpecificErrorsMixin, forms.Form):
    members = PanelMemberChoiceField(
        label=_("Who is on the selection panel?"),
        help_text=_(
            "Choose from the group's members. Include people with lived experience: they "
            "often see what others miss. It is fine to choose nobody for now."
        ),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # The panel as the page showed it (empty for nobody): a save over a newer one is refused.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("seen", call.panel_state())
        field = self.fields["members"]
        assert isinstance(field, PanelMemberChoiceField)
        field.queryset = (
            Membership.objects.current()
            .filter(project_id=call.project_id)
            .select_related("user")
            .order_by("user__full_name", "pk")
        )


class AssessmentForm(SpecificErrorsMixin, forms.ModelForm[Assessment]):
    required_messages = {"score": _("Choose a score from 1 to 5")}
    score = forms.TypedChoiceField(
        label=_("How well does this application match what the call asks for?"),
        choices=Score.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Assessment
        fields = ["score", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "note": _(
                "What stood out, and anything to ask them about. The people who lead the "
                "group read these; other panel members do not."
            )
        }


class ApplicationMoveForm(SpecificErrorsMixin, forms.Form):
    """What happens next to an application: only the steps allowed from where it is now."""

    required_messages = {"status": _("Choose what happens next")}
    status = forms.ChoiceField(label=_("What happens next?"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Anything to record about this step (optional)"),
        help_text=_("For example, why, or how they told you their answer."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The stage the leader saw, so a move someone else made meanwhile is not overridden.
    current = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, application: Application, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.application = application
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (status.value, STATUS_ACTIONS[status]) for status in application.next_statuses()
        ]
        self.fields["status"].error_messages["invalid_choice"] = _(
            "Choose what happens next from the steps listed"
        )
        self.fields["current"].initial = application.status

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("current", self.application.status) != self.application.status:
            raise forms.ValidationError(STATUS_MOVED)
        return cleaned


class DecisionLetterForm(SpecificErrorsMixin, forms.Form):
    required_messages = {
        "subject": _("Enter the subject of the email"),
        "body": _("Enter the letter"),
    }
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Letter"),
        help_text=_("Change anything you like. Keep it short and kind, and say what happens next."),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 18}),
    )

    # The step of the application the letter is about, as the page showed it: a letter
    # written for a stage the application has since left is not sent about the new one.
    step = forms.IntegerField(widget=forms.HiddenInput)

    def clean_body(self) -> str:
        # Browsers send line breaks as CR LF; the email is written with plain LF.
        return str(self.cleaned_data["body"]).replace("\r\n", "\n")


class ApplicationSearchForm(SpecificErrorsMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Stage"), choices=ApplicationStatus.choices, required=False)


ALREADY_APPLIED = _(
    "You have already applied to this call with this email address. "
    "If you need to change your answers, contact us."
)


class ApplicationForm(SpecificErrorsMixin, forms.Form):
    """The public form for applying to a call, with the call's own questions."""

    # autocomplete lets browsers and assistive tools fill in the applicant's own details
    # (WCAG 1.3.5, identify input purpose).
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We will use this to tell you what happens next."),
        error_messages={"invalid": _("Enter an email address like name@example.org")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    required_messages = {
        "full_name": _("Enter your full name"),
        "email": _("Enter your email address"),
    }

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        self.call = call
        self.questions = list(call.questions.all())
        super().__init__(*args, **kwargs)
        for question in self.questions:
            field: forms.Field
            label = question.text if question.required else f"{question.text} (optional)"
            if question.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(
                    choices=[(choice, choice) for choice in question.choice_list()],
                    widget=forms.RadioSelect,
                )
            elif question.kind == QuestionKind.LONG:
                field = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
            else:
                field = forms.CharField(max_length=300)
            field.label = label
            field.required = question.required
            field.error_messages["required"] = (
                _("Choose an answer for “%(question)s”")
                if question.kind == QuestionKind.CHOICE
                else _("Answer “%(question)s”")
            ) % {"question": question.text}
            self.fields[f"question_{question.pk}"] = field

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        if Application.objects.filter(call=self.call, email__iexact=email).exists():
            raise forms.ValidationError(ALREADY_APPLIED)
        return email

    def answers(self) -> dict[str, str]:
        return {
            str(question.pk): self.cleaned_data.get(f"question_{question.pk}") or ""
            for question in self.questions
        }


class EnteredApplicationForm(ApplicationForm):
    """The same form, filled in by staff for someone who applied by phone or on paper."""

    channel = forms.ChoiceField(
        label=_("How did they apply?"),
        choices=[
            (ApplicationChannel.PHONE.value, ApplicationChannel.PHONE.label),
            (ApplicationChannel.PAPER.value, ApplicationChannel.PAPER.label),
        ],
        widget=forms.RadioSelect,
    )

    required_messages = ApplicationForm.required_messages | {
        "full_name": _("Enter their full name"),
        "email": _("Enter their email address"),
        "channel": _("Choose how they applied"),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["channel"])
        # These are someone else's details: the browser must not offer the staff member's own.
        for name in ("full_name", "email", "phone"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
