"""Content reports (DESIGN §4, "Content reports"): what someone saw online, where the registry
places the account it came from, and the communications team's handling of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Platform, SocialAccount
from governance.models import Employee


class ReportKind(models.TextChoices):
    POSITIVE = "positive", "A positive post worth sharing"
    DAMAGING = "damaging", "Damaging to The City's reputation"
    MISINFORMATION = "misinformation", "Misinformation about The City"
    IMPERSONATION = "impersonation", "A possible impersonation of The City"
    OTHER = "other", "Something else"


#: How a kind is named inside a sentence ("report CR-… (possible impersonation)").
KIND_IN_A_SENTENCE = {
    ReportKind.POSITIVE: "positive post",
    ReportKind.DAMAGING: "damaging content",
    ReportKind.MISINFORMATION: "misinformation",
    ReportKind.IMPERSONATION: "possible impersonation",
    ReportKind.OTHER: "other",
}


class ReportStatus(models.TextChoices):
    NEW = "new", "New"
    IN_PROGRESS = "in_progress", "In progress"
    SHARED = "shared", "Shared"
    CLOSED = "closed", "Closed"
    REFERRED_HR = "referred_hr", "Referred to HR"
    REFERRED_SECURITY = "referred_security", "Referred to Law-Corporate Security"


#: A report waits for the communications team while it is new or in progress.
OPEN_STATUSES = (ReportStatus.NEW, ReportStatus.IN_PROGRESS)
REFERRAL_STATUSES = (ReportStatus.REFERRED_HR, ReportStatus.REFERRED_SECURITY)
FINAL_STATUSES = (ReportStatus.SHARED, ReportStatus.CLOSED, *REFERRAL_STATUSES)

#: The workflow, declared once: where a report may go from each status. It is worked on, then
#: ends shared, closed or referred (to HR, or to Law-Corporate Security); an ended report stays
#: ended. Nothing else decides which move is legal.
TRANSITIONS = {
    ReportStatus.NEW: (ReportStatus.IN_PROGRESS, *FINAL_STATUSES),
    ReportStatus.IN_PROGRESS: FINAL_STATUSES,
}
#: Only a positive post is shared with the City's online community.
SHAREABLE_KINDS = (ReportKind.POSITIVE,)


def allowed_moves(status: str, kind: str) -> tuple[str, ...]:
    """The statuses a report of `kind` may move to from `status`."""
    return tuple(to for to in TRANSITIONS.get(status, ()) if to != ReportStatus.SHARED or kind in SHAREABLE_KINDS)


#: What the person who filed a report is told of its status: never whom it was referred to.
REPORTER_STATUS = {
    ReportStatus.NEW: "Received",
    ReportStatus.IN_PROGRESS: "Being looked into",
    ReportStatus.SHARED: "Shared with the City's online community",
    ReportStatus.CLOSED: "Closed",
    ReportStatus.REFERRED_HR: "Closed",
    ReportStatus.REFERRED_SECURITY: "Closed",
}


class RegistryMatch(models.TextChoices):
    OFFICIAL = "official", "An official City account"
    FORMER = "former", "A former City account"
    UNKNOWN = "unknown", "Not a City account"


class ContentReport(models.Model):
    """Something seen online, reported by an employee or a member of the public."""

    reference = models.CharField(
        max_length=16, unique=True, editable=False, help_text="Given to the reporter; random, so it tells nothing."
    )
    kind = models.CharField(max_length=16, choices=ReportKind.choices)
    url = models.URLField("address", max_length=500)
    account_name = models.CharField(
        "name or handle shown on the account", max_length=200, blank=True, help_text="As the reporter saw it."
    )
    description = models.TextField("what they saw")
    # Who filed it: an employee (signed in), or a member of the public (optionally with an email).
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reporter_employee = models.ForeignKey(
        Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="content_reports"
    )
    reporter_email = models.EmailField(blank=True, help_text="A member of the public's, if they want to hear back.")
    # The screenshot, re-encoded, in the private storage (settings.STORAGES["report_screenshots"]).
    screenshot = models.CharField(max_length=100, blank=True, editable=False)
    screenshot_type = models.CharField(max_length=20, blank=True, editable=False)
    # Handling.
    status = models.CharField(max_length=20, choices=ReportStatus.choices, default=ReportStatus.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="When the hourly job told the Director.")
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When it was shared, closed or referred.")
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.TextField(blank=True, help_text="The team's note when it ended; never shown to the reporter.")
    # The registry match, computed when the report is filed (reports/matching.py).
    platform = models.CharField(max_length=16, blank=True)
    account_key = models.CharField(
        max_length=500, blank=True, help_text="The account's identity, if the address names one."
    )
    registry_match = models.CharField(max_length=10, choices=RegistryMatch.choices, default=RegistryMatch.UNKNOWN)
    matched_account = models.ForeignKey(
        SocialAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="content_reports"
    )
    impersonation_score = models.FloatField(
        null=True, blank=True, help_text="0 to 1, for an unknown account; empty when there is nothing to compare."
    )
    likely_impersonation = models.BooleanField(default=False)
    identifiers_used = models.JSONField(default=list, blank=True)
    closest_accounts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="report_queue_idx"),
            models.Index(fields=["kind", "status", "due_at"], name="report_kind_idx"),
            models.Index(fields=["assignee", "status", "due_at"], name="report_assignee_idx"),
            models.Index(fields=["reporter", "-filed_at"], name="report_mine_idx"),
            models.Index(fields=["registry_match", "likely_impersonation"], name="report_match_idx"),
            # The hourly job's question: open, overdue and not yet escalated.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["new", "in_progress"], escalated_at__isnull=True),
                name="report_to_escalate_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(impersonation_score__isnull=True)
                | Q(impersonation_score__gte=0, impersonation_score__lte=1),
                name="report_score_between_0_and_1",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "in_progress"], ended_at__isnull=True)
                | (~Q(status__in=["new", "in_progress"]) & Q(ended_at__isnull=False)),
                name="report_ended_when_final",
            ),
        ]

    def __str__(self):
        return f"report {self.reference} ({KIND_IN_A_SENTENCE.get(self.kind, self.kind)})"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self):
        return self.is_open and self.due_at <= timezone.now()

    @property
    def filed_by_public(self):
        return self.reporter_id is None

    @property
    def reporter_status(self):
        """The status as the reporter sees it."""
        return REPORTER_STATUS[self.status]

    def allowed_moves(self):
        return allowed_moves(self.status, self.kind)

    @property
    def closest_for_display(self):
        """The closest official accounts kept at filing, with their platforms' names."""
        labels = dict(Platform.choices)
        return [{**account, "platform": labels.get(account.get("platform"), "")} for account in self.closest_accounts]


class ReportComment(models.Model):
    """A note in a report's thread: the communications team's, never shown to the reporter."""

    report = models.ForeignKey(ContentReport, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["report", "created_at"], name="report_comment_thread_idx")]

    def __str__(self):
        return f"Note by {self.author} on {self.report}"
