"""Server-rendered storefront pages, one module per area as in shop/api/views/: parse, call, render."""
