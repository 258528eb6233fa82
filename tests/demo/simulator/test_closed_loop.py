import pytest

from demo.simulator.closed_loop import closed_loop_run
from demo.simulator.oracle import ARMS, SURFACES, rankers_against_tastes
from personalization.experiments.models import Exposure
from personalization.recommendations.models import ModelVersion
from tests.factories import make_user

pytestmark = pytest.mark.slow


@pytest.fixture
def larger_demo_catalog(transactional_db, shipping_methods):
    """200 demo products: a product page's rows show whole rows of four new products or nothing, so with 60
    products (a handful per type) most product pages had no rows to click on, shoppers stopped after one
    product, and no one had the three interactions a model needs to be evaluated."""
    from demo.store.loader import demo_store_load

    demo_store_load(seed=42, product_count=200, with_images=False)


def test_the_closed_loop_trains_then_runs_an_experiment_that_staff_can_read(larger_demo_catalog, client):
    # when a reduced closed loop runs: warm-up traffic, three models, then the experiment with a nightly retraining
    said = []
    result = closed_loop_run(
        visitors=60,
        warm_up_days=3,
        experiment_days=2,
        seed=42,
        epochs=2,
        retrain_every_days=1.0,
        progress=False,
        say=said.append,
    )

    # then both variants were shown to simulated shoppers
    exposed = set(Exposure.objects.filter(experiment__key=result.experiment_key).values_list("variant__key", flat=True))
    assert exposed == {"popularity", "model"}
    assert set(result.model_versions) == {"popularity", "covisit", "sasrec"}
    # and the models were trained again after the experiment's first night, on what it had recorded
    assert ModelVersion.objects.count() == 6
    assert [line for line in said if "retrained at day 4" in line]
    assert any("lift" in line for line in result.lines)

    # and the staff results page renders them
    from django.contrib.auth.models import Permission

    staff = make_user(username="staff", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_experiment"))
    client.force_login(staff)
    page = client.get(f"/staff/experiments/{result.experiment_key}/")
    assert page.status_code == 200
    assert b"popularity" in page.content and b"model" in page.content

    # and the trained rankers can be scored against the shoppers' hidden tastes
    scores = {(s.surface, s.ranker): s for s in rankers_against_tastes(shoppers=12, seed=3)}
    assert set(scores) == {(surface, r) for surface in SURFACES for r in (*ARMS, "oracle", "random")}
    for surface in SURFACES:
        oracle = scores[surface, "oracle"].sell_chance
        assert 0 < oracle <= 1
        assert all(scores[surface, r].sell_chance <= oracle + 1e-9 for r in (*ARMS, "random"))
    assert scores["for_you", "popularity"].served_by == "popularity"
