"""A City-scale data set, written by a handful of set-based statements (generate_series).

The shape is realistic where it matters for the measurements: a management hierarchy about six
levels deep (ten reports per manager), one benchmark manager with a team of `team` direct reports,
accounts spread over business units and platforms, grants for every employee, requests in every
state, a million audit events. The baseline is clean — everyone trained, nobody on leave, no role
change since designation — so the stale-access sweep has nothing to do until a measurement
makes some access stale.
"""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from accounts.models import ProviderGrant, SocialAccount
from governance.models import AuditEvent, BusinessUnit, Employee
from governance.services import refresh_management_paths
from reports.models import ContentReport
from requests.models import GovernanceRequest

PLATFORMS = [
    ("facebook", "facebook.com/"),
    ("instagram", "instagram.com/"),
    ("x", "x.com/"),
    ("linkedin", "linkedin.com/company/"),
    ("youtube", "youtube.com/@"),
    ("tiktok", "tiktok.com/@"),
    ("threads", "threads.net/@"),
    ("bluesky", "bsky.app/profile/"),
    ("mastodon", "mastodon.social/@"),
    ("nextdoor", "nextdoor.com/pages/"),
    ("flickr", "flickr.com/photos/"),
    ("pinterest", "pinterest.com/"),
]
PERSONA_PASSWORD = "bench-password-not-for-production"


@dataclass(frozen=True)
class Scale:
    name: str
    employees: int
    units: int
    accounts: int
    grants: int
    requests: int
    audit_events: int
    team: int  # the benchmark manager's direct reports
    reports: int  # content reports (the communications team's queue)

    @property
    def users(self):
        return min(self.employees, 2_000)

    @property
    def bench_manager(self):
        """An employee with no reports in the heap, given the `team` block as direct reports."""
        return self.employees - self.team


CITY = Scale(
    "city",
    employees=100_000,
    units=1_000,
    accounts=10_000,
    grants=100_000,
    requests=50_000,
    audit_events=1_000_000,
    team=500,
    reports=20_000,
)
DEMO = Scale("demo", employees=60, units=7, accounts=22, grants=40, requests=30, audit_events=200, team=8, reports=12)
SMOKE = Scale(
    "smoke",
    employees=3_000,
    units=30,
    accounts=300,
    grants=3_000,
    requests=1_500,
    audit_events=20_000,
    team=50,
    reports=600,
)


