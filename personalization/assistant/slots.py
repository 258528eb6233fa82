"""Slots of a message: price bounds, catalogue terms (category, brand, attributes), follow-up modifiers,
order numbers and which shown product a shopper points at ("the second one", "第二个").

Rules and dictionaries rather than a learned tagger: every value must be one the catalogue holds, and a
price must be read exactly, so each slot is either found in the catalogue's words or not at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from personalization.assistant.constraints import Constraints
from personalization.assistant.lexicon import Lexicon, Term, product_named
from personalization.assistant.text import allowed_typos, clean, edit_distance, words
from shop.search.segmentation import normalize

_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")
_NUMBER = r"(\d+(?:\.\d+)?)\s*(k)?"
_MONEY = rf"(?:[$¥￥]\s*)?{_NUMBER}\s*(?:dollars?|bucks?|usd|rmb|元钱|元|块钱|块|美元|美金)?"

# (pattern, which bound the first number sets); ranges first, then maxima, minima, "around".
_RANGES = [
    re.compile(rf"between\s*{_MONEY}\s*(?:and|to|-)\s*{_MONEY}"),
    re.compile(rf"from\s*{_MONEY}\s*(?:to|-)\s*{_MONEY}"),
    re.compile(rf"{_MONEY}\s*(?:-|~|to|到|至)\s*{_MONEY}"),
    re.compile(rf"在\s*{_MONEY}\s*(?:和|与)\s*{_MONEY}\s*之间"),
]
_MAXIMA = [
    re.compile(
        rf"(?:under|below|less than|cheaper than|max|maximum|up to|no more than|not more than|within|at most|"
        rf"lower than|budget(?: of| is)?|<|"
        rf"不超过|不高于|不到|低于|少于|小于|最多|预算|别超过|不要超过|控制在|以内)\s*{_MONEY}"
    ),
    re.compile(rf"{_MONEY}\s*(?:or less|or under|or below|max|and under|and below|以内|以下|之内|内|封顶)"),
]
_MINIMA = [
    re.compile(
        rf"(?:over|above|more than|at least|starting at|min|minimum|higher than|>|"
        rf"高于|超过|多于|大于|至少|最少)\s*{_MONEY}"
    ),
    re.compile(rf"{_MONEY}\s*(?:or more|and up|and above|plus|\+|以上|起|开外)"),
]
_AROUND = [
    re.compile(rf"(?:around|about|roughly|~|大概|大约|差不多)\s*{_MONEY}"),
    re.compile(rf"{_MONEY}\s*(?:左右|上下)"),
]
_BARE_MONEY = re.compile(r"(?:[$¥￥]\s*(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)\s*(?:dollars?|bucks?|元|块钱|块|美元))")
AROUND_SHARE = Decimal("0.2")  # "around 300" reads 240 to 360

_CHINESE_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CHINESE_NUMBER = re.compile(r"[零一二两三四五六七八九十百千万\d]*[十百千万][零一二两三四五六七八九\d]*")

_CHEAPER = re.compile(r"cheaper|less expensive|lower price|budget option|便宜|实惠|低一点|再低|划算")
_PRICIER = re.compile(r"more expensive|pricier|higher end|premium|贵一点|更贵|高端|好一点的")
# "something like the Aurora S7 but cheaper", "similar to ...", "类似极光S7但更便宜的": the phrase naming a product.
_LIKE = re.compile(
    r"(?:(?<!i d )(?<!would )(?<!we d )(?<!you d )(?<!i )(?<!we )(?<!they )(?<!look )(?<!looks )(?<!feel )"
    r"\b(?:like|similar to|same as|comparable to|alternative to|alternatives to)\s+(?P<article>the |a |an |my |this )?"
    r"(?P<en>.+?)(?=\s+(?:but|and|that|which|for|under|below|less|cheaper|in|with)\b|$))|"
    r"(?:类似|像|和|跟|与)(?P<zh>[^，,。]+?)(?=一样|那样|这样|差不多|类似|相似|但|而且|的|，|,|$)"
)
_OTHER_BRAND = re.compile(
    r"(?:another|other|different|a different|else)\s*brands?|brands? other|换个牌子|换个品牌|换一个牌子|换一个品牌|"
    r"其他牌子|其他品牌|别的牌子|别的品牌|不同的牌子|不同品牌|换牌子|换品牌"
)
_IN_STOCK = re.compile(r"in stock|available now|ships? (?:today|now)|有货|现货|有库存")
_NEGATION = re.compile(r"(?:not|no|except|without|but not|besides|other than|不要|除了|别|不是|不想要)\s*$")
_ORDER_NUMBER = re.compile(
    r"(?:#|\bno|\bnumber|\border|订单|单号|编号|号码)\s*#?\s*([a-z0-9]{4,20})(?![a-z0-9])", re.IGNORECASE
)
# A lone code of eight hexadecimal characters with a digit in it, as the shop numbers orders.
_LONE_CODE = re.compile(r"(?<![a-z0-9.])((?=[0-9a-f]*\d)[0-9a-f]{8})(?![a-z0-9.])", re.IGNORECASE)
_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "fifth": 5,
    "last": -1, "第一": 1, "第二": 2, "第三": 3, "第四": 4, "第五": 5, "最后": -1, "头一": 1,
}  # fmt: skip
_ORDINAL = re.compile(
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|last)\b|(第一|第二|第三|第四|第五|最后|头一)|"
    r"(?:number|no\.?|#)\s*([1-5])\b|(?<![\d.])([1-5])(?:号|个)"
)

STOPWORDS_EN = set(
    """a an the i im i'm me my we you your it its this that these those some any something anything one ones
    is are was be am do does did have has had can could would will shall should may might must
    want wanted wanting need needs needed looking look search searching find finding show see get buy buying
    purchase order please pls plz thanks thank hi hello hey for of to in on at by with from about and or but
    so like just really very much more less also too what which who where when how there here good great nice
    best new some give gift present recommend recommendation suggest suggestion option options item items
    product products thing stuff deal deals something sth kind type sort available cost costs price priced
    dollar dollar buck usd only cheap cheaper expensive brand brands other another different else instead
    same similar but not no yes ok okay maybe around than then now today got help let us our let's lets
    shop store sell sells selling carry got stock within under below over above between max min up maximum
    minimum least most budget range money spend spending pay worth wanna gonna sure mine color colour
    dad mom mum father mother wife husband son daughter kid kids child children friend boyfriend girlfriend
    brother sister grandma grandpa him her them birthday christmas anniversary wedding someone somebody
    love loves likes enjoy enjoys into he she they keep
    """.split()
)
STOPWORDS_ZH = set(
    """我 我们 你 你们 想 想要 要 需要 买 购买 一个 一款 一双 一件 一台 一部 一些 有 有没有 没有 吗 呢 吧 啊 的 了
    给 送 送给 帮 帮我
    找 找找 看 看看 推荐 推荐一下 一下 请 请问 能 可以 什么 哪些 哪个 这个 那个 个 款 些 和 与 或 或者 还有 是 在
    不 也 都 就
    多少 钱 价格 价位 元 块 以内 以下 以上 左右 预算 便宜 便宜点 贵 一点 点 更 再 牌子 品牌 换个 其他 别的 东西
    商品 产品
    礼物 适合 用 用的 好 好的 最 比较 很 太 对 为 人 朋友 爱好者 家人 老婆 老公 妈妈 爸爸 孩子 男朋友 女朋友 喜欢
    类似 像
    差不多 之类 一样 同样 谢谢 你好 您好 款式 颜色 色 嗯 哦 那 那么 然后 还是 给我 我要 来 来个 能不能 不要 只要
    类""".split()
)


@dataclass(frozen=True)
class Slots:
    constraints: Constraints = field(default_factory=Constraints)
    cheaper: bool = False
    pricier: bool = False
    other_brand: bool = False
    order_number: str = ""
    ordinal: int | None = None  # 1-based position in the last shown list; -1 the last one
    reference: int | None = None  # a product named as the model of what is wanted ("like the Aurora S7")
    unknown_words: tuple[str, ...] = ()  # Latin words not understood and too far from any catalogue word

    @property
    def has_product_terms(self) -> bool:
        c = self.constraints
        return bool(c.category or c.brands or c.exclude_brands or c.attributes or c.keywords)

    @property
    def has_product_terms_from_catalogue(self) -> bool:
        """A category, brand or attribute the catalogue holds: stronger evidence than a free word."""
        c = self.constraints
        return bool(c.category or c.brands or c.exclude_brands or c.attributes)

    @property
    def is_refinement(self) -> bool:
        c = self.constraints
        return bool(
            self.cheaper or self.pricier or self.other_brand or c.brands or c.exclude_brands or c.attributes
            or c.price_min is not None or c.price_max is not None
        )  # fmt: skip


def chinese_numerals_to_digits(text: str) -> str:
    """ "两百" reads 200, "三百五" 350, "1千" 1000, "一万二" 12000."""

    def value(match: re.Match[str]) -> str:
        run = match.group(0)
        total, section, digit, last_unit = 0, 0, None, 1
        for char in run:
            if char.isdigit():
                digit = (digit or 0) * 10 + int(char)
            elif char in _CHINESE_DIGITS:
                digit = _CHINESE_DIGITS[char]
            else:
                unit = _CHINESE_UNITS[char]
                if unit == 10000:
                    total += (section + (digit or 0)) * unit
                    section = 0
                else:
                    section += (digit if digit is not None else 1) * unit
                digit, last_unit = None, unit
        if digit is not None:
            # "三百五": a trailing digit counts in the unit below the last one.
            section += digit * (last_unit // 10 if last_unit >= 100 and not run[-2:-1].isdigit() else 1)
        return str(total + section)

    return _CHINESE_NUMBER.sub(value, text)


def _amount(number: str, thousands: str | None) -> Decimal | None:
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    if thousands:
        value *= 1000
    return value.quantize(Decimal("0.01"))


def _prices(text: str) -> tuple[Decimal | None, Decimal | None, list[tuple[int, int]]]:
    """(price_min, price_max, spans read) of the first price phrase of each kind."""
    spans: list[tuple[int, int]] = []
    low = high = None
    for pattern in _RANGES:
        match = pattern.search(text)
        if match:
            a, b = _amount(match.group(1), match.group(2)), _amount(match.group(3), match.group(4))
            if a is not None and b is not None:
                low, high = min(a, b), max(a, b)
                spans.append(match.span())
                return low, high, spans
    for pattern in _MAXIMA:
        match = pattern.search(text)
        if match and high is None:
            high = _amount(match.group(1), match.group(2))
            spans.append(match.span())
    for pattern in _MINIMA:
        match = pattern.search(text)
        if match and low is None and not _overlaps(match.span(), spans):
            low = _amount(match.group(1), match.group(2))
            spans.append(match.span())
    if low is None and high is None:
        for pattern in _AROUND:
            match = pattern.search(text)
            if match:
                centre = _amount(match.group(1), match.group(2))
                if centre is not None:
                    low = (centre * (1 - AROUND_SHARE)).quantize(Decimal("0.01"))
                    high = (centre * (1 + AROUND_SHARE)).quantize(Decimal("0.01"))
                    spans.append(match.span())
                    return low, high, spans
        match = _BARE_MONEY.search(text)
        if match:
            high = _amount(match.group(1) or match.group(2), None)
            spans.append(match.span())
    return low, high, spans


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def _is_boundary(text: str, index: int) -> bool:
    return index <= 0 or index >= len(text) or text[index] == " " or bool(_CJK_CHAR.match(text[index]))


def _singular_text(text: str) -> str:
    from personalization.assistant.text import singular

    return re.sub(r"[a-z]+", lambda m: singular(m.group(0)), text)


def corrected(text: str, lexicon: Lexicon) -> str:
    """Latin words one or two typos away from a catalogue word read as that word ("runing" -> "running")."""
    vocabulary = lexicon.latin_words

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        limit = allowed_typos(word)
        if not limit or word in vocabulary or word in STOPWORDS_EN:
            return word
        best, best_distance = word, limit + 1
        for candidate in vocabulary:
            distance = edit_distance(word, candidate, limit=limit)
            if distance < best_distance:
                best, best_distance = candidate, distance
        return best

    return re.sub(r"[a-z]{5,}", fix, text)


def match_terms(text: str, lexicon: Lexicon) -> list[tuple[int, int, list[Term]]]:
    """Longest catalogue surfaces in `text` (already cleaned, Latin singular), left to right, not overlapping."""
    longest = max((len(s) for s in lexicon.surfaces), default=0)
    found, i = [], 0
    while i < len(text):
        latin_start = text[i].isascii()
        if text[i] == " " or (latin_start and i > 0 and not _is_boundary(text, i - 1) and text[i - 1] != " "):
            i += 1
            continue
        for length in range(min(longest, len(text) - i), 0, -1):
            candidate = text[i : i + length]
            if candidate not in lexicon.surfaces:
                continue
            if candidate[-1].isascii() and not _is_boundary(text, i + length):
                continue
            found.append((i, i + length, lexicon.surfaces[candidate]))
            i += length
            break
        else:
            i += 1
    return found


def _typo_terms(word: str, lexicon: Lexicon) -> list[Term] | None:
    limit = allowed_typos(word)
    if not limit:
        return None
    best, best_distance = None, limit + 1
    for surface, terms in lexicon.surfaces.items():
        if " " in surface or not surface.isascii():
            continue
        distance = edit_distance(word, surface, limit=limit)
        if distance < best_distance:
            best, best_distance = terms, distance
    return best


def _most_specific_category(slugs: list[str], lexicon: Lexicon, votes: list[str] = ()) -> str:
    """The category most words point at ("hydration vest for trail running": running), then the narrowest."""
    every = list(slugs) + list(votes)
    return min(
        slugs,
        key=lambda slug: (-every.count(slug), len(lexicon.category_ids.get(slug, [])), slugs.index(slug)),
    )


def order_number_in(message: str) -> str:
    """An order number as typed ("order 1042", "#3F9A0C1B", "订单3F9A0C1B"): a 4-20 character code with a digit."""
    text = " ".join(re.sub(r"[^\w#]+", " ", normalize(message)).split())
    for match in _ORDER_NUMBER.finditer(text):
        if any(ch.isdigit() for ch in match.group(1)):
            return match.group(1).upper()
    lone = _LONE_CODE.search(text)
    return lone.group(1).upper() if lone else ""


def extract(message: str, lexicon: Lexicon) -> Slots:
    text = chinese_numerals_to_digits(clean(message))
    order_number = order_number_in(message)
    ordinal = None
    ordinal_match = _ORDINAL.search(text)
    if ordinal_match:
        token = next(g for g in ordinal_match.groups() if g)
        ordinal = _ORDINALS.get(token) or int(token)

    low, high, spans = _prices(text)
    flags = {}
    for name, pattern in (("cheaper", _CHEAPER), ("pricier", _PRICIER), ("other_brand", _OTHER_BRAND)):
        found = pattern.search(text)
        flags[name] = bool(found)
        if found:
            spans.append(found.span())
    stock = _IN_STOCK.search(text)
    if stock:
        spans.append(stock.span())
    reference = None
    for like in _LIKE.finditer(text):
        group = "en" if like.group("en") else "zh"
        if like.group("article") in ("a ", "an "):
            continue  # "like a trail shoe": a kind of product, not one product
        named = product_named(lexicon, like.group(group))
        if named is not None:
            reference = named
            spans.append(like.span(group))  # its words name that product, not a brand or kind to filter by
            break
    rest = corrected(_singular_text(_blank(text, spans)), lexicon)

    categories: list[str] = []
    brands: list[str] = []
    excluded: list[str] = []
    attributes: list[list[Term]] = []  # each: the attributes one phrase may mean ("walnut": colour or material)
    kinds_found: list[str] = []  # categories named only by a product-name word: used when no category is named
    matched_spans = []
    for start, end, terms in match_terms(rest, lexicon):
        matched_spans.append((start, end))
        negated = bool(_NEGATION.search(rest[max(0, start - 12) : start]))
        _collect(terms, negated, categories, brands, excluded, attributes, kinds_found)
    leftover = _blank(rest, matched_spans)

    keywords, unknown = [], []
    for word in words(leftover):
        if word.isdigit() or len(word) < 2:
            continue
        if word.isascii():
            if word in STOPWORDS_EN or len(word) < 3:
                continue
            terms = _typo_terms(word, lexicon)
            if terms:
                _collect(terms, False, categories, brands, excluded, attributes, kinds_found)
                continue
            keywords.append(word)
        elif word not in STOPWORDS_ZH and not all(ch in STOPWORDS_ZH for ch in word):
            keywords.append(word)

    if reference is not None:
        categories = [reference[1]]  # the same kind of product as the one named
    elif not categories and kinds_found:
        categories = kinds_found[:1]
    keywords = [word for word in keywords if _in_catalogue(word)]
    category = _most_specific_category(categories, lexicon, kinds_found) if categories else ""
    constraints = Constraints(
        category=category,
        brands=tuple(sorted(set(brands))),
        exclude_brands=tuple(sorted(set(excluded) - set(brands))),
        price_min=low,
        price_max=high,
        attributes=tuple(sorted(_resolved(attributes, category, lexicon).items())),
        keywords=tuple(dict.fromkeys(keywords)),
        in_stock=bool(stock),
    )
    return Slots(
        constraints=constraints,
        order_number=order_number,
        ordinal=ordinal,
        unknown_words=tuple(unknown),
        reference=reference[0] if reference else None,
        **flags,
    )


def _resolved(groups: list[list[Term]], category: str, lexicon: Lexicon) -> dict[str, object]:
    """One attribute per phrase: the meaning most products of the asked category have ("256 GB" is a phone's
    storage, a memory card's capacity); without a category, the most common meaning."""
    within = set(lexicon.category_ids.get(category, [])) if category else set()
    slugs = {slug for slug, ids in lexicon.category_ids.items() if len(ids) == 1 and ids[0] in within}
    chosen: dict[str, object] = {}
    for group in groups:

        def weight(term: Term) -> int:
            counts = lexicon.attribute_categories.get((term.value, str(term.attribute_value)), {})
            return sum(n for slug, n in counts.items() if not slugs or slug in slugs)

        best = max(group, key=weight)
        if best.value not in chosen:
            chosen[best.value] = best.attribute_value  # kept even when nothing has it: "none in white" is the truth
    return chosen


def _in_catalogue(word: str) -> bool:
    """A word some product's search document holds: any other word ("dad", "birthday") cannot narrow a search."""
    from shop.search.vocabulary import vocabulary

    return vocabulary().counts.get(word, 0) > 0


def _collect(terms: list[Term], negated: bool, categories, brands, excluded, attributes, kinds_found) -> None:
    kinds = {term.kind for term in terms}
    for term in terms:
        if term.kind == "kind":
            kinds_found.append(term.value)
        if term.kind == "brand" and "category" not in kinds:
            (excluded if negated else brands).append(term.value)
        elif term.kind == "category":
            categories.append(term.value)
    meanings = [term for term in terms if term.kind == "attribute"]
    if meanings and not negated:
        attributes.append(meanings)
