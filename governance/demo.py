"""The demo organisation: a believable slice of a City, and one sign-in per role.

Everything is created through the same roster import HR uses, so the demo exercises the real
path; running it again changes nothing.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import services
from .models import (
    BusinessUnit,
    Employee,
    PolicyAcknowledgement,
    StandardsVersion,
    TrainingCourse,
    TrainingRecord,
    User,
)
from .roles import AUDITORS, CSC_STAFF, DIRECTOR, HR, ROLE_GROUPS
from .roster import RosterRow

DEMO_PASSWORD = "governance-demo"  # noqa: S105 — published in the README on purpose

BUSINESS_UNITS = {
    "CMO": "City Manager's Office",
    "CSC": "Customer Service & Communications",
    "TRN": "Calgary Transit",
    "PKS": "Parks & Open Spaces",
    "WTR": "Water Services",
    "LCS": "Law-Corporate Security",
    "ITS": "Information Technology",
    "HRS": "Human Resources",
}
PARENTS = {code: "CMO" for code in BUSINESS_UNITS if code != "CMO"}

# employee number, first, last, job title, unit, manager number, status
PEOPLE = [
    ("E1000", "Margaret", "Okafor", "City Manager", "CMO", "", "active"),
    # Level 2: the directors, reporting to the City Manager.
    ("E1001", "Dana", "Whitfield", "Director, Customer Service & Communications", "CSC", "E1000", "active"),
    ("E1002", "Raj", "Malhotra", "Director, Calgary Transit", "TRN", "E1000", "active"),
    ("E1003", "Helen", "Tremblay", "Director, Parks & Open Spaces", "PKS", "E1000", "active"),
    ("E1004", "Owen", "MacLeod", "Director, Water Services", "WTR", "E1000", "active"),
    ("E1005", "Farah", "Siddiqui", "Director, Law-Corporate Security", "LCS", "E1000", "active"),
    ("E1006", "Tomasz", "Nowak", "Director, Information Technology", "ITS", "E1000", "active"),
    ("E1007", "Patricia", "Adeyemi", "Director, Human Resources", "HRS", "E1000", "active"),
    # Level 3: managers and leads.
    ("E2001", "Chloe", "Bergeron", "Manager, Corporate Communications", "CSC", "E1001", "active"),
    ("E2002", "Samuel", "Reyes", "Manager, Parks Community Programs", "PKS", "E1003", "active"),
    ("E2003", "Aisha", "Nkemelu", "Manager, Transit Customer Experience", "TRN", "E1002", "active"),
    ("E2004", "Liam", "Fitzgerald", "Manager, Water Customer Programs", "WTR", "E1004", "active"),
    ("E2005", "Grace", "Lindqvist", "Corporate Security Auditor", "LCS", "E1005", "active"),
    ("E2006", "Victor", "Chen", "IT Systems Administrator", "ITS", "E1006", "active"),
    ("E2007", "Natalie", "Dubois", "Manager, Parks Operations", "PKS", "E1003", "active"),
    ("E2008", "Rebecca", "Holm", "HR Information Systems Specialist", "HRS", "E1007", "active"),
    # Level 4: CSC team.
    ("E3001", "Priya", "Raman", "Social Media Strategist", "CSC", "E2001", "active"),
    ("E3002", "Marcus", "Oyelaran", "Communications Advisor", "CSC", "E2001", "active"),
    ("E3003", "Hannah", "Kowalski", "Digital Content Specialist", "CSC", "E2001", "active"),
    ("E3004", "Ethan", "Blackwood", "Communications Coordinator", "CSC", "E2001", "leave"),
    # Level 4: Parks Community Programs, the demo manager's team.
    ("E3101", "Jordan", "Ellis", "Community Programs Coordinator", "PKS", "E2002", "active"),
    ("E3102", "Maya", "Thompson", "Senior Lead, Park Events & Festivals", "PKS", "E2002", "active"),
    ("E3103", "Noah", "Kaur", "Volunteer Programs Lead", "PKS", "E2002", "active"),
    ("E3104", "Sofia", "Petrovic", "Outreach Specialist", "PKS", "E2002", "active"),
    # Level 5: under the Park Events team lead (indirect reports of the demo manager).
    ("E4101", "Lucas", "Moreau", "Events Assistant", "PKS", "E3102", "active"),
    ("E4102", "Emily", "Sato", "Events Photographer", "PKS", "E3102", "active"),
    ("E4103", "Benjamin", "Ahmed", "Events Assistant", "PKS", "E3102", "leave"),
    ("E4104", "Olivia", "Grant", "Park Ambassador", "PKS", "E3102", "terminated"),
    # Level 4: Parks Operations.
    ("E3201", "Daniel", "Fraser", "Parks Foreman", "PKS", "E2007", "active"),
    ("E3202", "Zoe", "Lam", "Horticulture Lead", "PKS", "E2007", "active"),
    # Level 4: Transit Customer Experience.
    ("E3301", "Isaac", "Novak", "Transit Social Media Specialist", "TRN", "E2003", "active"),
    ("E3302", "Amelia", "Ward", "Customer Information Officer", "TRN", "E2003", "active"),
    ("E3303", "Caleb", "Singh", "Service Alerts Coordinator", "TRN", "E2003", "active"),
    ("E4301", "Layla", "Haddad", "Customer Information Assistant", "TRN", "E3302", "active"),
    ("E4302", "Mateo", "Garcia", "Customer Information Assistant", "TRN", "E3302", "active"),
    # Level 4: Water Customer Programs.
    ("E3401", "Ava", "Campbell", "Water Conservation Educator", "WTR", "E2004", "active"),
    ("E3402", "Henry", "Osei", "Customer Programs Analyst", "WTR", "E2004", "active"),
    ("E4401", "Ella", "Martin", "Outreach Assistant", "WTR", "E3401", "active"),
    # Law-Corporate Security and IT.
    ("E3501", "William", "Yeung", "Information Security Analyst", "LCS", "E2005", "active"),
    ("E3502", "Charlotte", "Ross", "HR Business Partner", "HRS", "E1007", "active"),
    ("E3601", "James", "Ibrahim", "Web Developer", "ITS", "E2006", "active"),
    ("E3602", "Mia", "Johansson", "Service Desk Analyst", "ITS", "E2006", "active"),
    ("E3603", "Leo", "Park", "Service Desk Analyst", "ITS", "E2006", "active"),
]

# The demo sign-ins: username -> (employee number, role groups, is_superuser)
SIGN_INS = {
    "director": ("E1001", [DIRECTOR], False),
    "csc": ("E3001", [CSC_STAFF], False),
    "manager": ("E2002", [], False),
    "employee": ("E3101", [], False),
    "auditor": ("E2005", [AUDITORS], False),
    "hr": ("E2008", [HR], False),
    "admin": ("E2006", [], True),
}
ROLE_DESCRIPTIONS = {
    "director": "Director, Customer Service & Communications — decides requests",
    "csc": "CSC communications staff — triages requests",
    "manager": "Manager, Parks Community Programs — has a reporting line",
    "employee": "Community Programs Coordinator — files requests",
    "auditor": "Corporate Security auditor — reads everything",
    "hr": "HR information systems specialist — uploads the HR roster",
    "admin": "IT administrator — the Django admin",
}

# Social media training: employee number -> days since it was completed. It counts for two
# years, so entries over 730 days are expired training.
TRAINING = {
    "E1001": 200,
    "E2001": 90,
    "E3001": 60,
    "E3002": 400,
    "E3003": 30,
    "E3004": 800,
    "E2002": 120,
    "E3101": 45,
    "E3102": 300,
    "E3103": 760,
    "E3104": 15,
    "E4101": 500,
    "E4102": 20,
    "E4103": 900,
    "E3301": 100,
    "E3302": 740,
    "E3303": 50,
    "E4301": 10,
    "E3401": 210,
    "E3402": 780,
    "E2003": 330,
    "E2004": 150,
}
ACKNOWLEDGED = {
    "E1001",
    "E2001",
    "E3101",
    "E3001",
    "E3002",
    "E3003",
    "E2002",
    "E3102",
    "E3104",
    "E4102",
    "E3301",
    "E3303",
    "E3401",
    "E2003",
    "E2004",
    "E2005",
}


def demo_roster():
    rows = []
    for line, (number, first, last, title, unit, manager, status) in enumerate(PEOPLE, start=2):
        rows.append(
            RosterRow(
                line=line,
                employee_number=number,
                first_name=first,
                last_name=last,
                email=f"{first}.{last}@calgary.ca".lower(),
                job_title=title,
                business_unit_code=unit,
                business_unit_name=BUSINESS_UNITS[unit],
                manager_employee_number=manager,
                employment_status=status,
            )
        )
    return rows


@transaction.atomic
def seed_people():
    """The organisation, training, acknowledgements and the demo sign-ins."""
    services.import_hr_roster(rows=demo_roster(), source="demo roster")
    units = {unit.code: unit for unit in BusinessUnit.objects.all()}
    for code, parent in PARENTS.items():
        if units[code].parent_id != units[parent].pk:
            BusinessUnit.objects.filter(pk=units[code].pk).update(parent=units[parent])

    employees = {employee.employee_number: employee for employee in Employee.objects.all()}
    today = timezone.localdate()
    for number, days_ago in TRAINING.items():
        completed = today - datetime.timedelta(days=days_ago)
        TrainingRecord.objects.get_or_create(
            employee=employees[number],
            course=TrainingCourse.SOCIAL_MEDIA,
            defaults={"completed_on": completed, "expires_on": completed + datetime.timedelta(days=730)},
        )
    standards = StandardsVersion.objects.current()
    if standards:
        for number in ACKNOWLEDGED:
            PolicyAcknowledgement.objects.get_or_create(employee=employees[number], standards_version=standards)

    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    for username, (number, groups, superuser) in SIGN_INS.items():
        employee = employees[number]
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": employee.first_name, "last_name": employee.last_name, "email": employee.email},
        )
        if created or not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
        user.is_superuser = user.is_staff = superuser
        user.is_active = True
        user.save()
        user.groups.set(Group.objects.filter(name__in=groups))
        if employee.user_id != user.pk:
            Employee.objects.filter(pk=employee.pk).update(user=user)
    return employees


# Training that expires soon (the training page's list, and the reminder job): employee number
# -> (course, days since completion). Validity: settings.TRAINING_VALIDITY_DAYS.
EXPIRING_SOON = {
    "E3102": ("accessible_content", 20),
    "E3301": ("records", 12),
    "E3601": ("records", 25),
}

DRAFT_ADDITION = """

