"""Who reports to a manager, directly or not: one recursive query."""

from governance.permissions import is_in_reporting_line, manages_employee
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


def test_the_upward_walk_is_one_query(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert is_in_reporting_line(manager_id=org.parks_director_emp.pk, employee_id=org.indirect_emp.pk)
