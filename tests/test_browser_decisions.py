"""Decisions in a real browser, by keyboard only: a proposal's whole life, and a decision by
each method, at a meeting and between meetings."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import AuditEvent
from decisions.models import (
    Action,
    GroupDecision,
    Outcome,
    Proposal,
    ProposalVersion,
    Response,
    Stage,
)
from tests.browser import axe_violations, describe_violations, tab_to, tab_to_words
from tests.conftest import Demo, OpenPage
from tests.pages import decisions as dec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press_link(page: Page, name: str, limit: int = 120) -> None:
    """Tab to the link whose words are `name`, as a keyboard user would, and follow it."""
    tab_to_words(page, name, tag="A", limit=limit)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def submit(page: Page) -> None:
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_radio(page: Page, name: str, position: int) -> None:
    """The `position`-th (from 1) radio of a group: Space picks the first, arrows move on."""
    tab_to(page, f"input[name={name}]")
    page.keyboard.press("Space")
    for _step in range(position - 1):
        page.keyboard.press("ArrowDown")


def move(page: Page, label: str, field: str = "", text: str = "") -> None:
    press_link(page, f"Move to: {label}")
    if field:
        tab_to(page, f"#id_{field}")
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    submit(page)
    expect(page.get_by_text(f"The proposal is now: {label}.")).to_be_visible()


def test_it_takes_a_proposal_through_its_whole_life_by_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    amira = open_page("member")
    amira.goto(reverse("decisions:proposals", kwargs={"project_pk": demo.website.pk}))
    press_link(amira, "Draft a proposal")
    tab_to(amira, "#id_title")
    amira.keyboard.type("Subtitles on every video")
    tab_to(amira, "#id_text")
    amira.keyboard.type("Every video on the site should have subtitles.")
    submit(amira)
    expect(amira.get_by_text("Your draft is saved")).to_be_visible()
    move(amira, "Open for comment")

    colin = open_page("carer")
    colin.goto(amira.url)
    tab_to(colin, "#id_text")
    colin.keyboard.type("And a transcript, please.")
    submit(colin)
    expect(colin.get_by_text("Your comment is added.")).to_be_visible()

    deborah = open_page("chair")
    deborah.goto(amira.url)
    move(deborah, "Response from the decision-makers", "note", "Yes, with transcripts too.")
    amira.goto(amira.url)
    move(amira, "Revised", "text", "Every video should have subtitles and a transcript.")
    deborah.goto(amira.url)
    move(deborah, "Agreed", "timescale", "By the summer")
    move(deborah, "Being put in place")
    move(deborah, "Done")

    proposal = Proposal.objects.get(title="Subtitles on every video")
    assert proposal.stage == Stage.DONE
    assert proposal.text == "Every video should have subtitles and a transcript."
    assert list(proposal.versions.values_list("stage", flat=True)) == [
        "draft",
        "open",
        "responded",
        "revised",
        "agreed",
        "in_progress",
        "done",
    ]
    press_link(deborah, "Compare its versions")
    tab_to(deborah, "#id_a")
    deborah.keyboard.press("Home")  # the first version, against the last
    submit(deborah)
    expect(deborah.locator("ins.app-diff__added").first).to_be_visible()
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 7


@pytest.mark.parametrize(
    ("method", "position", "at_meeting", "answers", "outcome"),
    [
        ("consensus", 1, True, [("carer", 1), ("clinician", 2)], Outcome.AGREED),
        ("consensus", 1, False, [("carer", 1), ("clinician", 3)], Outcome.NOT_AGREED),
        ("consent", 2, True, [("carer", 1), ("clinician", 1)], Outcome.AGREED),
        ("consent", 2, False, [("carer", 1), ("clinician", 2)], Outcome.NOT_AGREED),
        ("majority", 3, True, [("carer", 1), ("clinician", 2)], Outcome.NOT_AGREED),
        ("majority", 3, False, [("carer", 1), ("clinician", 1)], Outcome.AGREED),
    ],
)
def test_it_takes_a_decision_by_each_method_by_keyboard(
    demo: Demo,
    open_page: OpenPage,
    method: str,
    position: int,
    at_meeting: bool,
    answers: list[tuple[str, int]],
    outcome: str,
) -> None:
    deborah = open_page("chair")
    deborah.goto(reverse("decisions:decision_log", kwargs={"project_pk": demo.website.pk}))
    press_link(deborah, "Ask the group to decide")
    tab_to(deborah, "#id_question")
    question = f"Do we test with paper versions too? ({method}, {at_meeting})"
    deborah.keyboard.type(question)
    choose_radio(deborah, "method", position)
    tab_to(deborah, "#id_where")
    if at_meeting:
        deborah.keyboard.type("Crisis pages: first drafts: What")
    else:
        tab_to(deborah, "#id_closes_on_day")
        deborah.keyboard.type("1")
        tab_to(deborah, "#id_closes_on_month")
        deborah.keyboard.type("1")
        tab_to(deborah, "#id_closes_on_year")
        deborah.keyboard.type(str(timezone.localdate().year + 1))
    submit(deborah)
    expect(deborah.get_by_text("The decision is open for answers.")).to_be_visible()
    decision = GroupDecision.objects.get(question=question)
    assert decision.at_meeting == at_meeting

    for persona, choice in answers:
        reason = "It leaves out people who cannot read small print."
        if at_meeting:
            # The minute-taker enters what each member said in the room.
            press_link(deborah, "Enter someone's answer")
            tab_to(deborah, "#id_person")
            deborah.keyboard.type(demo.person(persona).full_name)
            choose_radio(deborah, "way", 1)
            choose_radio(deborah, "choice", choice)
            tab_to(deborah, "#id_reason")
            deborah.keyboard.type(reason)
            submit(deborah)
            expect(deborah.get_by_text("answer is recorded")).to_be_visible()
            deborah.goto(reverse("decisions:decision_detail", args=[decision.pk]))
        else:
            member = open_page(persona)
            member.goto(reverse("decisions:decision_detail", args=[decision.pk]))
            press_link(member, "Give your answer")
            choose_radio(member, "choice", choice)
            tab_to(member, "#id_reason")
            member.keyboard.type(reason)
            submit(member)
            expect(member.get_by_text("Your answer is recorded")).to_be_visible()
    assert Response.objects.filter(decision=decision).count() == len(answers)

    deborah.goto(reverse("decisions:decision_detail", args=[decision.pk]))
    press_link(deborah, "Record the outcome")
    submit(deborah)
    expect(deborah.get_by_text("The outcome is recorded")).to_be_visible()
    decision.refresh_from_db()
    assert decision.outcome == outcome
    if at_meeting:
        # Yesterday's meeting is still cooling off, so the decision is provisional.
        expect(deborah.get_by_text("Provisional", exact=True)).to_be_visible()


def follow(page: Page, href: str) -> None:
    """Tab to the link to `href` and follow it with Enter."""
    tab_to(page, f'main a[href="{href}"]', limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def no_axe_violations(page: Page, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{what}:\n{describe_violations(violations)}"


def test_it_changes_and_removes_an_action_between_meetings_by_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    blocked = Action.objects.get(pk=dec.blocked_action(demo)["pk"])
    deborah = open_page("chair", with_axe=True)
    deborah.goto(reverse("decisions:actions", kwargs=dec.website(demo)))
    no_axe_violations(deborah, "the action log with links to change and remove")
    follow(deborah, reverse("decisions:action_edit", args=[blocked.pk]))
    no_axe_violations(deborah, "changing an action")

    # Emptied, it names the field and saves nothing.
    tab_to(deborah, "#id_text")
    deborah.keyboard.press("Control+A")
    deborah.keyboard.press("Delete")
    submit(deborah)
    expect(deborah.locator(".govuk-error-summary")).to_contain_text("Enter what needs doing")
    no_axe_violations(deborah, "changing an action, submitted empty")

    # Someone else saves first: the warning keeps what Deborah typed.
    Action.objects.filter(pk=blocked.pk).update(version=blocked.version + 1)
    tab_to(deborah, "#id_text")
    deborah.keyboard.type("Ask the web team for the banner once the contract starts.")
    submit(deborah)
    expect(deborah.locator(".govuk-error-summary")).to_contain_text("Someone else saved changes")
    no_axe_violations(deborah, "changing an action after someone else saved it")
    submit(deborah)
    expect(deborah.get_by_text("The action is saved.")).to_be_visible()
    blocked.refresh_from_db()
    assert blocked.text == "Ask the web team for the banner once the contract starts."

    follow(deborah, reverse("decisions:action_remove", args=[blocked.pk]))
    expect(deborah.get_by_text("Are you sure you want to remove this action?")).to_be_visible()
    no_axe_violations(deborah, "removing an action")
    submit(deborah)
    expect(deborah.get_by_text("The action is removed from the log.")).to_be_visible()
    assert not Action.objects.filter(pk=blocked.pk).exists()
    assert AuditEvent.objects.filter(action__in=["action.changed", "action.removed"]).count() == 2


def test_it_agrees_the_proposal_when_recording_the_outcome_by_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    deborah = open_page("chair", with_axe=True)
    deborah.goto(dec.closing_a_decision_on_a_responded_proposal(demo))
    expect(deborah.get_by_text("recording the outcome moves it on")).to_be_visible()
    no_axe_violations(deborah, "recording the outcome of a decision on a proposal")
    submit(deborah)
    expect(deborah.locator(".govuk-error-summary")).to_contain_text("Say by when it will be done")
    no_axe_violations(deborah, "recording the outcome without saying by when")
    tab_to(deborah, "#id_timescale")
    deborah.keyboard.type("By the end of March")
    submit(deborah)
    expect(deborah.get_by_text("is now: Agreed")).to_be_visible()
    easy_read = Proposal.objects.get(project=demo.website, title=dec.OPEN)
    assert (easy_read.stage, easy_read.timescale) == (Stage.AGREED, "By the end of March")


def test_it_filters_the_log_by_two_themes_by_keyboard(demo: Demo, open_page: OpenPage) -> None:
    amira = open_page("member", with_axe=True)
    amira.goto(reverse("decisions:decision_log", kwargs=dec.website(demo)))
    tab_to(amira, "summary")
    amira.keyboard.press("Enter")
    for theme in ("easy read", "crisis pages"):
        tab_to(amira, f'input[name=theme][value="{theme}"]')
        amira.keyboard.press("Space")
    tab_to(amira, "main form[method=get] button[type=submit]")
    with amira.expect_navigation():
        amira.keyboard.press("Enter")
    for theme in ("easy read", "crisis pages"):
        expect(amira.locator(f'input[name=theme][value="{theme}"]')).to_be_checked()
    expect(amira.locator("#log-caption")).to_have_text("2 decisions")
    expect(amira.get_by_text("Decisions written in meeting records")).to_have_count(0)
    no_axe_violations(amira, "the decision log filtered by two themes")
    amira.goto(reverse("decisions:decision_log", kwargs=dec.website(demo)))
    expect(
        amira.get_by_role("heading", name="Decisions written in meeting records")
    ).to_be_visible()
    no_axe_violations(amira, "the decision log with decisions written in meeting records")
