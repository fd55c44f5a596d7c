from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from dudao.api import api
from dudao.campaigns import first_login_views

admin.site.site_header = "督导通 数据维护"
admin.site.site_title = "督导通"

urlpatterns = [
    # The login-free pages first: a QR scan is resolved in two steps, not after every staff
    # prefix (nothing else starts with s/). The opinion box sits under /s/ so that its paths
    # are kept out of the logs as the answering pages are (surveys/logfilter.py).
    path("s/box/", include("dudao.opinions.public_urls")),
    path("s/", include("dudao.surveys.public_urls")),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path(
        "accounts/campaigns/<int:campaign_id>/first-login-links/",
        first_login_views.first_login_links,
        name="first_login_links",
    ),
    path(
        "accounts/campaigns/<int:campaign_id>/first-login-links.xlsx",
        first_login_views.first_login_links_export,
        name="first_login_links_export",
    ),
    path("accounts/", include("dudao.orgs.urls")),
    path("imports/", include("dudao.imports.urls")),
    path("campaigns/", include("dudao.campaigns.urls")),
    path("records/", include("dudao.records.urls")),
    path("reviews/", include("dudao.reviews.urls")),
    path("surveys/", include("dudao.surveys.urls")),
    path("transitions/", include("dudao.transitions.urls")),
    path("rectification/", include("dudao.rectification.urls")),
    path("r/", include("dudao.rectification.public_urls")),
    path("evaluation/", include("dudao.evaluation.urls")),
    path("e/", include("dudao.evaluation.public_urls")),
    path("supervision/", include("dudao.supervision.urls")),
    path("archive/", include("dudao.archive.urls")),
    path("tokens/", include("dudao.tokens.urls")),
    path("opinions/", include("dudao.opinions.urls")),
    path("reports/", include("dudao.reports.urls")),
    path("", include("dudao.web.urls")),
]
