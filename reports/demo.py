"""Demo content reports: every kind in every status it can reach, filed by employees and by the
public on believable dates and handled through the real services, with a likely impersonation of
Calgary Parks on Instagram, a former City account taken over, screenshots, and overdue reports
escalated to the Director. Safe to run again: a report already filed is left as it is."""

import io
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from governance.democlock import days_ago

from . import services
from .models import ContentReport, ReportKind, ReportStatus
from .screenshots import clean_screenshot

POSITIVE, DAMAGING, MISINFORMATION, IMPERSONATION, OTHER = (
    ReportKind.POSITIVE,
    ReportKind.DAMAGING,
    ReportKind.MISINFORMATION,
    ReportKind.IMPERSONATION,
    ReportKind.OTHER,
)
NEW, IN_PROGRESS, SHARED, CLOSED, TO_HR, TO_SECURITY = (
    ReportStatus.NEW,
    ReportStatus.IN_PROGRESS,
    ReportStatus.SHARED,
    ReportStatus.CLOSED,
    ReportStatus.REFERRED_HR,
    ReportStatus.REFERRED_SECURITY,
)


@dataclass(frozen=True)
class DemoReport:
    """A report as the demo files it: who (a demo sign-in, or None for the public), what, when
    (days ago), and how the team handled it: assigned to whom, then ended how, with what note."""

    reporter: str | None
    kind: str
    url: str
    description: str
    filed: float
    account_name: str = ""
    email: str = ""
    assignee: str | None = None
    ending: str = ""
    note: str = ""
    screenshot: str = ""  # the words drawn on a made-up screenshot
    notes: tuple[str, ...] = field(default=())


