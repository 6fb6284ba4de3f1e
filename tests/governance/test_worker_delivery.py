"""A notification email is enqueued when the transaction commits and sent by a real Celery
worker process reading Redis."""

import email
from email import policy

import pytest
from django.db import transaction

from governance import services
from governance.models import Notification
from tests.conftest import wait_for

pytestmark = pytest.mark.worker


def _sent_messages(mail_dir):
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        # The file backend separates messages with a line of dashes.
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                messages.append(email.message_from_string(chunk.strip(), policy=policy.default))
    return messages


def test_the_email_is_enqueued_on_commit_and_delivered_by_the_worker(celery_worker, org):
    context = {"version": "1.0", "title": "Social Media Standards for City Employees", "acknowledged_at": "now"}
    with transaction.atomic():
        [notification] = services.notify(
            kind="standards_acknowledged", context=context, link="/standards/", users=[org.employee]
        )
        # Inside the transaction nothing has been sent to the broker yet.
        assert _sent_messages(celery_worker.mail_dir) == []

    delivered = wait_for(
        lambda: Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists(),
        message="the worker to send the notification",
    )
    assert delivered
    [message] = _sent_messages(celery_worker.mail_dir)
    assert message["To"] == org.employee_emp.email
    assert message["Subject"] == "Receipt: you acknowledged the Social Media Standards, version 1.0"
    assert message.get_body(("plain",)).get_content().startswith("Hello Jordan Ellis,")
    assert "<em>Social Media Standards for City Employees</em>" in message.get_body(("html",)).get_content()


def test_a_rolled_back_transaction_sends_nothing(celery_worker, org):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.notify(
            kind="standards_acknowledged",
            context={"version": "1.0", "title": "T", "acknowledged_at": ""},
            users=[org.employee],
        )
        raise Abort
    # A notification sent after it proves the worker was running, and that it saw only that one.
    [later] = services.notify(
        kind="standards_acknowledged",
        context={"version": "9.9", "title": "T", "acknowledged_at": ""},
        users=[org.manager],
    )
    wait_for(
        lambda: Notification.objects.filter(pk=later.pk, emailed_at__isnull=False).exists(),
        message="the later notification",
    )
    assert [m["To"] for m in _sent_messages(celery_worker.mail_dir)] == [org.manager_emp.email]
    assert Notification.objects.count() == 1
