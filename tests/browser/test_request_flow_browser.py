"""In a real browser: a Social Media Request from the form to the public directory.

An employee fills in the form with the keyboard only and submits it; the communications team
returns it with a note; the employee sees the note, changes the request and submits it again;
the Director approves; a citizen finds the new account in the directory and checks an address
written another way. axe checks every page on the way.
"""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.models import SocialAccount
from requests.models import AccountRequest, RequestStatus
from tests.browser.conftest import assert_accessible, sign_in_with_keyboard
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

LAUNCH = datetime.date.today() + datetime.timedelta(days=60)
RETURN_NOTE = "Who moderates on weekends? Please add weekend coverage to the moderation plan."
WEEKEND_COVERAGE = " Weekends: the on-call coordinator checks at 10 am and 4 pm."


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A known locale, so the date input's parts are month, day, year."""
    return {**browser_context_args, "locale": "en-US"}


def path_of(page):
    return urlsplit(page.url).path


def field(page, label):
    """The form field whose label starts with `label` (labels may end in "(needed to submit)")."""
    return page.get_by_label(re.compile(r"^\s*" + re.escape(label)))


def sign_out(page):
    page.get_by_role("button", name=re.compile(r"^Sign out")).click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/login/")


def switch_to(page, username):
    sign_out(page)
    sign_in_with_keyboard(page, username, PASSWORD)


#: The form's fields in tab order after Platform: label, what the employee types, the value it gives.
TYPED = [
    ("Proposed account name", "Calgary Off-Leash Areas", None),
    ("Proposed handle", "@yycoffleash", None),
    ("Address, if the account already exists", "https://www.instagram.com/yycoffleash", None),
    ("List it in the public directory", None, True),  # ticked by default: leave it so
    ("Business need", "Dog owners ask 311 about off-leash rules every week.", None),
    ("Objectives", "Fewer 311 calls about off-leash areas; rules understood before summer.", None),
    ("Target audience", "Dog owners in Calgary.", None),
    ("Topics you will post about", "Off-leash rules, seasonal closures, new off-leash parks.", None),
    ("How often you will post", "A few times a week", "weekly"),  # a closed select picks what is typed
    ("Content providers", "{employee}", None),
    ("Backup provider", "{backup}", None),
    ("Moderation plan", "Checked twice a business day; abusive comments hidden and logged.", None),
    ("Response time", "Within one business day", None),
    ("Records retention", "Archived monthly under schedule COM-05.", None),
    ("Accessibility", "Alt text on every image, captions on video, plain language.", None),
    ("Official languages", "English; safety notices also in French.", None),
    # The date input's parts are month, day and year (en-US); each moves on to the next when full.
    ("Proposed launch date", LAUNCH.strftime("%m%d%Y"), LAUNCH.isoformat()),
]


def typed(org, text):
    return text.format(employee=org.employee_emp.employee_number, backup=org.lead_emp.employee_number)


def fill_the_form_with_the_keyboard(page, org, *, forget=None):
    """Every field in tab order with the keyboard only, except the one labelled `forget`, which
    is tabbed past. Ends on the confirmation checkbox, ticked with Space."""
    keyboard = page.keyboard
    field(page, "Platform").focus()
    keyboard.type("Instagram")
    for label, text, _ in TYPED:
        keyboard.press("Tab")
        expect(field(page, label)).to_be_focused()
        if text and label != forget:
            keyboard.type(typed(org, text))
    expect(field(page, "Proposed launch date")).to_have_value(LAUNCH.isoformat())
    # Chromium's date input has one more Tab stop after the year: its calendar button.
    for _ in range(3):
        keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") != "id_launch_date":
            break
    confirmation = field(page, "I have read the Social Media Standards")
    expect(confirmation).to_be_focused()
    keyboard.press("Space")
    expect(confirmation).to_be_checked()


def expect_the_form_to_hold_what_was_typed(page, org, *, forgotten):
    expect(field(page, "Platform")).to_have_value("instagram")
    for label, text, value in TYPED:
        if value is True:
            expect(field(page, label)).to_be_checked()
        else:
            expect(field(page, label)).to_have_value("" if label == forgotten else value or typed(org, text))
    expect(field(page, "I have read the Social Media Standards")).to_be_checked()


