""" "You said, we did": the page (public when the project chooses), keeping it, its entries,
"was this helpful?", subscribing by email without an account, and a member's choice of
whether their name is shown."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet, TextChoices
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from coproduce.lib.concurrency import StaleEdit, form_after_stale_edit, plain_form_after_stale_edit
from coproduce.lib.fragments import rendered_rows
from coproduce.lib.pagination import paginate
from decisions.forms import CreditForm, EntryForm, PublicPageForm, SubscribeForm
from decisions.lookups import (
    GroupAccess,
    get_credit_for_user,
    get_entry_for_user,
    get_group_for_user,
    get_public_page,
)
from decisions.models import (
    Action,
    ChangeStatus,
    Credit,
    Entry,
    EntrySource,
    GroupDecision,
    Outcome,
)
from decisions.services import public as services
from meetings.models import ActionPoint, ActionStatus

# The entries someone has said were helpful or not, in their session, so the question is not
# asked again (nothing else about them is kept).
ANSWERED_KEY = "helpful_answered"


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _context(access: GroupAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


# What the page shows of each entry, read as values: the models and their prefetching cost
# the page more than all else it does.
ENTRY_VALUES = (
    "pk",
    "project_id",
    "source",
    "created_at",
    "you_said",
    "we_did",
    "change_status",
    "decision_id",
    "decision__question",
    "decision__outcome",
    "decision__agenda_item_id",
)


@dataclass(frozen=True)
class Readers:
    """The queries that read what the page shows, made once a process: each page filters a
    copy (a queryset is never changed by the copies made from it), sparing 7 % of its
    calls."""

    entries: QuerySet[Entry, dict[str, Any]]
    named: QuerySet[Credit, tuple[int, str | None, str]]
    points: QuerySet[ActionPoint, tuple[int, str, str]]
    actions: QuerySet[Action, tuple[int, str, str]]


@functools.cache
def readers() -> Readers:
    return Readers(
        entries=Entry.objects.values(*ENTRY_VALUES),
        named=Credit.objects.filter(name_shown=True)
        .order_by("pk")
        .values_list("entry_id", "user__profile__preferred_name", "user__full_name"),
        points=ActionPoint.objects.order_by("pk").values_list("agenda_item_id", "text", "status"),
        actions=Action.objects.order_by("pk").values_list("decision_id", "text", "status"),
    )


def public_entries(project_pk: int) -> QuerySet[Entry, dict[str, Any]]:
    return readers().entries.filter(project_id=project_pk)


def _labels(choices: type[TextChoices]) -> dict[str, str]:
    """Each value's label, as get_FOO_display() gives it: the value itself when unknown."""
    return {str(value): str(label) for value, label in choices.choices}


def entries_shown(
    entries: list[dict[str, Any]], *, link_decision: bool, answered: set[int]
) -> list[dict[str, Any]]:
    """What each entry shows, as plain values (its row is drawn from these alone), in a fixed
    number of queries: its named people, and the actions agreed for its decision, those of
    the meeting's agenda item first."""
    named: dict[int, list[str]] = {entry["pk"]: [] for entry in entries}
    for entry_pk, preferred, full in readers().named.filter(entry_id__in=named):
        named[entry_pk].append(preferred or full)
    items = {e["decision__agenda_item_id"] for e in entries} - {None}
    decisions = {e["decision_id"] for e in entries} - {None}
    by_item: dict[int, list[tuple[str, str]]] = {item: [] for item in items}
    by_decision: dict[int, list[tuple[str, str]]] = {decision: [] for decision in decisions}
    labels = _labels(ActionStatus)
    sources, outcomes, changes = _labels(EntrySource), _labels(Outcome), _labels(ChangeStatus)
    if items:
        for item, text, status in readers().points.filter(agenda_item_id__in=items):
            by_item[item].append((text, labels.get(status, status)))
    if decisions:
        for decision, text, status in readers().actions.filter(decision_id__in=decisions):
            by_decision[decision].append((text, labels.get(status, status)))
    return [
        {
            "pk": entry["pk"],
            "project_pk": entry["project_id"],
            "source": sources.get(entry["source"], entry["source"]),
            "created_at": entry["created_at"],
            "answered": entry["pk"] in answered,
            "you_said": entry["you_said"],
            "named": named[entry["pk"]],
            "decision": entry["decision_id"]
            and {
                "pk": entry["decision_id"],
                "question": entry["decision__question"],
                "outcome": outcomes.get(entry["decision__outcome"], entry["decision__outcome"]),
            },
            "link_decision": link_decision,
            "we_did": entry["we_did"],
            "change_status": changes.get(entry["change_status"], entry["change_status"]),
            "actions": by_item.get(entry["decision__agenda_item_id"], [])
            + by_decision.get(entry["decision_id"], []),
        }
        for entry in entries
    ]


