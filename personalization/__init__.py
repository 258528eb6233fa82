"""Everything that learns from behaviour and changes what a shopper sees.

An umbrella package, not an app: its subpackages are the apps (`recommendations`, `tracking`,
`experiments`, `offers`, `ads`) and the libraries they share (`serving`, Django-free `recsys`).
"""
