"""The audit trail is append-only: the database itself refuses to change or remove events."""

import pytest
from django.db import DatabaseError, connection, transaction

from governance import services
from governance.models import AuditEvent

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL triggers (SQLite: smoke run)")


@pytest.fixture
def event(org):
    return services.record_event(
        verb="standards.acknowledged",
        target=org.employee_emp,
        acting_user=org.employee,
        changes={"standards_version": {"before": None, "after": "1.0"}},
    )


def test_an_event_records_who_what_on_which_object_and_the_changes(event, org):
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == org.employee
    assert stored.actor_label == "employee"
    assert stored.verb == "standards.acknowledged"
    assert stored.target_id == str(org.employee_emp.pk)
    assert stored.target_repr == "Jordan Ellis (E0102)"
    assert stored.changes == {"standards_version": {"before": None, "after": "1.0"}}


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE governance_auditevent SET verb = 'request.approved' WHERE id = %s",
        "DELETE FROM governance_auditevent WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete(event, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [event.pk])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.verb == "standards.acknowledged"


def test_the_orm_cannot_change_or_delete_events_either(event):
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(note="tampered")
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk, note="").exists()


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_truncate_unless_maintenance_is_allowed(event):
    # A committed event (TRUNCATE cannot share a transaction with pending foreign-key checks).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL governance.audit_truncate = 'deny'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute("TRUNCATE governance_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()
