"""Stale provider access: reviews for managers, password rotations, and the jobs that open them.

The Standards make managers responsible for people being "restricted from using City-operated
social media accounts should their role change or employment ends. This includes ensuring
account passwords are updated/changed." Everything here is derived from the data, so the
nightly sweep re-finds what an event's task missed, and running anything twice changes nothing
the second time.

The jobs are set-based: each rule is one INSERT … SELECT (or UPDATE) over all grants, with the
audit rows written by a second INSERT … SELECT, so a sweep costs the same few statements for ten
grants or a hundred thousand. The SQL runs on PostgreSQL and on SQLite (the embedded default).
"""

import contextlib
import datetime
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from governance.models import AuditEvent, Employee, TrainingCourse, TrainingRecord
from governance.permissions import is_csc, manages_employee
from governance.selectors import directors
from governance.services import Message, WorkflowError, notify_many, record_event

from .. import tasks
from ..models import (
    AccessReview,
    CredentialRotation,
    GrantStatus,
    ProviderGrant,
    ReviewOutcome,
    ReviewReason,
    RotationCause,
    RotationReason,
    SocialAccount,
)
from . import registry

SYSTEM = "stale-access job"
ENDED_REASON = "Employment ended (HR roster)."
LIVE = (GrantStatus.ACTIVE, GrantStatus.UNDER_REVIEW, GrantStatus.SUSPENDED)
#: Grants that still let someone post: these are the ones a review is about.
IN_USE = (GrantStatus.ACTIVE, GrantStatus.UNDER_REVIEW)


def _table(model):
    return connection.ops.quote_name(model._meta.db_table)


T = {
    "grant": lambda: _table(ProviderGrant),
    "employee": lambda: _table(Employee),
    "account": lambda: _table(SocialAccount),
    "review": lambda: _table(AccessReview),
    "rotation": lambda: _table(CredentialRotation),
    "cause": lambda: _table(RotationCause),
    "audit": lambda: _table(AuditEvent),
    "training": lambda: _table(TrainingRecord),
}


def _sql(template):
    return template.format(**{name: table() for name, table in T.items()})


def _json():
    """A placeholder for a JSON value (PostgreSQL's jsonb needs the cast)."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def _in(ids):
    return "(" + ", ".join(["%s"] * len(ids)) + ")" if ids else "(NULL)"


def _execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, [_adapt(value) for value in params])
        return cursor.rowcount


def _adapt(value):
    """Parameters as the database stores them (SQLite keeps datetimes as naive UTC text)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _audit_sql(*, verb, model, id_expr, repr_expr, from_where):
    """INSERT … SELECT one audit event per selected row, by the system."""
    return _sql(
        "INSERT INTO {audit} (created_at, actor_id, actor_label, verb, target_type_id, target_id, "
        "target_repr, changes, note, ip_address) "
        f"SELECT %s, NULL, %s, '{verb}', {ContentType.objects.get_for_model(model).pk}, CAST({id_expr} AS TEXT), "
        f"SUBSTR({repr_expr}, 1, 255), {_json()}, %s, NULL " + from_where
    )


# --- which grants need a review ------------------------------------------------------------------

#: reason -> (the condition, on g (grant), e (employee) and t.latest (the latest expiry of their
#: social media training), and the moment that made it due). A review of that grant for that
#: reason opened at or after that moment (or still open) means this cause was already looked at.
_RULES = {
    ReviewReason.ROLE_CHANGED: (
        "e.employment_status = 'active' AND e.role_changed_at IS NOT NULL AND e.role_changed_at > g.designated_at",
        "e.role_changed_at",
    ),
    ReviewReason.ON_LEAVE: ("e.employment_status = 'leave'", "COALESCE(e.role_changed_at, g.designated_at)"),
    ReviewReason.TRAINING_EXPIRED: (
        "e.employment_status <> 'terminated' AND (t.latest IS NULL OR t.latest < %(today)s)",
        "COALESCE(t.latest, g.designated_at)",
    ),
    ReviewReason.RECERTIFICATION_DUE: (
        "e.employment_status <> 'terminated' AND g.recertify_by <= %(today)s",
        "g.recertify_by",
    ),
    ReviewReason.NOT_IN_ROSTER: (
        "e.employment_status <> 'terminated' AND e.in_hr_roster = FALSE",
        "COALESCE(e.roster_missing_since, g.designated_at)",
    ),
}


