"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

The logger class hides /s/ (answering) paths in the access and error logs, so that no log line
pairs a one-time code with a time (docs/anonymity.md, docs/deployment.md)."""

import os

bind = os.environ.get("DUDAO_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DUDAO_GUNICORN_WORKERS", "4"))
logger_class = "dudao.surveys.logfilter.GunicornLogger"
accesslog = os.environ.get("DUDAO_ACCESS_LOG", "-")
