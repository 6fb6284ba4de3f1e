"""The audit trail: one event per change, written inside the change's transaction."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils import timezone

from ..middleware import current_client_address
from ..models import AuditEvent


def _plain(value):
    """A JSON-safe rendering of a field value for the audit trail."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """The fields whose values differ, as {"field": {"before": …, "after": …}}."""
    return {
        name: {"before": _plain(before.get(name)), "after": _plain(after.get(name))}
        for name in after
        if before.get(name) != after.get(name)
    }


def actor_label_for(acting_user, default="system"):
    if acting_user is None:
        return default
    return acting_user.get_username()


def build_audit_event(
    *, verb, target=None, acting_user=None, actor_label=None, changes=None, note="", when=None
) -> AuditEvent:
    """An unsaved AuditEvent, for services that write many at once with bulk_create."""
    return AuditEvent(
        created_at=when or timezone.now(),
        actor=acting_user,
        actor_label=actor_label or actor_label_for(acting_user),
        verb=verb,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes={k: _plain(v) for k, v in (changes or {}).items()},
        note=note,
        ip_address=current_client_address(),
    )


def record_event(*, verb, target=None, acting_user=None, actor_label=None, changes=None, note="") -> AuditEvent:
    """Append one event to the audit trail, inside the caller's transaction."""
    event = build_audit_event(
        verb=verb, target=target, acting_user=acting_user, actor_label=actor_label, changes=changes, note=note
    )
    event.save()
    return event
