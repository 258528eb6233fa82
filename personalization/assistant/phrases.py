"""What the intent model learns from: seed phrases in both languages, phrases generated from the catalogue
(category, brand, attribute and price templates), and the examples staff add in the admin (`IntentExample`).

The model reads phrases with the catalogue's words masked (see `intents.masked`), so a new brand needs no
retraining; the generated phrases teach it the shapes product requests take in each language.
"""

from __future__ import annotations

import random

INTENTS = (
    "search",  # find products by need
    "refine",  # change the last search: cheaper, another brand, in black
    "compare",
    "add_to_cart",
    "order_status",
    "order_cancel",
    "faq",  # shipping, returns, payment, vouchers, privacy
    "human",  # a person, please
    "smalltalk",  # hello, thanks, who are you
    "confirm",
    "deny",
)

SEEDS: dict[str, tuple[str, ...]] = {
    "search": (
        "I'm looking for a camera", "show me some headphones", "do you have laptops", "I need new running shoes",
        "any good backpacks", "find me a cheap phone", "something for my kitchen", "a gift for my dad",
        "what do you have for cyclists", "I want to buy a bike", "recommend a tent", "looking for a rain jacket",
        "got any novels", "show me lamps", "I need a present for a runner", "best speakers you sell",
        "what cameras do you have", "which phone should I buy", "help me find a desk", "can you suggest a tripod",
        "I'd like a coffee grinder", "search for memory cards", "do you sell helmets", "need a charger for my phone",
        "show products", "I want something waterproof", "looking for gifts under 50", "phones", "laptops please",
        "我想买一台相机", "有没有耳机", "推荐一款手机", "给我看看跑鞋", "想买个背包", "有什么适合跑步的",
        "帮我找一个台灯",
        "送给爸爸的礼物", "有卖自行车吗", "我需要一件雨衣", "有什么好看的小说", "推荐一下笔记本电脑", "我要买充电器",
        "找一个三脚架", "有没有防水的", "来一双鞋", "想要一个咖啡机", "有没有便宜的手机", "帮我推荐礼物", "看看外套",
        "有什么新品", "买头盔", "我在找存储卡", "有适合送人的吗",
    ),
    "refine": (
        "cheaper", "something cheaper", "cheaper please", "any cheaper ones", "too expensive", "less expensive",
        "in black", "do you have it in white", "a different brand", "another brand please", "other brands?",
        "not that brand", "only in stock", "more expensive ones", "show me better ones", "bigger", "in blue",
        "under 100 instead", "what about over 200", "only from Aurora", "any in red", "without that brand",
        "lower price", "something more premium", "make it black", "same but cheaper", "and in silver?",
        "太贵了", "便宜点的", "有没有更便宜的", "换个牌子", "换个品牌", "别的牌子呢", "其他品牌的", "要黑色的",
        "有白色的吗", "有没有蓝色的", "再便宜一点", "贵一点的也行", "只看有货的", "不要这个牌子", "200以内的呢",
        "要更好一点的", "黑色", "还有别的颜色吗", "便宜些", "价格低一点", "换一个牌子看看",
    ),
    "compare": (
        "compare the first two", "what's the difference between them", "compare these", "which one is better",
        "compare 1 and 2", "how do the first and second differ", "compare the top three", "which is better value",
        "difference between the two", "put them side by side", "compare the first and the last",
        "比较一下前两个", "这两个有什么区别", "哪个更好", "对比一下", "第一个和第二个比较", "帮我比较这三个",
        "有什么不同",
        "哪个性价比高", "比一比", "对比前三个",
    ),
    "add_to_cart": (
        "add it to my cart", "add the first one to the cart", "put the second one in my basket", "I'll take it",
        "buy the first one", "add to cart", "add that to my bag", "I want the third one", "put it in the cart",
        "add the cheapest one", "add number 2", "I'll buy the last one", "add this", "cart the first one",
        "加入购物车", "把第一个加入购物车", "我要第二个", "就这个了", "买第一个", "加购", "放进购物车", "加到购物车",
        "我要买这个", "第三个加入购物车", "帮我加购第一个", "要最后一个",
    ),
    "order_status": (
        "where is my order", "where's my package", "track my order", "has my order shipped", "order status",
        "when will my order arrive", "status of order 1042", "is my parcel on the way", "did you ship my stuff",
        "what happened to my order", "my last order", "check my order", "when does my delivery come",
        "show my orders", "order tracking", "I haven't received my order", "where is order 3F9A0C1B",
        "我的订单到哪了", "订单状态", "我的快递到哪里了", "什么时候发货", "查一下我的订单", "我的包裹呢",
        "订单发货了吗",
        "我买的东西什么时候到", "查订单", "我的订单", "物流信息", "还没收到货", "订单1042到哪了", "帮我查查订单",
    ),
    "order_cancel": (
        "cancel my order", "cancel order 1042", "I want to cancel my order", "please cancel it", "cancel the order",
        "can I cancel my purchase", "I changed my mind, cancel the order", "stop my order", "cancel order #3F9A0C1B",
        "how do I cancel", "don't send my order", "abort my order", "cancel my last order",
        "取消订单", "我要取消订单", "帮我取消订单1042", "不想要了取消吧", "订单能取消吗", "取消我的订单", "撤销订单",
        "我想退掉这个订单", "取消最近的订单",
    ),
    "faq": (
        "how much is shipping", "what is your return policy", "how long does delivery take", "can I return it",
        "which payment methods do you accept", "do you ship internationally", "how do vouchers work",
        "can I pay with paypal", "do you offer free shipping", "how do I use a coupon", "refund policy",
        "what's the warranty", "how to return an item", "delivery times", "is there a discount code",
        "do you ship to Canada", "how do I change my address", "what are the shipping options",
        "is my data private", "when do I get my refund", "how do exchanges work", "payment options",
        "运费多少", "怎么退货", "多久能到", "可以退货吗", "支持哪些付款方式", "包邮吗", "优惠券怎么用", "退款政策",
        "保修多久", "发货需要几天", "能寄到国外吗", "可以用支付宝吗", "有优惠码吗", "退款多久到账", "怎么换货",
        "配送方式有哪些", "隐私政策", "怎么修改地址",
    ),
    "human": (
        "talk to a person", "I want to speak to a human", "customer service please", "can I talk to someone",
        "get me an agent", "real person please", "human", "connect me to support", "this isn't helping",
        "speak to a representative", "I need help from staff", "let me talk to a manager", "contact support",
        "转人工", "人工客服", "我要找人工", "真人客服", "找客服", "联系客服", "让人来回答", "人工", "我要投诉",
        "叫个人来", "转接人工服务", "没用，找人工",
    ),
    "smalltalk": (
        "hi", "hello", "hey there", "thanks", "thank you", "good morning", "who are you", "what can you do",
        "bye", "ok thanks", "cool", "great, thanks", "help", "how are you", "are you a bot",
        "你好", "您好", "谢谢", "多谢", "再见", "你是谁", "你能做什么", "在吗", "早上好", "好的谢谢", "帮助",
        "你是机器人吗",
    ),
    "confirm": (
        "yes", "yes please", "yep", "sure", "ok", "okay", "confirm", "do it", "go ahead", "correct", "yes, cancel it",
        "yes add it", "that's right", "absolutely", "y",
        "是", "是的", "好", "好的", "确认", "确定", "对", "可以", "没问题", "行", "嗯嗯", "确认取消", "就这样",
    ),
    "deny": (
        "no", "nope", "no thanks", "don't", "never mind", "cancel that", "stop", "not now", "wait, no", "n",
        "no, keep it", "forget it",
        "不", "不要", "不用了", "算了", "不是", "别", "先不要", "不用", "取消吧不要了", "等等不要",
    ),
}  # fmt: skip

