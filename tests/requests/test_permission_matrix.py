"""The permission matrix (DESIGN §2): every URL of the registry, the requests and the public
directory × every role (anonymous, employee, manager, provider, CSC staff, Director, auditor) ×
own / other business unit / missing object gives the expected status; a refused request
changes nothing; an allowed POST does exactly its job; extra POST fields are ignored.

Reading a table: one row per object, one column per persona, in the order of `PERSONAS`. A
number is the expected status; a refusal (403, 404, 405, or an anonymous visitor's redirect to
sign in) must leave the database exactly as it was. A word is an allowed POST (or a requester's
GET of a form that is no longer theirs to change): the answer is a 302 back to the request or
account, and `EFFECTS[word]` checks the change — `SAME` means the workflow refused it politely
(a message and a redirect) and nothing changed.

Status meanings: 404 = this person may not see the object (or it does not exist); 403 = they
may see it but the action is not theirs; 302 for anonymous = sent to /login/?next=….
"""

import copy
import datetime
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import GrantStatus, ProviderGrant, SocialAccount
from governance.models import AuditEvent
from governance.roles import DIRECTOR
from requests import services
from requests.models import (
    AccountRequest,
    DecommissionRequest,
    GovernanceRequest,
    ProviderAccessRequest,
    RequestKind,
    RequestStatus,
)
from tests import conftest
from tests.factories import (
    COMPLETE_ACCOUNT_FORM,
    TrainingRecordFactory,
    UserFactory,
    acknowledge,
    file_account_request,
    make_account,
)
from tests.snapshot import database_snapshot

PERSONAS = ("anonymous", "employee", "manager", "provider", "csc_staff", "director", "auditor")
MISSING = 999_999

# Allowed outcomes (see EFFECTS). SAME: allowed to ask, but the workflow says no; nothing changes.
SAME = "unchanged"
SUBMITTED, WITHDRAWN, RETURNED, APPROVED, REJECTED = "submitted", "withdrawn", "returned", "approved", "rejected"
COMMENTED, SAVED, FILED = "commented", "saved", "filed"
DECOMMISSION_FILED, ACCESS_FILED = "decommission_filed", "access_filed"
REGISTERED, UPDATED, REVOKED = "registered", "updated", "revoked"


# --- the objects -------------------------------------------------------------------------------------


def _access_request(w):
    """A submitted provider-access request filed by the manager about the employee persona."""
    access = services.create_provider_access_request(
        account=w.parks_account,
        employee=w.employee_emp,
        acting_user=w.manager,
        values={"access_level": "publisher", "justification": "Runs the volunteer programme's posts."},
    )
    services.submit_request(governance_request=access, acting_user=w.manager)
    access.refresh_from_db()
    return access


def _csc_request(w):
    """A submitted new-account request filed by CSC staff (their own request)."""
    return file_account_request(
        w.csc_staff,
        providers=[w.csc_emp],
        backup=w.employee_emp,
        platform="threads",
        proposed_name="City Tips",
        proposed_handle="@yyccitytips",
    )


def _director_request(w):
    """A submitted new-account request filed by the Director (their own request)."""
    return file_account_request(
        w.director,
        providers=[w.csc_emp],
        backup=w.employee_emp,
        platform="bluesky",
        proposed_name="Calgary News",
        proposed_handle="@yycnews.bsky.social",
    )


@pytest.fixture(scope="module")
def pristine_world(django_db_setup, django_db_blocker):
    """The `world` of tests/conftest.py, plus the objects below, built once for this module
    inside a transaction that is rolled back at its end. Each test runs in a savepoint inside
    it (pytest-django's `db`), so every test starts from exactly this state — and the module
    runs in seconds instead of rebuilding the City for each of its ~900 cases."""
    # Sessions in the database only (not also in the Redis cache), so that each test's session
    # changes (its messages) are rolled back with the rest and never reach the next test.
    db_sessions = override_settings(SESSION_ENGINE="django.contrib.sessions.backends.db")
    db_sessions.enable()
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            built = _build_world()
        yield built
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        db_sessions.disable()


def _build_world():
    """conftest's `org` and `world` (called through __wrapped__, the functions the fixtures
    wrap), the objects the matrix adds, and one session per persona."""
    built = conftest.world.__wrapped__(conftest.org.__wrapped__(None))
    built.access_request = _access_request(built)
    built.csc_request = _csc_request(built)
    built.director_request = _director_request(built)
    # Telling "a manager of the owning unit" from "the accountable manager" apart.
    built.parks_unit_account = make_account(
        platform="facebook",
        handle="calgaryparksevents",
        display_name="Calgary Parks Events",
        business_unit=built.parks,
        accountable_manager=built.parks_director_emp,
    )
    built.accountable_elsewhere = make_account(
        platform="youtube",
        handle="@calgarypathways",
        display_name="Calgary Pathways",
        business_unit=built.transit,
        accountable_manager=built.manager_emp,
    )
    # Fresh instances, as the database has them now, without anything cached on them.
    fresh = SimpleNamespace(
        **{
            name: type(value).objects.get(pk=value.pk) if isinstance(value, models.Model) else value
            for name, value in vars(built).items()
        }
    )
    # One sign-in per persona, made once: a test presents its session cookie.
    fresh.sessions = {}
    for persona in PERSONAS[1:]:
        client = Client()
        client.force_login(getattr(fresh, persona))
        fresh.sessions[persona] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return fresh


