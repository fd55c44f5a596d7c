"""Forms of the opinion pages (phone-friendly: one column, native date pickers, no script)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from dudao.core.forms import IdModelChoiceField
from dudao.orgs.models import Person
from dudao.rectification import rules as rect_rules

from .models import Channel, FeedbackForm, GiverKind, Outcome, TargetKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OpinionForm(forms.Form):
    text = forms.CharField(
        label="意见内容",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写意见内容。"},
    )
    channel = forms.ChoiceField(label="征求渠道", choices=Channel.choices)
    giver_kind = forms.ChoiceField(label="意见来源", choices=GiverKind.choices)
    giver_note = forms.CharField(
        label="提出人情况",
        max_length=200,
        required=False,
        help_text="如“区人大代表”。只有本单位和督导组看得到，被提意见的个人看不到。",
    )
    given_on = forms.DateField(
        label="日期",
        widget=DATE,
        error_messages={"required": "请填写日期。", "invalid": "日期格式不对，请写成 2014-03-10。"},
    )
    target_kind = forms.ChoiceField(label="意见对象", choices=TargetKind.choices)
    target_person = IdModelChoiceField(
        label="所提个人",
        queryset=Person.objects.none(),
        required=False,
        empty_label="（对单位或班子的意见不用选）",
    )

    def __init__(self, *args, participation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_person"].queryset = Person.objects.filter(
            unit_id=participation.unit_id
        ).order_by("name", "pk")
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())


class ImportForm(forms.Form):
    file = forms.FileField(label="征求意见汇总表（.xlsx / .xls / .csv）")
    partial = forms.BooleanField(
        label="跳过有错的行，导入其余各行", required=False, help_text="默认全部无误才导入。"
    )


class ClassifyForm(forms.Form):
    codes = forms.MultipleChoiceField(
        label="类别",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一个类别。"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, categories: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(c["code"], c["name"]) for c in categories]


class FeedbackFormForm(forms.Form):
    form = forms.ChoiceField(label="反馈形式", choices=FeedbackForm.choices)
    fed_back_on = forms.DateField(
        label="反馈日期", widget=DATE, error_messages={"required": "请填写反馈日期。"}
    )
    outcome = forms.ChoiceField(
        label="办理结果", choices=[c for c in Outcome.choices if c[0] != Outcome.RECTIFICATION]
    )
    text = forms.CharField(
        label="反馈内容", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    outcome_note = forms.CharField(
        label="办理说明", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("fed_back_on", timezone.localdate())


class HideForm(forms.Form):
    reason = forms.CharField(
        label="屏蔽理由", max_length=200, error_messages={"required": "请填写屏蔽理由。"}
    )


class ToItemForm(forms.Form):
    rect_class = forms.ChoiceField(label="整改类别")
    measures = forms.CharField(
        label="整改措施",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写整改措施。"},
    )

    def __init__(self, *args, template, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rect_class"].choices = rect_rules.class_choices(template)


class BoxForm(forms.Form):
    """The public box's form. ``website`` is a trap for robots: hidden from people by CSS."""

    text = forms.CharField(
        label="您的意见建议",
        min_length=2,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": "请填写意见内容。",
            "min_length": "意见内容太短，请多写几个字。",
            "max_length": "意见内容太长（最多 2000 字），请分几次提交。",
        },
    )
    target_kind = forms.ChoiceField(
        label="意见针对",
        choices=[(TargetKind.ORGANISATION, "单位党组织"), (TargetKind.TEAM, "领导班子")],
        widget=forms.RadioSelect,
        initial=TargetKind.TEAM,
    )
    giver_kind = forms.ChoiceField(
        label="您的身份（可不选）",
        choices=[(GiverKind.ANONYMOUS, "不愿透露")]
        + [c for c in GiverKind.choices if c[0] != GiverKind.ANONYMOUS],
        initial=GiverKind.ANONYMOUS,
    )
    website = forms.CharField(required=False, label="请勿填写此项")
