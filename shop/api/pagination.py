"""Page-number pagination for every API list: `?page=2&page_size=50`, capped so one request stays cheap."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from shop.listing_counts import ListingPaginator


class ShopPagination(PageNumberPagination):
    page_size = settings.REST_FRAMEWORK["PAGE_SIZE"]
    page_size_query_param = "page_size"
    max_page_size = 100


class BrandPagination(ShopPagination):
    # A filter screen wants every brand at once; brands grow slowly.
    page_size = 100
    max_page_size = 500


class ListingPagination(ShopPagination):
    """A page of a product listing, with the id of the list it was cut from (shop.listing)."""

    django_paginator_class = ListingPaginator  # a category's count is kept per catalogue version

    def get_listing_response(self, data, *, list_id: str) -> Response:
        response = self.get_paginated_response(data)
        response.data["list_id"] = list_id
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["list_id"] = {
            "type": "string",
            "example": "4f9c2a7b1d3e5f60",
            "description": "Send it with list_click events. A personalized order has a new id each time, "
            "logged with the page as an impression; other orders name the listing (category or search).",
        }
        paginated["required"] = [*paginated["required"], "list_id"]
        return paginated
