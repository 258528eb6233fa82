"""Recommenders sharing the :class:`~personalization.recsys.models.base.Recommender` contract.

Importing this package registers every model under its ``name`` so that
``Recommender.from_bytes`` can rebuild any artifact.
"""

from personalization.recsys.models.base import History, Recommender, TorchRecommender
from personalization.recsys.models.covisitation import CoVisitation, FrequentlyBoughtTogether
from personalization.recsys.models.popularity import Popularity, RecentPopularity
from personalization.recsys.models.regression import ItemRegression
from personalization.recsys.models.sasrec import PlainSASRec, SASRec

__all__ = [
    "CoVisitation",
    "FrequentlyBoughtTogether",
    "History",
    "ItemRegression",
    "PlainSASRec",
    "Popularity",
    "RecentPopularity",
    "Recommender",
    "SASRec",
    "TorchRecommender",
]
