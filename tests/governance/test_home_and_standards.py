"""The home page shows the signed-in person's own place; the Standards can be read and acknowledged."""

import datetime

import pytest
from django.utils import timezone

from governance.models import AuditEvent, Notification, PolicyAcknowledgement, StandardsVersion
from tests.factories import EmployeeFactory, TrainingRecordFactory, UserFactory, current_standards


def test_home_shows_my_profile_manager_unit_training_and_standards(client_for, org):
    page = client_for(org.employee).get("/").content.decode()
    assert "Jordan Ellis" in page and "E0102" in page
    assert "Community Programs Coordinator" in page
    assert "Parks &amp; Open Spaces (PKS)" in page
    assert "Samuel Reyes" in page  # my manager
    assert "Current" in page  # training
    assert "You have acknowledged version 1.0" in page
    assert "Your team" not in page


def test_home_warns_about_expired_training_and_a_missing_acknowledgement(client_for, org):
    org.employee_emp.training_records.all().delete()
    TrainingRecordFactory(
        employee=org.employee_emp,
        completed_on=timezone.localdate() - datetime.timedelta(days=800),
        expires_on=timezone.localdate() - datetime.timedelta(days=70),
    )
    PolicyAcknowledgement.objects.filter(employee=org.employee_emp).delete()
    page = client_for(org.employee).get("/").content.decode()
    assert "Expired" in page
    assert "read and acknowledge version 1.0" in page


def test_a_manager_sees_their_team_and_the_size_of_their_reporting_line(client_for, org):
    page = client_for(org.manager).get("/").content.decode()
    assert "Your team" in page
    assert "Jordan Ellis" in page and "Maya Thompson" in page
    assert "Lucas Moreau" not in page  # indirect reports are counted, not listed
    assert "2 direct reports; 3 people in your whole reporting line" in page


def test_a_sign_in_without_an_employee_record_is_told_so(client_for, db):
    page = client_for(UserFactory(username="contractor")).get("/").content.decode()
    assert "not linked to an employee record" in page


def test_the_standards_are_readable_in_the_portal(client_for, org):
    page = client_for(org.outsider).get("/standards/").content.decode()
    assert "Social Media Standards for City Employees" in page
    assert "Version 1.0" in page


def test_acknowledging_records_it_with_an_audit_event_and_a_receipt(
    client_for, org, mailoutbox, django_capture_on_commit_callbacks
):
    PolicyAcknowledgement.objects.filter(employee=org.employee_emp).delete()
    client = client_for(org.employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/standards/", {"confirm": "yes"})
    assert response.status_code == 302
    ack = PolicyAcknowledgement.objects.get(employee=org.employee_emp)
    assert ack.standards_version == current_standards()
    event = AuditEvent.objects.get(verb="standards.acknowledged")
    assert event.actor == org.employee and event.target_id == str(org.employee_emp.pk)
    assert event.ip_address == "127.0.0.1"
    notification = Notification.objects.get(recipient=org.employee)
    assert "version 1.0" in notification.subject
    assert [m.to for m in mailoutbox] == [[org.employee_emp.email]]
    assert mailoutbox[0].alternatives[0][1] == "text/html"
    assert "You acknowledged version 1.0" in client.get("/standards/").content.decode()


def test_acknowledging_needs_the_confirmation_box(client_for, org):
    PolicyAcknowledgement.objects.filter(employee=org.employee_emp).delete()
    client = client_for(org.employee)
    response = client.post("/standards/", {}, follow=True)
    assert "Tick the box" in response.content.decode()
    assert not PolicyAcknowledgement.objects.filter(employee=org.employee_emp).exists()


def test_acknowledging_twice_records_it_once(client_for, org):
    client = client_for(org.employee)
    client.post("/standards/", {"confirm": "yes"})
    client.post("/standards/", {"confirm": "yes"})
    assert PolicyAcknowledgement.objects.filter(employee=org.employee_emp).count() == 1
    assert not AuditEvent.objects.filter(verb="standards.acknowledged").exists()  # already acknowledged in org


def test_only_the_version_in_force_can_be_acknowledged(org):
    from governance import services

    future = StandardsVersion.objects.create(
        version="2.0",
        approved_on=timezone.localdate(),
        effective_from=timezone.now() + datetime.timedelta(days=30),
        text="# Draft",
    )
    with pytest.raises(services.WorkflowError):
        services.acknowledge_standards(employee=org.employee_emp, standards_version=future, acting_user=org.employee)


def test_notifications_are_private_and_can_be_marked_read(client_for, org):
    from governance import services

    services.notify(
        kind="standards_acknowledged",
        context={"version": "1.0", "title": "Standards", "acknowledged_at": "today"},
        link="/standards/",
        users=[org.employee],
    )
    mine = Notification.objects.get(recipient=org.employee)
    outsider_page = client_for(org.outsider).get("/notifications/").content.decode()
    assert mine.subject not in outsider_page
    # Someone else cannot mark it read.
    client_for(org.outsider).post("/notifications/read/", {"notification": mine.pk})
    mine.refresh_from_db()
    assert mine.read_at is None

    client = client_for(org.employee)
    page = client.get("/notifications/").content.decode()
    assert mine.subject in page
    response = client.post("/notifications/read/", {"notification": mine.pk})
    assert response["Location"] == "/standards/"
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_a_terminated_report_is_not_listed_in_the_team(client_for, org):
    EmployeeFactory(manager=org.manager_emp, first_name="Olivia", last_name="Grant", employment_status="terminated")
    page = client_for(org.manager).get("/").content.decode()
    assert "Olivia Grant" not in page


def test_home_shows_my_work(client_for, world):
    page = client_for(world.employee).get("/").content.decode()
    assert f"#{world.mine_submitted.pk} New Instagram account: Calgary Off-Leash Areas</a> — Submitted" in page
    assert "Review queue" not in page
    provider_page = client_for(world.provider).get("/").content.decode()
    assert f'href="/accounts/{world.parks_account.pk}/">Calgary Parks</a> (Instagram) — Publisher' in provider_page
    director_page = client_for(world.director).get("/").content.decode()
    assert "2 requests waiting for a decision" in director_page


def test_the_hr_role_exists_and_hr_is_recognised(org):
    from django.contrib.auth.models import Group

    from governance.permissions import is_auditor, is_csc, is_hr

    assert Group.objects.filter(name="HR").exists()  # the data migration made it
    assert is_hr(org.hr)
    assert not is_hr(org.auditor) and not is_hr(org.director) and not is_hr(org.employee)
    assert not is_csc(org.hr) and not is_auditor(org.hr)
