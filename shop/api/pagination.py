"""Page-number pagination for every API list: `?page=2&page_size=50`, capped so one request stays cheap."""

from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class ShopPagination(PageNumberPagination):
    page_size = settings.REST_FRAMEWORK["PAGE_SIZE"]
    page_size_query_param = "page_size"
    max_page_size = 100


class BrandPagination(ShopPagination):
    # A filter screen wants every brand at once; brands grow slowly.
    page_size = 100
    max_page_size = 500
