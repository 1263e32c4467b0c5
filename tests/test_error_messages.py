"""Every error a person can trigger names its field, and every text a person types has a limit.

The sweep builds every form in the project's apps from the demo organisation, sends it empty,
with overlong text and with input of the wrong kind, and reads each message.
"""

import importlib
import io
import pkgutil
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.forms.utils import pretty_name
from django.urls import reverse

from accounts.models import User
from conftest import client_for
from coproduce.lib.forms import GovukDateField, TimeTextField
from coproduce.management.commands.demo import PERSONAS
from decisions.models import GroupDecision, Proposal, ProposalVersion
from meetings.models import AgendaItem, DateOption, Invitee, Meeting
from people.models import AccessNeed, Profile
from privacy.models import PrivacyNotice
from projects.models import Membership, Project, Theme, ThemeRank
from recruitment.models import Application, Call

APPS: tuple[str, ...] = ("accounts", "people", "projects", "recruitment", "meetings")
APPS += ("decisions", "payments", "privacy", "coproduce")

STOCK = (
    "Enter a whole number.",
    "Enter a number.",
    "Enter a valid",
    "Ensure this value",
    "Ensure that there are no more than",
    "Select a valid choice",
    "This field is required.",
    "Enter a list of values.",
    "No file was submitted",
    "The submitted file is empty.",
    "is not a valid value",
    "Upload a valid image",
)

# (app, model, field) of text that no person types and so needs no limit, such as what the
# service writes itself; none today. A copy of what someone typed elsewhere counts as typed.
NOT_TYPED: set[tuple[str, str, str]] = set()


