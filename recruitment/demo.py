"""Demo recruitment for `manage.py demo`: the employment group's open call for members.

Its applications are at every stage of selection, the panel has scored most of them, and
the letters that went out are kept with their steps. Running it twice changes nothing.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from projects.models import Project
from recruitment.models import (
    Application,
    ApplicationChannel,
    ApplicationStatus,
    ApplicationStatusChange,
    Assessment,
    Call,
    CallQuestion,
    PanelMember,
    QuestionKind,
)
from recruitment.services import call_open, letter_draft

# The employment group's selection panel: its chair, a member with lived experience of
# looking for work as a disabled person, and the coordinator.
PANEL = ["harriet@example.org", "kwame@example.org", "grace@example.org"]
EXTRA_QUESTION = "Is there anything we should know to make a talk with us easier for you?"

ST = ApplicationStatus
HARRIET, KWAME, GRACE = PANEL
# (name, email, how they applied, answers in question order, the steps they have been
# through as (stage, letter sent, note), and the panel's (assessor, score, note)).
APPLICATIONS: list[
    tuple[str, str, str, list[str], list[tuple[str, bool, str]], list[tuple[str, int, str]]]
] = [
    (
        "Joseph Mensah",
        "joseph@example.org",
        ApplicationChannel.WEB,
        [
            "I want to help other people find work.",
            "I was out of work for two years after a stroke, and I know how hard the system "
            "is to find your way through.",
            "By video",
        ],
        [(ST.SHORTLISTED, False, "")],
        [
            (
                KWAME,
                4,
                "Knows the benefits system from the inside. Ask about his time at the job centre.",
            ),
            (HARRIET, 4, "Clear about what he wants to change."),
            (GRACE, 3, ""),
        ],
    ),
    (
        "Ruth Evans",
        "ruth@example.org",
        ApplicationChannel.PHONE,
        [
            "My son is autistic and I have helped him through three job applications.",
            "Caring for my son, and ten years working in a busy office.",
            "By phone",
        ],
        [(ST.SHORTLISTED, False, ""), (ST.INVITED, True, "")],
        [
            (KWAME, 5, "A carer's view we do not have yet."),
            (HARRIET, 4, ""),
            (GRACE, 4, "Prefers the phone: offer the talk by phone."),
        ],
    ),
    (
        "Aisha Begum",
        "aisha@example.org",
        ApplicationChannel.WEB,
        [
            "Employers still do not understand what reasonable adjustments are.",
            "I am partially sighted and have worked in retail for eight years.",
            "In person",
        ],
        [
            (ST.SHORTLISTED, False, ""),
            (ST.INVITED, True, ""),
            (ST.OFFERED, False, "The panel agreed after the talk."),
        ],
        [(KWAME, 5, ""), (HARRIET, 5, "Would be a strong voice with employers."), (GRACE, 4, "")],
    ),
    (
        "Mei Lin",
        "mei@example.org",
        ApplicationChannel.WEB,
        [
            "To make Access to Work quicker.",
            "I use a wheelchair and waited nine months for Access to Work support.",
            "By video",
        ],
        [
            (ST.SHORTLISTED, False, ""),
            (ST.OFFERED, True, ""),
            (ST.ACCEPTED, False, "She rang Harriet to say yes."),
        ],
        [(KWAME, 4, ""), (HARRIET, 4, ""), (GRACE, 5, "")],
    ),
    (
        "Sofia Rossi",
        "sofia@example.org",
        ApplicationChannel.WEB,
        [
            "I want young disabled people to get a fair start.",
            "I run a youth club for disabled teenagers.",
            "In person",
        ],
        [
            (ST.SHORTLISTED, False, ""),
            (ST.INVITED, True, ""),
            (ST.OFFERED, True, ""),
            (
                ST.DECLINED,
                False,
                "She has started a job with evening shifts and cannot make the meetings for "
                "now. She would like to hear about future calls.",
            ),
        ],
        [(KWAME, 4, ""), (HARRIET, 5, "")],
    ),
    (
        "Daniel Wright",
        "daniel@example.org",
        ApplicationChannel.PAPER,
        ["I would like to be involved.", "", "In writing"],
        [
            (
                ST.NOT_SELECTED,
                True,
                "He lives outside the area the group covers. We sent him details of the group "
                "in his own area.",
            )
        ],
        [(KWAME, 2, "Lives outside our area."), (HARRIET, 2, "")],
    ),
    (
        "Peter Okafor",
        "peter@example.org",
        ApplicationChannel.WEB,
        [
            "Because disabled people should design the services meant for them.",
            "I am a wheelchair user and a volunteer advice worker.",
            "By video",
        ],
        [],
        [(KWAME, 3, "Read again after the closing date.")],
    ),
    (
        "Tomasz Nowak",
        "tomasz@example.org",
        ApplicationChannel.WEB,
        [
            "I lost my job when my mental health got worse and I want that to change.",
            "Lived experience of depression and of going back to work.",
            "By phone",
        ],
        [],
        [],
    ),
]


def load(employment: Project, coordinator: User) -> None:
    """The employment group's open call, with applications at every stage of selection
    and a panel of Harriet (chair), Kwame (a member with lived experience) and Grace."""
    call = Call.objects.filter(project=employment).first()
    if call is None:
        call = Call(
            project=employment,
            title="Join our disability and employment group",
            description=(
                "We are disabled people, carers and staff working together to make routes "
                "into work fairer. Members meet once a month for two hours, by video or in "
                "person, and are paid for their time."
            ),
            closes_on=timezone.localdate() + timedelta(days=365),
            places=4,
        )
        call_open(call=call, actor=coordinator)
    CallQuestion.objects.get_or_create(
        call=call,
        text=EXTRA_QUESTION,
        defaults={"kind": QuestionKind.SHORT, "required": False, "position": 4},
    )
    questions = [str(question.pk) for question in call.questions.all()]
    chair = User.objects.get(email="harriet@example.org")
    for email in PANEL:
        PanelMember.objects.get_or_create(call=call, user=User.objects.get(email=email))
    now = timezone.now()
    for days_ago, (name, email, channel, answers, steps, scores) in enumerate(
        APPLICATIONS, start=1
    ):
        application, _created = Application.objects.get_or_create(
            call=call,
            email=email,
            defaults={
                "full_name": name,
                "channel": channel,
                "entered_by": coordinator if channel != ApplicationChannel.WEB else None,
                "answers": dict(zip(questions, answers, strict=False)),
                "submitted_at": now - timedelta(days=40 - days_ago),
            },
        )
        # Walk it through its stages once; a second run finds the history and stops.
        if application.status == ApplicationStatus.RECEIVED and steps:
            status: str = ApplicationStatus.RECEIVED
            for step, (to_status, letter_sent, note) in enumerate(steps, start=1):
                application.status = to_status
                letter = {}
                if letter_sent:
                    subject, body = letter_draft(application=application, sender=chair)
                    letter = {
                        "letter_subject": subject,
                        "letter_body": body,
                        "letter_sent_at": now - timedelta(days=20 - 4 * step),
                    }
                ApplicationStatusChange.objects.create(
                    application=application,
                    from_status=status,
                    to_status=to_status,
                    changed_by=chair,
                    changed_at=now - timedelta(days=20 - 4 * step),
                    note=note,
                    **letter,
                )
                status = to_status
            application.save(update_fields=["status"])
        for assessor, score, note in scores:
            Assessment.objects.get_or_create(
                application=application,
                assessor=User.objects.get(email=assessor),
                defaults={"score": score, "note": note},
            )
