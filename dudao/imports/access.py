"""Permission-checked fetches of the import pages, built on ``dudao.core.access``.

| who | may |
|---|---|
| the office of any campaign, superusers | import rosters |
| the campaign's office, superusers | import a campaign's set-up |
| the uploader (and superusers) | see an import job, its errors, and run it |
"""

from __future__ import annotations

from django.http import Http404

from dudao.campaigns.access import get_campaign_for_manager
from dudao.core.access import NOT_FOUND, get_in_scope_or_404
from dudao.orgs.access import scope_for

from .models import ImportJob

__all__ = ["get_campaign_for_manager", "get_job_for_user", "require_roster_importer"]


def require_roster_importer(user) -> None:
    if not scope_for(user).can_import_roster():
        raise Http404(NOT_FOUND)


def visible_jobs(user):
    qs = ImportJob.objects.select_related("campaign")
    if not user.is_superuser:
        qs = qs.filter(uploaded_by=user)
    return qs


def get_job_for_user(user, job_id) -> ImportJob:
    """An import job is visible to its uploader (and superusers) only."""
    return get_in_scope_or_404(visible_jobs(user).defer("content"), job_id)
