"""seed_demo: a believable organisation and one sign-in per role; safe to run twice."""

import pytest
from django.core.management import CommandError, call_command

from governance.models import AuditEvent, BusinessUnit, Employee, TrainingRecord, User
from governance.selectors import reports_of


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
    counts = (
        Employee.objects.count(),
        AuditEvent.objects.count(),
        TrainingRecord.objects.count(),
        User.objects.count(),
    )
    call_command("seed_demo", "--force")
    assert (
        Employee.objects.count(),
        AuditEvent.objects.count(),
        TrainingRecord.objects.count(),
        User.objects.count(),
    ) == counts


def test_some_training_is_expired(db):
    from django.utils import timezone

    call_command("seed_demo", "--force")
    today = timezone.localdate()
    assert TrainingRecord.objects.filter(expires_on__lt=today).exists()
    assert TrainingRecord.objects.filter(expires_on__gte=today).exists()
