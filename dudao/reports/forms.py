from __future__ import annotations

from django import forms

from .selectors import Filters


class FilterForm(forms.Form):
    """The report's filters: batch, supervision group, phase and a date range. Bad values are
    named in Chinese and ignored (the report shows the whole campaign)."""

    batch = forms.TypedChoiceField(label="批次", required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(label="督导组", required=False, coerce=int, empty_value=None)
    phase = forms.ChoiceField(label="阶段", required=False)

    def __init__(self, data, *, campaign, groups):
        super().__init__({k: data.get(k, "") for k in ("batch", "group", "phase", "from", "to")})
        # "from" and "to" are the URL's keys (and Python words), hence added here.
        self.fields["from"] = forms.DateField(label="开始日期", required=False)
        self.fields["to"] = forms.DateField(label="截止日期", required=False)
        self.fields["batch"].choices = [("", "全部批次")] + [
            (b.pk, b.name) for b in campaign.batches.order_by("number")
        ]
        self.fields["group"].choices = [("", "全部督导组")] + [(g.pk, g.name) for g in groups]
        self.fields["phase"].choices = [("", "全部阶段")] + [
            (p["code"], p["name"]) for p in campaign.template.phases
        ]
        for name in ("from", "to"):
            self.fields[name].widget.input_type = "date"
            self.fields[name].error_messages["invalid"] = "日期格式应为 2014-08-01"

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end and end < start:
            self.add_error("to", "截止日期早于开始日期，请改正")
        return data

    def filters(self) -> Filters:
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return Filters(
            batch_id=data.get("batch"),
            group_id=data.get("group"),
            phase=data.get("phase") or "",
            date_from=data.get("from"),
            date_to=data.get("to"),
        )


class BulletinNewForm(forms.Form):
    issued_on = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "请填写简报日期。",
            "invalid": "日期格式不对，请写成 2005-02-01。",
        },
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


class BulletinHeadForm(forms.Form):
    masthead = forms.CharField(
        label="报头", max_length=100, error_messages={"required": "请填写报头。"}
    )
    sponsor = forms.CharField(
        label="主办", max_length=100, error_messages={"required": "请填写主办单位。"}
    )
    issued_on = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "请填写简报日期。",
            "invalid": "日期格式不对，请写成 2005-02-01。",
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
