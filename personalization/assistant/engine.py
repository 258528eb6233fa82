"""The offline engine: one turn of a conversation, from the shopper's words to a reply built only from tools.

Understanding is the intent model plus the slot extractor; the conversation's `state` carries the last
search's constraints, the products shown and an action waiting for a yes. Every fact in a reply (a product,
a price, an order status, a policy) is read from a tool in this turn; the wording around it is fixed text.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from personalization.assistant import tools
from personalization.assistant.constraints import Constraints
from personalization.assistant.faq import faq_answer
from personalization.assistant.intents import IntentGuess, IntentModel, masked
from personalization.assistant.lexicon import Lexicon, lexicon
from personalization.assistant.models import IntentModelVersion
from personalization.assistant.slots import Slots, extract
from personalization.assistant.training import CHAMPION_CACHE_KEY, weights_in_memory
from shop.api.serializers import CUSTOMER_CANCELLABLE
from shop.exceptions import IllegalTransition
from shop.models import Order, Product
from shop.services.orders import order_transition
from shop.templatetags.shop_tags import money

# Below this the model's guess is not trusted: the shopper is asked, with choices.
CONFIDENT = 0.5
# A reply to a pending action starts with its yes or no ("yes, go ahead", "no, keep it", "不用了").
_YES = re.compile(
    r"^(?:(?:yes|yeah|yep|confirm|go ahead|do it)\b.*|(?:y|ok|okay|sure|please do)\W*|"
    r"(?:是|是的|好|好的|确认|确定|对|可以|行|嗯|嗯嗯|没问题)[的啊呀吧。！!，,\s]*)$"
)  # saying yes is strict: a question that starts with 可以 ("可以退货吗") must not carry out an action
_NO = re.compile(r"^(?:(?:n|no|nope|don't|do not|stop|never mind|cancel that)\b|不|别|算了)")
_CHEAPEST = re.compile(r"cheapest|least expensive|最便宜")
# Asking to apply a voucher, not how vouchers work ("how do I use a coupon" is for the FAQ).
_APPLY_VOUCHER = re.compile(
    r"^(?!how |what |where |why |when |do you |does |is |are |which )"
    r"(?:.*\b(?:apply|use|redeem|add|enter)\b(?:\s+(?:the|a|an|this|that|my|your|any|some|one|of|advertised|"
    r"current|available|best))*\s+(?:voucher|coupon|promo code|discount code|discount|code)s?\b"
    r"|(?!.*(?:怎么|如何|吗|？|\?)).*(?:用|使用|应用|加上|领取|领|添加|帮我用)(?:一下|一张|个|上)?(?:优惠券|优惠码|折扣码|代金券))"
)


@dataclass(frozen=True)
class Asker:
    """Who is asking, read once per request: the facts the tools may use about them."""

    user: object | None = None  # a signed-in user, or None
    visitor_id: str = ""
    language: str = "en"
    request: HttpRequest | None = None

    @property
    def signed_in(self) -> bool:
        return self.user is not None and getattr(self.user, "is_authenticated", False)


@dataclass(frozen=True)
class Reply:
    text: str
    intent: str
    confidence: float
    outcome: str  # products, no_products, faq, no_faq, order_status, no_order, sign_in, confirm, done, ...
    constraints: dict = field(default_factory=dict)
    products: tuple[dict, ...] = ()
    list_id: str = ""
    choices: tuple[dict, ...] = ()  # {"label": ..., "message": ...}: what the shopper may answer
    faq: dict | None = None
    order: dict | None = None
    comparison: dict | None = None
    handover: bool = False
    state: dict = field(default_factory=dict)  # the conversation's state after this turn

    def payload(self) -> dict:
        return {
            "outcome": self.outcome,
            "constraints": self.constraints,
            "products": list(self.products),
            "list_id": self.list_id,
            "choices": list(self.choices),
            "faq": self.faq,
            "order": self.order,
            "comparison": self.comparison,
        }


_model_lock = threading.Lock()
_loaded: tuple[object, IntentModel] | None = None


def intent_model(words: Lexicon) -> IntentModel:
    """The champion's weights, or (before any training) a model fitted in memory on the seeds and catalogue."""
    global _loaded
    champion_id = cache.get(CHAMPION_CACHE_KEY)
    if champion_id is None:
        champion_id = (
            IntentModelVersion.objects.filter(status=IntentModelVersion.Status.CHAMPION)
            .values_list("pk", flat=True)
            .first()
        ) or f"memory:{words.fingerprint}"
        cache.set(CHAMPION_CACHE_KEY, champion_id, 60)
    if _loaded is not None and _loaded[0] == champion_id:
        return _loaded[1]
    with _model_lock:
        if _loaded is None or _loaded[0] != champion_id:
            version = (
                IntentModelVersion.objects.filter(pk=champion_id).first() if isinstance(champion_id, int) else None
            )
            weights = version.weights if version is not None else weights_in_memory(words=words)
            _loaded = (champion_id, IntentModel(weights))
        return _loaded[1]


