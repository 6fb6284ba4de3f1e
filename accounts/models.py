"""The registry: the City's social media accounts and who may operate them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from governance.models import BusinessUnit, Employee


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X (Twitter)"
    LINKEDIN = "linkedin", "LinkedIn"
    YOUTUBE = "youtube", "YouTube"
    TIKTOK = "tiktok", "TikTok"
    THREADS = "threads", "Threads"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"
    NEXTDOOR = "nextdoor", "Nextdoor"
    FLICKR = "flickr", "Flickr"
    PINTEREST = "pinterest", "Pinterest"
    OTHER = "other", "Other"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    DECOMMISSIONING = "decommissioning", "Decommissioning requested"
    DECOMMISSIONED = "decommissioned", "Decommissioned"


class SocialAccount(models.Model):
    """An official City presence on a social media platform."""

    platform = models.CharField(max_length=16, choices=Platform.choices)
    handle = models.CharField(max_length=150, help_text="As the platform shows it, e.g. @calgarytransit.")
    profile_url = models.URLField("profile URL", max_length=500)
    normalized_url = models.CharField(
        max_length=500, editable=False, help_text="The account's identity, whatever form its address was given in."
    )
    display_name = models.CharField(max_length=200)
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, related_name="social_accounts")
    accountable_manager = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="accountable_accounts")
    purpose = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=AccountStatus.choices, default=AccountStatus.ACTIVE)
    listed_in_directory = models.BooleanField(
        "listed in the public directory", default=True, help_text="Shown at /directory/ while active."
    )
    password_rotated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "normalized_url"], name="one_account_per_address"),
        ]
        indexes = [
            models.Index(fields=["status", "platform"], name="account_status_platform_idx"),
            models.Index(fields=["business_unit", "status"], name="account_unit_status_idx"),
            models.Index(fields=["display_name", "id"], name="account_name_idx"),
            models.Index(
                fields=["business_unit", "platform", "display_name"],
                condition=Q(status="active", listed_in_directory=True),
                name="account_directory_idx",
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.get_platform_display()} {self.handle})"


class AccessLevel(models.TextChoices):
    PUBLISHER = "publisher", "Publisher"
    MODERATOR = "moderator", "Moderator"
    VIEWER = "viewer", "Viewer"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    UNDER_REVIEW = "under_review", "Under review"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"


#: A provider "operates" an account while their grant is active or under review: these grants
#: still let someone post, and they are the ones a review is about.
OPERATING_GRANT_STATUSES = (GrantStatus.ACTIVE, GrantStatus.UNDER_REVIEW)
#: A grant that has not been revoked still gives, or may again give, access to the account.
LIVE_GRANT_STATUSES = (*OPERATING_GRANT_STATUSES, GrantStatus.SUSPENDED)


class ProviderGrant(models.Model):
    """The Director's designation of an employee as an authorized content provider for an account."""

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="grants")
    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="grants")
    access_level = models.CharField(max_length=12, choices=AccessLevel.choices, default=AccessLevel.PUBLISHER)
    status = models.CharField(max_length=16, choices=GrantStatus.choices, default=GrantStatus.ACTIVE)
    designated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    designated_at = models.DateTimeField(default=timezone.now)
    recertify_by = models.DateField()
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-designated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "account"],
                condition=Q(status__in=LIVE_GRANT_STATUSES),
                name="one_live_grant_per_employee_and_account",
            ),
            models.CheckConstraint(
                condition=Q(status="revoked", revoked_at__isnull=False) | (~Q(status="revoked") & Q(revoked_at=None)),
                name="revoked_grant_has_revoked_at",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="grant_account_status_idx"),
            models.Index(fields=["employee", "status"], name="grant_employee_status_idx"),
            models.Index(fields=["status", "recertify_by"], name="grant_recertify_idx"),
        ]

    def __str__(self):
        return f"{self.employee.full_name} — {self.get_access_level_display()} on {self.account.display_name}"


class ReviewReason(models.TextChoices):
    ROLE_CHANGED = "role_changed", "Role changed"
    ON_LEAVE = "on_leave", "On leave"
    TRAINING_EXPIRED = "training_expired", "Training expired"
    RECERTIFICATION_DUE = "recertification_due", "Recertification due"
    NOT_IN_ROSTER = "not_in_roster", "Not in the HR roster"
    STANDARDS_NOT_ACKNOWLEDGED = "standards_unacknowledged", "Standards not acknowledged"


