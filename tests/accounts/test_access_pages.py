"""/team/access/ and /rotations/: managers act on their own reporting line and business unit
only; every refused action changes nothing."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import (
    AccessReview,
    CredentialRotation,
    GrantStatus,
    ProviderGrant,
    ReviewOutcome,
    ReviewReason,
)
from governance.models import Employee
from tests.factories import EmployeeFactory, UserFactory, make_account, make_grant
from tests.snapshot import database_snapshot

ATTESTED = {"password_changed": "on", "recovery_checked": "on", "two_step_on": "on", "sessions_signed_out": "on"}


def revoke_url(grant):
    """Revoking is one view, posted to from the account's page and from the team page."""
    return f"/accounts/{grant.account_id}/grants/{grant.pk}/revoke/"


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
        revoke_url(world.provider_grant), {"reason": "Moved to Transit.", "next": "/team/access/"}, follow=True
    )
    assert response.redirect_chain == [("/team/access/", 302)]  # back to the team page
    assert "record it under Rotations" in response.content.decode()
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.REVOKED
    assert world.provider_grant.revoke_reason == "Moved to Transit."
    assert CredentialRotation.objects.filter(account=world.parks_account, completed_at__isnull=True).exists()


@pytest.mark.parametrize(
    ("persona", "revoking"),
    [("outsider", 404), ("employee", 404), ("provider", 403)],  # Lucas sees the account, not the decision
)
def test_grants_outside_your_line_are_refused_and_unchanged(client_for, world, review, persona, revoking):
    before = database_snapshot()
    client = client_for(getattr(world, persona))
    assert client.post(revoke_url(world.provider_grant), {"reason": "x"}).status_code == revoking
    assert client.post(f"/team/access/reviews/{review.pk}/keep/", {"note": "x"}).status_code == 404
    assert database_snapshot() == before


def test_a_manager_cannot_touch_another_line_s_grant(client_for, world):
    before = database_snapshot()
    client = client_for(world.manager)
    assert client.post(revoke_url(world.transit_grant), {"reason": "x"}).status_code == 404
    assert client.post(f"/accounts/{world.parks_account.pk}/grants/999999/revoke/", {"reason": "x"}).status_code == 404
    assert database_snapshot() == before


def test_a_manager_revokes_a_reports_grant_on_another_units_account(client_for, world):
    """The team page lists every grant of the line, on any account: revoking works for all."""
    elsewhere = make_grant(employee=world.employee_emp, account=world.transit_account)
    client = client_for(world.manager)
    assert client.get(f"/accounts/{world.transit_account.pk}/").status_code == 404  # not the manager's unit
    team_page = client.get("/team/access/").content.decode()
    assert f'action="{revoke_url(elsewhere)}"' in team_page
    response = client.post(revoke_url(elsewhere), {"reason": "Left the Transit project.", "next": "/team/access/"})
    assert response["Location"] == "/team/access/"
    elsewhere.refresh_from_db()
    assert elsewhere.status == GrantStatus.REVOKED and elsewhere.revoked_by == world.manager


def test_revoking_returns_to_the_page_it_came_from_on_this_site_only(client_for, world):
    client = client_for(world.director)
    back = "/team/access/?scope=all&reason=role_changed"
    assert client.post(revoke_url(world.provider_grant), {"reason": "", "next": back})["Location"] == back
    response = client.post(
        revoke_url(world.provider_grant), {"reason": "Moved.", "next": "https://evil.example/team/access/"}
    )
    assert response["Location"] == f"/accounts/{world.parks_account.pk}/"  # not off the site


def test_an_auditor_sees_but_cannot_act(client_for, world, review):
    client = client_for(world.auditor)
    page = client.get("/team/access/").content.decode()
    assert "Lucas Moreau" in page and "Keep access" not in page
    before = database_snapshot()
    assert client.post(revoke_url(world.provider_grant), {"reason": "x"}).status_code == 403
    assert client.post(f"/team/access/reviews/{review.pk}/keep/", {"note": "x"}).status_code == 403
    assert database_snapshot() == before


@pytest.fixture
def own_reviews(world):
    """Priya (CSC staff) and Dana (the Director) each hold a grant whose role-change review is open."""
    priya = make_grant(employee=world.csc_emp, account=world.transit_account)
    dana = make_grant(employee=world.director_emp, account=world.transit_account)
    Employee.objects.filter(pk__in=[world.csc_emp.pk, world.director_emp.pk]).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    return tuple(AccessReview.objects.get(grant=grant, reason=ReviewReason.ROLE_CHANGED) for grant in (priya, dana))


