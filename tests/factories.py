"""factory_boy factories for the test suite's data."""

import datetime

import factory
from django.utils import timezone

from governance.models import (
    BusinessUnit,
    Employee,
    EmploymentStatus,
    PolicyAcknowledgement,
    StandardsVersion,
    TrainingCourse,
    TrainingRecord,
    User,
)

PASSWORD = "correct horse battery staple"


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"BU{n:03d}")
    name = factory.LazyAttribute(lambda unit: f"Business unit {unit.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@calgary.ca")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    employee_number = factory.Sequence(lambda n: f"T{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda e: f"{e.employee_number.lower()}@calgary.ca")
    job_title = "Communications Advisor"
    business_unit = factory.SubFactory(BusinessUnitFactory)
    employment_status = EmploymentStatus.ACTIVE


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    employee = factory.SubFactory(EmployeeFactory)
    course = TrainingCourse.SOCIAL_MEDIA
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))
    expires_on = factory.LazyAttribute(lambda record: record.completed_on + datetime.timedelta(days=730))


def current_standards():
    """Version 1.0 of the Standards, as the data migration publishes it (a flush of the test
    database between transactional tests removes migrated rows, so tests ask for it here)."""
    version = StandardsVersion.objects.current()
    if version is None:
        version = StandardsVersion.objects.create(
            version="1.0",
            approved_on=datetime.date(2016, 10, 25),
            effective_from=datetime.datetime(2016, 10, 25, tzinfo=datetime.UTC),
            text="# Social Media Standards for City Employees\n\n## Overview\n\nThe purpose of this document…",
        )
    return version


def acknowledge(employee):
    return PolicyAcknowledgement.objects.get_or_create(employee=employee, standards_version=current_standards())[0]


# --- the registry and requests ------------------------------------------------------------------


def make_account(
    *, platform="instagram", handle, business_unit, accountable_manager, display_name=None, listed=True, status="active"
):
    """A registered account, as the registry's service creates it."""
    from accounts.models import SocialAccount
    from accounts.normalization import normalize

    key = normalize(handle, platform)
    return SocialAccount.objects.create(
        platform=key.platform,
        handle=key.handle,
        profile_url=key.url,
        normalized_url=key.key,
        display_name=display_name or handle.lstrip("@").title(),
        business_unit=business_unit,
        accountable_manager=accountable_manager,
        listed_in_directory=listed,
        status=status,
    )


def make_grant(*, employee, account, status="active", access_level="publisher", recertify_by=None):
    from accounts.models import ProviderGrant

    return ProviderGrant.objects.create(
        employee=employee,
        account=account,
        status=status,
        access_level=access_level,
        recertify_by=recertify_by or timezone.localdate() + datetime.timedelta(days=365),
        revoked_at=timezone.now() if status == "revoked" else None,
    )


COMPLETE_ACCOUNT_FORM = {
    "platform": "instagram",
    "proposed_name": "Calgary Off-Leash Areas",
    "proposed_handle": "@yycoffleash",
    "proposed_url": "",
    "listed_in_directory": "on",
    "business_need": "Dog owners ask 311 about off-leash rules every week.",
    "objectives": "Fewer 311 calls; rules understood before summer.",
    "audience": "Dog owners in Calgary.",
    "content_topics": "Off-leash rules, closures, new parks.",
    "posting_frequency": "weekly",
    "moderation_plan": "Checked twice a business day; abusive comments hidden and logged.",
    "response_time": "Within one business day",
    "records_retention": "Archived monthly under schedule COM-05.",
    "accessibility": "Alt text, captions, plain language.",
    "official_languages": "English; safety notices also in French.",
    "launch_date": (datetime.date.today() + datetime.timedelta(days=60)).isoformat(),
    "read_standards": "on",
}


def account_request_values(**overrides):
    """Model values of a complete Social Media Request form (for services)."""
    values = {
        name: value
        for name, value in COMPLETE_ACCOUNT_FORM.items()
        if name not in ("listed_in_directory", "read_standards", "launch_date")
    }
    values.update(
        listed_in_directory=True,
        read_standards=True,
        launch_date=timezone.localdate() + datetime.timedelta(days=60),
    )
    values.update(overrides)
    return values


def file_account_request(user, *, providers, backup, submit=True, **overrides):
    """A Social Media Request filed through the services (submitted unless told otherwise)."""
    from requests import services

    account_request = services.create_account_request(
        acting_user=user, values=account_request_values(backup_provider=backup, **overrides), providers=providers
    )
    if submit:
        services.submit_request(governance_request=account_request, acting_user=user)
        account_request.refresh_from_db()
    return account_request
