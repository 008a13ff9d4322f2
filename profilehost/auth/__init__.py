from . import email_views  # noqa: F401  (its routes join the auth blueprint of views.py)
