"""Loaded models: once per process, keyed by the model version, and dropped when a new champion is promoted."""

import pytest
from django.core.cache import cache

from personalization.recommendations.registry import champion_cache_key, model_version_promote
from personalization.recommendations.training import model_version_train
from personalization.serving import champions
from shop import cache_versions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _nothing_loaded():
    champions.forget_loaded_models()
    yield
    champions.forget_loaded_models()


def test_the_model_namespace_is_where_the_registry_announces_champions():
    assert cache_versions.key_of(cache_versions.MODEL, part="sasrec") == champion_cache_key("sasrec")


def test_the_champion_is_loaded_once_and_tagged_with_its_version(behaviour, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = model_version_train(kind="popularity")
    first = champions.champion_model("popularity")
    assert first is not None and champions.champion_model("popularity") is first
    assert champions.version_tag(first) == f"v{version.pk}"


def test_a_promotion_serves_the_new_champion_and_drops_the_old_one(behaviour, django_capture_on_commit_callbacks):
    # given a champion that serves
    with django_capture_on_commit_callbacks(execute=True):
        old = model_version_train(kind="covisit")
        new = model_version_train(kind="covisit")
    served = champions.champion_model("covisit")
    assert champions.version_tag(served) == f"v{old.pk}"
    # when staff promote the other version
    with django_capture_on_commit_callbacks(execute=True):
        model_version_promote(version=new)
    # then the next lookup serves it, and the old one has left this process
    assert champions.version_tag(champions.champion_model("covisit")) == f"v{new.pk}"
    assert old.pk not in champions._loaded and new.pk in champions._loaded


def test_no_champion_at_all_keeps_the_last_one_loaded_for_a_rollback(behaviour, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = model_version_train(kind="popularity")
    champions.champion_model("popularity")
    # when every version is retired
    version.status = version.Status.RETIRED
    version.save(update_fields=["status"])
    cache.clear()
    # then nothing serves, and the model stays loaded
    assert champions.champion_model("popularity") is None
    assert version.pk in champions._loaded


def test_loaded_models_are_bounded_in_bytes_least_recently_used_out(behaviour, settings):
    # given two versions of a kind, each of some bytes
    first, second = model_version_train(kind="covisit"), model_version_train(kind="covisit")
    one = champions.model_version(first.pk)
    size = champions.model_bytes(one)
    assert size > 0
    # when the bound holds only one of them and the other is loaded
    settings.RECSYS_LOADED_MODELS_MAX_BYTES = size + size // 2
    champions.model_version(second.pk)
    # then the least recently used left, the one just loaded stays
    assert first.pk not in champions._loaded and second.pk in champions._loaded
    # and a model larger than the whole bound is still served
    settings.RECSYS_LOADED_MODELS_MAX_BYTES = 1
    assert champions.model_version(first.pk) is not None and list(champions._loaded) == [first.pk]


def test_a_version_not_yet_visible_is_looked_up_again_once_it_is(behaviour, django_capture_on_commit_callbacks):
    # given a process asked for a version before its row could be read (a replica behind the primary)
    with django_capture_on_commit_callbacks(execute=True):
        version = model_version_train(kind="popularity")
    row = type(version).objects.get(pk=version.pk)
    row.delete()
    assert champions.model_version(version.pk) is None
    # when the row is there
    row.pk = version.pk  # delete() forgot it
    row.save(force_insert=True)
    # then the process serves it instead of remembering that it was missing
    model = champions.model_version(version.pk)
    assert model is not None and champions.version_tag(model) == f"v{version.pk}"
