"""The catalogue's own words: categories, brands and attribute values in every language, built from the database.

Rebuilt in each process when the catalogue version moves (`shop.product_cache.catalog_version`), so a brand
staff add is understood at once. Chinese attribute values are matched to the English machine keys by the
products they describe: "黑色" is colour=Black because exactly the Black products say 黑色.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import jieba
from django.conf import settings
from django.utils.text import slugify

from personalization.assistant.text import clean, singular
from shop.cache_versions import PerCatalogVersion
from shop.models import Brand, Category, Product
from shop.search.segmentation import dictionary_words_add

_BRACKETS = re.compile(r"[（(]([^）)]*)[）)]")
# Words of a category description that list what it sells: "Sneakers, boots and running shoes."
_LIST_SPLIT = re.compile(r",|、|，|\band\b|\bor\b|和|与|及|以及|\.|。")
_LANGUAGES = [code.replace("-", "_") for code, _ in settings.LANGUAGES]
_TRUE_WORDS = {"是", "有", "支持"}
_GENERAL_WORDS = {"生活", "装备", "用品", "数码", "指南", "配件", "电子", "美食", "服饰"}


@dataclass(frozen=True)
class Term:
    kind: str  # category, brand, attribute; kind: a category guessed from words of product names (weaker)
    value: str  # category or brand slug; attribute key
    attribute_value: object = None  # the English value the products store, for an attribute


@dataclass
class Lexicon:
    version: str
    # surface (cleaned, Latin singular) -> terms it may mean; the longest surface wins when matching
    surfaces: dict[str, list[Term]] = field(default_factory=dict)
    category_names: dict[str, dict[str, str]] = field(default_factory=dict)  # slug -> language -> name
    brand_names: dict[str, dict[str, str]] = field(default_factory=dict)
    category_ids: dict[str, list[int]] = field(default_factory=dict)  # slug -> itself and descendants
    attribute_labels: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # (key, value) -> names
    # (key, value) -> {leaf category slug: products}: which key a value means in a category ("256 GB")
    attribute_categories: dict[tuple[str, str], dict[str, int]] = field(default_factory=dict)
    # Every active product's name in each language, cleaned: (name, its Latin words, product id, category slug);
    # what "something like the Aurora S7" is looked up in.
    product_names: list[tuple[str, frozenset[str], int, str]] = field(default_factory=list)

    @property
    def latin_words(self) -> frozenset[str]:
        words = self.__dict__.get("_latin_words")
        if words is None:
            words = frozenset(w for s in self.surfaces for w in s.split() if w.isascii() and w.isalpha())
            self.__dict__["_latin_words"] = words
        return words

    @property
    def fingerprint(self) -> str:
        """Changes only when the words change (not with every catalogue version): what models trained on them key on."""
        import hashlib

        return hashlib.blake2s(repr(sorted(self.surfaces.items())).encode(), digest_size=8).hexdigest()

    def add(self, surface: str, term: Term) -> None:
        surface = _surface(surface)
        if len(surface) < 2 and not re.search(r"[\u4e00-\u9fff]", surface):
            return
        if not surface:
            return
        terms = self.surfaces.setdefault(surface, [])
        if term not in terms:
            terms.append(term)

    def name_of(self, kind: str, value: str, language: str) -> str:
        names = (self.category_names if kind == "category" else self.brand_names).get(value, {})
        return names.get(language.replace("-", "_")) or names.get("en") or value


def _surface(text: str) -> str:
    return " ".join(singular(word) if word.isascii() else word for word in clean(text).split())


def _plain_brand(name: str) -> list[str]:
    """ "极光（Aurora）" reads as 极光 and as Aurora."""
    inside = _BRACKETS.findall(name)
    return [part for part in [_BRACKETS.sub("", name).strip(), *inside] if part]


def _chinese_parts(name: str) -> list[str]:
    """ "耳机音响" also reads as 耳机 and 音响; words too general to name a category are left out."""
    if not re.search(r"[\u4e00-\u9fff]", name):
        return []
    parts = [word for word in jieba.lcut(name) if len(word) >= 2 and word != name]
    return [word for word in parts if word not in _GENERAL_WORDS]


def _build(version: str) -> Lexicon:
    lexicon = Lexicon(version=version)
    categories = list(Category.objects.all())
    children = defaultdict(list)
    for category in categories:
        children[category.parent_id].append(category)
    by_pk = {c.pk: c for c in categories}

    def descendants(pk: int) -> list[int]:
        ids, frontier = [pk], [pk]
        while frontier:
            frontier = [child.pk for parent in frontier for child in children[parent]]
            ids.extend(frontier)
        return ids

    chinese_words = []
    for category in categories:
        term = Term("category", category.slug)
        lexicon.category_ids[category.slug] = descendants(category.pk)
        lexicon.category_names[category.slug] = {}
        for language in _LANGUAGES:
            name = getattr(category, f"name_{language}", None) or ""
            if not name:
                continue
            lexicon.category_names[category.slug][language] = name
            lexicon.add(name, term)
            chinese_words.append(name)
            if name.endswith("类") and len(name) >= 2:
                lexicon.add(name[:-1], term)
            for part in _chinese_parts(name):
                lexicon.add(part, term)
            # The kinds of product a leaf category's description lists ("running shoes", "跑鞋").
            description = getattr(category, f"description_{language}", None) or ""
            if not children[category.pk]:
                for item in _LIST_SPLIT.split(description):
                    item = item.strip()
                    if 1 < len(item) <= 24:
                        lexicon.add(item, term)
        lexicon.add(category.slug.replace("-", " "), term)
    del by_pk

    for brand in Brand.objects.all():
        term = Term("brand", brand.slug)
        lexicon.brand_names[brand.slug] = {}
        for language in _LANGUAGES:
            name = getattr(brand, f"name_{language}", None) or ""
            if not name:
                continue
            lexicon.brand_names[brand.slug][language] = _plain_brand(name)[0]
            for part in _plain_brand(name):
                lexicon.add(part, term)
                chinese_words.append(part)
        lexicon.add(brand.slug.replace("-", " "), term)

    _add_attributes(lexicon)
    dictionary_words_add(chinese_words)
    _add_kind_words(lexicon)
    _add_product_names(lexicon)
    return lexicon


def _add_product_names(lexicon: Lexicon) -> None:
    fields = [f"name_{lang}" for lang in _LANGUAGES]
    for pk, category, *names in Product.objects.filter(is_active=True).values_list("pk", "category__slug", *fields):
        for name in {clean(name or "") for name in names} - {""}:
            latin = frozenset(singular(word) for word in name.split() if word.isascii())
            lexicon.product_names.append((name, latin, pk, category))


def product_named(lexicon: Lexicon, phrase: str) -> tuple[int, str] | None:
    """(product id, category slug) of the product a phrase names ("aurora s7", "极光 s7"), if it names one.

    Every Latin word of the phrase must be a word of the name, and its Chinese part a piece of it; a phrase
    that several products fit names the one with the shortest name ("aurora s7" is not "aurora s7 pro").
    """
    phrase = clean(phrase)
    latin = frozenset(singular(word) for word in phrase.split() if word.isascii())
    chinese = "".join(word for word in phrase.split() if not word.isascii())
    if not phrase or (not chinese and len(latin) < 2):
        return None  # one Latin word is a brand or a kind ("like nike"), not a product
    if chinese and chinese in lexicon.surfaces or not chinese and latin <= lexicon.latin_words:
        return None  # only catalogue words ("like a coffee grinder", "和袜子"): a kind of product, not one product
    found = [
        (len(name), pk, category)
        for name, words, pk, category in lexicon.product_names
        if latin <= words and (not chinese or chinese in name.replace(" ", ""))
    ]
    if not found:
        return None
    _length, pk, category = min(found)
    return pk, category


# A word of product names names a kind of product when this share of its products sit in one category.
KIND_WORD_SHARE = 0.9
KIND_WORD_MIN_PRODUCTS = 3


def _add_kind_words(lexicon: Lexicon) -> None:
    """Words of product names that nearly only one leaf category uses: "skillet", "headphone", "跑鞋", "耳机".

    Learned from the catalogue, so a shopper's "espresso machine" finds the kitchen without a synonym list.
    """
    from personalization.assistant.slots import STOPWORDS_EN, STOPWORDS_ZH
    from shop.search.segmentation import query_words

    leaf_of = {}
    for slug, ids in lexicon.category_ids.items():
        if len(ids) == 1:
            leaf_of[ids[0]] = slug
    counts: dict[str, defaultdict] = defaultdict(lambda: defaultdict(int))
    fields = [f"name_{lang}" for lang in _LANGUAGES]
    for category_id, *names in Product.objects.filter(is_active=True).values_list("category_id", *fields):
        slug = leaf_of.get(category_id)
        if slug is None:
            continue
        seen = set()
        for name in names:
            for word in query_words(_BRACKETS.sub("", name or "")):
                if word.isdigit() or (word.isascii() and len(word) < 4) or (not word.isascii() and len(word) < 2):
                    continue
                seen.add(word)
        for word in seen:
            counts[word][slug] += 1
    for word, per_category in counts.items():
        total = sum(per_category.values())
        slug, top = max(per_category.items(), key=lambda item: item[1])
        if (
            total >= KIND_WORD_MIN_PRODUCTS
            and top / total >= KIND_WORD_SHARE
            and _surface(word) not in lexicon.surfaces
            and word not in STOPWORDS_EN
            and word not in STOPWORDS_ZH
        ):
            lexicon.add(word, Term("kind", slug))


def _add_attributes(lexicon: Lexicon) -> None:
    products_of = defaultdict(set)  # (language, key, value) -> product ids
    rows = Product.objects.filter(is_active=True).values_list("pk", *[f"attributes_{lang}" for lang in _LANGUAGES])
    for pk, *per_language in rows:
        for language, attributes in zip(_LANGUAGES, per_language, strict=True):
            for key, value in (attributes or {}).items():
                if isinstance(value, bool) and value:
                    products_of[(language, key, True)].add(pk)
                elif isinstance(value, str) and value:
                    products_of[(language, key, value)].add(pk)
    english = {(key, value): ids for (language, key, value), ids in products_of.items() if language == "en"}
    category_of = dict(Product.objects.filter(is_active=True).values_list("pk", "category__slug"))
    for (key, value), ids in english.items():
        per_category = lexicon.attribute_categories.setdefault((key, str(value)), {})
        for pk in ids:
            per_category[category_of[pk]] = per_category.get(category_of[pk], 0) + 1
    by_products = defaultdict(list)
    for pair, ids in english.items():
        by_products[frozenset(ids)].append(pair)
    for (language, key, value), ids in products_of.items():
        if language == "en":
            pairs = [(key, value)]
        else:
            pairs = by_products.get(frozenset(ids), [])
            if len(pairs) != 1:
                continue  # ambiguous or unmatched: better not understood than misunderstood
        en_key, en_value = pairs[0]
        if en_value is True:
            surface = key.replace("_", " ") if language == "en" else key
        elif language != "en" and value in _TRUE_WORDS:
            surface = key
        else:
            surface = value
        term = Term("attribute", en_key, en_value)
        lexicon.add(surface, term)
        if en_value is True and language != "en":
            head = [w for w in jieba.lcut(surface) if len(w) >= 2]
            if len(head) > 1:
                lexicon.add(head[-1], term)  # 主动降噪 -> 降噪
        lexicon.attribute_labels.setdefault((en_key, str(en_value)), {})[language] = surface
        if language != "en" and surface.endswith("色") and len(surface) >= 2:
            lexicon.add(surface[:-1], term)  # 黑色 -> 黑


_lexicon: PerCatalogVersion[Lexicon] = PerCatalogVersion(lambda version: _build(version))


def lexicon() -> Lexicon:
    return _lexicon.get()


def slug_for(text: str) -> str:
    return slugify(text)
