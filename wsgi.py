"""Entry point for production servers: gunicorn wsgi:app"""

from profilehost import create_app

app = create_app()
