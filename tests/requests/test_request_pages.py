"""The Social Media Request form, my requests, the review queue and a request's page."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from requests import services
from requests.models import AccountRequest, GovernanceRequest, RequestStatus
from tests.factories import COMPLETE_ACCOUNT_FORM, file_account_request
from tests.snapshot import database_snapshot


def complete_form(org, **overrides):
    return {
        **COMPLETE_ACCOUNT_FORM,
        "providers": org.employee_emp.employee_number,
        "backup_provider": org.lead_emp.email,
        **overrides,
    }


def test_the_form_is_in_sections(client_for, org):
    page = client_for(org.employee).get("/requests/new/").content.decode()
    # Who files it is said, not asked: a heading, not a fieldset without controls.
    assert re.search(r"<h2[^>]*>\s*You and your business unit\s*</h2>", page)
    assert page.count("<fieldset") == page.count("<legend")
    for legend in (
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
    assert "Choose a launch date that is not in the past." in page
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


def test_a_mastodon_handle_without_its_server_is_refused_and_nothing_is_saved(client_for, org):
    response = client_for(org.employee).post(
        "/requests/new/", complete_form(org, platform="mastodon", proposed_handle="@yycparks", action="submit")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_proposed_handle"' in page and "is not a Mastodon handle" in page
    assert not GovernanceRequest.objects.exists()


def test_a_full_mastodon_handle_is_enough_to_submit(client_for, org):
    response = client_for(org.employee).post(
        "/requests/new/",
        complete_form(org, platform="mastodon", proposed_handle="@parks@mastodon.social", action="submit"),
    )
    submitted = AccountRequest.objects.get()
    assert response["Location"] == f"/requests/{submitted.pk}/"
    assert submitted.status == RequestStatus.SUBMITTED and submitted.proposed_url == ""


def test_the_form_and_the_workflow_hold_a_request_to_the_same_rules(client_for, org):
    """A draft saved with a launch date that has since passed: the Submit button on the
    request's page and the form's submit give the same reason."""
    draft = file_account_request(
        org.employee,
        providers=[org.employee_emp],
        backup=org.lead_emp,
        submit=False,
        launch_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    client = client_for(org.employee)
    page = client.post(f"/requests/{draft.pk}/submit/", follow=True).content.decode()
    assert "Choose a launch date that is not in the past." in page
    form = complete_form(org, launch_date=draft.launch_date.isoformat(), action="submit")
    page = client.post(f"/requests/{draft.pk}/edit/", form).content.decode()
    assert 'href="#id_launch_date"' in page and "Choose a launch date that is not in the past." in page
    draft.refresh_from_db()
    assert draft.status == RequestStatus.DRAFT


def test_my_requests_lists_only_mine(client_for, world):
    page = client_for(world.employee).get("/requests/").content.decode()
    assert "My requests" in page
    assert "Calgary Parks Volunteers" in page and "Calgary Off-Leash Areas" in page
    assert "Transit Memes" not in page


def test_the_queue_shows_submitted_requests_oldest_first_and_filters(client_for, world):
    GovernanceRequest.objects.filter(pk=world.other_request.pk).update(
        submitted_at=timezone.now() - datetime.timedelta(days=10)
    )
    services.reject_request(governance_request=world.mine_submitted, acting_user=world.director, note="No.")
    client = client_for(world.director)
    page = client.get("/requests/").content.decode()
    assert "Review queue" in page
    assert "Transit Memes" in page and "Calgary Off-Leash Areas" not in page  # waiting for a decision
    assert "Calgary Parks Volunteers" not in page  # a draft is the requester's own business

    def shown(query):
        page = client.get(f"/requests/?{query}").content.decode()
        return {name for name in ("Transit Memes", "Calgary Off-Leash Areas") if name in page}

    assert shown("status=any&older_than=7") == {"Transit Memes"}
    assert shown("status=any&business_unit=PKS") == {"Calgary Off-Leash Areas"}
    assert shown("status=any&kind=account") == {"Transit Memes", "Calgary Off-Leash Areas"}
    assert shown("status=any&kind=decommission") == set()
    assert shown("status=rejected") == {"Calgary Off-Leash Areas"}
    assert shown("status=approved") == set()
    assert shown("status=submitted") == {"Transit Memes"}
    page = client.get("/requests/?status=any").content.decode()
    assert page.index("Transit Memes") < page.index("Calgary Off-Leash Areas")  # oldest first


def selected(page, name):
    """The label of the option the page's `name` menu shows as chosen."""
    menu = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    chosen = re.findall(r"<option[^>]*\sselected[^>]*>([^<]*)</option>", menu)
    return chosen[0] if chosen else re.search(r"<option[^>]*>([^<]*)</option>", menu).group(1)


