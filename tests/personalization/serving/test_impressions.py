"""Reads never write: building the shopper context logs nothing; showing a list logs its exposure and impression."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from personalization.experiments.models import Exposure
from personalization.serving import RankedList, context_for_request
from personalization.serving.impressions import shown_list_log
from personalization.tracking.identity import sign_visitor_id
from tests.personalization.experiments.conftest import make_experiment

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"
# Pinned model versions score even an empty history, so showing a list counts at once.
PINNED_ARMS = (("v7", 50, True, {"ranker": "model_version:7"}), ("v8", 50, False, {"ranker": "model_version:8"}))


@pytest.fixture
def ranker_experiment(db):
    return make_experiment(key="ranker-test", surface="ranker", variants=PINNED_ARMS)


def a_request(visitor_id="shopper-1"):
    request = RequestFactory().get("/", HTTP_USER_AGENT=BROWSER)
    request.user = AnonymousUser()
    request.visitor_id = visitor_id
    return request


def test_building_the_context_logs_no_exposure(ranker_experiment):
    request = a_request()
    context = context_for_request(request)
    assert context.ranker in {"model_version:7", "model_version:8"}
    assert not Exposure.objects.exists(), "deciding the ranker is a read"


def test_showing_a_list_logs_the_ranker_exposure_once(ranker_experiment):
    request = a_request()
    context = context_for_request(request)
    shown_list_log(request=request, context=context, ranked=RankedList(surface="home"), slot="home")
    shown_list_log(request=request, context=context, ranked=RankedList(surface="similar"), slot="similar")
    exposure = Exposure.objects.get()
    assert (exposure.unit_id, exposure.variant.key) == ("v:shopper-1", context.ranker.replace("model_version:", "v"))


def test_a_category_page_logs_the_exposure_of_the_ranker_it_shows(ranker_experiment, catalog):
    url = catalog["cameras"][0].category.get_absolute_url()
    assert Client(HTTP_USER_AGENT=BROWSER).get(url).status_code == 200
    assert Exposure.objects.filter(experiment=ranker_experiment).count() == 1


def test_the_recommendations_api_logs_the_exposure_of_the_ranker_it_shows(ranker_experiment, catalog):
    app = APIClient(HTTP_X_VISITOR_ID=sign_visitor_id("app-shopper"), HTTP_USER_AGENT="StoreApp/2.1 (iPhone; iOS 18)")
    assert app.get("/api/v1/recommendations/for_you").status_code == 200
    exposure = Exposure.objects.get(experiment=ranker_experiment)
    assert (exposure.unit_id, exposure.device) == ("v:app-shopper", "mobile")
