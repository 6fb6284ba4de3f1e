"""The HR roster uploaded in the browser: checked, previewed (people and access), confirmed,
imported with progress; bad files show every error; nothing is applied until HR confirms."""

import csv
import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from accounts.models import AccessReview, CredentialRotation, GrantStatus, ProviderGrant
from governance import services
from governance.models import AuditEvent, Employee, RosterUpload, RosterUploadStatus
from governance.roster import COLUMNS
from tests.factories import make_account, make_grant
from tests.snapshot import database_snapshot


def roster_line(employee, **changes):
    values = {
        "employee_number": employee.employee_number,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "email": employee.email,
        "job_title": employee.job_title,
        "business_unit_code": employee.business_unit.code,
        "business_unit_name": employee.business_unit.name,
        "manager_employee_number": employee.manager.employee_number if employee.manager else "",
        "employment_status": employee.employment_status,
        **changes,
    }
    return [values[name] for name in COLUMNS]


def roster_file(lines, name="roster.csv"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(lines)
    return SimpleUploadedFile(name, buffer.getvalue().encode(), content_type="text/csv")


@pytest.fixture
def moves(world):
    """The demo City with providers who move, leave, and go missing from a full roster."""
    ns = world
    ns.mover_account = make_account(
        handle="@yycparksevents", business_unit=world.parks, accountable_manager=world.manager_emp
    )
    ns.mover_grant = make_grant(employee=world.employee_emp, account=ns.mover_account)  # Jordan moves to Transit
    ns.leaver_grant = make_grant(employee=world.lead_emp, account=ns.mover_account)  # Maya leaves
    ns.leaver_grant_2 = make_grant(employee=world.lead_emp, account=world.parks_account)
    # Isaac (transit_grant) is missing from the full roster; Lucas (provider_grant) stays as he is.
    everyone = Employee.objects.select_related("business_unit", "manager").order_by("pk")
    lines = []
    for employee in everyone:
        if employee.pk == world.outsider_emp.pk:
            continue
        if employee.pk == world.employee_emp.pk:
            lines.append(
                roster_line(
                    employee,
                    job_title="Transit Planner",
                    business_unit_code="TRN",
                    business_unit_name="Calgary Transit",
                    manager_employee_number="E0199",
                )
            )
        elif employee.pk == world.lead_emp.pk:
            lines.append(roster_line(employee, employment_status="terminated"))
        else:
            lines.append(roster_line(employee))
    ns.lines = lines
    return ns


@pytest.fixture
def upload_as(django_capture_on_commit_callbacks):
    """Post a roster as the client's user; the check task runs as it would after commit."""

    def upload(client, lines, full=True):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("people:roster"), {"file": roster_file(lines), "full": "on" if full else ""})

    return upload


def test_a_good_full_roster_is_previewed_and_the_import_then_does_exactly_that(
    moves, client_for, upload_as, django_capture_on_commit_callbacks
):
    client = client_for(moves.hr)
    before = database_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload_as(client, moves.lines)
    upload = RosterUpload.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("people:roster-upload", args=[upload.pk])
    assert upload.status == RosterUploadStatus.READY
    # Nothing applied: only the upload and its audit event are new.
    after = database_snapshot()
    for table in before:
        if table not in ("governance.RosterUpload", "governance.AuditEvent"):
            assert after[table] == before[table], table
    assert [e["verb"] for e in after["governance.AuditEvent"][len(before["governance.AuditEvent"]) :]] == [
        "roster.uploaded"
    ]

    preview = upload.preview
    assert preview["role_changed"]["count"] == 1 and preview["role_changed"]["rows"][0]["name"] == "Jordan Ellis"
    assert preview["leaving"]["rows"][0]["name"] == "Maya Thompson"
    assert [row["name"] for row in preview["missing"]["rows"]] == ["Isaac Novak"]
    access = preview["access"]
    assert sorted(access["under_review"]["ids"]) == sorted([moves.mover_grant.pk, moves.transit_grant.pk])
    assert sorted(access["revoked"]["ids"]) == sorted([moves.leaver_grant.pk, moves.leaver_grant_2.pk])
    reviewers = {row["grant"]: row["manager"] for row in access["under_review"]["rows"]}
    assert reviewers == {moves.mover_grant.pk: "Aisha Nkemelu", moves.transit_grant.pk: "Aisha Nkemelu"}
    assert {row["account"] for row in access["rotations"]["rows"]} == {"Calgary Parks", "Yycparksevents"}

    page = client.get(reverse("people:roster-upload", args=[upload.pk])).content.decode()
    assert "Access going to a manager for review: 2" in page and "Access revoked at once: 2" in page

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("people:roster-upload-confirm", args=[upload.pk]))
    assert confirmed.status_code == 302
    upload.refresh_from_db()
    assert upload.status == RosterUploadStatus.IMPORTED and not upload.file
    assert upload.result["role_changed"] == 1 and upload.result["leaving"] == 1 and upload.result["missing"] == 1
    # The import and the jobs it started did exactly what the preview said.
    assert sorted(AccessReview.objects.values_list("grant_id", flat=True)) == sorted(access["under_review"]["ids"])
    revoked = ProviderGrant.objects.filter(status=GrantStatus.REVOKED).values_list("pk", flat=True)
    assert sorted(revoked) == sorted(access["revoked"]["ids"])
    assert {r.account.display_name for r in CredentialRotation.objects.all()} == {
        row["account"] for row in access["rotations"]["rows"]
    }
    confirmation = AuditEvent.objects.get(verb="roster.confirmed")
    assert confirmation.actor == moves.hr and confirmation.changes["sha256"]["after"] == upload.sha256
    assert AuditEvent.objects.get(verb="roster.uploaded").changes["sha256"]["after"] == upload.sha256
    assert client.get(reverse("people:roster-upload-status", args=[upload.pk])).json()["percent"] == 100