@pytest.mark.parametrize("persona", ["csc_staff", "director"])
def test_nobody_keeps_or_revokes_their_own_access(client_for, world, own_reviews, persona):
    user = getattr(world, persona)
    [mine] = [review for review in own_reviews if review.grant.employee.user == user]
    client = client_for(user)
    page = client.get("/team/access/?scope=all").content.decode()
    assert f"/team/access/reviews/{mine.pk}/keep/" not in page and revoke_url(mine.grant) not in page
    assert "Your own access" in page
    before = database_snapshot()
    date = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    assert (
        client.post(f"/team/access/reviews/{mine.pk}/keep/", {"note": "Mine.", "recertify_by": date}).status_code == 403
    )
    assert client.post(revoke_url(mine.grant), {"reason": "Mine."}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.keep_access(review=mine, acting_user=user, note="Still mine.")
    assert database_snapshot() == before


@pytest.mark.parametrize("persona", ["csc_staff", "director"])
def test_the_revocation_service_refuses_one_s_own_access_too(world, own_reviews, persona):
    user = getattr(world, persona)
    [mine] = [review for review in own_reviews if review.grant.employee.user == user]
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        services.revoke_grant(grant=mine.grant, acting_user=user, reason="Mine.")
    assert database_snapshot() == before


@pytest.fixture
def priya_review(world):
    """Priya (CSC staff) holds a grant an acting Director designated; she changed role, so its
    review is open, for her manager, Dana (the Director)."""
    acting = UserFactory(username="acting-director")
    priya = make_grant(employee=world.csc_emp, account=world.transit_account)
    ProviderGrant.objects.filter(pk=priya.pk).update(designated_by=acting)
    Employee.objects.filter(pk=world.csc_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    return AccessReview.objects.get(grant=priya)


def test_a_csc_member_cannot_keep_or_revoke_her_own_review_and_her_manager_can(client_for, world, priya_review):
    assert priya_review.assigned_to == world.director_emp
    date = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    keep = f"/team/access/reviews/{priya_review.pk}/keep/"
    priya = client_for(world.csc_staff)
    before = database_snapshot()
    assert priya.post(keep, {"note": "I still post.", "recertify_by": date}).status_code == 403
    assert priya.post(revoke_url(priya_review.grant), {"reason": "Done."}).status_code == 403
    assert database_snapshot() == before

    dana = client_for(world.director)
    assert dana.post(keep, {"note": "Still runs the Transit posts.", "recertify_by": date}).status_code == 302
    priya_review.refresh_from_db()
    assert priya_review.outcome == ReviewOutcome.KEPT and priya_review.resolved_by == world.director


@pytest.fixture
def designated_review(world):
    """Dana (the Director) designated Lucas; he changed role and his access is under review."""
    ProviderGrant.objects.filter(pk=world.provider_grant.pk).update(designated_by=world.director)
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    return AccessReview.objects.select_related("grant__employee").get(grant=world.provider_grant)


def test_the_director_does_not_review_a_designation_she_made(client_for, world, designated_review):
    client = client_for(world.director)
    page = client.get("/team/access/?scope=all").content.decode()
    assert f"/team/access/reviews/{designated_review.pk}/keep/" not in page
    assert revoke_url(designated_review.grant) not in page
    assert "You designated this access" in page
    before = database_snapshot()
    date = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    keep = f"/team/access/reviews/{designated_review.pk}/keep/"
    assert client.post(keep, {"note": "Fine.", "recertify_by": date}).status_code == 403
    assert client.post(revoke_url(designated_review.grant), {"reason": "No."}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.keep_access(review=designated_review, acting_user=world.director, note="Fine.")
    with pytest.raises(PermissionDenied):
        services.revoke_grant(grant=designated_review.grant, acting_user=world.director, reason="No.")
    assert database_snapshot() == before


@pytest.mark.parametrize("persona", ["manager", "csc_staff"])
def test_the_provider_s_manager_or_another_team_member_reviews_what_the_director_designated(
    client_for, world, designated_review, persona
):
    date = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    response = client_for(getattr(world, persona)).post(
        f"/team/access/reviews/{designated_review.pk}/keep/", {"note": "Runs the events feed.", "recertify_by": date}
    )
    assert response.status_code == 302
    designated_review.refresh_from_db()
    assert designated_review.outcome == ReviewOutcome.KEPT


def test_the_director_may_still_revoke_a_designation_of_hers_that_is_not_under_review(world):
    ProviderGrant.objects.filter(pk=world.provider_grant.pk).update(designated_by=world.director)
    world.provider_grant.refresh_from_db()
    services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="The campaign ended.")
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.REVOKED


def test_a_review_the_director_may_not_decide_is_sent_to_another_team_member(world, django_capture_on_commit_callbacks):
    """Priya's manager is Dana, who designated Priya's grant: the review is not Dana's to decide,
    so it goes to another member of CSC staff (Omar), not to Priya herself."""
    from django.contrib.auth.models import Group

    from governance.models import Notification
    from governance.roles import CSC_STAFF

    omar = UserFactory(username="omar")
    omar.groups.add(Group.objects.get(name=CSC_STAFF))
    priya = make_grant(employee=world.csc_emp, account=world.transit_account)
    ProviderGrant.objects.filter(pk=priya.pk).update(designated_by=world.director)
    Employee.objects.filter(pk=world.csc_emp.pk).update(role_changed_at=timezone.now())
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep_stale_access(employee_ids=[world.csc_emp.pk])
    told = {n.recipient.username for n in Notification.objects.filter(kind="access_reviews_opened")}
    assert "omar" in told
    assert "csc" not in told
    decide = Notification.objects.get(kind="access_reviews_opened", recipient=omar)
    assert decide.context.get("unassigned") is True


def test_someone_else_on_the_team_decides_about_a_team_members_access(client_for, world, own_reviews):
    priya_review, dana_review = own_reviews
    page = client_for(world.director).get("/team/access/?scope=all").content.decode()
    assert f"/team/access/reviews/{priya_review.pk}/keep/" in page  # Dana decides about Priya's
    services.keep_access(review=priya_review, acting_user=world.director, note="Runs the Transit posts.")
    services.keep_access(review=dana_review, acting_user=world.csc_staff, note="Confirmed with the City Manager.")
    assert {review.outcome for review in AccessReview.objects.filter(pk__in=[priya_review.pk, dana_review.pk])} == {
        ReviewOutcome.KEPT
    }


def test_csc_sees_every_review_and_filters(client_for, world, review):
    client = client_for(world.csc_staff)

    def shows_lucas(query):
        return "Lucas Moreau" in client.get(f"/team/access/?scope=all{query}").content.decode()

    assert shows_lucas("")
    assert shows_lucas("&reason=role_changed") and not shows_lucas("&reason=on_leave")
    assert shows_lucas("&business_unit=PKS") and not shows_lucas("&business_unit=TRN")
    assert not shows_lucas("&overdue=yes")
    with time_machine.travel(review.due_at + datetime.timedelta(minutes=1)):
        client.force_login(world.csc_staff)  # a new session: the first one may have expired by then
        assert shows_lucas("&overdue=yes") and not shows_lucas("&overdue=yes&reason=on_leave")


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


def test_an_accountable_manager_without_reports_opens_the_page_and_records_the_change(client_for, world):
    nora = EmployeeFactory(first_name="Nora", last_name="Quill", business_unit=world.transit, manager=None)
    nora.user = UserFactory(username="nora")
    nora.save(update_fields=["user"])
    account = make_account(
        handle="@yycbuses", display_name="YYC Buses", business_unit=world.transit, accountable_manager=nora
    )
    services.revoke_grant(
        grant=make_grant(employee=world.outsider_emp, account=account), acting_user=world.director, reason="Moved."
    )
    rotation = CredentialRotation.objects.get(account=account)
    client = client_for(nora.user)
    page = client.get("/rotations/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "YYC Buses <span" in content and "Password changed" in content
    assert "Calgary Transit <span" not in content  # the unit's other accounts: not hers (she manages nobody)
    assert client.post(f"/rotations/{rotation.pk}/done/", ATTESTED)["Location"] == "/rotations/"
    rotation.refresh_from_db()
    assert rotation.completed_by == nora.user


def test_an_auditor_reads_the_rotations_without_the_form(client_for, world, transit_rotation):
    client = client_for(world.auditor)
    page = client.get("/rotations/").content.decode()
    assert "Calgary Transit <span" in page
    assert "Password changed" not in page and "Record the password change" not in page
    before = database_snapshot()
    assert client.post(f"/rotations/{transit_rotation.pk}/done/", ATTESTED).status_code == 403
    assert database_snapshot() == before


def test_csc_filters_the_rotations_by_unit_and_by_due(client_for, world, transit_rotation):
    services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="Moved.")
    CredentialRotation.objects.filter(pk=transit_rotation.pk).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    client = client_for(world.csc_staff)

    def shown(query):
        page = client.get(f"/rotations/{query}").content.decode()
        return {name for name in ("Calgary Parks", "Calgary Transit") if f"{name} <span" in page}

    assert shown("") == {"Calgary Parks", "Calgary Transit"}
    assert shown("?business_unit=TRN") == {"Calgary Transit"}
    assert shown("?business_unit=PKS") == {"Calgary Parks"}
    assert shown("?overdue=yes") == {"Calgary Transit"}
    assert shown("?overdue=yes&business_unit=PKS") == set()


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
