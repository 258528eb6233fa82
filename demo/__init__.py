"""The demo: a believable catalogue (`store`), simulated shoppers (`simulator`) and their commands.

Dev-facing only: nothing in `shop`, `personalization` or `config` imports it.
"""