## Images made or changed with AI

City accounts do not post images or video made or materially changed with generative AI unless the post says
so plainly. Never use AI to show a real person saying or doing something they did not.
"""


@transaction.atomic
def seed_people_pages():
    """Content for the people pages: training near expiry, a draft of the next version of the
    Standards, and an earlier roster upload in HR's history."""
    from .models import RosterUpload, RosterUploadStatus

    employees = {employee.employee_number: employee for employee in Employee.objects.all()}
    today = timezone.localdate()
    for number, (course, days_left) in EXPIRING_SOON.items():
        validity = settings.TRAINING_VALIDITY_DAYS[course]
        completed = today - datetime.timedelta(days=validity - days_left)
        TrainingRecord.objects.get_or_create(
            employee=employees[number],
            course=course,
            completed_on=completed,
            defaults={"expires_on": completed + datetime.timedelta(days=validity)},
        )
    current = StandardsVersion.objects.current()
    csc = User.objects.filter(username="csc").first()
    if current and not StandardsVersion.objects.filter(version="1.1").exists():
        services.draft_standards_version(
            acting_user=csc, version="1.1", title=current.title, text=current.text.rstrip() + DRAFT_ADDITION
        )
    hr = User.objects.filter(username="hr").first()
    if hr and not RosterUpload.objects.exists():
        week_ago = timezone.now() - datetime.timedelta(days=7)
        RosterUpload.objects.create(
            uploaded_by=hr,
            uploaded_at=week_ago,
            file_name="workday-roster-full.csv",
            sha256="3f1a9c0e6b7d2a4f8e5c1b0d9a7f6e3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e",
            size=9_482,
            full=True,
            status=RosterUploadStatus.IMPORTED,
            rows=len(employees),
            checked_at=week_ago,
            confirmed_by=hr,
            confirmed_at=week_ago + datetime.timedelta(minutes=3),
            finished_at=week_ago + datetime.timedelta(minutes=3, seconds=4),
            result={
                "rows": len(employees),
                "created": 0,
                "updated": 2,
                "unchanged": len(employees) - 2,
                "role_changed": 1,
                "leaving": 0,
                "missing": 0,
                "signed_out": 0,
                "business_units_created": 0,
                "business_units_renamed": 0,
            },
        )