def _case(part):
    """One CASE over the reasons, choosing each rule's condition (0) or moment (1)."""
    return (
        "CASE rs.reason "
        + " ".join(f"WHEN '{reason.value}' THEN ({rule[part]})" for reason, rule in _RULES.items())
        + " END"
    )


_REASONS = " UNION ALL ".join(f"SELECT '{reason.value}' AS reason" for reason in _RULES)


def _bind(template, values):
    """Turn %(name)s markers into positional parameters, in order of appearance."""
    params = []
    out = template
    while "%(" in out:
        start = out.index("%(")
        end = out.index(")s", start)
        params.append(values[out[start + 2 : end]])
        out = out[:start] + "%s" + out[end + 2 :]
    return out, params


@dataclass
class SweepResult:
    """What one run of the stale-access jobs changed, by cause."""

    reviews_opened: dict = field(default_factory=dict)
    grants_revoked: int = 0
    grants_suspended: int = 0
    rotations_opened: int = 0
    rotation_causes_added: int = 0
    reviews_reminded: int = 0
    reviews_escalated: int = 0
    rotations_reminded: int = 0
    rotations_escalated: int = 0

    @property
    def changed_rows(self):
        return (
            sum(self.reviews_opened.values())
            + self.grants_revoked
            + self.grants_suspended
            + self.rotations_opened
            + self.rotation_causes_added
            + self.reviews_reminded
            + self.reviews_escalated
            + self.rotations_reminded
            + self.rotations_escalated
        )


def _employee_filter(employee_ids, column="e.id"):
    if employee_ids is None:
        return "", []
    return f" AND {column} IN {_in(employee_ids)}", list(employee_ids)


def _candidates_sql(employee_ids):
    """SELECT (grant, reason, manager) for every grant in use that a rule says may be stale and
    whose cause nobody looked at yet: one pass over all grants and all rules.

    "Looked at" is read from a summary of the reviews (one aggregate), joined to the grants,
    rather than a NOT EXISTS per grant: when the review table is small (a first sweep) the
    planner would answer NOT EXISTS with a scan of that very table per grant, and the rows this
    statement inserts make each scan longer — quadratic, over a minute for 100,000 grants."""
    values = {"today": timezone.localdate()}
    condition, condition_params = _bind(_case(0), values)
    moment, moment_params = _bind(_case(1), values)
    extra, extra_params = _employee_filter(employee_ids)
    sql = _sql(
        "SELECT g.id AS grant_id, rs.reason AS reason, e.manager_id AS manager_id "
        "FROM {grant} g JOIN {employee} e ON e.id = g.employee_id "
        "LEFT JOIN (SELECT employee_id, MAX(expires_on) AS latest FROM {training} WHERE course = %s "
        "GROUP BY employee_id) t ON t.employee_id = e.id "
        f"CROSS JOIN ({_REASONS}) rs "
        "LEFT JOIN (SELECT grant_id, reason, MAX(opened_at) AS last_opened, "
        "MAX(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END) AS still_open FROM {review} "
        "GROUP BY grant_id, reason) prior ON prior.grant_id = g.id AND prior.reason = rs.reason "
        f"WHERE g.status IN ('active', 'under_review'){extra} AND {condition} "
        f"AND (prior.grant_id IS NULL OR (prior.still_open = 0 AND prior.last_opened < {moment}))"
    )
    return sql, [TrainingCourse.SOCIAL_MEDIA, *extra_params, *condition_params, *moment_params]


