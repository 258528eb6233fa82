"""Simulated shoppers who use the real site, so personalization can be shown to pay.

`shoppers` draws who they are (hidden tastes, loyalty, visit days), `behaviour` says
what they click and buy, `session` drives one visit through the real URLs with
Django's test client, `run` plays many visits over simulated days, `closed_loop`
chains warm-up traffic, training and an experiment, and `summary` counts it all.
"""
