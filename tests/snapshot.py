"""Every row of every table the portal's pages and jobs write, column by column: a refused
action, or a job run a second time, must leave it exactly as it was."""

from django.db import connection
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AccessReview, CredentialRotation, ProviderGrant, RotationCause, SocialAccount
from governance.models import (
    AuditEvent,
    Employee,
    Notification,
    PolicyAcknowledgement,
    RosterUpload,
    StandardsVersion,
    TrainingRecord,
)
from reports.models import ContentReport, ReportComment
from requests.models import (
    AccountRequest,
    DecommissionRequest,
    GovernanceRequest,
    ProviderAccessRequest,
    RequestComment,
)

WRITTEN_MODELS = (
    AuditEvent,
    Notification,
    GovernanceRequest,
    AccountRequest,
    AccountRequest.providers.through,
    DecommissionRequest,
    ProviderAccessRequest,
    RequestComment,
    SocialAccount,
    ProviderGrant,
    AccessReview,
    CredentialRotation,
    RotationCause,
    Employee,
    TrainingRecord,
    StandardsVersion,
    PolicyAcknowledgement,
    RosterUpload,
    # Two-step sign-in (django-otp): the authenticator apps and recovery codes.
    TOTPDevice,
    StaticDevice,
    StaticToken,
    ContentReport,
    ReportComment,
)


def database_snapshot():
    """On PostgreSQL in one round trip (the permission matrix takes this ~1,000 times)."""
    if connection.vendor != "postgresql":
        return {model._meta.label: list(model.objects.order_by("pk").values()) for model in WRITTEN_MODELS}
    tables = ", ".join(
        f"(SELECT coalesce(json_agg(t ORDER BY t.{qn(model._meta.pk.column)}), '[]') FROM {qn(model._meta.db_table)} t)"
        for model in WRITTEN_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {tables}")
        rows = cursor.fetchone()
    return {model._meta.label: value for model, value in zip(WRITTEN_MODELS, rows, strict=True)}


def qn(name):
    return connection.ops.quote_name(name)
