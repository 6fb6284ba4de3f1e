"""Request-wide concerns: the client address (for the audit trail), no caching of private pages,
and the time limits of a signed-in session."""

import time
from contextvars import ContextVar

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
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


#: Session keys of the time limits: when the person signed in, and when they were last seen
#: (seconds since the epoch; "last seen" is written at most once a minute, not on every page).
SIGNED_IN_AT = "signed_in_at"
LAST_SEEN = "last_seen"


def start_session_clock(sender, request, user, **kwargs):
    """On each sign-in (user_logged_in): the working day starts now, and a second factor given
    earlier in this browser session no longer counts — Django keeps a session's data when the
    same person signs in again. Whether they have an authenticator app is read now, with the
    sign-in's own writes, so that pages cost no query or session write for it."""
    if request is None or not hasattr(request, "session"):
        return
    from django_otp import DEVICE_ID_SESSION_KEY

    from .mfa import ENROLLED
    from .services.mfa import has_second_factor

    request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = int(time.time())
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.session[ENROLLED] = has_second_factor(user)


class SessionTimeoutMiddleware:
    """Sign out a session unused for SESSION_IDLE_MINUTES, and one older than SESSION_COOKIE_AGE
    (the working day) whatever its use: the next request goes to the sign-in page, saying why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault(SIGNED_IN_AT, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_MINUTES * 60
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                minutes = settings.SESSION_IDLE_MINUTES
                messages.info(
                    request,
                    f"You were signed out after {minutes} minutes without activity. Sign in again."
                    if idle
                    else "You were signed out at the end of the working day's session. Sign in again.",
                )
                return redirect_to_login(request.get_full_path())
            if LAST_SEEN not in session or now - last_seen >= 60:
                session[LAST_SEEN] = now
        return self.get_response(request)
