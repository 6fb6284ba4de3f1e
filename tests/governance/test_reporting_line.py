"""Who reports to a manager, directly or not: one recursive query."""

from governance.permissions import manages_employee
from governance.selectors import reports_of
from tests.factories import EmployeeFactory


def test_a_four_level_chain_is_answered_in_one_query(db, django_assert_num_queries):
    top = EmployeeFactory()
    level2 = EmployeeFactory(manager=top)
    level3 = EmployeeFactory(manager=level2)
    level4 = EmployeeFactory(manager=level3)
    sibling = EmployeeFactory(manager=level2)
    EmployeeFactory()  # someone in another line

    with django_assert_num_queries(1):
        assert set(reports_of(top)) == {level2, level3, level4, sibling}
    with django_assert_num_queries(1):
        assert set(reports_of(level2)) == {level3, level4, sibling}
    assert list(reports_of(level4)) == []


def test_a_manager_manages_direct_and_indirect_reports_only(org):
    assert manages_employee(org.manager, org.employee_emp)
    assert manages_employee(org.manager, org.indirect_emp)
    assert not manages_employee(org.manager, org.manager_emp)  # not themselves
    assert not manages_employee(org.manager, org.parks_director_emp)  # not their own manager
    assert not manages_employee(org.manager, org.outsider_emp)
    assert not manages_employee(org.employee, org.manager_emp)
    assert not manages_employee(org.director, org.indirect_emp)  # the Director is not in Parks' line


def test_manages_employee_needs_no_query(org, django_assert_num_queries):
    assert org.manager.employee == org.manager_emp  # loaded with the signed-in user in a request
    with django_assert_num_queries(0):
        assert manages_employee(org.manager, org.indirect_emp)
        assert not manages_employee(org.manager, org.outsider_emp)


def test_paths_follow_a_move_of_a_whole_team(org):
    from governance import services

    services.update_employee(employee=org.lead_emp, acting_user=org.director, values={"manager": org.outsider_emp})
    org.indirect_emp.refresh_from_db()
    assert manages_employee(org.outsider, org.indirect_emp)  # Lucas moved with his lead
    assert not manages_employee(org.manager, org.indirect_emp)
