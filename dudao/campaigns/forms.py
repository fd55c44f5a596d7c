from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model

from dudao.orgs.models import Organisation

from .models import Batch, CampaignTemplate

SPLIT = re.compile(r"[、,，;；\s]+")


class CampaignForm(forms.Form):
    template = forms.ModelChoiceField(
        CampaignTemplate.objects.order_by("code", "-version"), label="活动模板", empty_label=None
    )
    root = forms.ModelChoiceField(
        Organisation.objects.filter(parent__isnull=True).order_by("name"),
        label="组织范围（最高一级党委）",
        empty_label=None,
    )
    name = forms.CharField(
        label="活动名称", max_length=200, required=False, help_text="留空则用模板中的正式名称"
    )
    short_name = forms.CharField(
        label="规范简称", max_length=100, required=False, help_text="留空则用模板中的规范简称"
    )
    start_date = forms.DateField(label="开始日期", widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
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
        if template and data.get("short_name") in template.data.get("names", {}).get(
            "forbidden_short", []
        ):
            self.add_error(
                "short_name",
                f"“{data['short_name']}”不是规范简称，请用“{template.data['names']['short']}”。",
            )
        return data


class BatchForm(forms.Form):
    number = forms.IntegerField(label="批次序号", min_value=1, max_value=99)
    name = forms.CharField(label="批次名称", max_length=100)
    scope = forms.CharField(label="参加范围", max_length=255, required=False)
    start_date = forms.DateField(
        label="开始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _users(text: str, field: str) -> list:
    names = [n for n in SPLIT.split(text or "") if n]
    found = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise forms.ValidationError(
            f"账号不存在：{'、'.join(missing)}。请填登录账号（可先导入名册）。"
        )
    return [found[n] for n in dict.fromkeys(names)]


class GroupForm(forms.Form):
    code = forms.CharField(label="组编号", max_length=32)
    name = forms.CharField(label="督导组名称", max_length=100)
    batch = forms.ModelChoiceField(
        Batch.objects.none(), label="批次", required=False, empty_label="不限批次"
    )
    leader = forms.CharField(label="组长账号", max_length=150, required=False)
    members = forms.CharField(
        label="组员账号",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="多个账号用顿号、逗号或空格分开",
    )
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label="调整理由", max_length=200, required=False)

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = campaign.batches.order_by("number")

    def clean_leader(self):
        users = _users(self.cleaned_data["leader"], "leader")
        if len(users) > 1:
            raise forms.ValidationError("组长只能有一位。")
        return users[0] if users else None

    def clean_members(self):
        return _users(self.cleaned_data["members"], "members")


class EnrolForm(forms.Form):
    batch = forms.ModelChoiceField(Batch.objects.none(), label="批次", empty_label=None)
    group = forms.ModelChoiceField(
        Batch.objects.none(), label="督导组", required=False, empty_label="暂不分配"
    )
    units = forms.ModelMultipleChoiceField(
        Organisation.objects.none(),
        label="单位",
        error_messages={"required": "请至少勾选一个单位。"},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["batch"].queryset = campaign.batches.order_by("number")
        self.fields["group"].queryset = campaign.groups.order_by("code")
        self.fields["units"].queryset = Organisation.objects.filter(
            kind="unit", path__startswith=campaign.root.path
        )


class InspectionForm(forms.Form):
    code = forms.CharField(label="组编号", max_length=32)
    name = forms.CharField(label="巡回检查组名称", max_length=100)
    departments = forms.CharField(
        label="负责部门（组织编码）", help_text="多个编码用顿号、逗号或空格分开"
    )
