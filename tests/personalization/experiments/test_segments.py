"""Segments an experiment can target; the language ones follow the language the page is shown in."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from personalization.experiments.segments import SEGMENTS, segments_of


@pytest.mark.parametrize(("language", "segment"), [("en", "language_en"), ("zh-hans", "language_zh-hans")])
def test_the_page_language_is_a_segment(language, segment):
    # given
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    request.LANGUAGE_CODE = language
    # when
    segments = segments_of(request)
    # then
    assert segments == {"anonymous", segment}


def test_every_language_of_the_shop_is_a_segment(settings):
    assert {f"language_{code}" for code, _name in settings.LANGUAGES} <= set(SEGMENTS)
