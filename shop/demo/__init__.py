"""The demo store: a believable, deterministic catalog with pictures and logins.

`catalog` is the data (category tree, brands, shelves, `COMPLEMENTS`), `products` turns a seed
into product drafts, `descriptions` writes their copy, `images` draws their pictures and
`loader` writes it all to the database for `manage.py load_demo_store`.
"""