def _open_reviews(*, now, employee_ids):
    """Open a review of every stale grant, audit each review and mark the grants under review.
    Returns the count per reason."""
    if connection.vendor == "postgresql":
        return _open_reviews_at_once(now=now, employee_ids=employee_ids)
    candidates, params = _candidates_sql(employee_ids)
    due = now + datetime.timedelta(days=settings.REVIEW_DUE_DAYS)
    inserted = _execute(
        _sql(
            "INSERT INTO {review} (grant_id, reason, opened_at, due_at, assigned_to_id, outcome, note) "
            f"SELECT c.grant_id, c.reason, %s, %s, c.manager_id, '', '' FROM ({candidates}) c"
        ),
        [now, due, *params],
    )
    if not inserted:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            _sql("SELECT reason, COUNT(*) FROM {review} WHERE opened_at = %s GROUP BY reason"), [_adapt(now)]
        )
        counts = dict(cursor.fetchall())
    for reason in counts:
        label = ReviewReason(reason).label
        _execute(
            _audit_sql(
                verb="review.opened",
                model=AccessReview,
                id_expr="r.id",
                repr_expr=f"'{label} review: ' || e.first_name || ' ' || e.last_name || ' on ' || a.display_name",
                from_where=_sql(
                    "FROM {review} r JOIN {grant} g ON g.id = r.grant_id JOIN {employee} e ON e.id = g.employee_id "
                    "JOIN {account} a ON a.id = g.account_id WHERE r.opened_at = %s AND r.reason = %s"
                ),
            ),
            [now, SYSTEM, json.dumps({"reason": {"before": None, "after": reason}}), "", now, reason],
        )
    _execute(
        _sql(
            "UPDATE {grant} SET status = 'under_review' WHERE status = 'active' AND id IN "
            "(SELECT grant_id FROM {review} WHERE opened_at = %s)"
        ),
        [now],
    )
    return counts


def _open_reviews_at_once(*, now, employee_ids):
    """PostgreSQL: the same work in a single statement — the reviews it inserts feed their
    audit rows and the grants' new status directly (RETURNING), with no second look-up."""
    candidates, params = _candidates_sql(employee_ids)
    labels = " ".join(f"WHEN '{reason.value}' THEN '{reason.label}'" for reason in ReviewReason)
    kind = ContentType.objects.get_for_model(AccessReview).pk
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(
                "WITH flagged AS (INSERT INTO {review} (grant_id, reason, opened_at, due_at, assigned_to_id, "
                f"outcome, note) SELECT c.grant_id, c.reason, %s, %s, c.manager_id, '', '' FROM ({candidates}) c "
                "RETURNING id, grant_id, reason), "
                "audited AS (INSERT INTO {audit} (created_at, actor_id, actor_label, verb, target_type_id, target_id, "
                "target_repr, changes, note, ip_address) "
                f"SELECT %s, NULL, %s, 'review.opened', {kind}, CAST(f.id AS TEXT), "
                f"SUBSTR((CASE f.reason {labels} END) || ' review: ' || e.first_name || ' ' || e.last_name || ' on ' "
                "|| a.display_name, 1, 255), jsonb_build_object('reason', jsonb_build_object('before', NULL, "
                "'after', f.reason)), '', NULL "
                "FROM flagged f JOIN {grant} g ON g.id = f.grant_id JOIN {employee} e ON e.id = g.employee_id "
                "JOIN {account} a ON a.id = g.account_id), "
                "marked AS (UPDATE {grant} g SET status = 'under_review' "
                "FROM (SELECT DISTINCT grant_id FROM flagged) f WHERE g.id = f.grant_id AND g.status = 'active') "
                "SELECT reason, COUNT(*) FROM flagged GROUP BY reason"
            ),
            [now, now + datetime.timedelta(days=settings.REVIEW_DUE_DAYS), *params, now, SYSTEM],
        )
        return dict(cursor.fetchall())


