"""Forms of the supervision pages: one column, native date pickers, a phone's camera for
photos. Every form works without JavaScript; the visit form's script only keeps a draft."""

from __future__ import annotations

from django import forms

from dudao.core.forms import IdModelMultipleChoiceField
from dudao.rectification.forms import DATE, MultipleFileField, MultipleFileInput

from .models import ClaimKind, NoticeEvent, VisitKind


def _text(label: str, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"请填写{label}。"},
    )


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label="方式", choices=VisitKind.choices, widget=forms.RadioSelect)
    happened_on = forms.DateField(
        label="日期", widget=DATE, error_messages={"invalid": "日期格式应为 年-月-日。"}
    )
    spoke = forms.BooleanField(label="组长（组员）在会上讲话", required=False)
    people_count = forms.IntegerField(
        label="接触人数",
        min_value=0,
        max_value=100000,
        initial=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"invalid": "接触人数应为整数。", "min_value": "接触人数不能为负数。"},
    )
    people_kinds = forms.CharField(
        label="人员类别",
        max_length=200,
        required=False,
        help_text="如：班子成员 3 人、普通党员 8 人、服务对象 5 人",
    )
    notes = _text("情况记录", required=False, rows=4)
    photos = MultipleFileField(
        label="现场照片",
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text="jpg、png、webp，每张不超过 10 MB，最多 9 张。",
    )
    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class ProblemForm(forms.Form):
    description = _text("发现的问题")
    requirement = _text("整改要求", required=False, rows=2)
    deadline = forms.DateField(
        label="答复时限", required=False, widget=DATE, help_text="不填则按活动模板的默认天数。"
    )
    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class AnswerForm(forms.Form):
    answer = _text("答复（如何解决的）")
    version = forms.IntegerField(widget=forms.HiddenInput)


class VerifyForm(forms.Form):
    decision = forms.ChoiceField(
        label="核实结论",
        choices=[("solved", "已解决"), ("send_back", "未解决，退回")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择核实结论。"},
    )
    reason = _text("退回理由", required=False, rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput)


class DrawForm(forms.Form):
    claim_kind = forms.ChoiceField(label="核实对象", choices=ClaimKind.choices)
    count = forms.IntegerField(label="抽取数量", min_value=1, max_value=50, initial=3)


class CheckResultForm(forms.Form):
    result = forms.ChoiceField(
        label="核实结果",
        choices=[("confirmed", "属实"), ("discrepancy", "与实际不符")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择核实结果。"},
    )
    method = forms.CharField(label="核实方式", max_length=200, help_text="如：电话核实 3 人")
    finding = _text("核实情况", required=False, rows=2)


class NarrativeForm(forms.Form):
    narrative = _text("本周工作情况", required=False, rows=8)
    version = forms.IntegerField(widget=forms.HiddenInput)
    submit = forms.BooleanField(required=False, widget=forms.HiddenInput)


class PreferencesForm(forms.Form):
    def __init__(self, *args, prefs, **kwargs):
        super().__init__(*args, **kwargs)
        for event in NoticeEvent:
            pref = prefs[event.value]
            self.fields[f"app_{event.value}"] = forms.BooleanField(
                label=f"{event.label}：站内通知", required=False, initial=pref.in_app
            )
            self.fields[f"mail_{event.value}"] = forms.BooleanField(
                label=f"{event.label}：邮件通知", required=False, initial=pref.mail
            )


class InterviewForm(forms.Form):
    interviewee = forms.CharField(
        label="约谈对象", max_length=100, help_text="如：王建国（局长、党委书记）"
    )
    held_on = forms.DateField(label="约谈日期", widget=DATE)
    reason = _text("约谈原因")
    problems = IdModelMultipleChoiceField(
        label="相关问题", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    said = _text("谈话内容")
    promised = _text("表态和承诺", required=False, rows=2)
    follow_up_on = forms.DateField(label="跟踪日期", widget=DATE)

    def __init__(self, *args, problems, **kwargs):
        super().__init__(*args, **kwargs)
        # The unit's own problems only: the queryset is the scope of the choice.
        self.fields["problems"].queryset = problems


class OutcomeForm(forms.Form):
    outcome = _text("跟踪结果")
