"""The pages of content reports: the team's queue and its filters, a report as the team sees it,
My reports, the navigation; bad input in filters and forms is never a 500."""

import datetime
import re

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from reports import services
from reports.models import ContentReport, ReportStatus
from reports.screenshots import clean_screenshot
from tests.reports.conftest import image_bytes, upload
from tests.snapshot import database_snapshot


@pytest.fixture
def reports(org, registry):
    """An impersonation (likely, with a screenshot), a damaging post in progress with CSC staff,
    an overdue misinformation report, a closed one, and one on an official account."""
    ns = type("Reports", (), {})()
    ns.fake_parks = services.file_report(
        acting_user=org.employee,
        kind="impersonation",
        url="https://www.instagram.com/calgary_parks_official",
        account_name="Calgary Parks Official",
        description="Copies the Parks logo.",
        screenshot=clean_screenshot(upload(image_bytes())),
    )
    ns.rude = services.file_report(
        acting_user=org.manager, kind="damaging", url="https://x.com/angry_commuter/status/1", description="Rude."
    )
    services.assign_report(report=ns.rude, acting_user=org.csc_staff, assignee=org.csc_staff)
    ns.late = services.file_public_report(
        kind="misinformation", url="https://www.threads.net/@prairiepete/post/C9", description="False closures."
    )
    ContentReport.objects.filter(pk=ns.late.pk).update(due_at=timezone.now() - datetime.timedelta(hours=3))
    ns.done = services.file_report(
        acting_user=org.employee, kind="other", url="https://www.pinterest.ca/pin/1/", description="No credit."
    )
    services.close_report(report=ns.done, acting_user=org.director, note="Credit requested.")
    ns.ours = services.file_report(
        acting_user=org.employee, kind="positive", url="https://x.com/calgarytransit", description="Great alert."
    )
    return ns


def references(page, reports):
    return {name for name, report in vars(reports).items() if report.reference in page}


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ({}, {"fake_parks", "rude", "late", "ours"}),  # open reports
        ({"status": "any"}, {"fake_parks", "rude", "late", "done", "ours"}),
        ({"status": "closed"}, {"done"}),
        ({"kind": "impersonation"}, {"fake_parks"}),
        ({"assignee": "me"}, {"rude"}),
        ({"assignee": "nobody"}, {"fake_parks", "late", "ours"}),
        ({"match": "likely"}, {"fake_parks"}),
        ({"match": "official"}, {"ours"}),
        ({"overdue": "yes"}, {"late"}),
        ({"overdue": "yes", "kind": "damaging"}, set()),
        ({"kind": "nonsense", "status": "bogus", "assignee": "x", "match": "y", "overdue": "z"}, None),
    ],
)
def test_the_queue_filters(org, reports, client_for, query, shown):
    page = client_for(org.csc_staff).get("/reports/", query).content.decode()
    if shown is None:  # values that do not validate are left out: open reports
        shown = {"fake_parks", "rude", "late", "ours"}
    assert references(page, reports) == shown


def test_the_queue_lists_overdue_first_and_says_how_many(org, reports, client_for):
    page = client_for(org.director).get("/reports/").content.decode()
    assert page.index(reports.late.reference) < page.index(reports.fake_parks.reference)
    assert "4 open reports" in page and ">1 overdue</a>" in page
    assert "Likely impersonation" in page


def test_the_assignee_filter_lists_the_team_by_name(org, reports, client_for):
    page = client_for(org.csc_staff).get("/reports/").content.decode()
    assert f'<option value="{org.director.pk}">Dana Whitfield</option>' in page
    assert f'<option value="{org.csc_staff.pk}">Priya Raman</option>' in page
    assert "auditor" not in page.split('id="id_assignee"')[1].split("</select>")[0]


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    query=st.dictionaries(
        st.sampled_from(["kind", "status", "assignee", "match", "overdue", "page", "view"]),
        st.one_of(st.text(max_size=40), st.sampled_from(["me", "nobody", "likely", "any", "999999", "-1", "\x00"])),
    )
)
def test_the_queue_answers_any_query_without_an_error(org, client_for, query):
    assert client_for(org.auditor).get("/reports/", query).status_code == 200