# Templates generated with the catalogue's words: {category}, {brand}, {attribute}, {price}.
SEARCH_TEMPLATES_EN = (
    "{category}", "{category} under {price}", "a {attribute} {category}", "{brand} {category}",
    "show me {category} from {brand}", "do you have {attribute} {category}", "I need {category} below {price}",
    "looking for {brand} {category} under {price}", "any {category} for less than {price} dollars",
    "{category} between {price} and {price2}", "cheap {category}", "best {category} under ${price}",
    "I want a {attribute} {category} from {brand}", "what {category} do you have", "{brand}",
    "gift ideas: {category} around {price}", "something like a {category} but {attribute}",
    "{attribute} {category} please",
)  # fmt: skip
SEARCH_TEMPLATES_ZH = (
    "{category}", "{price}元以内的{category}", "{attribute}的{category}", "{brand}的{category}",
    "有没有{brand}{category}",
    "我想买{category}", "推荐{attribute}{category}", "{price}以下的{category}", "{brand}{category}{price}块以内",
    "给我看看{category}", "{price}到{price2}元的{category}", "预算{price}买{category}", "{category}有吗",
    "送人的{category}{price}左右", "想要一款{attribute}的{brand}{category}",
)  # fmt: skip
REFINE_TEMPLATES_EN = (
    "in {attribute}", "only {brand}", "what about {brand}", "under {price}", "any from {brand}?", "not {brand}",
    "{attribute} ones", "cheaper than {price}", "over {price}", "do you have it in {attribute}", "show {brand} instead",
)  # fmt: skip
REFINE_TEMPLATES_ZH = (
    "要{attribute}的", "只要{brand}的", "{brand}的呢", "{price}以内的", "不要{brand}", "有{attribute}的吗",
    "{price}以上的", "换成{brand}", "{attribute}的有吗",
)  # fmt: skip


def generated_phrases(
    *,
    categories: list[tuple[str, str]],
    brands: list[tuple[str, str]],
    attributes: list[tuple[str, str]],
    per_template: int = 12,
    seed: int = 7,
) -> list[tuple[str, str]]:
    """(text, intent) from the catalogue: each of `categories`, `brands`, `attributes` is (English, Chinese) names."""
    rng = random.Random(seed)
    phrases = []
    prices = ["50", "80", "100", "150", "200", "300", "500", "800", "1000", "1500"]
    for intent, templates, index in (
        ("search", SEARCH_TEMPLATES_EN, 0), ("search", SEARCH_TEMPLATES_ZH, 1),
        ("refine", REFINE_TEMPLATES_EN, 0), ("refine", REFINE_TEMPLATES_ZH, 1),
    ):  # fmt: skip
        for template in templates:
            for _ in range(per_template):
                fields = {
                    "category": rng.choice(categories)[index] if categories else "",
                    "brand": rng.choice(brands)[index] if brands else "",
                    "attribute": rng.choice(attributes)[index] if attributes else "",
                    "price": rng.choice(prices),
                    "price2": rng.choice(prices),
                }
                text = template.format(**fields).strip()
                if text:
                    phrases.append((text, intent))
    return phrases


def seed_phrases() -> list[tuple[str, str]]:
    return [(text, intent) for intent, texts in SEEDS.items() for text in texts]
