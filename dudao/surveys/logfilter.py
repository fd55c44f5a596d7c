"""Keep one-time codes out of every log line the application writes (docs/anonymity.md).

A code reaches a request line only through the QR link (/s/<code>/) or a hand-made URL; a log
line with that path and its time would tie a code to a moment. So every path under /s/ is
written as ``/s/…`` by:

- ``RedactAnswerPaths``: a logging filter on the application's handlers (settings.LOGGING), for
  Django's request and development-server loggers and anything else that logs a path;
- ``GunicornLogger``: gunicorn's logger class (config/gunicorn.conf.py), for its access log.
"""

from __future__ import annotations

import logging
import re

ANSWER_PATH = re.compile(r"/s/[^\s\"'<>]*")
HIDDEN = "/s/…"


def redact(text: str) -> str:
    return ANSWER_PATH.sub(HIDDEN, text)


class RedactAnswerPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler to report
            return True
        if "/s/" in message:
            record.msg, record.args = redact(message), None
        if record.exc_text and "/s/" in record.exc_text:
            record.exc_text = redact(record.exc_text)
        request = getattr(record, "request", None)
        if request is not None and "/s/" in getattr(request, "path", ""):
            record.request = None  # Django's AdminEmailHandler would print it
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is the production server, not needed by tests or the demo
    _GunicornLogger = object


class GunicornLogger(_GunicornLogger):  # type: ignore[misc, valid-type]
    """gunicorn's logger, with answering paths and their query strings hidden in the access
    log (the error log goes through ``redact`` too)."""

    def access(self, resp, req, environ, request_time):
        path = environ.get("PATH_INFO", "")
        raw = environ.get("RAW_URI", "")
        if path.startswith("/s/") or raw.startswith("/s/"):
            environ = {**environ, "PATH_INFO": HIDDEN, "RAW_URI": HIDDEN, "QUERY_STRING": ""}
        return super().access(resp, req, environ, request_time)

    def error(self, msg, *args, **kwargs):
        return super().error(redact(str(msg) % args if args else str(msg)), **kwargs)

    def info(self, msg, *args, **kwargs):
        return super().info(redact(str(msg) % args if args else str(msg)), **kwargs)
