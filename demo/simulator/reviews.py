"""After the parcel arrives: the shop delivers a shopper's orders, and some shoppers review what they received.

Orders are cash on delivery and nobody works the admin during a run, so the shop's part is played
here, as staff would play it: an order is paid at the door, shipped and delivered (through the order
service) `DELIVERY_DAYS` after it was placed. A few hours to days later (`REVIEW_DELAY_DAYS`) the
buyer answers the shop's "How was your order?" e-mail (`review_request_answer`, at that simulated
moment, whether or not they ever visit again); a buyer who comes back before then finds the order
delivered at the end of that visit instead. A signed-in buyer (signing in again if their session has
ended) reviews each product of a delivered order with a chance of `REVIEW_SHARE`, through the real
site: the order page's review link, the review form, its POST. The
stars follow the hidden taste (`behaviour.review_rating`); the words are phrases for those stars in
the page's language. The share is far above a real shop's (a few buyers in ten, at best): the demo
has a few hundred shoppers and needs its products reviewed, and the models their ratings.

All of it draws from the browser's own review stream and runs after the visit's pages: the visit
itself, its random draws and its clock are the same as without reviews.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from demo.simulator import behaviour
from shop.exceptions import IllegalTransition
from shop.models import Order
from shop.services.orders import order_transition

if TYPE_CHECKING:  # session imports this module: the type alone, no import cycle at run time
    from demo.simulator.run import Simulation
    from demo.simulator.session import Browser

DELIVERY_DAYS = 2.0
REVIEW_DELAY_DAYS = (0.25, 4.0)  # from delivery to answering the shop's e-mail, uniform
REVIEW_SHARE = 0.7  # of the products of a delivered order, for a signed-in buyer
TO_DELIVERED = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)
REVIEW_LINK_RE = re.compile(r'href="((?:/[a-z-]+)?/p/([^/"]+)/review/)"')
LANGUAGE_RE = re.compile(r'<html lang="([^"]+)"')

TITLES = {
    "en": {
        5: ("Excellent", "Exactly what I wanted", "Love it"),
        4: ("Very good", "Happy with it", "Good buy"),
        3: ("It's okay", "Does the job", "Average"),
        2: ("Disappointing", "Not for me", "Expected more"),
        1: ("Poor", "Would not buy again", "Not as described"),
    },
    "zh-hans": {
        5: ("非常满意", "正是我想要的", "太喜欢了"),
        4: ("很不错", "挺满意的", "值得购买"),
        3: ("一般", "还可以", "中规中矩"),
        2: ("有点失望", "不太适合我", "没有期待的好"),
        1: ("很差", "不会再买", "与描述不符"),
    },
}
SENTENCES = {
    "en": {
        5: ("Great quality for the price.", "Arrived quickly and works perfectly.", "I would buy it again."),
        4: ("Good quality overall.", "Does what it says.", "A small flaw, but I am pleased."),
        3: ("Fine for everyday use.", "Nothing special, nothing wrong.", "The price is about right."),
        2: ("The quality could be better.", "It feels cheaper than it looks.", "Not quite what I hoped for."),
        1: ("It did not meet my expectations.", "The quality is poor.", "I regret this purchase."),
    },
    "zh-hans": {
        5: ("质量很好，物超所值。", "发货很快，用起来很顺手。", "还会再买。"),
        4: ("整体质量不错。", "和描述的一样。", "有个小瑕疵，但总体满意。"),
        3: ("日常用够了。", "没什么特别的，也没什么问题。", "价格还算合理。"),
        2: ("质量可以更好。", "做工比图片看起来差。", "和我想的不太一样。"),
        1: ("完全没达到预期。", "质量很差。", "后悔买了。"),
    },
}


def order_deliver(number: str) -> bool:
    """Paid at the door, shipped, delivered: the staff's steps; False if the order went elsewhere (cancelled)."""
    try:
        order = Order.objects.get(number=number)
    except Order.DoesNotExist:
        return False
    steps = TO_DELIVERED[TO_DELIVERED.index(order.status) + 1 :] if order.status in TO_DELIVERED else TO_DELIVERED
    try:
        for status in steps:
            order = order_transition(order=order, to_status=status)
    except IllegalTransition:
        return False
    return order.status == Order.Status.DELIVERED


