"""Beat task of the shop: the search vocabulary's word counts, recounted from the stored documents each night."""

from celery import shared_task

from shop.search.services import search_words_recount


@shared_task(name="shop.search_words_recount", ignore_result=True, acks_late=True)
def recount_search_words() -> int:
    return search_words_recount()
