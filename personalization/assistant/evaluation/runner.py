"""Runs the test set through the offline engine on the current catalogue and scores it.

Intent accuracy: the reply's intent is the expected one. Constraint exact match: over turns that name
constraints, the understood constraints equal the expected ones. Task success: intent, constraints and
outcome all right, and every fact checks against the database (each product shown meets the constraints at
its catalogue price, an order shown is the asker's, a FAQ quote is the entry's text). The shoppers, orders
and FAQ entries it needs are made in a transaction that is rolled back: the database is left as it was.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.db import transaction
from django.test import RequestFactory, override_settings
from django.utils import translation

from personalization.assistant.constraints import Constraints
from personalization.assistant.engine import Asker, Reply, respond
from personalization.assistant.models import FaqEntry
from personalization.assistant.tools import matching_products, vouchers_on_offer
from shop.models import Order, Product
from shop.vouchers.models import Voucher

TESTSET = Path(__file__).with_name("testset.json")


@dataclass
class TurnResult:
    language: str
    message: str
    expected: dict
    reply: Reply
    intent_ok: bool
    constraints_ok: bool | None  # None: the turn names no constraints
    outcome_ok: bool
    facts_ok: bool
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return self.intent_ok and self.constraints_ok is not False and self.outcome_ok and self.facts_ok


@dataclass
class Report:
    turns: list[TurnResult]

    def share(self, attribute: str, turns: list[TurnResult] | None = None) -> float:
        turns = self.turns if turns is None else turns
        scored = [getattr(t, attribute) for t in turns if getattr(t, attribute) is not None]
        return sum(bool(s) for s in scored) / len(scored) if scored else 0.0

    def by_language(self) -> dict[str, list[TurnResult]]:
        groups: dict[str, list[TurnResult]] = {}
        for turn in self.turns:
            groups.setdefault(turn.language, []).append(turn)
        return groups


class _Rollback(Exception):
    pass


def _users():
    users = get_user_model().objects
    suffix = uuid.uuid4().hex[:8]
    asker = users.create_user(username=f"assistant-eval-{suffix}", email=f"eval-{suffix}@example.com")
    other = users.create_user(username=f"assistant-other-{suffix}", email=f"other-{suffix}@example.com")
    return asker, other


def _order(user, product: Product, key: str) -> Order:
    from shop.services.cart import cart_add, cart_get_or_create
    from shop.services.orders import ShippingAddress, order_place

    cart = cart_get_or_create(user=user, session_key=None)
    cart_add(cart=cart, product_id=product.pk, quantity=1)
    return order_place(
        cart=cart,
        user=user,
        email=user.email,
        address=ShippingAddress(name="Eval Shopper", line1="1 Test Street", city="Springfield", postcode="12345"),
        shipping_method_code="standard",
        payment_method="cod",
        idempotency_key=key,
    )


def _orders() -> dict:
    """A shopper with a shipped and a pending order, and another shopper's order: made for each dialogue."""
    from shop.services.orders import order_transition

    asker, other = _users()
    products = list(Product.objects.filter(is_active=True, stock__gte=5).order_by("pk")[:3])
    if len(products) < 3:
        raise RuntimeError("The test set needs a catalogue: run `manage.py load_demo_store` first.")
    shipped = _order(asker, products[0], f"eval-{uuid.uuid4().hex}")
    order_transition(order=shipped, to_status=Order.Status.PAID)
    order_transition(order=shipped, to_status=Order.Status.SHIPPED)
    pending = _order(asker, products[1], f"eval-{uuid.uuid4().hex}")
    foreign = _order(other, products[2], f"eval-{uuid.uuid4().hex}")
    return {"user": asker, "PENDING": pending.number, "SHIPPED": shipped.number, "FOREIGN": foreign.number}


