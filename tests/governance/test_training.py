"""Training: CSC records completions (one, or a learning system's CSV, previewed); HR and
auditors read; expiring training is reminded once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.services import designation_problems
from governance import services
from governance.models import AuditEvent, Notification, TrainingCourse, TrainingRecord
from governance.roster import RosterInvalid
from governance.training_csv import parse_training_csv
from tests.factories import EmployeeFactory, TrainingRecordFactory, acknowledge, make_account
from tests.snapshot import database_snapshot

TODAY = datetime.date(2026, 3, 2)


def test_csc_records_a_completion_and_its_expiry_follows_the_course_setting(org):
    with override_settings(TRAINING_VALIDITY_DAYS={"social_media": 365, "accessible_content": 10, "records": 10}):
        record = services.record_training(
            employee=org.hr_emp,
            course=TrainingCourse.SOCIAL_MEDIA,
            completed_on=timezone.localdate() - datetime.timedelta(days=5),
            acting_user=org.csc_staff,
        )
    assert record.expires_on == record.completed_on + datetime.timedelta(days=365)
    event = AuditEvent.objects.get(verb="training.recorded", target_id=str(record.pk))
    assert event.actor == org.csc_staff
    assert event.changes["expires_on"]["after"] == record.expires_on.isoformat()


def test_recording_training_makes_a_waiting_provider_access_request_approvable(org):
    untrained = EmployeeFactory(employee_number="E0500", business_unit=org.parks, manager=org.manager_emp)
    acknowledge(untrained)
    account = make_account(handle="@yycparks", business_unit=org.parks, accountable_manager=org.manager_emp)
    assert any("training" in problem for problem in designation_problems(untrained, account))
    services.record_training(
        employee=untrained,
        course=TrainingCourse.SOCIAL_MEDIA,
        completed_on=timezone.localdate(),
        acting_user=org.csc_staff,
    )
    assert designation_problems(untrained, account) == []


@pytest.mark.parametrize("persona", ["hr", "auditor", "employee", "manager"])
def test_only_the_communications_team_records_training(org, persona):
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        services.record_training(
            employee=org.hr_emp,
            course=TrainingCourse.SOCIAL_MEDIA,
            completed_on=timezone.localdate(),
            acting_user=getattr(org, persona),
        )
    assert database_snapshot() == before


def test_a_completion_in_the_future_or_recorded_twice_is_refused(org):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.WorkflowError, match="future"):
        services.record_training(
            employee=org.hr_emp, course="social_media", completed_on=tomorrow, acting_user=org.csc_staff
        )
    services.record_training(
        employee=org.hr_emp, course="social_media", completed_on=timezone.localdate(), acting_user=org.csc_staff
    )
    with pytest.raises(services.WorkflowError, match="already recorded"):
        services.record_training(
            employee=org.hr_emp, course="social_media", completed_on=timezone.localdate(), acting_user=org.csc_staff
        )


# --- the pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["csc_staff", "director", "hr", "auditor"])
def test_people_who_read_training_find_people_by_name_or_number(org, client_for, persona):
    page = client_for(getattr(org, persona)).get(reverse("people:training"), {"q": "E0102"})
    assert page.status_code == 200
    assert "Jordan Ellis" in page.content.decode()
    assert client_for(getattr(org, persona)).get(reverse("people:training"), {"q": "ellis jor"}).status_code == 200


def test_only_csc_sees_the_recording_form(org, client_for):
    assert "Record a completion" in client_for(org.csc_staff).get("/people/training/?q=Ellis").content.decode()
    assert "Record a completion" not in client_for(org.hr).get("/people/training/?q=Ellis").content.decode()


@pytest.mark.parametrize("persona", ["employee", "manager", "outsider"])
def test_others_are_refused_the_training_pages(org, client_for, persona):
    client = client_for(getattr(org, persona))
    before = database_snapshot()
    assert client.get(reverse("people:training")).status_code == 403
    assert client.get(reverse("people:training-import")).status_code == 403
    response = client.post(
        reverse("people:record-training"),
        {"employee": org.hr_emp.pk, "course": "social_media", "completed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert database_snapshot() == before


@pytest.mark.parametrize("persona", ["hr", "auditor"])
def test_readers_cannot_record_or_import(org, client_for, persona):
    client = client_for(getattr(org, persona))
    before = database_snapshot()
    response = client.post(
        reverse("people:record-training"),
        {"employee": org.hr_emp.pk, "course": "social_media", "completed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 403
    assert client.post(reverse("people:training-import-confirm"), {"payload": "x"}).status_code == 403
    assert database_snapshot() == before


def test_csc_records_a_completion_from_the_page(org, client_for):
    response = client_for(org.csc_staff).post(
        reverse("people:record-training"),
        {"employee": org.hr_emp.pk, "course": "records", "completed_on": "2025-01-15", "q": "Holm"},
        follow=True,
    )
    assert "Rebecca Holm completed" in response.content.decode()
    assert TrainingRecord.objects.filter(employee=org.hr_emp, course="records").count() == 1


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    employee=st.one_of(st.text(max_size=30), st.integers().map(str)),
    course=st.text(max_size=30),
    completed_on=st.text(max_size=30),
    q=st.text(max_size=300),
)
def test_bad_input_to_the_training_pages_is_never_a_500(org, client_for, employee, course, completed_on, q):
    client = client_for(org.csc_staff)
    response = client.post(
        reverse("people:record-training"),
        {"employee": employee, "course": course, "completed_on": completed_on, "q": q},
    )
    assert response.status_code in (302, 404)
    assert client.get(reverse("people:training"), {"q": q}).status_code == 200


# --- the CSV import ---------------------------------------------------------------------------------

HEADER = "employee_number,course,completed_on\n"


def known(org):
    return {e.employee_number for e in (org.hr_emp, org.employee_emp, org.auditor_emp)}


def test_a_good_training_file_is_read_with_courses_by_code_or_name(org):
    rows = parse_training_csv(
        (HEADER + "E0400,social_media,2026-01-05\nE0300,Records and information management,2025-12-01\n").encode(),
        known_employees=known(org),
        today=TODAY,
    )
    assert [(r.line, r.employee_number, r.course) for r in rows] == [
        (2, "E0400", "social_media"),
        (3, "E0300", "records"),
    ]


def test_each_kind_of_bad_training_line_is_reported_with_line_and_column(org):
    data = (
        HEADER
        + "E9999,social_media,2026-01-05\n"
        + "E0400,knitting,2026-01-05\n"
        + "E0400,social_media,05/01/2026\n"
        + "E0400,social_media,2027-01-01\n"
        + "E0400,social_media\n"
        + ",social_media,2026-01-05\n"
        + "E0300,records,2026-01-05\n"
        + "E0300,records,2026-01-05\n"
    ).encode()
    with pytest.raises(RosterInvalid) as raised:
        parse_training_csv(data, known_employees=known(org), today=TODAY)
    assert [str(error) for error in raised.value.errors] == [
        "line 2, column employee_number: 'E9999' is not in the people directory",
        "line 3, column course: 'knitting' is not a course; use one of social_media, accessible_content, records",
        "line 4, column completed_on: '05/01/2026' is not a date (YYYY-MM-DD)",
        "line 5, column completed_on: 2027-01-01 is in the future",
        "line 6: expected 3 fields, found 2",
        "line 7, column employee_number: is empty; a value is required",
        "line 9, column employee_number: listed twice (first on line 8)",
    ]


def test_a_training_file_with_a_nul_or_wrong_columns_is_refused(org):
    with pytest.raises(RosterInvalid, match="1 error"):
        parse_training_csv(b"\x00" + HEADER.encode(), known_employees=set(), today=TODAY)
    with pytest.raises(RosterInvalid) as raised:
        parse_training_csv(b"employee_number,course\n", known_employees=set(), today=TODAY)
    assert str(raised.value.errors[0]) == "line 1: missing column(s): completed_on"


def upload(text, name="lms-export.csv"):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_bad_file_on_the_page_lists_every_error_and_records_nothing(org, client_for):
    before = database_snapshot()
    page = client_for(org.csc_staff).post(
        reverse("people:training-import"), {"file": upload(HEADER + "E0400,social_media,2026-01-05\nE9,x,y\n")}
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "nothing was recorded" in text
    assert "&#x27;E9&#x27; is not in the people directory" in text and "&#x27;y&#x27; is not a date" in text
    assert database_snapshot() == before


def test_a_good_file_is_previewed_then_recorded_once_with_its_fingerprint(org, client_for):
    client = client_for(org.csc_staff)
    already = TrainingRecordFactory(employee=org.auditor_emp, course="records", completed_on=datetime.date(2025, 5, 1))
    text = HEADER + "E0400,social_media,2026-01-05\nE0300,records,2025-05-01\n"
    before = database_snapshot()
    preview = client.post(reverse("people:training-import"), {"file": upload(text)})
    assert preview.status_code == 200
    assert database_snapshot() == before  # a preview applies nothing
    body = preview.content.decode()
    assert "Rebecca Holm" in body and "1</strong> new completion" in body and "1 already recorded" in body
    payload = preview.context["payload"]
    done = client.post(reverse("people:training-import-confirm"), {"payload": payload}, follow=True)
    assert "1 training completion recorded" in done.content.decode()
    assert TrainingRecord.objects.filter(employee=org.hr_emp).count() == 1
    assert TrainingRecord.objects.filter(employee=org.auditor_emp).get() == already
    imported = AuditEvent.objects.get(verb="training.imported")
    assert imported.changes["recorded"]["after"] == 1 and len(imported.changes["sha256"]["after"]) == 64
    client.post(reverse("people:training-import-confirm"), {"payload": payload})
    assert TrainingRecord.objects.filter(employee=org.hr_emp).count() == 1


def test_a_tampered_preview_is_refused(org, client_for):
    response = client_for(org.csc_staff).post(
        reverse("people:training-import-confirm"), {"payload": "eyJ0YW1wZXJlZCI6dHJ1ZX0:abc"}, follow=True
    )
    assert "not valid" in response.content.decode()


# --- reminders --------------------------------------------------------------------------------------


def test_training_expiring_within_30_days_is_reminded_once_to_the_employee_and_their_manager(org):
    TrainingRecord.objects.filter(employee=org.employee_emp).update(
        expires_on=timezone.localdate() + datetime.timedelta(days=20)
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert services.remind_expiring_training() == 1
        assert services.remind_expiring_training() == 0
    sent = Notification.objects.filter(kind="training_expiring")
    assert {n.email for n in sent} == {org.employee_emp.email, org.manager_emp.email}
    assert {n.recipient for n in sent} == {org.employee, org.manager}
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10)):
        assert services.remind_expiring_training() == 0
    assert Notification.objects.filter(kind="training_expiring").count() == 2


def test_an_employee_without_a_sign_in_is_reminded_at_their_work_email(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    TrainingRecordFactory(employee=org.hr_emp, expires_on=timezone.localdate() + datetime.timedelta(days=3))
    org.hr_emp.user = None
    org.hr_emp.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.remind_expiring_training() == 1
    assert [m.to for m in mail.outbox] == [[org.hr_emp.email]]
    assert "expires on" in mail.outbox[0].subject


def test_renewed_training_is_not_reminded(org):
    TrainingRecord.objects.filter(employee=org.employee_emp).update(
        expires_on=timezone.localdate() + datetime.timedelta(days=20)
    )
    TrainingRecordFactory(employee=org.employee_emp, completed_on=timezone.localdate())
    assert services.remind_expiring_training() == 0
