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