def _end_access_of_departed(*, now, employee_ids):
    """Revoke at once every live grant of employees whose employment ended."""
    extra, extra_params = _employee_filter(employee_ids, column="id")
    departed = (
        "g.status IN ('active', 'under_review', 'suspended') AND g.employee_id IN "
        f"(SELECT id FROM {{employee}} WHERE employment_status = 'terminated'{extra})"
    )
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(_sql(f"SELECT g.id FROM {{grant}} g WHERE {departed}{lock}"), extra_params)
        if cursor.fetchone() is None:
            return 0
    # Audit first, while each grant still shows the status it had.
    for status in LIVE:
        _audit_grants(
            "grant.revoked",
            f"{departed} AND g.status = '{status}'",
            extra_params,
            now=now,
            note=ENDED_REASON,
            changes={"status": {"before": status, "after": GrantStatus.REVOKED}},
        )
    revoked = _execute(
        _sql(
            "UPDATE {grant} SET status = 'revoked', revoked_at = %s, revoke_reason = %s, revoked_by_id = NULL "
            f"WHERE id IN (SELECT g.id FROM {{grant}} g WHERE {departed})"
        ),
        [now, ENDED_REASON, *extra_params],
    )
    _execute(
        _sql(
            "UPDATE {review} SET resolved_at = %s, outcome = 'revoked', note = %s WHERE resolved_at IS NULL AND "
            "grant_id IN (SELECT id FROM {grant} WHERE revoked_at = %s AND revoke_reason = %s)"
        ),
        [now, ENDED_REASON, now, ENDED_REASON],
    )
    return revoked


def _audit_grants(verb, condition, params, *, now, note, changes):
    _execute(
        _audit_sql(
            verb=verb,
            model=ProviderGrant,
            id_expr="g.id",
            repr_expr="e.first_name || ' ' || e.last_name || ' on ' || a.display_name",
            from_where=_sql(
                "FROM {grant} g JOIN {employee} e ON e.id = g.employee_id JOIN {account} a ON a.id = g.account_id "
                f"WHERE {condition}"
            ),
        ),
        [now, SYSTEM, json.dumps(changes), note, *params],
    )


def _rotate_for_grants(grant_condition, params, *, reason, now, result, told):
    """Open (or join) the password rotation of each account these grants gave access to, and
    list each grant as a cause. `grant_condition` is SQL on `g`. `told`: people were already
    told of these causes; otherwise the digest task tells them."""
    due = now + datetime.timedelta(hours=settings.ROTATION_DUE_HOURS)
    opened = _execute(
        _sql(
            "INSERT INTO {rotation} (account_id, opened_at, due_at, password_changed, recovery_checked, "
            "two_step_on, sessions_signed_out, note) "
            f"SELECT DISTINCT g.account_id, %s, %s, FALSE, FALSE, FALSE, FALSE, '' FROM {{grant}} g WHERE "
            f"{grant_condition} AND NOT EXISTS (SELECT 1 FROM {{rotation}} r WHERE r.account_id = g.account_id "
            "AND r.completed_at IS NULL)"
        ),
        [now, due, *params],
    )
    added = _execute(
        _sql(
            "INSERT INTO {cause} (rotation_id, reason, grant_id, added_at, notified_at) "
            "SELECT r.id, %s, g.id, %s, %s FROM {grant} g JOIN {rotation} r ON r.account_id = g.account_id AND "
            f"r.completed_at IS NULL WHERE {grant_condition} AND NOT EXISTS (SELECT 1 FROM {{cause}} c WHERE "
            "c.rotation_id = r.id AND c.reason = %s AND c.grant_id = g.id)"
        ),
        [reason, now, now if told else None, *params, reason],
    )
    if opened:
        _execute(
            _audit_sql(
                verb="rotation.opened",
                model=CredentialRotation,
                id_expr="r.id",
                repr_expr="'Password change: ' || a.display_name",
                from_where=_sql("FROM {rotation} r JOIN {account} a ON a.id = r.account_id WHERE r.opened_at = %s"),
            ),
            [now, SYSTEM, json.dumps({"reason": {"before": None, "after": reason}}), "", now],
        )
    if added:
        _execute(
            _audit_sql(
                verb="rotation.cause_added",
                model=CredentialRotation,
                id_expr="c.rotation_id",
                repr_expr="'Password change: ' || a.display_name || ' (' || e.first_name || ' ' || e.last_name || ')'",
                from_where=_sql(
                    "FROM {cause} c JOIN {grant} g ON g.id = c.grant_id JOIN {employee} e ON e.id = g.employee_id "
                    "JOIN {account} a ON a.id = g.account_id WHERE c.added_at = %s AND c.reason = %s"
                ),
            ),
            [now, SYSTEM, json.dumps({"cause": {"before": None, "after": reason}}), "", now, reason],
        )
    result.rotations_opened += opened
    result.rotation_causes_added += added