def test_a_bad_roster_lists_every_error_with_line_and_column_and_applies_nothing(
    moves, client_for, upload_as, django_capture_on_commit_callbacks
):
    client = client_for(moves.hr)
    lines = list(moves.lines)
    lines[1] = [*lines[1][:3], "not-an-email", *lines[1][4:]]
    lines[3] = [*lines[3][:8], "retired"]
    lines[4] = [*lines[4][:7], "E9999", lines[4][8]]
    before = database_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        upload_as(client, lines)
    upload = RosterUpload.objects.get()
    assert upload.status == RosterUploadStatus.INVALID and not upload.file
    assert [tuple(error[:2]) for error in upload.errors] == [(3, "email"), (5, "employment_status")]
    page = client.get(reverse("people:roster-upload", args=[upload.pk])).content.decode()
    assert "2 problems; nothing was applied" in page
    report = client.get(reverse("people:roster-upload-errors", args=[upload.pk]))
    rows = list(csv.reader(io.StringIO(report.content.decode())))
    assert rows[0] == ["line", "column", "problem"] and rows[1][:2] == ["3", "email"]
    assert report["Content-Disposition"].startswith("attachment")
    after = database_snapshot()
    for table in before:
        if table not in ("governance.RosterUpload", "governance.AuditEvent"):
            assert after[table] == before[table], table
    assert client.post(reverse("people:roster-upload-confirm", args=[upload.pk]), follow=True).status_code == 200
    assert RosterUpload.objects.get().status == RosterUploadStatus.INVALID


def test_an_unknown_manager_found_against_the_directory_is_an_error_too(moves, client_for, upload_as):
    lines = [line for line in moves.lines if line[0] != "E0101"]  # Samuel, manager of others, left out
    upload_as(client_for(moves.hr), lines)
    upload = RosterUpload.objects.get()
    assert upload.status == RosterUploadStatus.INVALID
    assert all(error[1] == "manager_employee_number" for error in upload.errors)


def test_a_file_over_the_size_cap_is_refused_with_a_clear_message(org, client_for, upload_as):
    with override_settings(ROSTER_UPLOAD_MAX_MB=0):
        response = upload_as(client_for(org.hr), [roster_line(org.hr_emp)])
    assert response.status_code == 400
    assert "the largest accepted is 0 MB" in response.content.decode()
    assert not RosterUpload.objects.exists()


def test_discarding_an_upload_applies_nothing_and_deletes_the_file(
    moves, client_for, upload_as, django_capture_on_commit_callbacks
):
    client = client_for(moves.hr)
    upload_as(client, moves.lines)
    upload = RosterUpload.objects.get()
    path = upload.file.path
    before = database_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:roster-upload-discard", args=[upload.pk]))
    upload.refresh_from_db()
    assert upload.status == RosterUploadStatus.DISCARDED
    assert database_snapshot()["accounts.ProviderGrant"] == before["accounts.ProviderGrant"]
    assert AuditEvent.objects.filter(verb="roster.discarded").count() == 1
    assert not os.path.exists(path) and not upload.file


def test_a_preview_out_of_date_after_another_import_is_refused(moves, client_for, upload_as):
    client = client_for(moves.hr)
    upload_as(client, moves.lines)
    upload_as(client, moves.lines)
    first, second = RosterUpload.objects.order_by("pk")
    services.confirm_roster_upload(upload=second, acting_user=moves.hr)
    with pytest.raises(services.WorkflowError, match="out of date"):
        services.confirm_roster_upload(upload=first, acting_user=moves.hr)


@pytest.mark.parametrize("persona", ["employee", "manager", "csc_staff", "director", "outsider"])
def test_only_hr_and_auditors_see_the_roster_pages(moves, client_for, upload_as, persona):
    upload_as(client_for(moves.hr), moves.lines)
    upload = RosterUpload.objects.get()
    client = client_for(getattr(moves, persona))
    before = database_snapshot()
    assert client.get(reverse("people:roster")).status_code == 403
    assert upload_as(client, moves.lines).status_code == 403
    for name in ("people:roster-upload", "people:roster-upload-status", "people:roster-upload-errors"):
        assert client.get(reverse(name, args=[upload.pk])).status_code == 404
    for name in ("people:roster-upload-confirm", "people:roster-upload-discard"):
        assert client.post(reverse(name, args=[upload.pk])).status_code == 404
    assert database_snapshot() == before


def test_an_auditor_reads_uploads_but_cannot_upload_confirm_or_discard(moves, client_for, upload_as):
    upload_as(client_for(moves.hr), moves.lines)
    upload = RosterUpload.objects.get()
    client = client_for(moves.auditor)
    before = database_snapshot()
    page = client.get(reverse("people:roster-upload", args=[upload.pk]))
    assert page.status_code == 200 and "Import this roster" not in page.content.decode()
    assert "Upload and check" not in client.get(reverse("people:roster")).content.decode()
    assert upload_as(client, moves.lines).status_code == 403
    for name in ("people:roster-upload-confirm", "people:roster-upload-discard"):
        assert client.post(reverse(name, args=[upload.pk])).status_code == 403
    assert database_snapshot() == before


def test_an_unknown_upload_is_404(org, client_for):
    assert client_for(org.hr).get(reverse("people:roster-upload", args=[999999])).status_code == 404
