"""In a real browser: sign in with the keyboard, see my place, acknowledge the Standards."""

import re

import pytest
from playwright.sync_api import expect

from governance.models import PolicyAcknowledgement
from tests.browser.conftest import assert_accessible, sign_in_with_keyboard
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_employee_signs_in_reads_and_acknowledges_the_standards(page, org, console_errors):
    PolicyAcknowledgement.objects.filter(employee=org.employee_emp).delete()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    assert_accessible(page)

    sign_in_with_keyboard(page, "employee", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Jordan")
    expect(page.get_by_text("Samuel Reyes")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="read and acknowledge version 1.0").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Social Media Standards for City Employees")
    assert_accessible(page)
    page.get_by_label(re.compile("I have read and understood")).check()
    page.get_by_role("button", name="Acknowledge the Standards").click()
    expect(page.get_by_role("status")).to_contain_text("Your acknowledgement of version 1.0 is recorded")
    assert PolicyAcknowledgement.objects.filter(employee=org.employee_emp).exists()

    page.get_by_role("link", name=re.compile("Notifications")).click()
    expect(
        page.get_by_role("heading", name=re.compile("Receipt: you acknowledged the Social Media Standards"))
    ).to_be_visible()
    assert_accessible(page)
    assert console_errors == []


def test_the_skip_link_moves_focus_to_the_main_content(page, org):
    sign_in_with_keyboard(page, "employee", PASSWORD)
    page.goto("/standards/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_manager_sees_their_team(page, org):
    sign_in_with_keyboard(page, "manager", PASSWORD)
    expect(page.get_by_role("heading", name="Your team")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Jordan Ellis")).to_be_visible()
    assert_accessible(page)
