"""Versions of the Standards: CSC drafts, the Director publishes with a window to acknowledge;
providers are asked once; who has not acknowledged when the window closes gets a review."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts import services as access_services
from accounts.models import AccessReview, ReviewReason
from accounts.selectors import acknowledgement_coverage
from governance import services
from governance.models import AuditEvent, Notification, PolicyAcknowledgement, StandardsVersion
from tests.factories import current_standards
from tests.snapshot import database_snapshot

TEXT = "# Social Media Standards\n\n## Overview\n\nBe respectful.\n\n## New: AI-generated images\n\nLabel them.\n"


@pytest.fixture
def draft(org):
    current_standards()
    return services.draft_standards_version(acting_user=org.csc_staff, version="1.1", title="Standards", text=TEXT)


def publish(draft, director, days=30, when=None):
    return services.publish_standards_version(
        draft=draft, acting_user=director, effective_from=when or timezone.now(), acknowledge_within_days=days
    )


def test_a_draft_is_not_in_force_and_is_audited(draft, org):
    assert draft.is_draft and StandardsVersion.objects.current().version == "1.0"
    assert AuditEvent.objects.get(verb="standards.version_created").actor == org.csc_staff


def test_a_draft_is_edited_but_a_published_version_is_not(draft, org):
    services.update_standards_draft(draft=draft, acting_user=org.csc_staff, version="1.1", title="T", text=TEXT + "x")
    publish(draft, org.director)
    with pytest.raises(services.WorkflowError, match="published"):
        services.update_standards_draft(draft=draft, acting_user=org.csc_staff, version="1.1", title="T", text="y")


@pytest.mark.parametrize("persona", ["hr", "auditor", "employee", "manager"])
def test_only_the_communications_team_drafts(org, persona):
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        services.draft_standards_version(acting_user=getattr(org, persona), version="2.0", title="T", text="x")
    assert database_snapshot() == before


@pytest.mark.parametrize("persona", ["csc_staff", "hr", "auditor", "employee"])
def test_only_the_director_publishes(draft, org, persona):
    before = database_snapshot()
    with pytest.raises(PermissionDenied):
        publish(draft, getattr(org, persona))
    assert database_snapshot() == before


def test_publishing_asks_every_active_provider_who_has_not_acknowledged_once(
    world, draft, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, world.director)
    asked = Notification.objects.filter(kind="standards_acknowledgement_requested")
    # Lucas (parks) and Isaac (transit) hold grants; both sign in, so each is told in the portal too.
    assert {n.recipient for n in asked} == {world.provider, world.outsider}
    assert {n.email for n in asked} == {world.provider_emp.email, world.outsider_emp.email}
    link = re.search(r"http://\S+/standards/acknowledge/\S+/", asked.get(recipient=world.provider).body)[0]
    assert link
    assert access_services.ask_providers_to_acknowledge() == 0  # once


def test_a_provider_acknowledges_the_new_version_from_the_emailed_link(
    world, draft, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish(draft, world.director)
    body = Notification.objects.get(kind="standards_acknowledgement_requested", recipient=world.provider).body
    path = re.search(r"http://[^/]+(/standards/acknowledge/\S+/)", body)[1]
    assert client.get(path).status_code == 200
    client.post(path, {"confirm": "yes"})
    assert PolicyAcknowledgement.objects.filter(employee=world.provider_emp, standards_version=draft).exists()
    coverage = acknowledgement_coverage(StandardsVersion.objects.current())
    assert (coverage["acknowledged"], coverage["total"]) == (1, 2)


def test_a_version_for_a_later_date_is_asked_for_when_it_takes_effect(world, draft):
    later = timezone.now() + datetime.timedelta(days=10)
    publish(draft, world.director, when=later)
    assert access_services.ask_providers_to_acknowledge() == 0
    with time_machine.travel(later + datetime.timedelta(hours=1)):
        assert access_services.ask_providers_to_acknowledge() == 2


def test_a_provider_who_has_not_acknowledged_when_the_window_closes_gets_a_review(world, draft):
    publish(draft, world.director, days=14)
    PolicyAcknowledgement.objects.create(employee=world.outsider_emp, standards_version=draft)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=13)):
        access_services.sweep_stale_access()
        assert not AccessReview.objects.filter(reason=ReviewReason.STANDARDS_NOT_ACKNOWLEDGED).exists()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        access_services.sweep_stale_access()
        access_services.sweep_stale_access()
    review = AccessReview.objects.get(reason=ReviewReason.STANDARDS_NOT_ACKNOWLEDGED)
    assert review.grant == world.provider_grant
    assert review.assigned_to == world.provider_emp.manager


def test_the_first_version_has_no_window_and_opens_no_review(world):
    PolicyAcknowledgement.objects.all().delete()
    access_services.sweep_stale_access()
    assert not AccessReview.objects.filter(reason=ReviewReason.STANDARDS_NOT_ACKNOWLEDGED).exists()


# --- the pages --------------------------------------------------------------------------------------


def test_csc_drafts_and_the_director_publishes_from_the_pages(org, client_for):
    current_standards()
    csc = client_for(org.csc_staff)
    response = csc.post(reverse("standards-draft-new"), {"version": "1.1", "title": "Standards", "text": TEXT})
    draft = StandardsVersion.objects.get(version="1.1")
    assert response["Location"] == reverse("standards-version", args=[draft.pk])
    page = csc.get(reverse("standards-version", args=[draft.pk])).content.decode()
    assert "<h2>New: AI-generated images</h2>" in page and "Added: </span>Label them." in page
    assert "Publish version" not in page
    director = client_for(org.director)
    assert "Publish version 1.1" in director.get(reverse("standards-version", args=[draft.pk])).content.decode()
    director.post(
        reverse("standards-version-publish", args=[draft.pk]),
        {"effective_on": timezone.localdate().isoformat(), "acknowledge_within_days": "21"},
    )
    draft.refresh_from_db()
    assert not draft.is_draft and draft.acknowledge_within_days == 21


def test_markdown_of_a_draft_is_sanitised_as_the_text_in_force(org, client_for):
    current_standards()
    csc = client_for(org.csc_staff)
    evil = "# Title\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n"
    csc.post(reverse("standards-draft-new"), {"version": "1.2", "title": "T", "text": evil})
    draft = StandardsVersion.objects.get(version="1.2")
    page = csc.get(reverse("standards-version", args=[draft.pk])).content.decode()
    article = page.split("policy-text")[1].split("</article>")[0]
    assert "<script" not in article and "javascript:" not in article and "onerror" not in article


@pytest.mark.parametrize("persona", ["employee", "hr", "manager"])
def test_others_cannot_see_drafts_or_the_versions_page(draft, org, client_for, persona):
    client = client_for(getattr(org, persona))
    before = database_snapshot()
    assert client.get(reverse("standards-versions")).status_code == 403
    assert client.get(reverse("standards-version", args=[draft.pk])).status_code == 404
    assert client.get(reverse("standards-draft-new")).status_code == 403
    assert client.post(reverse("standards-draft-edit", args=[draft.pk]), {"text": "x"}).status_code == 404
    published = StandardsVersion.objects.current()
    assert client.get(reverse("standards-version", args=[published.pk])).status_code == 200
    assert database_snapshot() == before


def test_an_auditor_reads_versions_but_cannot_draft_or_publish(draft, org, client_for):
    client = client_for(org.auditor)
    before = database_snapshot()
    assert client.get(reverse("standards-versions")).status_code == 200
    assert client.get(reverse("standards-version", args=[draft.pk])).status_code == 200
    assert client.post(reverse("standards-draft-new"), {"version": "9", "title": "T", "text": "x"}).status_code == 403
    response = client.post(
        reverse("standards-version-publish", args=[draft.pk]),
        {"effective_on": timezone.localdate().isoformat(), "acknowledge_within_days": "21"},
    )
    assert response.status_code == 403
    assert database_snapshot() == before


def test_csc_staff_cannot_publish_from_the_page(draft, org, client_for):
    before = database_snapshot()
    response = client_for(org.csc_staff).post(
        reverse("standards-version-publish", args=[draft.pk]),
        {"effective_on": timezone.localdate().isoformat(), "acknowledge_within_days": "21"},
    )
    assert response.status_code == 403
    assert database_snapshot() == before


def test_coverage_is_shown_to_csc_and_the_director(world, client_for):
    for user in (world.csc_staff, world.director):
        page = client_for(user).get(reverse("standards-versions")).content.decode()
        assert "2 of 2 providers" in page


def test_the_standards_page_lists_the_history(world, draft, client_for):
    publish(draft, world.director)
    page = client_for(world.employee).get(reverse("standards")).content.decode()
    assert "Earlier versions" in page and "Version 1.0" in page and "Version 1.1" in page
