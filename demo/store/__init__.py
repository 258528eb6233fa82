"""The demo store: a believable, deterministic catalog with pictures and logins.

`catalog` is the shape (category tree, brands, colours, `COMPLEMENTS`), `shelves` says what
each leaf category sells, `products` turns a seed into product drafts, `descriptions` writes
their copy, `images` draws their pictures (with `icons`) and `loader` writes it all to the
database for `manage.py load_demo_store`.
"""
