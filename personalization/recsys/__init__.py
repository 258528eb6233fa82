"""Recommenders that learn from shoppers' behaviour; imports nothing from Django.

The same code runs in the Celery training worker, in a notebook and in the benchmark CLI
(``python -m personalization.recsys.benchmark``).

Contract with the Django layer
------------------------------
Training (``personalization.recsys.pipeline``)::

    model, metrics, stats = train_and_evaluate(
        rows,                      # (user_id, item_id, timestamp[, event_type]) tuples or mappings
        item_features=features,    # optional {item_id: {"category", "brand", "price", "title"}}
        model_name="sasrec",       # "sasrec" | "popularity" | "covisit" | "fbt"
        config={"epochs": 60},     # model config and TrainerConfig fields, mixed
        device="auto",             # "auto" (cuda when available) | "cpu" | "cuda"
        progress=callback,         # callback(epoch, loss, val_metrics) for torch models
        choices=logged_clicks,     # optional [choices.Choice]: lists shown and the card clicked
    )
    blob = model.to_bytes()        # store as the ModelVersion artifact
    metrics                        # JSON-safe: HR@10, NDCG@10, Recall@20, MRR, coverage@10, ...
    stats.as_dict()                # JSON-safe snapshot: users, items, interactions, date range, drops

``timestamp`` is epoch seconds, an ISO-8601 string or a datetime. Event types are
``view``, ``add_to_cart`` and ``purchase`` (weights in ``data.DEFAULT_EVENT_WEIGHTS``);
rows with other types are dropped and counted in ``stats.dropped``. Metrics come from a
chronological leave-last-out holdout ranked against the whole catalog
(``evaluation.py``); the returned model is the one that was evaluated (``refit=True``
retrains on everything).

Serving (``models.base.Recommender``)::

    model = Recommender.from_bytes(blob)               # any model kind; weights_only load
    model.score_candidates(recent_ids, candidate_ids)  # [n_candidates] float32, -inf = unknown id
    model.recommend(recent_ids, k=10)                  # [(item_id, score)], history excluded
    model.score([model.history_from_ids(recent_ids, event_types, timestamps)])  # [1, n_items + 1]

Ids are the shop's raw ids (the artifact keeps the raw id <-> index mapping; index 0 is
padding). ``recent_ids`` are oldest first; ids the model never saw are ignored. The
sequential model caches its item matrix, so scoring 10,000 candidates for one visitor
is a forward pass over the visitor's items plus one matrix-vector product (a few
milliseconds on CPU). Web processes should run torch with one intra-op thread
(``torch.set_num_threads(1)``): on a busy 2-core machine extra threads only wait on
each other.

Modules
-------
``data``          rows -> per-user sequences, item index, ``SnapshotStats``
``content``       category / brand / price band / hashed title ids per item
``models/``       ``Recommender`` base; popularity (all-time and the last 7 days), co-visitation +
                  frequently-bought-together, ``sasrec/`` (network, model, its inputs and data
                  heuristics, and ``plain.py``, the plain SASRec+ reference it is measured against),
                  and SASRec's second stage (brand, category and price affinities, co-visitation with
                  the newest history items, ``affinity.py``)
``choices``       logged clicks among a list's cards, which teach the affinity stage
``trainer``       AdamW, seeding, early stopping on validation NDCG@10 (optionally spaced evaluations,
                  a sample of validation users, learning-rate warm-up), device choice, checkpoints;
                  runs a model's post-training stages
``stages``        what runs after the epochs: the affinity stage, the validation tail
``metrics``       HR@K, NDCG@K, Recall@K, MRR, coverage, popularity bias, per-segment metrics
``evaluation``    leave-last-out and global time splits, full-ranking evaluation with cold-start
                  segments (new items, users with one or two events), novelty and brand exposure
``generators``    shop-shaped data sets (chains of complements, consumables, seasons, new items
                  daily, short and long sessions, heavy-tailed popularity) for the benchmark
``pipeline``      ``train_and_evaluate``, the call above
``sources``       CSV files and MovieLens-100K (from the ``recbole`` wheel) for the benchmark
``benchmark``     the command-line benchmark
"""
