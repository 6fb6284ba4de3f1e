"""manage.py sweep_stale_access [--dry-run] [--escalate] — the nightly stale-access job, by hand."""

from django.core.management.base import BaseCommand

from accounts import services
from accounts.models import ReviewReason


class Command(BaseCommand):
    help = (
        "Find provider access that has gone stale (departures, role changes, leave, expired training, "
        "recertification due, missing from the HR roster): revoke, open reviews and password rotations. "
        "Prints the counts per reason."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="say what would change; change nothing")
        parser.add_argument(
            "--escalate", action="store_true", help="also run the hourly job: reminders and escalation of overdue"
        )

    def handle(self, *args, dry_run, escalate, **options):
        result = services.sweep_stale_access(dry_run=dry_run)
        prefix = "Would change" if dry_run else "Changed"
        self.stdout.write(f"{prefix}:")
        self.stdout.write(f"  {'employment ended — grants revoked':<40} {result.grants_revoked}")
        for reason in ReviewReason:
            self.stdout.write(
                f"  {reason.label.lower() + ' — reviews opened':<40} {result.reviews_opened[reason.value]}"
            )
        if escalate:
            escalation = services.escalate_overdue(dry_run=dry_run)
            result.rotations_opened += escalation.rotations_opened
            result.rotation_causes_added += escalation.rotation_causes_added
            for label, value in (
                ("reviews reminded", escalation.reviews_reminded),
                ("reviews escalated — grants suspended", escalation.grants_suspended),
                ("rotations reminded", escalation.rotations_reminded),
                ("rotations escalated", escalation.rotations_escalated),
            ):
                self.stdout.write(f"  {label:<40} {value}")
        self.stdout.write(f"  {'password rotations opened':<40} {result.rotations_opened}")
        self.stdout.write(f"  {'accounts added to an open rotation':<40} {result.rotation_causes_added}")
