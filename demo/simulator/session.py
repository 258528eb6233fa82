"""One simulated visit, driven through the real site with Django's test client.

Every request goes through the real URLs, middleware, templates, cart, vouchers and
checkout. The rendered HTML is read with a few regular expressions over the data
attributes the tracking script reads (`data-list-id`, `data-product-id`,
`data-position`), and the events the script would send (list impressions and clicks)
are posted to the real event endpoint. Sponsored cards (`data-ad-impression`) are clicked
through their own click link, and a coupon code shown on the cart page (`data-offer-code`)
is typed into the voucher form. One `Browser` per shopper keeps its cookies,
so a returning shopper is the same visitor (and, once signed up, the same user).
"""

from __future__ import annotations

import random
import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import quote_plus

from django.test import Client

from demo.simulator import behaviour, reviews
from demo.simulator.clock import SimulatedClock
from demo.simulator.shoppers import Catalog, Shopper

USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
)
EVENTS_URL = "/api/v1/events"
LIST_RE = re.compile(r'data-list-id="([^"]+)"')
CARD_RE = re.compile(r'data-product-id="(\d+)" data-position="(\d+)">\s*<a class="product-card__link" href="([^"]+)"')
INPUT_RE = re.compile(r"<input\b[^>]*>")
ATTRIBUTE_RE = re.compile(r'([\w-]+)(?:="([^"]*)")?')
VOUCHER_RE = re.compile(r'data-(?:voucher|coupon|offer)-code="([^"]+)"')
AD_SLOT_RE = re.compile(r'data-ad-slot="([^"]+)"')
SPONSORED_RE = re.compile(
    r'data-ad-impression="[0-9a-f]+" data-ad-product="(\d+)" data-position="(\d+)">\s*'
    r'<a class="product-card__link" href="([^"]+)"'
)
PRODUCT_PATH_RE = re.compile(r"^/p/([^/]+)/$")
ORDER_PATH_RE = re.compile(r"^/checkout/done/([^/]+)/$")
# The product page's schema.org data, where a shopper reads the average and the count the page shows.
AGGREGATE_RATING_RE = re.compile(r'"AggregateRating", "ratingValue": ([0-9.]+), "reviewCount": (\d+)')
EAGERNESS = {"loyal": 0.9, "one_time": 0.75, "browser": 0.0}
# Shoppers skip a row labelled "Sponsored" most of the time (banner blindness): without this, a row
# that comes first on the page, from the page's own shelf, drew a click on over a third of its cards.
SPONSORED_ATTENTION = 0.3


@dataclass
class VisitResult:
    pages: int = 0
    product_views: int = 0
    searches: int = 0
    clicks: int = 0
    impressions: int = 0
    added_to_cart: int = 0
    orders: list[str] = field(default_factory=list)
    vouchers_applied: int = 0
    signed_up: bool = False
    ad_impressions: int = 0  # sponsored cards on the pages seen (the ads app logs them as it renders them)
    ad_clicks: int = 0
    reviews: int = 0  # written at the end of the visit, of orders delivered since (see reviews.py)


def page_lists(html: str) -> list[tuple[str, list[behaviour.Card]]]:
    """The product lists of a page in page order, each with its cards (lists never nest)."""
    starts = [(match.start(), match.group(1)) for match in LIST_RE.finditer(html)]
    lists: dict[str, list[behaviour.Card]] = {}
    for match in CARD_RE.finditer(html):
        owner = None
        for start, list_id in starts:
            if start > match.start():
                break
            owner = list_id
        if owner is None:
            continue
        card = behaviour.Card(owner, int(match.group(1)), int(match.group(2)), match.group(3))
        lists.setdefault(owner, []).append(card)
    return list(lists.items())


