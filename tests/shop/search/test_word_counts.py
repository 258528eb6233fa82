"""The search vocabulary's word counts: saves add new words, the nightly recount brings known ones up to date."""

from __future__ import annotations

import pytest

from celery_app import app as celery_app
from shop.search.models import SearchWord
from shop.search.services import search_index_rebuild, search_words_recount
from shop.tasks import recount_search_words
from tests.factories import make_category, make_product

pytestmark = pytest.mark.django_db


def vocabulary() -> dict[str, tuple[int, dict, int]]:
    return {w.word: (w.product_count, w.categories, w.attribute_count) for w in SearchWord.objects.all()}


def test_saves_leave_a_known_words_count_and_the_recount_brings_it_up_to_date():
    # given a rebuilt index with two lanterns
    lighting = make_category(name="Lighting", slug="lighting")
    first = [make_product(name=f"Lantern {n}", category=lighting) for n in range(2)]
    search_index_rebuild()
    assert SearchWord.objects.get(word="lantern").product_count == 2
    # when three more are saved and one of the first is deleted
    for n in range(3):
        make_product(name=f"Lantern {n + 2}", category=lighting)
    first[0].delete()
    # then the saves left the count as it was (the catalogue grew, the word looks as rare as before)
    assert SearchWord.objects.get(word="lantern").product_count == 2
    # and the recount sets it, per category too
    search_words_recount()
    lantern = SearchWord.objects.get(word="lantern")
    assert lantern.product_count == 4 and lantern.categories == {str(lighting.pk): 4}


def test_the_recount_gives_the_vocabulary_a_full_rebuild_would():
    # given a catalogue changed by saves since the last rebuild
    lighting = make_category(name="Lighting", slug="lighting")
    make_product(name="Paper Lantern", category=lighting, description="Warm light for a garden.")
    search_index_rebuild()
    make_product(name="Brass Lantern", category=lighting, attributes={"material": "brass"})
    make_product(name="Camping Stove", description="Pairs with a lantern.")
    # when
    words = search_words_recount()
    recounted = vocabulary()
    search_index_rebuild()
    # then
    assert recounted == vocabulary() and words == len(recounted)


def test_beat_recounts_the_words_every_night():
    entries = [entry["task"] for entry in celery_app.conf.beat_schedule.values()]
    assert "shop.search_words_recount" in entries
    assert celery_app.tasks["shop.search_words_recount"].name == recount_search_words.name
