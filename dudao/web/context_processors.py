from __future__ import annotations

from dudao.campaigns.terms import UserTerms
from dudao.orgs.access import scope_for
from dudao.orgs.models import Role


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)
    labels = [Role(r).label for r in sorted(scope.roles)]
    if scope.is_superuser:
        labels.insert(0, "系统管理员")
    if not labels:
        labels = ["党员"]
    return {
        "dudao_scope": scope,
        "dudao_role_labels": labels,
        # Pages that name no campaign use the terms of the user's campaign ({% term %}).
        "dudao_user_terms": UserTerms(lambda: scope.campaign_ids()),
    }