@pytest.fixture
def world(pristine_world, db):
    """This test's copy of the module's world: new instances with the pristine values, which
    are exactly what the database holds at the start of each test (it is rolled back after)."""
    return SimpleNamespace(**{name: _copy(value) for name, value in vars(pristine_world).items()})


def _copy(value):
    if not isinstance(value, models.Model):
        return copy.deepcopy(value)
    fields = value._meta.concrete_fields
    return type(value).from_db(
        value._state.db, [f.attname for f in fields], [getattr(value, f.attname) for f in fields]
    )


@pytest.fixture
def client_for(client, world):
    """`client_for(user)` signs the test client in as that persona (with the session made for
    them once, instead of a new sign-in per test)."""

    def sign_in(user):
        persona = next(name for name in world.sessions if getattr(world, name).pk == user.pk)
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[persona]
        return client

    return sign_in


#: Request objects. mine_*: the employee persona's (Parks); other_request: the outsider's
#: (Transit); access_request: about the employee, filed by the manager; csc_/director_request:
#: the team's own requests, which they may never triage or decide.
REQUESTS = {
    "mine_draft": lambda w: w.mine_draft,
    "mine_submitted": lambda w: w.mine_submitted,
    "other_request": lambda w: w.other_request,
    "access_request": lambda w: w.access_request,
    "csc_request": lambda w: w.csc_request,
    "director_request": lambda w: w.director_request,
    "missing": lambda w: None,
}
#: Account objects: own business unit (Parks; the manager is accountable; the provider operates
#: it), other business unit (Transit), missing; and two that tell the manager's two claims
#: apart: a Parks account someone else is accountable for (parks_unit_account), and a Transit
#: account the Parks manager is accountable for (accountable_elsewhere).
ACCOUNTS = {
    "parks_account": lambda w: w.parks_account,
    "transit_account": lambda w: w.transit_account,
    "parks_unit_account": lambda w: w.parks_unit_account,
    "accountable_elsewhere": lambda w: w.accountable_elsewhere,
    "missing": lambda w: None,
}
#: (account, grant) pairs for the revoke URL.
GRANTS = {
    "provider_grant": lambda w: (w.parks_account, w.provider_grant),
    "transit_grant": lambda w: (w.transit_account, w.transit_grant),
    "missing_account": lambda w: (None, w.provider_grant),
    "missing_grant": lambda w: (w.parks_account, None),
    "grant_of_other_account": lambda w: (w.parks_account, w.transit_grant),
}


def pk(obj):
    return MISSING if obj is None else obj.pk


# --- the URLs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Url:
    name: str
    build: object  # target -> path
    objects: dict | None = None  # name -> builder(world); None when the URL takes no object
    signed_in: bool = True  # anonymous people are sent to /login/


def _grant_path(target):
    account, grant = target
    return f"/accounts/{pk(account)}/grants/{pk(grant)}/revoke/"


URLS = {
    # requests/urls.py
    "requests": Url("requests", lambda t: "/requests/"),
    "new": Url("new", lambda t: "/requests/new/"),
    "new-decommission": Url("new-decommission", lambda t: f"/requests/new/decommission/{pk(t)}/", ACCOUNTS),
    "new-provider-access": Url("new-provider-access", lambda t: f"/requests/new/provider-access/{pk(t)}/", ACCOUNTS),
    "detail": Url("detail", lambda t: f"/requests/{pk(t)}/", REQUESTS),
    "edit": Url("edit", lambda t: f"/requests/{pk(t)}/edit/", REQUESTS),
    "submit": Url("submit", lambda t: f"/requests/{pk(t)}/submit/", REQUESTS),
    "return": Url("return", lambda t: f"/requests/{pk(t)}/return/", REQUESTS),
    "approve": Url("approve", lambda t: f"/requests/{pk(t)}/approve/", REQUESTS),
    "reject": Url("reject", lambda t: f"/requests/{pk(t)}/reject/", REQUESTS),
    "withdraw": Url("withdraw", lambda t: f"/requests/{pk(t)}/withdraw/", REQUESTS),
    "comment": Url("comment", lambda t: f"/requests/{pk(t)}/comment/", REQUESTS),
    # accounts/urls.py
    "accounts": Url("accounts", lambda t: "/accounts/"),
    "accounts-export": Url("accounts-export", lambda t: "/accounts/export.csv"),
    "register": Url("register", lambda t: "/accounts/new/"),
    "account": Url("account", lambda t: f"/accounts/{pk(t)}/", ACCOUNTS),
    "account-edit": Url("account-edit", lambda t: f"/accounts/{pk(t)}/edit/", ACCOUNTS),
    "revoke": Url("revoke", _grant_path, GRANTS),
    # the public directory
    "directory": Url("directory", lambda t: "/directory/", signed_in=False),
    "directory-json": Url("directory-json", lambda t: "/directory.json", signed_in=False),
}


