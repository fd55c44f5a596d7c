"""Who sees a unit's archive and who exports it, and ``archive_permits`` — the one rule the
archive page (to show the button) and the export action (to refuse) both ask.

| who | sees the checklist | exports / downloads the bundle |
|---|---|---|
| office (and superusers) | every unit of its campaign | yes |
| leading group | every unit of its campaign | no (reads only) |
| supervision group | its units (seed 002: the groups keep the archives) | yes |
| unit head / liaison | the unit | yes |
| anyone else | — (404) | — |
"""

from __future__ import annotations

from django.http import Http404

from dudao.campaigns.access import get_participation_for_user
from dudao.core.access import NOT_FOUND, get_in_scope_or_404
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for

from .models import ArchiveExport

UNIT, GROUP, OFFICE, READER = "unit", "group", "office", "reader"


def archive_caps(user, participation) -> set[str]:
    scope = scope_for(user)
    caps: set[str] = set()
    if participation.unit_id in scope.units:
        caps.add(UNIT)
    if participation.group_id is not None and participation.group_id in scope.groups:
        caps.add(GROUP)
    if scope.is_superuser or participation.campaign_id in scope.office_campaigns:
        caps.add(OFFICE)
    if participation.campaign_id in scope.read_all_campaigns:
        caps.add(READER)
    return caps


def archive_permits(user, participation, *, caps: set[str] | None = None) -> Permits:
    caps = archive_caps(user, participation) if caps is None else caps
    permits = Permits()
    if not caps:
        return permits.add(refuse("view", NOT_FOUND)).add(refuse("export", NOT_FOUND))
    permits.add(allow("view"))
    if caps & {UNIT, GROUP, OFFICE}:
        permits.add(allow("export"))
    else:
        permits.add(refuse("export", "领导小组查阅档案；导出档案包由活动办、督导组或本单位进行。"))
    return permits


def get_participation(user, participation_id):
    """The participation whose archive ``user`` may see, or 404 (inspectors, secretaries and
    members see units, not their archives)."""
    participation = get_participation_for_user(user, participation_id)
    if not archive_permits(user, participation).may("view"):
        raise Http404(NOT_FOUND)
    return participation


def get_export_for_user(user, export_id) -> ArchiveExport:
    """An export of a unit whose bundle ``user`` may download (the exporters of that unit)."""
    export = get_in_scope_or_404(
        ArchiveExport.objects.select_related(
            "participation__campaign__template", "participation__unit", "requested_by"
        ),
        export_id,
    )
    permits = archive_permits(user, export.participation)
    if not permits.may("view"):
        raise Http404(NOT_FOUND)
    return export
