"""An experiment on the `assistant_panel` surface compares "assistant shown" against "not shown" on conversion."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from personalization.experiments import assignment
from personalization.experiments.models import Exposure
from personalization.experiments.selectors import variant_totals
from personalization.tracking.identity import VISITOR_COOKIE, sign_visitor_id
from personalization.tracking.models import Event
from tests.factories import make_user
from tests.personalization.experiments.conftest import make_experiment

pytestmark = pytest.mark.django_db
PANEL_TAG = Template("{% load assistant_tags %}{% assistant_panel_shown as shown %}[{{ shown }}]")
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture
def panel_experiment():
    return make_experiment(
        key="assistant-shown",
        surface="assistant_panel",
        variants=(("shown", 50, True, {"panel": "shown"}), ("hidden", 50, False, {"panel": "hidden"})),
    )


def visitor_in(variant_key: str) -> str:
    """A visitor id whose hash lands in `variant_key` (salt s1, 50/50, shown first)."""
    for n in range(200):
        bucket = assignment.variant_bucket(salt="s1", experiment_key="assistant-shown", unit_id=f"v:visitor-{n}")
        if (bucket < 5000) == (variant_key == "shown"):
            return f"visitor-{n}"
    raise AssertionError("no visitor found")


def page_request(visitor_id: str):
    request = RequestFactory().get("/", HTTP_USER_AGENT=BROWSER_UA)
    request.visitor_id = visitor_id
    request.user = AnonymousUser()
    request.tracking = True
    return request


def home_page(client, visitor_id: str) -> str:
    client.cookies[VISITOR_COOKIE] = sign_visitor_id(visitor_id)
    response = client.get("/", HTTP_USER_AGENT=BROWSER_UA)
    assert response.status_code == 200
    return response.content.decode()


def test_the_panel_shows_when_no_experiment_runs(client):
    assert "data-assistant" in home_page(client, "visitor-1")


def test_the_hidden_arm_gets_no_panel_and_the_shown_arm_does(client, panel_experiment):
    assert "data-assistant" not in home_page(client, visitor_in("hidden"))
    assert "data-assistant" in home_page(client, visitor_in("shown"))


def test_the_exposure_is_recorded_once_and_later_pages_cost_no_query(panel_experiment, django_assert_num_queries):
    visitor = visitor_in("hidden")
    assert PANEL_TAG.render(Context({"request": page_request(visitor)})) == "[False]"

    with django_assert_num_queries(0):
        assert PANEL_TAG.render(Context({"request": page_request(visitor)})) == "[False]"

    exposure = Exposure.objects.get()
    assert (exposure.unit_id, exposure.variant.key) == (f"v:{visitor}", "hidden")


def test_a_remembered_unit_keeps_its_variant_when_the_weights_move(panel_experiment):
    visitor = visitor_in("hidden")
    PANEL_TAG.render(Context({"request": page_request(visitor)}))
    panel_experiment.variants.filter(key="shown").update(weight=100)
    panel_experiment.variants.filter(key="hidden").update(weight=0)

    assert PANEL_TAG.render(Context({"request": page_request(visitor)})) == "[False]"


def test_a_purchase_after_the_exposure_counts_as_a_conversion_of_that_arm(client, panel_experiment):
    # given: a visitor in each arm sees a page; the hidden one buys
    buyer, browser = visitor_in("hidden"), visitor_in("shown")
    home_page(client, buyer)
    home_page(client, browser)
    now = timezone.now()
    Event.objects.create(
        uuid=uuid.uuid4(), type="purchase", visitor_id=buyer, timestamp=now, recorded_at=now, value="25.00"
    )

    # when
    totals = {
        panel_experiment.variants.get(pk=pk).key: t for pk, t in variant_totals(experiment=panel_experiment).items()
    }

    # then
    assert (totals["hidden"].units, totals["hidden"].converters) == (1, 1)
    assert (totals["shown"].units, totals["shown"].converters) == (1, 0)


def test_staff_can_force_the_hidden_arm_without_being_counted(client, panel_experiment):
    client.force_login(make_user(username="qa", is_staff=True))

    html = client.get("/?exp_assistant-shown=hidden", HTTP_USER_AGENT=BROWSER_UA).content.decode()

    assert "data-assistant" not in html
    assert not Exposure.objects.exists()


def test_a_forgotten_unit_reads_its_exposure_again(panel_experiment):
    # A cache that lost the unit (evicted, or Redis down: the cache fails open) costs the query, not the variant.
    from django.core.cache import cache

    visitor = visitor_in("hidden")
    PANEL_TAG.render(Context({"request": page_request(visitor)}))
    panel_experiment.variants.filter(key="shown").update(weight=100)
    panel_experiment.variants.filter(key="hidden").update(weight=0)
    cache.clear()

    assert PANEL_TAG.render(Context({"request": page_request(visitor)})) == "[False]"
    assert Exposure.objects.count() == 1


def test_the_staff_console_has_no_shopping_assistant(client, panel_experiment):
    from django.contrib.auth.models import Permission

    staff = make_user(username="console", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_experiment"))
    client.force_login(staff)

    html = client.get("/staff/experiments/", HTTP_USER_AGENT=BROWSER_UA).content.decode()

    assert "console-nav" in html and "data-assistant" not in html
    assert not Exposure.objects.exists()


def test_the_mobile_app_reads_the_same_arm(client, panel_experiment):
    visitor = visitor_in("hidden")

    body = client.get("/api/v1/experiments/assignments", HTTP_X_VISITOR_ID=sign_visitor_id(visitor)).json()

    assert [(a["surface"], a["variant"], a["config"]) for a in body["assignments"]] == [
        ("assistant_panel", "hidden", {"panel": "hidden"})
    ]
