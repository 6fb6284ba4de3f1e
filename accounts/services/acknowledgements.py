"""Asking providers to acknowledge a newly published version of the Standards."""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from governance.models import EmploymentStatus, StandardsVersion
from governance.services import Message, acknowledgement_link, notify_many

from ..selectors import providers_without_acknowledgement


def ask_providers_to_acknowledge(*, now: datetime.datetime | None = None) -> int:
    """Once the version in force has a window to acknowledge it (a version the Director
    published), ask every active provider who has not acknowledged it, once: an email at their
    work address with their signed acknowledgement link, and, for those who sign in, the same
    in the portal. The hourly job catches a version whose effective date came; a second run
    asks nobody again. Returns the number of providers asked."""
    now = now or timezone.now()
    with transaction.atomic():
        version = StandardsVersion.objects.in_force().first()
        if version is None or version.acknowledge_by is None or version.providers_asked_at is not None:
            return 0
        # The version's row is the once-only guard: the first run to mark it asks.
        if not StandardsVersion.objects.filter(pk=version.pk, providers_asked_at__isnull=True).update(
            providers_asked_at=now
        ):
            return 0
        link = reverse("standards")
        context = {
            "version": version.version,
            "title": version.title,
            "effective": f"{timezone.localtime(version.effective_from):%B %-d, %Y}",
            "acknowledge_by": f"{timezone.localtime(version.acknowledge_by):%B %-d, %Y}",
        }
        messages = []
        asked = 0
        for employee, accounts in providers_without_acknowledgement(version):
            if employee.employment_status == EmploymentStatus.TERMINATED:
                continue
            personal = {
                **context,
                "accounts": ", ".join(accounts),
                "acknowledge_url": acknowledgement_link(employee=employee, standards_version=version),
            }
            user = employee.user if employee.user_id and employee.user.is_active else None
            messages.append(
                Message(
                    "standards_acknowledgement_requested",
                    personal,
                    link,
                    (user,) if user else (),
                    () if user else (employee.email,),
                )
            )
            asked += 1
        notify_many(messages)
    return asked
