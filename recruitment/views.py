"""The pages for calls for members: opening and changing calls and their questions, the
public application form, the selection panel's reading and scoring, and moving applications
through their stages with letters to the applicants."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from coproduce.lib.concurrency import STALE_EDIT_MESSAGE, StaleEdit, form_after_stale_edit
from coproduce.lib.pagination import paginate
from projects.lookups import get_project_for_user
from projects.models import Membership
from recruitment import services
from recruitment.forms import (
    ALREADY_APPLIED,
    ApplicationForm,
    ApplicationMoveForm,
    ApplicationSearchForm,
    AssessmentForm,
    CallEditForm,
    CallForm,
    CallQuestionEditForm,
    CallQuestionForm,
    DecisionLetterForm,
    EnteredApplicationForm,
    PanelForm,
)
from recruitment.lookups import (
    CallAccess,
    get_application_for_user,
    get_call_for_user,
    get_call_question_for_user,
)
from recruitment.models import (
    LETTER_STATUSES,
    STATUS_MOVED,
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
    Assessment,
    Call,
    CallQuestion,
    CallStatus,
)


@login_required
@require_GET
def call_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    calls = paginate(
        request,
        Call.objects.filter(project=access.project)
        .annotate(application_count=Count("applications"))
        .order_by("-created_at", "-pk"),
    )
    return render(
        request,
        "recruitment/call_list.html",
        {"access": access, "project": access.project, "calls": calls},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    form = CallForm(
        request.POST if request.method == "POST" else None,
        instance=Call(project=access.project),
    )
    if request.method == "POST" and form.is_valid():
        services.call_open(call=form.instance, actor=request.user)
        messages.success(
            request, _("The call “%(title)s” is open.") % {"title": form.instance.title}
        )
        return redirect("recruitment:call_detail", pk=pk, call_pk=form.instance.pk)
    return render(
        request,
        "recruitment/call_form.html",
        {"form": form, "project": access.project, "access": access},
        status=400 if form.errors else 200,
    )


def _call_context(call_access: CallAccess) -> dict[str, object]:
    return {
        "access": call_access.access,
        "project": call_access.project,
        "call": call_access.call,
        "call_access": call_access,
    }


@login_required
@require_GET
def call_detail(request: AuthenticatedHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    """A call and its applications, for its leaders and the members of its selection panel."""
    call_access = get_call_for_user(request, pk, call_pk, panel=True)
    call = call_access.call
    search = ApplicationSearchForm(request.GET or None)
    query = status = ""
    if search.is_valid():
        query = search.cleaned_data["q"].strip()
        status = search.cleaned_data["status"]
    applications = Application.objects.filter(call=call)
    if query:
        # Only the people who organise the group see applicants' email addresses.
        matches = Q(full_name__icontains=query)
        if call_access.access.can_see_contacts:
            matches |= Q(email__icontains=query)
        applications = applications.filter(matches)
    counts = dict(
        applications.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    if status:
        applications = applications.filter(status=status)
    if call_access.can_manage:
        applications = applications.annotate(
            average_score=Avg("assessments__score"), score_count=Count("assessments")
        )
    if call_access.can_assess:
        applications = applications.annotate(
            my_score=Subquery(
                Assessment.objects.filter(application=OuterRef("pk"), assessor=request.user).values(
                    "score"
                )[:1]
            )
        )
    page = paginate(request, applications.order_by("submitted_at", "pk"))
    return render(
        request,
        "recruitment/call_detail.html",
        _call_context(call_access)
        | {
            "page": page,
            "query": query,
            "status": status,
            "status_filters": [
                (value, label, counts.get(value, 0)) for value, label in ApplicationStatus.choices
            ],
            "total": sum(counts.values()),
            "panel": list(call.panel.select_related("user")) if call_access.can_manage else [],
            "question_count": call.questions.count() if call_access.can_manage else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: AuthenticatedHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    title = call_access.call.title
    form = CallEditForm(
        request.POST if request.method == "POST" else None, instance=call_access.call
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(
                call=form.instance,
                actor=request.user,
                changed=[name for name in form.changed_data if name != "version"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            form = form_after_stale_edit(
                CallEditForm, request, instance=Call.objects.get(pk=call_access.call.pk)
            )
        else:
            messages.success(request, _("The call is saved."))
            return redirect("recruitment:call_detail", pk=pk, call_pk=call_pk)
    return render(
        request,
        "recruitment/call_edit.html",
        _call_context(call_access) | {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_close(request: AuthenticatedHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    if request.method == "POST":
        services.call_close(call=call_access.call, actor=request.user)
        messages.success(
            request,
            _("The call “%(title)s” is closed. Nobody can apply online now.")
            % {"title": call_access.call.title},
        )
        return redirect("recruitment:call_detail", pk=pk, call_pk=call_pk)
    return render(request, "recruitment/call_close.html", _call_context(call_access))


@login_required
@require_POST
def call_reopen(request: AuthenticatedHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    try:
        services.call_reopen(call=call_access.call, actor=request.user)
    except services.CallError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The call “%(title)s” is open again. People can apply until %(date)s.")
            % {
                "title": call_access.call.title,
                "date": f"{call_access.call.closes_on:%-d %B %Y}",
            },
        )
    return redirect("recruitment:call_detail", pk=pk, call_pk=call_pk)


@login_required
@require_http_methods(["GET", "POST"])
def call_panel(request: AuthenticatedHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    """Choose the members who read and score the call's applications."""
    call_access = get_call_for_user(request, pk, call_pk)
    call = call_access.call
    on_panel = Membership.objects.current().filter(
        project=call_access.project, user__panel_places__call=call
    )
    form = PanelForm(
        request.POST if request.method == "POST" else None,
        call=call,
        initial={"members": list(on_panel)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.call_panel_set(
                call=call,
                users=[membership.user for membership in form.cleaned_data["members"]],
                actor=request.user,
                seen=form.cleaned_data["seen"],
            )
        except StaleEdit:
            form = _panel_form_after_stale_edit(request, call, seen=form.cleaned_data["seen"])
        else:
            messages.success(request, _("The selection panel is saved."))
            return redirect("recruitment:call_detail", pk=pk, call_pk=call_pk)
    return render(
        request,
        "recruitment/call_panel.html",
        _call_context(call_access) | {"form": form},
        status=400 if form.errors else 200,
    )


def _panel_form_after_stale_edit(
    request: AuthenticatedHttpRequest, call: Call, *, seen: str
) -> PanelForm:
    """What the leader ticked, with who joined or left the panel since they opened the page,
    ready to save over the panel as it is now."""
    data = request.POST.copy()
    data["seen"] = stored = call.panel_state()
    form = PanelForm(data, call=call)
    form.is_valid()
    form.add_error(None, STALE_EDIT_MESSAGE)
    before = {int(pk) for pk in seen.split(",") if pk.isdigit()}
    now = {int(pk) for pk in stored.split(",") if pk}
    names = dict(
        User.objects.filter(pk__in=before ^ now)
        .values_list("pk", "full_name")
        .order_by("full_name")
    )
    changes = [_("%(name)s joined it") % {"name": names[pk]} for pk in names if pk in now] + [
        _("%(name)s left it") % {"name": names[pk]} for pk in names if pk in before
    ]
    form.add_error(
        None,
        _("What is saved now is different from what you typed in: %(field)s (%(changes)s).")
        % {"field": form.fields["members"].label, "changes": "; ".join(changes)},
    )
    return form


@login_required
@require_GET
def call_questions(request: AuthenticatedHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    """The questions on a call's application form, to add, change, reorder and remove."""
    call_access = get_call_for_user(request, pk, call_pk)
    answered = services.call_question_answer_counts(call_access.call)
    questions = list(call_access.call.questions.all())
    return render(
        request,
        "recruitment/call_questions.html",
        _call_context(call_access)
        | {"rows": [(question, answered.get(question.pk, 0)) for question in questions]},
    )


def _question_form_page(
    request: AuthenticatedHttpRequest,
    call_access: CallAccess,
    form_class: type[CallQuestionForm],
    question: CallQuestion,
    *,
    answered: int = 0,
) -> HttpResponse:
    """Add (an unsaved `question`) or change a question, then list the call's questions."""
    fields = ["text", "kind", "choices", "required"]
    stored = {name: getattr(question, name) for name in fields}
    form = form_class(request.POST if request.method == "POST" else None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            if question.pk is None:
                services.call_question_add(question=form.instance, actor=request.user)
            else:
                services.call_question_update(
                    question=form.instance,
                    actor=request.user,
                    # Compared with what was stored: the form tidies choices as it cleans.
                    changed=[
                        name for name in fields if getattr(form.instance, name) != stored[name]
                    ],
                    expected_version=form.cleaned_data["version"],
                )
        except StaleEdit:
            form = form_after_stale_edit(
                form_class, request, instance=CallQuestion.objects.get(pk=question.pk)
            )
        else:
            messages.success(request, _("The question is saved."))
            return redirect(
                "recruitment:call_questions", pk=call_access.project.pk, call_pk=call_access.call.pk
            )
    return render(
        request,
        "recruitment/call_question_form.html",
        _call_context(call_access)
        | {"form": form, "question": question, "stored_text": stored["text"], "answered": answered},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_question_add(request: AuthenticatedHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    return _question_form_page(
        request, call_access, CallQuestionForm, CallQuestion(call=call_access.call)
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_question_edit(
    request: AuthenticatedHttpRequest, pk: int, call_pk: int, question_pk: int
) -> HttpResponse:
    call_access, question = get_call_question_for_user(request, pk, call_pk, question_pk)
    answered = services.call_question_answer_counts(call_access.call).get(question.pk, 0)
    return _question_form_page(
        request, call_access, CallQuestionEditForm, question, answered=answered
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_question_remove(
    request: AuthenticatedHttpRequest, pk: int, call_pk: int, question_pk: int
) -> HttpResponse:
    call_access, question = get_call_question_for_user(request, pk, call_pk, question_pk)
    answered = services.call_question_answer_counts(call_access.call).get(question.pk, 0)
    error = None
    if request.method == "POST":
        try:
            services.call_question_remove(question=question, actor=request.user)
        except services.CallError as problem:
            error = str(problem)
            answered = services.call_question_answer_counts(call_access.call).get(question.pk, 0)
        else:
            messages.success(
                request, _("The question “%(text)s” is removed.") % {"text": question.text}
            )
            return redirect("recruitment:call_questions", pk=pk, call_pk=call_pk)
    return render(
        request,
        "recruitment/call_question_remove.html",
        _call_context(call_access) | {"question": question, "answered": answered, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def call_question_move(
    request: AuthenticatedHttpRequest, pk: int, call_pk: int, question_pk: int
) -> HttpResponse:
    """Move a question up or down the form: buttons that work without JavaScript."""
    _call_access, question = get_call_question_for_user(request, pk, call_pk, question_pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.call_question_move(question=question, actor=request.user, up=direction == "up")
    url = reverse("recruitment:call_questions", kwargs={"pk": pk, "call_pk": call_pk})
    return redirect(f"{url}#question-{question.pk}")


def _answers(call: Call, application: Application) -> list[tuple[CallQuestion, str]]:
    return [
        (question, str(application.answers.get(str(question.pk), "")))
        for question in call.questions.all()
    ]


@login_required
@require_GET
def application_detail(
    request: AuthenticatedHttpRequest, pk: int, call_pk: int, application_pk: int
) -> HttpResponse:
    """One application in full: answers, history, and the panel's scores."""
    call_access, application = get_application_for_user(request, pk, call_pk, application_pk)
    user = request.user
    assessments = list(application.assessments.select_related("assessor"))
    mine = next((a for a in assessments if a.assessor_id == user.pk), None)
    context = _call_context(call_access) | {
        "application": application,
        "answers": _answers(call_access.call, application),
        "history": list(application.status_changes.select_related("changed_by")),
        "my_assessment": mine,
    }
    if call_access.can_manage:
        by_assessor = {a.assessor_id: a for a in assessments}
        panel = list(call_access.call.panel.select_related("user"))
        on_panel = {member.user_id for member in panel}
        scores = [a.score for a in assessments]
        letter = services.letter_step(application)
        context |= {
            "panel_rows": [(member.user, by_assessor.get(member.user_id)) for member in panel],
            # Scores from people since taken off the panel still count.
            "other_assessments": [a for a in assessments if a.assessor_id not in on_panel],
            "average": round(sum(scores) / len(scores), 1) if scores else None,
            "letter_due": letter is not None and letter.letter_sent_at is None,
            "invite_url": (
                reverse("projects:member_invite", kwargs={"pk": pk})
                + "?"
                + urlencode({"email": application.email, "full_name": application.full_name})
                if application.status == ApplicationStatus.ACCEPTED
                else ""
            ),
        }
    return render(request, "recruitment/application_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_assess(
    request: AuthenticatedHttpRequest, pk: int, call_pk: int, application_pk: int
) -> HttpResponse:
    """A panel member's own score and notes for an application."""
    call_access, application = get_application_for_user(request, pk, call_pk, application_pk)
    if not call_access.can_assess:
        raise PermissionDenied  # only the selection panel scores
    user = request.user
    assessment = Assessment.objects.filter(application=application, assessor=user).first()
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        instance=assessment or Assessment(application=application, assessor=user),
    )
    if request.method == "POST" and form.is_valid():
        services.assessment_save(
            application=application,
            assessor=user,
            score=form.cleaned_data["score"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            _("Your score for %(person)s is saved.") % {"person": application.full_name},
        )
        return redirect(
            "recruitment:application_detail", pk=pk, call_pk=call_pk, application_pk=application.pk
        )
    return render(
        request,
        "recruitment/application_assess.html",
        _call_context(call_access)
        | {
            "form": form,
            "application": application,
            "answers": _answers(call_access.call, application),
            "is_new": assessment is None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_move(
    request: AuthenticatedHttpRequest, pk: int, call_pk: int, application_pk: int
) -> HttpResponse:
    """A leader moves an application to its next stage."""
    call_access, application = get_application_for_user(
        request, pk, call_pk, application_pk, manage=True
    )
    form = ApplicationMoveForm(
        request.POST if request.method == "POST" else None, application=application
    )
    if request.method == "POST" and request.POST.get("current", application.status) != (
        application.status
    ):
        form = _move_form_after_stale_edit(request, application)
    elif request.method == "POST" and form.is_valid():
        try:
            change = services.application_move(
                application=application,
                to_status=form.cleaned_data["status"],
                actor=request.user,
                note=form.cleaned_data["note"],
                seen_status=form.cleaned_data["current"],
            )
        except services.ApplicationMoved:
            application.refresh_from_db()
            form = _move_form_after_stale_edit(request, application)
        except services.SelectionError as error:
            form.add_error(None, str(error))
        else:
            kwargs = {"pk": pk, "call_pk": call_pk, "application_pk": application.pk}
            done = {"person": application.full_name, "status": application.get_status_display()}
            if change.to_status in LETTER_STATUSES:
                messages.success(
                    request,
                    _("%(person)s is now “%(status)s”. Check the letter to them, then send it.")
                    % done,
                )
                return redirect(reverse("recruitment:application_letter", kwargs=kwargs))
            if change.to_status == ApplicationStatus.ACCEPTED:
                messages.success(
                    request,
                    _("%(person)s accepted. Now invite them to join the group.") % done,
                )
            else:
                messages.success(request, _("%(person)s is now “%(status)s”.") % done)
            return redirect(reverse("recruitment:application_detail", kwargs=kwargs))
    return render(
        request,
        "recruitment/application_move.html",
        _call_context(call_access) | {"form": form, "application": application},
        status=400 if form.errors else 200,
    )


def _move_form_after_stale_edit(
    request: AuthenticatedHttpRequest, application: Application
) -> ApplicationMoveForm:
    """What the leader chose and typed, with where the application is now, ready to choose
    again from there."""
    data = request.POST.copy()
    data["current"] = application.status
    form = ApplicationMoveForm(data, application=application)
    form.is_valid()
    form.add_error(None, STATUS_MOVED)
    form.add_error(
        None,
        _("What is saved now is different from what you saw: its stage is now “%(status)s”.")
        % {"status": application.get_status_display()},
    )
    return form


@login_required
@require_http_methods(["GET", "POST"])
def application_letter(
    request: AuthenticatedHttpRequest, pk: int, call_pk: int, application_pk: int
) -> HttpResponse:
    """Write, preview and send the letter about an application's stage."""
    call_access, application = get_application_for_user(
        request, pk, call_pk, application_pk, manage=True
    )
    user = request.user
    step = services.letter_step(application)
    context = _call_context(call_access) | {"application": application, "step": step}
    if step is None or step.letter_sent_at is not None:
        # Nothing to write: this stage has no letter, or it has gone already.
        return render(request, "recruitment/application_letter_sent.html", context)
    if request.method == "POST":
        form = DecisionLetterForm(request.POST)
        action = request.POST.get("action", "preview")
        if form.is_valid() and form.cleaned_data["step"] != step.pk:
            form = _letter_form_after_stale_edit(request, application, step)
        elif form.is_valid() and action == "send":
            try:
                services.application_letter_send(
                    change=step,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    actor=user,
                )
            except services.ApplicationMoved:
                application.refresh_from_db()
                step = services.letter_step(application)
                if step is None or step.letter_sent_at is not None:
                    messages.info(request, str(STATUS_MOVED))
                    return redirect(
                        "recruitment:application_detail",
                        pk=pk,
                        call_pk=call_pk,
                        application_pk=application.pk,
                    )
                form = _letter_form_after_stale_edit(request, application, step)
                context |= {"step": step}
            except services.LetterAlreadySent:
                messages.info(request, _("This letter had already been sent."))
            else:
                messages.success(
                    request,
                    _("The letter is on its way to %(email)s.") % {"email": application.email},
                )
            return redirect(
                "recruitment:application_detail",
                pk=pk,
                call_pk=call_pk,
                application_pk=application.pk,
            )
        if form.is_valid() and action == "preview":
            return render(
                request,
                "recruitment/application_letter_preview.html",
                context
                | {
                    "form": form,
                    "subject": form.cleaned_data["subject"],
                    "body": form.cleaned_data["body"],
                },
            )
    else:
        subject, body = services.letter_draft(application=application, sender=user)
        form = DecisionLetterForm(initial={"subject": subject, "body": body, "step": step.pk})
    return render(
        request,
        "recruitment/application_letter.html",
        context | {"form": form},
        status=400 if form.errors else 200,
    )


def _letter_form_after_stale_edit(
    request: AuthenticatedHttpRequest, application: Application, step: ApplicationStatusChange
) -> DecisionLetterForm:
    """The letter as the leader wrote it, about the stage the application has moved on to,
    to check before it goes."""
    data = request.POST.copy()
    data["step"] = str(step.pk)
    form = DecisionLetterForm(data)
    form.is_valid()
    form.add_error(None, STALE_EDIT_MESSAGE)
    form.add_error(
        None,
        _(
            "What is saved now is different from what you saw: the application is now "
            "“%(status)s”, so this letter is about that stage. Check its subject and letter "
            "say so before you send it."
        )
        % {"status": application.get_status_display()},
    )
    return form


def _application_page(
    request: HttpRequest,
    call: Call,
    form: ApplicationForm,
    *,
    template: str,
    context: dict[str, object],
    entered_by: User | None = None,
) -> HttpResponse | None:
    """Record the application if the form is valid, or return None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        application = services.application_submit(
            call=call,
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            answers=form.answers(),
            channel=form.cleaned_data.get("channel", "web"),
            entered_by=entered_by,
        )
    except services.AlreadyApplied:
        form.add_error("email", ALREADY_APPLIED)
        return None
    return render(request, template, context | {"application": application})


@login_required
@require_http_methods(["GET", "POST"])
def application_enter(request: AuthenticatedHttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    call = call_access.call
    form = EnteredApplicationForm(request.POST if request.method == "POST" else None, call=call)
    context = _call_context(call_access)
    if request.method == "POST" and form.is_valid():
        done = _application_page(
            request,
            call,
            form,
            template="recruitment/application_done.html",
            context=context,
            entered_by=request.user,
        )
        if done is not None:
            messages.success(
                request,
                _("The application from %(person)s is recorded.")
                % {"person": form.cleaned_data["full_name"]},
            )
            return redirect("recruitment:call_detail", pk=pk, call_pk=call.pk)
    return render(
        request,
        "recruitment/application_enter.html",
        context | {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@require_GET
def join(request: HttpRequest) -> HttpResponse:
    """The public front door: every call open today, closing soonest first."""
    calls = (
        Call.objects.filter(status=CallStatus.OPEN, closes_on__gte=timezone.localdate())
        .select_related("project")
        .order_by("closes_on", "title", "pk")
    )
    return render(request, "recruitment/join.html", {"page": paginate(request, calls)})


def apply(request: HttpRequest, call_pk: int) -> HttpResponse:
    """The public page where anyone, signed in or not, applies to an open call."""
    call = get_object_or_404(Call.objects.select_related("project"), pk=call_pk)
    context: dict[str, object] = {"call": call, "project": call.project}
    if not call.is_open:
        return render(request, "recruitment/apply_closed.html", context)
    form = ApplicationForm(request.POST if request.method == "POST" else None, call=call)
    done = _application_page(
        request, call, form, template="recruitment/application_done.html", context=context
    )
    if done is not None:
        return done
    return render(
        request,
        "recruitment/apply.html",
        context | {"form": form},
        status=400 if form.errors else 200,
    )
