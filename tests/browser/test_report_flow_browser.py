"""In a real browser: a possible impersonation, from the directory's lookup to its referral.

An employee checks a suspicious profile in the public directory, follows "Report a possible
impersonation", attaches a screenshot and sends the report; CSC staff find it in the queue flagged
as a likely impersonation of Calgary Parks, assign it to themselves and refer it to Law-Corporate
Security; the employee then sees it closed under My reports. A member of the public reports from
the directory without signing in. axe checks every page, wide (1280 px) and narrow (390 px).
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from reports.models import ContentReport, ReportStatus
from tests.browser.conftest import assert_accessible, sign_in_with_keyboard
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

SUSPICIOUS = "https://www.instagram.com/calgary_parks_official"
SEEN = "It copies the Calgary Parks logo and sells summer camp places through a link that is not the City's."
REFERRAL = "Impersonation taking payments: please ask Instagram to remove it and warn residents."
WIDE, NARROW = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def accessible_at_both_widths(page):
    """axe finds nothing on the page as it is, wide and narrow; the page never scrolls sideways."""
    for size in (NARROW, WIDE):
        page.set_viewport_size(size)
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            f"sideways at {size}",
            page.evaluate(_WIDEST),
        )


#: The elements whose content is wider than they are, outside the tables that scroll on their own.
_WIDEST = """() => [...document.querySelectorAll('main *')]
  .filter((el) => el.scrollWidth > el.clientWidth + 1 && !el.closest('.table-responsive'))
  .map((el) => `${el.tagName}.${el.className}: ${(el.textContent || '').trim().slice(0, 60)}`).slice(-3)"""


def screenshot_png():
    buffer = io.BytesIO()
    Image.new("RGB", (390, 600), (240, 240, 240)).save(buffer, format="PNG")
    return {"name": "instagram.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def path_of(page):
    return urlsplit(page.url).path


def switch_to(page, username):
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/login/")
    sign_in_with_keyboard(page, username, PASSWORD)


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def test_an_employee_reports_an_impersonation_that_csc_refers_to_security(page, world, console_errors):
    page.set_viewport_size(WIDE)
    # --- the employee checks the profile in the directory -------------------------------------------------
    sign_in_with_keyboard(page, "employee", PASSWORD)
    main_nav(page).get_by_role("link", name="Directory").click()
    page.get_by_label("Address or handle").fill(SUSPICIOUS)
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#check-result")).to_contain_text("calgary_parks_official")
    accessible_at_both_widths(page)

    # --- and reports it: the form is filled in from the lookup -------------------------------------------------
    page.get_by_role("link", name="Report a possible impersonation").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/reports/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report something you saw online")
    expect(page.get_by_label("Address of the post or profile")).to_have_value(SUSPICIOUS)
    expect(page.get_by_label("A possible impersonation of The City")).to_be_checked()
    accessible_at_both_widths(page)
    page.get_by_role("button", name="Send the report").click()  # forgot to say what they saw
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("Say what you saw.")
    accessible_at_both_widths(page)
    page.get_by_label("Name or handle shown on the account").fill("Calgary Parks Official")
    page.get_by_label("What did you see?").fill(SEEN)
    page.get_by_label("Screenshot (optional)").set_input_files(screenshot_png())
    page.get_by_role("button", name="Send the report").click()
    report = ContentReport.objects.get()
    page.wait_for_url(lambda url: path_of(page) == f"/reports/{report.pk}/")
    expect(page.get_by_role("status")).to_contain_text(f"Your report's reference is {report.reference}")
    expect(page.locator(".lead .badge")).to_have_text("Received")
    accessible_at_both_widths(page)
    assert report.likely_impersonation and report.screenshot

    # --- CSC staff find it flagged, assign it and refer it to Law-Corporate Security -------------------------
    switch_to(page, "csc")
    main_nav(page).get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Content reports")
    row = page.get_by_role("row").filter(has_text=report.reference)
    expect(row).to_contain_text("Likely impersonation")
    accessible_at_both_widths(page)
    page.get_by_label("Registry").select_option(label="Likely impersonation")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("status").first).to_have_text("1 report.")
    accessible_at_both_widths(page)
    page.get_by_role("link", name=report.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(report.reference)
    expect(page.get_by_role("table", name="The closest official City accounts")).to_contain_text("Calgary Parks")
    screenshot = page.get_by_role("img", name=f"Screenshot attached to report {report.reference}")
    expect(screenshot).to_be_visible()
    # Visible means laid out, not decoded: wait until the browser has the picture (a broken one never is).
    page.wait_for_function(
        "() => { const img = document.querySelector('.report-screenshot'); return img.complete && img.naturalWidth > 0; }"
    )
    assert page.evaluate("document.querySelector('.report-screenshot').naturalWidth") == 390
    accessible_at_both_widths(page)
    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_role("status")).to_contain_text("The report is assigned.")
    expect(page.locator(".lead")).to_contain_text("assigned to Priya Raman")
    accessible_at_both_widths(page)
    page.get_by_label("Law-Corporate Security").check()
    page.get_by_label("What they should know").fill(REFERRAL)
    page.get_by_role("button", name="Refer", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The report is referred")
    expect(page.locator(".lead .badge").first).to_have_text("Referred to Law-Corporate Security")
    expect(page.get_by_role("region", name="History")).to_contain_text("Priya Raman referred the report")
    accessible_at_both_widths(page)
    report.refresh_from_db()
    assert report.status == ReportStatus.REFERRED_SECURITY and report.assignee.username == "csc"

    # --- the employee sees it closed, and nothing of the team's handling -------------------------------------
    switch_to(page, "employee")
    main_nav(page).get_by_role("link", name="My reports").click()
    row = page.get_by_role("row").filter(has_text=report.reference)
    expect(row.get_by_role("cell", name="Closed", exact=True)).to_be_visible()
    accessible_at_both_widths(page)
    row.get_by_role("link", name=report.reference).click()
    expect(page.locator(".lead .badge")).to_have_text("Closed")
    expect(page.locator("main")).not_to_contain_text(REFERRAL)
    expect(page.locator("main")).not_to_contain_text("Security")
    accessible_at_both_widths(page)
    assert console_errors == []


def test_a_member_of_the_public_reports_from_the_directory(page, world, console_errors):
    page.set_viewport_size(WIDE)
    page.goto("/directory/")
    page.get_by_label("Address or handle").fill("https://www.tiktok.com/@calgarytransitt")
    page.get_by_role("button", name="Check").click()
    page.get_by_role("link", name="Report a possible impersonation").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/reports/public/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a possible impersonation")
    expect(page.get_by_label("Address of the post or profile")).to_have_value("https://www.tiktok.com/@calgarytransitt")
    expect(page.get_by_label("Leave this field empty")).not_to_be_in_viewport()
    accessible_at_both_widths(page)
    page.get_by_label("What did you see?").fill("It offers discounted monthly passes paid by e-transfer.")
    page.get_by_label("Your email (optional)").fill("resident@example.com")
    page.get_by_role("button", name="Send the report").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/reports/public/thanks/")
    report = ContentReport.objects.get()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your report")
    expect(page.locator("main")).to_contain_text(f"Your reference is {report.reference}")
    accessible_at_both_widths(page)
    assert report.reporter is None and report.reporter_email == "resident@example.com"
    assert console_errors == []