# --- the matrix ----------------------------------------------------------------------------------------
# Columns: anonymous, employee, manager, provider, csc_staff, director, auditor.

ALL_SIGNED_IN = (302, 200, 200, 200, 200, 200, 200)
EVERYONE = (200,) * 7
NOT_ALLOWED = (405,) * 7  # a GET-only page answers a POST with 405, for everyone
#: The wrong method (a GET on an action, a POST to a page that only reads): anonymous people are
#: sent to sign in first, everyone else gets 405 and nothing changes.
WRONG_METHOD = (302, 405, 405, 405, 405, 405, 405)
ANON_OR_404 = (302, 404, 404, 404, 404, 404, 404)

# fmt: off
MATRIX = {
    ("GET", "requests"): {None: ALL_SIGNED_IN},
    ("POST", "requests"): {None: WRONG_METHOD},
    ("GET", "new"): {None: ALL_SIGNED_IN},
    ("POST", "new"): {None: (302, FILED, FILED, FILED, FILED, FILED, FILED)},
    # Decommission: a manager of the owning unit (or the accountable manager), and the team.
    ("GET", "new-decommission"): {
        "parks_account":          (302, 404, 200, 403, 200, 200, 403),
        "transit_account":        (302, 404, 404, 404, 200, 200, 403),
        "parks_unit_account":     (302, 404, 200, 404, 200, 200, 403),
        "accountable_elsewhere":  (302, 404, 200, 404, 200, 200, 403),
        "missing":                ANON_OR_404,
    },
    ("POST", "new-decommission"): {
        "parks_account":          (302, 404, DECOMMISSION_FILED, 403, DECOMMISSION_FILED, DECOMMISSION_FILED, 403),
        "transit_account":        (302, 404, 404, 404, DECOMMISSION_FILED, DECOMMISSION_FILED, 403),
        "parks_unit_account":     (302, 404, DECOMMISSION_FILED, 404, DECOMMISSION_FILED, DECOMMISSION_FILED, 403),
        "accountable_elsewhere":  (302, 404, DECOMMISSION_FILED, 404, DECOMMISSION_FILED, DECOMMISSION_FILED, 403),
        "missing":                ANON_OR_404,
    },
    # Provider access: a manager (for a report), and the team.
    ("GET", "new-provider-access"): {
        "parks_account":          (302, 404, 200, 403, 200, 200, 403),
        "transit_account":        (302, 404, 404, 404, 200, 200, 403),
        "parks_unit_account":     (302, 404, 200, 404, 200, 200, 403),
        "accountable_elsewhere":  (302, 404, 200, 404, 200, 200, 403),
        "missing":                ANON_OR_404,
    },
    ("POST", "new-provider-access"): {
        "parks_account":          (302, 404, ACCESS_FILED, 403, ACCESS_FILED, ACCESS_FILED, 403),
        "transit_account":        (302, 404, 404, 404, ACCESS_FILED, ACCESS_FILED, 403),
        "parks_unit_account":     (302, 404, ACCESS_FILED, 404, ACCESS_FILED, ACCESS_FILED, 403),
        "accountable_elsewhere":  (302, 404, ACCESS_FILED, 404, ACCESS_FILED, ACCESS_FILED, 403),
        "missing":                ANON_OR_404,
    },
    # Who sees a request: the requester (drafts too), the employee a provider-access request is
    # about, the team once submitted, auditors always.
    ("GET", "detail"): {
        "mine_draft":             (302, 200, 404, 404, 404, 404, 200),
        "mine_submitted":         (302, 200, 404, 404, 200, 200, 200),
        "other_request":          (302, 404, 404, 404, 200, 200, 200),
        "access_request":         (302, 200, 200, 404, 200, 200, 200),
        "csc_request":            (302, 404, 404, 404, 200, 200, 200),
        "director_request":       (302, 404, 404, 404, 200, 200, 200),
        "missing":                ANON_OR_404,
    },
    # The form: the requester only; once it is not with them, they are sent to the request.
    ("GET", "edit"): {
        "mine_draft":             (302, 200, 404, 404, 404, 404, 403),
        "mine_submitted":         (302, SAME, 404, 404, 403, 403, 403),
        "other_request":          (302, 404, 404, 404, 403, 403, 403),
        "access_request":         (302, 403, SAME, 404, 403, 403, 403),
        "csc_request":            (302, 404, 404, 404, SAME, 403, 403),
        "director_request":       (302, 404, 404, 404, 403, SAME, 403),
        "missing":                ANON_OR_404,
    },
    ("POST", "edit"): {
        "mine_draft":             (302, SAVED, 404, 404, 404, 404, 403),
        "mine_submitted":         (302, SAME, 404, 404, 403, 403, 403),
        "other_request":          (302, 404, 404, 404, 403, 403, 403),
        "access_request":         (302, 403, SAME, 404, 403, 403, 403),
        "csc_request":            (302, 404, 404, 404, SAME, 403, 403),
        "director_request":       (302, 404, 404, 404, 403, SAME, 403),
        "missing":                ANON_OR_404,
    },
    # Submit and withdraw: the requester only.
    ("POST", "submit"): {
        "mine_draft":             (302, SUBMITTED, 404, 404, 404, 404, 403),
        "mine_submitted":         (302, SAME, 404, 404, 403, 403, 403),
        "other_request":          (302, 404, 404, 404, 403, 403, 403),
        "access_request":         (302, 403, SAME, 404, 403, 403, 403),
        "csc_request":            (302, 404, 404, 404, SAME, 403, 403),
        "director_request":       (302, 404, 404, 404, 403, SAME, 403),
        "missing":                ANON_OR_404,
    },
    ("POST", "withdraw"): {
        "mine_draft":             (302, WITHDRAWN, 404, 404, 404, 404, 403),
        "mine_submitted":         (302, WITHDRAWN, 404, 404, 403, 403, 403),
        "other_request":          (302, 404, 404, 404, 403, 403, 403),
        "access_request":         (302, 403, WITHDRAWN, 404, 403, 403, 403),
        "csc_request":            (302, 404, 404, 404, WITHDRAWN, 403, 403),
        "director_request":       (302, 404, 404, 404, 403, WITHDRAWN, 403),
        "missing":                ANON_OR_404,
    },
    # Return for changes: CSC staff and the Director, never on their own request.
    ("POST", "return"): {
        "mine_draft":             (302, 403, 404, 404, 404, 404, 403),
        "mine_submitted":         (302, 403, 404, 404, RETURNED, RETURNED, 403),
        "other_request":          (302, 404, 404, 404, RETURNED, RETURNED, 403),
        "access_request":         (302, 403, 403, 404, RETURNED, RETURNED, 403),
        "csc_request":            (302, 404, 404, 404, 403, RETURNED, 403),
        "director_request":       (302, 404, 404, 404, RETURNED, 403, 403),
        "missing":                ANON_OR_404,
    },
    # Approve and reject: the Director only, never their own request.
    ("POST", "approve"): {
        "mine_draft":             (302, 403, 404, 404, 404, 404, 403),
        "mine_submitted":         (302, 403, 404, 404, 403, APPROVED, 403),
        "other_request":          (302, 404, 404, 404, 403, APPROVED, 403),
        "access_request":         (302, 403, 403, 404, 403, APPROVED, 403),
        "csc_request":            (302, 404, 404, 404, 403, APPROVED, 403),
        "director_request":       (302, 404, 404, 404, 403, 403, 403),
        "missing":                ANON_OR_404,
    },
    ("POST", "reject"): {
        "mine_draft":             (302, 403, 404, 404, 404, 404, 403),
        "mine_submitted":         (302, 403, 404, 404, 403, REJECTED, 403),
        "other_request":          (302, 404, 404, 404, 403, REJECTED, 403),
        "access_request":         (302, 403, 403, 404, 403, REJECTED, 403),
        "csc_request":            (302, 404, 404, 404, 403, REJECTED, 403),
        "director_request":       (302, 404, 404, 404, 403, 403, 403),
        "missing":                ANON_OR_404,
    },
    # The thread: the requester and the team (auditors read it, never write).
    ("POST", "comment"): {
        "mine_draft":             (302, COMMENTED, 404, 404, 404, 404, 403),
        "mine_submitted":         (302, COMMENTED, 404, 404, COMMENTED, COMMENTED, 403),
        "other_request":          (302, 404, 404, 404, COMMENTED, COMMENTED, 403),
        "access_request":         (302, 403, COMMENTED, 404, COMMENTED, COMMENTED, 403),
        "csc_request":            (302, 404, 404, 404, COMMENTED, COMMENTED, 403),
        "director_request":       (302, 404, 404, 404, COMMENTED, COMMENTED, 403),
        "missing":                ANON_OR_404,
    },
    # A GET never acts; a page that reads refuses a POST.
    ("POST", "detail"): {"mine_submitted": WRONG_METHOD},
    ("GET", "submit"): {"mine_draft": WRONG_METHOD},
    ("GET", "withdraw"): {"mine_submitted": WRONG_METHOD},
    ("GET", "return"): {"mine_submitted": WRONG_METHOD},
    ("GET", "approve"): {"mine_submitted": WRONG_METHOD},
    ("GET", "reject"): {"mine_submitted": WRONG_METHOD},
    ("GET", "comment"): {"mine_submitted": WRONG_METHOD},
    ("GET", "revoke"): {"provider_grant": WRONG_METHOD},
    # The registry: everyone signed in gets a list of what they may see.
    ("GET", "accounts"): {None: ALL_SIGNED_IN},
    ("GET", "accounts-export"): {None: ALL_SIGNED_IN},
    ("POST", "accounts"): {None: WRONG_METHOD},
    ("POST", "accounts-export"): {None: WRONG_METHOD},
    ("POST", "account"): {"parks_account": WRONG_METHOD},
    # Registering and editing: the team only.
    ("GET", "register"): {None: (302, 403, 403, 403, 200, 200, 403)},
    ("POST", "register"): {None: (302, 403, 403, 403, REGISTERED, REGISTERED, 403)},
    # An account: the team and auditors all; a manager their unit's and those they are
    # accountable for; a provider those they operate; a plain employee none.
    ("GET", "account"): {
        "parks_account":          (302, 404, 200, 200, 200, 200, 200),
        "transit_account":        (302, 404, 404, 404, 200, 200, 200),
        "parks_unit_account":     (302, 404, 200, 404, 200, 200, 200),
        "accountable_elsewhere":  (302, 404, 200, 404, 200, 200, 200),
        "missing":                ANON_OR_404,
    },
    ("GET", "account-edit"): {
        "parks_account":          (302, 404, 403, 403, 200, 200, 403),
        "transit_account":        (302, 404, 404, 404, 200, 200, 403),
        "parks_unit_account":     (302, 404, 403, 404, 200, 200, 403),
        "accountable_elsewhere":  (302, 404, 403, 404, 200, 200, 403),
        "missing":                ANON_OR_404,
    },
    ("POST", "account-edit"): {
        "parks_account":          (302, 404, 403, 403, UPDATED, UPDATED, 403),
        "transit_account":        (302, 404, 404, 404, UPDATED, UPDATED, 403),
        "parks_unit_account":     (302, 404, 403, 404, UPDATED, UPDATED, 403),
        "accountable_elsewhere":  (302, 404, 403, 404, UPDATED, UPDATED, 403),
        "missing":                ANON_OR_404,
    },
    # Revoking a designation: CSC staff, the Director, and the provider's managers (Lucas reports
    # to the manager through Maya).
    ("POST", "revoke"): {
        "provider_grant":         (302, 404, REVOKED, 403, REVOKED, REVOKED, 403),
        "transit_grant":          (302, 404, 404, 404, REVOKED, REVOKED, 403),
        "missing_account":        ANON_OR_404,
        "missing_grant":          ANON_OR_404,
        "grant_of_other_account": ANON_OR_404,
    },
    # The public directory: everyone, signed in or not; it only reads.
    ("GET", "directory"): {None: EVERYONE},
    ("GET", "directory-json"): {None: EVERYONE},
    ("POST", "directory"): {None: NOT_ALLOWED},
    ("POST", "directory-json"): {None: NOT_ALLOWED},
}
# fmt: on


