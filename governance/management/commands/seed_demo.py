"""manage.py seed_demo [--force] — load the demo organisation and one sign-in per role."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from governance import demo


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
        demo.seed_people()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded. Sign in at /login/ with:"))
        for username, description in demo.ROLE_DESCRIPTIONS.items():
            self.stdout.write(f"  {username:<9} / {demo.DEMO_PASSWORD}   {description}")
