"""Guards that stop the portal from serving with a configuration that would be unsafe."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

HOW_TO_SET_THE_KEY = (
    "Set the SECRET_KEY environment variable: it is required when DEBUG is off "
    "(see .env.example for how to generate one)."
)


def secret_key_is_set() -> bool:
    try:
        return bool(settings.SECRET_KEY)
    except ImproperlyConfigured:  # Django refuses to hand out an empty key.
        return False


def require_secret_key() -> None:
    """Called by the WSGI and ASGI entry points, so a server without a key never starts."""
    if not secret_key_is_set():
        raise ImproperlyConfigured(HOW_TO_SET_THE_KEY)


@register(Tags.security, deploy=True)
def check_secret_key(app_configs=None, **kwargs):
    if secret_key_is_set():
        return []
    return [Error("SECRET_KEY is not set.", hint=HOW_TO_SET_THE_KEY, id="governance.E001")]
