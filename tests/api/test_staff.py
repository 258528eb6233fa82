import pytest

from shop.models import Order

pytestmark = pytest.mark.django_db


def test_staff_see_every_order(staff_client, order):
    response = staff_client.get("/api/v1/staff/orders")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert (item["number"], item["customer"], item["email"]) == (order["number"], "alice", "alice@example.com")


def test_staff_filter_by_status(staff_client, order):
    assert staff_client.get("/api/v1/staff/orders", {"status": "shipped"}).json()["count"] == 0
    assert staff_client.get("/api/v1/staff/orders", {"status": "bogus"}).status_code == 400


def test_staff_read_any_order(staff_client, order):
    response = staff_client.get(f"/api/v1/staff/orders/{order['number']}")

    assert response.status_code == 200
    assert response.json()["customer"] == "alice"
    assert staff_client.get("/api/v1/staff/orders/NOPE").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/staff/orders"),
        ("get", "/api/v1/staff/orders/{n}"),
        ("post", "/api/v1/staff/orders/{n}/transition"),
    ],
)
def test_staff_endpoints_stay_staff_only(api_client, anon_client, order, method, path):
    path = path.format(n=order["number"])

    customer = getattr(api_client, method)(path, {"status": "paid"}, format="json")
    anonymous = getattr(anon_client, method)(path, {"status": "paid"}, format="json")

    assert customer.status_code == 403
    assert customer.json()["error"]["code"] == "permission_denied"
    assert anonymous.status_code == 401
    assert Order.objects.get(number=order["number"]).status == "pending"


def test_staff_move_an_order_along(staff_client, staff_user, order):
    path = f"/api/v1/staff/orders/{order['number']}/transition"

    paid = staff_client.post(path, {"status": "paid"}, format="json")
    shipped = staff_client.post(path, {"status": "shipped", "note": "DHL 123"}, format="json")

    assert (paid.status_code, shipped.status_code) == (200, 200)
    assert shipped.json()["status"] == "shipped"
    change = Order.objects.get(number=order["number"]).status_changes.last()
    assert (change.changed_by, change.note) == (staff_user, "DHL 123")


def test_illegal_transition_is_409(staff_client, order):
    response = staff_client.post(
        f"/api/v1/staff/orders/{order['number']}/transition", {"status": "delivered"}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "illegal_transition"
    assert Order.objects.get(number=order["number"]).status == "pending"


def test_unknown_status_is_400(staff_client, order):
    response = staff_client.post(
        f"/api/v1/staff/orders/{order['number']}/transition", {"status": "lost"}, format="json"
    )

    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]
