"""Stale provider access: reviews for managers, password rotations, and the jobs that open them.

The Standards make managers responsible for people being "restricted from using City-operated
social media accounts should their role change or employment ends. This includes ensuring
account passwords are updated/changed." Everything here is derived from the data, so the
nightly sweep re-finds what an event's task missed, and running anything twice changes nothing
the second time.

The jobs are set-based, so a sweep costs the same few statements for ten grants or a hundred
thousand. On PostgreSQL each step is one statement: the rows an INSERT or UPDATE changes feed
their audit rows, the grants' new status and the password rotations directly (data-modifying
CTEs with RETURNING), so nothing is looked for twice. On SQLite (the embedded default: one
writer at a time, a demo's worth of rows) the same work is a few statements in one transaction,
which find their rows again by the run's condition or timestamp.
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

from governance.audit_verbs import Verb
from governance.models import (
    AuditEvent,
    Employee,
    PolicyAcknowledgement,
    StandardsVersion,
    TrainingCourse,
    TrainingRecord,
)
from governance.selectors import directors
from governance.services import Message, WorkflowError, notify_many, record_event

from .. import tasks
from ..models import (
    LIVE_GRANT_STATUSES,
    OPERATING_GRANT_STATUSES,
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
from ..permissions import can_resolve_review
from . import registry

SYSTEM = "stale-access job"
ENDED_REASON = "Employment ended (HR roster)."
OVERDUE_NOTE = "Access review overdue."


def _statuses(statuses):
    """Grant statuses as a SQL list: ('active', 'under_review')."""
    return "(" + ", ".join(f"'{GrantStatus(status).value}'" for status in statuses) + ")"


#: Grants that still give, or may again give, access (not revoked).
LIVE = _statuses(LIVE_GRANT_STATUSES)
#: Grants that still let someone post: these are the ones a review is about.
OPERATING = _statuses(OPERATING_GRANT_STATUSES)


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
    "standards": lambda: _table(StandardsVersion),
    "acknowledgement": lambda: _table(PolicyAcknowledgement),
}


def _sql(template):
    return template.format(**{name: table() for name, table in T.items()})


def _postgresql():
    return connection.vendor == "postgresql"


def _in(ids):
    return "(" + ", ".join(["%s"] * len(ids)) + ")" if ids else "(NULL)"


def _adapt(value):
    """Parameters as the database stores them (SQLite keeps datetimes as naive UTC text)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, datetime.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _bind(template, values):
    """Turn %(name)s markers into positional parameters, in order of appearance; a list value
    becomes a parenthesised list of parameters (for IN)."""
    params = []
    parts = []
    rest = template
    while "%(" in rest:
        start = rest.index("%(")
        end = rest.index(")s", start)
        value = values[rest[start + 2 : end]]
        parts.append(rest[:start])
        if isinstance(value, list | tuple):
            parts.append(_in(value))
            params.extend(value)
        else:
            parts.append("%s")
            params.append(value)
        rest = rest[end + 2 :]
    parts.append(rest)
    return "".join(parts), params


def _execute(template, values):
    """Run one statement written with {table} names and %(name)s parameters: its row count."""
    sql, params = _bind(_sql(template), values)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_adapt(value) for value in params])
        return cursor.rowcount


def _fetch(template, values):
    """Run one statement, as `_execute`, and return its rows."""
    sql, params = _bind(_sql(template), values)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_adapt(value) for value in params])
        return cursor.fetchall()


def _change(name, before, after):
    """SQL for an audit row's changes, {name: {before, after}}, from SQL expressions."""
    build = "jsonb_build_object" if _postgresql() else "json_object"
    return f"{build}('{name}', {build}('before', {before}, 'after', {after}))"


def _json(name):
    """SQL for a JSON value given as the parameter %(name)s (PostgreSQL's jsonb needs the cast)."""
    return f"CAST(%({name})s AS jsonb)" if _postgresql() else f"%({name})s"


#: The changes of an escalation, as a parameter: SQLite's json_object would write TRUE as 1.
ESCALATED = json.dumps({"escalated": {"before": False, "after": True}})


