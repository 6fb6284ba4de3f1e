"""People (kept in sync from HR), the Standards, notifications and the audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone


def private_storage():
    """Files no web server serves (settings.STORAGES["private"])."""
    return storages["private"]


class User(AbstractUser):
    """A sign-in. A person's place in the City lives on their `Employee` record."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class BusinessUnit(models.Model):
    """A unit of the City's organisation, such as Calgary Transit; units nest."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class EmploymentStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LEAVE = "leave", "On leave"
    TERMINATED = "terminated", "Employment ended"


class Employee(models.Model):
    """A City employee as HR knows them. Changes arrive through the HR roster import."""

    employee_number = models.CharField(max_length=20, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField("work email")
    job_title = models.CharField(max_length=200, blank=True)
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, related_name="employees")
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="direct_reports")
    employment_status = models.CharField(
        max_length=12, choices=EmploymentStatus.choices, default=EmploymentStatus.ACTIVE
    )
    role_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="When job title, business unit, manager or status last changed."
    )
    management_path = models.CharField(
        max_length=1000,
        blank=True,
        editable=False,
        help_text="The ids of the management chain from the top down, such as /1/2/15/: a manager's "
        "reporting line is every employee whose path starts with the manager's.",
    )
    in_hr_roster = models.BooleanField(
        default=True, help_text="False once a full HR roster import no longer lists this employee."
    )
    roster_missing_since = models.DateTimeField(
        null=True, blank=True, help_text="When a full HR roster import first left this employee out."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
        help_text="The sign-in of this employee, if they have one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="employee_name_idx"),
            models.Index(fields=["employment_status"], name="employee_status_idx"),
            models.Index(fields=["role_changed_at"], name="employee_role_changed_idx"),
            # text_pattern_ops lets PostgreSQL answer "path LIKE '/1/2/%'" from the index.
            models.Index(fields=["management_path"], opclasses=["text_pattern_ops"], name="employee_path_idx"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.employee_number})"

    def save(self, *args, **kwargs):
        """Keep this employee's management path. (Services that move people or create them in
        bulk recompute every path with `governance.services.refresh_management_paths`.)"""
        super().save(*args, **kwargs)
        path = (self.manager.management_path if self.manager_id else "/") + f"{self.pk}/"
        if path != self.management_path:
            self.management_path = path
            type(self).objects.filter(pk=self.pk).update(management_path=path)

    def reports_to(self, manager):
        """True when `manager` is above this employee in the management chain."""
        return manager.pk != self.pk and f"/{manager.pk}/" in self.management_path

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def is_terminated(self):
        return self.employment_status == EmploymentStatus.TERMINATED


class TrainingCourse(models.TextChoices):
    SOCIAL_MEDIA = "social_media", "City social media training for content providers"
    ACCESSIBLE_CONTENT = "accessible_content", "Accessible digital content"
    RECORDS = "records", "Records and information management"


class TrainingRecord(models.Model):
    """A course an employee completed, and until when it counts."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="training_records")
    course = models.CharField(max_length=32, choices=TrainingCourse.choices)
    completed_on = models.DateField()
    expires_on = models.DateField()
    reminded_at = models.DateTimeField(
        null=True, blank=True, help_text="When the employee and their manager were told it expires soon."
    )

    class Meta:
        ordering = ["-completed_on"]
        indexes = [models.Index(fields=["employee", "course", "expires_on"], name="training_current_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("completed_on")), name="training_expires_after_completion"
            )
        ]

    def __str__(self):
        return f"{self.get_course_display()} — {self.employee.full_name}"

    @property
    def is_current(self):
        return self.expires_on >= timezone.localdate()


class StandardsVersionQuerySet(models.QuerySet):
    def published(self):
        """Versions the Director published (in force now, earlier, or from a later date)."""
        return self.filter(published_at__isnull=False)

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def in_force(self):
        """Published versions already in effect, the one in force first."""
        return self.published().filter(effective_from__lte=timezone.now()).order_by("-effective_from")

    def current(self):
        """The version in force now: the latest one already in effect, or None."""
        return self.in_force().first()


class StandardsVersion(models.Model):
    """A version of the Social Media Standards for City Employees: a draft CSC staff write, until
    the Director publishes it with the date it takes effect and a window to acknowledge it."""

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200, default="Social Media Standards for City Employees")
    approved_on = models.DateField(null=True, blank=True, help_text="Empty while a draft.")
    effective_from = models.DateTimeField(default=timezone.now)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Rows created without saying otherwise (the data migration, the admin) are published; the
    # drafting service leaves it empty.
    published_at = models.DateTimeField(null=True, blank=True, default=timezone.now, help_text="Empty while a draft.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledge_within_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Days providers have, from the effective date, to acknowledge it."
    )
    acknowledge_by = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the window to acknowledge closes: providers who have not by then get an access review.",
    )
    providers_asked_at = models.DateTimeField(
        null=True, blank=True, help_text="When the providers were asked to acknowledge this version."
    )

    objects = StandardsVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-effective_from"]

    def __str__(self):
        return f"{self.title}, version {self.version}"

    @property
    def is_draft(self):
        return self.published_at is None


class PolicyAcknowledgement(models.Model):
    """An employee's confirmation that they have read one version of the Standards."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="acknowledgements")
    standards_version = models.ForeignKey(StandardsVersion, on_delete=models.PROTECT, related_name="acknowledgements")
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employee", "standards_version"], name="one_ack_per_version")]

    def __str__(self):
        return f"{self.employee} acknowledged {self.standards_version.version}"


class Notification(models.Model):
    """A message for a person (shown in the portal) or a mailbox, also sent as email."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        help_text="Empty for a message to a shared mailbox only.",
    )
    email = models.EmailField(blank=True, help_text="Where the email goes; empty for in-portal only.")
    kind = models.CharField(max_length=64, help_text="The email templates used: emails/<kind>_*.")
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self):
        return self.subject


class AuditEvent(models.Model):
    """One thing that happened, by whom, to what. Append-only: the database refuses changes."""

    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system acted (a job or an import).",
    )
    actor_label = models.CharField(max_length=150, help_text="Who acted, as shown then.")
    verb = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True, help_text='{"field": {"before": …, "after": …}}')
    note = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="audit_target_idx"),
            models.Index(fields=["verb", "created_at"], name="audit_verb_idx"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_idx"),
            models.Index(fields=["created_at"], name="audit_created_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.verb} {self.target_repr}"


class RosterUploadStatus(models.TextChoices):
    CHECKING = "checking", "Being checked"
    INVALID = "invalid", "Has errors; nothing was applied"
    READY = "ready", "Checked; waiting for confirmation"
    IMPORTING = "importing", "Being imported"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Not imported"
    DISCARDED = "discarded", "Discarded; nothing was applied"


class RosterUpload(models.Model):
    """An HR roster uploaded in the browser: checked and previewed, then imported once HR
    confirms. The file is kept privately until then, and deleted after."""

    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    file = models.FileField(storage=private_storage, upload_to="roster/", blank=True, max_length=300)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    full = models.BooleanField(help_text="The file is the whole organisation: whoever is missing left the roster.")
    status = models.CharField(max_length=12, choices=RosterUploadStatus.choices, default=RosterUploadStatus.CHECKING)
    rows = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="[line, column, message], the first ones.")
    checked_at = models.DateTimeField(null=True, blank=True)
    preview = models.JSONField(default=dict, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"HR roster {self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"
