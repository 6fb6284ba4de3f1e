"""Celery tasks of the people/audit domain. Tasks take ids and call a service."""

from smtplib import SMTPException

from celery import shared_task
from django.core.management import call_command

from . import services


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=8,
)
def send_notification_email(notification_id):
    """Email one notification (subject, text and HTML); does nothing if it was already sent."""
    services.deliver_notification_email(notification_id=notification_id)


@shared_task
def clear_expired_sessions():
    """Delete expired sessions from the database (nightly)."""
    call_command("clearsessions")


@shared_task
def turn_off_sign_ins_missing_from_roster():
    """Hourly: turn off the sign-ins of employees a full HR roster left out longer than
    ROSTER_MISSING_GRACE_HOURS ago (the import itself does it when there is no grace)."""
    services.turn_off_sign_ins_missing_from_roster()