def _audit(verb, model, *, id_expr, repr_expr, changes, note="''", rest):
    """INSERT … SELECT one audit event per selected row, by the system, at %(now)s. `changes` and
    `note` are SQL expressions; `rest` is the statement's FROM … WHERE. The target's content type
    is read by the statement itself: a long-lived worker's cache of ids could be out of date."""
    kind = (
        f"(SELECT id FROM {_table(ContentType)} "
        f"WHERE app_label = '{model._meta.app_label}' AND model = '{model._meta.model_name}')"
    )
    return (
        "INSERT INTO {audit} (created_at, actor_id, actor_label, verb, target_type_id, target_id, "
        "target_repr, changes, note, ip_address) "
        f"SELECT %(now)s, NULL, %(system)s, '{verb}', {kind}, CAST({id_expr} AS TEXT), "
        f"SUBSTR({repr_expr}, 1, 255), {changes}, {note}, NULL {rest}"
    )


_PROVIDER_ON_ACCOUNT = "e.first_name || ' ' || e.last_name || ' on ' || a.display_name"


def _review_label():
    """SQL naming a review's reason (`r.reason`) as people read it."""
    return "CASE r.reason " + " ".join(f"WHEN '{r.value}' THEN '{r.label}'" for r in ReviewReason) + " END"


def _grant_audit(verb, *, source, before, after, note):
    """Audit each grant of `source` (rows g with employee_id and account_id) changing status."""
    return _audit(
        verb,
        ProviderGrant,
        id_expr="g.id",
        repr_expr=_PROVIDER_ON_ACCOUNT,
        changes=_change("status", before, f"'{after}'"),
        note=note,
        rest=f"FROM {source} g JOIN {{employee}} e ON e.id = g.employee_id JOIN {{account}} a ON a.id = g.account_id",
    )


def _review_audit(verb, *, source, changes, note="''", kind=None):
    """Audit each review of `source` (rows r with id, grant_id and reason), named by its reason
    or by `kind` ("Role changed review: …", "Overdue review: …")."""
    return _audit(
        verb,
        AccessReview,
        id_expr="r.id",
        repr_expr=f"{kind or _review_label()} || ' review: ' || {_PROVIDER_ON_ACCOUNT}",
        changes=changes,
        note=note,
        rest=f"FROM {source} r JOIN {{grant}} g ON g.id = r.grant_id JOIN {{employee}} e ON e.id = g.employee_id "
        "JOIN {account} a ON a.id = g.account_id",
    )


# --- which grants need a review ------------------------------------------------------------------