def sweep_stale_access(*, employee_ids=None, dry_run=False, now=None) -> SweepResult:
    """Re-derive every review and rotation the data calls for: departed employees' grants are
    revoked and their accounts get a rotation; role changes, leave, expired training, due
    recertification and absence from the HR roster open reviews for the employee's manager.
    `employee_ids` limits it to those employees (the task after an HR change). Each rule runs
    in its own transaction; a second run changes nothing. With `dry_run`, nothing is kept and
    nobody is told: the result says what a real run would do."""
    now = now or timezone.now()
    result = SweepResult()
    # A dry run wraps the steps in one transaction it rolls back; a real run commits each step
    # (one rule over all grants) on its own, then tells people in a last transaction.
    with transaction.atomic() if dry_run else _nothing():
        with transaction.atomic():
            result.grants_revoked = _end_access_of_departed(now=now, employee_ids=employee_ids)
            if result.grants_revoked:
                _rotate_for_grants(
                    "g.revoked_at = %s AND g.revoke_reason = %s",
                    [now, ENDED_REASON],
                    reason=RotationReason.PROVIDER_REMOVED,
                    now=now,
                    result=result,
                    told=False,
                )
        with transaction.atomic():
            opened = _open_reviews(now=now, employee_ids=employee_ids)
            result.reviews_opened = {reason.value: opened.get(reason.value, 0) for reason in _RULES}
        if dry_run:
            transaction.set_rollback(True)
        elif result.changed_rows:
            # Telling people is a side effect for a task, after the changes are committed.
            transaction.on_commit(tasks.send_access_digests.delay)
    return result


@contextlib.contextmanager
def _nothing():
    yield


def escalate_overdue(*, now=None, dry_run=False) -> SweepResult:
    """The hourly job: remind before due, and escalate what is overdue. An overdue review
    suspends its grant (which opens or joins a rotation) and goes to the Director; an overdue
    rotation goes to the Director. Each reminder and escalation happens once."""
    now = now or timezone.now()
    result = SweepResult()
    review_lead = min(datetime.timedelta(days=2), datetime.timedelta(days=settings.REVIEW_DUE_DAYS) / 2)
    rotation_lead = max(datetime.timedelta(hours=1), datetime.timedelta(hours=settings.ROTATION_DUE_HOURS) / 4)
    with transaction.atomic():
        result.reviews_reminded = _execute(
            _sql(
                "UPDATE {review} SET reminded_at = %s WHERE resolved_at IS NULL AND reminded_at IS NULL AND "
                "escalated_at IS NULL AND due_at > %s AND due_at <= %s"
            ),
            [now, now, now + review_lead],
        )
        result.rotations_reminded = _execute(
            _sql(
                "UPDATE {rotation} SET reminded_at = %s WHERE completed_at IS NULL AND reminded_at IS NULL AND "
                "escalated_at IS NULL AND due_at > %s AND due_at <= %s"
            ),
            [now, now, now + rotation_lead],
        )
        result.reviews_escalated = _execute(
            _sql(
                "UPDATE {review} SET escalated_at = %s "
                "WHERE resolved_at IS NULL AND escalated_at IS NULL AND due_at <= %s"
            ),
            [now, now],
        )
        if result.reviews_escalated:
            _execute(
                _audit_sql(
                    verb="review.escalated",
                    model=AccessReview,
                    id_expr="r.id",
                    repr_expr="'Overdue review: ' || e.first_name || ' ' || e.last_name || ' on ' || a.display_name",
                    from_where=_sql(
                        "FROM {review} r JOIN {grant} g ON g.id = r.grant_id JOIN {employee} e ON "
                        "e.id = g.employee_id JOIN {account} a ON a.id = g.account_id WHERE r.escalated_at = %s"
                    ),
                ),
                [now, SYSTEM, json.dumps({"escalated": {"before": False, "after": True}}), "", now],
            )
            suspend = (
                "g.status IN ('active', 'under_review') AND g.id IN "
                "(SELECT grant_id FROM {review} WHERE escalated_at = %s)"
            )
            for status in IN_USE:
                _audit_grants(
                    "grant.suspended",
                    _sql(f"{suspend} AND g.status = '{status}'"),
                    [now],
                    now=now,
                    note="Access review overdue.",
                    changes={"status": {"before": status, "after": GrantStatus.SUSPENDED}},
                )
            result.grants_suspended = _execute(
                _sql(
                    "UPDATE {grant} SET status = 'suspended' "
                    f"WHERE id IN (SELECT g.id FROM {{grant}} g WHERE {suspend})"
                ),
                [now],
            )
            _rotate_for_grants(
                "g.status = 'suspended' AND g.id IN (SELECT grant_id FROM "
                + T["review"]()
                + " WHERE escalated_at = %s)",
                [now],
                reason=RotationReason.PROVIDER_REMOVED,
                now=now,
                result=result,
                told=True,  # the escalation message says so
            )
        result.rotations_escalated = _execute(
            _sql(
                "UPDATE {rotation} SET escalated_at = %s WHERE completed_at IS NULL AND escalated_at IS NULL AND "
                "due_at <= %s"
            ),
            [now, now],
        )
        if result.rotations_escalated:
            _execute(
                _audit_sql(
                    verb="rotation.escalated",
                    model=CredentialRotation,
                    id_expr="r.id",
                    repr_expr="'Overdue password change: ' || a.display_name",
                    from_where=_sql(
                        "FROM {rotation} r JOIN {account} a ON a.id = r.account_id WHERE r.escalated_at = %s"
                    ),
                ),
                [now, SYSTEM, json.dumps({"escalated": {"before": False, "after": True}}), "", now],
            )
        if dry_run:
            transaction.set_rollback(True)
        else:
            _notify_escalation(now, result)
    return result


