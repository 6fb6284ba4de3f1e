"""The Standards: acknowledgements of the version in force, signed in or from an emailed link."""

import datetime

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from ..audit_verbs import Verb
from ..models import Employee, EmploymentStatus, PolicyAcknowledgement, StandardsVersion
from ..permissions import is_csc, is_director
from .audit import diff, record_event
from .errors import WorkflowError
from .notifications import notify


def acknowledge_standards(
    *, employee: Employee, standards_version: StandardsVersion, acting_user
) -> PolicyAcknowledgement:
    """Record that the employee read this version of the Standards; audit event and receipt."""
    if employee.user_id != acting_user.pk:
        raise WorkflowError("Only the employee themselves can acknowledge the Standards.")
    current = StandardsVersion.objects.current()
    if current is None or current.pk != standards_version.pk:
        raise WorkflowError("Only the version of the Standards in force can be acknowledged.")
    with transaction.atomic():
        acknowledgement, created = PolicyAcknowledgement.objects.get_or_create(
            employee=employee, standards_version=standards_version
        )
        if not created:
            return acknowledgement
        record_event(
            verb=Verb.STANDARDS_ACKNOWLEDGED,
            target=employee,
            acting_user=acting_user,
            changes={"standards_version": {"before": None, "after": standards_version.version}},
        )
        notify(
            kind="standards_acknowledged",
            context=_receipt_context(standards_version, acknowledgement),
            link=reverse("standards"),
            users=[acting_user],
        )
    return acknowledgement


# --- acknowledging from an emailed link, without a sign-in -------------------------------------

#: Keeps these signatures apart from every other use of SECRET_KEY.
_LINK_SALT = "governance.standards.acknowledgement-link"


def acknowledgement_link(*, employee: Employee, standards_version: StandardsVersion) -> str:
    """The full address of a signed link with which `employee` acknowledges `standards_version`
    without a portal sign-in. It names no secret of theirs, expires after
    settings.ACKNOWLEDGEMENT_LINK_DAYS days and works once (a recorded acknowledgement uses it up)."""
    token = signing.dumps({"e": employee.pk, "v": standards_version.pk}, salt=_LINK_SALT)
    return settings.SITE_URL + reverse("standards-acknowledge-link", args=[token])


class LinkRefused(WorkflowError):
    """An acknowledgement link that cannot be used: tampered with, expired, or for a version no
    longer in force. `already_used` tells a link that did its work from a bad one."""

    def __init__(self, message: str, *, already_used: bool = False):
        super().__init__(message)
        self.already_used = already_used


def read_acknowledgement_link(token: str) -> tuple[Employee, StandardsVersion]:
    """Who a link is for and which version it acknowledges, or LinkRefused saying what to do."""
    max_age = datetime.timedelta(days=settings.ACKNOWLEDGEMENT_LINK_DAYS)
    try:
        payload = signing.loads(token, salt=_LINK_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkRefused(
            "This link has expired. Sign in to the portal to acknowledge the Standards, or ask "
            f"{settings.CSC_MAILBOX} for a new link."
        ) from error
    except signing.BadSignature as error:
        raise LinkRefused(
            "This link is not valid: it may have been cut short or changed. Open the link exactly as it "
            f"is in your email, or ask {settings.CSC_MAILBOX} for a new one."
        ) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), int) or not isinstance(payload.get("v"), int):
        raise LinkRefused("This link is not valid. Ask the social media team for a new one.")
    employee = Employee.objects.filter(pk=payload["e"]).first()
    version = StandardsVersion.objects.filter(pk=payload["v"]).first()
    if employee is None or version is None or employee.employment_status == EmploymentStatus.TERMINATED:
        raise LinkRefused("This link can no longer be used. Ask the social media team for a new one.")
    current = StandardsVersion.objects.current()
    if current is None or current.pk != version.pk:
        raise LinkRefused(
            f"This link is for version {version.version} of the Standards, which is no longer the version in "
            "force. Sign in to the portal to acknowledge the current version, or ask the social media team for "
            "a new link."
        )
    return employee, version


def acknowledge_standards_by_link(*, token: str) -> PolicyAcknowledgement:
    """Record the acknowledgement a signed link names, exactly as the signed-in page does (the
    audit event and the receipt), once: a second use is refused as already used."""
    employee, version = read_acknowledgement_link(token)
    with transaction.atomic():
        # One acknowledgement per person and version: the row lock serialises two clicks.
        Employee.objects.select_for_update().filter(pk=employee.pk).first()
        existing = PolicyAcknowledgement.objects.filter(employee=employee, standards_version=version).first()
        if existing is not None:
            when = timezone.localtime(existing.acknowledged_at)
            raise LinkRefused(
                f"This link was already used: your acknowledgement of version {version.version} was recorded on "
                f"{when:%B} {when.day}, {when.year}.",
                already_used=True,
            )
        acknowledgement = PolicyAcknowledgement.objects.create(employee=employee, standards_version=version)
        record_event(
            verb=Verb.STANDARDS_ACKNOWLEDGED,
            target=employee,
            actor_label=employee.full_name,
            changes={"standards_version": {"before": None, "after": version.version}},
            note="Acknowledged from the link emailed to their work address.",
        )
        user = employee.user if employee.user_id and employee.user.is_active else None
        notify(
            kind="standards_acknowledged",
            context=_receipt_context(version, acknowledgement),
            link=reverse("standards"),
            users=[user] if user else (),
            mailboxes=() if user else [employee.email],
        )
    return acknowledgement


