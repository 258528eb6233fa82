"""The tools the language model may call: the offline engine's own (tools.py, faq.py, the shopper's orders and
cart), described in the chat-completions `tools` format, and run here for one turn.

A tool's result goes back to the model as JSON in a `tool` message: product names and descriptions, FAQ answers
and order details are data the model reads, never instructions it is given. Actions (add to cart, cancel an
order) are only proposed: the tool stores the action on the conversation and the shopper's explicit yes on the
next turn carries it out through the offline engine's confirmation step, so the model cannot act alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings

from personalization.assistant import tools
from personalization.assistant.constraints import Constraints
from personalization.assistant.faq import faq_answer
from personalization.assistant.lexicon import lexicon
from personalization.assistant.slots import extract
from personalization.serving.context import ShopperContext, context_for_request
from personalization.serving.ranking import RankedList
from shop.api.serializers import CUSTOMER_CANCELLABLE
from shop.selectors import cart_lines, orders_for_user
from shop.templatetags.shop_tags import money

DESCRIPTION_CHARS = 300  # of a product's description in a search result: enough to answer "is it waterproof"
ORDERS_LISTED = 3

_STRING = {"type": "string"}
_NUMBER = {"type": "number", "minimum": 0}
SCHEMAS = [
    {
        "type": "function",
        "function": {
            "name": "search_products",
            "description": "Find products in stock that meet the shopper's constraints, ranked for this shopper. "
            "Put category, brand, colour and other wanted attributes in `query`, in the shopper's words.",
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {**_STRING, "description": "What the shopper wants, e.g. 'black Aurora running shoes'"},
                    "price_min": {**_NUMBER, "description": "Lowest price, in the shop's currency"},
                    "price_max": {**_NUMBER, "description": "Highest price, in the shop's currency"},
                    "refine": {"type": "boolean", "description": "Narrow or change the previous search"},
                },
                "required": ["query"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "my_orders",
            "description": "The signed-in shopper's own orders: the one with this number, or the latest ones.",
            "parameters": {"type": "object", "properties": {"number": {**_STRING, "description": "Order number"}}},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "shop_faq",
            "description": "The shop's help entry (shipping, returns, payment, vouchers) that answers a question.",
            "parameters": {"type": "object", "properties": {"question": _STRING}, "required": ["question"]},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "cart_contents",
            "description": "What is in the shopper's cart.",
            "parameters": {"type": "object", "properties": {}},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "propose_add_to_cart",
            "description": "Ask the shopper to confirm adding a product that a search returned. Nothing is added "
            "until the shopper answers yes.",
            "parameters": {
                "type": "object",
                "properties": {"product_id": {"type": "integer"}},
                "required": ["product_id"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "propose_cancel_order",
            "description": "Ask the shopper to confirm cancelling one of their orders. Nothing changes until the "
            "shopper answers yes.",
            "parameters": {"type": "object", "properties": {"number": _STRING}, "required": ["number"]},
        },
    },
    {
        "type": "function",
        "function": {
            "name": "talk_to_person",
            "description": "Hand the conversation to the shop's staff when the shopper asks for a person.",
            "parameters": {"type": "object", "properties": {}},
        },
    },
]


@dataclass
class TurnTools:
    """The tools of one turn, with what they found: the reply is built from these results only."""

    asker: object  # engine.Asker
    state: dict
    context: ShopperContext | None = None
    results: list[str] = field(default_factory=list)  # every result's JSON, as the model saw it
    amounts: list[str] = field(default_factory=list)  # the money the results state in their own fields
    products: set[int] = field(default_factory=set)  # ids of the products the results hold
    used: list[str] = field(default_factory=list)
    ranked: RankedList | None = None
    total: int = 0
    constraints: Constraints | None = None
    orders: list[dict] = field(default_factory=list)
    faq: dict | None = None
    proposed: dict | None = None  # the action waiting for the shopper's yes
    proposed_card: dict | None = None
    handover: bool = False

    def run(self, name: str, arguments: str) -> str:
        """The tool's result as JSON text; a bad call gets an error result, never an exception."""
        try:
            parsed = json.loads(arguments or "{}")
            if not isinstance(parsed, dict):
                raise ValueError("arguments must be an object")
            handler = getattr(self, f"_tool_{name}", None) if name in _NAMES else None
            result = handler(**parsed) if handler else {"error": f"unknown tool {name}"}
        except (ValueError, TypeError) as error:
            result = {"error": f"bad arguments: {error}"}
        self.used.append(name)
        self.amounts += _amounts(result)
        text = json.dumps(result, ensure_ascii=False, default=str)
        self.results.append(text)
        return text

    def _tool_search_products(self, query: str, price_min=None, price_max=None, refine: bool = False) -> dict:
        constraints = extract(str(query)[:200], lexicon()).constraints
        bounds = {}
        for name, value in (("price_min", price_min), ("price_max", price_max)):
            if value is not None:
                try:
                    bounds[name] = Decimal(str(value)).quantize(Decimal("0.01"))
                except InvalidOperation:
                    return {"error": f"{name} is not a number"}
                if bounds[name] < 0:
                    return {"error": f"{name} is negative"}
        if bounds:
            constraints = Constraints.from_dict({**constraints.as_dict(), **{k: str(v) for k, v in bounds.items()}})
        previous = Constraints.from_dict(self.state.get("constraints"))
        if refine and not previous.is_empty():
            constraints = previous.refined_by(constraints)
        if self.context is None:
            request = self.asker.request
            self.context = context_for_request(request) if request is not None else ShopperContext(enabled=False)
        # Logged as shown only once the reply that lists it is accepted (llm.py).
        found = tools.product_search(constraints, request=None, context=self.context)
        self.ranked, self.total, self.constraints = found.ranked, found.total, constraints
        self.products |= {p.pk for p in found.ranked.products}
        return {
            "constraints_applied": constraints.as_dict(),
            "matching_count": found.total,
            "products": [_product_fact(p) for p in found.ranked.products],
        }

    def _tool_my_orders(self, number: str = "") -> dict:
        if not self.asker.signed_in:
            return {"error": "not_signed_in", "note": "Orders can be looked up only after the shopper signs in."}
        from personalization.assistant.engine import _order_card

        if number:
            order = tools.own_order(user=self.asker.user, number=str(number).strip().upper())
            orders = [order] if order is not None else []
            if not orders:
                return {"error": "not_found", "number": str(number)}
        else:
            orders = list(orders_for_user(user=self.asker.user)[:ORDERS_LISTED])
        self.orders = [_order_card(order) for order in orders]
        if len(orders) == 1:
            self.state["order"] = orders[0].number
        return {"orders": [{k: v for k, v in card.items() if k != "url"} for card in self.orders]}

    def _tool_shop_faq(self, question: str) -> dict:
        found = faq_answer(query=str(question)[:300], language=self.asker.language)
        if found is None:
            return {"found": False}
        self.faq = {"id": found.entry_id, "question": found.question, "score": found.score}
        return {"found": True, "question": found.question, "answer": found.answer}

    def _tool_cart_contents(self) -> dict:
        from shop.cart_session import request_cart

        request = self.asker.request
        cart = request_cart(request) if request is not None else None
        lines = cart_lines(cart=cart)
        self.products |= {line.product_id for line in lines}
        return {
            "lines": [
                {
                    "product_id": line.product_id,
                    "name": line.product.name,
                    "quantity": line.quantity,
                    "price_text": money(line.product.price, settings.SHOP_CURRENCY),
                }
                for line in lines
            ]
        }

    def _tool_propose_add_to_cart(self, product_id) -> dict:
        from personalization.assistant.engine import product_card

        offered = set(self.state.get("shown", [])) | {p.pk for p in (self.ranked.products if self.ranked else ())}
        if int(product_id) not in offered:
            return {"error": "not_offered", "note": "Only a product a search showed the shopper can be added."}
        product = tools.products_by_id([int(product_id)])
        if not product or not product[0].is_purchasable:
            return {"error": "unavailable"}
        self.proposed = {"action": "add_to_cart", "product_id": product[0].pk}
        self.products.add(product[0].pk)
        self.proposed_card = product_card(product[0], "")
        return {"status": "waiting_for_the_shopper_to_confirm", "product": _product_fact(product[0], brief=True)}

    def _tool_propose_cancel_order(self, number: str) -> dict:
        from personalization.assistant.engine import _order_card

        if not self.asker.signed_in:
            return {"error": "not_signed_in"}
        order = tools.own_order(user=self.asker.user, number=str(number).strip().upper())
        if order is None:
            return {"error": "not_found", "number": str(number)}
        card = _order_card(order)
        self.orders = [card]
        if order.status not in CUSTOMER_CANCELLABLE:
            return {"error": "cannot_cancel", "number": order.number, "status": card["status_text"]}
        self.proposed = {"action": "order_cancel", "number": order.number}
        return {"status": "waiting_for_the_shopper_to_confirm", "number": order.number, "total": card["total_text"]}

    def _tool_talk_to_person(self) -> dict:
        self.handover = True
        return {"status": "handed_over"}


_NAMES = {schema["function"]["name"] for schema in SCHEMAS}
# Where a result states money: a price or total the shop computed, or a policy staff wrote. A product's
# description may quote any price (or be planted with one), so an amount in the answer must come from these.
_MONEY_FIELDS = {"price_text", "total_text", "answer"}


def _amounts(result) -> list[str]:
    if isinstance(result, dict):
        return [str(v) for k, v in result.items() if k in _MONEY_FIELDS] + [
            amount for v in result.values() for amount in _amounts(v)
        ]
    if isinstance(result, list):
        return [amount for item in result for amount in _amounts(item)]
    return []


def _product_fact(product, *, brief: bool = False) -> dict:
    fact = {
        "id": product.pk,
        "name": product.name,
        "brand": product.brand.name,
        "price_text": money(product.price, settings.SHOP_CURRENCY),
    }
    if brief:
        return fact
    return {
        **fact,
        "attributes": product.attributes or {},
        "rating": f"{product.rating_average}/5 ({product.rating_count})" if product.rating_count else None,
        "description": (product.description or "")[:DESCRIPTION_CHARS],
    }