def page_ads(html: str) -> list[behaviour.Card]:
    """The sponsored cards of a page in page order; a card's list is its ad slot, its link the click link."""
    starts = [(match.start(), match.group(1)) for match in AD_SLOT_RE.finditer(html)]
    cards = []
    for match in SPONSORED_RE.finditer(html):
        slot = next((name for start, name in reversed(starts) if start < match.start()), "")
        cards.append(behaviour.Card(slot, int(match.group(1)), int(match.group(2)), match.group(3)))
    return cards


def form_inputs(html: str) -> dict[str, str]:
    """name -> value of a page's inputs; for radios, the checked one (as a browser would submit)."""
    values: dict[str, str] = {}
    for tag in INPUT_RE.findall(html):
        attributes = {name: value for name, value in ATTRIBUTE_RE.findall(tag[6:])}
        name = attributes.get("name")
        if not name:
            continue
        if attributes.get("type") in {"radio", "checkbox"}:
            if "checked" in attributes:
                values[name] = attributes.get("value", "on")
            continue
        values.setdefault(name, attributes.get("value", ""))
    return values


class Browser:
    """A shopper's browser: cookies, a random stream, and the pages it has open."""

    def __init__(self, shopper: Shopper, *, catalog: Catalog, clock: SimulatedClock) -> None:
        self.shopper = shopper
        self.catalog = catalog
        self.clock = clock
        self.rng = random.Random(shopper.seed)
        address = f"10.{shopper.index // 65536 % 256}.{shopper.index // 256 % 256}.{shopper.index % 256}"
        self.client = Client(HTTP_USER_AGENT=self.rng.choice(USER_AGENTS), REMOTE_ADDR=address)
        self.username = f"sim{shopper.seed % 10**10}"
        self.cart_size = 0
        self.user_id: int | None = None
        self.awaiting: list[tuple[datetime, str]] = []  # orders placed, not yet delivered: (when, number)
        # When the shopper will answer the shop's e-mail about each order (reviews.review_request_answer).
        self.review_requests: list[tuple[datetime, str]] = []
        self.review_rng = random.Random(f"{shopper.seed}:reviews")  # apart, so reviews leave the visits as they were

    def __getstate__(self) -> dict:
        """For a worker process to hand the browser back: its cookies travel, the test client and catalogue do not."""
        state = self.__dict__.copy()
        client = state.pop("client")
        state.update(cookies=client.cookies, client_defaults=client.defaults, catalog=None, clock=None)
        return state

    def __setstate__(self, state: dict) -> None:
        """The receiving simulation sets ``catalog`` and ``clock`` again."""
        cookies, defaults = state.pop("cookies"), state.pop("client_defaults")
        self.__dict__.update(state)
        self.client = Client(**defaults)
        self.client.cookies = cookies

    @property
    def visitor_id(self) -> str:
        from personalization.tracking.identity import VISITOR_COOKIE, visitor_id_from_header

        cookie = self.client.cookies.get(VISITOR_COOKIE)
        return (visitor_id_from_header(cookie.value) or "") if cookie is not None else ""

    def _event(self, type: str, card: behaviour.Card, path: str) -> dict:
        return {
            "uuid": str(uuid.UUID(int=self.rng.getrandbits(128), version=4)),
            "type": type,
            "timestamp": self.clock.now().isoformat(),
            "product": card.product_id,
            "path": path,
            "context": {"list_id": card.list_id, "position": card.position},
        }

    def send_events(self, events: list[dict]) -> None:
        if events:
            self.client.post(EVENTS_URL, {"events": events[:100]}, content_type="application/json")

    def get(self, path: str):
        response = self.client.get(path, follow=True)
        self.clock.advance(self.rng.uniform(8, 50))
        return response


def _utilities(browser: Browser, cards: list[behaviour.Card]) -> list[float]:
    items = browser.catalog.items
    taste, seed = browser.shopper.taste, browser.shopper.seed
    return [behaviour.utility(taste, items[c.product_id], seed=seed) if c.product_id in items else -5.0 for c in cards]


