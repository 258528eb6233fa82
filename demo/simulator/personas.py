"""The demo logins' own worlds: each of `shopper1`..`shopper5` has a stated taste and a history.

A persona is a simulated shopper whose taste is written down instead of drawn, and whose browser
signs in as the demo login before its first page. Its history is played through the real site
exactly as the simulator plays anyone's (`session.visit_play`: home, categories, searches, list
clicks, cart, cash-on-delivery checkout, the event endpoint), on the simulated clock over the
last `HISTORY_DAYS` days, and the shop delivers its orders two days on (`reviews.py`). Each visit
also opens a favourite category and the products liked best there. A persona that has not ordered
once by the end of its third visit, twice by its fifth, runs errands: it searches for its own words
and buys the result it likes best, through the same search page, cart and checkout.

Only logins without any order or event are played, so a second `prepare_demo` leaves them be.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote_plus

from django.contrib.auth import get_user_model
from django.utils import timezone

from demo.simulator import behaviour, reviews
from demo.simulator.clock import SimulatedClock, simulated_time
from demo.simulator.run import events_flush_all, seeded_visitor_ids, site_tuned_for_simulation
from demo.simulator.session import Browser, VisitResult, _check_out, _utilities, page_lists, visit_play
from demo.simulator.shoppers import Catalog, Shopper, Taste, catalog_load
from demo.store.loader import SHOPPER_PASSWORD

HISTORY_DAYS = 12
VISITS = 7
ERRAND_VISITS = {2: 1, 4: 2}  # visit number -> orders placed by its end
LOOKED_AT = 8  # cards of a page's lists a persona looks through
BROWSED = 3  # products opened one after another from a favourite category
# Far above the simulated population's indexes: a persona's browser gets an address of its own (10.3.13.x).
PERSONA_INDEX = 200_000
ERRANDS = 3  # search-and-buy trips in one visit at most


@dataclass(frozen=True)
class Persona:
    username: str
    taste: str  # what `prepare_demo` prints beside the login
    categories: dict[str, float]
    brands: dict[str, float]
    price_level: float  # 0 = the cheapest of a category, 1 = the dearest
    search: str  # what they type into the search box on an errand


PERSONAS: tuple[Persona, ...] = (
    Persona(
        "shopper1", "runner loyal to Aurora, mid-price",
        {"running": 1.0, "shoes": 0.9}, {"Aurora": 1.0}, 0.55, "aurora",
    ),
    Persona(
        "shopper2", "photographer: Lumora and Optivue cameras, tripods, memory cards, high-end",
        {"cameras": 1.0, "tripods": 0.7, "memory-cards": 0.6}, {"Lumora": 1.0, "Optivue": 0.8}, 0.85, "camera",
    ),
    Persona(
        "shopper3", "home cook on a budget: Copperpot cookware and cookbooks",
        {"kitchen": 1.0, "cookbooks": 0.8}, {"Copperpot": 1.0, "Lantern House": 0.8}, 0.2, "copperpot",
    ),
    Persona(
        "shopper4", "cyclist: Velotrek bikes and helmets, high-end",
        {"bikes": 1.0, "helmets": 0.8}, {"Velotrek": 1.0}, 0.8, "velotrek",
    ),
    Persona(
        "shopper5", "reader who travels: novels and travel guides, cheap editions",
        {"fiction": 1.0, "travel-guides": 0.8}, {"Saltmarsh Press": 1.0, "Northwind Books": 0.7}, 0.25, "travel guide",
    ),
)  # fmt: skip
PERSONAS_BY_USERNAME = {persona.username: persona for persona in PERSONAS}


@dataclass
class PersonaHistory:
    persona: Persona
    played: bool  # False: the login had a history already and was left alone
    visits: int = 0
    product_views: int = 0
    searches: int = 0
    orders: list[str] = field(default_factory=list)

    def line(self) -> str:
        if not self.played:
            return f"{self.persona.username:<10} {self.persona.taste} (history kept from an earlier run)"
        return (
            f"{self.persona.username:<10} {self.persona.taste}: {self.visits} visits, "
            f"{self.product_views} product views, {self.searches} searches, {len(self.orders)} orders"
        )


def persona_shopper(persona: Persona, *, index: int, catalog: Catalog) -> Shopper:
    """The persona as the simulator's shopper: its stated taste, needing its favourite categories now."""
    categories = {slug: affinity for slug, affinity in persona.categories.items() if slug in catalog.brands_by_category}
    if not categories:
        raise ValueError(f"The shop sells none of {persona.username}'s categories; load the demo store first.")
    taste = Taste(
        categories=categories,
        brands=dict(persona.brands),
        price_level=persona.price_level,
        needs=dict(categories),
    )
    seed = random.Random(f"persona:{persona.username}").getrandbits(64)
    return Shopper(index=index, kind="loyal", seed=seed, taste=taste, visits=[], signs_up=False)


def _visit_times(*, rng: random.Random, now: datetime) -> list[datetime]:
    """VISITS moments over the last HISTORY_DAYS days (none in the last one), daytime, oldest first."""
    days = sorted(rng.sample(range(2, HISTORY_DAYS + 1), VISITS), reverse=True)
    return [(now - timedelta(days=day)).replace(hour=rng.randint(9, 20), minute=rng.randint(0, 59)) for day in days]


def _sign_in(browser: Browser, username: str) -> None:
    response = browser.client.post("/account/login/", {"username": username, "password": SHOPPER_PASSWORD})
    user = response.wsgi_request.user
    if response.status_code != 302 or not user.is_authenticated:
        raise ValueError(f"The demo login {username} cannot sign in with the demo password; was it changed?")
    browser.user_id = user.pk
    browser.username = username


