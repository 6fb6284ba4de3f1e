"""Sign-in backends: passwords (with django-axes in front) and an optional trusted SSO header."""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend, RemoteUserBackend
from django.contrib.auth.middleware import RemoteUserMiddleware
from django.contrib.auth.models import Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection, connections, router
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.db.models.query import get_related_populators
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


class _IdentityStatement:
    """`signed_in_users().get(pk=…)`, built and compiled once per process and database.

    Django spends several times longer building and compiling that queryset (its annotations,
    `Exists`, `Subquery`, `ArraySubquery`) than the database spends answering it, on every
    request. The SQL and the way its columns become a user (with the employee record, the
    business unit and the manager attached) never change between requests — only the user's
    id does — so they are prepared once and reused. Nothing about the person is kept between
    requests: each request still reads the user, their employment, roles and unread count
    fresh, so a terminated or demoted person loses their powers on their next request.
    """

    #: Stands in for the user's id while compiling; replaced by the real id on each request.
    _PLACEHOLDER = -7_345_019_283

    def __init__(self, alias: str):
        queryset = signed_in_users().filter(pk=self._PLACEHOLDER).order_by()
        compiler = queryset.query.get_compiler(using=alias)
        self.sql, params = compiler.as_sql()
        self.params = list(params)
        positions = [i for i, value in enumerate(self.params) if value == self._PLACEHOLDER]
        if len(positions) != 1:  # pragma: no cover — a change to signed_in_users() would show here
            raise RuntimeError("The identity statement must take the user's id exactly once.")
        self.position = positions[0]
        self.compiler = compiler
        klass_info = compiler.klass_info
        select = compiler.select
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, alias)
        self.annotations = dict(compiler.annotation_col_map)
        self.alias = alias

    def fetch(self, user_id):
        params = list(self.params)
        params[self.position] = user_id
        with connections[self.alias].cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchmany(2)
        for row in self.compiler.results_iter([rows]):
            user = self.model.from_db(self.alias, self.init_list, row[self.start : self.end])
            for populator in self.populators:
                populator.populate(row, user)
            for name, position in self.annotations.items():
                setattr(user, name, row[position])
            return user
        return None


_identity_statements: dict[tuple[str, str, str], _IdentityStatement] = {}


def load_signed_in_user(user_id):
    """The signed-in user as `signed_in_users()` gives them, or None; one query, no ORM
    compilation after the first request of the process."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    alias = router.db_for_read(get_user_model())
    connection_ = connections[alias]
    key = (alias, connection_.vendor, str(connection_.settings_dict["NAME"]))
    statement = _identity_statements.get(key)
    if statement is None:
        statement = _identity_statements[key] = _IdentityStatement(alias)
    return statement.fetch(user_id)


class PortalModelBackend(ModelBackend):
    """The password backend, loading the signed-in user as every page needs them (one query)."""

    def get_user(self, user_id):
        user = load_signed_in_user(user_id)
        if user is None:
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
