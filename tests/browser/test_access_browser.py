"""In a real browser: stale access, from the review to the password change.

HR reports that a provider's role changed; the nightly sweep opens a review for his reporting
line. His manager's manager signs in with the keyboard, finds the review on Team access, revokes
the access with a reason, then records on Rotations that the account's password was changed
(the checklist ticked with the keyboard; the portal never asks for a password). The Director
sees the same review among everyone's. axe checks every page state on the way.
"""

import re

import pytest
from django.utils import dateformat, timezone
from playwright.sync_api import expect

from accounts import services
from accounts.models import (
    AccessReview,
    CredentialRotation,
    GrantStatus,
    ReviewOutcome,
    ReviewReason,
    RotationReason,
)
from governance.models import Employee
from tests.browser.conftest import assert_accessible, sign_in_with_keyboard
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

REVOKE_REASON = "Lucas moved to Park Events; he no longer posts for Calgary Parks."
ROTATION_NOTE = "Changed on Instagram at 10 am; recovery now socialmedia@calgary.ca."
CHECKLIST = [
    "I changed the account's password",
    "The recovery email and phone are the City's (not a departed person's)",
    "Two-step verification is on",
    "Other sessions, devices and connected apps are signed out",
]


def open_role_change_review(world):
    """HR changed Lucas's role: the sweep opens a review, assigned to his manager Maya."""
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    review = AccessReview.objects.get(grant=world.provider_grant, resolved_at__isnull=True)
    assert review.reason == ReviewReason.ROLE_CHANGED
    assert review.assigned_to == world.lead_emp
    return review


def as_shown(moment):
    """A date and time as the pages print it, in the City's time zone."""
    return dateformat.format(timezone.localtime(moment), "M j, Y g:i a")


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def expect_no_sideways_scrolling(page):
    """The page is no wider than the window, and the long menu keeps Sign out in view."""
    wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide <= window, f"{page.url} is {wide} px wide in a {window} px window"
    if page.viewport_size["width"] >= 992:  # Bootstrap's lg: the menu is spread out, not collapsed
        expect(page.get_by_role("button", name=re.compile(r"^Sign out"))).to_be_in_viewport(ratio=1)


def test_a_manager_revokes_stale_access_and_records_the_password_change(page, world, console_errors):
    review = open_role_change_review(world)

    # --- Team access: the review of an indirect report, first --------------------------------------
    sign_in_with_keyboard(page, "manager", PASSWORD)
    main_nav(page).get_by_role("link", name="Team access").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your team's access")
    expect(main_nav(page).get_by_role("link", name="Team access")).to_have_attribute("aria-current", "page")
    first = page.locator("tbody tr").first
    expect(first.get_by_role("rowheader")).to_contain_text("Lucas Moreau")
    expect(first).to_contain_text("Calgary Parks")
    expect(first).to_contain_text("Role changed")
    expect(first).to_contain_text(f"due {as_shown(review.due_at)}")
    expect_no_sideways_scrolling(page)
    assert_accessible(page)

    # The row's disclosure, opened with the keyboard: keep (with a note and date) or revoke.
    disclosure = first.locator("summary")
    expect(disclosure).to_have_text(re.compile(r"^Keep or revoke\s+Lucas Moreau on Calgary Parks$"))
    disclosure.focus()
    page.keyboard.press("Enter")
    expect(first.locator("details")).to_have_attribute("open", "")
    expect(first.get_by_role("button", name="Keep access")).to_be_visible()
    reason = first.get_by_label("Reason for revoking")
    reason.fill(REVOKE_REASON)
    assert_accessible(page)

    first.get_by_role("button", name="Revoke access").click()
    message = page.locator(".messages[role=status]")
    expect(message).to_contain_text("Lucas Moreau's access to Calgary Parks is revoked.")
    expect(message).to_contain_text("record it under Rotations")
    expect(page.get_by_text("Nobody in your reporting line holds access")).to_be_visible()
    assert_accessible(page)

    grant = world.provider_grant
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED
    assert grant.revoke_reason == REVOKE_REASON
    assert grant.revoked_by == world.manager
    review.refresh_from_db()
    assert review.resolved_at is not None
    assert review.outcome == ReviewOutcome.REVOKED
    assert review.resolved_by == world.manager
    assert review.note == REVOKE_REASON
    rotation = CredentialRotation.objects.get(account=world.parks_account, completed_at__isnull=True)
    assert [(c.reason, c.grant_id) for c in rotation.causes.all()] == [(RotationReason.PROVIDER_REMOVED, grant.pk)]

    # --- Rotations: the open password change, and why -----------------------------------------------
    main_nav(page).get_by_role("link", name="Rotations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password changes")
    card = page.get_by_role("region", name=re.compile(r"^Calgary Parks "))
    expect(card).to_contain_text("Instagram")
    expect(card).to_contain_text(f"due {as_shown(rotation.due_at)}")
    expect(card.get_by_role("listitem")).to_have_text(re.compile(r"^Provider removed: Lucas Moreau \(revoked\)"))
    expect(page.get_by_role("heading", name="Done in the last 30 days")).to_have_count(0)
    assert_accessible(page)

    # The checklist, with the keyboard only: open, Tab to each step and tick it with Space.
    summary = card.locator("summary")
    expect(summary).to_have_text(re.compile(r"^Record the password change\s+for Calgary Parks$"))
    summary.focus()
    page.keyboard.press("Enter")
    expect(card.get_by_role("group", name="Confirm each step")).to_be_visible()
    for label in CHECKLIST:
        page.keyboard.press("Tab")
        checkbox = card.get_by_label(label, exact=True)
        expect(checkbox).to_be_focused()
        page.keyboard.press("Space")
        expect(checkbox).to_be_checked()
    page.keyboard.press("Tab")
    expect(card.get_by_label("Note (optional)")).to_be_focused()
    page.keyboard.type(ROTATION_NOTE)
    # Never a password: not on the form, not anywhere on the page.
    expect(page.locator("input[type=password]")).to_have_count(0)
    assert_accessible(page)
    page.keyboard.press("Tab")
    expect(card.get_by_role("button", name="Password changed")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.locator(".messages[role=status]")).to_contain_text("The password change of Calgary Parks is recorded.")
    expect(page.get_by_text("No password changes are waiting.")).to_be_visible()
    expect_no_sideways_scrolling(page)
    done = page.get_by_role("heading", name="Done in the last 30 days")
    expect(done).to_be_visible()
    rotation.refresh_from_db()
    recent = page.get_by_role("list").filter(has_text="Calgary Parks (Instagram)")
    expect(recent).to_contain_text(f"{as_shown(rotation.completed_at)} by Samuel Reyes: {ROTATION_NOTE}")
    expect(page.locator("input[type=password]")).to_have_count(0)
    assert_accessible(page)

    assert rotation.completed_by == world.manager
    assert rotation.note == ROTATION_NOTE
    assert rotation.password_changed and rotation.recovery_checked
    assert rotation.two_step_on and rotation.sessions_signed_out
    world.parks_account.refresh_from_db()
    assert world.parks_account.password_rotated_at == rotation.completed_at

    assert console_errors == []