def _request(user):
    request = RequestFactory().post("/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request.visitor_id = uuid.uuid4().hex
    return request


def _resolve(expected: dict, previous_products: list[dict], previous_expected: dict) -> dict:
    resolved = {}
    for key, value in expected.items():
        if value == "@cheaper":
            value = str(min(Decimal(p["price"]) for p in previous_products) - Decimal("0.01"))
        elif value == "@pricier":
            value = str(max(Decimal(p["price"]) for p in previous_products) + Decimal("0.01"))
        elif value == "@shown_brands":
            value = sorted({p["brand_slug"] for p in previous_products})
        elif value == "@same":
            value = previous_expected.get(key)
        resolved[key] = value
    return Constraints.from_dict(resolved).as_dict()


def _facts(reply: Reply, *, user) -> list[str]:
    problems = []
    if reply.products and reply.outcome == "products":
        constraints = Constraints.from_dict(reply.constraints)
        allowed = set(matching_products(constraints, use_keywords=False).values_list("pk", flat=True))
        prices = dict(Product.objects.filter(pk__in=[p["id"] for p in reply.products]).values_list("pk", "price"))
        for card in reply.products:
            if card["id"] not in allowed:
                problems.append(f"product {card['id']} does not meet {reply.constraints}")
            if Decimal(card["price"]) != prices.get(card["id"]):
                problems.append(f"product {card['id']} at {card['price']}, catalogue: {prices.get(card['id'])}")
    if reply.order:
        if not Order.objects.filter(number=reply.order["number"], user=user).exists():
            problems.append(f"order {reply.order['number']} is not the asker's")
    pending = reply.state.get("pending") or {}
    if pending.get("action") == "voucher_apply" and pending.get("code") not in {v.code for v in vouchers_on_offer()}:
        problems.append(f"voucher {pending.get('code')} is not one the shop advertises")
    if reply.faq:
        entry = FaqEntry.objects.filter(pk=reply.faq["id"]).first()
        if entry is None or entry.answer not in reply.text:
            problems.append("the FAQ quote is not the entry's text")
    return problems


def _brand_slugs(reply: Reply) -> list[dict]:
    slugs = dict(Product.objects.filter(pk__in=[p["id"] for p in reply.products]).values_list("pk", "brand__slug"))
    return [{**p, "brand_slug": slugs.get(p["id"], "")} for p in reply.products]


def evaluate(*, path: Path = TESTSET) -> Report:
    testset = json.loads(path.read_text())
    results: list[TurnResult] = []
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        try:
            with transaction.atomic():
                for entry in testset["faq"]:
                    FaqEntry.objects.create(**entry)
                for entry in testset.get("vouchers", []):
                    Voucher.objects.create(**entry)
                for dialogue in testset["dialogues"]:
                    results.extend(_run_dialogue(dialogue, _orders() if dialogue["signed_in"] else {"user": None}))
                raise _Rollback
        except _Rollback:
            pass
    return Report(turns=results)


def _run_dialogue(dialogue: dict, fixtures: dict) -> list[TurnResult]:
    user = fixtures["user"] if dialogue["signed_in"] else None
    request = _request(user)
    asker = Asker(user=user, visitor_id=request.visitor_id, language=dialogue["language"], request=request)
    state: dict = {}
    previous_products: list[dict] = []
    previous_expected: dict = {}
    results = []
    for turn in dialogue["turns"]:
        message = turn["message"].format(**{k: v for k, v in fixtures.items() if k != "user"})
        started = time.perf_counter()
        reply = respond(message=message, state=state, asker=asker)
        seconds = time.perf_counter() - started
        state = reply.state
        expected_constraints = None
        if "constraints" in turn:
            expected_constraints = _resolve(turn["constraints"], previous_products, previous_expected)
        with translation.override(dialogue["language"]):
            problems = _facts(reply, user=user)
        result = TurnResult(
            language=dialogue["language"],
            message=message,
            expected={**turn, "constraints": expected_constraints},
            reply=reply,
            intent_ok=reply.intent == turn["intent"],
            constraints_ok=None if expected_constraints is None else reply.constraints == expected_constraints,
            outcome_ok=reply.outcome == turn["outcome"],
            facts_ok=not problems,
            problems=problems,
            seconds=seconds,
        )
        results.append(result)
        if reply.products and reply.outcome == "products":
            previous_products = _brand_slugs(reply)
        if expected_constraints is not None:
            previous_expected = expected_constraints
    return results
