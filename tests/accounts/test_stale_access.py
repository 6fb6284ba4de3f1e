"""Stale provider access: what opens reviews and rotations, the nightly sweep, the hourly
escalation, and what managers do with them."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import (
    AccessReview,
    AccountStatus,
    CredentialRotation,
    GrantStatus,
    ProviderGrant,
    ReviewOutcome,
    ReviewReason,
    RotationCause,
)
from governance import services as people
from governance.models import AuditEvent, Employee, EmploymentStatus, Notification, TrainingRecord
from governance.roster import RosterRow
from governance.services import WorkflowError
from tests.factories import make_account, make_grant
from tests.snapshot import database_snapshot


def roster_of(*changes, drop=()):
    """The current directory as HR roster rows, with some employees changed: (number, field=value)."""
    changed = dict(changes)
    rows = []
    for line, employee in enumerate(Employee.objects.select_related("business_unit", "manager").order_by("pk"), 2):
        if employee.employee_number in drop:
            continue
        values = {
            "employee_number": employee.employee_number,
            "first_name": employee.first_name,
            "last_name": employee.last_name,
            "email": employee.email,
            "job_title": employee.job_title,
            "business_unit_code": employee.business_unit.code,
            "business_unit_name": employee.business_unit.name,
            "manager_employee_number": employee.manager.employee_number if employee.manager else "",
            "employment_status": employee.employment_status,
        }
        values.update(changed.get(employee.employee_number, {}))
        rows.append(RosterRow(line=line, **values))
    return rows


def import_roster(*changes, drop=(), full=False):
    return people.import_hr_roster(rows=roster_of(*changes, drop=drop), full=full)


@pytest.fixture
def moved(world):
    """Lucas (a provider) moves from Parks to Transit, now reporting to Aisha."""
    return (
        "E0104",
        {
            "business_unit_code": "TRN",
            "business_unit_name": "Calgary Transit",
            "manager_employee_number": "E0199",
            "job_title": "Transit Ambassador",
        },
    )


def test_a_role_change_puts_each_grant_under_review_for_the_new_manager(
    world, moved, django_capture_on_commit_callbacks, mailoutbox
):
    aisha_user = _user_for(world.transit_manager_emp, "aisha")
    with django_capture_on_commit_callbacks(execute=True):
        import_roster(moved)
    review = AccessReview.objects.get()
    assert review.grant == world.provider_grant
    assert review.reason == ReviewReason.ROLE_CHANGED
    assert review.assigned_to == world.transit_manager_emp
    assert review.due_at - review.opened_at == datetime.timedelta(days=settings.REVIEW_DUE_DAYS)
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.UNDER_REVIEW
    assert AuditEvent.objects.filter(verb="review.opened", target_id=str(review.pk)).count() == 1
    recipients = {message.to[0]: message for message in mailoutbox}
    assert "Please review 1 provider access in your team" in recipients[world.transit_manager_emp.email].subject
    assert "Lucas Moreau: Calgary Parks (Instagram) — Role changed" in recipients[world.transit_manager_emp.email].body
    assert "1 access review opened after role changes" in recipients[world.director_emp.email].subject
    assert Notification.objects.filter(recipient=aisha_user, link="/team/access/").exists()


def _user_for(employee, username):
    from tests.factories import UserFactory

    user = UserFactory(username=username)
    employee.user = user
    employee.save(update_fields=["user"])
    return user


def test_a_departure_revokes_every_grant_and_opens_one_rotation_per_account(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    second = make_account(
        handle="@parksevents",
        display_name="Parks Events",
        business_unit=world.parks,
        accountable_manager=world.manager_emp,
    )
    other = make_grant(employee=world.provider_emp, account=second, status=GrantStatus.UNDER_REVIEW)
    colleague = make_grant(employee=world.employee_emp, account=world.parks_account)
    with django_capture_on_commit_callbacks(execute=True):
        import_roster(("E0104", {"employment_status": "terminated"}))
    for grant in (world.provider_grant, other):
        grant.refresh_from_db()
        assert grant.status == GrantStatus.REVOKED and grant.revoked_at is not None
        assert AuditEvent.objects.filter(verb="grant.revoked", target_id=str(grant.pk)).count() == 1
    colleague.refresh_from_db()
    assert colleague.status == GrantStatus.ACTIVE
    rotations = CredentialRotation.objects.order_by("account__display_name")
    assert [r.account for r in rotations] == [world.parks_account, second]
    assert all(r.due_at - r.opened_at == datetime.timedelta(hours=settings.ROTATION_DUE_HOURS) for r in rotations)
    assert sorted(RotationCause.objects.values_list("grant_id", flat=True)) == sorted(
        [world.provider_grant.pk, other.pk]
    )
    subjects = {message.to[0]: message.subject for message in mailoutbox if "left the City" in message.subject}
    assert set(subjects) == {world.manager_emp.email, world.director_emp.email}
    world.provider.refresh_from_db()
    assert not world.provider.is_active


def test_a_new_cause_joins_the_open_rotation(world):
    services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="Moved teams.")
    second = make_grant(employee=world.employee_emp, account=world.parks_account)
    services.revoke_grant(grant=second, acting_user=world.manager, reason="No longer posts.")
    rotation = CredentialRotation.objects.get()
    assert list(rotation.causes.values_list("grant_id", flat=True)) == [world.provider_grant.pk, second.pk]


def test_the_database_keeps_one_open_rotation_per_account_and_one_open_review_per_reason(world):
    now = timezone.now()
    CredentialRotation.objects.create(account=world.parks_account, due_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        CredentialRotation.objects.create(account=world.parks_account, due_at=now)
    AccessReview.objects.create(grant=world.provider_grant, reason=ReviewReason.ON_LEAVE, due_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessReview.objects.create(grant=world.provider_grant, reason=ReviewReason.ON_LEAVE, due_at=now)
    AccessReview.objects.create(grant=world.provider_grant, reason=ReviewReason.ROLE_CHANGED, due_at=now)


def test_the_sweep_finds_an_hr_change_whose_task_never_ran_and_a_second_run_changes_nothing(world):
    # The roster import committed but its task was lost (on-commit callbacks are not run here).
    import_roster(("E0104", {"job_title": "Senior Events Assistant"}))
    assert not AccessReview.objects.exists()
    first = services.sweep_stale_access()
    assert first.reviews_opened[ReviewReason.ROLE_CHANGED] == 1
    before = database_snapshot()
    second = services.sweep_stale_access()
    assert second.changed_rows == 0
    assert database_snapshot() == before  # no rows changed, no audit events, no notifications


@pytest.mark.parametrize(
    ("change", "first_run_did"),
    [
        ({"employment_status": "terminated"}, lambda w: GrantStatus.REVOKED),
        ({"job_title": "Senior Events Assistant"}, lambda w: GrantStatus.UNDER_REVIEW),
    ],
    ids=["employment ended", "role changed"],
)
def test_a_task_delivered_twice_changes_nothing_more(world, change, first_run_did):
    from accounts.tasks import review_employee_changes

    import_roster(("E0104", change))
    untouched = database_snapshot()
    review_employee_changes([world.provider_emp.pk])
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == first_run_did(world)
    before = database_snapshot()
    assert before != untouched
    review_employee_changes([world.provider_emp.pk])
    assert database_snapshot() == before


@pytest.mark.parametrize(
    ("reason", "make_stale"),
    [
        (
            ReviewReason.ON_LEAVE,
            lambda w: Employee.objects.filter(pk=w.provider_emp.pk).update(
                employment_status=EmploymentStatus.LEAVE, role_changed_at=timezone.now()
            ),
        ),
        (
            ReviewReason.TRAINING_EXPIRED,
            lambda w: TrainingRecord.objects.filter(employee=w.provider_emp).update(
                completed_on=timezone.localdate() - datetime.timedelta(days=800),
                expires_on=timezone.localdate() - datetime.timedelta(days=1),
            ),
        ),
        (
            ReviewReason.RECERTIFICATION_DUE,
            lambda w: ProviderGrant.objects.filter(pk=w.provider_grant.pk).update(recertify_by=timezone.localdate()),
        ),
        (ReviewReason.NOT_IN_ROSTER, lambda w: import_roster(drop=("E0104",), full=True)),
    ],
)
def test_each_cause_opens_one_review_and_keeping_it_holds_until_the_next_change(world, reason, make_stale):
    soon = timezone.localdate() + datetime.timedelta(days=30)
    ProviderGrant.objects.filter(pk=world.provider_grant.pk).update(recertify_by=soon)
    make_stale(world)
    result = services.sweep_stale_access()
    assert result.reviews_opened[reason] == 1
    review = AccessReview.objects.get(reason=reason)
    assert review.grant == world.provider_grant and review.assigned_to == world.lead_emp
    assert services.sweep_stale_access().changed_rows == 0

    services.keep_access(review=review, acting_user=world.manager, note="Still runs the volunteer posts.")
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.ACTIVE
    assert world.provider_grant.recertify_by == services.recertify_by_from(timezone.localdate())
    assert services.sweep_stale_access().changed_rows == 0  # kept: not asked again for the same cause
    assert AuditEvent.objects.filter(verb="review.kept", target_id=str(review.pk)).count() == 1


def test_a_terminated_employee_is_not_reviewed_but_revoked(world):
    Employee.objects.filter(pk=world.provider_emp.pk).update(employment_status=EmploymentStatus.TERMINATED)
    result = services.sweep_stale_access()
    assert result.grants_revoked == 1 and sum(result.reviews_opened.values()) == 0


def test_revoking_from_a_review_resolves_it_and_opens_a_rotation(world):
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    review = AccessReview.objects.get()
    services.revoke_grant(grant=review.grant, acting_user=world.manager, reason="Moved to Transit.")
    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.REVOKED and review.resolved_by == world.manager
    assert CredentialRotation.objects.get().account == world.parks_account


def test_keeping_needs_a_note_and_a_date_within_a_year(world):
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    review = AccessReview.objects.get()
    before = database_snapshot(), ProviderGrant.objects.get(pk=world.provider_grant.pk).recertify_by
    with pytest.raises(WorkflowError, match="Say why"):
        services.keep_access(review=review, acting_user=world.manager, note="")
    with pytest.raises(WorkflowError, match="no later than"):
        services.keep_access(
            review=review,
            acting_user=world.manager,
            note="Yes",
            recertify_by=timezone.localdate() + datetime.timedelta(days=800),
        )
    assert (database_snapshot(), ProviderGrant.objects.get(pk=world.provider_grant.pk).recertify_by) == before


def test_only_the_providers_managers_and_csc_resolve_reviews(world):
    from django.core.exceptions import PermissionDenied

    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    review = AccessReview.objects.get()
    before = database_snapshot(), ProviderGrant.objects.get(pk=world.provider_grant.pk).recertify_by
    for user in (world.outsider, world.employee, world.auditor, world.provider):
        with pytest.raises(PermissionDenied):
            services.keep_access(review=review, acting_user=user, note="Keep.")
    assert (database_snapshot(), ProviderGrant.objects.get(pk=world.provider_grant.pk).recertify_by) == before
    services.keep_access(review=review, acting_user=world.csc_staff, note="Confirmed with Parks.")


def test_decommissioning_opens_a_rotation_for_the_account(world):
    services.decommission_account(account=world.parks_account, acting_user=world.director)
    rotation = CredentialRotation.objects.get(account=world.parks_account)
    assert list(rotation.causes.values_list("reason", "grant_id")) == [
        ("account_decommissioned", None),
        ("account_decommissioned", world.provider_grant.pk),
    ]
    world.parks_account.refresh_from_db()
    assert world.parks_account.status == AccountStatus.DECOMMISSIONED


def test_recording_a_password_change_needs_every_attestation(world):
    services.revoke_grant(grant=world.provider_grant, acting_user=world.director, reason="Left the team.")
    rotation = CredentialRotation.objects.get()
    with pytest.raises(WorkflowError, match="Confirm every step"):
        services.complete_rotation(
            rotation=rotation, acting_user=world.manager, attestations={"password_changed": True}
        )
    done = services.complete_rotation(
        rotation=rotation,
        acting_user=world.manager,
        note="Done with IT.",
        attestations=dict.fromkeys(
            ["password_changed", "recovery_checked", "two_step_on", "sessions_signed_out"], True
        ),
    )
    assert done.completed_by == world.manager
    world.parks_account.refresh_from_db()
    assert world.parks_account.password_rotated_at == done.completed_at
    assert AuditEvent.objects.filter(verb="rotation.completed", target_id=str(rotation.pk)).count() == 1
    with pytest.raises(WorkflowError, match="already recorded"):
        services.complete_rotation(
            rotation=rotation,
            acting_user=world.manager,
            attestations=dict.fromkeys(
                ["password_changed", "recovery_checked", "two_step_on", "sessions_signed_out"], True
            ),
        )


class TestEscalation:
    @pytest.fixture
    def review(self, world):
        Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
        services.sweep_stale_access()
        return AccessReview.objects.get()

    def test_a_reminder_goes_out_before_the_due_date_once(
        self, review, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        with time_machine.travel(review.due_at - datetime.timedelta(days=3)):
            assert services.escalate_overdue().reviews_reminded == 0  # too early
        with (
            time_machine.travel(review.due_at - datetime.timedelta(days=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert services.escalate_overdue().reviews_reminded == 1
            assert services.escalate_overdue().reviews_reminded == 0
        [reminder] = [m for m in mailoutbox if m.subject.startswith("Reminder")]
        assert reminder.to == [world.lead_emp.email]  # Maya is Lucas's manager
        review.refresh_from_db()
        assert review.escalated_at is None

    def test_an_overdue_review_suspends_the_grant_and_escalates_to_the_director(
        self, review, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        with (
            time_machine.travel(review.due_at + datetime.timedelta(minutes=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            result = services.escalate_overdue()
        assert result.reviews_escalated == 1 and result.grants_suspended == 1
        review.refresh_from_db()
        world.provider_grant.refresh_from_db()
        assert review.escalated_at is not None and review.resolved_at is None
        assert world.provider_grant.status == GrantStatus.SUSPENDED
        assert AuditEvent.objects.filter(verb="grant.suspended", target_id=str(world.provider_grant.pk)).exists()
        assert CredentialRotation.objects.filter(account=world.parks_account, completed_at__isnull=True).exists()
        assert any(m.to == [world.director_emp.email] and m.subject.startswith("Escalated") for m in mailoutbox)
        before = database_snapshot()
        with time_machine.travel(review.due_at + datetime.timedelta(hours=2)):
            assert services.escalate_overdue().changed_rows == 0
        assert database_snapshot() == before

    def test_keeping_an_escalated_review_restores_the_access(self, review, world):
        with time_machine.travel(review.due_at + datetime.timedelta(minutes=1)):
            services.escalate_overdue()
        services.keep_access(review=review, acting_user=world.director, note="Confirmed with Parks.")
        world.provider_grant.refresh_from_db()
        assert world.provider_grant.status == GrantStatus.ACTIVE

    def test_an_overdue_rotation_escalates_to_the_director_once(
        self, world, mailoutbox, django_capture_on_commit_callbacks
    ):
        services.revoke_grant(grant=world.provider_grant, acting_user=world.manager, reason="Left the team.")
        rotation = CredentialRotation.objects.get()
        with (
            time_machine.travel(rotation.due_at - datetime.timedelta(hours=2)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert services.escalate_overdue().rotations_reminded == 1
        with (
            time_machine.travel(rotation.due_at + datetime.timedelta(minutes=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert services.escalate_overdue().rotations_escalated == 1
            assert services.escalate_overdue().rotations_escalated == 0
        rotation.refresh_from_db()
        assert rotation.escalated_at is not None
        subjects = [(m.to[0], m.subject) for m in mailoutbox]
        assert (world.manager_emp.email, "Reminder: change the password of 1 account") in subjects
        assert (world.director_emp.email, "Escalated: 1 overdue password change") in subjects


def test_dry_run_changes_nothing_and_reports_the_counts(world, capsys):
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    Employee.objects.filter(pk=world.outsider_emp.pk).update(employment_status=EmploymentStatus.TERMINATED)
    before = database_snapshot()
    call_command("sweep_stale_access", "--dry-run")
    output = capsys.readouterr().out
    assert database_snapshot() == before
    assert "Would change:" in output
    assert "employment ended — grants revoked        1" in output
    assert "role changed — reviews opened            1" in output
    call_command("sweep_stale_access")
    assert "Changed:" in capsys.readouterr().out
    assert AccessReview.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query count is measured on PostgreSQL")
def test_the_sweep_costs_the_same_queries_for_10_grants_as_for_2000(world):
    def grants(count):
        """`count` providers whose role changed since their designation, in bulk."""
        from accounts.models import SocialAccount

        start = ProviderGrant.objects.count()
        numbers = range(start, start + count)
        employees = Employee.objects.bulk_create(
            Employee(
                employee_number=f"B{n:05d}",
                first_name="Pat",
                last_name=f"Bulk{n}",
                email=f"b{n}@calgary.ca",
                business_unit=world.parks,
                manager=world.manager_emp,
                role_changed_at=timezone.now(),
            )
            for n in numbers
        )
        accounts = SocialAccount.objects.bulk_create(
            SocialAccount(
                platform="instagram",
                handle=f"@parks{n}",
                profile_url=f"https://instagram.com/parks{n}",
                normalized_url=f"instagram.com/parks{n}",
                display_name=f"Parks {n}",
                business_unit=world.parks,
                accountable_manager=world.manager_emp,
            )
            for n in numbers
        )
        ProviderGrant.objects.bulk_create(
            ProviderGrant(
                employee=employee,
                account=account,
                designated_at=timezone.now() - datetime.timedelta(days=9),
                recertify_by=timezone.localdate() + datetime.timedelta(days=300),
            )
            for employee, account in zip(employees, accounts, strict=True)
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            services.sweep_stale_access()
        return len(captured)

    grants(8)  # with the two of `world`: ten grants
    small = queries()
    assert AccessReview.objects.filter(reason=ReviewReason.ROLE_CHANGED).count() == 8
    grants(1990)
    assert queries() == small
    assert AccessReview.objects.filter(reason=ReviewReason.ROLE_CHANGED).count() == 1998
    # (they have no training on record either: one review for each cause)
    assert AccessReview.objects.filter(reason=ReviewReason.TRAINING_EXPIRED).count() == 1998


def test_digests_are_sent_once_and_long_ones_are_cut_short(world, mailoutbox, django_capture_on_commit_callbacks):
    from accounts.models import SocialAccount

    people = Employee.objects.bulk_create(
        Employee(
            employee_number=f"D{n:03d}",
            first_name="Dee",
            last_name=f"Gest{n:03d}",
            email=f"d{n}@calgary.ca",
            business_unit=world.parks,
            manager=world.manager_emp,
            role_changed_at=timezone.now(),
            management_path="",
        )
        for n in range(60)
    )
    accounts = SocialAccount.objects.bulk_create(
        SocialAccount(
            platform="instagram",
            handle=f"@d{n}",
            profile_url=f"https://instagram.com/d{n}",
            normalized_url=f"instagram.com/d{n}",
            display_name=f"Digest {n:03d}",
            business_unit=world.parks,
            accountable_manager=world.manager_emp,
        )
        for n in range(60)
    )
    ProviderGrant.objects.bulk_create(
        ProviderGrant(
            employee=person,
            account=account,
            designated_at=timezone.now() - datetime.timedelta(days=3),
            recertify_by=timezone.localdate() + datetime.timedelta(days=300),
        )
        for person, account in zip(people, accounts, strict=True)
    )
    TrainingRecord.objects.bulk_create(
        TrainingRecord(
            employee=person,
            course="social_media",
            completed_on=timezone.localdate(),
            expires_on=timezone.localdate() + datetime.timedelta(days=700),
        )
        for person in people
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep_stale_access()
    [digest] = [m for m in mailoutbox if m.to == [world.manager_emp.email]]
    assert digest.subject == "Please review 60 provider accesses in your team"
    assert digest.body.count("— Role changed") == 50
    assert "- and 10 more: see the portal." in digest.body
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_access_digests() == (0, 0)
    assert len(mailoutbox) == sent


def test_a_role_change_made_in_the_admin_opens_a_review_like_the_roster_does(
    world, client, django_user_model, django_capture_on_commit_callbacks
):
    """IT edits the provider's job title in the Django admin: the same task runs after commit."""
    admin_user = django_user_model.objects.create_superuser("it-admin", "it@calgary.ca", "pw")
    client.force_login(admin_user)
    url = f"/admin/governance/employee/{world.provider_emp.pk}/change/"
    form_page = client.get(url)
    data = {}
    for field in form_page.context["adminform"].form:
        value = field.value()
        if value is not None and field.name not in {"role_changed_at", "in_hr_roster"}:
            data[field.name] = "" if value is False else value
    for formset in form_page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data.update({f"{management.prefix}-{name}": management[name].value() for name in management.fields})
        for form in formset.formset.forms:
            data.update({f"{form.prefix}-{name}": form[name].value() or "" for name in form.fields})
    data["job_title"] = "Transit Planner"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    review = AccessReview.objects.get(grant=world.provider_grant)
    assert review.reason == ReviewReason.ROLE_CHANGED and review.assigned_to == world.lead_emp
    world.provider_grant.refresh_from_db()
    assert world.provider_grant.status == GrantStatus.UNDER_REVIEW
    assert AuditEvent.objects.filter(verb="employee.role_changed", actor=admin_user).count() == 1


