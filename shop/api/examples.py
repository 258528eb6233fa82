"""Example payloads for the OpenAPI document; one realistic store, reused across endpoints."""

from drf_spectacular.utils import OpenApiExample

BRAND = {"slug": "lumix", "name": "Lumix"}
CATEGORY = {"slug": "cameras", "name": "Cameras"}
PRODUCT = {
    "id": 42,
    "slug": "lumix-g9-camera",
    "name": "Lumix G9 camera",
    "brand": BRAND,
    "category": CATEGORY,
    "price": "499.00",
    "compare_at_price": "599.00",
    "discount_percent": 17,
    "in_stock": True,
    "image": "https://shop.example.com/media/products/g9.jpg",
    "rating_average": "4.50",
    "rating_count": 12,
    "currency": "USD",
}
PRODUCT_DETAIL = {
    **PRODUCT,
    "sku": "LUM-G9",
    "description": "A 20 MP mirrorless camera with in-body stabilisation.",
    "images": [{"url": "https://shop.example.com/media/products/g9.jpg", "alt_text": "Front view"}],
    "attributes": {"colour": "black", "weight_g": 658},
    "stock_status": "low_stock",
    "max_quantity": 3,
}
TOTALS = {"subtotal": "998.00", "discount": "0.00", "shipping": "0.00", "total": "998.00", "item_count": 2}
CART = {
    "lines": [
        {
            "product": PRODUCT,
            "quantity": 2,
            "unit_price": "499.00",
            "line_total": "998.00",
            "available": True,
            "problem": "",
            "discount": "0.00",
        }
    ],
    **TOTALS,
    "currency": "USD",
    "has_problems": False,
    "vouchers": [],
}
CART_WITH_VOUCHER = {
    **CART,
    "lines": [{**CART["lines"][0], "discount": "99.80"}],
    "discount": "99.80",
    "total": "898.20",
    "vouchers": [{"code": "SPRING10", "label": "10% off", "kind": "percent", "amount": "99.80", "problem": ""}],
}
ORDER_SUMMARY = {
    "number": "9F3A2C1B",
    "status": "pending",
    "created_at": "2025-05-04T10:15:00Z",
    "item_count": 2,
    "total": "998.00",
    "currency": "USD",
    "payment_method": "cod",
}
ADDRESS = {
    "name": "Alice Example",
    "line1": "1 Main Street",
    "line2": "",
    "city": "Springfield",
    "postcode": "12345",
    "country": "US",
    "phone": "+1 555 0100",
}
ORDER_DETAIL = {
    **ORDER_SUMMARY,
    "email": "alice@example.com",
    "lines": [
        {
            "product_id": 42,
            "product_name": "Lumix G9 camera",
            "product_sku": "LUM-G9",
            "unit_price": "499.00",
            "quantity": 2,
            "line_total": "998.00",
        }
    ],
    "shipping_address": ADDRESS,
    "shipping_method": "Standard delivery",
    "subtotal": "998.00",
    "discount_total": "0.00",
    "shipping_total": "0.00",
    "status_history": [],
    "can_cancel": True,
}
USER = {"id": 7, "username": "alice", "email": "alice@example.com", "first_name": "Alice", "last_name": "Example"}
TOKEN = {"token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "user": USER}


def response(name: str, value, *, status_code: int = 200, summary: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, response_only=True, status_codes=[str(status_code)], summary=summary)


def request(name: str, value, *, summary: str = "") -> OpenApiExample:
    return OpenApiExample(name, value=value, request_only=True, summary=summary)


def error(name: str, code: str, message: str, *, status_code: int, fields: dict | None = None) -> OpenApiExample:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return OpenApiExample(name, value={"error": body}, response_only=True, status_codes=[str(status_code)])
