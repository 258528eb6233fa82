"""The catalogue's words learn which of them name attribute values (black, leather, 512), from the stored documents.

0011 added `SearchWord.attribute_count` at 0 for every word, so on an existing install attribute words
neither filtered nor boosted until someone ran `manage.py search_reindex`. Each document already holds its
product's attribute tokens (`tokens_c`), so the counts are filled from them here, as the rebuild counts them
(products whose attributes hold the word, in any language), without segmenting the catalogue again.
"""

from collections import Counter

from django.db import migrations

BATCH_SIZE = 2000


def attribute_counts_fill(apps, schema_editor):
    SearchDocument = apps.get_model("shop", "SearchDocument")
    SearchWord = apps.get_model("shop", "SearchWord")
    counts: Counter = Counter()
    product_id, words = None, set()
    rows = SearchDocument.objects.order_by("product_id").values_list("product_id", "tokens_c")
    for document_product_id, tokens in rows.iterator(chunk_size=BATCH_SIZE):
        if document_product_id != product_id:  # one product's languages counted once
            counts.update(words)
            product_id, words = document_product_id, set()
        words.update(tokens.split())
    counts.update(words)
    changed = []
    for word in SearchWord.objects.only("pk", "word", "attribute_count").iterator(chunk_size=BATCH_SIZE):
        if word.attribute_count != counts.get(word.word, 0):
            word.attribute_count = counts.get(word.word, 0)
            changed.append(word)
    SearchWord.objects.bulk_update(changed, ["attribute_count"], batch_size=BATCH_SIZE)


class Migration(migrations.Migration):
    dependencies = [("shop", "0011_search_word_attribute_count")]

    operations = [migrations.RunPython(attribute_counts_fill, migrations.RunPython.noop)]
