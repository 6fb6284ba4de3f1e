"""Remembers the client address of the current request, for the audit trail."""

from contextvars import ContextVar

from django.utils.cache import patch_cache_control

from .client_address import client_address

_client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def current_client_address():
    """The address of the request being served, or None in a job or a command."""
    return _client_address.get()


class ClientAddressMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The same address django-axes sees (AXES_CLIENT_IP_CALLABLE): what our proxies vouch for.
        token = _client_address.set(client_address(request) or None)
        try:
            return self.get_response(request)
        finally:
            _client_address.reset(token)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in person and on every download
    (an export): nothing personal or confidential stays in a browser's or a proxy's cache, and
    the Back button after signing out shows nothing. Public pages (the directory) stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.get("Content-Disposition", "").startswith("attachment"):
            patch_cache_control(response, private=True, no_store=True)
        return response
