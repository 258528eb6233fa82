import pytest
from django.core.files.storage import default_storage

from personalization.recommendations.registry import CorruptArtifact, load_model
from personalization.recommendations.retrieval import load_retrieval_index
from personalization.recommendations.training import model_version_train

pytestmark = pytest.mark.django_db


def test_registration_stores_the_index_beside_the_artifact_from_the_threshold_on(behaviour, settings):
    # given a threshold the test catalogue reaches
    settings.RECSYS_RETRIEVAL_EXACT_BELOW = 5
    # when a sequence model is trained and registered
    version = model_version_train(kind="sasrec", epochs=2)
    # then its index is a file with a checksum, and serves the model's items
    stored = version.config["retrieval"]
    assert stored["items"] == 12 and stored["exact"] is False and default_storage.exists(stored["file"])
    model = load_model(version)
    index = load_retrieval_index(version, model)
    assert not index.exact and len(index.search(model.user_vectors([[1, 2]])[0].numpy(), 5)) == 5


def test_below_the_threshold_nothing_is_stored_and_serving_is_exact(behaviour):
    version = model_version_train(kind="sasrec", epochs=2)
    assert version.config["retrieval"] == {
        "items": 12,
        "exact": True,
        "seconds": version.config["retrieval"]["seconds"],
    }
    assert load_retrieval_index(version, load_model(version)).exact


def test_an_index_file_that_does_not_match_its_checksum_is_refused(behaviour, settings):
    settings.RECSYS_RETRIEVAL_EXACT_BELOW = 5
    version = model_version_train(kind="sasrec", epochs=2)
    name = version.config["retrieval"]["file"]
    with default_storage.open(name, "wb") as fh:
        fh.write(b"not the index")
    with pytest.raises(CorruptArtifact, match="retrieval index"):
        load_retrieval_index(version, load_model(version))


def test_models_without_item_vectors_have_no_index(behaviour):
    version = model_version_train(kind="popularity")
    assert "retrieval" not in version.config
    assert load_retrieval_index(version, load_model(version)) is None