def _receipt_context(version: StandardsVersion, acknowledgement: PolicyAcknowledgement) -> dict:
    return {
        "version": version.version,
        "title": version.title,
        "acknowledged_at": timezone.localtime(acknowledgement.acknowledged_at).strftime("%Y-%m-%d %H:%M"),
    }


# --- versions: drafted by the communications team, published by the Director ---------------------

#: The longest text a version may have (the Standards are ~15,000 characters).
MAX_TEXT = 200_000


def _check_version_fields(*, version: str, title: str, text: str) -> None:
    if not version.strip() or len(version) > 20:
        raise WorkflowError("Give the version a number of at most 20 characters, such as 1.1.")
    if not title.strip() or len(title) > 200:
        raise WorkflowError("Give the version a title of at most 200 characters.")
    if not text.strip():
        raise WorkflowError("The text of the Standards is empty.")
    if len(text) > MAX_TEXT:
        raise WorkflowError(f"The text is longer than {MAX_TEXT:,} characters.")
    if "\x00" in version + title + text:
        raise WorkflowError("The text contains a NUL character; paste it again as plain text.")


def draft_standards_version(*, acting_user, version: str, title: str, text: str) -> StandardsVersion:
    """Start a draft of a new version (CSC staff or the Director). Audit `standards.version_created`."""
    if not is_csc(acting_user):
        raise PermissionDenied("Only the communications team drafts the Standards.")
    version, title = version.strip(), title.strip()
    _check_version_fields(version=version, title=title, text=text)
    with transaction.atomic():
        if StandardsVersion.objects.filter(version=version).exists():
            raise WorkflowError(f"There is already a version {version}.")
        draft = StandardsVersion.objects.create(
            version=version, title=title, text=text, created_by=acting_user, published_at=None, approved_on=None
        )
        record_event(
            verb=Verb.STANDARDS_VERSION_CREATED,
            target=draft,
            acting_user=acting_user,
            changes={"version": {"before": None, "after": version}},
        )
    return draft


def update_standards_draft(
    *, draft: StandardsVersion, acting_user, version: str, title: str, text: str
) -> StandardsVersion:
    """Edit a draft (never a published version). Audit `standards.version_updated` with what changed."""
    if not is_csc(acting_user):
        raise PermissionDenied("Only the communications team drafts the Standards.")
    version, title = version.strip(), title.strip()
    _check_version_fields(version=version, title=title, text=text)
    with transaction.atomic():
        locked = StandardsVersion.objects.select_for_update().get(pk=draft.pk)
        if not locked.is_draft:
            raise WorkflowError("This version is published; it can no longer be changed. Start a new draft.")
        if StandardsVersion.objects.filter(version=version).exclude(pk=locked.pk).exists():
            raise WorkflowError(f"There is already a version {version}.")
        before = {"version": locked.version, "title": locked.title, "text": locked.text}
        after = {"version": version, "title": title, "text": text}
        changes = diff(before, after)
        if not changes:
            return locked
        if "text" in changes:
            changes["text"] = {"before": f"{len(locked.text):,} characters", "after": f"{len(text):,} characters"}
        locked.version, locked.title, locked.text = version, title, text
        locked.save(update_fields=["version", "title", "text"])
        record_event(verb=Verb.STANDARDS_VERSION_UPDATED, target=locked, acting_user=acting_user, changes=changes)
    return locked


def publish_standards_version(
    *, draft: StandardsVersion, acting_user, effective_from: datetime.datetime, acknowledge_within_days: int
) -> StandardsVersion:
    """The Director publishes a draft: it is in force from `effective_from` (now or later), and
    providers have `acknowledge_within_days` from then to acknowledge it; from the moment it is
    in force every active provider who has not is asked (settings.STANDARDS_PUBLISHED_TASKS, and
    the hourly job for a later date). Audit `standards.version_published`."""
    if not is_director(acting_user):
        raise PermissionDenied("Only the Director publishes a version of the Standards.")
    if not 1 <= acknowledge_within_days <= 365:
        raise WorkflowError("Give providers between 1 and 365 days to acknowledge it.")
    now = timezone.now()
    effective_from = max(effective_from, now)
    with transaction.atomic():
        locked = StandardsVersion.objects.select_for_update().get(pk=draft.pk)
        if not locked.is_draft:
            raise WorkflowError("This version was already published.")
        latest = StandardsVersion.objects.published().order_by("-effective_from").first()
        if latest is not None and latest.effective_from >= effective_from:
            raise WorkflowError(
                f"Version {latest.version} takes effect on {timezone.localtime(latest.effective_from):%B %-d, %Y}; "
                "a new version must take effect after it."
            )
        locked.published_at, locked.published_by, locked.approved_on = now, acting_user, timezone.localdate(now)
        locked.effective_from = effective_from
        locked.acknowledge_within_days = acknowledge_within_days
        locked.acknowledge_by = effective_from + datetime.timedelta(days=acknowledge_within_days)
        locked.save()
        record_event(
            verb=Verb.STANDARDS_VERSION_PUBLISHED,
            target=locked,
            acting_user=acting_user,
            changes={
                "effective_from": {"before": None, "after": timezone.localtime(effective_from).isoformat()},
                "acknowledge_by": {"before": None, "after": timezone.localtime(locked.acknowledge_by).isoformat()},
            },
        )
        for name in settings.STANDARDS_PUBLISHED_TASKS:
            import_string(name).delay_on_commit()
    return locked
