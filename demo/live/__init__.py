"""Simulated traffic that keeps playing while the site is served, so the closed loop can be watched.

`services` holds every write (staff start and stop it; the process reports), `selectors` reads its
status for the staff page, and `loop` is what the `demo_live_traffic` process runs.
"""
