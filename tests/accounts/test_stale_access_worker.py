"""The acceptance of the stale-access jobs with a real Celery worker on Redis: HR roster
imports are acted on by the worker, after the import commits."""

import csv

import pytest
from django.core.management import call_command

from accounts.models import AccessReview, CredentialRotation, GrantStatus, ReviewReason
from governance.models import Notification
from governance.roster import COLUMNS
from tests.conftest import wait_for
from tests.factories import UserFactory, make_account, make_grant

pytestmark = pytest.mark.worker


def write_roster(path, world, lucas):
    """The world's employees as a roster file; `lucas` holds Lucas's (the provider's) changed row."""
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for employee in (
            world.director_emp,
            world.csc_emp,
            world.parks_director_emp,
            world.manager_emp,
            world.employee_emp,
            world.lead_emp,
            world.outsider_emp,
            world.auditor_emp,
            world.transit_manager_emp,
        ):
            writer.writerow(
                [
                    employee.employee_number,
                    employee.first_name,
                    employee.last_name,
                    employee.email,
                    employee.job_title,
                    employee.business_unit.code,
                    employee.business_unit.name,
                    employee.manager.employee_number if employee.manager else "",
                    employee.employment_status,
                ]
            )
        writer.writerow(["E0104", "Lucas", "Moreau", "e0104@calgary.ca", *lucas])
    return path


def test_a_provider_who_moved_gets_a_review_for_the_new_manager(celery_worker, world, tmp_path):
    aisha = UserFactory(username="aisha")
    world.transit_manager_emp.user = aisha
    world.transit_manager_emp.save()
    roster = write_roster(
        tmp_path / "moved.csv",
        world,
        ["Transit Ambassador", "TRN", "Calgary Transit", "E0199", "active"],
    )
    call_command("import_hr_roster", str(roster))

    review = wait_for(
        lambda: AccessReview.objects.filter(grant=world.provider_grant).first(), message="the worker to open the review"
    )
    assert review.reason == ReviewReason.ROLE_CHANGED
    assert review.assigned_to == world.transit_manager_emp
    notification = wait_for(
        lambda: Notification.objects.filter(
            recipient=aisha, kind="access_reviews_opened", emailed_at__isnull=False
        ).first(),
        message="the new manager's notification to be emailed",
    )
    assert notification.link == "/team/access/"
    mail = "".join(path.read_text() for path in celery_worker.mail_dir.glob("*.log"))
    assert "To: e0199@calgary.ca" in mail and "Please review 1 provider access in your team" in mail


def test_a_provider_who_left_loses_access_and_their_session(celery_worker, world, tmp_path, client):
    second = make_account(
        handle="@parksevents",
        display_name="Parks Events",
        business_unit=world.parks,
        accountable_manager=world.manager_emp,
    )
    make_grant(employee=world.provider_emp, account=second)
    client.force_login(world.provider)
    assert client.get("/").status_code == 200

    roster = write_roster(
        tmp_path / "left.csv",
        world,
        ["Events Assistant", "PKS", "Parks & Open Spaces", "E0103", "terminated"],
    )
    call_command("import_hr_roster", str(roster))

    wait_for(lambda: CredentialRotation.objects.count() == 2, message="the worker to open the rotations")
    assert set(CredentialRotation.objects.values_list("account", flat=True)) == {world.parks_account.pk, second.pk}
    assert set(world.provider_emp.grants.values_list("status", flat=True)) == {GrantStatus.REVOKED}
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
