"""Two-step sign-in for the powerful roles (MFA_REQUIRED), for anyone who sets it up, and the
idle and absolute time limits of a session."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance.audit_verbs import Verb
from governance.models import AuditEvent
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED = True


def sign_in(username, client=None):
    client = client or Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, f"{username}: the password was refused"
    return client


def code_for(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + steps_ahead)
    return f"{totp.token():06d}"


def enrol(client, next_url="/"):
    """Open the set-up page, read the key it shows, give the app's code: the recovery codes."""
    page = client.get("/sign-in/authenticator/", {"next": next_url})
    assert page.status_code == 200
    secret = re.search(r'<code id="mfa-secret" class="mfa-secret">([A-Z2-7 ]+)</code>', page.content.decode())
    assert secret, "the key is shown as text"
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post("/sign-in/authenticator/", {"code": code_for(device), "next": next_url})
    assert response.status_code == 200
    return device, re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())


@pytest.mark.parametrize("persona", ["director", "csc_staff", "auditor", "hr"])
def test_the_powerful_roles_must_set_up_the_app_before_any_page(mfa_required, org, persona):
    client = sign_in(getattr(org, persona).username)
    for path in ("/", "/requests/", "/accounts/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert urlsplit(response["Location"]).path == "/sign-in/authenticator/", path


def test_a_superuser_must_too(mfa_required, db):
    UserFactory(username="it-admin", is_superuser=True, is_staff=True)
    response = sign_in("it-admin").get("/admin/")
    assert urlsplit(response["Location"]).path == "/sign-in/authenticator/"


def test_others_sign_in_with_their_password_alone(mfa_required, org):
    for persona in ("employee", "manager"):
        assert sign_in(getattr(org, persona).username).get("/").status_code == 200


def test_the_director_enrols_and_is_signed_in_and_each_step_is_audited(mfa_required, org):
    client = sign_in("director")
    device, codes = enrol(client, next_url="/requests/")
    assert len(codes) == 10 and len(set(codes)) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/requests/").status_code == 200
    assert AuditEvent.objects.filter(verb=Verb.MFA_ENROLLED, actor=org.director).count() == 1

    # The next sign-in asks for a code; a wrong one is refused and audited.
    client.post("/logout/")
    client = sign_in("director")
    response = client.get("/")
    assert urlsplit(response["Location"]).path == "/sign-in/code/"
    wrong = client.post("/sign-in/code/", {"code": "000000" if code_for(device, 1) != "000000" else "111111"})
    assert wrong.status_code == 200 and "That code is not right" in wrong.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(verb=Verb.MFA_FAILED, actor=org.director).count() == 1

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    right = client.post("/sign-in/code/", {"code": code_for(device, 1), "next": "/accounts/"})
    assert right.status_code == 302 and right["Location"] == "/accounts/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(verb=Verb.MFA_VERIFIED, actor=org.director).count() == 1


def test_a_code_is_not_accepted_twice(mfa_required, org):
    client = sign_in("director")
    device, _ = enrol(client)
    used = code_for(device)  # the one the enrolment just used
    client.post("/logout/")
    client = sign_in("director")
    assert "That code is not right" in client.post("/sign-in/code/", {"code": used}).content.decode()
    assert client.get("/").status_code == 302


def test_a_recovery_code_signs_in_once_and_is_audited(mfa_required, org):
    client = sign_in("director")
    _, codes = enrol(client)
    client.post("/logout/")
    client = sign_in("director")
    response = client.post("/sign-in/code/", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(verb=Verb.MFA_RECOVERY_CODE_USED)
    assert event.note == "9 recovery codes left."
    assert StaticToken.objects.filter(token=codes[0]).count() == 0
    client.post("/logout/")
    client = sign_in("director")
    assert "That code is not right" in client.post("/sign-in/code/", {"code": codes[0]}).content.decode()


def test_wrong_codes_slow_further_tries_down(mfa_required, org):
    client = sign_in("director")
    device, _ = enrol(client)
    client.post("/logout/")
    client = sign_in("director")
    for _ in range(3):
        client.post("/sign-in/code/", {"code": "12345x"})
        client.post("/sign-in/code/", {"code": "000001"})
    response = client.post("/sign-in/code/", {"code": code_for(device, 1)})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("code", ["", "\x00", "1" * 500, "<script>", "12 34 56"])
def test_bad_input_is_a_form_error_not_a_500(mfa_required, org, code):
    client = sign_in("director")
    enrol(client)
    client.post("/logout/")
    client = sign_in("director")
    response = client.post("/sign-in/code/", {"code": code})
    assert response.status_code == 200 and 'id="error-summary"' in response.content.decode()
    assert client.get("/").status_code == 302
    assert client.post("/sign-in/authenticator/", {"code": code}).status_code in (200, 302)


def test_the_qr_code_is_an_svg_from_this_site_and_only_while_setting_up(mfa_required, org):
    client = sign_in("director")
    assert client.get("/sign-in/authenticator/qr-code.svg").status_code == 404
    client.get("/sign-in/authenticator/")
    response = client.get("/sign-in/authenticator/qr-code.svg")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and b"<script" not in response.content
    assert "no-store" in response["Cache-Control"]


def test_an_open_redirect_after_the_code_is_refused(mfa_required, org):
    client = sign_in("director")
    device, _ = enrol(client)
    client.post("/logout/")
    client = sign_in("director")
    response = client.post("/sign-in/code/", {"code": code_for(device, 1), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_without_mfa_required_the_director_signs_in_with_the_password_alone(org):
    assert sign_in("director").get("/").status_code == 200


def test_anyone_may_set_it_up_and_is_then_asked_for_the_code(org):
    client = sign_in("employee")
    assert "Set up two-step sign-in" in client.get("/").content.decode()
    enrol(client)
    client.post("/logout/")
    client = sign_in("employee")
    assert urlsplit(client.get("/").get("Location", "")).path == "/sign-in/code/"


def test_the_demo_home_page_says_production_needs_the_second_factor(org):
    page = sign_in("director").get("/").content.decode()
    assert "In production, the Director, CSC staff" in page


@override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["127.0.0.1"])
def test_a_sign_in_through_the_sso_proxy_is_not_asked_for_a_code(mfa_required, org):
    assert Client(HTTP_X_FORWARDED_USER="director").get("/").status_code == 200


class TestSessionTimeLimits:
    def test_a_session_unused_for_the_idle_time_is_signed_out(self, org, settings):
        settings.SESSION_IDLE_MINUTES = 30
        client = sign_in("employee")
        assert client.get("/").status_code == 200
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=20)):
            assert client.get("/").status_code == 200
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=45)):
            assert client.get("/").status_code == 200  # 25 minutes after the last page
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=80)):
            response = client.get("/requests/")
            assert response.status_code == 302 and response["Location"] == "/login/?next=/requests/"
            assert "without activity" in client.get("/login/").content.decode()
            assert client.get("/").status_code == 302

    def test_a_session_in_use_ends_after_the_working_day(self, org, settings):
        settings.SESSION_IDLE_MINUTES = 30
        client = sign_in("employee")
        start = timezone.now()
        for minutes in range(20, 600, 20):
            with time_machine.travel(start + datetime.timedelta(minutes=minutes)):
                assert client.get("/").status_code == 200
        with time_machine.travel(start + datetime.timedelta(hours=10, minutes=5)):
            assert client.get("/").status_code == 302
