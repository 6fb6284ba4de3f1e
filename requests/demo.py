"""Demo requests: every kind in every state, filed and decided through the real services on
believable dates, so the review queue, timelines and threads show the portal at work."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.demo import account_at
from accounts.models import AccessLevel
from governance.democlock import days_ago
from governance.models import Employee

from . import services
from .models import AccountRequest, DecommissionRequest, ProviderAccessRequest

# Employees who file requests in the demo without being demo sign-ins: they sign in through the
# City's SSO in real life, so their users here have no password.
FILERS = {"isaac": "E3301", "ava": "E3401", "natalie": "E2007", "liam": "E2004"}


def _user(username):
    return get_user_model().objects.get(username=username)


def _people():
    return {employee.employee_number: employee for employee in Employee.objects.all()}


def _filers():
    people = _people()
    for username, number in FILERS.items():
        employee = people[number]
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"first_name": employee.first_name, "last_name": employee.last_name, "email": employee.email},
        )
        if created:
            user.set_unusable_password()
            user.save()
        if employee.user_id != user.pk:
            Employee.objects.filter(pk=employee.pk).update(user=user)


def _form(platform, name, handle, **overrides):
    launch = timezone.localdate() + datetime.timedelta(days=45)
    values = {
        "platform": platform,
        "proposed_name": name,
        "proposed_handle": handle,
        "listed_in_directory": True,
        "business_need": "Residents ask us about this in 311 calls every week; no City channel answers them where "
        "they already are.",
        "objectives": "Fewer 311 calls on the topic; 2,000 followers in the first year; questions answered the "
        "same day.",
        "audience": "Calgarians aged 18–45 who use the service, and community associations.",
        "content_topics": "Seasonal programs, closures, how-to tips, event reminders, answers to common questions.",
        "posting_frequency": "weekly",
        "moderation_plan": "Providers check comments twice a business day; abusive or private content is hidden and "
        "logged; questions needing a case go to 311.",
        "response_time": "Within one business day",
        "records_retention": "Posts and messages are archived monthly to the records system under schedule "
        "COM-05 (7 years).",
        "accessibility": "Alt text on every image, captions on every video, plain language, no text in images.",
        "official_languages": "English; key safety notices also in French, with translation by CSC.",
        "launch_date": launch,
        "read_standards": True,
    }
    values.update(overrides)
    return values


def _file_account(user, values, providers=(), backup=None):
    people = _people()
    values = {**values, "backup_provider": people[backup] if backup else None}
    return services.create_account_request(
        acting_user=user, values=values, providers=[people[number] for number in providers]
    )


def _filed_account(user, platform, name):
    return AccountRequest.objects.filter(requester=user, platform=platform, proposed_name=name).exists()


def _filed_decommission(user, platform, address):
    return DecommissionRequest.objects.filter(requester=user, account=account_at(platform, address)).exists()


def _filed_access(user, number, platform, address):
    return ProviderAccessRequest.objects.filter(
        requester=user, employee__employee_number=number, account=account_at(platform, address)
    ).exists()


def seed_requests():
    _filers()
    director, csc, manager, employee = (_user(name) for name in ("director", "csc", "manager", "employee"))
    isaac, ava, natalie, liam = (_user(name) for name in ("isaac", "ava", "natalie", "liam"))
    people = _people()

    def step(days, action, *args, **kwargs):
        with days_ago(days):
            return action(*args, **kwargs)

    # --- New accounts -------------------------------------------------------------------------
    if not _filed_account(employee, "instagram", "Calgary Parks Volunteers"):
        step(
            2,
            _file_account,
            employee,
            {
                "platform": "instagram",
                "proposed_name": "Calgary Parks Volunteers",
                "proposed_handle": "@yycparksvolunteers",
                "business_need": "Volunteers sign up by phone today; many ask for a channel.",
            },
        )
    if not _filed_account(employee, "facebook", "Calgary Off-Leash Areas"):
        draft = step(
            6,
            _file_account,
            employee,
            _form("facebook", "Calgary Off-Leash Areas", "yycoffleash"),
            providers=["E3101"],
            backup="E3104",
        )
        step(4, services.submit_request, governance_request=draft, acting_user=employee)
        step(
            3,
            services.add_comment,
            governance_request=draft,
            acting_user=csc,
            body="Thanks Jordan. We're checking that the handle is free and that Parks can staff weekends.",
        )
        step(
            3,
            services.add_comment,
            governance_request=draft,
            acting_user=employee,
            body="Maya's team covers weekend events, so Sofia is our backup on Saturdays.",
        )
    if not _filed_account(ava, "tiktok", "YYC Water Tips"):
        draft = step(
            10,
            _file_account,
            ava,
            _form("tiktok", "YYC Water Tips", "@yycwatertips", audience="Teenagers and young adults."),
            providers=["E3401"],
            backup="E3402",
        )
        step(9, services.submit_request, governance_request=draft, acting_user=ava)
        step(
            7,
            services.return_request,
            governance_request=draft,
            acting_user=csc,
            note="Henry's social media training has expired, so he cannot be the backup. Please name someone "
            "with current training, and say who answers comments over the weekend.",
        )
    if not _filed_account(manager, "tiktok", "Calgary Parks"):
        draft = step(
            27,
            _file_account,
            manager,
            _form("tiktok", "Calgary Parks", "@calgaryparks", posting_frequency="daily"),
            providers=["E3101", "E4102"],
            backup="E3104",
        )
        step(25, services.submit_request, governance_request=draft, acting_user=manager)
        step(
            20,
            services.approve_request,
            governance_request=draft,
            acting_user=director,
            note="Approved. Keep the voice consistent with the Parks Instagram account.",
        )
    if not _filed_account(isaac, "tiktok", "Transit Memes"):
        draft = step(
            32,
            _file_account,
            isaac,
            _form("tiktok", "Transit Memes", "@yyctransitmemes"),
            providers=["E3301"],
            backup="E3303",
        )
        step(30, services.submit_request, governance_request=draft, acting_user=isaac)
        step(
            27,
            services.reject_request,
            governance_request=draft,
            acting_user=director,
            note="Calgary Transit's existing accounts reach this audience; humour belongs there, within the "
            "Standards, rather than on a separate account.",
        )
    if not _filed_account(natalie, "x", "Parks Operations Updates"):
        draft = step(
            14,
            _file_account,
            natalie,
            _form("x", "Parks Operations Updates", "@yycparksops"),
            providers=["E3201"],
            backup="E3202",
        )
        step(12, services.submit_request, governance_request=draft, acting_user=natalie)
        step(
            10,
            services.withdraw_request,
            governance_request=draft,
            acting_user=natalie,
            note="We will post operations updates through the Calgary Parks accounts instead.",
        )
    if not _filed_account(isaac, "threads", "Calgary Transit"):
        draft = step(
            13,
            _file_account,
            isaac,
            _form("threads", "Calgary Transit", "@calgarytransit"),
            providers=["E3301"],
            backup="E3303",
        )
        step(11, services.submit_request, governance_request=draft, acting_user=isaac)

    # --- Decommissioning ----------------------------------------------------------------------
    def decommission(user, platform, address, reason, days):
        account = account_at(platform, address)
        return step(
            days,
            services.create_decommission_request,
            account=account,
            acting_user=user,
            values={
                "reason": reason,
                "archive_plan": "Export all posts and messages to the records system before closing (schedule COM-05).",
                "farewell_message": "A pinned post pointing followers to the main City account for 30 days.",
                "effective_date": timezone.localdate() + datetime.timedelta(days=30),
            },
        )

    if not _filed_decommission(manager, "pinterest", "https://www.pinterest.ca/calgaryparksevents"):
        decommission(
            manager,
            "pinterest",
            "https://www.pinterest.ca/calgaryparksevents",
            "Few followers; event photos now go to Instagram.",
            1,
        )
    if not _filed_decommission(liam, "instagram", "https://www.instagram.com/yycwaterwise"):
        draft = decommission(
            liam,
            "instagram",
            "https://www.instagram.com/yycwaterwise",
            "The conservation campaign ended; Calgary Water's accounts carry the tips now.",
            4,
        )
        step(3, services.submit_request, governance_request=draft, acting_user=liam)
    if not _filed_decommission(manager, "x", "https://x.com/yycsnowangels"):
        draft = decommission(
            manager,
            "x",
            "https://x.com/yycsnowangels",
            "The Snow Angels program moved to the Calgary Parks accounts.",
            62,
        )
        step(60, services.submit_request, governance_request=draft, acting_user=manager)
        step(
            55,
            services.approve_request,
            governance_request=draft,
            acting_user=director,
            note="Approved. Archive before closing, as planned.",
        )
    if not _filed_decommission(isaac, "facebook", "https://www.facebook.com/calgarytransit"):
        draft = decommission(
            isaac, "facebook", "https://www.facebook.com/calgarytransit", "Engagement on Facebook has dropped.", 40
        )
        step(39, services.submit_request, governance_request=draft, acting_user=isaac)
        step(
            35,
            services.reject_request,
            governance_request=draft,
            acting_user=director,
            note="Facebook is still where many older riders get service alerts. Keep it.",
        )
    if not _filed_decommission(csc, "youtube", "https://www.youtube.com/@calgarywaterwise"):
        draft = decommission(
            csc, "youtube", "https://www.youtube.com/@calgarywaterwise", "The staff campaign is over.", 8
        )
        step(8, services.submit_request, governance_request=draft, acting_user=csc)
        step(
            6,
            services.return_request,
            governance_request=draft,
            acting_user=director,
            note="Say what happens to the training videos: some are still linked from the intranet.",
        )
    if not _filed_decommission(manager, "facebook", "https://www.facebook.com/calgaryparks"):
        draft = decommission(
            manager,
            "facebook",
            "https://www.facebook.com/calgaryparks",
            "Merge into the corporate City of Calgary page.",
            50,
        )
        step(49, services.submit_request, governance_request=draft, acting_user=manager)
        step(
            47,
            services.withdraw_request,
            governance_request=draft,
            acting_user=manager,
            note="After talking with CSC we are keeping the Parks page.",
        )

    # --- Provider access ----------------------------------------------------------------------
    def access(user, number, platform, address, justification, days, level=AccessLevel.PUBLISHER):
        return step(
            days,
            services.create_provider_access_request,
            account=account_at(platform, address),
            employee=people[number],
            acting_user=user,
            values={"access_level": level, "justification": justification},
        )

    parks_instagram = ("instagram", "https://www.instagram.com/calgaryparks")
    parks_facebook = ("facebook", "https://www.facebook.com/calgaryparks")
    if not _filed_access(manager, "E3103", *parks_instagram):
        access(manager, "E3103", *parks_instagram, "Noah will post volunteer stories.", 1)
    if not _filed_access(manager, "E3102", *parks_instagram):
        draft = access(manager, "E3102", *parks_instagram, "Maya leads park events and will post event coverage.", 3)
        step(2, services.submit_request, governance_request=draft, acting_user=manager)
    if not _filed_access(manager, "E3103", *parks_facebook):
        draft = access(manager, "E3103", *parks_facebook, "Noah will answer volunteer questions.", 6)
        step(5, services.submit_request, governance_request=draft, acting_user=manager)
    if not _filed_access(manager, "E3104", *parks_facebook):
        draft = access(
            manager,
            "E3104",
            *parks_facebook,
            "Sofia covers outreach and moderates comments.",
            20,
            level=AccessLevel.MODERATOR,
        )
        step(19, services.submit_request, governance_request=draft, acting_user=manager)
        step(15, services.approve_request, governance_request=draft, acting_user=director)
    if not _filed_access(csc, "E3002", "x", "https://x.com/calgarytransit"):
        draft = access(csc, "E3002", "x", "https://x.com/calgarytransit", "Backup during the LRT shutdown.", 16)
        step(16, services.submit_request, governance_request=draft, acting_user=csc)
        step(
            14,
            services.reject_request,
            governance_request=draft,
            acting_user=director,
            note="Transit's own team covers the shutdown; CSC backs them up through the City account.",
        )
    if not _filed_access(manager, "E4101", "pinterest", "https://www.pinterest.ca/calgaryparksevents"):
        draft = access(
            manager,
            "E4101",
            "pinterest",
            "https://www.pinterest.ca/calgaryparksevents",
            "Lucas curates event boards.",
            9,
        )
        step(8, services.submit_request, governance_request=draft, acting_user=manager)
        step(
            6,
            services.return_request,
            governance_request=draft,
            acting_user=csc,
            note="Lucas has not acknowledged the Standards yet. Please ask him to, then resubmit.",
        )
    if not _filed_access(manager, "E4102", *parks_facebook):
        draft = access(manager, "E4102", *parks_facebook, "Emily will post event photos.", 11)
        step(10, services.submit_request, governance_request=draft, acting_user=manager)
        step(
            9,
            services.withdraw_request,
            governance_request=draft,
            acting_user=manager,
            note="Emily will post through Maya instead.",
        )
