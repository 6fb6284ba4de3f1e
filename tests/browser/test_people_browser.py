"""In a real browser: HR uploads a roster, sees its access impact, confirms and watches the
import finish (through the real worker); CSC records a training completion that unblocks a
waiting provider-access request; the Director publishes Standards 1.1 and a provider
acknowledges it from the emailed link. axe checks every page state at 1280 and 390 px."""

import csv
import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import AccessReview, GrantStatus, ProviderGrant
from governance.models import Employee, Notification, PolicyAcknowledgement, RosterUpload, StandardsVersion
from governance.roster import COLUMNS
from requests import services as request_services
from tests.browser.conftest import assert_accessible, sign_in_with_keyboard
from tests.conftest import wait_for
from tests.factories import PASSWORD, current_standards, make_account, make_grant
from tests.governance.test_roster_upload import roster_line

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = os.environ.get("SCREENSHOT_DIR")


def check(page, name):
    """axe at both widths, no sideways scrolling; a screenshot of each when SCREENSHOT_DIR is set."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert_accessible(page)
        wide, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert wide <= window, f"{page.url} is {wide} px wide in a {window} px window"
        if SHOTS:
            page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def sign_out(page):
    page.context.clear_cookies()


def test_hr_uploads_a_roster_sees_the_access_impact_confirms_and_watches_it_finish(
    page, world, celery_worker, tmp_path, console_errors
):
    account = make_account(handle="@yycparksevents", business_unit=world.parks, accountable_manager=world.manager_emp)
    mover = make_grant(employee=world.employee_emp, account=account)
    leaver = make_grant(employee=world.lead_emp, account=account)
    lines = []
    for employee in Employee.objects.select_related("business_unit", "manager").order_by("pk"):
        if employee.pk == world.outsider_emp.pk:
            continue  # missing from the full roster
        changes = {}
        if employee.pk == world.employee_emp.pk:
            changes = {"job_title": "Transit Planner", "business_unit_code": "TRN"}
            changes |= {"business_unit_name": "Calgary Transit", "manager_employee_number": "E0199"}
        if employee.pk == world.lead_emp.pk:
            changes = {"employment_status": "terminated"}
        lines.append(roster_line(employee, **changes))
    path = tmp_path / "workday-roster.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(lines)

    sign_in_with_keyboard(page, "hr", PASSWORD)
    main_nav(page).get_by_role("link", name="HR roster").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("HR roster")
    check(page, "roster")
    page.get_by_label(re.compile(r"^Roster file")).set_input_files(str(path))
    page.get_by_label(re.compile(r"whole organisation")).check()
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="Checked: nothing has changed yet")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("heading", name="Access going to a manager for review: 2")).to_be_visible()
    expect(page.get_by_role("heading", name="Access revoked at once: 1")).to_be_visible()
    expect(page.get_by_text("Aisha Nkemelu: 2 grants")).to_be_visible()
    assert ProviderGrant.objects.get(pk=leaver.pk).status == GrantStatus.ACTIVE  # nothing applied yet
    check(page, "roster-preview")

    page.get_by_role("button", name="Import this roster").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Imported"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text(re.compile(r"of whom 1 changed role and 1 left The City"))).to_be_visible()
    check(page, "roster-imported")
    upload = RosterUpload.objects.get()
    assert upload.status == "imported" and not upload.file
    # The worker's jobs then open the reviews the preview listed.
    wait_for(lambda: AccessReview.objects.count() >= 2, message="the reviews the import's jobs open")
    assert sorted(AccessReview.objects.values_list("grant_id", flat=True)) == sorted(
        upload.preview["access"]["under_review"]["ids"]
    )
    assert sorted(upload.preview["access"]["under_review"]["ids"]) == sorted([mover.pk, world.transit_grant.pk])
    assert console_errors == []


def test_csc_records_training_and_the_waiting_request_becomes_approvable(page, world, console_errors):
    world.lead_emp.training_records.all().delete()
    access = request_services.create_provider_access_request(
        account=world.parks_account,
        employee=world.lead_emp,
        acting_user=world.manager,
        values={"justification": "Events."},
    )
    request_services.submit_request(governance_request=access, acting_user=world.manager)

    sign_in_with_keyboard(page, "director", PASSWORD)
    page.goto(f"/requests/{access.pk}/")
    expect(page.get_by_text("training is not current")).to_be_visible()
    sign_out(page)

    sign_in_with_keyboard(page, "csc", PASSWORD)
    main_nav(page).get_by_role("link", name="Training").click()
    check(page, "training")
    page.get_by_label("Name or employee number").fill("Maya Thompson")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Maya Thompson"))).to_be_visible()
    page.locator("summary", has_text="Record a completion").click()
    page.get_by_label("Completed on").fill(timezone.localdate().isoformat())
    check(page, "training-search")
    page.get_by_role("button", name="Record").click()
    expect(page.locator(".messages")).to_contain_text("Maya Thompson completed")
    check(page, "training-recorded")
    sign_out(page)

    sign_in_with_keyboard(page, "director", PASSWORD)
    page.goto(f"/requests/{access.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("training is not current")).to_have_count(0)
    expect(page.get_by_text("Not ready for designation yet")).to_have_count(0)
    assert console_errors == []


def test_the_director_publishes_standards_1_1_and_a_provider_acknowledges_from_the_emailed_link(
    page, world, console_errors
):
    current_standards()
    sign_in_with_keyboard(page, "csc", PASSWORD)
    main_nav(page).get_by_role("link", name="Standards versions").click()
    check(page, "standards-versions")
    page.get_by_role("link", name="Start a new draft").click()
    page.get_by_label("Version number").fill("1.1")
    text = page.get_by_label("Text (Markdown)")
    text.fill(text.input_value() + "\n\n## Images made with AI\n\nSay so plainly in the post.\n")
    check(page, "standards-draft")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_role("heading", name="What changed from version 1.0")).to_be_visible()
    check(page, "standards-draft-preview")
    sign_out(page)

    sign_in_with_keyboard(page, "director", PASSWORD)
    page.goto("/standards/versions/")
    page.get_by_role("link", name="Version 1.1 (draft)").click()
    page.get_by_label("Days providers have to acknowledge it").fill("14")
    check(page, "standards-publish")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Version 1.1 is published")
    check(page, "standards-published")
    sign_out(page)

    version = StandardsVersion.objects.get(version="1.1")
    assert StandardsVersion.objects.current() == version
    body = Notification.objects.get(kind="standards_acknowledgement_requested", recipient=world.provider).body
    link = re.search(r"http://[^/\s]+(/standards/acknowledge/\S+/)", body)[1]
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check(page, "standards-link")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name=re.compile("Acknowledge")).click()
    expect(page.get_by_role("heading", name="Thank you, Lucas")).to_be_visible()
    check(page, "standards-link-done")
    assert PolicyAcknowledgement.objects.filter(employee=world.provider_emp, standards_version=version).exists()
    assert console_errors == []