def test_the_queue_menu_shows_the_status_it_applies(client_for, world):
    client = client_for(world.director)
    assert selected(client.get("/requests/").content.decode(), "status") == "Waiting for a decision"
    assert selected(client.get("/requests/?page=1").content.decode(), "status") == "Waiting for a decision"
    assert selected(client.get("/requests/?status=any").content.decode(), "status") == "Any status once submitted"
    assert selected(client.get("/requests/?status=approved").content.decode(), "status") == "Approved"
    # A status the menu does not offer is ignored, and the menu shows the one that applies.
    page = client.get("/requests/?status=bogus").content.decode()
    assert selected(page, "status") == "Waiting for a decision" and "Transit Memes" in page


def test_the_queue_pages(client_for, org):
    for n in range(30):
        file_account_request(
            org.outsider,
            providers=[org.outsider_emp],
            backup=org.lead_emp,
            proposed_handle=f"@transit{n}",
            proposed_name=f"Transit {n:02d}",
        )
    decided = file_account_request(
        org.employee, providers=[org.employee_emp], backup=org.lead_emp, proposed_name="Already Decided"
    )
    services.reject_request(governance_request=decided, acting_user=org.director, note="No.")
    client = client_for(org.director)
    first = client.get("/requests/").content.decode()
    second = client.get("/requests/?page=2").content.decode()
    assert "Page 1 of 2" in first and "Transit 00" in first and "Transit 29" not in first
    assert "Transit 29" in second
    # Page 2 of "waiting for a decision" is still that: the decided request is on no page.
    assert "Already Decided" not in first + second
    assert selected(second, "status") == "Waiting for a decision"
    everything = client.get("/requests/?status=any&page=2").content.decode()
    assert "Already Decided" in everything and "status=any" in everything  # the pages keep the filter


def test_the_request_page_shows_timeline_thread_and_the_viewers_actions(client_for, world):
    services.add_comment(
        governance_request=world.mine_submitted, acting_user=world.csc_staff, body="Is the handle free?"
    )
    director_page = client_for(world.director).get(f"/requests/{world.mine_submitted.pk}/").content.decode()
    assert "Is the handle free?" in director_page
    # The form is one region, named for what it is; its parts are headings inside it.
    assert re.search(
        r'<section aria-labelledby="form-heading">\s*<h2[^>]*id="form-heading">Social Media Request<', director_page
    )
    assert re.search(r"<h3[^>]*>The account</h3>", director_page) and "account-heading" not in director_page
    assert "request.submitted" in director_page  # the timeline, from the audit trail
    for action in ("approve", "reject", "return"):
        assert f"/requests/{world.mine_submitted.pk}/{action}/" in director_page
    assert f"/requests/{world.mine_submitted.pk}/withdraw/" not in director_page

    mine = client_for(world.employee).get(f"/requests/{world.mine_submitted.pk}/").content.decode()
    assert f"/requests/{world.mine_submitted.pk}/withdraw/" in mine
    assert f"/requests/{world.mine_submitted.pk}/approve/" not in mine


def test_the_director_sees_why_a_provider_cannot_be_designated_yet(client_for, world):
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
    before = database_snapshot()
    response = client.post(f"/requests/{world.mine_submitted.pk}/reject/", {"note": "No"}, follow=True)
    assert "This request was already approved." in response.content.decode()
    assert database_snapshot() == before


def test_a_director_on_a_stale_page_is_told_the_request_was_returned(client_for, world):
    services.return_request(governance_request=world.mine_submitted, acting_user=world.csc_staff, note="Add a backup.")
    before = database_snapshot()
    response = client_for(world.director).post(
        f"/requests/{world.mine_submitted.pk}/approve/", {"note": "Yes"}, follow=True
    )
    assert "This request was returned to its requester for changes, so it cannot be approved." in (
        response.content.decode()
    )
    assert database_snapshot() == before


