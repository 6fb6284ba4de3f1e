"""/team/access/ and /rotations/: managers act on their own reporting line and business unit
only; every refused action changes nothing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import AccessReview, CredentialRotation, GrantStatus, ReviewOutcome
from governance.models import Employee
from tests.factories import EmployeeFactory, make_account, make_grant
from tests.snapshot import database_snapshot

ATTESTED = {"password_changed": "on", "recovery_checked": "on", "two_step_on": "on", "sessions_signed_out": "on"}


@pytest.fixture
def review(world):
    """Lucas (the provider, in the manager's line) changed role: his grant is under review."""
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    return AccessReview.objects.get()


@pytest.fixture
def transit_rotation(world):
    services.revoke_grant(grant=world.transit_grant, acting_user=world.director, reason="Left Transit.")
    return CredentialRotation.objects.get(account=world.transit_account)


def test_the_manager_sees_the_line_s_grants_with_reviews_first(client_for, world, review):
    quiet = make_grant(employee=world.employee_emp, account=world.transit_account)
    page = client_for(world.manager).get("/team/access/").content.decode()
    assert "Your team's access" in page
    assert page.index("Lucas Moreau") < page.index("Jordan Ellis")  # the review first
    assert "Role changed" in page and "Keep access" in page
    assert "Isaac Novak" not in page  # not in the line
    assert quiet.account.display_name in page


def test_people_without_reports_or_oversight_are_refused_the_pages(client_for, world):
    for path in ("/team/access/", "/rotations/"):
        assert client_for(world.employee).get(path).status_code == 403
        assert client_for(world.provider).get(path).status_code == 403


def test_the_manager_keeps_access_with_a_note_and_date(client_for, world, review):
    date = (timezone.localdate() + datetime.timedelta(days=180)).isoformat()
    response = client_for(world.manager).post(
        f"/team/access/reviews/{review.pk}/keep/", {"note": "Still runs volunteer posts.", "recertify_by": date}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    world.provider_grant.refresh_from_db()
    assert review.outcome == ReviewOutcome.KEPT and review.resolved_by == world.manager
    assert world.provider_grant.status == GrantStatus.ACTIVE
    assert world.provider_grant.recertify_by.isoformat() == date


def test_keeping_without_a_note_is_refused_and_changes_nothing(client_for, world, review):
    before = database_snapshot()
    response = client_for(world.manager).post(f"/team/access/reviews/{review.pk}/keep/", {"note": ""}, follow=True)
    assert "say why it is still needed" in response.content.decode()
    assert database_snapshot() == before


def test_the_manager_revokes_a_reports_access_with_a_reason(client_for, world, review):
    response = client_for(world.manager).post(
        f"/team/access/grants/{world.provider_grant.pk}/revoke/", {"reason": "Moved to Transit."}, follow=True
    )
    assert "record it under Rotations" in response.content.decode()
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.REVOKED
    assert world.provider_grant.revoke_reason == "Moved to Transit."
    assert CredentialRotation.objects.filter(account=world.parks_account, completed_at__isnull=True).exists()


@pytest.mark.parametrize("persona", ["outsider", "employee", "provider"])
def test_grants_outside_your_line_are_404_and_unchanged(client_for, world, review, persona):
    before = database_snapshot()
    client = client_for(getattr(world, persona))
    assert client.post(f"/team/access/grants/{world.provider_grant.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert client.post(f"/team/access/reviews/{review.pk}/keep/", {"note": "x"}).status_code == 404
    assert database_snapshot() == before


def test_a_manager_cannot_touch_another_line_s_grant(client_for, world):
    before = database_snapshot()
    client = client_for(world.manager)
    assert client.post(f"/team/access/grants/{world.transit_grant.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert client.post("/team/access/grants/999999/revoke/", {"reason": "x"}).status_code == 404
    assert database_snapshot() == before


def test_an_auditor_sees_but_cannot_act(client_for, world, review):
    client = client_for(world.auditor)
    page = client.get("/team/access/").content.decode()
    assert "Lucas Moreau" in page and "Keep access" not in page
    before = database_snapshot()
    assert client.post(f"/team/access/grants/{world.provider_grant.pk}/revoke/", {"reason": "x"}).status_code == 403
    assert client.post(f"/team/access/reviews/{review.pk}/keep/", {"note": "x"}).status_code == 403
    assert database_snapshot() == before


def test_csc_sees_every_review_and_filters(client_for, world, review):
    client = client_for(world.csc_staff)
    assert "Lucas Moreau" in client.get("/team/access/?scope=all").content.decode()
    assert "Lucas Moreau" not in client.get("/team/access/?scope=all&reason=on_leave").content.decode()
    assert "Lucas Moreau" not in client.get("/team/access/?scope=all&overdue=yes").content.decode()
    assert "Lucas Moreau" not in client.get("/team/access/?scope=all&business_unit=TRN").content.decode()


def test_rotations_list_the_manager_s_unit_only(client_for, world, transit_rotation):
    services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="Moved.")
    page = client_for(world.manager).get("/rotations/").content.decode()
    assert "Calgary Parks" in page and "Calgary Transit" not in page
    assert "Lucas Moreau" in page  # the cause
    assert 'type="password"' not in page  # the portal never asks for a password
    all_page = client_for(world.csc_staff).get("/rotations/").content.decode()
    assert "Calgary Parks" in all_page and "Calgary Transit" in all_page


def test_a_manager_cannot_complete_another_units_rotation(client_for, world, transit_rotation):
    before = database_snapshot()
    assert client_for(world.manager).post(f"/rotations/{transit_rotation.pk}/done/", ATTESTED).status_code == 404
    assert client_for(world.auditor).post(f"/rotations/{transit_rotation.pk}/done/", ATTESTED).status_code == 403
    assert database_snapshot() == before


def test_the_password_change_is_recorded_with_the_checklist(client_for, world):
    services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="Moved.")
    rotation = CredentialRotation.objects.get()
    client = client_for(world.manager)
    before = database_snapshot()
    incomplete = client.post(f"/rotations/{rotation.pk}/done/", {"password_changed": "on"}, follow=True)
    assert "Confirm every step" in incomplete.content.decode()
    assert database_snapshot() == before
    client.post(f"/rotations/{rotation.pk}/done/", {**ATTESTED, "note": "Changed with IT."})
    rotation.refresh_from_db()
    assert rotation.completed_by == world.manager and rotation.note == "Changed with IT."
    assert "Done in the last 30 days" in client.get("/rotations/").content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/team/access/", "/rotations/"])
def test_the_pages_cost_the_same_queries_for_5_grants_as_for_200(client_for, world, url):
    def add(count):
        for n in range(count):
            person = EmployeeFactory(business_unit=world.parks, manager=world.lead_emp)
            account = make_account(
                handle=f"@p{person.pk}", business_unit=world.parks, accountable_manager=world.manager_emp
            )
            grant = make_grant(employee=person, account=account)
            if n % 2:
                services.revoke_grant(grant=grant, acting_user=world.director, reason="Moved.")
        Employee.objects.filter(manager=world.lead_emp).update(role_changed_at=timezone.now())
        services.sweep_stale_access()

    client = client_for(world.manager)
    add(4)
    _queries(client, url)
    small = _queries(client, url)
    add(196)
    assert _queries(client, url) == small
