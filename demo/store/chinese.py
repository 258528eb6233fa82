"""The demo catalogue in Simplified Chinese, written from each product's own facts.

A name reads as a Chinese shop lists it (brand, series, product type, key attributes:
"Aurora Trail 越野跑鞋 透气网面 黑色 欧码39-46"); a description is composed from per-type
sentences and the product's attributes, not translated from the English copy.

Variety comes from a `random.Random` seeded by the product alone, never from the catalogue's own
stream, so the English catalogue (and every figure of the simulator) is the same with or without it.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from demo.store import chinese_terms as terms


@dataclass(frozen=True)
class ChineseCopy:
    name: str
    description: str
    attributes: dict[str, str]  # label -> value, as the shopper reads them


def category_copy(slug: str) -> tuple[str, str]:
    """(name, description) of a demo category."""
    return terms.CATEGORIES[slug]


def brand_name(brand: str) -> str:
    """ "极光（Aurora）": the Chinese name with the original, as Chinese marketplaces list foreign brands."""
    return f"{terms.BRANDS[brand]}（{brand}）"


def product_copy(
    *,
    sku: str,
    name: str,
    brand: str,
    category: str,
    kind: str,
    use: str,
    attributes: dict[str, object],
    taken_names: Collection[str] = (),
) -> ChineseCopy:
    """The Chinese name, description and attributes of one demo product (`name` is its English name)."""
    rng = random.Random(f"zh-hans:{sku}:{name}")
    if "author" in attributes:
        title = _book_title(name)
        candidates = [_book_name(title, attributes)]
        description = _book_description(
            rng, title=title, brand=brand, category=category, use=use, attributes=attributes
        )
    else:
        called, *candidates = _product_names(
            name=name, brand=brand, category=category, kind=kind, attributes=attributes
        )
        description = _description(
            rng, name=called, brand=brand, category=category, kind=kind, use=use, attributes=attributes
        )
    chosen = next((candidate for candidate in candidates if candidate not in taken_names), f"{candidates[-1]} {sku}")
    shown = {terms.LABELS.get(key, key): _value(key, value) for key, value in attributes.items()}
    return ChineseCopy(name=chosen, description=description, attributes=shown)


# Attribute values as Chinese shops write them.

_SIMPLE_UNITS: dict[str, str] = {
    "battery_hours": "{}小时",
    "max_height_cm": "{}厘米",
    "max_load_kg": "{}公斤",
    "width_cm": "{}厘米",
    "power_w": "{}W",
    "weight_g": "{}克",
    "capacity_l": "{}升",
    "pages": "{}页",
    "recipes": "{}道",
    "maps": "{}幅折页地图",
    "frame_size": "{}码",
    "size": "{}码",
}
_LOOKUPS: dict[str, dict[str, str]] = {
    "sensor": terms.SENSORS,
    "connectivity": terms.CONNECTIVITY,
    "bulb": terms.BULBS,
    "colour_temperature": terms.COLOUR_TEMPERATURES,
    "binding": terms.BINDINGS,
    "wheel": terms.WHEELS,
    "colour": terms.COLOURS,
    "material": terms.MATERIALS,
    "frame_material": terms.MATERIALS,
}


def _value(key: str, value: object) -> str:
    if value is True or value is False:
        return "是" if value else "否"
    text = str(value)
    if key in _LOOKUPS:
        return _LOOKUPS[key].get(text, text)
    if key in _SIMPLE_UNITS:
        return _SIMPLE_UNITS[key].format(text)
    converters: dict[str, Callable[[str], str]] = {
        "megapixels": lambda v: f"{int(v) * 100}万像素",
        "camera": lambda v: f"{int(v.split()[0]) * 100}万像素",
        "video": lambda v: {"1080p": "1080p全高清", "4K": "4K超高清"}.get(v, v),
        "storage": lambda v: v.replace(" ", "").replace("SSD", "固态硬盘"),
        "capacity": lambda v: v.replace(" ", ""),
        "memory": lambda v: v.replace(" ", "").replace("RAM", ""),
        "screen": lambda v: v.replace("-inch", "英寸").replace('"', "英寸"),
        "fits": lambda v: v.replace("-inch phones", "英寸手机"),
        "processor": lambda v: v.replace("-core", "核"),
        "format": lambda v: {"microSD": "microSD（TF）卡"}.get(v, f"{v}卡"),
        "ports": _ports,
        "sizes": lambda v: v.replace("EU ", "欧码"),
        "gears": lambda v: "单速" if v == "1" else f"{v}速",
        "author": _author,
    }
    return converters[key](text) if key in converters else text


def _ports(text: str) -> str:
    parts = [part.strip() for part in text.split("+")]
    written = []
    for part in parts:
        count, _, port = part.partition("x ")
        written.append(f"{count}个{port}口" if port else f"1个{part}口")
    return "+".join(written)


def _author(text: str) -> str:
    return "·".join(terms.AUTHOR_NAMES.get(part, part) for part in text.split())


# Names.

# Per category: attribute values written before the product type, and after it, in a name.
_NAME_BEFORE: dict[str, tuple[str, ...]] = {
    "tripods": ("material",),
    "phone-cases": ("material",),
    "chargers": ("power_w",),
    "kitchen": ("material",),
    "furniture": ("material",),
    "bags": ("material",),
    "bikes": ("frame_material",),
    "running": ("material",),
}
_NAME_AFTER: dict[str, tuple[str, ...]] = {
    "cameras": ("megapixels", "sensor", "colour"),
    "phones": ("storage", "screen", "colour"),
    "audio": ("noise_cancelling", "battery_hours", "colour"),
    "laptops": ("screen", "memory", "storage", "colour"),
    "memory-cards": ("capacity", "speed"),
    "tripods": ("max_height_cm", "colour"),
    "phone-cases": ("fits", "colour"),
    "chargers": ("ports", "colour"),
    "kitchen": ("colour",),
    "furniture": ("width_cm", "colour"),
    "lighting": ("dimmable", "colour_temperature", "colour"),
    "shoes": ("material", "colour", "sizes"),
    "bags": ("capacity_l", "colour"),
    "outerwear": ("waterproof", "colour", "sizes"),
    "bikes": ("gears", "wheel", "frame_size", "colour"),
    "helmets": ("mips", "size", "colour"),
    "running": ("colour", "sizes"),
}
# A yes/no attribute shows in a name only when true, as this word.
_NAME_FLAGS = {"noise_cancelling": "主动降噪", "dimmable": "可调光", "waterproof": "防水", "mips": "MIPS防护"}
_MODEL_CODE = re.compile(r"\b[A-Z]\d+(?: (?:II|III|Pro|S)\b)?")
_KINDS_NAMING_A_MATERIAL = {"Cast Iron Skillet", "Carbon Tripod", "Clear Case"}
_NOT_SERIES = {"Card"}  # the filler word of "Lumora SD Card 64 GB V90"


def _product_names(*, name: str, brand: str, category: str, kind: str, attributes: dict[str, object]) -> list[str]:
    """Brand, series and type (what a sentence calls it), then the name, then a longer one for when it is taken."""
    product_type = terms.KINDS[kind]
    if category == "memory-cards":
        product_type = _value("format", attributes["format"]).removesuffix("卡") + "存储卡"
    before = "".join(_name_part(key, attributes) for key in _NAME_BEFORE.get(category, ()))
    if kind in _KINDS_NAMING_A_MATERIAL:
        before = ""
    shown = (*_NAME_BEFORE.get(category, ()), *_NAME_AFTER.get(category, ()))
    after = [_name_part(key, attributes) for key in _NAME_AFTER.get(category, ())]
    rest = [_value(key, value) for key, value in attributes.items() if key not in shown and not isinstance(value, bool)]
    head = " ".join(part for part in (brand, _series(name, brand=brand, kind=kind, attributes=attributes)) if part)
    head = f"{head} {before}{product_type}"
    short = " ".join(part for part in (head, *after) if part)
    return [head, short, " ".join(part for part in (short, *rest) if part)]


def _name_part(key: str, attributes: dict[str, object]) -> str:
    value = attributes.get(key)
    if value is None or value is False:
        return ""
    return _NAME_FLAGS[key] if value is True else _value(key, value)


def _series(name: str, *, brand: str, kind: str, attributes: dict[str, object]) -> str:
    """The model code ("X5 II") or series word ("Trail") of an English name: what a Chinese listing keeps."""
    rest = f" {name.removeprefix(brand).replace(kind, ' ')} "
    values = sorted((str(v) for v in attributes.values() if isinstance(v, str)), key=len, reverse=True)
    for value in values:
        rest = rest.replace(f" {value} ", "  ").replace(f" {value},", "  ")
    code = _MODEL_CODE.search(rest)
    if code:
        return code.group(0)
    words = [word for word in rest.replace(",", " ").split() if word.isalpha() and word[0].isupper()]
    return words[0] if words and words[0] not in _NOT_SERIES else ""


# Descriptions.

_OPENERS = (
    "{name}是{brand_zh}为{use}打造的{kind}，也是本店{category}频道的热销款。",
    "这款{brand}{kind}专为{use}设计，是{category}里用途最广的选择之一。",
    "想为{use}添置新装备？{name}值得一看。",
    "为{use}而生，这款{kind}延续了{brand_zh}一贯的用心与细致。",
)
_FEATURES: dict[str, str] = {
    "megapixels": "拥有{}的高解析度",
    "sensor": "搭载{}传感器",
    "video": "支持{}视频录制",
    "storage": "提供{}存储空间",
    "screen": "配备{}屏幕",
    "camera": "后置{}主摄",
    "connectivity": "支持{}连接",
    "battery_hours": "续航长达{}",
    "noise_cancelling": "支持主动降噪",
    "memory": "配备{}运行内存",
    "processor": "搭载{}处理器",
    "format": "采用{}规格",
    "capacity": "容量{}",
    "speed": "达到{}速度等级",
    "material": "采用{}材质",
    "max_height_cm": "最高可升至{}",
    "max_load_kg": "最大承重{}",
    "fits": "适配{}",
    "power_w": "最高支持{}快充",
    "ports": "配备{}",
    "dishwasher_safe": "部件可放入洗碗机清洗",
    "width_cm": "宽{}",
    "bulb": "使用{}",
    "colour_temperature": "色温为{}",
    "dimmable": "内置调光功能",
    "sizes": "提供{}多个尺码",
    "waterproof": "全防水设计",
    "frame_size": "车架尺寸为{}",
    "frame_material": "采用{}车架",
    "gears": "配备{}变速系统",
    "wheel": "使用{}轮组",
    "size": "尺码为{}",
    "mips": "配备MIPS旋转冲击防护系统",
    "weight_g": "重量仅{}",
    "capacity_l": "拥有{}大容量",
    "colour": "{}配色",
    "binding": "{}版本",
    "pages": "全书{}",
    "recipes": "收录{}菜谱",
    "maps": "附{}",
}
# What a shopper of each product type wants to hear, one sentence of it per description.
_TYPE_SENTENCES: dict[str, tuple[str, ...]] = {
    "cameras": ("机身小巧，操作直观，随手就能记录精彩瞬间。", "对焦迅速，暗光环境下也能拍出干净的画面。"),
    "phones": ("系统流畅，全天候陪伴工作与生活。", "支持快充，出门不再为电量焦虑。"),
    "audio": ("音质通透，低频饱满，长时间佩戴也不累耳。", "连接稳定，开盖即连。"),
    "laptops": ("机身轻薄，散热安静，随时随地高效工作。", "键盘手感舒适，长时间打字也不累。"),
    "memory-cards": ("读写稳定，关键时刻不掉链子。", "防水、防震、耐高温，户外拍摄更放心。"),
    "tripods": ("快装板设计，架设与收纳都只需几秒。", "脚管锁紧牢靠，风中也稳如磐石。"),
    "phone-cases": ("按键灵敏，开孔精准，不影响无线充电。", "边框加高，有效保护屏幕和镜头。"),
    "chargers": ("多重安全保护，为设备充电更安心。", "体积小巧，放进包里几乎感觉不到。"),
    "kitchen": ("做工扎实，日常清洁也很方便。", "厨房新手也能轻松上手。"),
    "furniture": ("线条简洁，百搭各种家居风格。", "结构稳固，安装简单。"),
    "lighting": ("光线柔和不刺眼，营造温馨氛围。", "造型简约，点亮即是一道风景。"),
    "shoes": ("鞋底抓地力出色，长时间穿着依然舒适。", "鞋面贴合脚型，回弹有力。"),
    "bags": ("分区合理，随身物品收纳得井井有条。", "背负舒适，久背也不累肩。"),
    "outerwear": ("版型利落，叠穿也不显臃肿。", "防风保暖，轻松应对多变天气。"),
    "bikes": ("操控灵活，骑行轻快。", "车架几何兼顾速度与舒适。"),
    "helmets": ("通风孔设计，夏日骑行也清爽。", "佩戴稳固，调节方便。"),
    "running": ("面料轻薄速干，跑再久也干爽。", "贴合身形，跑动时不摩擦。"),
    "fiction": ("文字细腻动人，让人一读就停不下来。", "故事层层展开，余韵悠长。"),
    "cookbooks": ("步骤清晰，配图精美，新手也能照着做。", "从家常小菜到宴客大菜一应俱全。"),
    "travel-guides": ("路线规划详尽，附实用的交通与住宿建议。", "带你发现只有当地人才知道的好去处。"),
}
_CLOSERS = (
    "享受{brand_zh}两年官方质保。",
    "支持30天无忧退货。",
    "采用可回收环保包装发货。",
    "送礼自用两相宜。",
    "下午2点前下单，当天发货。",
)


def _description(
    rng: random.Random, *, name: str, brand: str, category: str, kind: str, use: str, attributes: dict[str, object]
) -> str:
    fields = {
        "name": name,
        "brand": brand,
        "brand_zh": terms.BRANDS[brand],
        "kind": terms.KINDS[kind],
        "use": terms.USES[use],
        "category": terms.CATEGORIES[category][0],
    }
    sentences = [rng.choice(_OPENERS).format(**fields)]
    features = [_feature(key, value) for key, value in attributes.items()]
    features = [feature for feature in features if feature]
    rng.shuffle(features)
    if features:
        sentences.append("，".join(features[:3]) + "。")
    sentences.append(rng.choice(_TYPE_SENTENCES[category]))
    sentences.extend(closer.format(**fields) for closer in rng.sample(_CLOSERS, k=rng.randint(0, 2)))
    return "".join(sentences)


def _feature(key: str, value: object) -> str | None:
    pattern = _FEATURES.get(key)
    if pattern is None or value is False:
        return None
    return pattern if value is True else pattern.format(_value(key, value))


# Books: the title is translated word by word from the English title's pattern.

_BOOK_PATTERNS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"The (\w+) (\w+)$"), lambda m: _word(m[1]) + _noun(m[2])),
    (re.compile(r"(\w+) and (\w+)$"), lambda m: f"{_word(m[1])}与{_word(m[2])}"),
    (re.compile(r"Letters from (.+)$"), lambda m: f"来自{_place(m[1])}的信"),
    (re.compile(r"(.+): The Cookbook$"), lambda m: f"{_place(m[1])}：家常菜谱"),
    (re.compile(r"The (\w+) Kitchen$"), lambda m: f"{_word(m[1])}厨房"),
    (re.compile(r"Cooking with (\w+)$"), lambda m: f"{_word(m[1])}料理"),
    (re.compile(r"(.+) Travel Guide$"), lambda m: f"{_place(m[1])}旅行指南"),
    (re.compile(r"Walking (.+)$"), lambda m: f"漫步{_place(m[1])}"),
    (re.compile(r"(.+): (\w+) Routes$"), lambda m: f"{_place(m[1])}：{_word(m[2])}之路"),
)
_BOOK_OPENERS = (
    "《{title}》是{author}的作品，由{publisher}出版，是本店{category}书架上适合{use}的人气之作。",
    "{publisher}出品，{author}著。《{title}》是{use}的理想读物，常年位列本店{category}畅销榜。",
)


def _book_title(name: str) -> str:
    """The Chinese title of a demo book; a title made unique with a model code keeps the code."""
    stem, suffix = _split_code(name)
    for pattern, write in _BOOK_PATTERNS:
        match = pattern.match(stem)
        if match:
            return write(match) + suffix
    return name


def _split_code(name: str) -> tuple[str, str]:
    code = _MODEL_CODE.search(name)
    if code is None:
        return name, ""
    return name[: code.start()].strip(), f"（{code.group(0)}版）"


def _word(word: str) -> str:
    return terms.BOOK_WORDS.get(word, word)


def _noun(noun: str) -> str:
    return terms.BOOK_NOUNS.get(noun, noun)


def _place(place: str) -> str:
    # A title starts with a capital ("The Baltic Coast: The Cookbook"); the place list writes "the Baltic Coast".
    return terms.PLACES.get(place) or terms.PLACES.get(place[:1].lower() + place[1:], place)


def _book_name(title: str, attributes: dict[str, object]) -> str:
    binding = _value("binding", attributes["binding"])
    return f"《{title}》 {_author(str(attributes['author']))} 著 {binding}"


def _book_description(
    rng: random.Random,
    *,
    title: str,
    brand: str,
    category: str,
    use: str,
    attributes: dict[str, object],
) -> str:
    fields = {
        "title": title,
        "author": _author(str(attributes["author"])),
        "publisher": terms.BRANDS[brand],
        "use": terms.USES[use],
        "category": terms.CATEGORIES[category][0],
    }
    sentences = [rng.choice(_BOOK_OPENERS).format(**fields)]
    features = [_feature(key, value) for key, value in attributes.items() if key != "author"]
    sentences.append("，".join(feature for feature in features if feature) + "。")
    sentences.append(rng.choice(_TYPE_SENTENCES[category]))
    return "".join(sentences)
