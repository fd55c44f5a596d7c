"""Forms of the record pages. Choices (phases, kinds, branches, members) come from the template
and the unit, so each form is built for one participation."""

from __future__ import annotations

import uuid

from django import forms

from . import kinds
from .models import ActivityKind, ExemptionReason, FindingSource, SpeakerRole, TalkForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")

REQUIRED = {"required": "请填写此项。", "invalid": "格式不对，请重新填写。"}


def new_token() -> str:
    """A one-time token for a create form: a second submit of the same form finds the record."""
    return uuid.uuid4().hex


class RecordForm(forms.Form):
    """``ctx`` (``pages.PageContext``): the participation, the user's rights and the unit's
    members, branches and meetings the choices are made of. The phases offered are those a
    record may still go into (a frozen phase is not among them), and the record's own."""

    phase = forms.ChoiceField(label="阶段")
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, ctx, **kwargs):
        super().__init__(*args, **kwargs)
        self.ctx = ctx
        self.participation = ctx.participation
        self.fields["phase"].choices = ctx.phase_choices
        for f in self.fields.values():
            f.error_messages.update(REQUIRED)
            f.error_messages.update(getattr(f, "own_messages", {}))


def _people_choices(people) -> list[tuple[int, str]]:
    return [(p.pk, f"{p.name}（{p.branch.name}）") for p in people]


