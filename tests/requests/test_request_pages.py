"""The Social Media Request form, my requests, the review queue and a request's page."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import AuditEvent
from requests.models import AccountRequest, GovernanceRequest, RequestStatus
from tests.factories import COMPLETE_ACCOUNT_FORM, file_account_request


def complete_form(org, **overrides):
    return {
        **COMPLETE_ACCOUNT_FORM,
        "providers": org.employee_emp.employee_number,
        "backup_provider": org.lead_emp.email,
        **overrides,
    }


def test_the_form_is_in_sections(client_for, org):
    page = client_for(org.employee).get("/requests/new/").content.decode()
    for legend in (
        "You and your business unit",
        "The account",
        "Purpose, objectives and audience",
        "Content plan",
        "People",
        "Moderation and response",
        "Records retention and archiving",
        "Accessibility and official languages",
        "Launch",
        "Confirmation",
    ):
        assert re.search(rf"<legend[^>]*>\s*{re.escape(legend)}", page), legend
    assert "Jordan Ellis (E0102)" in page and "Parks &amp; Open Spaces" in page


def test_a_draft_can_be_saved_with_gaps_and_finished_later(client_for, org):
    client = client_for(org.employee)
    response = client.post(
        "/requests/new/", {"platform": "instagram", "proposed_name": "Calgary Parks Volunteers", "action": "save"}
    )
    draft = AccountRequest.objects.get()
    assert response["Location"] == f"/requests/{draft.pk}/edit/"
    assert draft.status == RequestStatus.DRAFT and draft.requester == org.employee
    assert draft.business_unit == org.parks
    page = client.get(f"/requests/{draft.pk}/edit/").content.decode()
    assert 'value="Calgary Parks Volunteers"' in page

    response = client.post(f"/requests/{draft.pk}/edit/", complete_form(org, action="submit"))
    assert response["Location"] == f"/requests/{draft.pk}/"
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    assert list(draft.providers.all()) == [org.employee_emp]
    assert draft.backup_provider == org.lead_emp


def test_submitting_an_incomplete_form_shows_errors_next_to_fields_and_keeps_what_was_typed(client_for, org):
    client = client_for(org.employee)
    typed = complete_form(
        org,
        objectives="",
        launch_date="2001-01-01",
        providers="E0102\nE9999",
        business_need="Because <dogs> & owners",
        action="submit",
    )
    response = client.post("/requests/new/", typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There are problems to fix" in page
    assert 'href="#id_objectives"' in page and "Needed before you can submit." in page
    assert "No current employee has the number or email E9999" in page
    assert "Choose a date that is not in the past." in page
    # What was typed is still there.
    assert "Because &lt;dogs&gt; &amp; owners</textarea>" in page
    assert 'value="Calgary Off-Leash Areas"' in page
    assert "E0102\nE9999</textarea>" in page
    assert not GovernanceRequest.objects.exists()


def test_a_handle_already_registered_is_refused_next_to_the_field(client_for, world):
    response = client_for(world.employee).post(
        "/requests/new/", complete_form(world, proposed_handle="https://www.instagram.com/CalgaryParks/", action="save")
    )
    assert "This account is already registered: Calgary Parks." in response.content.decode()
    assert not AccountRequest.objects.filter(proposed_handle__icontains="calgaryparks/").exists()


def test_mastodon_needs_an_address(client_for, org):
    response = client_for(org.employee).post(
        "/requests/new/", complete_form(org, platform="mastodon", proposed_handle="@yycparks", action="submit")
    )
    assert "a handle alone is not enough" in response.content.decode()


def test_my_requests_lists_only_mine(client_for, world):
    page = client_for(world.employee).get("/requests/").content.decode()
    assert "My requests" in page
    assert "Calgary Parks Volunteers" in page and "Calgary Off-Leash Areas" in page
    assert "Transit Memes" not in page


def test_the_queue_shows_submitted_requests_oldest_first_and_filters(client_for, world):
    GovernanceRequest.objects.filter(pk=world.other_request.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10)
    )
    client = client_for(world.director)
    page = client.get("/requests/").content.decode()
    assert "Review queue" in page
    assert page.index("Transit Memes") < page.index("Calgary Off-Leash Areas")  # oldest first
    assert "Calgary Parks Volunteers" not in page  # a draft is the requester's own business
    assert "Calgary Off-Leash Areas" not in client.get("/requests/?older_than=7").content.decode()
    assert "Transit Memes" not in client.get("/requests/?business_unit=PKS").content.decode()
    assert "Transit Memes" not in client.get("/requests/?kind=decommission").content.decode()
    assert "Transit Memes" not in client.get("/requests/?status=approved").content.decode()


def test_the_queue_pages(client_for, org):
    for n in range(30):
        file_account_request(
            org.outsider,
            providers=[org.outsider_emp],
            backup=org.lead_emp,
            proposed_handle=f"@transit{n}",
            proposed_name=f"Transit {n:02d}",
        )
    client = client_for(org.director)
    first = client.get("/requests/").content.decode()
    second = client.get("/requests/?page=2").content.decode()
    assert "Page 1 of 2" in first and "Transit 00" in first and "Transit 29" not in first
    assert "Transit 29" in second


def test_the_request_page_shows_timeline_thread_and_the_viewers_actions(client_for, world):
    from requests import services

    services.add_comment(
        governance_request=world.mine_submitted, acting_user=world.csc_staff, body="Is the handle free?"
    )
    director_page = client_for(world.director).get(f"/requests/{world.mine_submitted.pk}/").content.decode()
    assert "Is the handle free?" in director_page
    assert "request.submitted" in director_page  # the timeline, from the audit trail
    for action in ("approve", "reject", "return"):
        assert f"/requests/{world.mine_submitted.pk}/{action}/" in director_page
    assert f"/requests/{world.mine_submitted.pk}/withdraw/" not in director_page

    mine = client_for(world.employee).get(f"/requests/{world.mine_submitted.pk}/").content.decode()
    assert f"/requests/{world.mine_submitted.pk}/withdraw/" in mine
    assert f"/requests/{world.mine_submitted.pk}/approve/" not in mine


def test_the_director_sees_why_a_provider_cannot_be_designated_yet(client_for, world):
    from requests import services

    world.lead_emp.training_records.all().delete()
    access = services.create_provider_access_request(
        account=world.parks_account,
        employee=world.lead_emp,
        acting_user=world.manager,
        values={"justification": "Events."},
    )
    services.submit_request(governance_request=access, acting_user=world.manager)
    client = client_for(world.director)
    page = client.get(f"/requests/{access.pk}/").content.decode()
    assert "Not ready for designation yet" in page and "training is not current" in page
    response = client.post(f"/requests/{access.pk}/approve/", {"note": ""}, follow=True)
    assert "Cannot designate: Maya Thompson&#x27;s City social media training is not current." in (
        response.content.decode()
    )
    access.refresh_from_db()
    assert access.status == RequestStatus.SUBMITTED


def test_an_action_in_the_wrong_state_explains_and_changes_nothing(client_for, world):
    client = client_for(world.director)
    client.post(f"/requests/{world.mine_submitted.pk}/approve/", {"note": "Yes"})
    events = AuditEvent.objects.count()
    response = client.post(f"/requests/{world.mine_submitted.pk}/reject/", {"note": "No"}, follow=True)
    assert "This request was already approved." in response.content.decode()
    assert AuditEvent.objects.count() == events


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", ["/requests/", "/requests/?view=mine"])
def test_the_queue_costs_the_same_queries_for_5_rows_as_for_200(client_for, org, url):
    def file(n):
        for i in range(n):
            file_account_request(
                org.director,
                providers=[org.csc_emp],
                backup=org.employee_emp,
                proposed_handle=f"@city{GovernanceRequest.objects.count()}-{i}",
            )

    file(5)
    client = client_for(org.director)
    _queries(client, url)  # warm the session cache
    small = _queries(client, url)
    file(195)
    assert _queries(client, url) == small


def test_a_missing_confirmation_is_explained_and_tied_to_its_checkbox(client_for, org):
    form = complete_form(org, action="submit")
    del form["read_standards"]
    page = client_for(org.employee).post("/requests/new/", form).content.decode()
    assert "Confirm that you have read the Social Media Standards for City Employees." in page
    described_by = re.search(r'<input[^>]*name="read_standards"[^>]*aria-describedby="([^"]+)"', page).group(1)
    for element_id in described_by.split():
        assert f'id="{element_id}"' in page, element_id
    assert 'id="None_error"' not in page


def test_the_edit_form_shows_people_by_employee_number(client_for, org):
    draft = file_account_request(org.employee, providers=[org.employee_emp], backup=org.lead_emp, submit=False)
    page = client_for(org.employee).get(f"/requests/{draft.pk}/edit/").content.decode()
    assert re.search(r'name="backup_provider"[^>]*value="E0103"|value="E0103"[^>]*name="backup_provider"', page)
    assert "E0102</textarea>" in page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="roles load with the user on PostgreSQL")
def test_a_request_page_of_every_kind_costs_at_most_six_queries(client_for, world):
    from requests import services

    access = services.create_provider_access_request(
        account=world.parks_account,
        employee=world.lead_emp,
        acting_user=world.manager,
        values={"justification": "Events."},
    )
    services.submit_request(governance_request=access, acting_user=world.manager)
    decommission = services.create_decommission_request(
        account=world.transit_account,
        acting_user=world.csc_staff,
        values={"reason": "r", "archive_plan": "a", "farewell_message": "f", "effective_date": "2030-01-01"},
    )
    services.submit_request(governance_request=decommission, acting_user=world.csc_staff)
    client = client_for(world.director)
    for governance_request in (world.mine_submitted, access, decommission):
        url = f"/requests/{governance_request.pk}/"
        _queries(client, url)
        assert _queries(client, url) <= 6, governance_request.kind
