"""The staff console at /staff/: experiments, model versions, campaigns and ads, tracking health.

Not an app (no models): pages, their selectors and the access rule; each section reads the app that
owns its facts and writes only through that app's services.
"""
