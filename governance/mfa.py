"""Who owes a second factor at sign-in, and the gate that asks for it before any page.

With MFA_REQUIRED on (whenever DEBUG is off), the Director, CSC staff, auditors, HR and
superusers who signed in with a password must give a code from their authenticator app — and set
one up on their first sign-in. Anyone who set one up is asked for a code, whether or not it is
required of them. A session signed in through the SSO proxy is the identity provider's to
protect. Until the code is given, every page but the code's own pages and signing out sends the
person to them."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import DEVICE_ID_SESSION_KEY

from .permissions import is_auditor, is_csc, is_hr, is_signed_in
from .services.mfa import has_second_factor

#: Session key: whether the signed-in person has an authenticator app (read once per session).
ENROLLED = "mfa_enrolled"
SSO_BACKEND = "governance.auth.TrustedHeaderBackend"
#: Pages reachable before the second factor is given: its own pages, signing out, and the
#: public ones (health, the directory, the emailed acknowledgement link).
OPEN_PAGES = frozenset(
    {
        "mfa:verify",
        "mfa:enrol",
        "mfa:qr-code",
        "logout",
        "healthz",
        "directory",
        "directory-json",
        "standards-acknowledge-link",
    }
)


def owes_second_factor_by_role(user) -> bool:
    """The roles that must use a second factor when MFA_REQUIRED is on."""
    return bool(is_signed_in(user) and (user.is_superuser or is_csc(user) or is_auditor(user) or is_hr(user)))


def second_factor_given(request) -> bool:
    """This session gave a code from the app or a recovery code since signing in."""
    return DEVICE_ID_SESSION_KEY in request.session


def is_enrolled(request) -> bool:
    """Whether the signed-in person has an authenticator app; asked once per session."""
    enrolled = request.session.get(ENROLLED)
    if enrolled is None:
        enrolled = request.session[ENROLLED] = has_second_factor(request.user)
    return enrolled


def second_factor_owed(request) -> bool:
    """This signed-in session must still give a second factor before it may see a page."""
    if second_factor_given(request) or request.session.get(BACKEND_SESSION_KEY) == SSO_BACKEND:
        return False
    return is_enrolled(request) or (settings.MFA_REQUIRED and owes_second_factor_by_role(request.user))


def _open_page(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in OPEN_PAGES


class SecondFactorMiddleware:
    """Sends a signed-in person who still owes a second factor to give it (or to set up the app
    first), then back to the page they asked for."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and second_factor_owed(request):
            request.second_factor_pending = True  # the layout shows no navigation meanwhile
            if not _open_page(request):
                target = reverse("mfa:verify" if is_enrolled(request) else "mfa:enrol")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