@dataclass(frozen=True)
class Case:
    persona: str
    method: str
    url: str
    obj: str | None
    outcome: int | str  # a status, or the name of an allowed POST's effect (a 302)

    @property
    def status(self):
        return 302 if isinstance(self.outcome, str) else self.outcome

    @property
    def id(self):
        parts = [self.persona, self.method, self.url, self.obj or "", str(self.status)]
        if isinstance(self.outcome, str):
            parts.append(self.outcome)
        return "-".join(part for part in parts if part)


def build_cases():
    cases = []
    for (method, url), rows in MATRIX.items():
        objects = URLS[url].objects
        for obj, outcomes in rows.items():
            assert len(outcomes) == len(PERSONAS), (method, url, obj)
            assert (obj is None) == (objects is None) or obj in objects, (method, url, obj)
            cases.extend(
                Case(persona, method, url, obj, outcome) for persona, outcome in zip(PERSONAS, outcomes, strict=True)
            )
    return cases


CASES = build_cases()


def test_the_matrix_covers_every_url_persona_and_object():
    """Every route of requests/urls.py and accounts/urls.py and both directory URLs is in the
    matrix, for every persona and, where the URL takes one, every object."""
    from django.urls import resolve as resolve_path

    from accounts import urls as account_urls
    from requests import urls as request_urls

    routes = {f"requests:{p.name}" for p in request_urls.urlpatterns}
    routes |= {f"accounts:{p.name}" for p in account_urls.urlpatterns}
    routes |= {"directory", "directory-json"}
    covered = {
        resolve_path(url.build((None, None) if url.objects is GRANTS else None)).view_name for url in URLS.values()
    }
    assert covered == routes
    assert {url for _, url in MATRIX} == set(URLS)
    for (method, url), rows in MATRIX.items():
        objects = URLS[url].objects
        if objects is None:
            assert set(rows) == {None}, (method, url)
        elif set(rows.values()) != {WRONG_METHOD}:  # the wrong method is checked on one object
            assert set(rows) == set(objects), (method, url)
    seen = {}
    for case in CASES:
        seen.setdefault((case.method, case.url, case.obj), set()).add(case.persona)
    assert all(personas == set(PERSONAS) for personas in seen.values())


