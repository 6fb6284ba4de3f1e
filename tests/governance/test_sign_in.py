"""Signing in and out, the lockout after five failures, and the optional SSO header."""

import re

import pytest
from django.test import Client, override_settings

from tests.factories import PASSWORD


def sign_in(client, username, password=PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_an_anonymous_visitor_is_sent_to_the_sign_in_page(db, client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


def test_the_sign_in_page_labels_username_and_password(db, client):
    html = client.get("/login/").content.decode()
    assert re.search(r'<label\s+for="id_username"[^>]*>\s*Username', html)
    assert re.search(r'<label\s+for="id_password"[^>]*>\s*Password', html)


def test_a_person_signs_in_and_lands_on_their_home_page(employee, client):
    response = sign_in(client, "employee")
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/").content.decode()
    assert "Welcome, Jordan" in page
    assert "E0102" in page


def test_a_wrong_password_is_refused_with_a_message(employee, client):
    response = sign_in(client, "employee", "wrong password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert client.get("/").status_code == 302


def test_five_failures_lock_the_username_out_even_with_the_right_password(employee, client):
    for _ in range(4):
        assert sign_in(client, "employee", "guess").status_code == 200
    fifth = sign_in(client, "employee", "guess")
    assert fifth.status_code == 429
    assert "Sign-in locked for now" in fifth.content.decode()
    assert sign_in(client, "employee").status_code == 429
    assert client.get("/").status_code == 302  # not signed in


def test_four_failures_do_not_lock_and_success_resets_the_count(employee, client):
    for _ in range(4):
        sign_in(client, "employee", "guess")
    assert sign_in(client, "employee").status_code == 302


def test_signing_out_needs_a_post_and_ends_the_session(employee, client):
    client.force_login(employee)
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_an_inactive_user_cannot_sign_in(employee, client):
    employee.is_active = False
    employee.save()
    assert sign_in(client, "employee").status_code == 200
    assert client.get("/").status_code == 302


class TestTrustedHeaderSSO:
    def test_the_header_is_ignored_when_sso_is_off(self, employee):
        client = Client(HTTP_X_FORWARDED_USER="employee")
        assert client.get("/").status_code == 302

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["127.0.0.1"])
    def test_the_proxy_header_names_the_signed_in_user(self, employee):
        client = Client(HTTP_X_FORWARDED_USER="employee")
        response = client.get("/")
        assert response.status_code == 200
        assert "Welcome, Jordan" in response.content.decode()

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["127.0.0.1"])
    def test_an_unknown_name_is_not_created_and_not_signed_in(self, db):
        from governance.models import User

        client = Client(HTTP_X_FORWARDED_USER="stranger")
        assert client.get("/").status_code == 302
        assert not User.objects.filter(username="stranger").exists()

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["127.0.0.1"])
    def test_an_inactive_user_named_by_the_header_is_refused(self, employee):
        employee.is_active = False
        employee.save()
        assert Client(HTTP_X_FORWARDED_USER="employee").get("/").status_code == 302

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["127.0.0.1"])
    def test_when_the_header_names_someone_else_the_session_follows_the_header(self, employee, outsider):
        client = Client(HTTP_X_FORWARDED_USER="employee")
        assert "Welcome, Jordan" in client.get("/").content.decode()
        client.defaults["HTTP_X_FORWARDED_USER"] = "outsider"
        assert "Welcome, Isaac" in client.get("/").content.decode()

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_the_header_from_an_address_that_is_not_the_proxy_is_refused_and_logged(self, employee, caplog):
        client = Client(HTTP_X_FORWARDED_USER="employee", REMOTE_ADDR="203.0.113.9")
        response = client.get("/")
        assert response.status_code == 403
        assert "did not come through the City" in response.content.decode()
        assert "203.0.113.9" in caplog.text and "SSO_TRUSTED_PROXIES" in caplog.text
        assert "_auth_user_id" not in client.session

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["10.0.0.0/8"])
    def test_a_forged_forwarded_for_does_not_make_a_request_come_from_the_proxy(self, employee):
        client = Client(HTTP_X_FORWARDED_USER="employee", HTTP_X_FORWARDED_FOR="10.0.0.5", REMOTE_ADDR="203.0.113.9")
        assert client.get("/").status_code == 403

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=[])
    def test_with_no_trusted_proxy_configured_the_header_signs_no_one_in(self, employee):
        assert Client(HTTP_X_FORWARDED_USER="employee").get("/").status_code == 403

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["127.0.0.1"])
    def test_the_header_never_signs_in_a_superuser(self, db, caplog):
        from tests.factories import UserFactory

        UserFactory(username="it-admin", is_superuser=True, is_staff=True)
        client = Client(HTTP_X_FORWARDED_USER="it-admin")
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/")
        assert client.get("/admin/").status_code == 302
        assert "superuser" in caplog.text

    @override_settings(SSO_HEADER="X-Forwarded-User", SSO_TRUSTED_PROXIES=["127.0.0.1"])
    def test_password_sign_in_still_works_without_the_header(self, employee):
        client = Client()
        assert sign_in(client, "employee").status_code == 302
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("path", ["/", "/standards/", "/notifications/"])
def test_signed_in_pages_need_a_sign_in(db, client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_system_check_warns_when_sso_has_no_trusted_proxy(settings):
    from governance.checks import sso_needs_its_proxy

    settings.SSO_HEADER, settings.SSO_TRUSTED_PROXIES = "X-Forwarded-User", []
    assert [warning.id for warning in sso_needs_its_proxy(None)] == ["governance.W001"]
    settings.SSO_TRUSTED_PROXIES = ["10.0.0.2"]
    assert sso_needs_its_proxy(None) == []