# --- telling people (one digest per person, one insert for all) ------------------------------------


def _users(ids):
    return {
        user.pk: user
        for user in get_user_model().objects.filter(pk__in=set(ids) - {None}, is_active=True).select_related("employee")
    }


def _item(row):
    """A line of a digest, as plain values for the email templates."""
    return {
        "provider": row["provider"],
        "account": row["account"],
        "platform": row["platform"],
        "reason": row.get("reason", ""),
        "due": timezone.localtime(row["due"]).strftime("%Y-%m-%d %H:%M") if row.get("due") else "",
    }


#: A digest lists this many lines, then says how many more there are.
DIGEST_LINES = 50


def _digest(messages, kind, link, rows, recipient_key=None, *, extra_users=(), context=None):
    """One message per recipient listing their rows (`recipient_key` names the row's user id),
    and one overview of all rows for `extra_users` (the Directors). Long lists are cut short."""
    by_recipient = {}
    for row in rows if recipient_key else ():
        by_recipient.setdefault(row[recipient_key], []).append(row)
    users = _users(by_recipient)
    for user_id, mine in by_recipient.items():
        if user_id in users:
            messages.append(Message(kind, _digest_context(mine, context), link, (users[user_id],)))
    if extra_users and rows:
        messages.append(Message(kind, {**_digest_context(rows, context), "overview": True}, link, tuple(extra_users)))


def _digest_context(rows, context):
    return {
        **(context or {}),
        "items": [_item(row) for row in rows[:DIGEST_LINES]],
        "count": len(rows),
        "more": max(0, len(rows) - DIGEST_LINES),
    }


def _review_rows(**filters):
    return [
        {
            "manager_user": review.assigned_to.user_id if review.assigned_to else None,
            "provider": review.grant.employee.full_name,
            "account": review.grant.account.display_name,
            "platform": review.grant.account.get_platform_display(),
            "reason": review.get_reason_display(),
            "due": review.due_at,
        }
        for review in AccessReview.objects.filter(**filters).select_related(
            "assigned_to", "grant__employee", "grant__account"
        )
    ]


