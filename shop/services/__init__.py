"""Every write of the shop: `<noun>_<verb>(*, ...)` functions, one module per noun."""