#: reason -> (the condition, on g (grant), e (employee), t.latest (the latest expiry of their
#: social media training), sv (the version of the Standards in force, if its window to
#: acknowledge it has closed) and ak (the employee's acknowledgement of it), and the moment that
#: made it due). A review of that grant for that
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
    ReviewReason.STANDARDS_NOT_ACKNOWLEDGED: (
        "e.employment_status <> 'terminated' AND sv.id IS NOT NULL AND ak.id IS NULL",
        "sv.acknowledge_by",
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
    """SQL limiting a statement to these employees (all when None), with %(employee_ids)s."""
    return "" if employee_ids is None else f" AND {column} IN %(employee_ids)s"


def _candidates_sql(employee_ids):
    """SELECT (grant, reason, manager) for every grant in use that a rule says may be stale and
    whose cause nobody looked at yet: one pass over all grants and all rules.

    "Looked at" is read from a summary of the reviews (one aggregate), joined to the grants,
    rather than a NOT EXISTS per grant: when the review table is small (a first sweep) the
    planner would answer NOT EXISTS with a scan of that very table per grant, and the rows this
    statement inserts make each scan longer — quadratic, over a minute for 100,000 grants."""
    return (
        "SELECT g.id AS grant_id, rs.reason AS reason, e.manager_id AS manager_id "
        "FROM {grant} g JOIN {employee} e ON e.id = g.employee_id "
        "LEFT JOIN (SELECT employee_id, MAX(expires_on) AS latest FROM {training} WHERE course = %(course)s "
        "GROUP BY employee_id) t ON t.employee_id = e.id "
        # The version in force, when the window to acknowledge it has closed (one row or none).
        "LEFT JOIN (SELECT id, acknowledge_by FROM {standards} WHERE published_at IS NOT NULL "
        "AND effective_from <= %(now)s AND acknowledge_by <= %(now)s AND id = (SELECT id FROM {standards} "
        "WHERE published_at IS NOT NULL AND effective_from <= %(now)s ORDER BY effective_from DESC LIMIT 1)) sv "
        "ON 1 = 1 "
        "LEFT JOIN {acknowledgement} ak ON ak.employee_id = e.id AND ak.standards_version_id = sv.id "
        f"CROSS JOIN ({_REASONS}) rs "
        "LEFT JOIN (SELECT grant_id, reason, MAX(opened_at) AS last_opened, "
        "MAX(CASE WHEN resolved_at IS NULL THEN 1 ELSE 0 END) AS still_open FROM {review} "
        "GROUP BY grant_id, reason) prior ON prior.grant_id = g.id AND prior.reason = rs.reason "
        f"WHERE g.status IN {OPERATING}{_employee_filter(employee_ids)} AND {_case(0)} "
        f"AND (prior.grant_id IS NULL OR (prior.still_open = 0 AND prior.last_opened < {_case(1)}))"
    )


def _values(now, employee_ids, **more):
    return {
        "now": now,
        "system": SYSTEM,
        "today": timezone.localdate(),
        "course": TrainingCourse.SOCIAL_MEDIA,
        "employee_ids": list(employee_ids or ()),
        **more,
    }


def _open_reviews(*, now, employee_ids):
    """Open a review of every stale grant, audit each review and mark the grants under review.
    Returns the count per reason."""
    values = _values(now, employee_ids, due=now + datetime.timedelta(days=settings.REVIEW_DUE_DAYS))
    insert = (
        "INSERT INTO {review} (grant_id, reason, opened_at, due_at, assigned_to_id, outcome, note) "
        f"SELECT c.grant_id, c.reason, %(now)s, %(due)s, c.manager_id, '', '' FROM ({_candidates_sql(employee_ids)}) c"
    )
    opened = _change("reason", "NULL", "r.reason")
    if _postgresql():
        # One statement: the reviews it inserts feed their audit rows and the grants' new status.
        return dict(
            _fetch(
                f"WITH flagged AS ({insert} RETURNING id, grant_id, reason), "
                f"audited AS ({_review_audit(Verb.REVIEW_OPENED, source='flagged', changes=opened)}), "
                "marked AS (UPDATE {grant} g SET status = 'under_review' "
                "FROM (SELECT DISTINCT grant_id FROM flagged) f WHERE g.id = f.grant_id AND g.status = 'active') "
                "SELECT reason, COUNT(*) FROM flagged GROUP BY reason",
                values,
            )
        )
    if not _execute(insert, values):
        return {}
    # review_opened_idx finds this run's reviews again.
    _execute(
        _review_audit(
            Verb.REVIEW_OPENED,
            source="(SELECT id, grant_id, reason FROM {review} WHERE opened_at = %(now)s)",
            changes=opened,
        ),
        values,
    )
    _execute(
        "UPDATE {grant} SET status = 'under_review' WHERE status = 'active' AND id IN "
        "(SELECT grant_id FROM {review} WHERE opened_at = %(now)s)",
        values,
    )
    return dict(_fetch("SELECT reason, COUNT(*) FROM {review} WHERE opened_at = %(now)s GROUP BY reason", values))


# --- departures and suspensions: grants that end now, and the passwords to change ------------------


def _departed(employee_ids):
    """SQL on g: the live grants of employees whose employment ended."""
    return (
        f"g.status IN {LIVE} AND g.employee_id IN (SELECT id FROM {{employee}} "
        f"WHERE employment_status = 'terminated'{_employee_filter(employee_ids, column='id')})"
    )


def _closed_reviews_audit(source):
    """Audit each review of `source` as closed: its provider's access was revoked (%(reason)s)."""
    changes = _change("outcome", "NULL", f"'{ReviewOutcome.REVOKED.value}'")
    return _review_audit(Verb.REVIEW_REVOKED, source=source, changes=changes, note="%(reason)s")


def _end_access_of_departed(*, now, employee_ids, result):
    """Revoke at once every live grant of employees whose employment ended: audit each grant
    (with the status it had) and each of its open reviews, which close as revoked, and open or
    join the password rotation of each account they could use; the digest task tells people."""
    values = _values(
        now,
        employee_ids,
        reason=ENDED_REASON,
        cause=RotationReason.PROVIDER_REMOVED.value,
        due=now + datetime.timedelta(hours=settings.ROTATION_DUE_HOURS),
        told=None,
    )
    departed = _departed(employee_ids)
    revoked_audit = _grant_audit(
        Verb.GRANT_REVOKED, source="revoked", before="g.old_status", after=GrantStatus.REVOKED.value, note="%(reason)s"
    )
    if _postgresql():
        # One statement: the grants it locks and revokes (RETURNING the status each had) feed
        # their audit rows, the closing of their reviews and the rotations of their accounts.
        [(revoked, opened, added)] = _fetch(
            f"WITH departed AS (SELECT g.id, g.status FROM {{grant}} g WHERE {departed} FOR UPDATE), "
            "revoked AS (UPDATE {grant} g SET status = 'revoked', revoked_at = %(now)s, revoke_reason = %(reason)s, "
            "revoked_by_id = NULL FROM departed d WHERE g.id = d.id "
            "RETURNING g.id, g.employee_id, g.account_id, d.status AS old_status), "
            f"revoked_audit AS ({revoked_audit}), "
            "closed AS (UPDATE {review} r SET resolved_at = %(now)s, outcome = 'revoked', note = %(reason)s "
            "WHERE r.resolved_at IS NULL AND r.grant_id IN (SELECT id FROM revoked) "
            "RETURNING r.id, r.grant_id, r.reason), "
            f"closed_audit AS ({_closed_reviews_audit('closed')}), "
            f"{_rotation_ctes('revoked')} "
            "SELECT (SELECT COUNT(*) FROM revoked), (SELECT COUNT(*) FROM opened), (SELECT COUNT(*) FROM added)",
            values,
        )
        result.grants_revoked += revoked
        result.rotations_opened += opened
        result.rotation_causes_added += added
        return
    # SQLite: everything is read while the grants still show the status they had; then revoke.
    revoked = _execute(
        _grant_audit(
            Verb.GRANT_REVOKED,
            source=f"(SELECT * FROM {{grant}} g WHERE {departed})",
            before="g.status",
            after=GrantStatus.REVOKED.value,
            note="%(reason)s",
        ),
        values,
    )
    if not revoked:
        return
    open_reviews = f"resolved_at IS NULL AND grant_id IN (SELECT g.id FROM {{grant}} g WHERE {departed})"
    _execute(_closed_reviews_audit(f"(SELECT id, grant_id, reason FROM {{review}} WHERE {open_reviews})"), values)
    _execute(
        f"UPDATE {{review}} SET resolved_at = %(now)s, outcome = 'revoked', note = %(reason)s WHERE {open_reviews}",
        values,
    )
    _rotate_for_grants(f"SELECT g.id, g.account_id FROM {{grant}} g WHERE {departed}", values, result)
    _execute(
        "UPDATE {grant} SET status = 'revoked', revoked_at = %(now)s, revoke_reason = %(reason)s, revoked_by_id = NULL "
        f"WHERE id IN (SELECT g.id FROM {{grant}} g WHERE {departed})",
        values,
    )
    result.grants_revoked += revoked


def _rotation_ctes(source):
    """PostgreSQL: CTEs `opened` and `added` that open (or join) the password rotation of the
    account of each grant in `source` (a CTE of id, employee_id, account_id), list the grant as
    a cause (%(cause)s, told at %(told)s), and audit both."""
    added = f"(SELECT c.rotation_id, s.employee_id, s.account_id FROM added c JOIN {source} s ON s.id = c.grant_id)"
    return (
        "opened AS (INSERT INTO {rotation} (account_id, opened_at, due_at, password_changed, recovery_checked, "
        "two_step_on, sessions_signed_out, note) "
        f"SELECT DISTINCT s.account_id, %(now)s, %(due)s, FALSE, FALSE, FALSE, FALSE, '' FROM {source} s "
        "WHERE NOT EXISTS (SELECT 1 FROM {rotation} r WHERE r.account_id = s.account_id AND r.completed_at IS NULL) "
        "RETURNING id, account_id), "
        # The statement cannot see the rotations it opens in the table itself: those come from `opened`.
        "open_rotations AS (SELECT id, account_id FROM opened UNION ALL SELECT r.id, r.account_id FROM {rotation} r "
        f"WHERE r.completed_at IS NULL AND r.account_id IN (SELECT account_id FROM {source})), "
        "added AS (INSERT INTO {cause} (rotation_id, reason, grant_id, added_at, notified_at) "
        f"SELECT o.id, %(cause)s, s.id, %(now)s, %(told)s FROM {source} s "
        "JOIN open_rotations o ON o.account_id = s.account_id WHERE NOT EXISTS (SELECT 1 FROM {cause} c "
        "WHERE c.rotation_id = o.id AND c.reason = %(cause)s AND c.grant_id = s.id) "
        "RETURNING rotation_id, grant_id), "
        f"opened_audit AS ({_rotation_opened_audit('opened')}), "
        f"added_audit AS ({_cause_audit(added)})"
    )


def _rotation_opened_audit(source):
    """Audit each rotation of `source` (rows r with id and account_id) as opened for %(cause)s."""
    return _audit(
        Verb.ROTATION_OPENED,
        CredentialRotation,
        id_expr="r.id",
        repr_expr="'Password change: ' || a.display_name",
        changes=_change("reason", "NULL", "CAST(%(cause)s AS TEXT)"),
        rest=f"FROM {source} r JOIN {{account}} a ON a.id = r.account_id",
    )


def _cause_audit(source):
    """Audit each cause of `source` (rows c with rotation_id, employee_id and account_id)."""
    return _audit(
        Verb.ROTATION_CAUSE_ADDED,
        CredentialRotation,
        id_expr="c.rotation_id",
        repr_expr="'Password change: ' || a.display_name || ' (' || e.first_name || ' ' || e.last_name || ')'",
        changes=_change("cause", "NULL", "CAST(%(cause)s AS TEXT)"),
        rest=f"FROM {source} c JOIN {{employee}} e ON e.id = c.employee_id JOIN {{account}} a ON a.id = c.account_id",
    )


def _rotate_for_grants(grants, values, result):
    """SQLite: open (or join) the password rotation of the account of each grant `grants`
    selects (id, account_id), list each grant as a cause and audit both — run before the grants
    change, so that `grants` still finds them."""
    opened = _execute(
        "INSERT INTO {rotation} (account_id, opened_at, due_at, password_changed, recovery_checked, "
        "two_step_on, sessions_signed_out, note) "
        f"SELECT DISTINCT s.account_id, %(now)s, %(due)s, FALSE, FALSE, FALSE, FALSE, '' FROM ({grants}) s "
        "WHERE NOT EXISTS (SELECT 1 FROM {rotation} r WHERE r.account_id = s.account_id AND r.completed_at IS NULL)",
        values,
    )
    if opened:
        _execute(
            _rotation_opened_audit(
                "(SELECT id, account_id FROM {rotation} WHERE completed_at IS NULL AND opened_at = %(now)s)"
            ),
            values,
        )
    new_causes = (
        f"FROM ({grants}) s JOIN {{grant}} g ON g.id = s.id JOIN {{rotation}} r ON r.account_id = s.account_id "
        "AND r.completed_at IS NULL WHERE NOT EXISTS (SELECT 1 FROM {cause} c WHERE c.rotation_id = r.id "
        "AND c.reason = %(cause)s AND c.grant_id = s.id)"
    )
    # Audited before they are added: the same SELECT finds them.
    _execute(_cause_audit(f"(SELECT r.id AS rotation_id, g.employee_id, g.account_id {new_causes})"), values)
    added = _execute(
        "INSERT INTO {cause} (rotation_id, reason, grant_id, added_at, notified_at) "
        f"SELECT r.id, %(cause)s, s.id, %(now)s, %(told)s {new_causes}",
        values,
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
    with transaction.atomic() if dry_run else contextlib.nullcontext():
        with transaction.atomic():
            _end_access_of_departed(now=now, employee_ids=employee_ids, result=result)
        with transaction.atomic():
            opened = _open_reviews(now=now, employee_ids=employee_ids)
            result.reviews_opened = {reason.value: opened.get(reason.value, 0) for reason in _RULES}
        if dry_run:
            transaction.set_rollback(True)
        elif result.changed_rows:
            # Telling people is a side effect for a task, after the changes are committed.
            tasks.send_access_digests.delay_on_commit()
    return result


def _escalate_overdue_reviews(*, now, result):
    """Mark each overdue review escalated, suspend its grant if still in use, and open or join
    the account's password rotation for each grant suspended now (not for one suspended by an
    earlier escalation: its password was, or is being, changed already)."""
    values = _values(
        now,
        None,
        escalated=ESCALATED,
        note=OVERDUE_NOTE,
        cause=RotationReason.PROVIDER_REMOVED.value,
        due=now + datetime.timedelta(hours=settings.ROTATION_DUE_HOURS),
        told=now,  # the escalation message says so
    )
    overdue = "resolved_at IS NULL AND escalated_at IS NULL AND due_at <= %(now)s"

    def escalated_audit(source):
        return _review_audit(Verb.REVIEW_ESCALATED, source=source, changes=_json("escalated"), kind="'Overdue'")

    def suspended_audit(source, before):
        return _grant_audit(
            Verb.GRANT_SUSPENDED, source=source, before=before, after=GrantStatus.SUSPENDED.value, note="%(note)s"
        )

    if _postgresql():
        # One statement, as for departures: the escalated reviews lock and suspend their grants,
        # and the grants suspended now (RETURNING) open or join their accounts' rotations.
        [(escalated, suspended, opened, added)] = _fetch(
            f"WITH escalated AS (UPDATE {{review}} SET escalated_at = %(now)s WHERE {overdue} "
            "RETURNING id, grant_id, reason), "
            f"escalated_audit AS ({escalated_audit('escalated')}), "
            f"due AS (SELECT g.id, g.status FROM {{grant}} g WHERE g.status IN {OPERATING} "
            "AND g.id IN (SELECT grant_id FROM escalated) FOR UPDATE), "
            "suspended AS (UPDATE {grant} g SET status = 'suspended' FROM due d WHERE g.id = d.id "
            "RETURNING g.id, g.employee_id, g.account_id, d.status AS old_status), "
            f"suspended_audit AS ({suspended_audit('suspended', 'g.old_status')}), "
            f"{_rotation_ctes('suspended')} "
            "SELECT (SELECT COUNT(*) FROM escalated), (SELECT COUNT(*) FROM suspended), "
            "(SELECT COUNT(*) FROM opened), (SELECT COUNT(*) FROM added)",
            values,
        )
        result.reviews_escalated += escalated
        result.grants_suspended += suspended
        result.rotations_opened += opened
        result.rotation_causes_added += added
        return
    escalated = _execute(f"UPDATE {{review}} SET escalated_at = %(now)s WHERE {overdue}", values)
    if not escalated:
        return
    # review_escalated_idx finds this run's escalations again.
    this_run = "(SELECT id, grant_id, reason FROM {review} WHERE resolved_at IS NULL AND escalated_at = %(now)s)"
    _execute(escalated_audit(this_run), values)
    # Only the grants this run suspends: audited and rotated while they still show their status.
    to_suspend = (
        f"SELECT g.* FROM {{grant}} g WHERE g.status IN {OPERATING} AND g.id IN (SELECT grant_id FROM {this_run} r)"
    )
    suspended = _execute(suspended_audit(f"({to_suspend})", "g.status"), values)
    _rotate_for_grants(to_suspend, values, result)
    _execute(f"UPDATE {{grant}} SET status = 'suspended' WHERE id IN (SELECT id FROM ({to_suspend}) s)", values)
    result.reviews_escalated += escalated
    result.grants_suspended += suspended


def _escalate_overdue_rotations(*, now, result):
    """Mark each overdue rotation escalated (the Director is told), with an audit event each."""
    values = _values(now, None, escalated=ESCALATED)
    overdue = "completed_at IS NULL AND escalated_at IS NULL AND due_at <= %(now)s"
    audit = _audit(
        Verb.ROTATION_ESCALATED,
        CredentialRotation,
        id_expr="r.id",
        repr_expr="'Overdue password change: ' || a.display_name",
        changes=_json("escalated"),
        rest="FROM {source} r JOIN {account} a ON a.id = r.account_id",
    )
    if _postgresql():
        [(escalated,)] = _fetch(
            f"WITH escalated AS (UPDATE {{rotation}} SET escalated_at = %(now)s WHERE {overdue} "
            f"RETURNING id, account_id), audited AS ({audit.replace('{source}', 'escalated')}) "
            "SELECT COUNT(*) FROM escalated",
            values,
        )
    else:
        escalated = _execute(f"UPDATE {{rotation}} SET escalated_at = %(now)s WHERE {overdue}", values)
        if escalated:
            # rotation_escalated_idx finds them again.
            _execute(
                audit.replace(
                    "{source}",
                    "(SELECT id, account_id FROM {rotation} WHERE completed_at IS NULL AND escalated_at = %(now)s)",
                ),
                values,
            )
    result.rotations_escalated += escalated


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
            "UPDATE {review} SET reminded_at = %(now)s WHERE resolved_at IS NULL AND reminded_at IS NULL AND "
            "escalated_at IS NULL AND due_at > %(now)s AND due_at <= %(soon)s",
            {"now": now, "soon": now + review_lead},
        )
        result.rotations_reminded = _execute(
            "UPDATE {rotation} SET reminded_at = %(now)s WHERE completed_at IS NULL AND reminded_at IS NULL AND "
            "escalated_at IS NULL AND due_at > %(now)s AND due_at <= %(soon)s",
            {"now": now, "soon": now + rotation_lead},
        )
        _escalate_overdue_reviews(now=now, result=result)
        _escalate_overdue_rotations(now=now, result=result)
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


def _digest(messages, kind, link, rows, recipient_key=None, *, extra_users=(), unassigned_to=(), context=None):
    """One message per recipient listing their rows (`recipient_key` names the row's user id),
    and one overview of all rows for `extra_users` (the Directors). The rows of nobody who signs
    in — no manager, or one without an active login — go to `unassigned_to` (the Directors, who
    decide then), so that nothing waits unseen. Long lists are cut short. Returns those rows."""
    by_recipient = {}
    for row in rows if recipient_key else ():
        by_recipient.setdefault(row[recipient_key], []).append(row)
    users = _users(by_recipient)
    unassigned = []
    for user_id, mine in by_recipient.items():
        if user_id in users:
            messages.append(Message(kind, _digest_context(mine, context), link, (users[user_id],)))
        else:
            unassigned.extend(mine)
    if unassigned_to and unassigned:
        messages.append(
            Message(kind, {**_digest_context(unassigned, context), "unassigned": True}, link, tuple(unassigned_to))
        )
    if extra_users and rows:
        messages.append(Message(kind, {**_digest_context(rows, context), "overview": True}, link, tuple(extra_users)))
    return unassigned


def _digest_context(rows, context):
    return {
        **(context or {}),
        "items": [_item(row) for row in rows[:DIGEST_LINES]],
        "count": len(rows),
        "more": max(0, len(rows) - DIGEST_LINES),
    }


def _review_rows(**filters):
    """The open reviews these filters pick, as digest rows. Each filter names a time this run
    set on open reviews, which a partial index of open reviews finds again."""
    return [
        {
            "id": review.pk,
            "manager_user": review.assigned_to.user_id if review.assigned_to else None,
            "provider": review.grant.employee.full_name,
            "account": review.grant.account.display_name,
            "platform": review.grant.account.get_platform_display(),
            "review_reason": review.reason,
            "reason": review.get_reason_display(),
            "due": review.due_at,
        }
        for review in AccessReview.objects.filter(resolved_at__isnull=True, **filters).select_related(
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
    """The open rotations these filters pick, as digest rows (see `_review_rows`)."""
    return [
        {
            "manager_user": rotation.account.accountable_manager.user_id,
            "provider": "",
            "account": rotation.account.display_name,
            "platform": rotation.account.get_platform_display(),
            "due": rotation.due_at,
        }
        for rotation in CredentialRotation.objects.filter(completed_at__isnull=True, **filters).select_related(
            "account__accountable_manager"
        )
    ]


def send_access_digests(*, now=None):
    """Tell each manager about the reviews opened in their team and the departures among the
    providers of accounts they are accountable for, and the Director about role changes,
    departures and the reviews nobody else can decide — one digest each, once: what was told is
    marked, and a repeat finds nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        reviews = AccessReview.objects.filter(notified_at__isnull=True).update(notified_at=now)
        causes = RotationCause.objects.filter(notified_at__isnull=True).update(notified_at=now)
        messages = []
        the_directors = list(directors()) if reviews or causes else []
        if reviews:
            rows = _review_rows(notified_at=now)
            unassigned = _digest(
                messages, "access_reviews_opened", "/team/access/", rows, "manager_user", unassigned_to=the_directors
            )
            # The Director hears of role changes (DESIGN §4), besides those already sent to decide.
            sent = {row["id"] for row in unassigned}
            role_changes = [
                row for row in rows if row["review_reason"] == ReviewReason.ROLE_CHANGED and row["id"] not in sent
            ]
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
    the_directors = list(directors()) if result.changed_rows else []
    if result.reviews_reminded:
        _digest(
            messages,
            "access_review_reminder",
            "/team/access/",
            _review_rows(reminded_at=now),
            "manager_user",
            unassigned_to=the_directors,
        )
    if result.rotations_reminded:
        _digest(
            messages,
            "rotation_reminder",
            "/rotations/",
            _rotation_rows(reminded_at=now),
            "manager_user",
            unassigned_to=the_directors,
        )
    if result.reviews_escalated:
        rows = _review_rows(escalated_at=now)
        _digest(messages, "access_review_escalated", "/team/access/", rows, "manager_user", extra_users=the_directors)
    if result.rotations_escalated:
        _digest(
            messages, "rotation_escalated", "/rotations/", _rotation_rows(escalated_at=now), extra_users=the_directors
        )
    notify_many(messages)


# --- what people do with reviews and rotations ---------------------------------------------------


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
        if not can_resolve_review(acting_user, locked.grant):
            raise PermissionDenied(
                "Only the provider's managers or the communications team can resolve this review, "
                "and nobody their own access."
            )
        if locked.resolved_at is not None:
            raise WorkflowError("This review was already resolved.")
        if grant.status == GrantStatus.REVOKED:
            raise WorkflowError("This access was already revoked.")
        today = timezone.localdate()
        latest = registry.recertify_by_from(today)
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
            verb=Verb.REVIEW_KEPT,
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
        record_event(
            verb=Verb.REVIEW_REVOKED,
            target=review,
            acting_user=acting_user,
            note=reason,
            changes={"outcome": {"before": None, "after": ReviewOutcome.REVOKED}},
        )


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
                verb=Verb.ROTATION_OPENED,
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
            verb=Verb.ROTATION_CAUSE_ADDED,
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
            verb=Verb.ROTATION_COMPLETED,
            target=locked,
            acting_user=acting_user,
            note=note,
            changes={name: {"before": False, "after": True} for name in required},
        )
    return locked
