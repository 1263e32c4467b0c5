from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from people import policy, services
from people.forms import AccessForm, DetailsForm, PreferencesForm, ViewingPurposeForm
from people.models import AccessNeed, ContactChannel, PersonMemberType
from projects.lookups import get_membership_for_user


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # every view here is behind login_required
    return request.user


def _needs(user: User) -> list[AccessNeed]:
    return list(AccessNeed.objects.filter(user=user).select_related("need_type"))


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = services.profile_for(user)
    member_types = PersonMemberType.objects.filter(user=user)
    return render(
        request,
        "people/me.html",
        {
            "profile": profile,
            "needs": _needs(user),
            "member_types": [item.get_member_type_display() for item in member_types],
            "channels": [ContactChannel(value).label for value in profile.channels],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = services.profile_for(user)
    initial = {
        "full_name": user.full_name,
        "member_types": list(
            PersonMemberType.objects.filter(user=user).values_list("member_type", flat=True)
        ),
    }
    form = DetailsForm(request.POST or None, instance=profile, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            if user.full_name != form.cleaned_data["full_name"]:
                user.full_name = form.cleaned_data["full_name"]
                user.save(update_fields=["full_name"])
            services.member_types_set(user=user, member_types=form.cleaned_data["member_types"])
        messages.success(request, _("Your details are saved."))
        return redirect("people:me")
    return render(
        request, "people/details.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def access(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    profile = services.profile_for(user)
    form = AccessForm(request.POST or None, profile=profile, current=_needs(user))
    if request.method == "POST" and form.is_valid():
        services.access_needs_save(
            profile=profile,
            selections=form.selections(),
            notes=form.cleaned_data["access_notes"],
            share_with_group=form.cleaned_data["share_access_with_group"],
        )
        messages.success(
            request,
            _("Your access requirements are saved. We will arrange them for every meeting."),
        )
        return redirect("people:me")
    return render(request, "people/access.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    profile = services.profile_for(_user(request))
    form = PreferencesForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your contact preferences are saved."))
        return redirect("people:me")
    return render(
        request, "people/preferences.html", {"form": form}, status=400 if form.errors else 200
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def member_access(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """A member's access requirements, for the people in the project who may see them.

    Anyone but the person states why first; the page is shown in answer to that POST and
    the viewing is recorded, so every look at the details leaves a trace.
    """
    access_to_project, membership = get_membership_for_user(
        request, pk, membership_pk, manage=False
    )
    viewer = _user(request)
    person = membership.user
    profile = getattr(person, "profile", None)
    if not policy.can_see_access_needs(viewer, access_to_project.membership, person, profile):
        raise PermissionDenied
    context = {
        "project": access_to_project.project,
        "access": access_to_project,
        "membership": membership,
        "person": person,
        "profile": profile,
    }
    if viewer.pk == person.pk:
        return render(request, "people/member_access.html", context | {"needs": _needs(person)})
    form = ViewingPurposeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.access_needs_viewed(
            viewer=viewer,
            person=person,
            project=access_to_project.project,
            purpose=form.stated_purpose(),
        )
        return render(request, "people/member_access.html", context | {"needs": _needs(person)})
    return render(
        request,
        "people/member_access_purpose.html",
        context | {"form": form},
        status=400 if form.errors else 200,
    )