def project_forms() -> list[type[forms.BaseForm]]:
    for app in APPS:
        for module_name in ("forms", "lib.history"):
            try:
                module = importlib.import_module(f"{app}.{module_name}")
            except ModuleNotFoundError:
                continue
            for part in pkgutil.iter_modules(getattr(module, "__path__", [])):
                importlib.import_module(f"{module.__name__}.{part.name}")
    found: list[type[forms.BaseForm]] = []

    def walk(cls: type[forms.BaseForm]) -> Iterator[type[forms.BaseForm]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    for cls in walk(forms.BaseForm):
        home = cls.__module__
        if home.split(".")[0] in APPS and ".tests" not in home and cls not in found:
            found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def constructor_values() -> dict[str, Callable[[], Any]]:
    """What each keyword a form's constructor asks for is, taken from the demo organisation.

    How the forms that need arguments are built:
      project, projects       the website group (SkillForm, StakeholderForm, plan and
                              decision forms, InvolvementForm, ExpenseForm, OnBehalfForm)
      meeting, items, notes,  a meeting of the website group with agenda items and its invitees
      invitees, counts,       (PaperForm, AgendaItemForm, CoolingOffForm, DateOptionForm,
      initial_texts, ways     InviteesForm, MinutesForm, AttendanceForm, ContributionsForm,
                              AdvanceInputForm, ReplyForm, DecisionForm, ActionPointForm)
      options, current,       the meeting's date options (DateAnswersForm)
      labels
      membership              the chair's membership (OnboardingForm)
      themes, mine            the group's themes (ThemeRankingForm; LogFilterForm takes words)
      call, application       a call for members and an application to it
      proposal, stage,        a proposal, its stage and versions (MoveForm, CompareForm)
      versions
      decision                a group decision (ResponseForm, RecordResponseForm)
      notice                  a privacy notice (ConsentForm)
      profile, current        the member's profile and access needs (AccessForm)
      email, secret, choices, plain values (AcceptInvitationForm, TwoFactorSetUpForm,
      needs_checking, people  ClaimForm, MarkReadyForm, OnBehalfForm)
      user (positional)       the member (SetPasswordForm, PasswordChangeForm)
    """
    website = Project.objects.get(name__icontains="website")
    meeting = (
        Meeting.objects.filter(project=website, agenda_items__isnull=False).order_by("-pk").first()
    )
    assert meeting is not None
    member = User.objects.get(email="amira@example.org")
    proposal = Proposal.objects.filter(project=website).first()
    return {
        "project": lambda: website,
        "projects": lambda: Project.objects.all(),
        "meeting": lambda: meeting,
        "items": lambda: list(AgendaItem.objects.filter(meeting=meeting)),
        "notes": lambda: {},
        "initial_texts": lambda: {},
        "invitees": lambda: list(Invitee.objects.filter(meeting=meeting).select_related("user")),
        "counts": lambda: {},
        "ways": lambda: ["in_person", "online"],
        "options": lambda: list(DateOption.objects.all()[:3]),
        "labels": lambda: {option.pk: str(option) for option in DateOption.objects.all()[:3]},
        "membership": lambda: Membership.objects.current().filter(project=website).first(),
        "themes": lambda: list(Theme.objects.filter(project=website)),
        "mine": lambda: list(ThemeRank.objects.filter(user=member)),
        "call": lambda: Call.objects.first(),
        "application": lambda: Application.objects.first(),
        "proposal": lambda: proposal,
        "stage": lambda: proposal.stage if proposal else "",
        "versions": lambda: list(ProposalVersion.objects.filter(proposal=proposal)),
        "decision": lambda: GroupDecision.objects.first(),
        "notice": lambda: PrivacyNotice.objects.first(),
        "profile": lambda: Profile.objects.get_or_create(user=member)[0],
        "email": lambda: "amira@example.org",
        "secret": lambda: "JBSWY3DPEHPK3PXP",
        "choices": lambda: [("i1", "Meeting on 3 March")],
        "needs_checking": lambda: True,
        "people": lambda: User.objects.all(),
        "user": lambda: member,
        "kinds": lambda: {"meetings": "Meetings", "minutes": "Minutes"},
    }


# Keywords whose name means something else to one form.
OVERRIDES: dict[str, dict[str, Callable[[], Any]]] = {
    "AccessForm": {"current": lambda: list(AccessNeed.objects.all()[:2])},
    "DateAnswersForm": {"current": lambda: {}},
    "LogFilterForm": {"themes": lambda: ["crisis pages"]},
    "PaperVersionForm": {"versions": lambda: {}},  # the version of each format's file
}

# Forms that cannot be built on their own, and why.
NOT_BUILT: dict[str, str] = {}


def build(cls: Any, values: dict[str, Callable[[], Any]], **data: Any) -> Any:
    """Build `cls`, adding each argument its constructor says is missing, by name."""
    given: dict[str, Any] = {}
    positional: list[Any] = []
    own = {**values, **OVERRIDES.get(cls.__name__, {})}
    for _attempt in range(12):
        try:
            return cls(*positional, **data, **given)
        except TypeError as error:
            words = str(error)
            match = re.search(r"missing \d+ required (keyword-only|positional) argument", words)
            if match is None:
                raise
            names = re.findall(r"'(\w+)'", words.split("argument", 1)[1])
            for name in names:
                if name not in own:
                    raise
                if match[1] == "positional":
                    positional.append(own[name]())
                else:
                    given[name] = own[name]()
    raise AssertionError(f"{cls.__name__} needs more than this test knows how to give")


def typed_names(form: Any, name: str, field: forms.Field) -> list[str]:
    key = form.add_prefix(name)
    widget = field.widget
    if isinstance(widget, forms.MultiWidget):
        return [key + suffix for suffix in widget.widgets_names]  # type: ignore[attr-defined]
    return [key]


def wrong_value(field: forms.Field) -> Any:
    if isinstance(field, forms.BooleanField):
        return None
    if isinstance(field, forms.ModelMultipleChoiceField | forms.MultipleChoiceField):
        return ["999999", "not-a-choice"]
    if isinstance(field, forms.ModelChoiceField | forms.ChoiceField):
        return "not-a-choice"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "twelve"
    if isinstance(field, forms.EmailField):
        return "name.example.com"
    if isinstance(field, TimeTextField):
        return "soon"
    if isinstance(field, GovukDateField | forms.DateField):
        return "aa"
    return None


def overlong(field: forms.Field) -> str:
    """10,001 characters, or one more than a longer limit a field has on purpose (minutes)."""
    limit = getattr(field, "max_length", None) or 0
    return "x" * max(10_001, limit + 1)


def submissions(form: Any) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    yield "empty", {}, {}
    long: dict[str, Any] = {}
    wrong: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for name, field in form.fields.items():
        keys = typed_names(form, name, field)
        if isinstance(field, forms.FileField):
            files[keys[0]] = SimpleUploadedFile("empty.pdf", b"")
        elif isinstance(field, forms.CharField) and not isinstance(field, forms.EmailField):
            long[keys[0]] = overlong(field)
        value = wrong_value(field)
        if value is not None:
            for key in keys:
                wrong[key] = value
    yield "overlong", long, {}
    yield "wrong", wrong, files


# Words too common to say which field a message is about.
COMMON = frozenset(
    re.findall(
        r"\w+",
        "the a an and or of to in on for with from by at as is are be it its this that these what"
        " who when where why how which whether you your they their them we our us do does did"
        " will would can could should must need more than less fewer enter choose select say"
        " write tick give answer least one number characters like",
    )
)


def stems(text: str, *, common: frozenset[str] = COMMON) -> set[str]:
    """The words of `text` that carry meaning, each cut to its first four letters so
    "cancelled" meets "cancel" and "minutes" meets "minute"."""
    words = re.findall(r"[a-z]+", text.lower().replace("_", " "))
    return {word[:4] for word in words if word not in common and len(word) > 1}


ARTICLES = frozenset(["the", "a", "an", "to", "of", "in", "on", "and", "or"])


def names_field(message: str, name: str, field: forms.Field) -> bool:
    """A message names its field when it shares a meaningful word with the field's label,
    hint or name ("Enter the title" names "Title"), or, for a label of everyday words, two
    of its words ("Choose what you did" names "What did you do?")."""
    label = str(field.label or pretty_name(name))
    about = f"{label} {field.help_text or ''} {name}"
    if stems(message) & stems(about):
        return True
    if re.search(rf"\b{re.escape(label.rstrip('?'))}\b", message, re.IGNORECASE):
        return True
    return len(stems(message, common=ARTICLES) & stems(label, common=ARTICLES)) >= 2


def problems_in(cls: type[forms.BaseForm], values: dict[str, Callable[[], Any]]) -> list[str]:
    problems: list[str] = []
    form = build(cls, values)
    for kind, data, files in submissions(form):
        bound = build(cls, values, data=data, files=files)
        bound.is_valid()
        for message in bound.non_field_errors():
            if any(stock in str(message) for stock in STOCK):
                problems.append(f"{cls.__name__} ({kind}): stock message {message!r}")
        for name, field in bound.fields.items():
            if field.widget.is_hidden:
                continue
            errors = [str(message) for message in bound.errors.get(name, [])]
            typed = data.get(bound.add_prefix(name))
            if kind == "overlong" and typed == overlong(field) and not errors:
                problems.append(f"{cls.__name__}.{name}: takes 10,001 characters")
            for message in errors:
                if any(stock in message for stock in STOCK):
                    problems.append(f"{cls.__name__}.{name} ({kind}): stock message {message!r}")
                elif not names_field(message, name, field):
                    problems.append(f"{cls.__name__}.{name} ({kind}): unnamed {message!r}")
    return problems


@pytest.fixture
def demo_data(db: None) -> None:
    call_command("demo", force=True, stdout=io.StringIO())


def test_it_names_the_field_in_every_error_of_every_form(demo_data: None) -> None:
    values = constructor_values()
    problems: list[str] = []
    swept = 0
    for cls in project_forms():
        meta = getattr(cls, "_meta", None)
        if cls.__name__ in NOT_BUILT or (meta is not None and meta.model is None):
            # A model form with no model is a base for others, which are swept themselves.
            continue
        try:
            problems += problems_in(cls, values)
        except Exception as error:  # every form is reported, not only the first
            problems.append(f"{cls.__name__}: cannot be built ({error})")
        swept += 1
    assert problems == [], "\n".join(problems)
    assert swept > 90


def test_it_limits_every_text_a_person_types() -> None:
    unlimited = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model.__module__.split(".")[0] in APPS
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField | models.CharField)
        and field.editable
        and field.max_length is None
        and (model._meta.app_label, model.__name__, field.name) not in NOT_TYPED
    ]
    assert unlimited == []