# --- what a request may change ----------------------------------------------------------------------------


def payload(case, w, target):
    """What the form on that page would post (a complete, valid form)."""
    if case.method == "GET":
        return None
    if case.url == "new":
        return account_form(w, proposed_name="Calgary Off-Leash Areas")
    if case.url == "edit":
        if target is not None and target.kind == RequestKind.PROVIDER_ACCESS:
            return {
                "employee": w.employee_emp.employee_number,
                "access_level": "viewer",
                "justification": "Revised: moderates comments only.",
                "action": "save",
            }
        return account_form(w, proposed_name="Calgary Parks Volunteers (revised)")
    if case.url in ("return", "reject"):
        return {"note": "Please name a second backup provider."}
    if case.url == "approve":
        return {"note": "Go ahead."}
    if case.url == "comment":
        return {"body": "Could you add the launch campaign?"}
    if case.url == "new-decommission":
        return {
            "reason": "Merged into the main Parks account.",
            "archive_plan": "Exported and filed under COM-05.",
            "farewell_message": "Follow @calgaryparks for news.",
            "effective_date": (datetime.date.today() + datetime.timedelta(days=30)).isoformat(),
            "action": "save",
        }
    if case.url == "new-provider-access":
        return {
            "employee": w.lead_emp.employee_number,
            "access_level": "publisher",
            "justification": "Runs the events calendar.",
            "action": "save",
        }
    if case.url == "register":
        return {
            "platform": "facebook",
            "address": "https://www.facebook.com/calgaryoffleash",
            "display_name": "Calgary Off-Leash",
            "business_unit": w.parks.pk,
            "accountable_manager": w.manager_emp.employee_number,
            "purpose": "Off-leash park news.",
            "listed_in_directory": "on",
        }
    if case.url == "account-edit":
        account = target or w.parks_account
        return {
            "display_name": f"{account.display_name} (corrected)",
            "business_unit": account.business_unit_id,
            "accountable_manager": account.accountable_manager.employee_number,
            "purpose": "Corrected purpose.",
            "listed_in_directory": "on",
        }
    if case.url == "revoke":
        return {"reason": "No longer on the events team."}
    return {}


