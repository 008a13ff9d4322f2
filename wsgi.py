"""Entry point for production servers: gunicorn wsgi:app"""

from profilehost import create_app
from profilehost.config import require_secret_key

app = create_app()
# Without a key gunicorn stops at start, saying which command makes one, instead of answering every request 500.
require_secret_key(app.config)
