"""System checks of the portal's own settings (`manage.py check`)."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def sso_needs_its_proxy(app_configs, **kwargs):
    """SSO_HEADER without SSO_TRUSTED_PROXIES refuses every SSO request: say so at start-up."""
    if settings.SSO_HEADER and not settings.SSO_TRUSTED_PROXIES:
        return [
            Warning(
                "SSO_HEADER is set but SSO_TRUSTED_PROXIES is empty: every request carrying the header is refused.",
                hint="Set SSO_TRUSTED_PROXIES to the address (or network) of the proxy that signs people in.",
                id="governance.W001",
            )
        ]
    return []