# What the kept entries are drawn with besides their own template.
DRAWN_WITH = ("decisions/_public_entry.html",)


@functools.cache
def _drawn_with() -> str:
    sources = [get_template(name).template.source for name in DRAWN_WITH]  # type: ignore[attr-defined]
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]


@require_GET
def public_page(request: HttpRequest, project_pk: int) -> HttpResponse:
    public = get_public_page(request, project_pk)
    page = paginate(request, public_entries(project_pk))
    shown = entries_shown(
        list(page.object_list),
        link_decision=bool(public.group),
        answered=set(request.session.get(ANSWERED_KEY, [])),
    )
    # One kept copy for the whole page of entries: keyed entry by entry, the keys and their
    # look-up cost two thirds as much as finding the entries.
    (entries,) = rendered_rows(
        "decisions/_public_entries.html",
        [{"entries": shown, "drawn_with": _drawn_with()}],
        request,
    )
    return render(
        request,
        "decisions/public_page.html",
        {
            "project": public.project,
            "public": public.page,
            "group": public.group,
            "page": page,
            "entries": entries,
        },
    )


@require_POST
def entry_helpful(request: HttpRequest, project_pk: int, pk: int) -> HttpResponse:
    public = get_public_page(request, project_pk)
    entry = Entry.objects.filter(project=public.project, pk=pk).first()
    answer = request.POST.get("helpful")
    if entry is None:
        raise Http404
    url = reverse("decisions:public_page", args=[project_pk]) + f"#entry-{entry.pk}"
    answered = list(request.session.get(ANSWERED_KEY, []))
    if answer not in ("yes", "no"):
        messages.error(request, _("Choose yes or no to say whether this was helpful."))
        return redirect(url)
    if entry.pk not in answered:
        services.entry_helpful(entry=entry, helpful=answer == "yes")
        request.session[ANSWERED_KEY] = [*answered, entry.pk][-200:]
    messages.success(request, _("Thank you for telling us."))
    return redirect(url)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, project_pk: int) -> HttpResponse:
    public = get_public_page(request, project_pk)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.subscribe(
            project=public.project, email=form.cleaned_data["email"], base_url=_base_url(request)
        )
        return render(
            request,
            "decisions/subscribe_sent.html",
            {"project": public.project, "email": form.cleaned_data["email"]},
        )
    return render(
        request,
        "decisions/subscribe.html",
        {"project": public.project, "form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the first email. Confirming takes a button, so a mail program that
    opens links by itself does not confirm for the person."""
    subscriber = services.subscription_by_token(token, field="confirm_token")
    if subscriber is None:
        return render(request, "decisions/subscription_unknown.html", status=404)
    if request.method == "POST":
        services.subscription_confirm(subscriber=subscriber)
        return render(request, "decisions/subscription_done.html", {"project": subscriber.project})
    return render(
        request,
        "decisions/subscription_confirm.html",
        {"project": subscriber.project, "subscriber": subscriber},
    )


@csrf_exempt  # one-click unsubscribe from a mail program posts without our cookie
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscriber = services.subscription_by_token(token, field="unsubscribe_token")
    if subscriber is None:
        return render(request, "decisions/unsubscribe_done.html", {"project": None})
    if request.method == "POST":
        services.unsubscribe(subscriber=subscriber)
        return render(request, "decisions/unsubscribe_done.html", {"project": subscriber.project})
    return render(
        request,
        "decisions/unsubscribe.html",
        {"project": subscriber.project, "subscriber": subscriber},
    )


# ---------------------------------------------------------------------------------------------
# Keeping the page


@login_required
@require_http_methods(["GET", "POST"])
def public_manage(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk, decide=True)
    current = services.page_for(access.project)
    form = PublicPageForm(
        request.POST if request.method == "POST" else None,
        initial={
            "is_published": current.is_published,
            "introduction": current.introduction,
            "version": current.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.public_page_save(
                project=access.project,
                actor=request.user,
                is_published=form.cleaned_data["is_published"],
                introduction=form.cleaned_data["introduction"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            current.refresh_from_db()
            form = plain_form_after_stale_edit(PublicPageForm, request, version=current.version)
        else:
            messages.success(request, _("The page settings are saved."))
            return redirect("decisions:public_manage", access.project.pk)
    entries = paginate(
        request,
        Entry.objects.filter(project=access.project).prefetch_related(
            Prefetch("credits", queryset=Credit.objects.select_related("user"))
        ),
    )
    return render(
        request,
        "decisions/public_manage.html",
        _context(access, form=form, public=current, page=entries),
        status=400 if form.errors else 200,
    )


def _entry_page(
    request: AuthenticatedHttpRequest, access: GroupAccess, entry: Entry
) -> HttpResponse:
    form = EntryForm(
        request.POST if request.method == "POST" else None, instance=entry, project=access.project
    )
    if request.method == "POST" and form.is_valid():
        credited: list[User] = list(form.cleaned_data["credited"])
        try:
            to_contact = services.entry_save(
                entry=form.instance,
                actor=request.user,
                credited=credited,
                base_url=_base_url(request),
                expected_version=form.cleaned_data.get("version"),
            )
        except StaleEdit:
            stored = Entry.objects.get(pk=entry.pk)
            form = form_after_stale_edit(
                EntryForm, request, instance=stored, project=access.project
            )
            return render(
                request,
                "decisions/entry_form.html",
                _context(access, form=form, entry=entry),
                status=400,
            )
        messages.success(request, _("The entry is saved."))
        if to_contact:
            messages.warning(
                request,
                _(
                    "These people asked not to get email, or have no email address: %(names)s. "
                    "Tell them their thought led to this, and ask whether to show their name."
                )
                % {"names": ", ".join(user.full_name for user in to_contact)},
            )
        return redirect("decisions:public_manage", access.project.pk)
    return render(
        request,
        "decisions/entry_form.html",
        _context(access, form=form, entry=entry),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def entry_add(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk, decide=True)
    entry = Entry(project=access.project)
    if (decision_pk := request.GET.get("decision", "")).isdigit():
        decision = GroupDecision.objects.filter(project=access.project, pk=int(decision_pk)).first()
        if decision is not None:
            entry.decision = decision
            entry.proposal = decision.proposal
            entry.source = EntrySource.PROPOSAL if decision.proposal else EntrySource.MEETING
    return _entry_page(request, access, entry)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, entry = get_entry_for_user(request, pk)
    return _entry_page(request, access, entry)


@login_required
@require_http_methods(["GET", "POST"])
def credit(request: AuthenticatedHttpRequest, entry_pk: int) -> HttpResponse:
    """A member whose thought led to an entry says whether their name is shown with it."""
    mine = get_credit_for_user(request, entry_pk)
    form = CreditForm(
        request.POST if request.method == "POST" else None,
        initial={"name_shown": "yes" if mine.name_shown else "no"},
    )
    if request.method == "POST" and form.is_valid():
        services.credit_answer(credit=mine, name_shown=form.cleaned_data["name_shown"])
        messages.success(
            request,
            _("Your name is shown with this entry.")
            if mine.name_shown
            else _("Your name is not shown with this entry."),
        )
        return redirect("decisions:credit", entry_pk)
    return render(
        request,
        "decisions/credit.html",
        {"credit": mine, "entry": mine.entry, "project": mine.entry.project, "form": form},
        status=400 if form.errors else 200,
    )
