"""Start-up guard for the processes that serve the portal. Commands that sign nothing (migrate,
makemigrations) run without a SECRET_KEY; `check --deploy` reports a missing one (security.W009)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    """Called by the WSGI and ASGI entry points, so a server without a key never starts."""
    try:
        if settings.SECRET_KEY:
            return
    except ImproperlyConfigured:  # Django refuses to hand out an empty key.
        pass
    raise ImproperlyConfigured(
        "Set the SECRET_KEY environment variable: it is required when DEBUG is off "
        "(see .env.example for how to generate one)."
    )
