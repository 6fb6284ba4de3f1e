"""Acknowledging the Standards from a signed, expiring, single-use link: no sign-in needed, and
recorded exactly as the signed-in page records it."""

import datetime
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from governance import services
from governance.audit_verbs import Verb
from governance.models import AuditEvent, Notification, PolicyAcknowledgement, StandardsVersion
from tests.factories import EmployeeFactory, current_standards


@pytest.fixture
def provider_without_sign_in(org):
    """A provider as most are: in the HR roster, with no portal sign-in, not yet acknowledged."""
    return EmployeeFactory(
        employee_number="E0105",
        first_name="Noah",
        last_name="Kaur",
        email="noah.kaur@calgary.ca",
        business_unit=org.parks,
        manager=org.manager_emp,
    )


def _path(employee):
    url = services.acknowledgement_link(employee=employee, standards_version=current_standards())
    return urlsplit(url).path


def test_the_link_shows_the_standards_and_who_it_is_for_without_a_sign_in(client, provider_without_sign_in):
    response = client.get(_path(provider_without_sign_in))
    page = response.content.decode()
    assert response.status_code == 200
    assert "For Noah Kaur" in page and "Version 1.0" in page
    assert "Acknowledge the Standards" in page
    assert response.headers["Cache-Control"].startswith("max-age=0")


def test_the_link_records_the_acknowledgement_once_with_an_audit_event_and_a_receipt(
    client, provider_without_sign_in, mailoutbox, django_capture_on_commit_callbacks
):
    path = _path(provider_without_sign_in)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"confirm": "yes"})
    assert response.status_code == 200
    assert "Thank you, Noah" in response.content.decode()
    acknowledgement = PolicyAcknowledgement.objects.get(employee=provider_without_sign_in)
    assert acknowledgement.standards_version == current_standards()
    event = AuditEvent.objects.get(verb=Verb.STANDARDS_ACKNOWLEDGED, target_id=str(provider_without_sign_in.pk))
    assert event.actor is None and event.actor_label == "Noah Kaur"
    assert event.changes == {"standards_version": {"before": None, "after": "1.0"}}
    assert [message.to for message in mailoutbox] == [["noah.kaur@calgary.ca"]]
    assert "version 1.0" in mailoutbox[0].subject

    again = client.post(path, {"confirm": "yes"})
    assert again.status_code == 200
    assert "already used" in again.content.decode()
    assert PolicyAcknowledgement.objects.filter(employee=provider_without_sign_in).count() == 1
    assert AuditEvent.objects.filter(verb=Verb.STANDARDS_ACKNOWLEDGED).count() == 1


def test_the_confirmation_box_is_needed(client, provider_without_sign_in):
    response = client.post(_path(provider_without_sign_in), {})
    assert response.status_code == 400
    assert "Tick the box" in response.content.decode()
    assert not PolicyAcknowledgement.objects.filter(employee=provider_without_sign_in).exists()


def test_a_tampered_link_is_refused_and_records_nothing(client, provider_without_sign_in, org):
    path = _path(provider_without_sign_in)
    token = path.rstrip("/").rsplit("/", 1)[1]
    # Someone edits the payload to name another employee: the signature no longer matches.
    forged = signing.dumps({"e": org.outsider_emp.pk, "v": current_standards().pk}, salt="something else")
    for bad in (token[:-3] + "abc", forged, "not-a-token", "\x00", "a" * 5000):
        response = client.post(f"/standards/acknowledge/{bad}/", {"confirm": "yes"})
        assert response.status_code in (400, 404)
    assert "not valid" in client.get(f"/standards/acknowledge/{token[:-3]}abc/").content.decode()
    assert not PolicyAcknowledgement.objects.filter(employee=provider_without_sign_in).exists()
    assert not AuditEvent.objects.filter(verb=Verb.STANDARDS_ACKNOWLEDGED).exists()


def test_an_expired_link_is_refused(client, provider_without_sign_in, settings):
    path = _path(provider_without_sign_in)
    later = timezone.now() + datetime.timedelta(days=settings.ACKNOWLEDGEMENT_LINK_DAYS, hours=1)
    with time_machine.travel(later):
        response = client.post(path, {"confirm": "yes"})
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not PolicyAcknowledgement.objects.filter(employee=provider_without_sign_in).exists()


def test_a_link_for_a_version_no_longer_in_force_is_refused(client, provider_without_sign_in):
    path = _path(provider_without_sign_in)
    StandardsVersion.objects.create(
        version="1.1", approved_on=timezone.localdate(), effective_from=timezone.now(), text="# Revised"
    )
    response = client.post(path, {"confirm": "yes"})
    assert response.status_code == 400
    assert "no longer the version in force" in response.content.decode()
    assert not PolicyAcknowledgement.objects.filter(employee=provider_without_sign_in).exists()


def test_a_link_for_someone_whose_employment_ended_is_refused(client, provider_without_sign_in):
    path = _path(provider_without_sign_in)
    type(provider_without_sign_in).objects.filter(pk=provider_without_sign_in.pk).update(employment_status="terminated")
    assert client.post(path, {"confirm": "yes"}).status_code == 400
    assert not PolicyAcknowledgement.objects.filter(employee=provider_without_sign_in).exists()


def test_an_employee_with_a_sign_in_gets_the_receipt_in_the_portal_too(client, org, django_capture_on_commit_callbacks):
    PolicyAcknowledgement.objects.filter(employee=org.employee_emp).delete()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_path(org.employee_emp), {"confirm": "yes"})
    assert Notification.objects.filter(recipient=org.employee, kind="standards_acknowledged").count() == 1
