from django.core.management.base import BaseCommand

from shop.search.services import search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild every product's search documents and the catalogue's words (after bulk changes)."

    def handle(self, *args, **options):
        count = search_index_rebuild()
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} products."))
