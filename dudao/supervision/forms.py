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


# --- typical experiences ---------------------------------------------------------------------

EVIDENCE_FILES = "image/jpeg,image/png,image/webp,application/pdf,.docx,.xlsx"


class ExperienceForm(forms.Form):
    title = forms.CharField(
        label="标题", max_length=200, error_messages={"required": "请填写标题。"}
    )
    practice = _text("主要做法", rows=6)
    evidence = _text("佐证情况", required=False, rows=3)
    visits = IdModelMultipleChoiceField(
        label="相关调研记录",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    documents = IdModelMultipleChoiceField(
        label="相关文书",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    files = MultipleFileField(
        label="附件",
        required=False,
        widget=MultipleFileInput(attrs={"accept": EVIDENCE_FILES}),
        help_text="照片 jpg、png、webp，文档 pdf、docx、xlsx，每个不超过 10 MB，最多 9 个。",
    )
    client_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, visits=None, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if visits is None:
            del self.fields["visits"], self.fields["documents"]
        else:
            self.fields["visits"].queryset = visits
            self.fields["visits"].label_from_instance = lambda v: (
                f"{v.happened_on:%Y-%m-%d} {v.get_kind_display()}"
            )
            self.fields["documents"].queryset = documents
            self.fields["documents"].label_from_instance = lambda d: d.title or "文书"


class ExperienceEditForm(forms.Form):
    title = forms.CharField(
        label="标题", max_length=200, error_messages={"required": "请填写标题。"}
    )
    practice = _text("主要做法", rows=6)
    evidence = _text("佐证情况", required=False, rows=3)
    files = MultipleFileField(
        label="补充附件",
        required=False,
        widget=MultipleFileInput(attrs={"accept": EVIDENCE_FILES}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class ExperienceDecisionForm(forms.Form):
    reason = _text("退回理由", required=False, rows=2)
    version = forms.IntegerField(widget=forms.HiddenInput)


# --- roving inspection -----------------------------------------------------------------------


class InspectionCheckForm(forms.Form):
    regulation = forms.TypedChoiceField(
        label="检查的制度", required=False, coerce=int, empty_value=None
    )
    mechanism = forms.CharField(
        label="或：检查的工作机制",
        max_length=200,
        required=False,
        help_text="不在制度台账中的工作机制，写明名称。",
    )
    in_force = forms.TypedChoiceField(
        label="检查结果",
        choices=[("1", "有效执行"), ("0", "未落实")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择检查结果。"},
    )
    method = forms.CharField(
        label="检查方式",
        max_length=200,
        help_text="如：查阅会议记录 3 份、个别访谈 5 人",
        error_messages={"required": "请填写检查方式。"},
    )
    note = _text("检查意见", required=False, rows=2)
    checked_on = forms.DateField(
        label="检查日期", widget=DATE, error_messages={"invalid": "日期格式应为 年-月-日。"}
    )

    def __init__(self, *args, regulations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regulation"].choices = [("", "（不是台账中的制度）")] + [
            (r.pk, f"{r.title}（{r.adopted_on:%Y年%m月}制定，{r.get_check_status_display()}）")
            for r in regulations
        ]


class ExchangeForm(forms.Form):
    held_on = forms.DateField(
        label="日期", widget=DATE, error_messages={"invalid": "日期格式应为 年-月-日。"}
    )
    attendees = forms.CharField(
        label="单位参加人员",
        max_length=300,
        help_text="如：党委书记、分管副书记、组织科长",
        error_messages={"required": "请填写单位参加人员。"},
    )
    views = _text("检查组反馈的意见", rows=4)
    response = _text("单位的表态", required=False, rows=3)


class InspectionCompileForm(forms.Form):
    period_start = forms.DateField(
        label="起始日期", widget=DATE, error_messages={"invalid": "日期格式应为 年-月-日。"}
    )
    period_end = forms.DateField(
        label="截止日期", widget=DATE, error_messages={"invalid": "日期格式应为 年-月-日。"}
    )


class InspectionNarrativeForm(forms.Form):
    narrative = _text("检查情况", required=False, rows=8)
    version = forms.IntegerField(widget=forms.HiddenInput)
