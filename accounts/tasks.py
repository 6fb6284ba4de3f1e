"""Celery tasks of the registry: the stale-access jobs. Tasks take ids and call a service; each
is idempotent, so a task delivered twice changes nothing the second time."""

from celery import shared_task

from . import services


@shared_task
def review_employee_changes(employee_ids=None):
    """After an HR change (roster import or an admin edit): review or revoke the access of
    these employees, open rotations, tell their managers and the Director."""
    services.sweep_stale_access(employee_ids=employee_ids)


@shared_task
def sweep_stale_access():
    """Nightly: re-derive every review and rotation from the data (catches lost events)."""
    services.sweep_stale_access()


@shared_task
def escalate_overdue():
    """Hourly: reminders before due; overdue reviews suspend their grant and go to the
    Director; overdue rotations go to the Director."""
    services.escalate_overdue()


@shared_task
def send_access_digests():
    """After a sweep: one digest per manager (and the Director) of what it opened; once."""
    services.send_access_digests()


@shared_task
def ask_providers_to_acknowledge():
    """After a version of the Standards is published, and hourly: ask the providers who have not
    acknowledged the version in force, once."""
    services.ask_providers_to_acknowledge()
