"""Uplift: how much more likely a shopper is to buy with an offer than without. Django-free (numpy).

A T-learner: one logistic regression fitted on shoppers who got the offer (treatment),
one on comparable shoppers held out (control). The uplift of a shopper is
p(buy | offer) - p(buy | no offer). Features are standardised with the statistics of
all training rows, so both models see the same scale.

Shapes: X is (n, d) float, `treated` and `bought` are (n,) of 0/1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

FEATURE_NAMES = (
    "recency",
    "frequency",
    "monetary",
    "cart_abandonment",
    "discount_sensitivity",
    "browsing_depth",
)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


@dataclass
class LogisticRegression:
    """L2-regularised logistic regression fitted by Newton's method (a handful of features: exact and fast)."""

    l2: float = 1.0
    iterations: int = 25
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    bias: float = 0.0

    def fit(self, X: np.ndarray, y: np.ndarray) -> LogisticRegression:
        n, d = X.shape
        design = np.hstack([X, np.ones((n, 1))])
        beta = np.zeros(d + 1)
        if n:
            # Start at the base rate so an all-0 or all-1 sample stays finite.
            rate = np.clip(y.mean(), 1e-3, 1 - 1e-3)
            beta[-1] = np.log(rate / (1 - rate))
        penalty = np.full(d + 1, self.l2)
        penalty[-1] = 1e-6  # the intercept is not shrunk
        for _ in range(self.iterations):
            p = _sigmoid(design @ beta)
            gradient = design.T @ (p - y) + penalty * beta
            hessian = (design * (p * (1 - p))[:, None]).T @ design + np.diag(penalty)
            step = np.linalg.solve(hessian, gradient)
            beta -= step
            if np.max(np.abs(step)) < 1e-8:
                break
        self.weights, self.bias = beta[:-1], float(beta[-1])
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return _sigmoid(X @ self.weights + self.bias)

    def to_dict(self) -> dict:
        return {"weights": [float(w) for w in self.weights], "bias": self.bias, "l2": self.l2}

    @classmethod
    def from_dict(cls, data: dict) -> LogisticRegression:
        return cls(l2=data.get("l2", 1.0), weights=np.asarray(data["weights"], dtype=float), bias=float(data["bias"]))


@dataclass
class TLearner:
    l2: float = 1.0
    feature_names: tuple[str, ...] = FEATURE_NAMES
    mean: np.ndarray = field(default_factory=lambda: np.zeros(0))
    scale: np.ndarray = field(default_factory=lambda: np.ones(0))
    treated_model: LogisticRegression | None = None
    control_model: LogisticRegression | None = None

    def fit(self, X: np.ndarray, treated: np.ndarray, bought: np.ndarray) -> TLearner:
        X = np.asarray(X, dtype=float)
        treated = np.asarray(treated).astype(bool)
        bought = np.asarray(bought, dtype=float)
        if treated.all() or not treated.any():
            raise ValueError("An uplift model needs both treated and control shoppers.")
        self.mean = X.mean(axis=0)
        self.scale = np.where(X.std(axis=0) > 1e-9, X.std(axis=0), 1.0)
        Z = self._standardise(X)
        self.treated_model = LogisticRegression(l2=self.l2).fit(Z[treated], bought[treated])
        self.control_model = LogisticRegression(l2=self.l2).fit(Z[~treated], bought[~treated])
        return self

    def _standardise(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=float) - self.mean) / self.scale

    def predict(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(p(buy | offer), p(buy | no offer)), each of shape (n,)."""
        if self.treated_model is None or self.control_model is None:
            raise ValueError("The model is not fitted.")
        Z = self._standardise(np.atleast_2d(X))
        return self.treated_model.predict_proba(Z), self.control_model.predict_proba(Z)

    def uplift(self, X: np.ndarray) -> np.ndarray:
        treated, control = self.predict(X)
        return treated - control

    def to_dict(self) -> dict:
        return {
            "kind": "t_learner_logistic",
            "feature_names": list(self.feature_names),
            "mean": [float(v) for v in self.mean],
            "scale": [float(v) for v in self.scale],
            "treated": self.treated_model.to_dict() if self.treated_model else None,
            "control": self.control_model.to_dict() if self.control_model else None,
            "l2": self.l2,
        }

    @classmethod
    def from_dict(cls, data: dict) -> TLearner:
        return cls(
            l2=data.get("l2", 1.0),
            feature_names=tuple(data["feature_names"]),
            mean=np.asarray(data["mean"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            treated_model=LogisticRegression.from_dict(data["treated"]),
            control_model=LogisticRegression.from_dict(data["control"]),
        )


def uplift_at_top(scores: np.ndarray, treated: np.ndarray, bought: np.ndarray, *, share: float = 0.3) -> float:
    """Observed uplift (treated rate - control rate) among the `share` of rows the model ranks highest."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    top = order[: max(1, int(round(len(order) * share)))]
    treated, bought = np.asarray(treated).astype(bool)[top], np.asarray(bought, dtype=float)[top]
    if not treated.any() or treated.all():
        return 0.0
    return float(bought[treated].mean() - bought[~treated].mean())


def qini_coefficient(scores: np.ndarray, treated: np.ndarray, bought: np.ndarray) -> float:
    """Area between the Qini curve and the random line, normalised by the number of rows (0: no better than chance)."""
    order = np.argsort(-np.asarray(scores), kind="stable")
    treated = np.asarray(treated).astype(bool)[order]
    bought = np.asarray(bought, dtype=float)[order]
    n = len(order)
    if n == 0 or treated.all() or not treated.any():
        return 0.0
    cum_t, cum_c = np.cumsum(treated), np.cumsum(~treated)
    cum_bt, cum_bc = np.cumsum(bought * treated), np.cumsum(bought * ~treated)
    with np.errstate(divide="ignore", invalid="ignore"):
        qini = cum_bt - np.where(cum_c > 0, cum_bc * cum_t / cum_c, 0.0)
    random_line = np.linspace(0, qini[-1], n)
    return float((qini - random_line).sum() / (n * n))


def expected_incremental_margin(
    *, p_treated: float, p_control: float, order_value: float, margin_rate: float, discount_cost: float
) -> float:
    """Margin the offer adds minus what it costs: the discount is paid on every order that uses it."""
    return (p_treated - p_control) * order_value * margin_rate - p_treated * discount_cost