def textarea(page, element_id):
    """The opening tag of the textarea with this id, and the text in it."""
    found = re.search(rf'(<textarea[^>]*\sid="{element_id}"[^>]*>)\n?(.*?)</textarea>', page, re.S)
    return found.group(1), found.group(2)


def test_a_comment_too_long_is_shown_again_with_its_error_and_not_lost(client_for, world):
    client = client_for(world.csc_staff)
    page = client.get(f"/requests/{world.mine_submitted.pk}/").content.decode()
    tag, _ = textarea(page, "comment-body")
    assert 'name="body"' in tag and 'maxlength="4000"' in tag and "autofocus" not in tag
    typed = "Please say more. " * 250  # 4,250 characters
    before = database_snapshot()
    response = client.post(f"/requests/{world.mine_submitted.pk}/comment/", {"body": typed})
    assert response.status_code == 200  # the page again, not a redirect
    page = response.content.decode()
    assert "Ensure this value has at most 4000 characters" in page
    assert "Write a comment first." not in page
    tag, text = textarea(page, "comment-body")
    assert text == typed  # what was typed is still in the box
    assert "autofocus" in tag and 'aria-invalid="true"' in tag  # and the focus is on it
    assert database_snapshot() == before


def test_an_empty_comment_asks_for_one_next_to_the_box(client_for, world):
    before = database_snapshot()
    response = client_for(world.employee).post(f"/requests/{world.mine_submitted.pk}/comment/", {"body": "  "})
    assert response.status_code == 200
    assert re.search(r'id="error_1_comment-body"[^>]*>\s*(<strong>)?Write a comment first.', response.content.decode())
    assert database_snapshot() == before


def test_a_note_too_long_is_refused_whole_not_cut(client_for, world):
    typed = "x" * 4001
    client = client_for(world.director)
    page = client.get(f"/requests/{world.mine_submitted.pk}/").content.decode()
    for action in ("approve", "reject", "return"):
        tag, _ = textarea(page, f"{action}-note")
        assert 'name="note"' in tag and 'maxlength="4000"' in tag, action
    before = database_snapshot()
    response = client.post(f"/requests/{world.mine_submitted.pk}/approve/", {"note": typed})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ensure this value has at most 4000 characters (it has 4001)." in page
    assert textarea(page, "approve-note")[1] == typed
    assert database_snapshot() == before


def test_an_approve_post_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.director)
    before = database_snapshot()
    response = client.post(f"/requests/{world.mine_submitted.pk}/approve/", {"note": "Go ahead."})
    assert response.status_code == 403
    assert database_snapshot() == before
    world.mine_submitted.refresh_from_db()
    assert world.mine_submitted.status == RequestStatus.SUBMITTED


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
                proposed_handle=f"@city{GovernanceRequest.objects.count()}_{i}",
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


DECOMMISSION_FORM = {
    "reason": "Merged.",
    "archive_plan": "Archived.",
    "farewell_message": "Bye.",
    "effective_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
}


def test_a_second_decommission_request_for_an_account_is_refused_with_the_reason(client_for, world):
    url = f"/requests/new/decommission/{world.parks_account.pk}/"
    client_for(world.manager).post(url, {**DECOMMISSION_FORM, "action": "save"})
    draft = GovernanceRequest.objects.latest("pk")
    client_for(world.csc_staff).post(url, {**DECOMMISSION_FORM, "action": "submit"})
    under_review = GovernanceRequest.objects.latest("pk")
    assert under_review.status == RequestStatus.SUBMITTED

    # The manager's draft cannot be sent while the other is under review; it stays a draft.
    manager = client_for(world.manager)
    before = database_snapshot()
    page = manager.post(f"/requests/{draft.pk}/submit/", follow=True).content.decode()
    assert f"Calgary Parks already has a decommission request under review (#{under_review.pk})." in page
    assert database_snapshot() == before
    # Nor can a new one be started: the page says why.
    response = manager.get(url)
    assert response.status_code == 403
    assert "Calgary Parks already has a decommission request under review" in response.content.decode()
