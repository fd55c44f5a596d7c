"""The public list (公示): no login, no personal data; the page and its QR code."""

from __future__ import annotations

import segno
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from .. import rules
from ..models import Publication
from ._common import _today, _with_lights


def public_list(request, token):
    pub = get_object_or_404(
        Publication.objects.select_related("participation__campaign__template"),
        token=str(token)[:32],
        withdrawn_at__isnull=True,
    )
    p = pub.participation
    template = p.campaign.template
    # Only these columns leave the building: no names, accounts or co-owners' names.
    items = list(
        p.rectification_items.order_by("number").only(
            "number",
            "problem",
            "rect_class",
            "lead_post",
            "status",
            "deadline",
            "original_deadline",
            "closed_on",
            "explanation",
            "participation_id",
        )
    )
    _with_lights(items, template, _today())
    return render(
        request,
        "rectification/public.html",
        {
            "p": p,
            "items": items,
            "class_names": dict(rules.class_choices(template)),
            "published_at": pub.published_at,
        },
    )


def public_qr(request, token):
    pub = get_object_or_404(Publication, token=str(token)[:32], withdrawn_at__isnull=True)
    url = request.build_absolute_uri(reverse("rectification_public:list", args=[pub.token]))
    svg = segno.make(url, error="m").svg_inline(scale=6)
    return HttpResponse(svg, content_type="image/svg+xml")