def understand(message: str, words: Lexicon) -> tuple[IntentGuess, Slots]:
    return intent_model(words).predict(masked(message, words)), extract(message, words)


def respond(*, message: str, state: dict, asker: Asker) -> Reply:
    with translation.override(asker.language):
        if not (state or {}).get("pending"):
            # The language model when the owner configured one; a yes or no to a pending action is always read
            # here, so the model can only propose an action, never carry it out.
            from personalization.assistant import llm

            reply = llm.respond(message=message, state=dict(state or {}), asker=asker)
            if reply is not None:
                return reply
        return _respond(message=message, state=dict(state or {}), asker=asker)


def _respond(*, message: str, state: dict, asker: Asker) -> Reply:
    words = lexicon()
    guess, slots = understand(message, words)
    intent, confidence = guess.intent, guess.confidence
    pending = state.pop("pending", None)
    short = message.strip().lower()
    if pending:
        if intent == "deny" or _NO.match(short):
            return Reply(_("All right, I won't do that."), "deny", confidence, "declined", state=state)
        if _YES.match(short) or (intent == "confirm" and confidence >= 0.8 and len(short) <= 12):
            return _carry_out(pending, state=state, asker=asker, confidence=confidence)
    if intent in ("confirm", "deny"):
        if slots.has_product_terms:
            intent = "search"
        else:
            return Reply(_("There is nothing waiting for your confirmation."), intent, confidence, "nothing_pending",
                         choices=_menu(), state=state)  # fmt: skip

    previous = Constraints.from_dict(state.get("constraints"))
    if _APPLY_VOUCHER.search(short):
        intent, confidence = "voucher_apply", max(confidence, CONFIDENT)
    if slots.reference is not None and intent not in ("add_to_cart", "order_status", "order_cancel", "human"):
        intent = "search"  # "something like the Aurora S7 but cheaper": a new search, modelled on that product
    if confidence < CONFIDENT:
        if slots.has_product_terms_from_catalogue or (slots.is_refinement and not previous.is_empty()):
            intent = "refine" if not slots.constraints.category and not previous.is_empty() else "search"
        elif "faq" in (guess.intent, guess.runner_up) and faq_answer(query=message, language=asker.language):
            intent = "faq"  # an unsure guess, but a FAQ entry matches: quoting it shows what was understood
        else:
            return _clarify(state=state, confidence=confidence, guess=guess)
    if (
        intent == "search"
        and not previous.is_empty()
        and not slots.constraints.category
        and (slots.cheaper or slots.pricier or slots.other_brand)
    ):
        intent = "refine"
    if intent == "refine" and previous.is_empty():
        intent = "search"

    handler = {
        "search": _search,
        "refine": _refine,
        "compare": _compare,
        "add_to_cart": _add_to_cart,
        "order_status": _order_status,
        "order_cancel": _order_cancel,
        "faq": _faq,
        "human": _human,
        "smalltalk": _smalltalk,
        "voucher_apply": _voucher_apply,
    }[intent]
    reply = handler(message=message, slots=slots, state=state, asker=asker, previous=previous)
    return replace(reply, intent=reply.intent if reply.outcome == "faq" else intent, confidence=round(confidence, 3))


