"""The periodic jobs celery beat runs (DESIGN §4): each names a task the worker knows, at the
cadence the Standards' workflows need."""

import pytest
from django.conf import settings

from governance import celery_app


def runs_per_day(schedule):
    every_day = (
        len(schedule.day_of_week) == 7 and len(schedule.day_of_month) == 31 and len(schedule.month_of_year) == 12
    )
    assert every_day, f"{schedule} does not run every day"
    return len(schedule.hour) * len(schedule.minute)


@pytest.mark.parametrize(
    ("task", "per_day"),
    [
        ("accounts.tasks.sweep_stale_access", 1),  # nightly: catches HR changes whose task was lost
        ("accounts.tasks.escalate_overdue", 24),  # hourly: reminders, suspensions, the Director told
        ("reports.tasks.escalate_overdue_reports", 24),  # hourly: overdue content reports to the Director
        ("governance.tasks.clear_expired_sessions", 1),
        ("governance.tasks.turn_off_sign_ins_missing_from_roster", 24),  # hourly: after the grace period
    ],
)
def test_each_job_is_scheduled_at_its_cadence(task, per_day):
    celery_app.loader.import_default_modules()
    [entry] = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == task]
    assert task in celery_app.tasks
    assert runs_per_day(entry["schedule"]) == per_day


def test_every_scheduled_task_exists():
    celery_app.loader.import_default_modules()
    missing = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} - set(celery_app.tasks)
    assert not missing
