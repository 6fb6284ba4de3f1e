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


# A roster of 100,000 rows takes tens of seconds; the limits stay below the broker's visibility
# timeout (settings.CELERY_VISIBILITY_TIMEOUT), so no second worker takes the task meanwhile.
@shared_task(soft_time_limit=1500, time_limit=1600)
def check_roster_upload(upload_id):
    """Check an uploaded HR roster and compute its preview (nothing is applied)."""
    services.check_roster_upload(upload_id=upload_id)


@shared_task(soft_time_limit=1500, time_limit=1600)
def import_roster_upload(upload_id):
    """Import an uploaded HR roster HR confirmed, with its progress; then delete the file."""
    services.import_roster_upload(upload_id=upload_id)


@shared_task
def remind_expiring_training():
    """Daily: remind employees and their managers once of training that expires soon."""
    services.remind_expiring_training()