def _menu() -> tuple[dict, ...]:
    return (
        {"label": _("Find a product"), "message": _("Show me popular products")},
        {"label": _("Where is my order?"), "message": _("Where is my order?")},
        {"label": _("Shipping and returns"), "message": _("What is your return policy?")},
        {"label": _("Talk to a person"), "message": _("I want to talk to a person")},
    )


def _clarify(*, state: dict, confidence: float, guess: IntentGuess) -> Reply:
    return Reply(
        _("I'm not sure I understood. I can find products, check your orders, answer questions about shipping, "
          "returns and payment, or pass you to a person. Which would you like?"),
        "unclear", round(confidence, 3), "clarify", choices=_menu(), state=state,
    )  # fmt: skip


# Products ----------------------------------------------------------------------------------------------------


def _search(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    constraints = slots.constraints
    if constraints.is_empty() and faq_answer(query=message, language=asker.language):
        # Nothing to search for, but a help entry matches ("a refund for a damaged item"): quote it.
        return replace(_faq(message=message, slots=slots, state=state, asker=asker, previous=previous), intent="faq")
    if constraints.is_empty() and not slots.cheaper:
        return Reply(
            _("What are you looking for? Tell me a kind of product, a brand or a budget, "
              "for example “running shoes under 100”."),
            "search", 0, "ask_need", choices=_menu()[:1], state=state,
        )  # fmt: skip
    return _show_products(_like_reference(constraints, slots), state=state, asker=asker)


def _like_reference(constraints: Constraints, slots: Slots) -> Constraints:
    """The named product's price bounds the search: "like the Aurora S7 but cheaper" is below its price."""
    named = tools.products_by_id([slots.reference]) if slots.reference is not None else []
    if not named:
        return constraints
    if slots.cheaper and constraints.price_max is None:
        constraints = replace(constraints, price_max=named[0].price - Decimal("0.01"))
    if slots.pricier and constraints.price_min is None:
        constraints = replace(constraints, price_min=named[0].price + Decimal("0.01"))
    return constraints


def _refine(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    change = slots.constraints
    shown = tools.products_by_id(state.get("shown", []))
    if slots.cheaper and change.price_max is None:
        prices = [p.price for p in shown]
        if prices:
            change = replace(change, price_max=min(prices) - Decimal("0.01"))
        elif previous.price_max is not None:
            change = replace(change, price_max=previous.price_max - Decimal("0.01"))
    if slots.pricier and change.price_min is None and shown:
        change = replace(change, price_min=max(p.price for p in shown) + Decimal("0.01"))
    if slots.other_brand and not change.brands:
        away = previous.brands or tuple(sorted({p.brand.slug for p in shown}))
        change = replace(change, exclude_brands=tuple(sorted(set(change.exclude_brands) | set(away))))
    constraints = previous.refined_by(change)
    if slots.other_brand and not change.brands:
        constraints = replace(constraints, brands=())
    if (
        constraints.price_min is not None
        and constraints.price_max is not None
        and constraints.price_min > constraints.price_max
    ):
        constraints = replace(constraints, price_min=None)
    return _show_products(constraints, state=state, asker=asker)


def describe(constraints: Constraints, words: Lexicon, language: str) -> str:
    """The constraints in the shopper's language, for the reply to say what it searched."""
    parts = []
    if constraints.category:
        parts.append(words.name_of("category", constraints.category, language))
    if constraints.brands:
        parts.append(" / ".join(words.name_of("brand", b, language) for b in constraints.brands))
    for key, value in constraints.attributes:
        label = words.attribute_labels.get((key, str(value)), {})
        parts.append(label.get(language.replace("-", "_")) or label.get("en") or str(value))
    if constraints.keywords:
        parts.append(" ".join(constraints.keywords))
    if constraints.exclude_brands:
        parts.append(_("not %(brands)s") % {
            "brands": ", ".join(words.name_of("brand", b, language) for b in constraints.exclude_brands)
        })  # fmt: skip
    currency = settings.SHOP_CURRENCY
    if constraints.price_min is not None and constraints.price_max is not None:
        parts.append(_("%(low)s to %(high)s") % {
            "low": money(constraints.price_min, currency), "high": money(constraints.price_max, currency)
        })  # fmt: skip
    elif constraints.price_max is not None:
        parts.append(_("up to %(price)s") % {"price": money(constraints.price_max, currency)})
    elif constraints.price_min is not None:
        parts.append(_("from %(price)s") % {"price": money(constraints.price_min, currency)})
    return ", ".join(parts) or _("everything in stock")


def product_card(product: Product, reason: str) -> dict:
    return {
        "id": product.pk,
        "name": product.name,
        "brand": product.brand.name,
        "price": str(product.price),
        "price_text": money(product.price, settings.SHOP_CURRENCY),
        "url": product.get_absolute_url(),
        "reason": reason,
    }


def _reason(product: Product, constraints: Constraints, ranked_reason: str, words: Lexicon, language: str) -> str:
    """One line on why this product is here: the ranker's reason, else what of the request it meets."""
    if ranked_reason:
        return str(ranked_reason)
    met = []
    if constraints.price_max is not None:
        met.append(_("within your budget"))
    for key, value in constraints.attributes:
        label = words.attribute_labels.get((key, str(value)), {})
        met.append(label.get(language.replace("-", "_")) or label.get("en") or str(value))
    if product.rating_count:
        met.append(_("rated %(rating)s/5 by %(count)s shoppers") % {
            "rating": product.rating_average, "count": product.rating_count
        })  # fmt: skip
    return ", ".join(met) or _("matches what you asked for")


def _show_products(constraints: Constraints, *, state: dict, asker: Asker) -> Reply:
    words = lexicon()
    found = tools.product_search(constraints, request=asker.request)
    state["constraints"] = constraints.as_dict()
    language = asker.language
    what = describe(constraints, words, language)
    if not found.ranked:
        state["shown"] = []
        choices = []
        if constraints.brands:
            choices.append({"label": _("Another brand"), "message": _("another brand")})
        choices.append({"label": _("Talk to a person"), "message": _("I want to talk to a person")})
        return Reply(
            _("I found no products in stock matching: %(what)s. You could loosen one of these, or ask a person.")
            % {"what": what},
            "search", 0, "no_products", constraints=constraints.as_dict(), choices=tuple(choices), state=state,
        )  # fmt: skip
    products = found.ranked.products
    state["shown"] = [p.pk for p in products]
    state["list_id"] = found.ranked.list_id
    cards = tuple(
        product_card(p, _reason(p, constraints, found.ranked.reason_for(p), words, language)) for p in products
    )
    if found.keywords_dropped:
        text = _("No product mentions “%(words)s”, so here is what matches the rest (%(what)s):") % {
            "words": " ".join(found.keywords_dropped), "what": what
        }  # fmt: skip
    else:
        text = ngettext(
            "%(count)s product matches %(what)s:",
            "%(count)s products match %(what)s. The best for you:",
            found.total,
        ) % {"count": found.total, "what": what}
    choices = (
        {"label": _("Cheaper"), "message": _("cheaper")},
        {"label": _("Another brand"), "message": _("another brand")},
        {"label": _("Add the first to my cart"), "message": _("add the first one to my cart")},
    )
    return Reply(
        text, "search", 0, "products", constraints=constraints.as_dict(), products=cards,
        list_id=found.ranked.list_id, choices=choices, state=state,
    )  # fmt: skip


def _pointed_product(slots: Slots, message: str, state: dict) -> Product | None:
    shown = tools.products_by_id(state.get("shown", []))
    if not shown:
        return None
    if slots.ordinal is not None:
        index = slots.ordinal - 1 if slots.ordinal > 0 else len(shown) - 1
        return shown[index] if 0 <= index < len(shown) else None
    if _CHEAPEST.search(message.lower()):
        return min(shown, key=lambda p: p.price)
    if len(shown) == 1:
        return shown[0]
    lowered = message.lower()
    named = [p for p in shown if p.name.lower() in lowered]
    return named[0] if len(named) == 1 else None


def _add_to_cart(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    product = _pointed_product(slots, message, state)
    if product is None:
        if not state.get("shown"):
            return Reply(_("Which product? Ask me to find one first, then say “add the first one”."),
                         "add_to_cart", 0, "ask_product", choices=_menu()[:1], state=state)  # fmt: skip
        return Reply(_("Which one should I add? Say “the first one”, “the second one”…"), "add_to_cart", 0,
                     "ask_product", state=state)  # fmt: skip
    if not product.is_purchasable:
        return Reply(_("%(name)s is out of stock, so I can't add it.") % {"name": product.name}, "add_to_cart", 0,
                     "unavailable", state=state)  # fmt: skip
    state["pending"] = {"action": "add_to_cart", "product_id": product.pk}
    return Reply(
        _("Add %(name)s (%(price)s) to your cart?") % {
            "name": product.name, "price": money(product.price, settings.SHOP_CURRENCY)
        },
        "add_to_cart", 0, "confirm", products=(product_card(product, ""),), choices=_yes_no(), state=state,
    )  # fmt: skip


def _yes_no() -> tuple[dict, ...]:
    return ({"label": _("Yes"), "message": _("yes")}, {"label": _("No"), "message": _("no")})


def _compare(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    shown = tools.products_by_id(state.get("shown", []))
    if len(shown) < 2:
        return Reply(_("Ask me to find products first; then I can compare two or three of them."), "compare", 0,
                     "ask_product", choices=_menu()[:1], state=state)  # fmt: skip
    positions = [int(n) for n in re.findall(r"(?<![\d.])([1-5])(?![\d.])", message)]
    ordinals = {
        "first": 1,
        "second": 2,
        "third": 3,
        "第一": 1,
        "第二": 2,
        "第三": 3,
        "last": len(shown),
        "最后": len(shown),
    }
    positions += [n for word, n in ordinals.items() if word in message.lower()]
    if re.search(r"three|三", message.lower()):
        positions = [1, 2, 3]
    positions = sorted({p for p in positions if 1 <= p <= len(shown)}) or [1, 2]
    chosen = [shown[p - 1] for p in positions[:3]]
    if len(chosen) < 2:
        chosen = shown[:2]
    keys = sorted({key for p in chosen for key in (p.attributes or {})})
    rows = [
        {"label": _("Price"), "values": [money(p.price, settings.SHOP_CURRENCY) for p in chosen]},
        {"label": _("Brand"), "values": [p.brand.name for p in chosen]},
        {"label": _("Rating"), "values": [
            f"{p.rating_average}/5 ({p.rating_count})" if p.rating_count else "–" for p in chosen
        ]},
    ] + [
        {"label": key, "values": [str((p.attributes or {}).get(key, "–")) for p in chosen]} for key in keys
    ]  # fmt: skip
    comparison = {"products": [product_card(p, "") for p in chosen], "rows": rows}
    return Reply(_("Here they are side by side:"), "compare", 0, "comparison",
                 products=tuple(comparison["products"]), comparison=comparison, state=state)  # fmt: skip


# Orders ------------------------------------------------------------------------------------------------------


def _order_card(order: Order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "status_text": str(order.get_status_display()),
        "total": str(order.total),
        "total_text": money(order.total, order.currency),
        "created_at": order.created_at.isoformat(),
        "url": reverse("shop:order_detail", kwargs={"number": order.number}),
    }


def _sign_in(state: dict) -> Reply:
    return Reply(_("Please sign in first: I can only look up orders of a signed-in account."), "", 0, "sign_in",
                 choices=({"label": _("Sign in"), "url": reverse("shop:login")},), state=state)  # fmt: skip


def _order_status(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    if not asker.signed_in:
        return _sign_in(state)
    order = tools.own_order(user=asker.user, number=slots.order_number)
    if order is None:
        if slots.order_number:
            return Reply(_("I can't find an order %(number)s in your orders.") % {"number": slots.order_number},
                         "order_status", 0, "no_order", state=state)  # fmt: skip
        return Reply(_("You have no orders yet."), "order_status", 0, "no_order", state=state)
    card = _order_card(order)
    text = _("Order %(number)s, placed on %(date)s for %(total)s, is %(status)s.") % {
        "number": order.number,
        "date": order.created_at.date().isoformat(),
        "total": card["total_text"],
        "status": card["status_text"].lower(),
    }
    state["order"] = order.number
    return Reply(text, "order_status", 0, "order_status", order=card, state=state)


def _order_cancel(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    if not asker.signed_in:
        return _sign_in(state)
    order = tools.own_order(user=asker.user, number=slots.order_number or state.get("order", ""))
    if order is None:
        if slots.order_number:
            return Reply(_("I can't find an order %(number)s in your orders.") % {"number": slots.order_number},
                         "order_cancel", 0, "no_order", state=state)  # fmt: skip
        return Reply(_("You have no orders yet."), "order_cancel", 0, "no_order", state=state)
    card = _order_card(order)
    if order.status not in CUSTOMER_CANCELLABLE:
        return Reply(
            _("Order %(number)s is %(status)s, so it can no longer be cancelled here. A person can help with a "
              "return.") % {"number": order.number, "status": card["status_text"].lower()},
            "order_cancel", 0, "cannot_cancel", order=card,
            choices=({"label": _("Talk to a person"), "message": _("I want to talk to a person")},), state=state,
        )  # fmt: skip
    state["pending"] = {"action": "order_cancel", "number": order.number}
    return Reply(
        _("Cancel order %(number)s (%(total)s)? This cannot be undone.") % {
            "number": order.number, "total": card["total_text"]
        },
        "order_cancel", 0, "confirm", order=card, choices=_yes_no(), state=state,
    )  # fmt: skip


def _carry_out(pending: dict, *, state: dict, asker: Asker, confidence: float) -> Reply:
    """The action the shopper just confirmed, through the same services and rules as the site."""
    if pending.get("action") == "add_to_cart":
        from shop.cart_session import request_cart
        from shop.exceptions import ShopError
        from shop.services.cart import cart_add

        product = Product.objects.filter(pk=pending.get("product_id")).first()
        if product is None or asker.request is None:
            return Reply(_("That product is no longer available."), "confirm", confidence, "failed", state=state)
        try:
            cart_add(cart=request_cart(asker.request, create=True), product_id=product.pk, quantity=1)
        except ShopError as error:
            return Reply(str(error), "confirm", confidence, "failed", state=state)
        return Reply(_("Added %(name)s to your cart.") % {"name": product.name}, "confirm", confidence, "added",
                     products=(product_card(product, ""),),
                     choices=({"label": _("Go to cart"), "url": reverse("shop:cart")},), state=state)  # fmt: skip
    if pending.get("action") == "order_cancel":
        order = tools.own_order(user=asker.user, number=pending.get("number", ""))
        if order is None:
            return Reply(_("I can't find that order any more."), "confirm", confidence, "failed", state=state)
        try:
            order = order_transition(
                order=order,
                to_status=Order.Status.CANCELLED,
                by=asker.user,
                note="Cancelled by the customer (assistant)",
                only_from=CUSTOMER_CANCELLABLE,
            )
        except IllegalTransition:
            return Reply(_("Order %(number)s can no longer be cancelled.") % {"number": order.number}, "confirm",
                         confidence, "cannot_cancel", state=state)  # fmt: skip
        order.refresh_from_db()
        return Reply(_("Order %(number)s is cancelled.") % {"number": order.number}, "confirm", confidence,
                     "cancelled", order=_order_card(order), state=state)  # fmt: skip
    if pending.get("action") == "voucher_apply":
        return _voucher_carry_out(pending.get("code", ""), state=state, asker=asker, confidence=confidence)
    return Reply(_("There is nothing waiting for your confirmation."), "confirm", confidence, "nothing_pending",
                 state=state)  # fmt: skip


# Vouchers ----------------------------------------------------------------------------------------------------


def _voucher_apply(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    """Only a code the shop advertises, proposed with its terms; applied after a yes, as the cart applies it."""
    offered = {v.code.upper(): v for v in tools.vouchers_on_offer()}
    if not offered:
        return Reply(_("There is no voucher on offer right now."), "voucher_apply", 0, "no_voucher", state=state)
    named = [offered[w] for w in re.findall(r"[A-Za-z0-9-]{3,40}", message.upper()) if w in offered]
    typed = re.search(r"(?:code|码)\s*([A-Za-z0-9-]{3,40})", message, re.IGNORECASE)
    if typed and typed.group(1).upper() not in offered:
        cart = ({"label": _("Go to cart"), "url": reverse("shop:cart")},)
        return Reply(_("I can only apply the vouchers we advertise; you can enter other codes in your cart."),
                     "voucher_apply", 0, "not_advertised", choices=cart, state=state)  # fmt: skip
    if not named and len(offered) > 1:
        choices = tuple(
            {"label": f"{v.code}: {v.label}", "message": _("apply voucher %(code)s") % {"code": v.code}}
            for v in offered.values()
        )
        return Reply(_("Which voucher should I apply?"), "voucher_apply", 0, "choose_voucher", choices=choices,
                     state=state)  # fmt: skip
    voucher = named[0] if named else next(iter(offered.values()))
    state["pending"] = {"action": "voucher_apply", "code": voucher.code}
    return Reply(
        _("Apply voucher %(code)s (%(label)s) to your cart?") % {"code": voucher.code, "label": voucher.label},
        "voucher_apply", 0, "confirm", choices=_yes_no(), state=state,
    )  # fmt: skip


def _voucher_carry_out(code: str, *, state: dict, asker: Asker, confidence: float) -> Reply:
    from shop.cart_session import request_cart
    from shop.exceptions import ShopError
    from shop.vouchers.services import voucher_apply

    if asker.request is None or code.upper() not in {v.code.upper() for v in tools.vouchers_on_offer()}:
        return Reply(_("That voucher is no longer on offer."), "confirm", confidence, "failed", state=state)
    try:
        voucher = voucher_apply(cart=request_cart(asker.request, create=True), code=code,
                                user=asker.user if asker.signed_in else None)  # fmt: skip
    except ShopError as error:
        return Reply(error.message, "confirm", confidence, "failed", state=state)
    return Reply(_("Voucher %(code)s applied: %(label)s.") % {"code": voucher.code, "label": voucher.label}, "confirm",
                 confidence, "voucher_applied", choices=({"label": _("Go to cart"), "url": reverse("shop:cart")},),
                 state=state)  # fmt: skip


# The shop ----------------------------------------------------------------------------------------------------


def _faq(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    found = faq_answer(query=message, language=asker.language)
    if found is None:
        return Reply(
            _("I don't have an answer to that in our help pages. Shall I pass you to a person?"), "faq", 0, "no_faq",
            choices=({"label": _("Talk to a person"), "message": _("I want to talk to a person")},), state=state,
        )  # fmt: skip
    text = _("From our FAQ, “%(question)s”: %(answer)s") % {"question": found.question, "answer": found.answer}
    return Reply(text, "faq", 0, "faq", faq={"id": found.entry_id, "question": found.question, "score": found.score},
                 state=state)  # fmt: skip


def _human(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    state["handover"] = True
    if asker.signed_in and getattr(asker.user, "email", ""):
        text = _("I've passed our conversation to a person. Their answer will appear here and be e-mailed to you.")
    else:
        text = _("I've passed our conversation to a person. Their answer will appear here; keep this page open "
                 "or come back later.")  # fmt: skip
    return Reply(text, "human", 0, "handover", handover=True, state=state)


def _smalltalk(*, message, slots: Slots, state, asker: Asker, previous: Constraints) -> Reply:
    return Reply(
        _("Hello! I'm the shop's assistant. I can find products, check your orders, answer questions about "
          "shipping, returns and payment, or pass you to a person."),
        "smalltalk", 0, "smalltalk", choices=_menu(), state=state,
    )  # fmt: skip
