"""Leavers are out at once: someone missing from a full HR roster is a probable departure. One
import signs them out, suspends their grants and opens the password change; the manager's keep
puts a grant back in use, and a roster that lists them again turns the sign-in back on."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from accounts import services
from accounts.models import AccessReview, CredentialRotation, GrantStatus, ReviewOutcome, ReviewReason
from governance import services as people
from governance.audit_verbs import Verb
from governance.models import AuditEvent, Employee, EmploymentStatus
from tests.accounts.test_stale_access import import_roster
from tests.factories import PASSWORD

LUCAS = "E0104"


@pytest.fixture
def lucas_signed_in(world):
    """Lucas (the provider of the Parks account) with a session of his own."""
    client = Client()
    client.force_login(world.provider)
    assert client.get("/").status_code == 200
    return client


def import_full_roster_without_lucas(callbacks):
    with callbacks(execute=True):  # the stale-access task runs once the import commits, as in production
        return import_roster(drop=(LUCAS,), full=True)


def test_one_full_roster_without_him_signs_him_out_suspends_his_grants_and_opens_the_rotation(
    world, lucas_signed_in, django_capture_on_commit_callbacks
):
    result = import_full_roster_without_lucas(django_capture_on_commit_callbacks)

    response = lucas_signed_in.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    world.provider.refresh_from_db()
    assert not world.provider.is_active and result.suspended_sign_in_ids == [world.provider.pk]
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.SUSPENDED
    review = AccessReview.objects.get(grant=world.provider_grant)
    assert review.reason == ReviewReason.NOT_IN_ROSTER and review.resolved_at is None
    assert review.assigned_to == world.lead_emp
    rotation = CredentialRotation.objects.get(account=world.parks_account, completed_at__isnull=True)
    assert rotation.causes.get().grant == world.provider_grant

    audited = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        Verb.EMPLOYEE_LEFT_ROSTER,
        Verb.USER_DEACTIVATED,
        Verb.REVIEW_OPENED,
        Verb.GRANT_SUSPENDED,
        Verb.ROTATION_OPENED,
    } <= audited
    deactivated = AuditEvent.objects.get(verb=Verb.USER_DEACTIVATED)
    assert "Missing from the full HR roster" in deactivated.note


def test_nothing_more_happens_when_the_jobs_and_the_import_run_again(world, django_capture_on_commit_callbacks):
    import_full_roster_without_lucas(django_capture_on_commit_callbacks)
    events = AuditEvent.objects.count()
    assert services.sweep_stale_access().changed_rows == 0
    assert people.turn_off_sign_ins_missing_from_roster() == []
    import_full_roster_without_lucas(django_capture_on_commit_callbacks)
    assert AuditEvent.objects.count() == events


def test_the_manager_s_keep_puts_the_grant_back_in_use_and_the_sweep_leaves_it(
    world, django_capture_on_commit_callbacks
):
    import_full_roster_without_lucas(django_capture_on_commit_callbacks)
    review = AccessReview.objects.get(grant=world.provider_grant)
    services.keep_access(review=review, acting_user=world.lead, note="On a secondment; still posts for Parks.")
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.ACTIVE
    assert services.sweep_stale_access().changed_rows == 0
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.ACTIVE


def test_a_roster_that_lists_him_again_turns_the_sign_in_back_on(world, django_capture_on_commit_callbacks):
    import_full_roster_without_lucas(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        import_roster(full=True)
    world.provider.refresh_from_db()
    assert world.provider.is_active
    event = AuditEvent.objects.get(verb=Verb.USER_REACTIVATED)
    assert event.target_id == str(world.provider.pk) and event.note == "Listed again in the HR roster."
    client = Client()
    assert client.post("/login/", {"username": "provider", "password": PASSWORD}).status_code == 302
    assert client.get("/").status_code == 200
    # His access stays suspended until someone decides: being listed again is not a review.
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.SUSPENDED


def test_a_sign_in_turned_off_by_it_for_another_reason_is_not_turned_back_on(world):
    """Only what the roster's absence turned off is turned back on: an IT decision stands."""
    world.provider.is_active = False
    world.provider.save()
    import_roster(drop=(LUCAS,), full=True)
    import_roster(full=True)
    world.provider.refresh_from_db()
    assert not world.provider.is_active
    assert not AuditEvent.objects.filter(verb=Verb.USER_REACTIVATED).exists()


def test_with_a_grace_period_the_sign_in_works_until_it_ends(
    world, lucas_signed_in, settings, django_capture_on_commit_callbacks
):
    settings.ROSTER_MISSING_GRACE_HOURS = 24
    import_full_roster_without_lucas(django_capture_on_commit_callbacks)
    world.provider.refresh_from_db()
    assert world.provider.is_active
    assert lucas_signed_in.get("/").status_code == 200
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.SUSPENDED  # the grants do not wait

    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        # Refused on his next request, before the hourly job has even run…
        assert lucas_signed_in.get("/").status_code == 302
        assert Client().post("/login/", {"username": "provider", "password": PASSWORD}).status_code == 200
        # …which then turns the sign-in off, audited, once.
        assert people.turn_off_sign_ins_missing_from_roster() == [world.provider.pk]
        assert people.turn_off_sign_ins_missing_from_roster() == []
    world.provider.refresh_from_db()
    assert not world.provider.is_active
    assert AuditEvent.objects.filter(verb=Verb.USER_DEACTIVATED).count() == 1


def test_a_terminated_employee_s_session_ends_even_if_the_sign_in_was_left_on(world, lucas_signed_in):
    """The identity check on every request reads the employee record, not only the sign-in."""
    Employee.objects.filter(pk=world.provider_emp.pk).update(employment_status=EmploymentStatus.TERMINATED)
    assert lucas_signed_in.get("/").status_code == 302


def test_revoking_from_the_roster_review_closes_it(world, django_capture_on_commit_callbacks):
    import_full_roster_without_lucas(django_capture_on_commit_callbacks)
    services.revoke_grant(grant=world.provider_grant, acting_user=world.manager, reason="Left the City.")
    review = AccessReview.objects.get(grant=world.provider_grant)
    assert review.outcome == ReviewOutcome.REVOKED
