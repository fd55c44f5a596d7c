"""Forms of the campaign set-up pages. They parse and validate input; rules live in actions."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from dudao.core.forms import IdModelChoiceField, IdModelMultipleChoiceField
from dudao.orgs.access import visible_organisations
from dudao.orgs.models import Organisation, OrgKind, Person

from .models import Batch, CampaignTemplate, SupervisionGroup
from .terms import terms_of

SPLIT = re.compile(r"[、,，;；\s]+")

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


def split_tokens(text: str) -> list[str]:
    """Usernames or codes typed in one box, separated by 、 , ， ; ； or spaces; order kept."""
    return list(dict.fromkeys(t for t in SPLIT.split(text or "") if t))


def resolve_accounts(text: str, campaign) -> list:
    """Accounts named by username or by person code (人员编号).

    Only accounts of people inside the campaign's organisation range, or accounts without a
    person record (e.g. cadres seconded from a higher organ), are accepted: the office cannot
    staff a group with, or probe for, people of another city.
    """
    tokens = split_tokens(text)
    if not tokens:
        return []
    User = get_user_model()
    by_name = {
        u.username: u
        for u in User.objects.filter(username__in=tokens, is_active=True).select_related("person")
    }
    by_code = {
        p.code: p.user
        for p in Person.objects.filter(code__in=tokens, user__is_active=True).select_related(
            "user", "branch"
        )
    }
    users = {t: by_name.get(t) or by_code.get(t) for t in tokens}
    branch_ids = {
        person.branch_id
        for user in users.values()
        if user is not None and (person := getattr(user, "person", None)) is not None
    }
    inside = set(
        Organisation.objects.filter(
            pk__in=branch_ids, path__startswith=campaign.root.path
        ).values_list("pk", flat=True)
    )
    found, missing, outside = [], [], []
    for token, user in users.items():
        if user is None:
            missing.append(token)
            continue
        person = getattr(user, "person", None)
        if person is not None and person.branch_id not in inside:
            outside.append(token)
            continue
        if user not in found:
            found.append(user)
    problems = []
    if missing:
        problems.append(
            f"找不到账号“{'、'.join(missing)}”：请填登录账号或人员编号（没有账号的人员请先导入名册或开通账号）。"
        )
    if outside:
        problems.append(f"“{'、'.join(outside)}”不在本活动的组织范围内。")
    if problems:
        raise forms.ValidationError(" ".join(problems))
    return found


class TemplateChoiceField(IdModelChoiceField):
    def label_from_instance(self, obj: CampaignTemplate) -> str:
        return f"{obj.name}（{obj.code}，第 {obj.version} 版）"


class CampaignForm(forms.Form):
    template = TemplateChoiceField(
        CampaignTemplate.objects.order_by("code", "-version"),
        label="活动模板",
        empty_label=None,
        error_messages={"invalid_choice": "所选模板不存在，请重新选择。"},
    )
    root = IdModelChoiceField(
        Organisation.objects.none(),
        label="组织范围（最高一级党委）",
        empty_label=None,
        error_messages={"invalid_choice": "请从列表中选择组织范围。"},
    )
    name = forms.CharField(
        label="活动名称", max_length=200, required=False, help_text="留空则用模板中的正式名称"
    )
    short_name = forms.CharField(
        label="规范简称", max_length=100, required=False, help_text="留空则用模板中的规范简称"
    )
    start_date = forms.DateField(label="开始日期", **DATE)
    end_date = forms.DateField(label="结束日期", required=False, **DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Top-level organisations the user may see: all for a superuser, his campaigns' roots
        # for an office clerk.
        self.fields["root"].queryset = (
            visible_organisations(user).filter(parent__isnull=True).order_by("name")
        )

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", "结束日期不能早于开始日期。")
        template = data.get("template")
        names = template.data.get("names", {}) if template else {}
        if data.get("short_name") and data["short_name"] in names.get("forbidden_short", []):
            self.add_error(
                "short_name",
                f"“{data['short_name']}”不是规范简称，请用“{names.get('short', '')}”。",
            )
        return data


class CampaignEditForm(forms.Form):
    name = forms.CharField(label="活动名称", max_length=200)
    short_name = forms.CharField(label="规范简称", max_length=100)
    start_date = forms.DateField(label="开始日期", **DATE)
    end_date = forms.DateField(label="结束日期", required=False, **DATE)
    reason = forms.CharField(label="修改说明", max_length=200, required=False)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class BatchForm(forms.Form):
    number = forms.IntegerField(label="批次序号", min_value=1, max_value=99)
    name = forms.CharField(label="批次名称", max_length=100)
    scope = forms.CharField(label="参加范围", max_length=255, required=False)
    start_date = forms.DateField(label="开始日期", required=False, **DATE)
    end_date = forms.DateField(label="结束日期", required=False, **DATE)


class BatchEditForm(forms.Form):
    name = forms.CharField(label="批次名称", max_length=100)
    scope = forms.CharField(label="参加范围", max_length=255, required=False)
    start_date = forms.DateField(label="开始日期", required=False, **DATE)
    end_date = forms.DateField(label="结束日期", required=False, **DATE)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class GroupForm(forms.Form):
    code = forms.CharField(label="组编号", max_length=32)
    name = forms.CharField(label="督导组名称", max_length=100)
    batch = IdModelChoiceField(
        Batch.objects.none(), label="批次", required=False, empty_label="不限批次"
    )
    leader = forms.CharField(
        label="组长",
        max_length=150,
        required=False,
        help_text="填登录账号或人员编号",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    members = forms.CharField(
        label="组员",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="填登录账号或人员编号，多个用顿号、逗号或空格分开",
    )
    reason = forms.CharField(
        label="调整理由",
        max_length=200,
        required=False,
        help_text="调离组员或更换组长时必填",
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["batch"].queryset = campaign.batches.order_by("number")
        self.fields["name"].label = f"{terms_of(campaign)['group']}名称"

    def clean_leader(self):
        text = self.cleaned_data["leader"]
        if len(split_tokens(text)) > 1:
            raise forms.ValidationError("组长只能有一位：其他人请填在组员中。")
        users = resolve_accounts(text, self.campaign)
        return users[0] if users else None

    def clean_members(self):
        return resolve_accounts(self.cleaned_data["members"], self.campaign)

    def clean(self):
        data = super().clean()
        leader = data.get("leader")
        if leader is not None and leader in (data.get("members") or []):
            self.add_error("members", "组长不必再列为组员。")
        return data


class EnrolForm(forms.Form):
    batch = IdModelChoiceField(
        Batch.objects.none(),
        label="列入批次",
        empty_label=None,
        error_messages={"invalid_choice": "请选择本活动的批次。"},
    )
    group = IdModelChoiceField(
        SupervisionGroup.objects.none(),
        label="督导组",
        required=False,
        empty_label="暂不分配",
        error_messages={"invalid_choice": "请选择本活动的督导组。"},
    )
    units = IdModelMultipleChoiceField(
        Organisation.objects.none(),
        label="单位",
        error_messages={
            "required": "请至少勾选一个单位。",
            "invalid_choice": "所选单位不在本活动的组织范围内，不能列入。",
            "invalid_pk_value": "单位编号有误。",
        },
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = campaign.batches.order_by("number")
        self.fields["group"].queryset = campaign.groups.order_by("code")
        group = terms_of(campaign)["group"]
        self.fields["group"].label = group
        self.fields["group"].error_messages["invalid_choice"] = f"请选择本活动的{group}。"
        self.fields["units"].queryset = Organisation.objects.filter(
            kind=OrgKind.UNIT, path__startswith=campaign.root.path
        )


class InspectionForm(forms.Form):
    code = forms.CharField(label="组编号", max_length=32)
    name = forms.CharField(label="巡回检查组名称", max_length=100)
    departments = forms.CharField(
        label="负责部门（组织编码）", help_text="多个编码用顿号、逗号或空格分开"
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign

    def clean_departments(self):
        return resolve_departments(self.cleaned_data["departments"], self.campaign)


class InspectionEditForm(InspectionForm):
    code = None
    departments = forms.CharField(
        label="负责部门（组织编码）",
        required=False,
        help_text="多个编码用顿号、逗号或空格分开；留空表示暂不负责任何部门",
    )
    reason = forms.CharField(label="调整理由", max_length=200, required=False)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


def resolve_departments(text: str, campaign) -> list[Organisation]:
    """Organisations named by code, inside the campaign's range (others read as unknown)."""
    codes = split_tokens(text)
    found = {
        o.code: o
        for o in Organisation.objects.filter(code__in=codes).filter(
            Q(path__startswith=campaign.root.path)
        )
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise forms.ValidationError(
            f"本活动组织范围内没有编码为“{'、'.join(missing)}”的组织，请核对组织编码。"
        )
    return [found[c] for c in codes]
