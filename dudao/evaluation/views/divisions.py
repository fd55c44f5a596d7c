"""内设机构 (for the pair 班子成员与分管部门负责人): a unit's divisions page and their import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.errors import DomainError

from .. import rules
from ..access import get_participation_as
from ._common import VIEWERS


def _division_page(request, p, outcome=None):
    from dudao.imports.excel import SPREADSHEET_ACCEPT
    from dudao.orgs.models import Person

    from .. import divisions as div

    permits = div.division_permits(request.user, p)
    people = list(
        Person.objects.filter(unit_id=p.unit_id)
        .order_by("name", "pk")
        .only("pk", "name", "is_leadership")
    )
    return render(
        request,
        "evaluation/divisions.html",
        {
            "p": p,
            "divisions": div.divisions_of([p.unit_id]),
            "may_edit": permits.may("edit"),
            "people": people,
            "team": [x for x in people if x.is_leadership],
            "outcome": outcome,
            "accept": SPREADSHEET_ACCEPT,
            "asks_pairs": "team_with_division_heads"
            in (rules.talk_spec(p.campaign.template) or {}).get("pairs", []),
        },
    )


@login_required
def divisions(request, participation_id):
    """GET: the unit's divisions. POST: add one, change one (``division``) or delete one."""
    from dudao.core.access import get_optional_in_scope_or_404, parse_optional_id

    from .. import divisions as div
    from ..models import Division

    p = get_participation_as(request.user, participation_id, *VIEWERS)
    if request.method != "POST":
        return _division_page(request, p)
    d = get_optional_in_scope_or_404(
        Division.objects.filter(unit_id=p.unit_id), request.POST.get("division")
    )
    try:
        if d is not None and request.POST.get("delete"):
            div.delete_division(actor=request.user, participation=p, division=d)
            messages.success(request, f"已删除“{d.name}”。")
        else:
            saved = div.save_division(
                actor=request.user, participation=p, division=d,
                name=request.POST.get("name", "").replace("\x00", ""),
                head_id=parse_optional_id(request.POST.get("head")),
                in_charge_id=parse_optional_id(request.POST.get("in_charge")),
                expected_version=request.POST.get("version") or None,
            )  # fmt: skip
            messages.success(request, f"已保存“{saved.name}”。")
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
    return redirect("evaluation:divisions", p.pk)


@login_required
@require_POST
def divisions_import(request, participation_id):
    from .. import divisions as div

    p = get_participation_as(request.user, participation_id, *VIEWERS)
    if not div.division_permits(request.user, p).may("import"):
        return HttpResponse(div.division_permits(request.user, p).reason("import"), status=403)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError("请选择要导入的文件。")
        if upload.size > 5 * 1024 * 1024:
            raise DomainError("文件超过 5 MB：内设机构名单不应这么大，请检查文件。")
        outcome = div.import_divisions(actor=request.user, participation=p, data=upload.read())
    except DomainError as exc:
        if exc.code == "forbidden":
            return HttpResponse(exc.message, status=403)
        messages.error(request, exc.message)
        return redirect("evaluation:divisions", p.pk)
    if outcome.written:
        messages.success(request, f"导入完成：{outcome.summary}。")
    else:
        messages.error(request, f"表格有 {len(outcome.problems)} 处错误，未导入。")
    return _division_page(request, p, outcome)
