"""The intent model: a multinomial logistic regression over character and word n-grams of the message with
the catalogue's words masked, so "Aurora shoes under 300" and "极光跑鞋300以内" read as "<brand> <category> under 0".

Weights are plain JSON (feature -> one weight per intent), trained with numpy and read back without it:
predicting is a sum over the message's few hundred features, well under a millisecond.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from personalization.assistant.lexicon import Lexicon
from personalization.assistant.slots import chinese_numerals_to_digits, corrected, match_terms, order_number_in
from personalization.assistant.text import clean, singular, words

_PLACEHOLDERS = {"category": " qcat ", "brand": " qbrand ", "attribute": " qattr "}
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class IntentGuess:
    intent: str
    confidence: float  # the model's probability of `intent`
    runner_up: str = ""


def masked(text: str, lexicon: Lexicon) -> str:
    number = order_number_in(text)
    if number:
        text = re.sub(re.escape(number), " qorder ", text, flags=re.IGNORECASE)
    text = chinese_numerals_to_digits(clean(text))
    text = corrected(re.sub(r"[a-z]+", lambda m: singular(m.group(0)), text), lexicon)
    pieces, last = [], 0
    for start, end, terms in match_terms(text, lexicon):
        pieces.append(text[last:start])
        kinds = {term.kind for term in terms}
        kind = "category" if kinds & {"category", "kind"} else ("brand" if "brand" in kinds else "attribute")
        pieces.append(_PLACEHOLDERS[kind])
        last = end
    pieces.append(text[last:])
    return " ".join(_DIGITS.sub(" 0 ", "".join(pieces)).split())


def features(text: str) -> list[str]:
    """Word unigrams and bigrams, character 2-4-grams of Latin words, character 1-3-grams of Chinese runs."""
    tokens = words(text) or [text]
    found = {f"w:{t}" for t in tokens}
    found.update(f"b:{a}_{b}" for a, b in zip(tokens, tokens[1:], strict=False))
    for token in text.split():
        if _CJK.search(token):
            for n in (1, 2, 3):
                found.update(f"c:{token[i : i + n]}" for i in range(len(token) - n + 1))
        else:
            padded = f"<{token}>"
            for n in (2, 3, 4):
                found.update(f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1))
    found.add(f"len:{min(len(tokens), 6)}")
    return sorted(found)


class IntentModel:
    def __init__(self, weights: dict):
        self.classes: list[str] = weights["classes"]
        self.intercept: list[float] = weights["intercept"]
        self.coefficients: dict[str, list[float]] = weights["coefficients"]

    def predict(self, masked_text: str) -> IntentGuess:
        feats = features(masked_text)
        scale = 1 / math.sqrt(len(feats)) if feats else 1.0
        scores = list(self.intercept)
        for feature in feats:
            row = self.coefficients.get(feature)
            if row is not None:
                for i, weight in enumerate(row):
                    scores[i] += weight * scale
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        ranked = sorted(range(len(scores)), key=lambda i: -scores[i])
        return IntentGuess(
            intent=self.classes[ranked[0]],
            confidence=exp[ranked[0]] / total,
            runner_up=self.classes[ranked[1]] if len(ranked) > 1 else "",
        )


def train_weights(texts: list[str], labels: list[str], *, l2: float = 1e-4, epochs: int = 300) -> dict:
    """Softmax regression by full-batch gradient descent with Adam on masked texts (numpy; a second on
    a few thousand phrases); returns the JSON weights `IntentModel` reads."""
    import numpy as np
    from scipy import sparse

    classes = sorted(set(labels))
    vocabulary: dict[str, int] = {}
    rows = []
    for text in texts:
        feats = features(text)
        rows.append(([vocabulary.setdefault(f, len(vocabulary)) for f in feats], 1 / math.sqrt(len(feats))))
    x = sparse.csr_matrix(
        (
            np.concatenate([np.full(len(columns), scale, dtype=np.float32) for columns, scale in rows]),
            np.concatenate([np.asarray(columns, dtype=np.int32) for columns, _ in rows]),
            np.cumsum([0] + [len(columns) for columns, _ in rows]),
        ),
        shape=(len(texts), len(vocabulary)),
    )
    y = np.zeros((len(texts), len(classes)), dtype=np.float32)
    y[np.arange(len(texts)), [classes.index(label) for label in labels]] = 1
    w = np.zeros((len(vocabulary), len(classes)), dtype=np.float32)
    b = np.zeros(len(classes), dtype=np.float32)
    moments = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
    rate, beta1, beta2 = 0.05, 0.9, 0.999
    for step in range(1, epochs + 1):
        logits = np.asarray(x @ w) + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        error = (p - y) / len(texts)
        grads = (np.asarray(x.T @ error) + l2 * w, error.sum(axis=0))
        for k, (param, grad) in enumerate(zip((w, b), grads, strict=True)):
            m, v = moments[2 * k], moments[2 * k + 1]
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= rate * (m / (1 - beta1**step)) / (np.sqrt(v / (1 - beta2**step)) + 1e-8)
    names = sorted(vocabulary, key=vocabulary.get)
    keep = np.abs(w).max(axis=1) >= 1e-3
    return {
        "classes": classes,
        "intercept": [round(float(v), 4) for v in b],
        "coefficients": {name: [round(float(v), 4) for v in w[i]] for i, name in enumerate(names) if keep[i]},
    }