def _look_at_lists(browser: Browser, html: str, path: str, result: VisitResult) -> behaviour.Card | None:
    """Scroll through the page's lists (impressions of what came into view), maybe click one card."""
    events, chosen = [], None
    for _, cards in page_lists(html):
        depth = browser.rng.randint(4, 8)
        shown = cards[:depth]
        events.extend(browser._event("list_impression", card, path) for card in shown)
        if chosen is None:
            chosen = behaviour.click_choice(browser.rng, shown, _utilities(browser, shown), depth=depth)
    result.impressions += len(events)
    if chosen is not None:
        events.append(browser._event("list_click", chosen, path))
        result.clicks += 1
    browser.send_events(events)
    return chosen


def _look_at_ads(browser: Browser, html: str, result: VisitResult) -> behaviour.Card | None:
    """The sponsored row comes first on the page: maybe click one; the card then leads to its product page.

    Nothing is posted: the ads app logs impressions as it renders them. The click goes through the card's
    click link, whose redirect the ads app charges, as a browser's would; the product page is the next page.
    """
    cards = page_ads(html)
    if not cards:
        return None
    result.ad_impressions += len(cards)
    if browser.rng.random() >= SPONSORED_ATTENTION:
        return None
    chosen = behaviour.click_choice(browser.rng, cards, _utilities(browser, cards), depth=len(cards))
    if chosen is None:
        return None
    response = browser.client.get(chosen.href)
    if response.status_code != 302:
        return None
    result.ad_clicks += 1
    return replace(chosen, href=response["Location"])


def _navigate(browser: Browser) -> str | None:
    """No card caught the eye: go to a category the shopper needs or likes, search for it, or leave."""
    rng, taste = browser.rng, browser.shopper.taste
    roll = rng.random()
    category = taste.top_need() if rng.random() < 0.7 else rng.choice(sorted(taste.categories))
    if roll < 0.3:
        return f"/c/{category}/"
    if roll < 0.4:
        name = browser.catalog.category_names.get(category, category).split()[0].lower()
        return f"/search/?q={quote_plus(name)}"
    if roll < 0.5:
        return "/"
    return None


def _password(browser: Browser) -> str:
    return f"Sim-{browser.shopper.seed:x}-pass"


def sign_in(browser: Browser) -> bool:
    """A shopper with an account whose session has ended signs in again through the login form."""
    response = browser.client.post("/account/login/", {"username": browser.username, "password": _password(browser)})
    return response.status_code == 302 and response.wsgi_request.user.is_authenticated


def _sign_up(browser: Browser, result: VisitResult) -> None:
    page = browser.client.get("/account/signup/")
    if page.status_code != 200:
        return
    password = _password(browser)
    response = browser.client.post(
        "/account/signup/",
        {
            "username": browser.username,
            "email": f"{browser.username}@example.com",
            "password1": password,
            "password2": password,
        },
    )
    if response.status_code != 302:  # the account exists from an earlier run: sign in instead
        response = browser.client.post("/account/login/", {"username": browser.username, "password": password})
    user = response.wsgi_request.user
    if response.status_code == 302 and user.is_authenticated:
        browser.user_id = user.pk
        result.signed_up = True


def _maybe_apply_voucher(browser: Browser, html: str, result: VisitResult) -> None:
    """Shoppers who see a coupon code on the page sometimes type it in; counted when the cart then lists it."""
    codes = [code for code in VOUCHER_RE.findall(html) if f'data-voucher="{code}"' not in html]
    if codes and browser.rng.random() < 0.5:
        response = browser.client.post("/cart/voucher/", {"code": codes[0]}, follow=True)
        if f'data-voucher="{codes[0]}"' in response.content.decode():
            result.vouchers_applied += 1


