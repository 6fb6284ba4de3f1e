"""Sign-in backends: passwords (with django-axes in front) and an optional trusted SSO header."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend, RemoteUserBackend
from django.contrib.auth.middleware import RemoteUserMiddleware
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce


def signed_in_users():
    """Users as every page needs them, in one query: with their employee record, whether they
    manage anyone (the navigation and permissions ask), and their unread notification count."""
    from .models import Employee, EmploymentStatus, Notification

    unread = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    reports = Employee.objects.filter(manager__user=OuterRef("pk")).exclude(
        employment_status=EmploymentStatus.TERMINATED
    )
    users = (
        get_user_model()
        ._default_manager.select_related("employee__business_unit", "employee__manager")
        .annotate(has_reports=Exists(reports), unread_notifications=Coalesce(Subquery(unread), 0))
    )
    if connection.vendor == "postgresql":
        # The role groups too, so that the `rules` predicates need no query of their own.
        users = users.annotate(role_names=ArraySubquery(Group.objects.filter(user=OuterRef("pk")).values("name")))
    return users


class PortalModelBackend(ModelBackend):
    """The password backend, loading the signed-in user as every page needs them (one query)."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = signed_in_users().get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        if hasattr(user, "role_names"):
            user._group_names_cache = set(user.role_names)  # what rules.is_group_member reads
        # An inactive user (for instance after HR ended their employment) is signed out here,
        # on their next request, whatever session they still hold.
        return user if self.user_can_authenticate(user) else None


class TrustedHeaderBackend(RemoteUserBackend, PortalModelBackend):
    """SSO: the user named by the trusted proxy's header. Never creates users; off unless
    SSO_HEADER is set."""

    create_unknown_user = False

    def authenticate(self, request, remote_user):
        if not settings.SSO_HEADER:
            return None
        return super().authenticate(request, remote_user)


class TrustedHeaderMiddleware(RemoteUserMiddleware):
    """Signs in the user named in the SSO_HEADER request header; does nothing when unset."""

    @property
    def header(self):
        return "HTTP_" + settings.SSO_HEADER.upper().replace("-", "_")

    def __call__(self, request):
        if not settings.SSO_HEADER:
            return self.get_response(request)
        return super().__call__(request)