def form_inputs(page: str) -> dict[str, str]:
    """What the page's form sends as it stands: hidden values kept, text boxes filled too long."""
    data: dict[str, str] = {}
    for tag in re.findall(r"<(?:input|textarea)\b[^>]*>", page):
        name = re.search(r'\bname="([^"]+)"', tag)
        if name is None or name[1] == "csrfmiddlewaretoken":
            continue
        kind = re.search(r'\btype="([^"]+)"', tag)
        value = re.search(r'\bvalue="([^"]*)"', tag)
        if kind and kind[1] == "hidden":
            data[name[1]] = value[1] if value else ""
        elif tag.startswith("<textarea") or (kind and kind[1] in {"text", "search"}):
            data[name[1]] = "x" * 20_001
    return data


def summary_problems(url: str, page: str) -> list[str]:
    summary = re.search(r'class="govuk-error-summary".*?</ul>', page, re.DOTALL)
    messages = [
        re.sub(r"<[^>]+>|Error:", "", text).strip()
        for text in re.findall(r'class="govuk-error-message">(.*?)</p>', page, re.DOTALL)
    ]
    if not messages:
        return [f"{url}: no field errors shown"]
    if summary is None:
        return [f"{url}: no error summary"]
    links = {
        text.strip(): target
        for target, text in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary[0], re.DOTALL)
    }
    problems = []
    for message in messages:
        text = message.replace("&#x27;", "'").replace("&quot;", '"')
        linked = {key.replace("&#x27;", "'").replace("&quot;", '"'): v for key, v in links.items()}
        if text not in linked:
            problems.append(f"{url}: {text!r} is not in the error summary")
        elif f'id="{linked[text]}"' not in page:
            problems.append(f"{url}: {text!r} links to #{linked[text]}, which is not on the page")
    return problems


