"""Access-matrix rows for the account pages (dudao/orgs/urls.py)."""

from __future__ import annotations

from dudao.testing.matrix import ALL_ROLES, Row

OFFICE_AND_ADMIN = {"office", "admin"}


def _first_login_url(cast) -> str:
    from dudao.orgs import actions
    from dudao.orgs.first_login import first_login_path

    person = actions.create_person(
        actor=None, code="P-matrix-new", name="矩阵新人", branch=cast.branch_a1
    )
    user = actions.create_account(
        actor=None, username="matrix-new", full_name="矩阵新人", person=person
    )
    return first_login_path(user)


ROWS = [
    Row(
        name="首次登录链接清单",
        route="first_login_links",
        url=lambda cast: f"/accounts/campaigns/{cast.campaign.pk}/first-login-links/",
        allowed=OFFICE_AND_ADMIN,
        shows=lambda cast: "首次登录链接",
    ),
    Row(
        name="首次登录链接 Excel",
        route="first_login_links_export",
        url=lambda cast: f"/accounts/campaigns/{cast.campaign.pk}/first-login-links.xlsx",
        allowed=OFFICE_AND_ADMIN,
    ),
    # Public pages: anyone, signed in or not, may open them; what they do is bound to the
    # token in the link or to the mailbox, not to the visitor's role.
    Row(
        name="首次登录设置密码",
        route="first_login",
        url=_first_login_url,
        allowed=ALL_ROLES,
        shows=lambda cast: "首次登录",
        public=True,
    ),
    Row(
        name="重设密码",
        route="password_reset",
        url=lambda cast: "/accounts/password-reset/",
        allowed=ALL_ROLES,
        shows=lambda cast: "重设密码",
        public=True,
    ),
    Row(
        name="重设密码邮件已发",
        route="password_reset_done",
        url=lambda cast: "/accounts/password-reset/sent/",
        allowed=ALL_ROLES,
        public=True,
    ),
    Row(
        name="重设密码链接",
        route="password_reset_confirm",
        url=lambda cast: "/accounts/password-reset/MQ/set-password/",
        allowed=ALL_ROLES,
        public=True,
    ),
    Row(
        name="密码已重设",
        route="password_reset_complete",
        url=lambda cast: "/accounts/password-reset/done/",
        allowed=ALL_ROLES,
        public=True,
    ),
]
