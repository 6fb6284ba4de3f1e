"""Start-up guard for the processes that serve the portal. Commands that sign nothing (migrate,
makemigrations) run without a SECRET_KEY; `check --deploy` reports a missing one (security.W009)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: The shortest key the web server accepts when DEBUG is off (Django's own deploy check asks the same).
MINIMUM_SECRET_KEY_LENGTH = 50
#: Keys printed in this repository as examples (the development default of settings.py, which
#: `make run` uses): anyone can read them, so they sign nothing with DEBUG off. (Any key starting
#: with Django's "django-insecure" prefix is refused too.)
PUBLISHED_SECRET_KEYS = frozenset({"django-insecure-development-only-key-not-for-production"})


def secret_key_problem(key: str) -> str | None:
    """Why this key must not sign a production portal's sessions and links, or None."""
    if not key:
        return "Set the SECRET_KEY environment variable: it is required when DEBUG is off"
    if key in PUBLISHED_SECRET_KEYS or key.startswith("django-insecure"):
        return "SECRET_KEY is a published example or development key, which anyone can read"
    if len(key) < MINIMUM_SECRET_KEY_LENGTH or len(set(key)) < 5:
        return f"SECRET_KEY is too short or too simple (at least {MINIMUM_SECRET_KEY_LENGTH} varied characters)"
    return None


def require_secret_key() -> None:
    """Called by the WSGI and ASGI entry points, so a server without a good key never starts when
    DEBUG is off (`make run` serves with DEBUG on and the development key)."""
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:  # Django refuses to hand out an empty key.
        key = ""
    problem = secret_key_problem(key) if not settings.DEBUG or not key else None
    if problem:
        raise ImproperlyConfigured(f"{problem} (see .env.example for how to generate one).")
