"""Beat task of search intents: relearn every query's intent from the recent searches and clicks."""

from celery import shared_task

from personalization.search.intents import search_intents_learn


@shared_task(name="personalization.search.learn_search_intents", ignore_result=True, acks_late=True)
def learn_search_intents() -> int:
    return search_intents_learn()
