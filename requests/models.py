"""Requests that need the Director's decision, and the one workflow they all follow."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import AccessLevel, Platform, ProviderGrant, SocialAccount
from governance.models import BusinessUnit, Employee


class RequestKind(models.TextChoices):
    ACCOUNT = "account", "New account"
    DECOMMISSION = "decommission", "Decommissioning"
    PROVIDER_ACCESS = "provider_access", "Provider access"


class RequestStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Action(models.TextChoices):
    SUBMIT = "submit", "Submit"
    RETURN = "return", "Return for changes"
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"
    WITHDRAW = "withdraw", "Withdraw"


#: The workflow of every request, declared once: (status, action) -> new status.
#: draft → submitted → (changes requested → submitted)* → approved | rejected;
#: withdrawn by the requester before a decision. Any other pair is refused.
TRANSITIONS = {
    (RequestStatus.DRAFT, Action.SUBMIT): RequestStatus.SUBMITTED,
    (RequestStatus.CHANGES_REQUESTED, Action.SUBMIT): RequestStatus.SUBMITTED,
    (RequestStatus.SUBMITTED, Action.RETURN): RequestStatus.CHANGES_REQUESTED,
    (RequestStatus.SUBMITTED, Action.APPROVE): RequestStatus.APPROVED,
    (RequestStatus.SUBMITTED, Action.REJECT): RequestStatus.REJECTED,
    (RequestStatus.DRAFT, Action.WITHDRAW): RequestStatus.WITHDRAWN,
    (RequestStatus.SUBMITTED, Action.WITHDRAW): RequestStatus.WITHDRAWN,
    (RequestStatus.CHANGES_REQUESTED, Action.WITHDRAW): RequestStatus.WITHDRAWN,
}
#: The requester may edit the form only while it is with them.
EDITABLE_STATUSES = (RequestStatus.DRAFT, RequestStatus.CHANGES_REQUESTED)
OPEN_STATUSES = (RequestStatus.DRAFT, RequestStatus.SUBMITTED, RequestStatus.CHANGES_REQUESTED)
#: Submitted and not yet decided or withdrawn: with the communications team or, for changes,
#: back with the requester.
UNDER_REVIEW_STATUSES = (RequestStatus.SUBMITTED, RequestStatus.CHANGES_REQUESTED)
DECIDED_STATUSES = (RequestStatus.APPROVED, RequestStatus.REJECTED)


def next_status(status, action):
    """The status after `action`, or None when the workflow does not allow it."""
    return TRANSITIONS.get((status, action))


class GovernanceRequest(models.Model):
    """What every request has: who filed it, for which business unit, where it stands in the
    workflow, and the decision. Each kind adds its own form in a child table."""

    kind = models.CharField(max_length=20, choices=RequestKind.choices, editable=False)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT)
    title = models.CharField(max_length=255, help_text="A one-line summary for lists and emails.")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requester_employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="filed_requests")
    business_unit = models.ForeignKey(BusinessUnit, on_delete=models.PROTECT, related_name="requests")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, help_text="The latest submission.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="request_queue_idx"),
            models.Index(fields=["kind", "status", "submitted_at"], name="request_kind_idx"),
            models.Index(fields=["business_unit", "status", "submitted_at"], name="request_unit_idx"),
            models.Index(fields=["requester", "-created_at"], name="request_mine_idx"),
        ]

    def __str__(self):
        return f"Request #{self.pk}: {self.title}"

    @property
    def detail(self):
        """The kind-specific form (AccountRequest, DecommissionRequest or ProviderAccessRequest)."""
        return getattr(self, KIND_MODELS[self.kind]._meta.model_name)

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    def allows(self, action):
        return next_status(self.status, action) is not None


#: The fields of each kind's form, and which of them must be filled in before it is submitted
#: (a new account also needs at least one named content provider: `providers`, its
#: many-to-many field).
ACCOUNT_REQUEST_FIELDS = (
    "platform",
    "proposed_name",
    "proposed_handle",
    "proposed_url",
    "listed_in_directory",
    "business_need",
    "objectives",
    "audience",
    "content_topics",
    "posting_frequency",
    "backup_provider",
    "moderation_plan",
    "response_time",
    "records_retention",
    "accessibility",
    "official_languages",
    "launch_date",
    "read_standards",
)
DECOMMISSION_FIELDS = ("reason", "archive_plan", "farewell_message", "effective_date")
PROVIDER_ACCESS_FIELDS = ("access_level", "justification")
FORM_FIELDS = {
    RequestKind.ACCOUNT: ACCOUNT_REQUEST_FIELDS,
    RequestKind.DECOMMISSION: DECOMMISSION_FIELDS,
    RequestKind.PROVIDER_ACCESS: PROVIDER_ACCESS_FIELDS,
}
REQUIRED_TO_SUBMIT = {
    RequestKind.ACCOUNT: (
        *(name for name in ACCOUNT_REQUEST_FIELDS if name not in ("proposed_url", "listed_in_directory")),
        "providers",
    ),
    RequestKind.DECOMMISSION: DECOMMISSION_FIELDS,
    RequestKind.PROVIDER_ACCESS: ("justification",),
}


class PostingFrequency(models.TextChoices):
    DAILY = "daily", "Daily or more"
    WEEKLY = "weekly", "A few times a week"
    MONTHLY = "monthly", "A few times a month"
    EVENTS = "events", "Around events and campaigns only"


class AccountRequest(GovernanceRequest):
    """The City of Calgary Social Media Request form: a new City social media presence."""

    # The account
    platform = models.CharField(max_length=16, choices=Platform.choices, blank=True)
    proposed_name = models.CharField("proposed account name", max_length=200, blank=True)
    proposed_handle = models.CharField("proposed handle", max_length=150, blank=True)
    proposed_url = models.URLField("address, if the account already exists", max_length=500, blank=True)
    listed_in_directory = models.BooleanField("list it in the public directory of official accounts", default=True)
    # Purpose, objectives and audience
    business_need = models.TextField(blank=True)
    objectives = models.TextField(blank=True)
    audience = models.TextField("target audience", blank=True)
    # Content plan
    content_topics = models.TextField(blank=True)
    posting_frequency = models.CharField(max_length=12, choices=PostingFrequency.choices, blank=True)
    # People
    providers = models.ManyToManyField(Employee, blank=True, related_name="+", verbose_name="content providers")
    backup_provider = models.ForeignKey(Employee, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Moderation and response
    moderation_plan = models.TextField(blank=True)
    response_time = models.CharField("response time commitment", max_length=200, blank=True)
    # Records retention and archiving
    records_retention = models.TextField("records retention and archiving", blank=True)
    # Accessibility and official languages
    accessibility = models.TextField("accessibility", blank=True)
    official_languages = models.TextField("official languages", blank=True)
    # Launch
    launch_date = models.DateField("proposed launch date", null=True, blank=True)
    # Confirmation
    read_standards = models.BooleanField("I have read the Social Media Standards for City Employees", default=False)
    created_account = models.OneToOneField(
        SocialAccount, null=True, blank=True, on_delete=models.PROTECT, related_name="origin_request"
    )


class DecommissionRequest(GovernanceRequest):
    """A request to close a City account (the Director approves)."""

    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="decommission_requests")
    reason = models.TextField(blank=True)
    archive_plan = models.TextField("what happens to the content", blank=True)
    farewell_message = models.TextField("redirect or farewell message", blank=True)
    effective_date = models.DateField(null=True, blank=True)


class ProviderAccessRequest(GovernanceRequest):
    """A request that the Director designate an employee as a content provider for an account."""

    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="provider_access_requests")
    account = models.ForeignKey(SocialAccount, on_delete=models.PROTECT, related_name="provider_access_requests")
    access_level = models.CharField(max_length=12, choices=AccessLevel.choices, default=AccessLevel.PUBLISHER)
    justification = models.TextField(blank=True)
    created_grant = models.OneToOneField(
        ProviderGrant, null=True, blank=True, on_delete=models.PROTECT, related_name="origin_request"
    )


#: Each kind's own table, below the shared one.
KIND_MODELS = {
    RequestKind.ACCOUNT: AccountRequest,
    RequestKind.DECOMMISSION: DecommissionRequest,
    RequestKind.PROVIDER_ACCESS: ProviderAccessRequest,
}


class RequestComment(models.Model):
    """One message in a request's thread."""

    governance_request = models.ForeignKey(GovernanceRequest, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["governance_request", "created_at"], name="comment_thread_idx")]

    def __str__(self):
        return f"Comment by {self.author} on #{self.governance_request_id}"