def account_form(w, **overrides):
    """The Social Media Request form, complete, saved as a draft."""
    return {
        **COMPLETE_ACCOUNT_FORM,
        "providers": w.employee_emp.employee_number,
        "backup_provider": w.lead_emp.employee_number,
        "action": "save",
        **overrides,
    }


# --- the effects of allowed POSTs ------------------------------------------------------------------------


def _request_status(target, status, location):
    target.refresh_from_db()
    assert target.status == status
    assert location == f"/requests/{target.pk}/"
    return target


def _submitted(w, target, user, location, before):
    target = _request_status(target, RequestStatus.SUBMITTED, location)
    assert target.submitted_at is not None


def _withdrawn(w, target, user, location, before):
    _request_status(target, RequestStatus.WITHDRAWN, location)


def _returned(w, target, user, location, before):
    _request_status(target, RequestStatus.CHANGES_REQUESTED, location)
    assert target.comments.filter(author=user, body="Please name a second backup provider.").exists()


def _approved(w, target, user, location, before):
    target = _request_status(target, RequestStatus.APPROVED, location)
    assert target.decided_by == user and target.decided_at is not None
    detail = target.detail
    detail.refresh_from_db()
    if target.kind == RequestKind.ACCOUNT:
        assert detail.created_account is not None
        assert detail.created_account.business_unit == target.business_unit
    elif target.kind == RequestKind.PROVIDER_ACCESS:
        assert detail.created_grant.status == GrantStatus.ACTIVE
        assert detail.created_grant.employee == detail.employee


def _rejected(w, target, user, location, before):
    target = _request_status(target, RequestStatus.REJECTED, location)
    assert target.decided_by == user
    assert target.decision_note == "Please name a second backup provider."


def _commented(w, target, user, location, before):
    status = target.status
    _request_status(target, status, location)
    assert target.comments.filter(author=user, body="Could you add the launch campaign?").exists()


def _saved(w, target, user, location, before):
    assert location == f"/requests/{target.pk}/edit/"
    detail = AccountRequest.objects.get(pk=target.pk)
    assert detail.proposed_name == "Calgary Parks Volunteers (revised)"
    assert detail.status == RequestStatus.DRAFT and detail.requester == user


def _new_request(model, before, location):
    known = {row["id"] for row in before[GovernanceRequest._meta.label]}
    (created,) = model.objects.exclude(pk__in=known)
    assert location == f"/requests/{created.pk}/edit/"
    assert created.status == RequestStatus.DRAFT
    return created


def _filed(w, target, user, location, before):
    created = _new_request(AccountRequest, before, location)
    assert created.requester == user
    assert created.requester_employee == user.employee
    assert created.business_unit == user.employee.business_unit
    assert created.proposed_name == "Calgary Off-Leash Areas"


def _decommission_filed(w, target, user, location, before):
    created = _new_request(DecommissionRequest, before, location)
    assert created.requester == user and created.account == target
    assert created.business_unit == target.business_unit


def _access_filed(w, target, user, location, before):
    created = _new_request(ProviderAccessRequest, before, location)
    assert created.requester == user and created.account == target
    assert created.employee == w.lead_emp


def _registered(w, target, user, location, before):
    known = {row["id"] for row in before[SocialAccount._meta.label]}
    (created,) = SocialAccount.objects.exclude(pk__in=known)
    assert location == f"/accounts/{created.pk}/"
    assert created.display_name == "Calgary Off-Leash" and created.business_unit == w.parks


def _updated(w, target, user, location, before):
    assert location == f"/accounts/{target.pk}/"
    name = target.display_name
    target.refresh_from_db()
    assert target.display_name == f"{name} (corrected)"


def _revoked(w, target, user, location, before):
    account, grant = target
    assert location == f"/accounts/{account.pk}/"
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED
    assert grant.revoked_by == user and grant.revoke_reason == "No longer on the events team."


