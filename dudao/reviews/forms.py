"""Forms of the reviews pages. They only parse input; rules live in the actions."""

from __future__ import annotations

from django import forms

from .models import MilestoneKind, ReferenceKind, ReviewDecision
from .rules import SCORE_CHOICES


class SubmitForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200, required=False)
    text = forms.CharField(
        label="正文（或上传 .docx）", widget=forms.Textarea(attrs={"rows": 14}), required=False
    )
    # A plain file input: the clearable one's "clear" box has nothing to clear here, and a
    # stray value in it turned the upload into False.
    upload = forms.FileField(
        label="上传 Word 文件（.docx）", required=False, widget=forms.FileInput
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("upload"):
            raise forms.ValidationError("请填写正文或上传 .docx 文件。")
        return data


class NewDocumentForm(SubmitForm):
    participation = forms.TypedChoiceField(label="单位", coerce=int)
    kind = forms.ChoiceField(label="文书类型")
    author = forms.TypedChoiceField(
        label="本人（个人材料）", coerce=int, required=False, empty_value=None
    )

    field_order = ["participation", "kind", "author", "title", "text", "upload"]

    def __init__(self, *args, participations, kinds, authors, **kw):
        super().__init__(*args, **kw)
        self.fields["participation"].choices = [(p.pk, p.unit_name) for p in participations]
        self.fields["kind"].choices = [(k.code, k.name) for k in kinds]
        self.fields["author"].choices = [("", "（单位材料不选）")] + [
            (p.pk, f"{p.name}（{p.branch.name}）") for p in authors
        ]


class CommentForm(forms.Form):
    quote = forms.CharField(label="引用原文", widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label="批注意见", widget=forms.Textarea(attrs={"rows": 3}))
    start = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    version_number = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(label="答复", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CheckForm(forms.Form):
    addressed = forms.TypedChoiceField(
        label="是否已修改",
        choices=[("1", "已修改"), ("0", "未修改")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="说明", required=False, max_length=500)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结论", choices=ReviewDecision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label="理由（退回、推倒重来必填）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, items=(), **kw):
        super().__init__(*args, **kw)
        self.items = list(items)
        for item in self.items:
            self.fields[f"score_{item['code']}"] = forms.TypedChoiceField(
                label=item["text"],
                choices=[("", "—")] + list(SCORE_CHOICES),
                coerce=int,
                required=False,
                empty_value=None,
            )

    def checklist(self) -> dict:
        return {
            i["code"]: self.cleaned_data.get(f"score_{i['code']}")
            for i in self.items
            if self.cleaned_data.get(f"score_{i['code']}") is not None
        }


class MilestoneForm(forms.Form):
    kind = forms.ChoiceField(label="环节", choices=MilestoneKind.choices)
    started_on = forms.DateField(
        label="日期（公示开始 / 通过或批准）", widget=forms.DateInput(attrs={"type": "date"})
    )
    ended_on = forms.DateField(
        label="公示结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label="情况说明", required=False, max_length=500)


class ReferenceForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=ReferenceKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    text = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    upload = forms.FileField(label="或上传 .docx", required=False, widget=forms.FileInput)