class ReviewOutcome(models.TextChoices):
    KEPT = "kept", "Kept"
    REVOKED = "revoked", "Revoked"


class AccessReview(models.Model):
    """A flag that a provider's access may be stale, for their manager to keep or revoke.

    Open until resolved; past its due date it is escalated to the Director and the grant is
    suspended (it stays open, for the manager or the Director to resolve)."""

    grant = models.ForeignKey(ProviderGrant, on_delete=models.PROTECT, related_name="reviews")
    reason = models.CharField(max_length=24, choices=ReviewReason.choices)
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    assigned_to = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reviews",
        help_text="The employee's manager when the review opened; empty means the Director decides.",
    )
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=ReviewOutcome.choices, blank=True)
    note = models.TextField(blank=True)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the manager (and the Director) were told of it."
    )

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "reason"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_review_per_grant_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, outcome="") | Q(resolved_at__isnull=False) & ~Q(outcome=""),
                name="resolved_review_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(resolved_at__isnull=True), name="open_review_due_idx"),
            models.Index(fields=["grant", "reason", "opened_at"], name="review_grant_reason_idx"),
            models.Index(fields=["assigned_to", "resolved_at"], name="review_assignee_idx"),
            models.Index(fields=["opened_at"], name="review_opened_idx"),
            models.Index(fields=["id"], condition=Q(notified_at__isnull=True), name="review_untold_idx"),
            # The jobs mark open reviews told, reminded or escalated at the run's time, then read
            # those rows again by that time to tell people.
            models.Index(fields=["notified_at"], condition=Q(resolved_at__isnull=True), name="review_told_idx"),
            models.Index(fields=["reminded_at"], condition=Q(resolved_at__isnull=True), name="review_reminded_idx"),
            models.Index(fields=["escalated_at"], condition=Q(resolved_at__isnull=True), name="review_escalated_idx"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} review of {self.grant}"


class RotationReason(models.TextChoices):
    PROVIDER_REMOVED = "provider_removed", "Provider removed"
    ACCOUNT_DECOMMISSIONED = "account_decommissioned", "Account decommissioned"
    SCHEDULED = "scheduled", "Scheduled"
    SUSPECTED_COMPROMISE = "suspected_compromise", "Suspected compromise"


class CredentialRotation(models.Model):
    """A task to change an account's password (the portal never stores one). One open task per
    account: a new cause joins it."""

    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="rotations")
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    password_changed = models.BooleanField("the password is changed", default=False)
    recovery_checked = models.BooleanField("recovery email and phone are the City's", default=False)
    two_step_on = models.BooleanField("two-step verification is on", default=False)
    sessions_signed_out = models.BooleanField("other sessions and apps are signed out", default=False)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"], condition=Q(completed_at__isnull=True), name="one_open_rotation_per_account"
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | Q(password_changed=True, recovery_checked=True, two_step_on=True, sessions_signed_out=True),
                name="completed_rotation_is_attested",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=Q(completed_at__isnull=True), name="open_rotation_due_idx"),
            # Open rotations reminded or escalated at the run's time, read again to tell people.
            models.Index(fields=["reminded_at"], condition=Q(completed_at__isnull=True), name="rotation_reminded_idx"),
            models.Index(
                fields=["escalated_at"], condition=Q(completed_at__isnull=True), name="rotation_escalated_idx"
            ),
        ]

    def __str__(self):
        return f"Password change for {self.account.display_name}"


class RotationCause(models.Model):
    """Why a password must change: each cause (and the grant behind it) listed on the task."""

    rotation = models.ForeignKey(CredentialRotation, on_delete=models.CASCADE, related_name="causes")
    reason = models.CharField(max_length=24, choices=RotationReason.choices)
    grant = models.ForeignKey(ProviderGrant, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the accountable manager (and the Director) were told of it."
    )

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rotation", "reason", "grant"], condition=Q(grant__isnull=False), name="one_cause_per_grant"
            ),
            models.UniqueConstraint(
                fields=["rotation", "reason"], condition=Q(grant__isnull=True), name="one_cause_per_reason"
            ),
        ]
        indexes = [
            # The digest marks the untold causes (IS NULL) told at its time, then reads them again
            # by that time: one index serves both.
            models.Index(fields=["notified_at"], name="cause_notified_idx"),
        ]

    def __str__(self):
        return self.get_reason_display()
