"""manage.py seed_demo [--force] — load the demo organisation and one sign-in per role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import override_settings

from accounts.demo import seed_registry, seed_stale_access
from governance import demo
from reports.demo import seed_reports
from requests.demo import seed_requests


class Command(BaseCommand):
    help = "Load believable demo data and the demo sign-ins (password: governance-demo). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even though DEBUG is off (never on a real City database)"
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates sign-ins with a published password, so it refuses to run with DEBUG off. "
                "Use --force only on a throwaway database."
            )
        # Demo notifications appear in the portal; their emails are not sent (they would flood
        # the console of `make run`).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            demo.seed_people()
            seed_registry()
            seed_requests()
            seed_stale_access()
            demo.seed_people_pages()
            seed_reports()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in at /login/ with:"))
        for username, description in demo.ROLE_DESCRIPTIONS.items():
            self.stdout.write(f"  {username:<9} / {demo.DEMO_PASSWORD}   {description}")
