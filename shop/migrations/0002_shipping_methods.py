from decimal import Decimal

from django.db import migrations

METHODS = [
    ("standard", "Standard delivery", Decimal("4.95"), Decimal("75.00"), "3-5 business days", 0),
    ("express", "Express delivery", Decimal("12.95"), None, "1-2 business days", 1),
    ("pickup", "Pick up in store", Decimal("0.00"), None, "Ready the next day", 2),
]


def create_methods(apps, schema_editor):
    ShippingMethod = apps.get_model("shop", "ShippingMethod")
    for code, name, price, free_above, days, position in METHODS:
        ShippingMethod.objects.update_or_create(
            code=code,
            defaults={"name": name, "price": price, "free_above": free_above, "delivery_days": days,
                      "position": position},
        )


class Migration(migrations.Migration):
    dependencies = [("shop", "0001_initial")]
    operations = [migrations.RunPython(create_methods, migrations.RunPython.noop)]
