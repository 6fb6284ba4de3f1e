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

    @property
    def is_live(self):
        return self.status != AccountStatus.DECOMMISSIONED


class AccessLevel(models.TextChoices):
    PUBLISHER = "publisher", "Publisher"
    MODERATOR = "moderator", "Moderator"
    VIEWER = "viewer", "Viewer"


class GrantStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    UNDER_REVIEW = "under_review", "Under review"
    SUSPENDED = "suspended", "Suspended"
    REVOKED = "revoked", "Revoked"


#: A grant that has not been revoked still gives, or may again give, access to the account.
LIVE_GRANT_STATUSES = (GrantStatus.ACTIVE, GrantStatus.UNDER_REVIEW, GrantStatus.SUSPENDED)


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

    @property
    def is_live(self):
        return self.status in LIVE_GRANT_STATUSES
