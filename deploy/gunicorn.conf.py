"""gunicorn settings for production: `gunicorn --config deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Page views are a short query plus a template: sync workers, about two per core, keep latency flat.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never take a server down.
max_requests = 5000
max_requests_jitter = 500
# Uploads are capped by the app (MAX_CONTENT_LENGTH); these guard the HTTP parser itself.
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"
loglevel = "info"
# The app reads X-Forwarded-* only through ProxyFix when PROFILEHOST_TRUST_PROXY is set; gunicorn's own
# forwarded-allow-ips stays at its default (127.0.0.1), for the proxy on the same host.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
