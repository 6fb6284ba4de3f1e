"""Celery tasks of content reports. Tasks call a service; each is idempotent."""

from celery import shared_task

from . import services


@shared_task
def escalate_overdue_reports():
    """Hourly: open reports past their due time go to the Director, once each."""
    services.escalate_overdue_reports()