REPORTS = [
    # --- positive posts -------------------------------------------------------------------------------------
    DemoReport(
        "employee",
        POSITIVE,
        "https://www.instagram.com/p/C8bownesscleanup/",
        "A volunteer posted photos of Saturday's Bowness Park cleanup, thanking the Parks crew by name. "
        "300 likes already; worth sharing from the City's account.",
        0.2,
    ),
    DemoReport(
        "manager",
        POSITIVE,
        "https://x.com/yycdogmom/status/1790012345678901234",
        "A resident thanked the off-leash team for the new water fountain at River Park, with a lovely photo.",
        2,
        assignee="csc",
        notes=("Asked the author for permission to reshare the photo.",),
    ),
    DemoReport(
        "employee",
        POSITIVE,
        "https://www.facebook.com/bridgelandcommunity/posts/998877",
        "The Bridgeland community association praised the snow clearing on the 4th Street hill this morning.",
        9,
        assignee="csc",
        ending=SHARED,
        note="Shared from the City's Facebook page with a thank-you to the roads crew.",
    ),
    DemoReport(
        None,
        POSITIVE,
        "https://www.tiktok.com/@yycfoodtruckfan/video/7350000000000000000",
        "Lovely video of the food trucks at Shaw Millennium Park, with great shots of the park itself.",
        12,
        email="m.lee@example.com",
        assignee="csc",
        ending=CLOSED,
        note="Nice, but it is a private vendor's promotion; the City does not share commercial content.",
    ),
    DemoReport(
        "manager",
        POSITIVE,
        "https://www.linkedin.com/in/parks-seasonal-crew-4455/",
        "A seasonal worker's post celebrating their crew. Looks positive, but one photo shows a clipboard "
        "with what looks like a colleague's incident report.",
        15,
        assignee="director",
        ending=TO_HR,
        note="The photo shows a colleague's personal details from an incident report (FOIP). HR to follow up "
        "with the employee and their manager; nothing to share.",
    ),
    DemoReport(
        None,
        POSITIVE,
        "https://www.facebook.com/CalgaryParksGiveaway",
        "A page thanking Calgarians with a free annual parks pass giveaway. It uses the City logo and asks for "
        "card details to 'cover shipping'.",
        20,
        account_name="Calgary Parks Giveaway",
        assignee="csc",
        ending=TO_SECURITY,
        note="Not a City page: a phishing scam using the City's logo. Corporate Security to report it to "
        "Facebook and warn residents.",
    ),
    # --- damaging content -----------------------------------------------------------------------------------
    DemoReport(
        None,
        DAMAGING,
        "https://www.reddit.com/r/Calgary/comments/1bq7de/",
        "A thread with a video that claims a City bus driver was on their phone while driving Route 3.",
        3,
    ),
    DemoReport(
        "employee",
        DAMAGING,
        "https://x.com/angry_yyc_commuter/status/1791122334455667788",
        "Photo of an overflowing bin at the Centre Street transit stop, saying the City 'stopped collecting "
        "downtown'. 2,000 reposts.",
        0.5,
        assignee="director",
    ),
    DemoReport(
        "manager",
        DAMAGING,
        "https://www.instagram.com/p/DuniformsJoke/",
        "A post mocking the Parks crew's new uniforms, with rude comments underneath.",
        6,
        assignee="csc",
        ending=CLOSED,
        note="Fair comment, if rude. No action; providers will not reply.",
    ),
    DemoReport(
        "employee",
        DAMAGING,
        "https://www.tiktok.com/@nightshiftjay/video/7351111111111111111",
        "Someone who says they work for Parks filmed inside the Parks yard in uniform, swearing about residents.",
        10,
        assignee="csc",
        ending=TO_HR,
        note="Appears to be a City employee posting from a City worksite in uniform. HR Business Partner to "
        "follow up with the manager.",
    ),
    DemoReport(
        None,
        DAMAGING,
        "https://www.facebook.com/groups/calgaryneighbours/posts/55512",
        "Someone posted what looks like the door code of the Bowness Park washroom building.",
        14,
        email="k.obrien@example.org",
        assignee="director",
        ending=TO_SECURITY,
        note="Possible disclosure of a facility access code. Corporate Security to change the code and assess.",
    ),
    # --- misinformation -------------------------------------------------------------------------------------
    DemoReport(
        "employee",
        MISINFORMATION,
        "https://x.com/yycnewsflash/status/1791234567890123456",
        "Claims the Glenmore Reservoir is contaminated and tap water is unsafe. Being reshared widely.",
        0.1,
        account_name="YYC News Flash",
    ),
    DemoReport(
        "csc",
        MISINFORMATION,
        "https://www.facebook.com/calgarytransitriders/posts/1234",
        "A riders' group says fares go up to $5 next week. Not true: no fare change is planned.",
        4,
        assignee="csc",
        notes=("Drafting a correction with Transit for the City's accounts.",),
    ),
    DemoReport(
        None,
        MISINFORMATION,
        "https://www.threads.net/@prairiepete/post/C9xyzABC",
        "Says the City is closing all off-leash parks in July.",
        11,
        assignee="csc",
        ending=CLOSED,
        note="We replied with the correct off-leash schedule on X and Threads; the author deleted the post.",
    ),
    DemoReport(
        "manager",
        MISINFORMATION,
        "https://www.instagram.com/p/MainBreakInsider/",
        "A staff member's personal account claims 'inside info' that the water main break was ignored for a "
        "week. That is false, and they are not involved in the response.",
        18,
        assignee="director",
        ending=TO_HR,
        note="Personal account of a City employee presenting false claims as inside information. HR to follow "
        "up under the Code of Conduct.",
    ),
    DemoReport(
        "employee",
        MISINFORMATION,
        "https://www.youtube.com/watch?v=fakeAlert01",
        "A video with a fake City 'emergency alert' telling Bowness residents to evacuate now.",
        25,
        assignee="csc",
        ending=TO_SECURITY,
        note="Fake emergency alert using the City crest. Corporate Security to have it removed and brief CEMA.",
        screenshot="EMERGENCY ALERT - City of Calgary\nEvacuate Bowness NOW\n(fake video still)",
    ),
    # --- impersonation --------------------------------------------------------------------------------------
    DemoReport(
        "employee",
        IMPERSONATION,
        "https://www.instagram.com/calgary_parks_official",
        "The account copies the Calgary Parks logo and posts 'registration open' links for summer camps that "
        "go to a non-City site asking for payment.",
        0.3,
        account_name="Calgary Parks Official",
        screenshot="calgary_parks_official\nCalgary Parks Official\nSummer camp registration OPEN - link in bio",
    ),
    DemoReport(
        None,
        IMPERSONATION,
        "https://www.tiktok.com/@calgarytransitt",
        "It messages riders offering discounted monthly passes paid by e-transfer.",
        1,
        email="r.singh@example.net",
        account_name="Calgary Transit",
        assignee="csc",
        screenshot="@calgarytransitt\nDiscount monthly pass $40!\nSend e-transfer to order",
    ),
    DemoReport(
        "manager",
        IMPERSONATION,
        "https://x.com/yycwaterfan",
        "Looks a lot like Calgary Water, but I am not sure it pretends to be us.",
        8,
        account_name="YYC Water Fan",
        assignee="csc",
        ending=CLOSED,
        note="A resident's fan account that says so in its bio; not an impersonation. Checked again in 30 days.",
    ),
    DemoReport(
        "employee",
        IMPERSONATION,
        "https://www.instagram.com/yycparks.maya",
        "A colleague's personal account is named like a City account and posts about park events as if it "
        "were official.",
        13,
        account_name="YYC Parks with Maya",
        assignee="director",
        ending=TO_HR,
        note="A City employee's personal account using City identifiers (Standards: personal accounts). HR "
        "to ask for a rename, with their manager.",
    ),
    DemoReport(
        None,
        IMPERSONATION,
        "https://x.com/yycsnowangels",
        "This used to be the City's Snow Angels account. Now it posts crypto giveaways in the City's name.",
        5,
        assignee="csc",
        ending=TO_SECURITY,
        note="The handle of a decommissioned City account was taken over. Corporate Security to file an "
        "impersonation claim with X.",
        screenshot="@yycsnowangels\nCity of Calgary SNOW ANGELS\nFree crypto for helpers!",
    ),
    # --- other ----------------------------------------------------------------------------------------------
    DemoReport(
        "manager",
        OTHER,
        "https://www.google.com/maps/place/Bowness+Park",
        "The map lists the wrong opening hours for the Bowness Park boathouse (it says closed on weekends).",
        1.5,
    ),
    DemoReport(
        "employee",
        OTHER,
        "https://nextdoor.com/p/Wx7yZ123",
        "Neighbours ask whether the City approved the new mural on 17 Avenue; nobody from the City has answered.",
        2.5,
        assignee="director",
    ),
    DemoReport(
        None,
        OTHER,
        "https://www.pinterest.ca/pin/123456789/",
        "A pin uses a City photo of Prince's Island Park without credit.",
        16,
        assignee="csc",
        ending=CLOSED,
        note="City photos may be reused; we asked the pinner to credit The City.",
    ),
    DemoReport(
        "csc",
        OTHER,
        "https://www.linkedin.com/in/former-city-recruiter/",
        "A former employee's profile still says 'hiring for The City of Calgary' and invites applications by "
        "private message.",
        7,
        assignee="director",
        ending=TO_HR,
        note="Former employee presenting as a City recruiter. HR to ask them to correct the profile.",
    ),
    DemoReport(
        "manager",
        OTHER,
        "https://calgary-parking-payments.com/",
        "A website that looks like the City's parking payment page, advertised in Facebook ads.",
        9,
        assignee="csc",
        ending=TO_SECURITY,
        note="Lookalike payment site. Corporate Security to request a takedown and warn residents.",
    ),
]