@pytest.mark.parametrize(
    "manager",
    [lambda w: None, lambda w: w.transit_manager_emp],
    ids=["no manager (the Director decides)", "a manager who does not sign in"],
)
def test_reviews_nobody_else_can_decide_go_to_the_directors(
    world, manager, mailoutbox, django_capture_on_commit_callbacks
):
    Employee.objects.filter(pk=world.provider_emp.pk).update(
        manager=manager(world), employment_status=EmploymentStatus.LEAVE, role_changed_at=timezone.now()
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep_stale_access()
    review = AccessReview.objects.get(reason=ReviewReason.ON_LEAVE)
    assert review.assigned_to == manager(world)
    [message] = [m for m in mailoutbox if m.to == [world.director_emp.email]]
    assert message.subject == "Please review 1 provider access no manager can review"
    assert "Lucas Moreau: Calgary Parks (Instagram) — On leave" in message.body
    assert "the Director decides" in message.body
    assert Notification.objects.filter(recipient=world.director, kind="access_reviews_opened").count() == 1

    with (
        time_machine.travel(review.due_at - datetime.timedelta(days=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.escalate_overdue().reviews_reminded == 1
    [reminder] = [m for m in mailoutbox if m.subject.startswith("Reminder")]
    assert reminder.to == [world.director_emp.email]


def test_the_director_hears_of_a_role_change_once_even_without_a_manager(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    Employee.objects.filter(pk=world.provider_emp.pk).update(manager=None, role_changed_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep_stale_access()
    [message] = [m for m in mailoutbox if m.to == [world.director_emp.email]]
    assert message.subject == "Please review 1 provider access no manager can review"


def test_a_departure_closes_the_open_reviews_with_an_audit_event_each(world):
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    review = AccessReview.objects.get()
    Employee.objects.filter(pk=world.provider_emp.pk).update(employment_status=EmploymentStatus.TERMINATED)

    services.sweep_stale_access()

    review.refresh_from_db()
    assert review.outcome == ReviewOutcome.REVOKED and review.resolved_at is not None
    event = AuditEvent.objects.get(verb="review.revoked", target_id=str(review.pk))
    assert event.actor is None and event.actor_label == "stale-access job"
    assert event.note == "Employment ended (HR roster)."
    assert event.changes == {"outcome": {"before": None, "after": "revoked"}}
    assert event.target_repr == "Role changed review: Lucas Moreau on Calgary Parks"
    assert not AccessReview.objects.filter(resolved_at__isnull=True).exists()


def test_each_revoked_grant_is_audited_with_the_status_it_had(world):
    statuses = [GrantStatus.ACTIVE, GrantStatus.UNDER_REVIEW, GrantStatus.SUSPENDED]
    grants = [
        make_grant(
            employee=world.provider_emp,
            account=make_account(
                handle=f"@parks{n}",
                display_name=f"Parks {n}",
                business_unit=world.parks,
                accountable_manager=world.manager_emp,
            ),
            status=status,
        )
        for n, status in enumerate(statuses)
    ]
    Employee.objects.filter(pk=world.provider_emp.pk).update(employment_status=EmploymentStatus.TERMINATED)
    result = services.sweep_stale_access()
    assert result.grants_revoked == 4  # and world.provider_grant
    for grant, status in zip(grants, statuses, strict=True):
        event = AuditEvent.objects.get(verb="grant.revoked", target_id=str(grant.pk))
        assert event.changes == {"status": {"before": status, "after": "revoked"}}
        assert event.target_repr == f"Lucas Moreau on {grant.account.display_name}"
    assert result.rotations_opened == 4 == AuditEvent.objects.filter(verb="rotation.opened").count()
    assert result.rotation_causes_added == 4 == AuditEvent.objects.filter(verb="rotation.cause_added").count()


def test_a_second_escalation_of_a_suspended_grant_opens_no_second_rotation(world):
    """Two reviews of one grant, due on different days: the first escalation suspends the grant
    and the password is changed; the second finds it suspended already — nothing more to change."""
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    first = AccessReview.objects.get()
    later = AccessReview.objects.create(
        grant=world.provider_grant,
        reason=ReviewReason.RECERTIFICATION_DUE,
        due_at=first.due_at + datetime.timedelta(days=5),
        assigned_to=world.lead_emp,
        notified_at=timezone.now(),
    )
    with time_machine.travel(first.due_at + datetime.timedelta(minutes=1)):
        escalation = services.escalate_overdue()
    assert escalation.grants_suspended == 1 and escalation.rotations_opened == 1
    rotation = CredentialRotation.objects.get()
    services.complete_rotation(
        rotation=rotation,
        acting_user=world.manager,
        attestations=dict.fromkeys(
            ["password_changed", "recovery_checked", "two_step_on", "sessions_signed_out"], True
        ),
    )

    with time_machine.travel(later.due_at + datetime.timedelta(minutes=1)):
        second = services.escalate_overdue()

    assert second.reviews_escalated == 1
    assert (second.grants_suspended, second.rotations_opened, second.rotation_causes_added) == (0, 0, 0)
    assert not CredentialRotation.objects.filter(completed_at__isnull=True).exists()
    assert AuditEvent.objects.filter(verb="rotation.opened").count() == 1
    assert AuditEvent.objects.filter(verb="grant.suspended").count() == 1