EFFECTS = {
    SUBMITTED: _submitted,
    WITHDRAWN: _withdrawn,
    RETURNED: _returned,
    APPROVED: _approved,
    REJECTED: _rejected,
    COMMENTED: _commented,
    SAVED: _saved,
    FILED: _filed,
    DECOMMISSION_FILED: _decommission_filed,
    ACCESS_FILED: _access_filed,
    REGISTERED: _registered,
    UPDATED: _updated,
    REVOKED: _revoked,
}


# --- the matrix, run --------------------------------------------------------------------------------------


def resolve(case, w):
    objects = URLS[case.url].objects
    return None if objects is None else objects[case.obj](w)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_permission_matrix(case, world, client, client_for):
    target = resolve(case, world)
    path = URLS[case.url].build(target)
    user = None if case.persona == "anonymous" else getattr(world, case.persona)
    if user is not None:
        client_for(user)
    data = payload(case, world, target)
    before = database_snapshot()

    response = client.get(path) if case.method == "GET" else client.post(path, data)

    assert response.status_code == case.status, f"{case.method} {path} as {case.persona}"
    location = response.get("Location", "")
    if user is None and URLS[case.url].signed_in:
        assert location == f"/login/?next={quote(path, safe='/')}"
    refused = case.status in (403, 404, 405) or (user is None and URLS[case.url].signed_in)
    if refused or case.outcome == SAME:
        assert database_snapshot() == before, f"a refused {case.method} {path} as {case.persona} changed the database"
    if case.outcome == SAME:
        assert location == f"/requests/{target.pk}/"
    elif isinstance(case.outcome, str):
        EFFECTS[case.outcome](world, target, user, location, before)
        assert AuditEvent.objects.count() > len(before[AuditEvent._meta.label]), "no audit event for the change"


# --- what a list shows -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("employee", set()),
        ("manager", {"parks_account"}),
        ("provider", {"parks_account"}),
        ("csc_staff", {"parks_account", "transit_account"}),
        ("director", {"parks_account", "transit_account"}),
        ("auditor", {"parks_account", "transit_account"}),
    ],
)
def test_the_registry_and_its_export_list_only_what_the_persona_may_see(persona, visible, world, client_for):
    client = client_for(getattr(world, persona))
    export = b"".join(client.get("/accounts/export.csv").streaming_content).decode()
    page = client.get("/accounts/").content.decode()
    for name in ("parks_account", "transit_account"):
        account = getattr(world, name)
        assert (account.profile_url in export) == (name in visible), (name, export)
        assert (f"/accounts/{account.pk}/" in page) == (name in visible), name


@pytest.mark.parametrize(
    ("grant_status", "expected"),
    [("active", 200), ("under_review", 200), ("suspended", 404), ("revoked", 404)],
)
def test_a_provider_sees_an_account_while_their_grant_is_active_or_under_review(
    grant_status, expected, world, client_for
):
    ProviderGrant.objects.filter(pk=world.provider_grant.pk).update(
        status=grant_status, revoked_at=timezone.now() if grant_status == "revoked" else None
    )
    client = client_for(world.provider)
    account = world.parks_account
    assert client.get(f"/accounts/{account.pk}/").status_code == expected
    assert (f"/accounts/{account.pk}/" in client.get("/accounts/").content.decode()) == (expected == 200)