def test_the_director_sees_the_review_among_everyone_under_review(page, world, console_errors):
    review = open_role_change_review(world)

    sign_in_with_keyboard(page, "director", PASSWORD)
    main_nav(page).get_by_role("link", name="Team access").click()
    # The Director manages people too: her own line first, everyone's a click away.
    whose = page.get_by_role("group", name="Whose access")
    expect(whose.get_by_role("link", name="My reporting line")).to_have_attribute("aria-current", "page")
    whose.get_by_role("link", name="Everyone under review").click()
    expect(page).to_have_url(re.compile(r"/team/access/\?scope=all$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Access under review")
    expect(whose.get_by_role("link", name="Everyone under review")).to_have_attribute("aria-current", "page")

    filters = page.get_by_role("form", name="Filter the reviews")
    expect(filters.get_by_label("Due")).to_have_value("")
    expect(filters.get_by_label("Due").locator("option")).to_have_text(["Any time", "Overdue only"])
    expect(filters.get_by_role("button", name="Filter")).to_be_visible()

    row = page.get_by_role("row", name=re.compile("Lucas Moreau"))
    expect(row).to_contain_text("Calgary Parks")
    expect(row).to_contain_text("Role changed")
    expect(row).to_contain_text(f"due {as_shown(review.due_at)}")
    expect(row.get_by_text("Overdue")).to_have_count(0)
    assert_accessible(page)

    # Not overdue: the overdue filter leaves it out, and the page says the filter found none.
    filters.get_by_label("Due").select_option(label="Overdue only")
    filters.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"scope=all.*overdue=yes"))
    expect(page.get_by_role("row", name=re.compile("Lucas Moreau"))).to_have_count(0)
    expect(page.get_by_role("form", name="Filter the reviews").get_by_label("Due")).to_have_value("yes")
    expect(page.get_by_text("No access under review matches these filters.")).to_be_visible()
    assert_accessible(page)

    assert console_errors == []


def test_team_access_fits_a_narrow_screen(page, world):
    """At 320 px the table scrolls inside its box; the page itself does not scroll sideways."""
    open_role_change_review(world)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in_with_keyboard(page, "manager", PASSWORD)
    page.goto("/team/access/")
    page.locator("tbody tr").first.locator("summary").click()
    expect(page.get_by_label("Reason for revoking")).to_be_visible()
    expect_no_sideways_scrolling(page)
    assert_accessible(page)