def review_text(*, stars: int, language: str, rng) -> tuple[str, str]:
    """A title and a two-sentence body for these stars, in this language (English when it has no phrases)."""
    titles, sentences = TITLES.get(language, TITLES["en"]), SENTENCES.get(language, SENTENCES["en"])
    separator = "" if language.startswith("zh") else " "
    return rng.choice(titles[stars]), separator.join(rng.sample(sentences[stars], 2))


def _order_page(browser: Browser, number: str):
    """The order's page; a buyer whose session has ended is sent to the login form, signs in, and goes back."""
    from demo.simulator.session import sign_in

    path = f"/account/orders/{number}/"
    page = browser.client.get(path, follow=True)
    if page.redirect_chain and "/account/login/" in page.redirect_chain[-1][0] and sign_in(browser):
        page = browser.client.get(path, follow=True)
    return page


def _review_order(browser: Browser, number: str) -> int:
    """From the order page to the review form of each of its products, with a chance of `REVIEW_SHARE` each;
    returns the reviews the site took."""
    page = _order_page(browser, number)
    links = REVIEW_LINK_RE.findall(page.content.decode()) if page.status_code == 200 else []
    written = 0
    for href, slug in dict.fromkeys(links):
        if browser.review_rng.random() < REVIEW_SHARE:
            written += int(_review(browser, href, slug))
    return written


def _review(browser: Browser, href: str, slug: str) -> bool:
    """The review form of one product, filled in and sent; True when the site took the review."""
    rng, client = browser.review_rng, browser.client
    item = browser.catalog.items.get(browser.catalog.by_slug.get(slug, -1))
    form = client.get(href)
    if item is None or form.status_code != 200:
        return False
    language = LANGUAGE_RE.search(form.content.decode())
    stars = behaviour.review_rating(browser.shopper.taste, item, rng=rng, seed=browser.shopper.seed)
    title, body = review_text(stars=stars, language=language.group(1) if language else "en", rng=rng)
    browser.clock.advance(rng.uniform(40, 180))
    response = client.post(href, {"rating": stars, "title": title, "body": body})
    return response.status_code == 302


def review_request_time(browser: Browser, ordered_at: datetime) -> datetime:
    """When the buyer of an order placed at `ordered_at` answers the shop's e-mail sent on delivery."""
    return ordered_at + timedelta(days=DELIVERY_DAYS + browser.review_rng.uniform(*REVIEW_DELAY_DAYS))


def review_request_answer(browser: Browser, number: str) -> int:
    """The order is delivered (if a visit has not seen to it already) and its signed-in buyer follows the
    e-mail's link to the order's page and reviews; a guest only receives the parcel. Returns reviews written."""
    if all(awaited != number for _, awaited in browser.awaiting):
        return 0
    browser.awaiting = [(placed, awaited) for placed, awaited in browser.awaiting if awaited != number]
    if not order_deliver(number) or browser.user_id is None:
        return 0
    return _review_order(browser, number)


def deliveries_and_reviews(browser: Browser) -> int:
    """Delivers the shopper's orders that are due; maybe reviews their products. Returns reviews written."""
    due_before = browser.clock.now() - timedelta(days=DELIVERY_DAYS)
    due = [number for placed, number in browser.awaiting if placed <= due_before]
    if not due:
        return 0
    browser.awaiting = [(placed, number) for placed, number in browser.awaiting if placed > due_before]
    written = 0
    for number in due:
        if order_deliver(number) and browser.user_id is not None:
            written += _review_order(browser, number)
    return written


def deliveries_at_the_end(simulation: Simulation) -> int:
    """At the simulation's last moment, the parcels that have arrived since each shopper's last visit are
    delivered, and their signed-in buyers review them as after a visit. Returns reviews written.

    Without it a buyer who never came back would never review; it runs after every visit (and any
    experiment's figures), on the browsers' own review streams.
    """
    from demo.simulator.clock import simulated_time
    from demo.simulator.run import site_tuned_for_simulation

    written = 0
    simulation.clock.set(max(simulation.clock.now(), simulation.end))
    with site_tuned_for_simulation(), simulated_time(simulation.clock):
        for _index, browser in sorted(simulation.browsers.items()):
            written += deliveries_and_reviews(browser)
    return written
