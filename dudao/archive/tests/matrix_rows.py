"""This app's rows of the access matrix (dudao.testing.matrix)."""

from __future__ import annotations

from dudao.testing.matrix import GROUP1, READ_ALL, UNIT_A, Row

ADMIN = {"admin"}
VIEWERS = READ_ALL | GROUP1 | UNIT_A | ADMIN
EXPORTERS = {"office"} | GROUP1 | UNIT_A | ADMIN


def _part(c):
    from dudao.campaigns.models import Participation

    return Participation.objects.select_related("campaign__template").get(
        campaign=c.campaign, unit=c.unit_a
    )


def _export(c):
    from dudao.archive.actions import request_export
    from dudao.archive.models import ArchiveExport, ExportStatus

    export = ArchiveExport.objects.filter(
        participation__unit=c.unit_a, status=ExportStatus.DONE
    ).first()
    if export is None:
        export = request_export(
            actor=c.user("office"), participation=_part(c), token=f"matrix-{c.unit_a.pk}"
        )
    return export


ROWS = [
    Row(
        name="unit archive",
        route="archive:unit",
        url=lambda c: f"/archive/units/{_part(c).pk}/",
        allowed=VIEWERS,
        shows=lambda c: "完整性清单",
    ),
    Row(
        name="archive export",
        route="archive:export",
        url=lambda c: f"/archive/units/{_part(c).pk}/export/",
        allowed=VIEWERS,
        post=lambda c: {"token": "matrix-post"},
        post_allowed=EXPORTERS,
        post_only=True,
    ),
    Row(
        name="archive download",
        route="archive:download",
        url=lambda c: f"/archive/exports/{_export(c).pk}/download/",
        allowed=EXPORTERS,
    ),
]
