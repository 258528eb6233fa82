"""The suite's own isolation: what every test may count on, whatever ran before it."""

import pytest

from shop.models import ShippingMethod
from shop.search.default_synonyms import DEFAULT_SYNONYMS
from shop.search.models import SearchSynonym


@pytest.mark.django_db(transaction=True)
def test_a_first_transactional_test_sees_the_migrations_synonyms():
    # (and, as every transactional test, flushes the database when it ends)
    assert SearchSynonym.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_after_a_flush_starts_with_the_rows_the_migrations_wrote():
    # given the test above flushed the database (transactional tests run in file order)
    # then the synonyms and shipping methods the data migrations wrote are back, once each
    synonyms = list(SearchSynonym.objects.values_list("terms", flat=True))
    assert sorted(synonyms) == sorted(DEFAULT_SYNONYMS), "the data migration's synonyms, each once"
    assert set(ShippingMethod.objects.values_list("code", flat=True)) == {"standard", "express", "pickup"}
