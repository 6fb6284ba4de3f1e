"""Two-step sign-in pages: set up an authenticator app, and give a code after the password."""

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET
from django_otp import login as otp_login

from .forms import SecondFactorForm
from .mfa import ENROLLED, is_enrolled, owes_second_factor_by_role, second_factor_given
from .services import mfa as services


def _next(request):
    """Where to go once the code is given: the page asked for, if it is one of this site's."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
def enrol(request):
    """Set up an authenticator app: scan the QR code (or type the key), give the code it shows;
    the recovery codes are then shown once. Someone who already has an app gives its code
    first (then sees that it is set up)."""
    if is_enrolled(request) and not second_factor_given(request):
        return redirect(f"{reverse('mfa:verify')}?{urlencode({'next': _next(request)})}")
    if is_enrolled(request):
        return render(request, "mfa/enrolled.html", {"next": _next(request)})
    device = services.start_enrolment(acting_user=request.user)
    form = SecondFactorForm(request.POST or None, label="Code from your authenticator app")
    if request.method == "POST" and form.is_valid():
        codes = services.confirm_enrolment(acting_user=request.user, token=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            otp_login(request, device)
            request.session[ENROLLED] = True
            return render(request, "mfa/recovery_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", "That code is not the one your app shows now. Check the app and try again.")
    return render(
        request,
        "mfa/enrol.html",
        {
            "form": form,
            "secret": services.readable_secret(device),
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": settings.MFA_REQUIRED and owes_second_factor_by_role(request.user),
            "next": _next(request),
        },
    )


@login_required
def verify(request):
    """After the password: the code from the authenticator app, or a recovery code."""
    if second_factor_given(request):
        return redirect(_next(request))
    if not is_enrolled(request):
        return redirect("mfa:enrol")
    form = SecondFactorForm(request.POST or None, label="Code from your authenticator app, or a recovery code")
    wait = services.throttled_for(request.user)
    if request.method == "POST" and form.is_valid():
        if wait:
            form.add_error("code", f"Too many wrong codes. Wait {wait} seconds, then try again.")
        else:
            device = services.verify_second_factor(acting_user=request.user, token=form.cleaned_data["code"])
            if device is not None:
                otp_login(request, device)
                request.session.cycle_key()  # a new session id once fully signed in
                if device.name == services.RECOVERY_DEVICE_NAME:
                    messages.warning(
                        request,
                        "You signed in with a recovery code; it will not work again. "
                        "If your phone is lost, ask the IT service desk to reset your two-step sign-in.",
                    )
                return redirect(_next(request))
            form.add_error("code", "That code is not right. Check your app (or your recovery codes) and try again.")
    return render(request, "mfa/verify.html", {"form": form, "next": _next(request)})


@login_required
@require_GET
def qr_code(request):
    """The QR code of the app being set up, as an SVG image served from this site (the CSP
    allows no other); 404 when nothing is being set up."""
    device = services.pending_app(request.user)
    if device is None:
        raise Http404
    buffer = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        buffer, kind="svg", scale=5, border=4, title="QR code for your authenticator app", xmldecl=False
    )
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
