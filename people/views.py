from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from people import services
from people.forms import (
    AccessForm,
    DetailsForm,
    PreferencesForm,
)
from people.models import (
    ContactChannel,
    PersonMemberType,
)


@login_required
@require_GET
def me(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    profile = services.profile_for(user)
    member_types = PersonMemberType.objects.filter(user=user)
    return render(
        request,
        "people/me.html",
        {
            "profile": profile,
            "needs": services.access_needs_of(user),
            "member_types": [item.get_member_type_display() for item in member_types],
            "channels": [ContactChannel(value).label for value in profile.channels],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def details(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    profile = services.profile_for(user)
    initial = {
        "full_name": user.full_name,
        "member_types": list(
            PersonMemberType.objects.filter(user=user).values_list("member_type", flat=True)
        ),
    }
    form = DetailsForm(
        request.POST if request.method == "POST" else None, instance=profile, initial=initial
    )
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
def access(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    profile = services.profile_for(user)
    form = AccessForm(
        request.POST if request.method == "POST" else None,
        profile=profile,
        current=services.access_needs_of(user),
    )
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
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = services.profile_for(request.user)
    form = PreferencesForm(request.POST if request.method == "POST" else None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your contact preferences are saved."))
        return redirect("people:me")
    return render(
        request, "people/preferences.html", {"form": form}, status=400 if form.errors else 200
    )
