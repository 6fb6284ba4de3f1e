import pytest
from django.utils import timezone
from accounts import services
from governance.models import Employee
from tests.browser.conftest import sign_in_with_keyboard
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_nav(page, world):
    Employee.objects.filter(pk=world.provider_emp.pk).update(role_changed_at=timezone.now())
    services.sweep_stale_access()
    sign_in_with_keyboard(page, "manager", PASSWORD)
    for width in (320, 375, 800, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto("/team/access/")
        page.locator("summary").first.click()
        sw = page.evaluate("document.documentElement.scrollWidth")
        print(width, sw)
        page.screenshot(path=f"/tmp/shots/team-{width}.png", full_page=True)
    page.context.clear_cookies()
    sign_in_with_keyboard(page, "director", PASSWORD)
    page.goto("/team/access/?scope=all&overdue=yes")
    page.screenshot(path="/tmp/shots/dir-filtered.png", full_page=True)