def _departure_rows(**filters):
    return [
        {
            "manager_user": cause.rotation.account.accountable_manager.user_id,
            "provider": cause.grant.employee.full_name,
            "account": cause.rotation.account.display_name,
            "platform": cause.rotation.account.get_platform_display(),
            "reason": cause.grant.revoke_reason,
            "due": cause.rotation.due_at,
        }
        for cause in RotationCause.objects.filter(grant__isnull=False, **filters).select_related(
            "grant__employee", "rotation__account__accountable_manager"
        )
    ]


def _rotation_rows(**filters):
    return [
        {
            "manager_user": rotation.account.accountable_manager.user_id,
            "provider": "",
            "account": rotation.account.display_name,
            "platform": rotation.account.get_platform_display(),
            "due": rotation.due_at,
        }
        for rotation in CredentialRotation.objects.filter(**filters).select_related("account__accountable_manager")
    ]


def send_access_digests(*, now=None):
    """Tell each manager about the reviews opened in their team and the departures among the
    providers of accounts they are accountable for, and the Director about role changes and
    departures — one digest each, once: what was told is marked, and a repeat finds nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        reviews = AccessReview.objects.filter(notified_at__isnull=True).update(notified_at=now)
        causes = RotationCause.objects.filter(notified_at__isnull=True).update(notified_at=now)
        messages = []
        the_directors = list(directors()) if reviews or causes else []
        if reviews:
            rows = _review_rows(notified_at=now)
            _digest(messages, "access_reviews_opened", "/team/access/", rows, "manager_user")
            role_changes = [row for row in rows if row["reason"] == ReviewReason.ROLE_CHANGED.label]
            if role_changes:  # the Director hears of role changes (DESIGN §4)
                _digest(messages, "access_reviews_opened", "/team/access/", role_changes, extra_users=the_directors)
        if causes:
            rows = _departure_rows(notified_at=now)
            _digest(
                messages,
                "access_ended",
                "/rotations/",
                rows,
                "manager_user",
                extra_users=the_directors,
                context={"due_hours": settings.ROTATION_DUE_HOURS},
            )
        notify_many(messages)
    return reviews, causes


def _notify_escalation(now, result):
    messages = []
    if result.reviews_reminded:
        _digest(messages, "access_review_reminder", "/team/access/", _review_rows(reminded_at=now), "manager_user")
    if result.rotations_reminded:
        _digest(messages, "rotation_reminder", "/rotations/", _rotation_rows(reminded_at=now), "manager_user")
    if result.reviews_escalated:
        rows = _review_rows(escalated_at=now)
        _digest(
            messages, "access_review_escalated", "/team/access/", rows, "manager_user", extra_users=list(directors())
        )
    if result.rotations_escalated:
        _digest(
            messages,
            "rotation_escalated",
            "/rotations/",
            _rotation_rows(escalated_at=now),
            extra_users=list(directors()),
        )
    notify_many(messages)


# --- what people do with reviews and rotations ---------------------------------------------------


def may_resolve(user, grant):
    """The employee's managers (their whole chain) and the communications team."""
    return is_csc(user) or manages_employee(user, grant.employee)


def keep_access(*, review, acting_user, note, recertify_by=None) -> AccessReview:
    """The manager confirms the access is still needed: the review is resolved as kept, the
    grant is back in use with a new recertify-by date. Audit event `review.kept`."""
    if not note.strip():
        raise WorkflowError("Say why this access is still needed.")
    with transaction.atomic():
        locked = (
            AccessReview.objects.select_for_update(of=("self",)).select_related("grant__employee").get(pk=review.pk)
        )
        grant = ProviderGrant.objects.select_for_update().get(pk=locked.grant_id)
        if not may_resolve(acting_user, locked.grant):
            raise PermissionDenied("Only the provider's manager or the communications team can resolve this review.")
        if locked.resolved_at is not None:
            raise WorkflowError("This review was already resolved.")
        if grant.status == GrantStatus.REVOKED:
            raise WorkflowError("This access was already revoked.")
        today = timezone.localdate()
        latest = registry.add_months(today, settings.RECERTIFY_MONTHS)
        recertify_by = recertify_by or latest
        if not today < recertify_by <= latest:
            raise WorkflowError(f"Choose a recertification date after today and no later than {latest:%B %-d, %Y}.")
        now = timezone.now()
        locked.resolved_at, locked.resolved_by, locked.outcome, locked.note = now, acting_user, ReviewOutcome.KEPT, note
        locked.save(update_fields=["resolved_at", "resolved_by", "outcome", "note"])
        before = {"status": grant.status, "recertify_by": grant.recertify_by.isoformat()}
        still_open = AccessReview.objects.filter(grant=grant, resolved_at__isnull=True).exists()
        grant.status = GrantStatus.UNDER_REVIEW if still_open else GrantStatus.ACTIVE
        grant.recertify_by = recertify_by
        grant.save(update_fields=["status", "recertify_by"])
        record_event(
            verb="review.kept",
            target=locked,
            acting_user=acting_user,
            note=note,
            changes={
                "grant_status": {"before": before["status"], "after": grant.status},
                "recertify_by": {"before": before["recertify_by"], "after": recertify_by.isoformat()},
            },
        )
    return locked


