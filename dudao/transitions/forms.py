"""Forms of the transition pages. Every decision form carries the version it was shown, so a
decision made on a stale page is refused with who decided first (see ``actions``)."""

from __future__ import annotations

from django import forms


class ApplyForm(forms.Form):
    summary = forms.CharField(
        label="阶段小结",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="本阶段做了哪些工作、达到了哪些要求、还有哪些不足。",
        error_messages={"required": "请填写阶段小结。"},
    )


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ForwardForm(VersionedForm):
    comment = forms.CharField(
        label="督导组审核意见", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class RemedialForm(VersionedForm):
    requirements = forms.MultipleChoiceField(
        label="未达到的要求", required=False, widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(
        label="责令补课的理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写责令补课的理由。"},
    )
    work = forms.CharField(
        label="需要补课的内容",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写明需要补课的内容。"},
    )
    deadline = forms.DateField(
        label="补课期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不填则为两周后。",
    )

    def __init__(self, *args, requirement_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requirements"].choices = list(requirement_choices)


class ApproveForm(VersionedForm):
    comment = forms.CharField(
        label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class SendBackForm(VersionedForm):
    reason = forms.CharField(
        label="退回理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写退回的理由。"},
    )


class ExtensionForm(forms.Form):
    days = forms.IntegerField(
        label="延长天数", min_value=1, max_value=90, error_messages={"required": "请填写延长天数。"}
    )
    reason = forms.CharField(
        label="理由（进度服从质量）",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写延长的理由。"},
    )


class DecideExtensionForm(VersionedForm):
    decision = forms.ChoiceField(
        label="决定",
        choices=[("approve", "同意延长"), ("refuse", "不同意延长")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="理由（不同意时必填）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class MeetingForm(forms.Form):
    meeting = forms.TypedChoiceField(label="会议记录", coerce=int)

    def __init__(self, *args, meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [(m.pk, f"{m.date:%Y-%m-%d} {m.title}") for m in meetings]
