"""Filing a report: employees at /reports/new/, the public from the directory (rate-limited, with a
honeypot, seeing nothing afterwards); the reference, the due date, the match, the CSC mailbox."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from governance.audit_verbs import Verb
from governance.models import AuditEvent
from reports import services
from reports.deadlines import add_business_days, due_at
from reports.models import ContentReport, RegistryMatch, ReportStatus
from tests.reports.conftest import image_bytes, stored_files, upload
from tests.snapshot import database_snapshot

REPORT = {
    "kind": "impersonation",
    "url": "https://www.instagram.com/calgary_parks_official",
    "account_name": "Calgary Parks Official",
    "description": "It copies our logo and sells fake summer camp places.",
}
REFERENCE = re.compile(r"CR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")


# --- employees -----------------------------------------------------------------------------------------


def test_an_employee_files_a_report_and_gets_its_reference(
    registry, org, client_for, mailoutbox, screenshots_folder, django_capture_on_commit_callbacks
):
    client = client_for(org.employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/new/", {**REPORT, "screenshot": upload(image_bytes())})
    report = ContentReport.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/reports/{report.pk}/"
    assert REFERENCE.fullmatch(report.reference)
    assert (report.reporter, report.reporter_employee) == (org.employee, org.employee_emp)
    assert report.status == ReportStatus.NEW and report.assignee is None
    assert report.registry_match == RegistryMatch.UNKNOWN and report.likely_impersonation
    assert report.closest_accounts[0]["id"] == registry["parks"].pk
    assert report.screenshot in stored_files(screenshots_folder) and report.screenshot_type == "image/png"
    page = client.get(response["Location"]).content.decode()
    assert report.reference in page and "Received" in page
    event = AuditEvent.objects.get(verb=Verb.REPORT_FILED)
    assert event.actor == org.employee and event.target_id == str(report.pk)
    assert event.changes["likely_impersonation"] == {"before": None, "after": True}
    [message] = mailoutbox
    assert message.to == [settings.CSC_MAILBOX]
    assert message.subject == f"New content report {report.reference}: possible impersonation (likely impersonation)"
    assert "sells fake summer camp places" in message.body and f"/reports/{report.pk}/" in message.body


def test_an_official_account_is_recorded_as_such(registry, org):
    report = services.file_report(
        acting_user=org.employee,
        kind="damaging",
        url="https://twitter.com/CalgaryTransit/status/123",
        description="A rude reply from our own account.",
    )
    assert report.registry_match == RegistryMatch.OFFICIAL and report.matched_account == registry["transit"]
    assert report.impersonation_score is None and not report.likely_impersonation


@pytest.mark.parametrize(
    "url",
    ["not a url", "javascript:alert(1)", "ftp://example.com/file", "https://", "http://exa mple.com", "x" * 600],
)
def test_an_address_that_is_not_a_web_address_is_refused_and_nothing_saved(org, client_for, url):
    client = client_for(org.employee)
    before = database_snapshot()
    response = client.post("/reports/new/", {**REPORT, "url": url})
    assert response.status_code == 200
    assert "Address of the post or profile" in response.content.decode()
    assert 'id="error-summary"' in response.content.decode()
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "celebrity"),
        ("kind", ""),
        ("description", ""),
        ("description", "nul \x00 byte"),
        ("description", "x" * 4001),
        ("account_name", "y" * 201),
        ("url", "https://example.com/\x00"),
    ],
)
def test_bad_fields_are_form_errors_and_nothing_is_saved(org, client_for, field, value):
    client = client_for(org.employee)
    before = database_snapshot()
    response = client.post("/reports/new/", {**REPORT, field: value})
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert database_snapshot() == before


def test_the_directory_lookup_fills_in_the_form(org, client_for):
    client = client_for(org.employee)
    page = client.get("/reports/new/", {"address": "https://www.instagram.com/calgary_parks_official"}).content.decode()
    assert 'value="https://www.instagram.com/calgary_parks_official"' in page
    assert re.search(r'value="impersonation"[^>]*checked', page)
    handle = client.get("/reports/new/", {"address": "@calgary_parks_official"}).content.decode()
    assert 'name="account_name" value="@calgary_parks_official"' in handle


def test_a_signed_out_visitor_is_sent_to_the_public_form_with_the_lookup(client):
    response = client.get("/reports/new/?address=x.com%2Fcalgarytransitt")
    assert response.status_code == 302
    assert response["Location"] == "/reports/public/?address=x.com%2Fcalgarytransitt"


def test_a_signed_in_employee_is_sent_from_the_public_form_to_theirs(org, client_for):
    response = client_for(org.employee).get("/reports/public/?address=x.com%2Fcalgarytransitt")
    assert response["Location"] == "/reports/new/?address=x.com%2Fcalgarytransitt"


def test_the_footer_of_every_page_links_to_the_report_form(client, org, client_for):
    for page in (client.get("/login/"), client.get("/directory/"), client_for(org.employee).get("/")):
        html = page.content.decode()
        assert '<a href="/reports/new/">Report it to the social media team</a>' in html
        assert settings.CSC_MAILBOX in html
        assert f"mailto:{settings.CSC_MAILBOX}" not in html.split("<footer")[1]


def test_the_directory_offers_to_report_an_account_that_is_not_the_citys(registry, client):
    page = client.get("/directory/", {"check": "https://www.instagram.com/calgary_parks_official"}).content.decode()
    assert (
        'href="/reports/public/?address=https%3A//www.instagram.com/calgary_parks_official">'
        "Report a possible impersonation</a>" in page
    )
    official = client.get("/directory/", {"check": "https://www.instagram.com/calgaryparks"}).content.decode()
    assert "Report a possible impersonation" not in official


# --- the public ---------------------------------------------------------------------------------------------


def test_a_member_of_the_public_files_a_report_and_sees_only_its_reference(
    registry, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/public/", {**REPORT, "email": "resident@example.com"})
    assert response.status_code == 302 and response["Location"] == "/reports/public/thanks/"
    report = ContentReport.objects.get()
    assert report.reporter is None and report.reporter_email == "resident@example.com"
    assert report.likely_impersonation
    event = AuditEvent.objects.get(verb=Verb.REPORT_FILED)
    assert event.actor is None and event.actor_label == "a member of the public"
    thanks = client.get("/reports/public/thanks/").content.decode()
    assert report.reference in thanks
    assert "/reports/" + str(report.pk) not in thanks
    # The reference is shown once; afterwards the visitor can see nothing of it.
    assert report.reference not in client.get("/reports/public/thanks/").content.decode()
    assert client.get(f"/reports/{report.pk}/")["Location"].startswith("/login/")
    assert client.get(f"/reports/{report.pk}/screenshot/")["Location"].startswith("/login/")
    assert client.get("/reports/")["Location"].startswith("/login/")
    assert [message.to for message in mailoutbox] == [[settings.CSC_MAILBOX]]


def test_the_public_form_says_nothing_about_other_reports(registry, client):
    services.file_public_report(kind="impersonation", url=REPORT["url"], description="Seen it first.")
    client.post("/reports/public/", REPORT)
    thanks = client.get("/reports/public/thanks/").content.decode()
    first, second = ContentReport.objects.order_by("pk")
    assert second.reference in thanks and first.reference not in thanks
    assert "already" not in thanks.lower()
    form = client.get("/reports/public/", {"address": REPORT["url"]}).content.decode()
    assert first.reference not in form and "already" not in form.lower()


def test_a_program_that_fills_the_hidden_field_is_thanked_and_nothing_is_saved(
    db, client, mailoutbox, django_capture_on_commit_callbacks
):
    before = database_snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/public/", {**REPORT, "website": "http://spam.example"})
    assert response.status_code == 302 and response["Location"] == "/reports/public/thanks/"
    assert database_snapshot() == before
    assert mailoutbox == []


def test_the_hidden_field_is_off_screen_and_out_of_the_tab_order(db, client):
    page = client.get("/reports/public/").content.decode()
    assert re.search(r'<div[^>]*class="report-extra"', page)
    assert re.search(r'name="website"[^>]*tabindex="-1"|tabindex="-1"[^>]*name="website"', page)


def test_spam_beyond_the_rate_limit_gets_429_and_saves_nothing(registry, client, settings):
    settings.REPORT_PUBLIC_LIMIT = 3
    for number in range(3):
        response = client.post("/reports/public/", {**REPORT, "description": f"Report number {number}."})
        assert response.status_code == 302
    before = database_snapshot()
    for _ in range(5):
        response = client.post("/reports/public/", REPORT)
        assert response.status_code == 429
        assert response["Retry-After"] == str(settings.REPORT_PUBLIC_WINDOW_MINUTES * 60)
        assert "Too many reports" in response.content.decode()
    assert database_snapshot() == before
    assert ContentReport.objects.count() == 3


def test_the_rate_limit_counts_each_address_on_its_own(registry, client, settings):
    settings.REPORT_PUBLIC_LIMIT = 1
    assert client.post("/reports/public/", REPORT, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert client.post("/reports/public/", REPORT, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert client.post("/reports/public/", REPORT, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_the_rate_limit_starts_again_in_the_next_window(registry, client, settings):
    settings.REPORT_PUBLIC_LIMIT = 1
    with time_machine.travel(datetime.datetime(2026, 5, 4, 10, 5, tzinfo=datetime.UTC), tick=False):
        assert client.post("/reports/public/", REPORT).status_code == 302
        assert client.post("/reports/public/", REPORT).status_code == 429
    with time_machine.travel(datetime.datetime(2026, 5, 4, 11, 5, tzinfo=datetime.UTC), tick=False):
        assert client.post("/reports/public/", REPORT).status_code == 302


def test_public_reports_count_even_when_they_do_not_validate(db, client, settings):
    settings.REPORT_PUBLIC_LIMIT = 2
    for _ in range(2):
        assert client.post("/reports/public/", {"url": "junk"}).status_code == 200
    assert client.post("/reports/public/", REPORT).status_code == 429


# --- due dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filed", "days", "due"),
    [
        (datetime.date(2026, 5, 4), 1, datetime.date(2026, 5, 5)),  # Monday → Tuesday
        (datetime.date(2026, 5, 8), 1, datetime.date(2026, 5, 11)),  # Friday → Monday
        (datetime.date(2026, 5, 9), 1, datetime.date(2026, 5, 11)),  # Saturday → Monday
        (datetime.date(2026, 5, 10), 1, datetime.date(2026, 5, 11)),  # Sunday → Monday
        (datetime.date(2026, 5, 9), 2, datetime.date(2026, 5, 12)),  # Saturday → Tuesday
        (datetime.date(2026, 5, 6), 5, datetime.date(2026, 5, 13)),  # Wednesday → next Wednesday
        (datetime.date(2026, 5, 6), 0, datetime.date(2026, 5, 6)),
        (datetime.date(2026, 5, 9), 0, datetime.date(2026, 5, 11)),
    ],
)
def test_business_days_skip_weekends(filed, days, due):
    assert add_business_days(filed, days) == due


def test_impersonation_and_damaging_content_are_due_by_the_end_of_the_next_business_day(settings):
    friday_afternoon = timezone.make_aware(datetime.datetime(2026, 5, 8, 15, 30))
    monday_five = timezone.make_aware(datetime.datetime(2026, 5, 11, 17, 0))
    assert due_at("impersonation", friday_afternoon) == monday_five
    assert due_at("damaging", friday_afternoon) == monday_five
    assert due_at("positive", friday_afternoon) == timezone.make_aware(datetime.datetime(2026, 5, 15, 17, 0))
    settings.REPORT_DUE_BUSINESS_DAYS = {**settings.REPORT_DUE_BUSINESS_DAYS, "other": 2}
    assert due_at("other", friday_afternoon) == timezone.make_aware(datetime.datetime(2026, 5, 12, 17, 0))


def test_a_filed_report_is_due_by_its_kind(org):
    with time_machine.travel(timezone.make_aware(datetime.datetime(2026, 5, 4, 9, 0)), tick=False):
        report = services.file_report(
            acting_user=org.employee, kind="impersonation", url="https://x.com/calgarytransitt", description="Fake."
        )
    assert timezone.localtime(report.due_at) == timezone.make_aware(datetime.datetime(2026, 5, 5, 17, 0))


# --- never a 500 -----------------------------------------------------------------------------------------

_FIELD_VALUES = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["impersonation", "positive", "https://x.com/a", "\x00", "𝕏" * 50, "' OR 1=1 --", "<script>"]),
)


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    form=st.dictionaries(
        st.sampled_from(["kind", "url", "account_name", "description", "email", "website"]), _FIELD_VALUES
    )
)
def test_the_public_form_answers_any_input_without_an_error(db, client, form):
    from django.core.cache import cache

    cache.clear()
    response = client.post("/reports/public/", form)
    assert response.status_code in (200, 302)
