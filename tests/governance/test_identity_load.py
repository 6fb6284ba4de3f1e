"""The signed-in person is read fresh on every request, through a statement compiled once per
process (governance.auth.load_signed_in_user): same answer as the queryset, one query, and no
power kept after HR or an administrator takes it away."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from governance.auth import PortalModelBackend, load_signed_in_user, signed_in_users
from governance.models import EmploymentStatus, Notification
from governance.permissions import is_director
from governance.roles import DIRECTOR

pytestmark = pytest.mark.django_db


def _fields(user):
    return {key: value for key, value in user.__dict__.items() if not key.startswith("_")}


@pytest.mark.parametrize("persona", ["director", "csc_staff", "manager", "employee", "auditor", "hr"])
def test_it_loads_each_persona_as_the_queryset_does(request, persona):
    person = request.getfixturevalue(persona)

    compiled = load_signed_in_user(person.pk)
    built = signed_in_users().get(pk=person.pk)

    assert _fields(compiled) == _fields(built)
    assert compiled.employee.pk == built.employee.pk
    assert compiled.employee.business_unit.name == built.employee.business_unit.name


def test_it_reads_the_person_with_their_unit_and_manager_in_one_query(manager, django_assert_num_queries):
    load_signed_in_user(manager.pk)  # the first call of the process compiles the statement

    with django_assert_num_queries(1):
        user = load_signed_in_user(manager.pk)
        assert user.employee.business_unit.code == "PKS"
        assert user.employee.manager is not None
        assert user.has_reports is True


def test_an_unknown_or_malformed_id_is_no_one(db):
    assert load_signed_in_user(987654321) is None
    assert load_signed_in_user("not-a-number") is None
    assert load_signed_in_user(None) is None


def test_the_unread_count_is_read_fresh_on_each_load(employee):
    before = load_signed_in_user(employee.pk).unread_notifications
    Notification.objects.create(recipient=employee, kind="review_opened", subject="A new review", body="Please look.")

    assert load_signed_in_user(employee.pk).unread_notifications == before + 1


def test_a_removed_role_is_gone_on_the_next_request(director):
    backend = PortalModelBackend()
    assert is_director(backend.get_user(director.pk))

    director.groups.remove(Group.objects.get(name=DIRECTOR))

    assert not is_director(backend.get_user(director.pk))


def test_an_ended_employment_signs_the_person_out_on_the_next_request(client, employee):
    client.force_login(employee)
    assert client.get(reverse("home")).status_code == 200

    employee.employee.employment_status = EmploymentStatus.TERMINATED
    employee.employee.save(update_fields=["employment_status"])

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