def run(sql, params=()):
    """Execute with parameters always given, so that %% is always the % operator."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def seed(scale: Scale):
    """Fill an empty, migrated database. Ids are given explicitly (1..N), then sequences set."""
    n, units, team = scale.employees, scale.units, scale.team
    block_start = n - team + 1
    run(
        """
        INSERT INTO governance_businessunit (id, code, name, parent_id)
        SELECT i, 'BU' || lpad(i::text, 4, '0'), 'Business unit ' || i, CASE WHEN i = 1 THEN NULL ELSE 1 END
        FROM generate_series(1, %s) AS i
        """,
        [units],
    )
    # A heap: employee i reports to (i - 2) / 10 + 1, so about ten reports each and six levels;
    # the last `team` employees all report to the benchmark manager instead.
    run(
        """
        INSERT INTO governance_employee (id, employee_number, first_name, last_name, email, job_title,
            business_unit_id, manager_id, employment_status, role_changed_at, in_hr_roster, roster_missing_since,
            user_id, created_at, updated_at, management_path)
        SELECT i, 'E' || CASE WHEN i < 1000000 THEN lpad(i::text, 6, '0') ELSE i::text END,
            'First' || i, 'Last' || i, 'e' || i || '@calgary.ca',
            CASE WHEN i = 1 THEN 'City Manager' WHEN i <= 111 THEN 'Director' WHEN i <= 1111 THEN 'Manager'
                 ELSE 'Coordinator' END,
            CASE WHEN i >= %(block)s THEN 1 + (%(manager)s / 100) %% %(units)s ELSE 1 + (i / 100) %% %(units)s END,
            CASE WHEN i = 1 THEN NULL WHEN i >= %(block)s THEN %(manager)s ELSE (i - 2) / 10 + 1 END,
            'active', NULL, TRUE, NULL, NULL, now() - interval '3 years', now() - interval '3 years', ''
        FROM generate_series(1, %(n)s) AS i
        """,
        {"n": n, "units": units, "block": block_start, "manager": scale.bench_manager},
    )
    refresh_management_paths()
    run(
        """
        INSERT INTO governance_trainingrecord (employee_id, course, completed_on, expires_on)
        SELECT i, 'social_media', current_date - (i %% 300), current_date - (i %% 300) + 730
        FROM generate_series(1, %s) AS i
        """,
        [n],
    )
    run(
        """
        INSERT INTO governance_policyacknowledgement (employee_id, standards_version_id, acknowledged_at)
        SELECT i, (SELECT id FROM governance_standardsversion ORDER BY effective_from DESC LIMIT 1), now()
        FROM generate_series(1, %s) AS i
        """,
        [n],
    )
    _users(scale)
    _accounts(scale)
    _grants(scale)
    _requests(scale)
    _audit(scale)
    _reports(scale)
    for model in (BusinessUnit, Employee, SocialAccount, ProviderGrant, GovernanceRequest):
        table = model._meta.db_table
        run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    run("ANALYZE")


def counts(scale: Scale):
    """What the database holds, in the terms of `Scale`: the run records it next to the sizes it
    asked for, so a seed that writes less than it says cannot go unnoticed."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT count(*) FROM {Employee._meta.db_table}),
                      (SELECT count(*) FROM {BusinessUnit._meta.db_table}),
                      (SELECT count(*) FROM {SocialAccount._meta.db_table}),
                      (SELECT count(*) FROM {ProviderGrant._meta.db_table}),
                      (SELECT count(*) FROM {GovernanceRequest._meta.db_table}),
                      (SELECT count(*) FROM {AuditEvent._meta.db_table}),
                      (SELECT count(*) FROM {Employee._meta.db_table} WHERE manager_id = %s),
                      (SELECT count(*) FROM {ContentReport._meta.db_table})""",
            [scale.bench_manager],
        )
        values = cursor.fetchone()
    names = ("employees", "units", "accounts", "grants", "requests", "audit_events", "team", "reports")
    return dict(zip(names, values, strict=True))


def _users(scale):
    """Users for the first employees (requesters), and the four benchmark personas."""
    run(
        """
        INSERT INTO governance_user (password, is_superuser, username, first_name, last_name, email, is_staff,
            is_active, date_joined)
        SELECT '!', FALSE, 'user' || i, 'First' || i, 'Last' || i, 'e' || i || '@calgary.ca', FALSE, TRUE, now()
        FROM generate_series(1, %s) AS i
        """,
        [scale.users],
    )
    run(
        "UPDATE governance_employee e SET user_id = u.id FROM governance_user u "
        "WHERE u.username = 'user' || e.id AND e.id <= %s",
        [scale.users],
    )
    password = make_password(PERSONA_PASSWORD)
    personas = {"director": 2, "csc": 3, "auditor": 4, "manager": scale.bench_manager}
    groups = {"director": "Director CSC", "csc": "CSC staff", "auditor": "Auditors"}
    for username, employee_id in personas.items():
        run(
            "INSERT INTO governance_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined) VALUES (%s, FALSE, %s, '', '', %s, FALSE, TRUE, now())",
            [password, username, f"{username}@calgary.ca"],
        )
        run(
            "UPDATE governance_employee SET user_id = (SELECT id FROM governance_user WHERE username = %s) "
            "WHERE id = %s",
            [username, employee_id],
        )
        if username in groups:
            run(
                "INSERT INTO governance_user_groups (user_id, group_id) SELECT u.id, g.id FROM governance_user u, "
                "auth_group g WHERE u.username = %s AND g.name = %s",
                [username, groups[username]],
            )
    # The peer's user: an IT administrator for the Django admin's changelist (no employee record).
    run(
        "INSERT INTO governance_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined) VALUES (%s, TRUE, 'admin', 'IT', 'Administrator', 'admin@calgary.ca', TRUE, TRUE, "
        "now())",
        [password],
    )
    # A few unread notifications each, as on a real morning.
    run(
        """
        INSERT INTO governance_notification (recipient_id, email, kind, context, subject, body, link, created_at)
        SELECT u.id, '', 'request_received', '{}'::jsonb, 'Notification ' || i, 'Body', '/', now()
        FROM governance_user u, generate_series(1, 20) AS i
        WHERE u.username IN ('director', 'csc', 'auditor', 'manager')
        """
    )


def _accounts(scale):
    cases = " ".join(f"WHEN {k} THEN '{platform}'" for k, (platform, _) in enumerate(PLATFORMS))
    hosts = " ".join(f"WHEN {k} THEN '{host}'" for k, (_, host) in enumerate(PLATFORMS))
    run(
        f"""
        INSERT INTO accounts_socialaccount (id, platform, handle, profile_url, normalized_url, display_name,
            business_unit_id, accountable_manager_id, purpose, status, listed_in_directory, password_rotated_at,
            created_at, updated_at)
        SELECT j, CASE j %% 12 {cases} END, '@account' || j,
            'https://' || (CASE j %% 12 {hosts} END) || 'account' || j,
            (CASE j %% 12 {hosts} END) || 'account' || j,
            'City account ' || j, 1 + j %% %(units)s, 1 + (j * 7) %% %(managers)s,
            'Service information', CASE WHEN j %% 50 = 0 THEN 'decommissioned'
                                        WHEN j %% 33 = 0 THEN 'decommissioning' ELSE 'active' END,
            j %% 10 <> 0, NULL, now() - interval '2 years', now()
        FROM generate_series(1, %(accounts)s) AS j
        """,
        {"units": scale.units, "managers": max(1, min(1111, scale.employees // 10)), "accounts": scale.accounts},
    )


def _grants(scale):
    run(
        """
        INSERT INTO accounts_providergrant (id, employee_id, account_id, access_level, status, designated_by_id,
            designated_at, recertify_by, revoked_by_id, revoked_at, revoke_reason)
        SELECT i, %(n)s - (i - 1) %% %(n)s, 1 + (i - 1) %% %(accounts)s,
            CASE i %% 3 WHEN 0 THEN 'moderator' ELSE 'publisher' END, 'active', NULL,
            now() - (i %% 300) * interval '1 day', current_date - (i %% 300) + 365, NULL, NULL, ''
        FROM generate_series(1, %(grants)s) AS i
        """,
        {"n": scale.employees, "accounts": scale.accounts, "grants": scale.grants},
    )


def _requests(scale):
    statuses = [
        "submitted",
        "submitted",
        "approved",
        "approved",
        "approved",
        "approved",
        "rejected",
        "draft",
        "changes_requested",
        "withdrawn",
    ]
    status_case = " ".join(f"WHEN {k} THEN '{status}'" for k, status in enumerate(statuses))
    # The kind follows i % 10 and the state (an index into `statuses`) moves on by one every ten
    # requests, so every kind is found in every state, even among the demo size's thirty.
    run(
        f"""
        INSERT INTO requests_governancerequest (id, kind, status, title, requester_id, requester_employee_id,
            business_unit_id, created_at, updated_at, submitted_at, decided_at, decided_by_id, decision_note)
        SELECT i, CASE WHEN i %% 10 < 4 THEN 'account' WHEN i %% 10 < 7 THEN 'decommission' ELSE 'provider_access' END,
            CASE s {status_case} END, 'Request ' || i, e.user_id, e.id, e.business_unit_id,
            now() - (i %% 700) * interval '1 day', now() - (i %% 700) * interval '1 day',
            CASE WHEN s = 7 THEN NULL ELSE now() - (i %% 700) * interval '1 day' + interval '1 hour' END,
            CASE WHEN s IN (2, 3, 4, 5, 6) THEN now() - (i %% 700) * interval '1 day' + interval '3 days' END,
            NULL, ''
        FROM (SELECT i, (i + i / 10) %% 10 AS s FROM generate_series(1, %(requests)s) AS i) AS numbered
        JOIN governance_employee e ON e.id = 1 + i %% %(users)s
        """,
        {"requests": scale.requests, "users": scale.users},
    )
    run(
        """
        INSERT INTO requests_accountrequest (governancerequest_ptr_id, platform, proposed_name, proposed_handle,
            proposed_url, listed_in_directory, business_need, objectives, audience, content_topics,
            posting_frequency, moderation_plan, response_time, records_retention, accessibility, official_languages,
            launch_date, read_standards, backup_provider_id, created_account_id)
        SELECT r.id, 'instagram', 'Proposed ' || r.id, '@proposed' || r.id, '', TRUE, 'Need', 'Objectives',
            'Audience', 'Topics', 'weekly', 'Moderation', 'One business day', 'Retention', 'Alt text', 'English',
            current_date + 30, TRUE, r.requester_employee_id, NULL
        FROM requests_governancerequest r WHERE r.kind = 'account'
        """
    )
    run(
        """
        INSERT INTO requests_accountrequest_providers (accountrequest_id, employee_id)
        SELECT governancerequest_ptr_id, backup_provider_id FROM requests_accountrequest
        """
    )
    run(
        """
        INSERT INTO requests_decommissionrequest (governancerequest_ptr_id, reason, archive_plan, farewell_message,
            effective_date, account_id)
        SELECT r.id, 'Reason', 'Archive', 'Farewell', current_date + 30, 1 + r.id %% %s
        FROM requests_governancerequest r WHERE r.kind = 'decommission'
        """,
        [scale.accounts],
    )
    run(
        """
        INSERT INTO requests_provideraccessrequest (governancerequest_ptr_id, access_level, justification, account_id,
            created_grant_id, employee_id)
        SELECT r.id, 'publisher', 'Justification', 1 + r.id %% %s, NULL, r.requester_employee_id
        FROM requests_governancerequest r WHERE r.kind = 'provider_access'
        """,
        [scale.accounts],
    )
    run(
        """
        INSERT INTO requests_requestcomment (governance_request_id, author_id, body, created_at)
        SELECT r.id, r.requester_id, 'A comment on request ' || r.id, r.created_at + interval '2 hours'
        FROM requests_governancerequest r WHERE r.id %% 5 = 0
        """
    )


def _audit(scale):
    types = [
        ContentType.objects.get_for_model(model).pk
        for model in (Employee, SocialAccount, ProviderGrant, GovernanceRequest)
    ]
    run(
        """
        INSERT INTO governance_auditevent (created_at, actor_id, actor_label, verb, target_type_id, target_id,
            target_repr, changes, note, ip_address)
        SELECT now() - (i %% 1000) * interval '1 day', NULL, 'bench',
            (ARRAY['employee.updated', 'account.updated', 'grant.designated', 'request.submitted'])[1 + i %% 4],
            (%(types)s::bigint[])[1 + i %% 4], (1 + i %% %(span)s)::text, 'Object ' || i, '{}'::jsonb, '', NULL
        FROM generate_series(1, %(events)s) AS i
        """,
        {"types": types, "span": min(scale.requests, scale.accounts, scale.employees), "events": scale.audit_events},
    )


def _reports(scale):
    """Content reports of every kind: a fifth still new and a fifth being looked into (the queue),
    the rest ended; one in seven of the unknown accounts scored a likely impersonation."""
    run(
        """
        INSERT INTO reports_contentreport (reference, kind, url, account_name, description, reporter_email,
            screenshot, screenshot_type, status, filed_at, due_at, escalated_at, ended_at, outcome, platform,
            account_key, registry_match, impersonation_score, likely_impersonation, identifiers_used,
            closest_accounts, reporter_id, reporter_employee_id, assignee_id, ended_by_id, matched_account_id)
        SELECT 'CR-' || lpad(i::text, 8, '0'),
            (ARRAY['positive', 'damaging', 'misinformation', 'impersonation', 'other'])[1 + i %% 5],
            'https://www.instagram.com/seen' || i, 'Seen account ' || i, 'What the reporter saw, number ' || i,
            '', '', '',
            CASE WHEN i %% 5 IN (0, 1) THEN 'new' WHEN i %% 5 = 2 THEN 'in_progress' ELSE 'closed' END,
            now() - (i %% 2000) * interval '1 hour', now() - (i %% 2000) * interval '1 hour' + interval '2 days',
            NULL, CASE WHEN i %% 5 IN (0, 1, 2) THEN NULL ELSE now() END, '', 'instagram',
            'instagram:seen' || i, 'unknown', (i %% 100) / 100.0, i %% 7 = 0, '[]'::jsonb, '[]'::jsonb,
            NULL, NULL, NULL, NULL, NULL
        FROM generate_series(1, %s) AS i
        """,
        [scale.reports],
    )
