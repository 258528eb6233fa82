import pytest

from personalization.experiments.models import Experiment, Variant
from personalization.experiments.services import experiment_start
from tests.factories import make_user


def make_experiment(
    *,
    key: str = "home-layout",
    surface: str = "home_layout",
    variants: tuple = (("grid", 50, True, {"layout": "grid"}), ("editorial", 50, False, {"layout": "editorial"})),
    start: bool = True,
    **fields,
) -> Experiment:
    experiment = Experiment.objects.create(
        key=key, name=key.replace("-", " ").title(), surface=surface, salt="s1", **fields
    )
    for position, (variant_key, weight, is_control, config) in enumerate(variants):
        Variant.objects.create(
            experiment=experiment,
            key=variant_key,
            weight=weight,
            is_control=is_control,
            config=config,
            position=position,
        )
    if start:
        experiment = experiment_start(experiment=experiment)
    return experiment


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # These tests create many users; the real hasher costs most of a second each on a CI core.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def home_experiment(db):
    return make_experiment()


@pytest.fixture
def staff_user(db):
    """Staff who may read experiments (the console checks the permission, not only staff status)."""
    from django.contrib.auth.models import Permission

    user = make_user(username="staffer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_experiment", content_type__app_label="experiments"))
    return user
