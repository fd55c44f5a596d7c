"""Who manages API tokens: the campaign office (and superusers), each his own tokens; and the
one permits function the page and the actions ask."""

from __future__ import annotations

from dudao.core.access import get_in_scope_or_404
from dudao.core.permissions import Permits, allow, refuse
from dudao.orgs.access import scope_for

from .models import ApiToken


def may_manage(user) -> bool:
    scope = scope_for(user)
    return bool(scope.is_superuser or scope.office_campaigns)


def token_permits(user, token: ApiToken | None = None) -> Permits:
    permits = Permits()
    if not may_manage(user):
        return permits.add(refuse("create", "只有活动办公室可以建立接口令牌。")).add(
            refuse("revoke", "只有活动办公室可以吊销接口令牌。")
        )
    permits.add(allow("create"))
    if token is not None:
        if token.revoked_at is not None:
            permits.add(refuse("revoke", "该令牌已吊销。", state=True))
        else:
            permits.add(allow("revoke"))
    return permits


def visible_tokens(user):
    if not may_manage(user):
        return ApiToken.objects.none()
    if scope_for(user).is_superuser:
        return ApiToken.objects.all()
    return ApiToken.objects.filter(user=user)


def get_token_for_user(user, token_id) -> ApiToken:
    return get_in_scope_or_404(visible_tokens(user).select_related("user"), token_id)
