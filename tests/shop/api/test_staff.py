import pytest
from django.contrib.auth.models import Permission

from shop.models import Order
from tests.factories import make_user
from tests.shop.api.conftest import token_client

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/api/v1/staff/orders"),
    ("get", "/api/v1/staff/orders/{n}"),
    ("post", "/api/v1/staff/orders/{n}/transition"),
]


def staff_with(*codenames: str, **fields):
    user = make_user(is_staff=True, **fields)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="shop", codename__in=codenames))
    return token_client(user)


@pytest.fixture
def staff_user(db):
    """A staff member allowed to change orders in the admin, so allowed here too."""
    user = make_user(username="stella", is_staff=True)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="shop", codename="change_order"))
    return user


def call(client, method, path, order):
    return getattr(client, method)(path.format(n=order["number"]), {"status": "paid"}, format="json")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_staff_without_order_permissions_get_403_as_in_the_admin(order, method, path):
    response = call(staff_with(), method, path, order)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Order.objects.get(number=order["number"]).status == "pending"


def test_view_permission_reads_orders_but_cannot_change_them(order):
    viewer = staff_with("view_order")

    listed = viewer.get("/api/v1/staff/orders")
    read = viewer.get(f"/api/v1/staff/orders/{order['number']}")
    moved = viewer.post(f"/api/v1/staff/orders/{order['number']}/transition", {"status": "paid"}, format="json")

    assert (listed.status_code, read.status_code, moved.status_code) == (200, 200, 403)
    assert listed.json()["count"] == 1
    assert Order.objects.get(number=order["number"]).status == "pending"


@pytest.mark.parametrize("who", ["change_order", "superuser"])
def test_change_permission_or_superuser_may_do_everything(order, who):
    client = staff_with(is_superuser=True) if who == "superuser" else staff_with("change_order")

    responses = [call(client, method, path, order) for method, path in ENDPOINTS]

    assert [r.status_code for r in responses] == [200, 200, 200]
    assert Order.objects.get(number=order["number"]).status == "paid"


def test_a_permission_without_staff_status_is_not_enough(order):
    user = make_user()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="shop", codename="change_order"))

    assert token_client(user).get("/api/v1/staff/orders").status_code == 403


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


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
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