def test_a_request_goes_from_the_keyboard_to_the_public_directory(page, org, console_errors):
    # --- the employee files the request, with the keyboard only --------------------------------
    sign_in_with_keyboard(page, "employee", PASSWORD)
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My requests")
    assert_accessible(page)
    page.get_by_role("link", name="New Social Media Request").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social Media Request")
    assert_accessible(page)

    # First the backup provider is forgotten: the form says what is missing, beside the field
    # too, and keeps everything typed.
    fill_the_form_with_the_keyboard(page, org, forget="Backup provider")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Submit to the communications team")).to_be_focused()
    page.keyboard.press("Enter")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem to fix")
    expect(summary).to_be_focused()  # a screen reader reads the problems first
    expect(summary.get_by_role("link")).to_have_text("Backup provider: Needed before you can submit.")
    backup = field(page, "Backup provider")
    expect(backup).to_have_attribute("aria-invalid", "true")
    expect(backup).to_have_accessible_description(re.compile("Needed before you can submit"))
    expect(page.locator("#div_id_backup_provider")).to_contain_text("Needed before you can submit.")
    expect_the_form_to_hold_what_was_typed(page, org, forgotten="Backup provider")
    assert not AccountRequest.objects.exists()
    assert_accessible(page)

    # The summary's link takes the focus to the field; Enter there submits the form.
    summary.get_by_role("link").focus()
    page.keyboard.press("Enter")
    expect(backup).to_be_focused()
    page.keyboard.type(org.lead_emp.employee_number)
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Your request is submitted")
    account_request = AccountRequest.objects.get()
    assert account_request.status == RequestStatus.SUBMITTED
    assert account_request.proposed_handle == "@yycoffleash"
    assert account_request.launch_date == LAUNCH
    assert account_request.listed_in_directory and account_request.read_standards
    assert list(account_request.providers.all()) == [org.employee_emp]
    assert account_request.backup_provider == org.lead_emp
    detail_path = f"/requests/{account_request.pk}/"
    assert path_of(page) == detail_path
    assert_accessible(page)

    # --- the communications team returns it with a note ----------------------------------------
    switch_to(page, "csc")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(rf"^#{account_request.pk} ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calgary Off-Leash Areas")
    assert_accessible(page)
    page.get_by_label("What should the requester change?").fill(RETURN_NOTE)
    page.get_by_role("button", name="Return for changes").click()
    expect(page.get_by_role("status").first).to_contain_text("back with its requester")
    assert_accessible(page)

    # --- the employee reads the note, changes the plan and submits again -------------------------
    switch_to(page, "employee")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_role("row", name=re.compile(rf"#{account_request.pk} "))).to_contain_text("Changes requested")
    page.get_by_role("link", name=re.compile(rf"^#{account_request.pk} ")).click()
    thread = page.get_by_role("region", name="Thread")
    expect(thread).to_contain_text(RETURN_NOTE)
    expect(thread).to_contain_text("Priya Raman")
    assert_accessible(page)
    page.get_by_role("link", name="Edit the request").click()
    expect(page.get_by_text("returned this request for changes")).to_be_visible()
    expect(page.get_by_role("region", name="Thread")).to_contain_text(RETURN_NOTE)
    expect_the_form_to_hold_what_was_typed(page, org, forgotten=None)
    assert_accessible(page)
    plan = field(page, "Moderation plan")
    plan.focus()
    page.keyboard.press("Control+End")
    page.keyboard.type(WEEKEND_COVERAGE)
    page.keyboard.press("Tab")
    expect(field(page, "Response time")).to_be_focused()
    page.keyboard.press("Enter")  # Enter in a field submits with the form's first button: Submit
    expect(page.get_by_role("status").first).to_contain_text("Your request is submitted")
    assert path_of(page) == detail_path
    expect(page.get_by_role("region", name="Social Media Request")).to_contain_text(WEEKEND_COVERAGE.strip())
    account_request.refresh_from_db()
    assert account_request.status == RequestStatus.SUBMITTED
    assert account_request.moderation_plan.endswith(WEEKEND_COVERAGE)
    assert_accessible(page)

    # --- the Director approves ---------------------------------------------------------------------
    switch_to(page, "director")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review queue")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(rf"^#{account_request.pk} ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Calgary Off-Leash Areas")
    expect(page.get_by_role("region", name="Social Media Request")).to_contain_text(WEEKEND_COVERAGE.strip())
    assert_accessible(page)
    page.get_by_label("Approval note (optional)").fill("Approved. Welcome aboard.")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status").first).to_contain_text("Approved.")
    account = SocialAccount.objects.get()
    assert account.listed_in_directory and account.status == "active"
    assert_accessible(page)
    page.get_by_role("link", name="Calgary Off-Leash Areas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calgary Off-Leash Areas")
    assert_accessible(page)

    # --- a citizen checks the account in the public directory --------------------------------------
    sign_out(page)
    assert_accessible(page)
    page.goto("/directory/")
    expect(page.get_by_role("rowheader", name="Calgary Off-Leash Areas")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Calgary Off-Leash Areas"))).to_contain_text("@yycoffleash")
    assert_accessible(page)

    check = page.get_by_label("Address or handle")
    check.fill("https://WWW.Instagram.com/YYCOffLeash/?igsh=abc#top")
    check.press("Enter")
    result = page.locator("#check-result")
    expect(result).to_contain_text("Official: this is a City of Calgary account.")
    expect(result).to_contain_text("Calgary Off-Leash Areas")
    expect(result.get_by_role("link", name="@yycoffleash")).to_have_attribute(
        "href", "https://instagram.com/yycoffleash"
    )
    assert_accessible(page)

    check = page.get_by_label("Address or handle")
    check.fill("@yycoffleash_official")
    check.press("Enter")
    result = page.locator("#check-result")
    expect(result).to_contain_text("Not found: “@yycoffleash_official” is not in the City's directory")
    report = result.get_by_role("link", name="socialmedia@calgary.ca")
    expect(report).to_have_attribute(
        "href", re.compile(r"^mailto:socialmedia@calgary\.ca\?subject=.+&body=%40yycoffleash_official$")
    )
    assert_accessible(page)

    assert console_errors == []