def _check_out(browser: Browser, result: VisitResult) -> bool:
    """Cash on delivery through the real checkout form (hidden idempotency key and expected total)."""
    shopper = browser.shopper
    if shopper.signs_up and browser.user_id is None:
        _sign_up(browser, result)
    cart = browser.get("/cart/")
    _maybe_apply_voucher(browser, cart.content.decode(), result)
    page = browser.get("/checkout/")
    if page.status_code != 200 or "idempotency_key" not in page.content.decode():
        return False
    form = form_inputs(page.content.decode())
    form.pop("q", None)
    form.update(
        email=form.get("email") or f"{browser.username}@example.com",
        name=form.get("name") or f"Shopper {shopper.index}",
        line1=form.get("line1") or f"{shopper.index + 1} Simulation Street",
        city=form.get("city") or "Springfield",
        postcode=form.get("postcode") or f"{10000 + shopper.index % 89999}",
        country=form.get("country") or "US",
        payment_method="cod",
    )
    response = browser.client.post("/checkout/", form, follow=True)
    browser.clock.advance(browser.rng.uniform(30, 120))
    for url, _ in response.redirect_chain:
        match = ORDER_PATH_RE.match(url)
        if match:
            result.orders.append(match.group(1))
            browser.awaiting.append((browser.clock.now(), match.group(1)))
            browser.cart_size = 0
            return True
    return False


def product_page_rating(html: str) -> tuple[float | None, int]:
    """The average stars and the number of reviews a product page shows; (None, 0) when it has none."""
    match = AGGREGATE_RATING_RE.search(html)
    return (float(match.group(1)), int(match.group(2))) if match else (None, 0)


def _on_product_page(browser: Browser, product_id: int, result: VisitResult, *, html: str = "") -> bool:
    """Maybe put it in the cart (and maybe check out right away); True when an order was placed.

    The shopper wants it as much as their taste says, less when the page shows a low average from several
    reviews (`behaviour.stars_effect`)."""
    shopper, rng = browser.shopper, browser.rng
    item = browser.catalog.items.get(product_id)
    if item is None or not shopper.buys:
        return False
    value = behaviour.utility(shopper.taste, item, seed=shopper.seed)
    chance = behaviour.buy_probability(value, eagerness=EAGERNESS[shopper.kind])
    if rng.random() >= chance * behaviour.stars_effect(*product_page_rating(html)):
        return False
    response = browser.client.post("/cart/add/", {"product_id": product_id, "quantity": 1})
    if response.status_code != 302 or response["Location"] != "/cart/":
        return False
    result.added_to_cart += 1
    browser.cart_size += 1
    shopper.taste.bought(item.category)  # in the cart, the need is met; its complements come next
    if rng.random() < 0.7:
        return _check_out(browser, result)
    return False


def visit_play(browser: Browser) -> VisitResult:
    """One visit of 3 to 8 pages: land, look at the lists, click, maybe buy, leave."""
    rng, shopper, result = browser.rng, browser.shopper, VisitResult()
    roll = rng.random()
    if roll < 0.75:
        path: str | None = "/"
    elif roll < 0.9:
        path = f"/c/{shopper.taste.top_need()}/"
    else:
        name = browser.catalog.category_names.get(shopper.taste.top_need(), "").split()[0:1]
        path = f"/search/?q={quote_plus(name[0].lower() if name else 'gift')}"
    pages = rng.randint(3, 8)
    while path is not None and result.pages < pages:
        response = browser.get(path)
        result.pages += 1
        if response.status_code != 200:
            path = _navigate(browser)
            continue
        html = response.content.decode()
        current = response.request["PATH_INFO"]
        product = PRODUCT_PATH_RE.match(current)
        if product is not None:
            result.product_views += 1
            product_id = browser.catalog.by_slug.get(product.group(1))
            if product_id is not None and _on_product_page(browser, product_id, result, html=html):
                if rng.random() < 0.7:
                    break
                path = "/"
                continue
        elif current.startswith("/search/"):
            result.searches += 1
        chosen = _look_at_ads(browser, html, result) or _look_at_lists(browser, html, current, result)
        path = chosen.href if chosen is not None else _navigate(browser)
    if browser.cart_size and shopper.buys and rng.random() < 0.4:
        _check_out(browser, result)
    result.reviews = reviews.deliveries_and_reviews(browser)
    return result