def resolve_reviews_as_revoked(grant, *, acting_user, reason, now):
    """Close the grant's open reviews: the access they asked about is gone."""
    for review in AccessReview.objects.select_for_update().filter(grant=grant, resolved_at__isnull=True):
        review.resolved_at, review.resolved_by, review.outcome, review.note = (
            now,
            acting_user,
            ReviewOutcome.REVOKED,
            reason,
        )
        review.save(update_fields=["resolved_at", "resolved_by", "outcome", "note"])
        record_event(verb="review.revoked", target=review, acting_user=acting_user, note=reason)


def open_rotation(*, account, reason, grant=None, acting_user=None, now=None) -> CredentialRotation:
    """Open the account's password rotation, or join the open one, listing this cause."""
    now = now or timezone.now()
    rotation = CredentialRotation.objects.select_for_update().filter(account=account, completed_at__isnull=True).first()
    if rotation is None:
        try:
            with transaction.atomic():
                rotation = CredentialRotation.objects.create(
                    account=account, opened_at=now, due_at=now + datetime.timedelta(hours=settings.ROTATION_DUE_HOURS)
                )
        except IntegrityError:  # another transaction opened it a moment ago: join that one
            rotation = CredentialRotation.objects.select_for_update().get(account=account, completed_at__isnull=True)
        else:
            record_event(
                verb="rotation.opened",
                target=rotation,
                acting_user=acting_user,
                changes={"reason": {"before": None, "after": reason}},
            )
    # Whoever acted here tells the people concerned themselves (revocation, decommissioning).
    _cause, created = RotationCause.objects.get_or_create(
        rotation=rotation, reason=reason, grant=grant, defaults={"added_at": now, "notified_at": now}
    )
    if created:
        record_event(
            verb="rotation.cause_added",
            target=rotation,
            acting_user=acting_user,
            changes={"cause": {"before": None, "after": reason}},
            note=f"{grant.employee.full_name}" if grant else "",
        )
    return rotation


def complete_rotation(*, rotation, acting_user, attestations, note="") -> CredentialRotation:
    """Record that the account's password was changed, with the attestation checklist. The
    portal never asks for, accepts or stores a password. Audit event `rotation.completed`."""
    required = ("password_changed", "recovery_checked", "two_step_on", "sessions_signed_out")
    missing = [name for name in required if not attestations.get(name)]
    if missing:
        labels = [CredentialRotation._meta.get_field(name).verbose_name for name in missing]
        raise WorkflowError("Confirm every step before recording the change: " + "; ".join(labels) + ".")
    with transaction.atomic():
        locked = CredentialRotation.objects.select_for_update().get(pk=rotation.pk)
        if locked.completed_at is not None:
            raise WorkflowError("This password change was already recorded.")
        now = timezone.now()
        locked.completed_at, locked.completed_by, locked.note = now, acting_user, note
        for name in required:
            setattr(locked, name, True)
        locked.save()
        SocialAccount.objects.filter(pk=locked.account_id).update(password_rotated_at=now)
        record_event(
            verb="rotation.completed",
            target=locked,
            acting_user=acting_user,
            note=note,
            changes={name: {"before": False, "after": True} for name in required},
        )
    return locked
