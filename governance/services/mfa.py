"""Two-step sign-in: an authenticator app (TOTP, django-otp) and single-use recovery codes.
Every enrolment, every code accepted or refused, and every recovery code used is audited."""

from base64 import b32encode

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from ..audit_verbs import Verb
from ..models import User
from .audit import record_event

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def has_second_factor(user: User) -> bool:
    """True when this person has set up an authenticator app (and so is asked for a code)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_app(user: User) -> TOTPDevice | None:
    """The authenticator entry this person is setting up, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def start_enrolment(*, acting_user: User) -> TOTPDevice:
    """The authenticator entry to set up: the one already started (so a reload shows the same QR
    code), or a new secret. Not confirmed, so it signs nobody in until a code from it is given."""
    with transaction.atomic():
        device = pending_app(acting_user)
        if device is None:
            device = TOTPDevice.objects.create(user=acting_user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def readable_secret(device: TOTPDevice) -> str:
    """The secret as an app's "enter a key" screen wants it: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def _clean(token: str) -> str:
    return "".join(str(token or "").split()).replace("-", "")[:64]


def confirm_enrolment(*, acting_user: User, token: str) -> list[str] | None:
    """Finish setting up the app with a code it shows: the entry is confirmed (any older one is
    removed), and a fresh set of recovery codes is made and returned — the only time they are
    shown. A wrong code changes nothing but is audited (`mfa.failed`); returns None then.
    Audit event `mfa.enrolled`."""
    with transaction.atomic():
        pending = TOTPDevice.objects.select_for_update().filter(user=acting_user, confirmed=False)
        device = pending.order_by("-pk").first()
        if device is None or not device.verify_token(_clean(token)):
            record_event(verb=Verb.MFA_FAILED, target=acting_user, acting_user=acting_user, note="While setting up.")
            return None
        TOTPDevice.objects.filter(user=acting_user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(acting_user)
        record_event(verb=Verb.MFA_ENROLLED, target=acting_user, acting_user=acting_user)
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    recovery, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True})
    recovery.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=recovery, token=code) for code in codes])
    return codes


def throttled_for(user: User) -> int:
    """Seconds this person must wait before another code is tried (after wrong ones), or 0."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return 0
    allowed, details = device.verify_is_allowed()
    if allowed or not details or not details.get("locked_until"):
        return 0
    return max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)


def verify_second_factor(*, acting_user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """Check a code from the authenticator app, or else a recovery code (which then stops
    working). Returns the device that accepted it, or None. Audit event `mfa.verified`,
    `mfa.recovery_code_used` (with how many are left) or `mfa.failed`. Wrong codes slow further
    tries down (each device's throttling, django-otp's); an app code is never accepted twice."""
    token = _clean(token).lower()
    from_app = len(token) == 6 and token.isdigit()
    with transaction.atomic():
        app = TOTPDevice.objects.select_for_update().filter(user=acting_user, confirmed=True).first()
        if app is not None and from_app and app.verify_token(token):
            record_event(verb=Verb.MFA_VERIFIED, target=acting_user, acting_user=acting_user)
            return app
        recovery = StaticDevice.objects.select_for_update().filter(user=acting_user, confirmed=True).first()
        if app is not None and recovery is not None and not from_app and recovery.verify_token(token):
            left = recovery.token_set.count()
            record_event(
                verb=Verb.MFA_RECOVERY_CODE_USED,
                target=acting_user,
                acting_user=acting_user,
                note=f"{left} recovery code{'s' if left != 1 else ''} left.",
            )
            return recovery
        record_event(verb=Verb.MFA_FAILED, target=acting_user, acting_user=acting_user)
    return None
