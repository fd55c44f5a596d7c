from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from dudao.web.wsgi import Application  # noqa: E402  (after the settings module is named)

application = Application()
