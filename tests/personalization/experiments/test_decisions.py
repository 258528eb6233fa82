"""The variant tag, the home layout partials, forced variants, the login rule and the API agree."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from personalization.experiments import assignment
from personalization.experiments.decisions import assignment_for_request, ranker_for_request
from personalization.experiments.models import Exposure
from personalization.experiments.services import exposure_log, exposures_carry_over, ranker_exposure_log
from personalization.tracking.identity import sign_visitor_id
from tests.factories import make_product, make_user

from .conftest import make_experiment

VARIANT_TAG = Template('{% load experiment_tags %}{% variant "home_layout" as v %}[{{ v.key }}|{{ v.config.layout }}]')
LAYOUT_TAG = Template("{% load experiment_tags %}{% home_layout products=products categories=categories %}")


def page_request(*, visitor_id="visitor-1", user=None, query="", **meta):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/" + query, HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64)", **meta)
    request.visitor_id = visitor_id
    request.user = user or AnonymousUser()
    return request


def shown(request, name):
    """What a page showing `name` does: read the assignment, then log its exposure."""
    chosen = assignment_for_request(request, name)
    exposure_log(request=request, assignment=chosen)
    return chosen


def render(template, request, **context):
    return template.render(Context({"request": request, **context}))


def visitor_in(variant_key, experiment_key="home-layout"):
    """A visitor id whose hash lands in `variant_key` (salt s1, 50/50)."""
    for n in range(200):
        unit = f"v:visitor-{n}"
        bucket = assignment.variant_bucket(salt="s1", experiment_key=experiment_key, unit_id=unit)
        if (bucket < 5000) == (variant_key == "grid"):
            return f"visitor-{n}"
    raise AssertionError("no visitor found")


@pytest.mark.django_db
def test_variant_tag_returns_the_default_when_nothing_runs():
    assert render(VARIANT_TAG, page_request()) == "[|grid]"


def test_variant_tag_logs_one_exposure(home_experiment, django_assert_max_num_queries):
    request = page_request(visitor_id=visitor_in("editorial"))
    with django_assert_max_num_queries(4):
        assert render(VARIANT_TAG, request) == "[editorial|editorial]"
    render(VARIANT_TAG, request)
    render(VARIANT_TAG, page_request(visitor_id=request.visitor_id))
    exposure = Exposure.objects.get()
    assert (exposure.unit_id, exposure.variant.key, exposure.unit_type) == (
        f"v:{request.visitor_id}",
        "editorial",
        "visitor",
    )


def test_second_page_view_costs_one_query(home_experiment, django_assert_num_queries):
    visitor = visitor_in("grid")
    render(VARIANT_TAG, page_request(visitor_id=visitor))
    with django_assert_num_queries(1):  # the unit's earlier exposures; the experiments come from the cache
        render(VARIANT_TAG, page_request(visitor_id=visitor))


@pytest.mark.django_db
def test_layout_variant_changes_the_rendered_home(home_experiment):
    products = [make_product(name=f"Camera {n}") for n in range(3)]
    grid = render(LAYOUT_TAG, page_request(visitor_id=visitor_in("grid")), products=products)
    editorial = render(LAYOUT_TAG, page_request(visitor_id=visitor_in("editorial")), products=products)
    assert 'data-layout="grid"' in grid and "New arrivals" in grid
    assert 'data-layout="editorial"' in editorial and "Editor's pick" in editorial
    assert "Recommended for you" in editorial and "Recommended for you" not in grid


@pytest.mark.django_db
def test_category_rows_layout_groups_products_by_category():
    make_experiment(variants=(("grid", 50, True, {"layout": "grid"}), ("rows", 50, False, {"layout": "category_rows"})))
    products = [make_product(name=f"Lens {n}") for n in range(2)]
    staff = make_user(is_staff=True)
    html = render(LAYOUT_TAG, page_request(user=staff, query="?exp_home-layout=rows"), products=products)
    assert 'data-layout="category_rows"' in html
    assert products[0].category.name in html and products[1].category.name in html


def test_forced_variant_for_staff_only(home_experiment):
    visitor = visitor_in("grid")
    staff, shopper = make_user(is_staff=True), make_user()
    query = "?exp_home-layout=editorial"
    assert render(VARIANT_TAG, page_request(visitor_id=visitor, user=staff, query=query)) == "[editorial|editorial]"
    shopper_result = assignment_for_request(page_request(visitor_id=visitor, user=shopper, query=query), "home_layout")
    assert shopper_result.reason != assignment.FORCED
    assert render(VARIANT_TAG, page_request(visitor_id=visitor, query=query)) == "[grid|grid]"
    assert not Exposure.objects.filter(unit_id=f"u:{staff.pk}").exists(), "a forced view is not an exposure"


def test_tag_never_raises(home_experiment, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr("personalization.experiments.decisions.running_experiment_specs", broken)
    assert render(VARIANT_TAG, page_request()) == "[|grid]"


def test_user_keeps_the_variant_their_visitor_saw(home_experiment):
    # given a visitor exposed to a variant, and a user whose own hash would say otherwise
    visitor = visitor_in("editorial")
    render(VARIANT_TAG, page_request(visitor_id=visitor))
    user = next(u for u in (make_user() for _ in range(40)) if _hash_variant(f"u:{u.pk}") == "grid")
    # when they sign in on the same browser
    result = shown(page_request(visitor_id=visitor, user=user), "home_layout")
    # then they keep the visitor's variant, stored so it survives other devices, counted once
    assert (result.variant, result.reason) == ("editorial", assignment.CARRIED_OVER)
    stored = Exposure.objects.get(unit_id=f"u:{user.pk}")
    assert (stored.variant.key, stored.carried_from) == ("editorial", f"v:{visitor}")
    elsewhere = assignment_for_request(page_request(visitor_id="another-phone", user=user), "home_layout")
    assert (elsewhere.variant, elsewhere.reason) == ("editorial", assignment.STICKY)


def test_login_carries_exposures_over(home_experiment):
    visitor = visitor_in("editorial")
    render(VARIANT_TAG, page_request(visitor_id=visitor))
    user = make_user()
    assert exposures_carry_over(user_id=user.pk, visitor_id=visitor) == 1
    assert Exposure.objects.get(unit_id=f"u:{user.pk}").variant.key == "editorial"


def test_user_with_own_exposure_keeps_it(home_experiment):
    user = make_user()
    own = _hash_variant(f"u:{user.pk}")
    shown(page_request(visitor_id="phone", user=user), "home_layout")
    other = "editorial" if own == "grid" else "grid"
    render(VARIANT_TAG, page_request(visitor_id=visitor_in(other)))
    result = assignment_for_request(page_request(visitor_id=visitor_in(other), user=user), "home_layout")
    assert (result.variant, result.reason) == (own, assignment.STICKY)


def _hash_variant(unit_id):
    return (
        "grid"
        if assignment.variant_bucket(salt="s1", experiment_key="home-layout", unit_id=unit_id) < 5000
        else ("editorial")
    )


def test_deciding_a_variant_logs_no_exposure(home_experiment):
    request = page_request(visitor_id=visitor_in("editorial"))
    assert assignment_for_request(request, "home_layout").variant == "editorial"
    assert not Exposure.objects.exists(), "only the code that shows a variant logs its exposure"
    assert exposure_log(request=request, assignment=assignment_for_request(request, "home_layout"))
    assert not exposure_log(request=request, assignment=assignment_for_request(request, "home_layout"))
    assert Exposure.objects.get().variant.key == "editorial"


@pytest.mark.django_db
def test_ranker_for_request():
    assert ranker_for_request(page_request()) is None
    make_experiment(
        key="ranker-test",
        surface="ranker",
        variants=(("control", 50, True, {"ranker": "model"}), ("pop", 50, False, {"ranker": "popularity"})),
    )
    rankers = {ranker_for_request(page_request(visitor_id=f"r{n}")) for n in range(30)}
    assert rankers == {"model", "popularity"}


@pytest.mark.django_db
def test_a_ranker_experiment_counts_a_shopper_once_the_arms_can_differ():
    make_experiment(
        key="ranker-test",
        surface="ranker",
        variants=(("control", 50, True, {"ranker": "popularity"}), ("model", 50, False, {"ranker": "model"})),
    )
    # without a history both arms serve popularity: the shopper is assigned but not yet counted
    request = page_request(visitor_id="new")
    assert ranker_for_request(request) in {"model", "popularity"}
    assert not ranker_exposure_log(request=request, has_history=False)
    assert not Exposure.objects.exists()
    # the first page with a history triggers the exposure, in the same arm
    request = page_request(visitor_id="new")
    ranker = ranker_for_request(request)
    assert ranker_exposure_log(request=request, has_history=True)
    exposure = Exposure.objects.get()
    assert (exposure.unit_id, exposure.variant.key) == ("v:new", "control" if ranker == "popularity" else "model")


@pytest.mark.django_db
def test_a_pinned_model_version_arm_counts_shoppers_without_history_at_once():
    make_experiment(
        key="ranker-test",
        surface="ranker",
        variants=(("v7", 50, True, {"ranker": "model_version:7"}), ("v8", 50, False, {"ranker": "model_version:8"})),
    )
    request = page_request(visitor_id="new")
    ranker = ranker_for_request(request)
    ranker_exposure_log(request=request, has_history=False)
    assert Exposure.objects.get().variant.key == ranker.replace("model_version:", "v")


def test_api_returns_the_same_variant_as_the_tag(home_experiment, client):
    for n in range(12):
        visitor = f"app-visitor-{n}"
        tag = render(VARIANT_TAG, page_request(visitor_id=visitor))
        response = client.get("/api/v1/experiments/assignments", HTTP_X_VISITOR_ID=sign_visitor_id(visitor))
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["unit"] == f"v:{visitor}"
        (row,) = body["assignments"]
        assert tag == f"[{row['variant']}|{row['config']['layout']}]"
        assert row["experiment"] == "home-layout" and row["in_experiment"]


def test_api_logs_exposure_only_when_the_app_says_so(home_experiment, client):
    visitor = visitor_in("grid")
    headers = {"HTTP_X_VISITOR_ID": sign_visitor_id(visitor), "HTTP_USER_AGENT": "StoreApp/2.1 (iPhone; iOS 18)"}
    client.get("/api/v1/experiments/assignments", **headers)
    assert not Exposure.objects.exists()
    url = "/api/v1/experiments/exposures"
    wrong = client.post(
        url, {"experiment": "home-layout", "variant": "editorial"}, content_type="application/json", **headers
    )
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "variant_mismatch"
    first = client.post(
        url, {"experiment": "home-layout", "variant": "grid"}, content_type="application/json", **headers
    )
    again = client.post(
        url, {"experiment": "home-layout", "variant": "grid"}, content_type="application/json", **headers
    )
    assert (first.status_code, first.json()["first_exposure"]) == (201, True)
    assert (again.status_code, again.json()["first_exposure"]) == (200, False)
    assert Exposure.objects.get().unit_id == f"v:{visitor}"
    missing = client.post(url, {"experiment": "nope", "variant": "grid"}, content_type="application/json", **headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "experiment_not_running"
    invalid = client.post(url, {"experiment": ""}, content_type="application/json", **headers)
    assert invalid.status_code == 400 and "variant" in invalid.json()["error"]["fields"]
