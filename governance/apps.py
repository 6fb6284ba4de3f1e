from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "People and audit"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401 — registers the portal's system checks
        from .middleware import start_session_clock

        # Session bookkeeping, not a domain side effect: each sign-in (even into a session that
        # was already signed in) starts the working day's clock and owes a new second factor.
        user_logged_in.connect(start_session_clock, dispatch_uid="governance.start_session_clock")
