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
    token = forms.CharField(label="提交标识", widget=forms.HiddenInput, max_length=64)


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
    version = forms.IntegerField(label="版本", widget=forms.HiddenInput, required=False)


ITEM_TITLE_MAX = 200
ITEM_REF_MAX = 64
ITEMS_INCOMPLETE = "每条内容都要有标题和正文：请补全，或取消勾选“保留”。"


def bulletin_text(value) -> str:
    """What the user wrote, without the NUL bytes PostgreSQL refuses in text."""
    return str(value if value is not None else "").replace("\x00", "").strip()


def bulletin_item(title, text, source="", source_ref="") -> dict:
    """One bulletin item as the edit action takes it, from the page's fields or the API's JSON:
    an unknown source is free text (自行撰写), title and reference cut to their columns."""
    from .models import ItemSource

    source = source if source in ItemSource.values else ItemSource.FREE
    return {
        "title": bulletin_text(title)[:ITEM_TITLE_MAX],
        "text": bulletin_text(text),
        "source": source,
        "source_ref": bulletin_text(source_ref)[:ITEM_REF_MAX],
    }


def items_complete(items: list[dict]) -> bool:
    return all(i["title"] and i["text"] for i in items)
