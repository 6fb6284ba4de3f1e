"""Notifications: a message in the portal for each person, and its email sent after commit."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .. import tasks
from ..emails import build_email
from ..models import Notification


def _notification_address(user):
    employee = getattr(user, "employee", None)
    return (employee.email if employee else "") or user.email


def display_name(user):
    """How a person is named in emails and the audit trail: their employee name when they have one."""
    employee = getattr(user, "employee", None)
    return employee.full_name if employee else (user.get_full_name() or user.get_username())


@dataclass(frozen=True)
class Message:
    """One notification to send: in the portal to each user, by email to users and mailboxes."""

    kind: str
    context: dict
    link: str = ""
    users: tuple = ()
    mailboxes: tuple = ()


def notify(*, kind, context, link="", users: Iterable = (), mailboxes: Iterable[str] = ()) -> list[Notification]:
    """Tell people something: an in-portal notification for each user, and an email to each
    user and mailbox, sent by a task after the surrounding transaction commits. A user named
    twice is told once."""
    return notify_many([Message(kind, context, link, tuple(users), tuple(mailboxes))])


def notify_many(messages: Iterable[Message]) -> list[Notification]:
    """`notify` for many messages at once: one insert whatever their number (for the jobs).
    Users should come with their `employee` loaded (select_related) to keep it so."""
    notifications = []
    for message in messages:
        seen_users = set()
        for user in message.users:
            if user is None or user.pk in seen_users or not user.is_active:
                continue
            seen_users.add(user.pk)
            name = display_name(user)
            built = build_email(message.kind, context=message.context, link=message.link, recipient_name=name)
            notifications.append(
                Notification(
                    recipient=user,
                    email=_notification_address(user),
                    kind=message.kind,
                    context={**message.context, "recipient_name": name},
                    subject=built.subject,
                    body=built.text,
                    link=message.link,
                )
            )
        for address in dict.fromkeys(message.mailboxes):
            if not address:
                continue
            built = build_email(message.kind, context=message.context, link=message.link)
            notifications.append(
                Notification(
                    email=address,
                    kind=message.kind,
                    context=message.context,
                    subject=built.subject,
                    body=built.text,
                    link=message.link,
                )
            )
    Notification.objects.bulk_create(notifications)
    for notification in notifications:
        if notification.email:
            tasks.send_notification_email.delay_on_commit(notification.pk)
    return notifications


def deliver_notification_email(*, notification_id) -> bool:
    """Send a notification's email once. A concurrent or repeated delivery of the same
    notification finds it locked or already sent and does nothing."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, emailed_at__isnull=True)
            .exclude(email="")
            .first()
        )
        if notification is None:
            return False
        built = build_email(
            notification.kind,
            context=notification.context,
            link=notification.link,
            recipient_name=notification.context.get("recipient_name", ""),
        )
        message = EmailMultiAlternatives(subject=built.subject, body=built.text, to=[notification.email])
        message.attach_alternative(built.html, "text/html")
        message.send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True


def mark_notifications_read(*, acting_user, notification_ids=None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=acting_user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
