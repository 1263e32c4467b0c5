"""Payments forms: each error names the field and says what to do."""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.concurrency import version_field
from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin
from meetings.models import AttendanceWay
from payments import receipt_files
from payments.models import (
    MAX_AMOUNT,
    ActivityKind,
    ChoiceKind,
    Expense,
    ExpenseKind,
    InvolvementEntry,
    RateUnit,
)
from projects.models import Project

NUMERIC = {"inputmode": "numeric", "class": "govuk-input--width-5"}
MONEY = {"inputmode": "decimal", "class": "govuk-input--width-5", "spellcheck": "false"}


def _not_future(value: datetime.date | None, label: str) -> None:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(
            _("%(label)s cannot be in the future: claim only for what has happened.")
            % {"label": label}
        )


class MoneyField(forms.DecimalField):
    """Pounds and pence: more than nothing, at most £1,000, no fractions of a penny."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 7)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(widget=forms.TextInput(attrs=MONEY), **kwargs)
        self.error_messages.update(
            {
                "invalid": _("Enter the amount in pounds and pence, like 4.60"),
                "max_decimal_places": _("Enter the amount to the penny, like 4.60"),
                "max_digits": _("The amount must be £1,000 or less"),
                "max_whole_digits": _("The amount must be £1,000 or less"),
            }
        )

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "")
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The amount must be more than £0"))
        if value is not None and value > MAX_AMOUNT:
            raise forms.ValidationError(_("The amount must be £1,000 or less"))


def _new_submission_key() -> str:
    return uuid.uuid4().hex


class SubmissionKeyField(forms.CharField):
    """A one-time key drawn with the page (a new one each time the page is drawn) and sent
    back with it, so the page sent twice adds one row (`services.make_once_per_page`).
    A page re-shown with errors keeps the key it was drawn with."""

    widget = forms.HiddenInput

    def __init__(self) -> None:
        super().__init__(required=False, max_length=32, initial=_new_submission_key)


class PaymentChoiceForm(SpecificErrorsMixin, forms.Form):
    choice = forms.ChoiceField(
        label=_("How would you like to be paid for your time?"),
        choices=ChoiceKind.choices,
        widget=forms.RadioSelect,
        help_text=_("Whatever you choose, we always pay back your expenses."),
    )
    account_name = forms.CharField(
        label=_("Name on the account"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    sort_code = forms.CharField(
        label=_("Sort code"),
        required=False,
        help_text=_("6 numbers, like 30-94-57"),
        widget=forms.TextInput(attrs={**NUMERIC, "spellcheck": "false"}),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        required=False,
        help_text=_("8 numbers"),
        widget=forms.TextInput(attrs={**NUMERIC, "spellcheck": "false"}),
    )
    voucher_shop = forms.CharField(
        label=_("Which vouchers would you like?"),
        required=False,
        max_length=100,
        help_text=_("For example, a supermarket or a high street voucher."),
    )
    voucher_send_to = forms.CharField(
        label=_("Where should we send the vouchers?"),
        required=False,
        max_length=300,
        help_text=_("An email address, or a postal address for paper vouchers."),
    )
    required_messages = {"choice": _("Choose how you would like to be paid")}

    def clean_sort_code(self) -> str:
        digits = re.sub(r"[\s-]", "", self.cleaned_data.get("sort_code", ""))
        if digits and not re.fullmatch(r"\d{6}", digits):
            raise forms.ValidationError(_("Enter a sort code with 6 numbers, like 30-94-57"))
        return f"{digits[:2]}-{digits[2:4]}-{digits[4:]}" if digits else ""

    def clean_account_number(self) -> str:
        digits = re.sub(r"\s", "", self.cleaned_data.get("account_number", ""))
        if digits and not re.fullmatch(r"\d{8}", digits):
            raise forms.ValidationError(_("Enter an account number with 8 numbers"))
        return digits

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        needed: dict[str, Any] = {}
        if cleaned.get("choice") == ChoiceKind.BANK:
            needed = {
                "account_name": _("Enter the name on the account"),
                "sort_code": _("Enter the sort code"),
                "account_number": _("Enter the account number"),
            }
        elif cleaned.get("choice") == ChoiceKind.VOUCHERS:
            needed = {"voucher_send_to": _("Say where we should send the vouchers")}
        for name, message in needed.items():
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def details(self) -> dict[str, str]:
        return {
            name: str(self.cleaned_data.get(name, ""))
            for name in (
                "account_name",
                "sort_code",
                "account_number",
                "voucher_shop",
                "voucher_send_to",
            )
        }


class ProjectChoiceMixin:
    fields: dict[str, forms.Field]

    def limit_projects(self, projects: QuerySet[Project]) -> None:
        field = self.fields["project"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = projects
        if projects.count() == 1:
            field.initial = projects.first()


class InvolvementForm(ProjectChoiceMixin, SpecificErrorsMixin, forms.Form):
    project = forms.ModelChoiceField(
        label=_("Which group was it for?"),
        queryset=Project.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    activity = forms.ChoiceField(
        label=_("What did you do?"), choices=ActivityKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What was it?"),
        max_length=200,
        required=False,
        help_text=_("For example, “Read the draft crisis pages”."),
    )
    date = GovukDateField(label=_("When was it?"), help_text=_("For example, 27 3 2026"))
    minutes = forms.IntegerField(
        label=_("How long did it take, in minutes?"),
        min_value=1,
        max_value=24 * 60,
        widget=forms.TextInput(attrs=NUMERIC),
    )
    preparation_minutes = forms.IntegerField(
        label=_("Preparation time, in minutes"),
        min_value=0,
        max_value=24 * 60,
        required=False,
        help_text=_("The time your group agreed to pay for getting ready, if any."),
        widget=forms.TextInput(attrs=NUMERIC),
    )
    way = forms.ChoiceField(
        label=_("How did you take part?"),
        choices=AttendanceWay.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    submission_key = SubmissionKeyField()
    required_messages = {
        "project": _("Choose the group it was for"),
        "activity": _("Choose what you did"),
        "date": _("Enter the date"),
        "minutes": _("Enter how long it took, in minutes"),
    }

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_projects(projects)
        _minutes_messages(self.fields)

    def clean_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("date")
        _not_future(value, str(_("The date")))
        return value


def _minutes_messages(fields: dict[str, forms.Field]) -> None:
    for name in ("minutes", "preparation_minutes"):
        field = fields[name]
        field.error_messages["min_value"] = _("Enter a number of minutes above 0")
        field.error_messages["max_value"] = _("That is more than a day: enter the minutes")
        field.error_messages["invalid"] = _("Enter the minutes as a number, like 90")


class ExpenseForm(ProjectChoiceMixin, SpecificErrorsMixin, forms.Form):
    project = forms.ModelChoiceField(
        label=_("Which group was it for?"),
        queryset=Project.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    kind = forms.ChoiceField(
        label=_("What was it for?"), choices=ExpenseKind.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What did you spend it on?"),
        max_length=200,
        help_text=_("For example, “Bus to the town hall and back”."),
    )
    date = GovukDateField(label=_("When did you spend it?"), help_text=_("For example, 27 3 2026"))
    amount = MoneyField(label=_("How much, in pounds?"), help_text=_("For example, 4.60"))
    receipt = forms.FileField(
        label=_("Receipt or ticket (if you have one)"),
        required=False,
        help_text=_("A photo (JPEG or PNG) or a PDF, 5 MB or smaller."),
    )
    submission_key = SubmissionKeyField()
    required_messages = {
        "project": _("Choose the group it was for"),
        "kind": _("Choose what it was for"),
        "description": _("Say what you spent it on"),
        "date": _("Enter the date"),
        "amount": _("Enter how much it was"),
    }

    def __init__(self, *args: Any, projects: QuerySet[Project], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limit_projects(projects)
        self.receipt_kind: receipt_files.Kind | None = None

    def clean_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("date")
        _not_future(value, str(_("The date")))
        return value

    def clean_receipt(self) -> Any:
        upload = self.cleaned_data.get("receipt")
        if upload:
            self.receipt_kind, problem = receipt_files.check_receipt(upload)
            if problem:
                raise forms.ValidationError(problem)
        return upload


class OwnItemForm(SpecificErrorsMixin, forms.ModelForm[Any]):
    """Changing one's own entry or expense: it carries the version the person started from,
    so a save on a stale copy (say, from another tab) is refused (coproduce.lib.concurrency).
    """

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def clean_date(self) -> datetime.date | None:
        value = self.cleaned_data.get("date")
        _not_future(value, str(_("The date")))
        return value


class InvolvementEditForm(OwnItemForm):
    # The same questions, wording and limits as when the entry was added.
    activity = InvolvementForm.base_fields["activity"]
    description = InvolvementForm.base_fields["description"]
    date = InvolvementForm.base_fields["date"]
    minutes = InvolvementForm.base_fields["minutes"]
    preparation_minutes = InvolvementForm.base_fields["preparation_minutes"]
    way = InvolvementForm.base_fields["way"]
    required_messages = InvolvementForm.required_messages

    class Meta:
        model = InvolvementEntry
        fields = ["activity", "description", "date", "minutes", "preparation_minutes", "way"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _minutes_messages(self.fields)

    def clean_preparation_minutes(self) -> int:
        return int(self.cleaned_data.get("preparation_minutes") or 0)


class ExpenseEditForm(OwnItemForm):
    kind = ExpenseForm.base_fields["kind"]
    description = ExpenseForm.base_fields["description"]
    date = ExpenseForm.base_fields["date"]
    amount = ExpenseForm.base_fields["amount"]
    required_messages = ExpenseForm.required_messages

    class Meta:
        model = Expense
        fields = ["kind", "description", "date", "amount"]


class ClaimForm(SpecificErrorsMixin, forms.Form):
    items = forms.MultipleChoiceField(
        label=_("What are you claiming for?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose everything you want paid or paid back in this claim."),
    )
    required_messages = {"items": _("Choose at least one activity or expense to claim for")}

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = self.fields["items"]
        assert isinstance(items, forms.MultipleChoiceField)
        items.choices = choices
        items.error_messages["invalid_choice"] = _(
            "Something you chose is already in a claim or was removed. Check what is ticked, "
            "then send the claim again"
        )

    def chosen(self, prefix: str) -> list[int]:
        return [int(value[2:]) for value in self.cleaned_data["items"] if value[:2] == prefix]


class ClaimStepForm(SpecificErrorsMixin, forms.Form):
    """A step on a claim taken from a page: it carries the claim's version as the page showed
    it, and a note of what the page showed (`services.claim_seen`), both set as initial, so
    a step on a claim changed since is refused and the page can say what changed."""

    version = version_field()
    seen = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)


class QuestionForm(ClaimStepForm):
    question = forms.CharField(
        label=_("What do you need to ask?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person sees this with their claim and can answer it there."),
    )
    required_messages = {"question": _("Write your question")}


class AnswerForm(ClaimStepForm):
    answer = forms.CharField(
        label=_("Your answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    required_messages = {"answer": _("Write your answer")}


class RateForm(SpecificErrorsMixin, forms.Form):
    activity = forms.ChoiceField(
        label=_("Activity"), choices=ActivityKind.choices, widget=forms.RadioSelect
    )
    unit = forms.ChoiceField(label=_("Paid"), choices=RateUnit.choices, widget=forms.RadioSelect)
    amount = MoneyField(label=_("Amount in pounds"), help_text=_("For example, 25.00"))
    effective_from = GovukDateField(
        label=_("Applies from"),
        help_text=_(
            "Activities on or after this date are paid at this rate. For example, 1 4 2027"
        ),
    )
    required_messages = {
        "activity": _("Choose the activity"),
        "unit": _("Choose how it is paid"),
        "amount": _("Enter the amount"),
        "effective_from": _("Enter the date it applies from"),
    }


class RunForm(SpecificErrorsMixin, forms.Form):
    period_start = GovukDateField(label=_("Claims approved from"))
    period_end = GovukDateField(label=_("Claims approved up to"))
    required_messages = {
        "period_start": _("Enter the start of the period"),
        "period_end": _("Enter the end of the period"),
    }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period must be on or after its start"))
        return cleaned


class DetailsPurposeForm(SpecificErrorsMixin, forms.Form):
    """Why finance needs to see someone's bank or voucher details this time."""

    PURPOSES = [
        ("pay", _("To make a payment")),
        ("check", _("To check a payment that went wrong")),
        ("other", _("Another reason")),
    ]
    purpose = forms.ChoiceField(
        label=_("Why do you need to see the payment details?"),
        choices=PURPOSES,
        widget=forms.RadioSelect,
        help_text=_("Your reason is recorded, with your name and the time, for each person."),
    )
    other = forms.CharField(
        label=_("If another reason, what is it?"), required=False, max_length=200
    )
    required_messages = {"purpose": _("Choose why you need to see them")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("purpose") == "other" and not cleaned.get("other", "").strip():
            self.add_error("other", _("Say what the other reason is"))
        return cleaned

    def stated_purpose(self) -> str:
        if self.cleaned_data["purpose"] == "other":
            return str(self.cleaned_data["other"]).strip()
        return str(dict(self.PURPOSES)[self.cleaned_data["purpose"]])


class StatementForm(SpecificErrorsMixin, forms.Form):
    PERIODS = [
        ("this_tax_year", _("This tax year")),
        ("last_tax_year", _("Last tax year")),
        ("last_12_months", _("The last 12 months")),
        ("everything", _("Everything")),
    ]
    period = forms.ChoiceField(
        label=_("Which period?"), choices=PERIODS, widget=forms.RadioSelect, required=False
    )

    def dates(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        period = self.cleaned_data.get("period") if self.is_valid() else ""
        tax_year_start = datetime.date(
            today.year if today >= datetime.date(today.year, 4, 6) else today.year - 1, 4, 6
        )
        if period == "last_tax_year":
            start = tax_year_start.replace(year=tax_year_start.year - 1)
            return start, tax_year_start - datetime.timedelta(days=1)
        if period == "last_12_months":
            return today - datetime.timedelta(days=365), today
        if period == "everything":
            return datetime.date(2000, 1, 1), today
        return tax_year_start, today


class OnBehalfForm(InvolvementForm):
    """A coordinator claims for a member who is not online: one activity, maybe an expense."""

    person = forms.ModelChoiceField(
        label=_("Who is the claim for?"), queryset=User.objects.none(), empty_label=None
    )
    expense_kind = forms.ChoiceField(
        label=_("Did it cost them anything?"),
        choices=[("", _("No expenses")), *ExpenseKind.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    expense_description = forms.CharField(
        label=_("What did they spend it on?"), max_length=200, required=False
    )
    expense_amount = MoneyField(label=_("How much, in pounds?"), required=False)
    # `submission_key` (from InvolvementForm) goes on the claim: the page makes one claim.
    field_order = [
        "person",
        "activity",
        "description",
        "date",
        "minutes",
        "preparation_minutes",
        "way",
    ]

    def __init__(self, *args: Any, people: QuerySet[User], project: Project, **kwargs: Any) -> None:
        super().__init__(*args, projects=Project.objects.filter(pk=project.pk), **kwargs)
        person = self.fields["person"]
        assert isinstance(person, forms.ModelChoiceField)
        person.queryset = people
        self.fields["project"].widget = forms.HiddenInput()
        self.fields["project"].initial = project.pk

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("expense_kind"):
            if not cleaned.get("expense_description"):
                self.add_error("expense_description", _("Say what they spent it on"))
            if cleaned.get("expense_amount") is None and "expense_amount" not in self.errors:
                self.add_error("expense_amount", _("Enter how much it was"))
        return cleaned
