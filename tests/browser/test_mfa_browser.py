"""In a real browser, with MFA_REQUIRED on: the Director sets up an authenticator app at her first
sign-in (the test computes the app's codes from the key the page shows), signs in with a code
the next time, and a wrong code is refused and audited. The pages pass axe at desktop and phone
widths."""

import re
import time
from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from governance.audit_verbs import Verb
from governance.models import AuditEvent
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 390)


def code(secret, steps_ahead=0):
    """The six digits an authenticator app shows now for this key (or `steps_ahead` later)."""
    key = b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    totp = TOTP(key, drift=steps_ahead)
    totp.time = time.time()
    return f"{totp.token():06d}"


def sign_in_with_password(page, username):
    page.goto("/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def check_accessible_at_each_width(page):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_the_director_sets_up_the_app_then_signs_in_with_a_code(page, org, settings, console_errors):
    settings.MFA_REQUIRED = True
    sign_in_with_password(page, "director")
    page.wait_for_url(lambda url: urlsplit(url).path == "/sign-in/authenticator/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    qr = page.get_by_role("img", name="QR code to scan with your authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # the SVG loaded under the strict CSP
    check_accessible_at_each_width(page)

    secret = page.locator("#mfa-secret").inner_text()
    assert re.fullmatch(r"[A-Z2-7]{4}( [A-Z2-7]{1,4})+", secret)
    page.get_by_label("Code from your authenticator app").fill(code(secret))
    page.get_by_role("button", name="Finish setting up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in is set up")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    check_accessible_at_each_width(page)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dana")
    assert AuditEvent.objects.filter(verb=Verb.MFA_ENROLLED, actor=org.director).exists()

    page.get_by_role("button", name=re.compile("Sign out")).click()
    sign_in_with_password(page, "director")
    page.wait_for_url(lambda url: urlsplit(url).path == "/sign-in/code/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-step sign-in")
    check_accessible_at_each_width(page)

    field = page.get_by_label("Code from your authenticator app, or a recovery code")
    wrong = "000000" if code(secret, 1) != "000000" else "111111"
    field.fill(wrong)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#error-summary")).to_contain_text("That code is not right")
    check_accessible_at_each_width(page)
    assert AuditEvent.objects.filter(verb=Verb.MFA_FAILED, actor=org.director).count() == 1

    time.sleep(1.5)  # one wrong code makes the next try wait a second (django-otp's throttling)
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(code(secret, 1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Dana")
    assert AuditEvent.objects.filter(verb=Verb.MFA_VERIFIED, actor=org.director).count() == 1
    assert console_errors == []
