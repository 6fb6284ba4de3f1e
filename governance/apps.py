from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "People and audit"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
