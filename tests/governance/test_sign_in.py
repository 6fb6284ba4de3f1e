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

    @override_settings(SSO_HEADER="X-Forwarded-User")
    def test_the_proxy_header_names_the_signed_in_user(self, employee):
        client = Client(HTTP_X_FORWARDED_USER="employee")
        response = client.get("/")
        assert response.status_code == 200
        assert "Welcome, Jordan" in response.content.decode()

    @override_settings(SSO_HEADER="X-Forwarded-User")
    def test_an_unknown_name_is_not_created_and_not_signed_in(self, db):
        from governance.models import User

        client = Client(HTTP_X_FORWARDED_USER="stranger")
        assert client.get("/").status_code == 302
        assert not User.objects.filter(username="stranger").exists()

    @override_settings(SSO_HEADER="X-Forwarded-User")
    def test_an_inactive_user_named_by_the_header_is_refused(self, employee):
        employee.is_active = False
        employee.save()
        assert Client(HTTP_X_FORWARDED_USER="employee").get("/").status_code == 302

    @override_settings(SSO_HEADER="X-Forwarded-User")
    def test_when_the_header_names_someone_else_the_session_follows_the_header(self, employee, outsider):
        client = Client(HTTP_X_FORWARDED_USER="employee")
        assert "Welcome, Jordan" in client.get("/").content.decode()
        client.defaults["HTTP_X_FORWARDED_USER"] = "outsider"
        assert "Welcome, Isaac" in client.get("/").content.decode()


@pytest.mark.parametrize("path", ["/", "/standards/", "/notifications/"])
def test_signed_in_pages_need_a_sign_in(db, client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