class SessionForm(RecordForm):
    kind = forms.ChoiceField(label="学习形式")
    date = forms.DateField(label="日期", widget=DATE)
    start_time = forms.TimeField(label="开始时间", required=False, widget=TIME)
    end_time = forms.TimeField(label="结束时间", required=False, widget=TIME)
    hours = forms.DecimalField(
        label="学时", max_digits=4, decimal_places=1, min_value=0.1, max_value=24
    )
    topic = forms.CharField(label="主题", max_length=200)
    speaker = forms.CharField(label="主讲人", max_length=100, required=False)
    speaker_role = forms.ChoiceField(
        label="主讲人身份", required=False, choices=[("", "—")] + SpeakerRole.choices
    )
    branch = forms.ChoiceField(label="范围", required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unit_wide = self.ctx.rights.write_all
        self.fields["kind"].choices = list(kinds.session_kinds(self.participation.campaign).items())
        choices = [("", "全单位")] if unit_wide else []
        self.fields["branch"].choices = choices + [(b.pk, b.name) for b in self.ctx.branches]
        self.fields["branch"].required = not unit_wide


class MeetingForm(RecordForm):
    kind = forms.ChoiceField(label="会议类型")
    date = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(label="会议名称", max_length=200)
    speaker = forms.CharField(label="主讲人/报告人", max_length=100, required=False)
    speaker_role = forms.ChoiceField(
        label="主讲人身份", required=False, choices=[("", "—")] + SpeakerRole.choices
    )
    speaker_person = forms.TypedChoiceField(
        label="主讲人（本单位人员）", required=False, coerce=int, empty_value=None
    )
    branches = forms.TypedMultipleChoiceField(
        label="参加支部（支部会议）",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    attendees = forms.IntegerField(label="参会人数", min_value=0, max_value=1_000_000, initial=0)
    attended_by_group = forms.BooleanField(label="督导组到会", required=False)
    note = forms.CharField(
        label="会议情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds.meeting_kinds(self.participation.campaign).items())
        self.fields["speaker_person"].choices = [("", "—")] + _people_choices(self.ctx.people)
        self.fields["branches"].choices = [(b.pk, b.name) for b in self.ctx.branches]


class TestForm(RecordForm):
    date = forms.DateField(label="日期", widget=DATE)
    # No default title: each campaign names its own test (2005: 党的先进性基本知识检测).
    title = forms.CharField(
        label="名称",
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "如：党的基本知识检测"}),
    )
    full_score = forms.IntegerField(label="满分", min_value=1, max_value=1000, initial=100)
    pass_score = forms.IntegerField(label="及格分", min_value=0, max_value=1000, initial=60)


class ActivityForm(RecordForm):
    kind = forms.ChoiceField(label="类别", choices=ActivityKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    description = forms.CharField(label="事迹或活动内容", widget=forms.Textarea(attrs={"rows": 3}))
    count = forms.IntegerField(label="件数", min_value=1, max_value=1_000_000, initial=1)
    person = forms.TypedChoiceField(label="当事党员", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + _people_choices(self.ctx.people)


class ExemptionForm(RecordForm):
    person = forms.TypedChoiceField(label="党员", coerce=int)
    requirement = forms.ChoiceField(label="免于的要求")
    reason = forms.ChoiceField(label="原因类别", choices=ExemptionReason.choices)
    explanation = forms.CharField(label="情况说明", max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = _people_choices(self.ctx.people)
        phase = self.ctx.phase
        self.fields["requirement"].choices = [
            (
                code,
                f"{r['name']}（可因"
                + "、".join(
                    ExemptionReason(c).label
                    for c in r["applies_to"]["exemptable_categories"]
                    if c in ExemptionReason.values
                )
                + "免于）",
            )
            for code, r in kinds.exemptable(self.participation.campaign, phase).items()
        ]


class TalkRecordForm(RecordForm):
    round_number = forms.IntegerField(label="轮次", min_value=1, max_value=1000, initial=1)
    date = forms.DateField(label="日期", widget=DATE)
    form = forms.ChoiceField(label="形式", choices=TalkForm.choices)
    initiator = forms.TypedChoiceField(label="谈话人", coerce=int)
    participants = forms.TypedMultipleChoiceField(
        label="谈话对象", coerce=int, widget=forms.CheckboxSelectMultiple
    )
    summary = forms.CharField(
        label="谈话要点", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["initiator"].choices = _people_choices(self.ctx.people)
        self.fields["participants"].choices = _people_choices(self.ctx.people)


class ProblemForm(RecordForm):
    source = forms.ChoiceField(label="来源", choices=FindingSource.choices)
    person = forms.TypedChoiceField(
        label="查摆人（空为领导班子）", required=False, coerce=int, empty_value=None
    )
    text = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "领导班子")] + _people_choices(self.ctx.people)


class CriticismForm(RecordForm):
    critic = forms.TypedChoiceField(label="提出人", coerce=int)
    target = forms.TypedChoiceField(label="被批评人", coerce=int)
    meeting = forms.TypedChoiceField(label="会议", required=False, coerce=int, empty_value=None)
    text = forms.CharField(label="批评意见", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = self.ctx.people
        self.fields["critic"].choices = _people_choices(people)
        self.fields["target"].choices = _people_choices(people)
        self.fields["meeting"].choices = [("", "—")] + [(m.pk, str(m)) for m in self.ctx.meetings]


class CorrectionMixin(forms.Form):
    correction_reason = forms.CharField(label="更正理由（必填，将记入档案）", max_length=300)
    correction_reason.own_messages = {"required": "更正已封存的记录须写明理由。"}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "确认"), ("refuse", "不予确认")])
    reason = forms.CharField(label="意见", max_length=300, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="理由", max_length=300, error_messages={"required": "请写明理由。"}
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx、.xls、.ods 或 .csv）",
        error_messages={
            "required": "请选择要上传的 Excel 文件。",
            "empty": "文件是空的（0 字节）。请确认选择了正确的文件。",
        },
    )
    only_valid = forms.BooleanField(label="仅导入无误的行", required=False)


class StudyNoteForm(forms.Form):
    author = forms.TypedChoiceField(label="党员", coerce=int)
    title = forms.CharField(label="标题", max_length=200, required=False)
    text = forms.CharField(
        label="正文（或上传 Word 文件）", required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    upload = forms.FileField(label="Word 文件（.docx）", required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = _people_choices(people)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("upload"):
            raise forms.ValidationError("请填写正文，或上传 .docx 文件。")
        return data