def _open_best(
    browser: Browser, html: str, path: str, result: VisitResult, *, seen: Container[int] = frozenset()
) -> behaviour.Card | None:
    """Look through the page's lists as the tracking script reports it, and open the card liked best, unseen."""
    cards = [card for _, cards in page_lists(html) for card in cards][:LOOKED_AT]
    candidates = [card for card in cards if card.product_id not in seen]
    if not candidates:
        return None
    utilities = _utilities(browser, candidates)
    best = candidates[max(range(len(candidates)), key=lambda i: utilities[i])]
    events = [browser._event("list_impression", card, path) for card in cards]
    browser.send_events([*events, browser._event("list_click", best, path)])
    result.impressions += len(cards)
    result.clicks += 1
    page = browser.get(best.href)
    result.pages += 1
    result.product_views += 1
    return best if page.status_code == 200 else None


def _browse(browser: Browser, persona: Persona, result: VisitResult) -> None:
    """A favourite category's page, then the products liked best there, one after another."""
    category = browser.rng.choice(sorted(browser.shopper.taste.categories))
    path, seen = f"/c/{category}/", set()
    for _ in range(BROWSED):
        response = browser.get(path)
        result.pages += 1
        if response.status_code != 200:
            return
        chosen = _open_best(browser, response.content.decode(), path, result, seen=seen)
        if chosen is None:
            return
        seen.add(chosen.product_id)


def _errand(browser: Browser, persona: Persona, result: VisitResult) -> None:
    """Search for the persona's words, open the result they like best, put it in the cart and check out."""
    path = f"/search/?q={quote_plus(persona.search)}"
    response = browser.get(path)
    result.pages += 1
    result.searches += 1
    best = _open_best(browser, response.content.decode(), "/search/", result) if response.status_code == 200 else None
    if best is None:
        return
    added = browser.client.post("/cart/add/", {"product_id": best.product_id, "quantity": 1})
    if added.status_code == 302:
        result.added_to_cart += 1
        browser.cart_size += 1
        _check_out(browser, result)


def persona_history_play(
    persona: Persona, *, index: int, catalog: Catalog, now: datetime, clock: SimulatedClock
) -> PersonaHistory:
    """Sign in as the persona and play its visits (with errands, see ERRAND_VISITS); deliver what is due."""
    shopper = persona_shopper(persona, index=index, catalog=catalog)
    browser = Browser(shopper, catalog=catalog, clock=clock)
    rng = random.Random(f"persona:{persona.username}:days")
    history = PersonaHistory(persona=persona, played=True)
    moments = _visit_times(rng=rng, now=now)
    clock.set(moments[0])
    # Signed in outside the simulation's quick password hasher, so the login keeps its real hash.
    _sign_in(browser, persona.username)
    results = []
    with site_tuned_for_simulation():
        for number, moment in enumerate(moments):
            clock.set(max(moment, clock.now()))
            result = visit_play(browser)
            _browse(browser, persona, result)
            # By these visits the persona has ordered once, then twice; if not, it goes shopping on purpose.
            wanted = ERRAND_VISITS.get(number, 0)
            for _ in range(ERRANDS):
                if sum(len(r.orders) for r in (*results, result)) >= wanted:
                    break
                _errand(browser, persona, result)
            results.append(result)
        clock.set(max(now, clock.now()))
        reviews.deliveries_and_reviews(browser)
    history.visits = len(results)
    history.product_views = sum(r.product_views for r in results)
    history.searches = sum(r.searches for r in results)
    history.orders = [number for r in results for number in r.orders]
    return history


def _has_history(username: str) -> bool:
    from personalization.tracking.models import Event
    from shop.models import Order

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise ValueError(f"The demo login {username} does not exist; run load_demo_store first.")
    return Order.objects.filter(user=user).exists() or Event.objects.filter(user_id=user.pk).exists()


def personas_play(
    *,
    seed: int = 42,
    now: datetime | None = None,
    usernames: Iterable[str] | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> list[PersonaHistory]:
    """Give every demo login (or those named) without a history its own; one `PersonaHistory` per login."""
    chosen = [PERSONAS_BY_USERNAME.get(name) for name in usernames] if usernames is not None else list(PERSONAS)
    if None in chosen:
        unknown = sorted(set(usernames or ()) - set(PERSONAS_BY_USERNAME))
        raise ValueError(f"No demo persona is called {', '.join(unknown)}; they are {', '.join(PERSONAS_BY_USERNAME)}.")
    now = now or timezone.now()
    catalog = catalog_load()
    if not catalog.items:
        raise ValueError("The shop has no active products; load the demo store first (load_demo_store).")
    waiting = [persona for persona in chosen if not _has_history(persona.username)]
    histories = {p.username: PersonaHistory(persona=p, played=False) for p in chosen if p not in waiting}
    clock = SimulatedClock(now - timedelta(days=HISTORY_DAYS + 1))
    visitor_ids = random.Random(f"{seed}:persona-visitor-ids")
    with simulated_time(clock), seeded_visitor_ids(visitor_ids):
        for persona in waiting:
            histories[persona.username] = persona_history_play(
                persona, index=PERSONA_INDEX + PERSONAS.index(persona), catalog=catalog, now=now, clock=clock
            )
            say(histories[persona.username].line())
    events_flush_all()
    return [histories[persona.username] for persona in chosen]


def persona_arm(username: str, *, experiment_key: str) -> str | None:
    """The variant of the experiment that the login was exposed to (None: not in it, or no such experiment)."""
    from personalization.experiments.models import Exposure

    user_ids = get_user_model().objects.filter(username=username).values("pk")
    exposures = Exposure.objects.filter(experiment__key=experiment_key, user_id__in=user_ids)
    return exposures.values_list("variant__key", flat=True).first()
