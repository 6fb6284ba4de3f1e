"""Demo registry: about twenty City accounts across platforms and business units, and the
providers designated to run them. Created through the registry's services; safe to run again."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from governance.audit_verbs import Verb
from governance.democlock import days_ago
from governance.models import BusinessUnit, Employee

from . import services
from .models import AccessLevel, CredentialRotation, GrantStatus, ProviderGrant, SocialAccount

# display name, platform, address, business unit, accountable manager, listed
ACCOUNTS = [
    ("City of Calgary", "x", "https://x.com/cityofcalgary", "CSC", "E2001", True),
    ("City of Calgary", "facebook", "https://www.facebook.com/cityofcalgary", "CSC", "E2001", True),
    ("City of Calgary", "instagram", "https://www.instagram.com/cityofcalgary", "CSC", "E2001", True),
    ("City of Calgary", "linkedin", "https://www.linkedin.com/company/city-of-calgary", "CSC", "E2001", True),
    ("City of Calgary", "youtube", "https://www.youtube.com/@cityofcalgary", "CSC", "E2001", True),
    ("City of Calgary", "threads", "https://www.threads.net/@cityofcalgary", "CSC", "E2001", True),
    ("City of Calgary", "bluesky", "https://bsky.app/profile/cityofcalgary.bsky.social", "CSC", "E2001", True),
    ("Calgary Transit", "x", "https://x.com/calgarytransit", "TRN", "E2003", True),
    ("Calgary Transit", "facebook", "https://www.facebook.com/calgarytransit", "TRN", "E2003", True),
    ("Calgary Transit", "instagram", "https://www.instagram.com/calgarytransit", "TRN", "E2003", True),
    ("Calgary Transit Service Alerts", "mastodon", "https://mastodon.social/@yyctransitalerts", "TRN", "E2003", True),
    ("Calgary Parks", "instagram", "https://www.instagram.com/calgaryparks", "PKS", "E2002", True),
    ("Calgary Parks", "facebook", "https://www.facebook.com/calgaryparks", "PKS", "E2002", True),
    ("Calgary Parks Events", "pinterest", "https://www.pinterest.ca/calgaryparksevents", "PKS", "E2002", True),
    ("Parks Community Photos", "flickr", "https://www.flickr.com/photos/calgaryparks", "PKS", "E2007", True),
    ("Calgary Parks Snow Angels", "x", "https://x.com/yycsnowangels", "PKS", "E2002", True),
    ("Calgary Water", "x", "https://x.com/yycwater", "WTR", "E2004", True),
    ("Calgary Water", "facebook", "https://www.facebook.com/calgarywater", "WTR", "E2004", True),
    ("YYC Water Conservation", "instagram", "https://www.instagram.com/yycwaterwise", "WTR", "E2004", True),
    (
        "Water Services on Nextdoor",
        "nextdoor",
        "https://nextdoor.com/agency-detail/ab/calgary/city-of-calgary-water-services/",
        "WTR",
        "E2004",
        True,
    ),
    (
        "Calgary Water Wise (staff campaign)",
        "youtube",
        "https://www.youtube.com/@calgarywaterwise",
        "WTR",
        "E2004",
        False,
    ),
]
PURPOSES = {
    "CSC": "The City's corporate voice: news, emergencies, Council decisions and services.",
    "TRN": "Service alerts, detours and rider information for Calgary Transit.",
    "PKS": "Park events, programs, closures and volunteer opportunities.",
    "WTR": "Water quality notices, main breaks, conservation and billing questions.",
}

# (employee, platform, address) -> access level, days since designation; revoked grants below.
GRANTS = [
    ("E3001", "x", "https://x.com/cityofcalgary", AccessLevel.PUBLISHER, 300),
    ("E3001", "instagram", "https://www.instagram.com/cityofcalgary", AccessLevel.PUBLISHER, 300),
    ("E3001", "facebook", "https://www.facebook.com/cityofcalgary", AccessLevel.PUBLISHER, 280),
    ("E3002", "facebook", "https://www.facebook.com/cityofcalgary", AccessLevel.MODERATOR, 200),
    ("E3003", "youtube", "https://www.youtube.com/@cityofcalgary", AccessLevel.PUBLISHER, 150),
    ("E3003", "threads", "https://www.threads.net/@cityofcalgary", AccessLevel.PUBLISHER, 120),
    ("E3003", "bluesky", "https://bsky.app/profile/cityofcalgary.bsky.social", AccessLevel.PUBLISHER, 90),
    ("E3301", "x", "https://x.com/calgarytransit", AccessLevel.PUBLISHER, 330),
    ("E3301", "facebook", "https://www.facebook.com/calgarytransit", AccessLevel.PUBLISHER, 330),
    ("E3301", "instagram", "https://www.instagram.com/calgarytransit", AccessLevel.PUBLISHER, 250),
    ("E3303", "mastodon", "https://mastodon.social/@yyctransitalerts", AccessLevel.PUBLISHER, 380),
    ("E3101", "instagram", "https://www.instagram.com/calgaryparks", AccessLevel.PUBLISHER, 35),
    ("E3102", "facebook", "https://www.facebook.com/calgaryparks", AccessLevel.PUBLISHER, 240),
    ("E3104", "instagram", "https://www.instagram.com/calgaryparks", AccessLevel.MODERATOR, 12),
    ("E4102", "instagram", "https://www.instagram.com/calgaryparks", AccessLevel.PUBLISHER, 18),
    ("E3104", "pinterest", "https://www.pinterest.ca/calgaryparksevents", AccessLevel.PUBLISHER, 60),
    ("E3401", "x", "https://x.com/yycwater", AccessLevel.PUBLISHER, 180),
    ("E3401", "facebook", "https://www.facebook.com/calgarywater", AccessLevel.PUBLISHER, 180),
    ("E3401", "instagram", "https://www.instagram.com/yycwaterwise", AccessLevel.PUBLISHER, 100),
]
REVOKED = [
    ("E3002", "instagram", "https://www.instagram.com/cityofcalgary", "Moved to the media relations team."),
]


def _user(username):
    return get_user_model().objects.get(username=username)


def seed_registry():
    """The accounts and their providers; returns the accounts by (platform, address)."""
    director = _user("director")
    units = {unit.code: unit for unit in BusinessUnit.objects.all()}
    people = {employee.employee_number: employee for employee in Employee.objects.all()}
    accounts = {}
    for name, platform, address, unit, manager, listed in ACCOUNTS:
        account = services.find_registered(platform, address)
        if account is None:
            with days_ago(400):
                account = services.register_account(
                    platform=platform,
                    address=address,
                    display_name=name,
                    business_unit=units[unit],
                    accountable_manager=people[manager],
                    purpose=PURPOSES[unit],
                    listed_in_directory=listed,
                    acting_user=_user("csc"),
                )
        accounts[(platform, address)] = account
    for number, platform, address, level, days in GRANTS + [
        (e, p, a, AccessLevel.PUBLISHER, 380) for e, p, a, _ in REVOKED
    ]:
        account = accounts[(platform, address)]
        if ProviderGrant.objects.filter(employee=people[number], account=account).exists():
            continue
        with days_ago(days):
            services.designate_provider(
                employee=people[number], account=account, access_level=level, acting_user=director
            )
    for number, platform, address, reason in REVOKED:
        grant = ProviderGrant.objects.filter(
            employee=people[number], account=accounts[(platform, address)], status=GrantStatus.ACTIVE
        ).first()
        if grant is not None:
            with days_ago(30):
                services.revoke_grant(grant=grant, acting_user=director, reason=reason)
    return accounts


def account_at(platform, address) -> SocialAccount:
    return services.find_registered(platform, address)


def seed_stale_access():
    """Stale access at work: a departed provider whose password change is overdue, a role
    change under review in the demo manager's team, recertification due, and the password
    changes that earlier revocations called for, done."""
    from governance.services import build_audit_event

    people = {employee.employee_number: employee for employee in Employee.objects.all()}
    csc = _user("csc")

    # Password changes after the decommissioning and the revocation seeded earlier: done.
    for rotation in CredentialRotation.objects.filter(completed_at__isnull=True, opened_at__lt=_ago(20)):
        with days_ago((timezone.now() - rotation.opened_at).days - 1):
            services.complete_rotation(
                rotation=rotation,
                acting_user=csc,
                attestations=dict.fromkeys(
                    ("password_changed", "recovery_checked", "two_step_on", "sessions_signed_out"), True
                ),
                note="Changed with the accountable manager; recovery phone moved to the CSC duty phone.",
            )

    # Maya Thompson moved into a senior events role four days ago: her access is under review.
    maya = people["E3102"]
    if maya.role_changed_at is None:
        with days_ago(4):
            Employee.objects.filter(pk=maya.pk).update(role_changed_at=timezone.now())
            build_audit_event(
                verb=Verb.EMPLOYEE_ROLE_CHANGED,
                target=maya,
                actor_label="HR roster import (demo)",
                changes={"job_title": {"before": "Team Lead, Park Events", "after": maya.job_title}},
            ).save()
            services.sweep_stale_access(employee_ids=[maya.pk])

    # Olivia Grant, a park ambassador who posted for Calgary Parks on TikTok, left the City three
    # days ago: her access was revoked at once, and the password change is now overdue.
    olivia = people["E4104"]
    tiktok = account_at("tiktok", "@calgaryparks")
    if tiktok is not None and not ProviderGrant.objects.filter(employee=olivia, account=tiktok).exists():
        with days_ago(200):
            ProviderGrant.objects.create(
                employee=olivia,
                account=tiktok,
                access_level=AccessLevel.PUBLISHER,
                designated_by=_user("director"),
                designated_at=timezone.now(),
                recertify_by=services.recertify_by_from(timezone.localdate()),
            )
        with days_ago(3):
            services.sweep_stale_access(employee_ids=[olivia.pk])

    # Everything else the data calls for today (recertification due, escalation of overdue work).
    services.sweep_stale_access()
    services.escalate_overdue()


def _ago(days):
    return timezone.now() - datetime.timedelta(days=days)
