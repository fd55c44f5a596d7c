from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.core.todo import providers, todo_count, todo_sections

from .helpers import problem

pytestmark = pytest.mark.django_db


def _fresh(user):
    # A new user object per request: the scope and templates are cached per request on it.
    return get_user_model().objects.get(pk=user.pk)


def _queries(fn, user):
    user = _fresh(user)
    with CaptureQueriesContext(connection) as ctx:
        fn(user)
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "role", ["group_leader", "unit_head", "office", "secretary", "inspector", "leading"]
)
def test_the_navigation_count_is_one_query_per_provider(cast, role):
    # The scope (2 queries) and the campaigns' document kinds (1) once per request.
    assert _queries(todo_count, cast.user(role)) <= len(providers()) + 3


def test_the_list_does_not_grow_with_the_problems(cast):
    problem(cast)
    one = _queries(todo_sections, cast.user("unit_head"))
    for n in range(5):
        problem(cast, description=f"第{n}个问题")
    assert _queries(todo_sections, cast.user("unit_head")) == one


def test_the_inspectors_list_does_not_grow_with_his_units_and_findings(cast):
    from dudao.campaigns.actions import enrol_unit
    from dudao.campaigns.models import Batch
    from dudao.orgs.actions import create_organisation
    from dudao.orgs.models import OrgKind
    from dudao.supervision.inspection import check_in_force

    from .helpers import part

    made = []

    def findings(n):
        for _ in range(n):
            made.append(
                check_in_force(
                    actor=cast.user("inspector"),
                    participation=part(cast, cast.unit_c),
                    mechanism=f"工作机制{len(made)}",
                    in_force=False,
                    method="查阅记录",
                    note="未执行",
                )
            )

    findings(1)
    one = _queries(todo_sections, cast.user("inspector"))
    batch = Batch.objects.filter(campaign=cast.campaign).first()
    for n in range(3):
        unit = create_organisation(
            actor=cast.user("admin"),
            code=f"U1{n}",
            name=f"市直单位{n}",
            kind=OrgKind.UNIT,
            parent=cast.department,
        )
        enrol_unit(actor=cast.user("admin"), campaign=cast.campaign, batch=batch, unit=unit)
    findings(4)
    assert _queries(todo_sections, cast.user("inspector")) == one
    sections = dict(todo_sections(_fresh(cast.user("inspector"))))
    assert len(sections["本检查周期尚未检查的单位"]) == 4
    assert len(sections["未落实待复查的制度和机制"]) == 5


def test_a_double_submitted_problem_form_records_one_problem(cast):
    from dudao.supervision.models import Problem

    first = problem(cast, client_token="form-1")
    again = problem(cast, client_token="form-1")
    assert first.pk == again.pk and Problem.objects.count() == 1