# A page of each kind: a form per app, with choices, dates, numbers and long text.
SUMMARY_PAGES = [
    ("coordinator", "projects:create", None),
    ("coordinator", "projects:skill_add", "project"),
    ("coordinator", "projects:stakeholder_add", "project"),
    ("coordinator", "projects:milestone_add", "project"),
    ("coordinator", "meetings:venue_add", None),
    ("coordinator", "meetings:create", "project_pk"),
    ("coordinator", "meetings:agenda_item_add", "meeting"),
    ("member", "people:details", None),
    ("member", "payments:expense_add", None),
    ("member", "payments:involvement_add", None),
]


def test_it_lists_every_field_error_in_the_error_summary_with_a_link(demo_data: None) -> None:
    values = constructor_values()
    website, meeting = values["project"](), values["meeting"]()
    problems: list[str] = []
    for persona, name, key in SUMMARY_PAGES:
        kwargs = {}
        if key == "project":
            kwargs = {"pk": website.pk}
        elif key == "project_pk":
            kwargs = {"project_pk": website.pk}
        elif key == "meeting":
            kwargs = {"pk": meeting.pk}
        url = reverse(name, kwargs=kwargs)
        client = client_for(User.objects.get(email=PERSONAS[persona]))
        blank = client.get(url)
        assert blank.status_code == 200, url
        filled = form_inputs(blank.content.decode())
        for data in (
            {key: value for key, value in filled.items() if "x" * 10 not in value},
            filled,
        ):
            response = client.post(url, data)
            problems += summary_problems(url, response.content.decode())
    assert problems == [], "\n".join(problems)
