"""Two of the team ending the same report at the same moment, and two hourly jobs running at
once, on real PostgreSQL: one ending, one escalation, one set of notifications."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from governance.audit_verbs import Verb
from governance.models import AuditEvent, Notification
from governance.services import WorkflowError
from reports import services
from reports.models import ContentReport, ReportStatus

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def at_once(*calls):
    """Run the calls in threads released together; each outcome is "done" or the refusal."""
    start = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            start.wait()
            call()
            outcomes.append("done")
        except WorkflowError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def test_closing_and_referring_at_once_end_the_report_once(org):
    report = services.file_report(
        acting_user=org.employee, kind="impersonation", url="https://x.com/calgarytransitt", description="Fake."
    )
    outcomes = at_once(
        lambda: services.close_report(report=report, acting_user=org.csc_staff, note="A fan account."),
        lambda: services.refer_report(
            report=report, acting_user=org.director, to=ReportStatus.REFERRED_SECURITY, note="Takedown."
        ),
    )
    report.refresh_from_db()
    refused = [outcome for outcome in outcomes if outcome != "done"]
    assert len(outcomes) == 2 and len(refused) == 1 and refused[0].startswith("This report is already")
    ended = AuditEvent.objects.filter(verb__in=[Verb.REPORT_CLOSED, Verb.REPORT_REFERRED], target_id=str(report.pk))
    assert ended.count() == 1
    assert Notification.objects.filter(recipient=org.employee).count() == 1  # told once that it is closed


def test_two_hourly_jobs_at_once_escalate_each_report_once(org):
    for number in range(5):
        services.file_report(
            acting_user=org.employee, kind="damaging", url=f"https://x.com/rude{number}", description="Rude."
        )
    ContentReport.objects.update(due_at=timezone.now() - datetime.timedelta(hours=1))
    at_once(services.escalate_overdue_reports, services.escalate_overdue_reports)
    assert ContentReport.objects.filter(escalated_at__isnull=True).count() == 0
    assert AuditEvent.objects.filter(verb=Verb.REPORT_ESCALATED).count() == 5
    assert Notification.objects.filter(kind="reports_escalated").count() == 1