def test_a_manager_may_ask_provider_access_only_for_their_reporting_line(world, client_for):
    before = database_snapshot()
    response = client_for(world.manager).post(
        f"/requests/new/provider-access/{world.parks_account.pk}/",
        {
            "employee": world.outsider_emp.employee_number,
            "access_level": "publisher",
            "justification": "Help.",
            "action": "save",
        },
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "not in your reporting line" in response.content.decode()
    assert database_snapshot() == before


def test_a_director_may_not_decide_a_request_to_designate_themselves(world, client, client_for):
    """Nobody decides their own request, the Director included: not one they filed, and not one
    naming them as the provider (filed by CSC staff here). Another Director may."""
    TrainingRecordFactory(employee=world.director_emp)
    acknowledge(world.director_emp)  # so the only thing in the way is who decides
    access = services.create_provider_access_request(
        account=world.parks_account,
        employee=world.director_emp,
        acting_user=world.csc_staff,
        values={"access_level": "publisher", "justification": "Covers for the team in July."},
    )
    services.submit_request(governance_request=access, acting_user=world.csc_staff)
    director = client_for(world.director)
    page = director.get(f"/requests/{access.pk}/").content.decode()
    assert f"/requests/{access.pk}/approve/" not in page and f"/requests/{access.pk}/reject/" not in page
    before = database_snapshot()
    for action, note in (("approve", "Fine."), ("reject", "No.")):
        response = director.post(f"/requests/{access.pk}/{action}/", {"note": note})
        assert response.status_code == 403, action
    assert database_snapshot() == before
    with pytest.raises(PermissionDenied, match="Nobody decides a request to designate themselves"):
        services.approve_request(governance_request=access, acting_user=world.director)

    acting = UserFactory(username="acting-director")
    acting.groups.add(Group.objects.get(name=DIRECTOR))
    other = Client()
    other.force_login(acting)
    assert other.post(f"/requests/{access.pk}/approve/", {"note": "Fine."}).status_code == 302
    access.refresh_from_db()
    assert access.status == RequestStatus.APPROVED and access.created_grant.employee == world.director_emp


# --- extra POST fields are ignored -------------------------------------------------------------------------


def test_filing_ignores_posted_status_requester_business_unit_and_decision(world, client_for):
    known = set(AccountRequest.objects.values_list("pk", flat=True))
    response = client_for(world.employee).post(
        "/requests/new/",
        account_form(
            world,
            status="approved",
            requester=world.director.pk,
            requester_employee=world.outsider_emp.pk,
            business_unit=world.transit.pk,
            decided_by=world.director.pk,
            decided_at="2024-01-01T00:00:00Z",
            created_account=world.transit_account.pk,
            submitted_at="2024-01-01T00:00:00Z",
        ),
    )
    assert response.status_code == 302
    (filed,) = AccountRequest.objects.exclude(pk__in=known)
    assert response["Location"] == f"/requests/{filed.pk}/edit/"
    assert filed.status == RequestStatus.DRAFT and filed.submitted_at is None
    assert filed.requester == world.employee and filed.requester_employee == world.employee_emp
    assert filed.business_unit == world.parks
    assert filed.decided_by is None and filed.decided_at is None
    assert filed.created_account is None


def test_editing_ignores_posted_status_and_decision(world, client_for):
    draft = world.mine_draft
    response = client_for(world.employee).post(
        f"/requests/{draft.pk}/edit/",
        account_form(
            world,
            proposed_name="Calgary Parks Volunteers (revised)",
            status="approved",
            decided_by=world.director.pk,
            decision_note="Approved by myself",
            requester=world.outsider.pk,
            business_unit=world.transit.pk,
            created_account=world.transit_account.pk,
        ),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.proposed_name == "Calgary Parks Volunteers (revised)"  # the form itself was saved
    assert draft.status == RequestStatus.DRAFT
    assert draft.decided_by is None and draft.decision_note == ""
    assert draft.requester == world.employee and draft.business_unit == world.parks
    assert draft.created_account is None


def test_approving_ignores_a_posted_status(world, client_for):
    response = client_for(world.director).post(
        f"/requests/{world.mine_submitted.pk}/approve/",
        {"note": "Go ahead.", "status": "rejected", "decided_by": world.csc_staff.pk},
    )
    assert response.status_code == 302
    world.mine_submitted.refresh_from_db()
    assert world.mine_submitted.status == RequestStatus.APPROVED
    assert world.mine_submitted.decided_by == world.director


def test_editing_an_account_ignores_posted_status_and_identity(world, client_for):
    account = world.parks_account
    before = SocialAccount.objects.values("status", "normalized_url", "platform", "handle", "profile_url").get(
        pk=account.pk
    )
    response = client_for(world.csc_staff).post(
        f"/accounts/{account.pk}/edit/",
        {
            "display_name": "Calgary Parks & Pathways",
            "business_unit": account.business_unit_id,
            "accountable_manager": world.manager_emp.employee_number,
            "purpose": "Parks news.",
            "listed_in_directory": "on",
            "status": "decommissioned",
            "normalized_url": "https://www.instagram.com/somebodyelse",
            "platform": "tiktok",
            "handle": "@somebodyelse",
            "profile_url": "https://www.tiktok.com/@somebodyelse",
            "password_rotated_at": "2024-01-01T00:00:00Z",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.display_name == "Calgary Parks & Pathways"
    after = SocialAccount.objects.values("status", "normalized_url", "platform", "handle", "profile_url").get(
        pk=account.pk
    )
    assert after == before
    assert account.password_rotated_at is None


def test_filing_a_decommission_or_access_request_uses_the_account_in_the_url(world, client_for):
    known = set(GovernanceRequest.objects.values_list("pk", flat=True))
    client = client_for(world.manager)
    effective = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = client.post(
        f"/requests/new/decommission/{world.parks_account.pk}/",
        {
            "reason": "Merged.",
            "archive_plan": "Archived.",
            "farewell_message": "Bye.",
            "effective_date": effective,
            "action": "save",
            "account": world.transit_account.pk,
            "business_unit": world.transit.pk,
            "requester": world.director.pk,
            "status": "approved",
        },
    )
    assert response.status_code == 302
    (decommission,) = DecommissionRequest.objects.exclude(pk__in=known)
    assert decommission.account == world.parks_account and decommission.business_unit == world.parks
    assert decommission.requester == world.manager and decommission.status == RequestStatus.DRAFT

    response = client.post(
        f"/requests/new/provider-access/{world.parks_account.pk}/",
        {
            "employee": world.lead_emp.employee_number,
            "access_level": "publisher",
            "justification": "Events.",
            "action": "save",
            "account": world.transit_account.pk,
            "requester": world.director.pk,
            "status": "approved",
            "created_grant": world.transit_grant.pk,
        },
    )
    assert response.status_code == 302
    (access,) = ProviderAccessRequest.objects.exclude(pk__in=known)
    assert access.account == world.parks_account and access.requester == world.manager
    assert access.status == RequestStatus.DRAFT and access.created_grant is None
