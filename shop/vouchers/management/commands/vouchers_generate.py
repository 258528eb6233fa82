"""manage.py vouchers_generate "Spring mailing" 500 --kind percent --value 10 --prefix SPRING --days 30"""

from datetime import timedelta
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.utils import timezone

from shop.vouchers.models import Voucher, VoucherBatch
from shop.vouchers.services import voucher_batch_generate


class Command(BaseCommand):
    help = "Generate a campaign's batch of random single-use voucher codes and print them."

    def add_arguments(self, parser):
        parser.add_argument("name", help="The batch (campaign) name; reused if it exists.")
        parser.add_argument("count", type=int)
        parser.add_argument("--kind", choices=Voucher.Kind.values, default=Voucher.Kind.PERCENT)
        parser.add_argument("--value", type=Decimal, default=Decimal("10"))
        parser.add_argument("--min-spend", type=Decimal, default=Decimal("0"))
        parser.add_argument("--max-discount", type=Decimal, default=None)
        parser.add_argument("--prefix", default="")
        parser.add_argument("--days", type=int, default=None, help="Valid for this many days from now.")

    def handle(self, *args, name, count, kind, value, min_spend, max_discount, prefix, days, **options):
        batch, _ = VoucherBatch.objects.get_or_create(name=name, defaults={"prefix": prefix.upper()})
        ends_at = timezone.now() + timedelta(days=days) if days else None
        vouchers = voucher_batch_generate(
            batch=batch,
            count=count,
            kind=kind,
            value=value,
            min_spend=min_spend,
            max_discount=max_discount,
            ends_at=ends_at,
        )
        for voucher in vouchers:
            self.stdout.write(voucher.code)
        self.stderr.write(f"{len(vouchers)} codes in batch {batch.name!r}.")