def test_the_team_sees_the_match_the_closest_accounts_and_the_screenshot(org, reports, registry, client_for):
    page = client_for(org.csc_staff).get(f"/reports/{reports.fake_parks.pk}/").content.decode()
    assert "Likely impersonation" in page and "score is <strong>1.00</strong>" in page
    assert "The closest official City accounts" in page
    assert f'<a href="/accounts/{registry["parks"].pk}/">Calgary Parks</a>' in page
    assert "<td>Instagram</td>" in page
    assert f'src="/reports/{reports.fake_parks.pk}/screenshot/"' in page
    assert f'alt="Screenshot attached to report {reports.fake_parks.reference}"' in page
    for action in ("Assign to me", "Mark as shared", "Refer", "Close the report", "Add the note"):
        if action == "Mark as shared":
            assert action not in page  # not a positive post
        else:
            assert action in page


def test_an_official_account_is_named_and_linked(org, reports, registry, client_for):
    page = client_for(org.csc_staff).get(f"/reports/{reports.ours.pk}/").content.decode()
    assert "Official City account" in page
    assert f'<a href="/accounts/{registry["transit"].pk}/">Calgary Transit</a>' in page
    assert "Mark as shared" in page


def test_an_auditor_reads_everything_and_is_shown_no_form(org, reports, client_for):
    services.comment_on_report(report=reports.rude, acting_user=org.csc_staff, body="Asked Transit.")
    page = client_for(org.auditor).get(f"/reports/{reports.rude.pk}/").content.decode()
    assert "Asked Transit." in page and "Rude." in page
    assert "<form" not in page.split('id="main"')[1].split("</main>")[0]


def test_the_history_reads_as_sentences(org, reports, client_for):
    services.escalate_overdue_reports()
    late = client_for(org.director).get(f"/reports/{reports.late.pk}/").content.decode()
    assert "A member of the public filed the report" in late
    assert "Content-report job escalated the report to the Director: it is overdue" in late
    page = client_for(org.director).get(f"/reports/{reports.rude.pk}/").content.decode()
    assert "Samuel Reyes filed the report" in page
    assert "Priya Raman assigned the report" in page
    assert "Status: New → In progress" in page and "Assigned to: — → Priya Raman" in page
    assert "report.assigned" not in page and "in_progress" not in page


def test_an_invalid_action_shows_the_page_again_with_its_error_and_changes_nothing(org, reports, client_for):
    client = client_for(org.csc_staff)
    before = database_snapshot()
    response = client.post(f"/reports/{reports.rude.pk}/close/", {"note": ""})
    assert response.status_code == 200
    assert "Say why the report is closed." in response.content.decode()
    response = client.post(f"/reports/{reports.rude.pk}/refer/", {"to": "referred_hr\x00", "note": "x"})
    assert response.status_code == 200
    response = client.post(f"/reports/{reports.rude.pk}/assign/", {"assignee": org.auditor.pk})
    assert "Choose someone from the team." in response.content.decode()
    response = client.post(f"/reports/{reports.rude.pk}/assign/", {"assignee": "abc"})
    assert response.status_code == 200
    assert database_snapshot() == before


def test_my_reports_show_where_each_stands_in_the_reporters_words(org, reports, client_for):
    services.refer_report(
        report=reports.fake_parks, acting_user=org.csc_staff, to=ReportStatus.REFERRED_SECURITY, note="Takedown."
    )
    page = client_for(org.employee).get("/reports/").content.decode()
    assert "My reports" in page
    assert references(page, reports) == {"fake_parks", "done", "ours"}
    row = page.split(reports.fake_parks.reference)[1].split("</tr>")[0]
    assert "<td>Closed</td>" in row and "Security" not in page and "Takedown" not in page


def test_the_team_finds_their_own_reports_under_my_reports(org, reports, client_for):
    mine = services.file_report(
        acting_user=org.csc_staff, kind="positive", url="https://x.com/yycdogmom/status/2", description="Nice."
    )
    page = client_for(org.csc_staff).get("/reports/?view=mine").content.decode()
    assert mine.reference in page and reports.fake_parks.reference not in page


@pytest.mark.parametrize(
    ("persona", "label"),
    [("employee", "My reports"), ("manager", "My reports"), ("csc_staff", "Reports"), ("auditor", "Reports")],
)
def test_the_navigation_names_reports_for_each_role(org, client_for, persona, label):
    page = client_for(getattr(org, persona)).get("/").content.decode()
    nav = page.split('aria-label="Main"')[1].split("</nav>")[0]
    links = re.findall(r'<a class="nav-link[^"]*" href="/reports/"[^>]*>([^<]+)</a>', nav)
    assert links == [label]