def _made_up_screenshot(words: str) -> SimpleUploadedFile:
    """A phone-sized picture with the words drawn on it, as a PNG upload."""
    image = Image.new("RGB", (540, 360), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 540, 56), fill=(40, 40, 40))
    draw.ellipse((16, 76, 96, 156), fill=(176, 23, 31))
    for line, text in enumerate(words.splitlines()):
        draw.text((112, 84 + 28 * line), text, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile("screenshot.png", buffer.getvalue(), content_type="image/png")


def seed_reports() -> None:
    users = {
        user.username: user
        for user in get_user_model().objects.filter(username__in=("director", "csc", "manager", "employee"))
    }
    for demo in REPORTS:
        if ContentReport.objects.filter(url=demo.url, kind=demo.kind).exists():
            continue
        _file(demo, users)
    services.escalate_overdue_reports()


def _file(demo: DemoReport, users: dict) -> None:
    screenshot = clean_screenshot(_made_up_screenshot(demo.screenshot)) if demo.screenshot else None
    with days_ago(demo.filed):
        if demo.reporter is None:
            report = services.file_public_report(
                kind=demo.kind,
                url=demo.url,
                description=demo.description,
                account_name=demo.account_name,
                email=demo.email,
                screenshot=screenshot,
            )
        else:
            report = services.file_report(
                acting_user=users[demo.reporter],
                kind=demo.kind,
                url=demo.url,
                description=demo.description,
                account_name=demo.account_name,
                screenshot=screenshot,
            )
    if demo.assignee is None:
        return
    handler = users[demo.assignee]
    with days_ago(demo.filed * 0.8):
        report = services.assign_report(report=report, acting_user=handler, assignee=handler)
    for number, note in enumerate(demo.notes):
        with days_ago(demo.filed * (0.7 - 0.1 * number)):
            services.comment_on_report(report=report, acting_user=handler, body=note)
    if not demo.ending:
        return
    with days_ago(demo.filed * 0.5):
        if demo.ending == SHARED:
            services.share_report(report=report, acting_user=handler, note=demo.note)
        elif demo.ending == CLOSED:
            services.close_report(report=report, acting_user=handler, note=demo.note)
        else:
            services.refer_report(report=report, acting_user=handler, to=demo.ending, note=demo.note)
