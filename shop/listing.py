"""The order of a product listing, and who may change it: one flow for the site's pages and the API.

A listing (a category, search results) is shown in the catalogue's order unless a ranker is
configured, as authentication is chosen by AUTHENTICATION_BACKENDS:

    SHOP_LISTING_RANKER = "personalization.serving.listing.PersonalizedListingRanker"

The ranker orders the whole filtered listing before it is paginated, and hears which page of it
was shown, so it can log the impression that later clicks are attributed to. The store never
knows what a ranker does with either.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page
from django.core.signals import setting_changed
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.module_loading import import_string

DEFAULT_LISTING_RANKER = "shop.listing.ListingRanker"


@dataclass(frozen=True)
class RankedListing:
    """A whole listing in the order to show it, before pagination.

    `list_id` names this showing of the list: pages put it on their product links and the API
    returns it, so a click can be traced back to the list it came from.
    """

    products: Sequence  # of shop.Product: a queryset, or a sequence that fetches a page at a time
    list_id: str
    surface: str
    ranker: str = "catalogue"


class ListingRanker:
    """The catalogue's own order: ranks nothing, logs nothing. Subclass it to rank listings."""

    def rank(self, *, request: HttpRequest, products: QuerySet, surface: str) -> RankedListing:
        """Order `products` (filtered, in the catalogue's order) for this request; `surface` is category or search."""
        return RankedListing(products=products, list_id=surface, surface=surface)

    def listing_shown(self, *, request: HttpRequest, listing: RankedListing, shown: Sequence, offset: int) -> None:
        """`shown` is the page of `listing` the shopper got; `offset` the number of products before it."""


@functools.cache
def _ranker(path: str) -> ListingRanker:
    return import_string(path)()


def listing_ranker() -> ListingRanker:
    """The configured ranker, loaded once per process."""
    return _ranker(getattr(settings, "SHOP_LISTING_RANKER", DEFAULT_LISTING_RANKER))


@receiver(setting_changed, dispatch_uid="shop_listing_ranker_reload")
def _forget_ranker(sender, setting: str, **kwargs) -> None:
    if setting == "SHOP_LISTING_RANKER":
        _ranker.cache_clear()


@dataclass(frozen=True)
class ListingPage:
    page: Page  # its object_list is a list: the products shown, fetched once
    list_id: str


def ranked_page(
    *,
    request: HttpRequest,
    products: QuerySet,
    surface: str,
    paginate: Callable[[Sequence], Page],
    rank: bool = True,
) -> ListingPage:
    """One page of a listing, ranked by the configured ranker, which then hears what was shown.

    `rank=False` where the shopper chose an order (price, name...): the catalogue's order is kept.
    `paginate` turns the ordered listing into the requested page (the site's paginator or the API's).
    """
    ranker = listing_ranker() if rank else ListingRanker()
    listing = ranker.rank(request=request, products=products, surface=surface)
    page = paginate(listing.products)
    page.object_list = list(page.object_list)
    ranker.listing_shown(request=request, listing=listing, shown=page.object_list, offset=page.start_index() - 1)
    return ListingPage(page=page, list_id=listing.list_id)
