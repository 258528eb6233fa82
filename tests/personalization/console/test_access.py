"""Who gets into the console: staff only, each section behind its Django permission."""

import pytest
from django.urls import reverse

from tests.factories import make_user

from .conftest import staff_with

pytestmark = pytest.mark.django_db

SECTIONS = [
    ("console:models", [], "personalization.view_modelversion"),
    ("console:campaigns", [], "offers.view_couponcampaign"),
    ("console:tracking", [], "tracking.view_event"),
    ("experiments:index", [], "experiments.view_experiment"),
]


@pytest.mark.parametrize("name", ["console:index", "console:models", "console:tracking", "console:campaigns"])
def test_anonymous_goes_to_the_login_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("shop:login"))


@pytest.mark.parametrize("name", ["console:index", "console:models", "console:tracking", "console:campaigns"])
def test_a_shopper_is_refused(client, name):
    client.force_login(make_user())
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name, args, permission", SECTIONS)
def test_staff_needs_the_sections_permission(client, name, args, permission):
    client.force_login(staff_with())
    assert client.get(reverse(name, args=args)).status_code == 403, f"{name} opened without {permission}"
    client.force_login(staff_with(permission))
    assert client.get(reverse(name, args=args)).status_code == 200, f"{name} refused staff holding {permission}"


def test_the_navigation_shows_only_the_sections_the_staff_member_may_open(client):
    client.force_login(staff_with("tracking.view_event"))
    html = client.get(reverse("console:index")).content.decode()
    nav = html.split('<nav class="console-nav"')[1].split("</nav>")[0]
    assert reverse("console:tracking") in nav
    assert reverse("console:models") not in nav and reverse("experiments:index") not in nav
    assert reverse("console:campaigns") not in nav


def test_the_console_speaks_chinese_under_its_prefix(client):
    client.force_login(staff_with("tracking.view_event"))
    html = client.get("/zh-hans/staff/tracking/").content.decode()
    assert "数据采集状况" in html
