"""seed_demo: a believable organisation and one sign-in per role; safe to run twice."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import AccessReview, CredentialRotation, GrantStatus, ProviderGrant, SocialAccount
from governance.models import BusinessUnit, Employee, EmploymentStatus, PolicyAcknowledgement, TrainingRecord, User
from governance.selectors import reports_of
from reports.models import ReportKind, ReportStatus
from requests.models import GovernanceRequest, RequestKind, RequestStatus
from tests.snapshot import database_snapshot


def test_it_refuses_to_run_with_debug_off(db):
    with pytest.raises(CommandError, match="refuses to run with DEBUG off"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_it_loads_a_four_level_organisation_with_a_sign_in_per_role(db):
    call_command("seed_demo", "--force")
    assert BusinessUnit.objects.count() >= 4
    assert Employee.objects.count() >= 40
    manager = Employee.objects.get(user__username="manager")
    line = set(reports_of(manager).values_list("employee_number", flat=True))
    assert {"E3101", "E4101"} <= line  # direct and indirect reports
    assert Employee.objects.get(employee_number="E4101").manager.manager == manager  # four levels below the top
    for username in ("director", "csc", "manager", "employee", "auditor", "admin"):
        user = User.objects.get(username=username)
        assert user.check_password("governance-demo")
    assert User.objects.get(username="director").groups.filter(name="Director CSC").exists()
    assert User.objects.get(username="admin").is_superuser


def test_running_it_again_changes_nothing(db):
    call_command("seed_demo", "--force")

    def people():
        return [
            list(model.objects.order_by("pk").values())
            for model in (Employee, TrainingRecord, User, PolicyAcknowledgement)
        ]

    before = people(), database_snapshot()
    call_command("seed_demo", "--force")
    assert (people(), database_snapshot()) == before


def test_the_registry_and_the_requests_look_lived_in(db):
    call_command("seed_demo", "--force")
    assert 15 <= SocialAccount.objects.count() <= 30
    assert SocialAccount.objects.values("platform").distinct().count() >= 6
    assert SocialAccount.objects.values("business_unit").distinct().count() >= 4
    every_state = {(kind, status) for kind in RequestKind.values for status in RequestStatus.values}
    assert set(GovernanceRequest.objects.values_list("kind", "status")) == every_state
    director = User.objects.get(username="director")
    waiting = GovernanceRequest.objects.filter(status=RequestStatus.SUBMITTED).exclude(requester=director)
    assert waiting.count() >= 3  # the Director has requests to decide


def test_stale_access_is_there_to_see(db):
    call_command("seed_demo", "--force")
    manager = Employee.objects.get(user__username="manager")
    team_grants = ProviderGrant.objects.filter(employee__in=reports_of(manager))
    assert team_grants.filter(status=GrantStatus.ACTIVE).exists()
    under_review = team_grants.filter(status=GrantStatus.UNDER_REVIEW)
    assert under_review.exists()
    assert AccessReview.objects.filter(grant__in=under_review, resolved_at__isnull=True).exists()
    assert CredentialRotation.objects.filter(completed_at__isnull=True, due_at__lt=timezone.now()).exists()
    departed = ProviderGrant.objects.filter(employee__employment_status=EmploymentStatus.TERMINATED)
    assert departed.exists() and not departed.exclude(status=GrantStatus.REVOKED).exists()


def test_some_training_is_expired(db):
    call_command("seed_demo", "--force")
    today = timezone.localdate()
    assert TrainingRecord.objects.filter(expires_on__lt=today).exists()
    assert TrainingRecord.objects.filter(expires_on__gte=today).exists()


def test_content_reports_of_every_kind_in_every_status_with_a_likely_impersonation(db):
    from reports.models import ContentReport, RegistryMatch, allowed_moves

    call_command("seed_demo", "--force")
    reachable = {
        (kind, status)
        for kind in ReportKind.values
        for status in {ReportStatus.NEW, *allowed_moves(ReportStatus.NEW, kind)}
    }
    assert set(ContentReport.objects.values_list("kind", "status")) == reachable
    parks = SocialAccount.objects.get(platform="instagram", normalized_url="instagram.com/calgaryparks")
    impersonation = ContentReport.objects.get(url="https://www.instagram.com/calgary_parks_official")
    assert impersonation.likely_impersonation and impersonation.closest_accounts[0]["id"] == parks.pk
    assert ContentReport.objects.filter(registry_match=RegistryMatch.FORMER).exists()
    assert ContentReport.objects.filter(reporter__isnull=True).exists()  # from the public
    assert ContentReport.objects.filter(escalated_at__isnull=False).exists()  # overdue, told to the Director
    assert ContentReport.objects.exclude(screenshot="").count() >= 3
    assert ContentReport.objects.filter(reporter__username="employee").count() >= 3  # My reports has content
