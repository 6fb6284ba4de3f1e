"""The client address is what our own proxies appended to X-Forwarded-For, never what the
client wrote: lockouts and the audit trail cannot be dodged or misled with a forged header."""

import pytest
from django.test import Client, RequestFactory

from governance.audit_verbs import Verb
from governance.client_address import client_address
from governance.models import AuditEvent
from tests.factories import PASSWORD

PROXY = "10.0.0.5"
CLIENT = "203.0.113.9"


def address(forwarded=None, remote=PROXY):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


class TestWithoutProxies:
    @pytest.fixture(autouse=True)
    def _proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_ADDRESSES = 0, []

    def test_the_connecting_address_is_the_client_and_the_header_is_ignored(self):
        assert address("198.51.100.1", remote=CLIENT) == CLIENT


class TestBehindOneProxy:
    @pytest.fixture(autouse=True)
    def _proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_ADDRESSES = 1, []

    def test_the_address_the_proxy_appended_is_the_client(self):
        assert address(CLIENT) == CLIENT

    def test_entries_the_client_wrote_before_it_are_ignored(self):
        assert address(f"1.2.3.4, 5.6.7.8, {CLIENT}") == CLIENT

    def test_garbage_written_by_the_client_does_not_matter(self):
        assert address(f"not-an-address, <script>, {CLIENT}") == CLIENT

    def test_without_the_header_the_proxy_itself_is_all_there_is(self):
        assert address(None) == PROXY


def test_behind_two_proxies_the_outer_one_s_entry_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_ADDRESSES = 2, []
    assert address(f"6.6.6.6, {CLIENT}, 10.0.0.9") == CLIENT


class TestAnAllowlistOfProxies:
    @pytest.fixture(autouse=True)
    def _proxies(self, settings):
        settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_ADDRESSES = 0, ["10.0.0.0/8", "2001:db8::1"]

    def test_the_first_address_from_the_right_that_is_not_a_proxy_is_the_client(self):
        assert address(f"6.6.6.6, {CLIENT}, 10.1.2.3") == CLIENT

    def test_a_connection_not_from_a_proxy_is_the_client_whatever_it_says(self):
        assert address("6.6.6.6", remote=CLIENT) == CLIENT

    def test_ipv6_proxies_are_recognised(self):
        assert address(f"6.6.6.6, {CLIENT}", remote="2001:db8::1") == CLIENT


def sign_in(client, password, forged):
    return client.post(
        "/login/",
        {"username": "employee", "password": password},
        HTTP_X_FORWARDED_FOR=f"{forged}, {CLIENT}",
        REMOTE_ADDR=PROXY,
    )


def test_lockout_holds_when_each_attempt_forges_another_address(employee, settings):
    """Nine attempts, each with a new left-most X-Forwarded-For entry: five wrong passwords lock
    the username for the address the proxy saw, and the sixth to ninth are refused — the right
    password included."""
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_ADDRESSES = 1, []
    client = Client()
    statuses = [sign_in(client, "guess", f"198.51.100.{n}").status_code for n in range(1, 5)]
    statuses.append(sign_in(client, "guess", "198.51.100.5").status_code)
    statuses += [sign_in(client, PASSWORD, f"198.51.100.{n}").status_code for n in range(6, 10)]
    assert statuses == [200, 200, 200, 200, 429, 429, 429, 429, 429]
    assert client.get("/").status_code == 302  # never signed in


def test_the_audit_trail_records_the_address_the_proxy_appended(client_for, hr, settings):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_ADDRESSES = 1, []
    client = client_for(hr)  # HR's specialist has yet to acknowledge the Standards: an audited step
    client.post("/standards/", {"confirm": "yes"}, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT}", REMOTE_ADDR=PROXY)
    assert AuditEvent.objects.get(verb=Verb.STANDARDS_ACKNOWLEDGED).ip_address == CLIENT


@pytest.mark.parametrize("forged", ["6.6.6.6", "127.0.0.1", "::1"])
def test_without_proxies_a_forged_header_reaches_no_audit_event(client_for, hr, settings, forged):
    settings.TRUSTED_PROXY_COUNT, settings.TRUSTED_PROXY_ADDRESSES = 0, []
    client = client_for(hr)
    client.post("/standards/", {"confirm": "yes"}, HTTP_X_FORWARDED_FOR=forged, REMOTE_ADDR=CLIENT)
    assert AuditEvent.objects.get(verb=Verb.STANDARDS_ACKNOWLEDGED).ip_address == CLIENT
