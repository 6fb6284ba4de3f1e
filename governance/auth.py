"""Sign-in backends: passwords (with django-axes in front) and an optional trusted SSO header."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend, RemoteUserBackend
from django.contrib.auth.middleware import RemoteUserMiddleware
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import render
from django.utils import timezone

from .client_address import is_address_in

logger = logging.getLogger(__name__)


def employee_has_left(employee, now=None) -> bool:
    """True when HR says this employee is gone: employment ended, or missing from the full HR
    roster for longer than ROSTER_MISSING_GRACE_HOURS (a probable departure)."""
    from .models import EmploymentStatus

    if employee.employment_status == EmploymentStatus.TERMINATED:
        return True
    if employee.in_hr_roster or employee.roster_missing_since is None:
        return False
    grace = datetime.timedelta(hours=settings.ROSTER_MISSING_GRACE_HOURS)
    return employee.roster_missing_since + grace <= (now or timezone.now())


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

    def user_can_authenticate(self, user):
        """Active, and — when the sign-in belongs to an employee — still employed and in the HR
        roster (a full roster that left them out counts once ROSTER_MISSING_GRACE_HOURS passed),
        whether or not the job that turns such sign-ins off has run yet."""
        if user is None or not super().user_can_authenticate(user):
            return False
        employee = getattr(user, "employee", None)
        return employee is None or not employee_has_left(employee)


class TrustedHeaderBackend(RemoteUserBackend, PortalModelBackend):
    """SSO: the user named by the trusted proxy's header. Never creates users, never signs in a
    superuser (IT signs in with a password and a second factor); off unless SSO_HEADER is set."""

    create_unknown_user = False

    def authenticate(self, request, remote_user):
        if not settings.SSO_HEADER:
            return None
        return super().authenticate(request, remote_user)

    def user_can_authenticate(self, user):
        if user is not None and user.is_superuser:
            logger.warning("SSO header named the superuser %r: refused; superusers sign in with a password.", user.pk)
            return False
        return super().user_can_authenticate(user)


class TrustedHeaderMiddleware(RemoteUserMiddleware):
    """Signs in the user named in the SSO_HEADER request header; does nothing when unset. The
    header is believed only on a connection from one of SSO_TRUSTED_PROXIES: from anywhere else
    the request is refused (403) and logged, whoever it names."""

    @property
    def header(self):
        return "HTTP_" + settings.SSO_HEADER.upper().replace("-", "_")

    def __call__(self, request):
        if not settings.SSO_HEADER:
            return self.get_response(request)
        if self.header in request.META and not is_address_in(
            request.META.get("REMOTE_ADDR"), settings.SSO_TRUSTED_PROXIES
        ):
            logger.warning(
                "Refused a request carrying the SSO header %s from %s, which is not in SSO_TRUSTED_PROXIES.",
                settings.SSO_HEADER,
                request.META.get("REMOTE_ADDR"),
            )
            return render(
                request,
                "403.html",
                {"exception": "This request names a person, but did not come through the City's sign-in service."},
                status=403,
            )
        return super().__call__(request)
