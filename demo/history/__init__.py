"""The demo's history: simulated shoppers, trained models, the ranker experiment and the demo logins' own visits.

`build` plays it (in the foreground with `manage.py prepare_demo`, or beside the server with `make run`),
`services` holds every write of its one status row, and `selectors` reads that row for staff.
"""
