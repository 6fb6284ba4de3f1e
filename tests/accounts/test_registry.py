"""The registry's services: registering accounts once, designating and revoking providers."""

import pytest

from accounts import services
from accounts.models import AccountStatus, GrantStatus, ProviderGrant, SocialAccount
from governance.models import AuditEvent
from governance.services import WorkflowError
from tests.factories import make_grant
from tests.snapshot import database_snapshot


def test_an_account_is_registered_under_its_normalised_address(org):
    account = services.register_account(
        platform="x",
        address="https://mobile.twitter.com/CalgaryTransit?ref=home",
        display_name="Calgary Transit",
        business_unit=org.transit,
        accountable_manager=org.outsider_emp,
        acting_user=org.csc_staff,
    )
    assert account.normalized_url == "x.com/calgarytransit"
    assert account.profile_url == "https://x.com/calgarytransit"
    assert account.status == AccountStatus.ACTIVE
    event = AuditEvent.objects.get(verb="account.registered")
    assert event.actor == org.csc_staff and event.changes["display_name"]["after"] == "Calgary Transit"


@pytest.mark.parametrize(
    "again", ["@calgarytransit", "https://www.twitter.com/CALGARYTRANSIT/", "x.com/calgarytransit#top"]
)
def test_the_same_account_in_another_form_is_already_registered(org, again):
    services.register_account(
        platform="x",
        address="https://x.com/calgarytransit",
        display_name="Calgary Transit",
        business_unit=org.transit,
        accountable_manager=org.outsider_emp,
        acting_user=org.csc_staff,
    )
    with pytest.raises(WorkflowError, match="already registered: Calgary Transit"):
        services.register_account(
            platform="x",
            address=again,
            display_name="Transit again",
            business_unit=org.transit,
            accountable_manager=org.outsider_emp,
            acting_user=org.csc_staff,
        )
    assert SocialAccount.objects.count() == 1


def test_the_database_refuses_a_second_account_at_the_same_address(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SocialAccount.objects.create(
            platform="instagram",
            handle="@calgaryparks",
            profile_url="https://instagram.com/calgaryparks",
            normalized_url=world.parks_account.normalized_url,
            display_name="Duplicate",
            business_unit=world.parks,
            accountable_manager=world.manager_emp,
        )


def test_the_database_allows_one_live_grant_per_employee_and_account(world):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        make_grant(employee=world.provider_emp, account=world.parks_account, status=GrantStatus.SUSPENDED)
    make_grant(employee=world.provider_emp, account=world.parks_account, status=GrantStatus.REVOKED)  # history is fine


def test_revoking_needs_a_reason_and_is_recorded(world, mailoutbox, django_capture_on_commit_callbacks):
    with pytest.raises(WorkflowError, match="Give the reason"):
        services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="Left the team.")
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.REVOKED
    assert world.provider_grant.revoked_by == world.director
    assert world.provider_grant.revoke_reason == "Left the team."
    event = AuditEvent.objects.get(verb="grant.revoked")
    assert event.note == "Left the team."
    assert {m.to[0] for m in mailoutbox} == {world.provider_emp.email, world.manager_emp.email}
    with pytest.raises(WorkflowError, match="already revoked"):
        services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="Again.")


def test_a_designation_is_refused_while_the_employee_already_has_access(world):
    with pytest.raises(WorkflowError, match="already has access"):
        services.designate_provider(
            employee=world.provider_emp,
            account=world.parks_account,
            access_level="publisher",
            acting_user=world.director,
        )
    assert ProviderGrant.objects.filter(employee=world.provider_emp).count() == 1


@pytest.mark.parametrize(("status", "reason"), [("leave", "is on leave"), ("terminated", "employment has ended")])
def test_a_designation_is_refused_on_leave_or_after_employment_ended(world, status, reason):
    world.lead_emp.employment_status = status
    world.lead_emp.save()
    before = database_snapshot()
    with pytest.raises(WorkflowError, match=reason):
        services.designate_provider(
            employee=world.lead_emp,
            account=world.parks_account,
            access_level="publisher",
            acting_user=world.director,
        )
    assert not ProviderGrant.objects.filter(employee=world.lead_emp).exists()
    assert database_snapshot() == before


def test_a_designation_goes_by_the_account_as_it_is_now_not_the_callers_copy(world):
    stale_copy = world.parks_account  # read while active …
    SocialAccount.objects.filter(pk=stale_copy.pk).update(status=AccountStatus.DECOMMISSIONED)  # … closed since
    before = database_snapshot()
    with pytest.raises(WorkflowError, match="Calgary Parks is decommissioned"):
        services.designate_provider(
            employee=world.employee_emp, account=stale_copy, access_level="publisher", acting_user=world.director
        )
    assert not ProviderGrant.objects.filter(employee=world.employee_emp).exists()
    assert database_snapshot() == before


def test_the_recertification_date_is_months_away_on_the_calendar(settings):
    import datetime

    settings.RECERTIFY_MONTHS = 12
    assert services.recertify_by_from(datetime.date(2026, 11, 24)) == datetime.date(2027, 11, 24)
    assert services.recertify_by_from(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)
    settings.RECERTIFY_MONTHS = 1
    assert services.recertify_by_from(datetime.date(2026, 1, 31)) == datetime.date(2026, 2, 28)
