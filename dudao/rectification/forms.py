"""Forms of the rectification pages (phone-friendly: one column, native date pickers)."""

from __future__ import annotations

from django import forms

from dudao.core.forms import IdModelChoiceField
from dudao.imports.excel import SPREADSHEET_ACCEPT
from dudao.orgs.models import Person

from . import rules
from .models import AreaStatus, ItemStatus, Level, RectClass, SourceKind

# ISO format: a date input only takes YYYY-MM-DD (the Chinese locale would render 2005/4/1).
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: str, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"请填写{label}。"},
    )


class ItemForm(forms.Form):
    level = forms.ChoiceField(label="整改层级", choices=Level.choices)
    problem = _text("问题")
    source_kind = forms.ChoiceField(label="问题来源", choices=SourceKind.choices)
    source_record = forms.ChoiceField(
        label="来源记录",
        required=False,
        help_text="从本单位的查摆问题、批评意见、测评、审核批注中选择；选定后问题来源随之确定。",
    )
    rect_class = forms.ChoiceField(label="整改类别", choices=RectClass.choices)
    measures = _text("整改措施")
    target = _text("整改目标", required=False, rows=2)
    expected_effect = _text("预期效果", required=False, rows=2)
    lead_person = IdModelChoiceField(
        label="牵头责任人", queryset=Person.objects.none(), required=False, empty_label="（未指定）"
    )
    lead_post = forms.CharField(
        label="责任岗位", max_length=100, required=False, help_text="公示时只显示岗位，不显示姓名。"
    )
    co_owners = forms.CharField(label="协办", max_length=255, required=False)
    deadline = forms.DateField(
        label="完成时限", required=False, widget=DATE, help_text="不填则按整改类别的默认时限。"
    )

    def __init__(self, *args, participation, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from . import sources

        template = participation.campaign.template
        # The unit's own records the user may read: the listing is the scope of the choice.
        self.fields["source_record"].choices = sources.picker_choices(user, participation)
        self.fields["rect_class"].choices = rules.class_choices(template)
        # The unit's own people only: the queryset is the scope of the choice.
        self.fields["lead_person"].queryset = Person.objects.filter(
            unit_id=participation.unit_id
        ).order_by("name")
        days = {c: r.default_days for c, r in rules.classes(template).items()}
        self.fields["deadline"].help_text = (
            "不填则按整改类别的默认时限（"
            + "、".join(f"{name}{days[code]}天" for code, name in rules.class_choices(template))
            + "）。"
        )

    def clean(self):
        from . import sources

        data = super().clean()
        picked = sources.parse_pick(data.get("source_record") or "")
        data["source_id"] = None
        if picked is not None:
            # The picked record decides the source (it was listed from the unit's records).
            data["source_kind"], data["source_id"] = picked
        return data


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.pdf,.docx,.xlsx"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return super().clean(data, initial)


class ProgressForm(forms.Form):
    happened_on = forms.DateField(label="日期", widget=DATE)
    text = _text("进展情况")
    files = MultipleFileField(
        label="照片或文档",
        required=False,
        help_text="可拍照上传；照片 jpg/png/webp，文档 pdf/docx/xlsx，每个不超过 10 MB。",
    )


class CloseForm(forms.Form):
    evidence = _text("整改完成情况及佐证")


class SignOffForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批",
        choices=[("accept", "同意办结"), ("refuse", "不同意办结")],
        widget=forms.RadioSelect,
    )
    reason = _text("意见（不同意时必填）", required=False, rows=2)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label="申请延至", widget=DATE)
    reason = _text("延期理由")


class DecideExtensionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批",
        choices=[("approve", "批准延期"), ("refuse", "不批准")],
        widget=forms.RadioSelect,
    )
    reason = _text("意见（不批准时必填）", required=False, rows=2)


class ExplainForm(forms.Form):
    explanation = _text("向群众说明的情况", rows=4)


LIGHT_CHOICES = [("", "全部")] + [(k, v) for k, v in rules.LIGHT_LABELS.items()]


class FilterForm(forms.Form):
    light = forms.ChoiceField(label="红黄绿", choices=LIGHT_CHOICES, required=False)
    rect_class = forms.ChoiceField(
        label="类别", choices=[("", "全部")] + RectClass.choices, required=False
    )
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部")] + ItemStatus.choices, required=False
    )
    level = forms.ChoiceField(label="层级", choices=[("", "全部")] + Level.choices, required=False)
    no_owner = forms.BooleanField(label="未明确责任人", required=False)
    q = forms.CharField(label="问题包含", required=False, max_length=100)

    def params(self) -> dict:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["q"] = (data.get("q") or "").replace("\x00", "").strip()
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label="整改台账（.xlsx、.xls、.ods 或 .csv）",
        widget=forms.ClearableFileInput(attrs={"accept": SPREADSHEET_ACCEPT}),
    )
    partial = forms.BooleanField(
        label="跳过有错的行，导入其余各行",
        required=False,
        help_text="默认全部无误才导入。",
    )


class RegulationForm(forms.Form):
    title = forms.CharField(label="制度名称", max_length=200)
    kind = forms.CharField(
        label="类别",
        max_length=100,
        required=False,
        help_text="如 学习培训、服务规范、廉政建设、党内民主",
    )
    adopted_on = forms.DateField(label="制定日期", widget=DATE)
    adopted_by = forms.CharField(label="制定机关", max_length=200)


class AreaStatusForm(forms.Form):
    area = forms.CharField(widget=forms.HiddenInput, max_length=64)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    status = forms.ChoiceField(label="整治进展", choices=AreaStatus.choices)
    note = forms.CharField(
        label="整治情况",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="标为“已完成”时必填：做了什么、解决了哪些问题。",
    )


class CheckRegulationForm(forms.Form):
    decision = forms.ChoiceField(
        label="检查结果",
        choices=[("in_force", "有效执行"), ("not_in_force", "未落实")],
        widget=forms.RadioSelect,
    )
    note = _text("检查意见（未落实时必填）", required=False, rows=2)


class SpecialActionForm(forms.Form):
    from .models import ActionKind as _Kinds

    kind = forms.ChoiceField(label="类别", choices=_Kinds.choices)
    title = forms.CharField(label="名称", max_length=200)
    held_on = forms.DateField(label="日期", widget=DATE)
    people = forms.IntegerField(label="涉及人数", min_value=0, max_value=10_000_000, initial=0)
    outcome = _text("结果", required=False, rows=2)
    resolved = forms.BooleanField(label="已化解/已完成", required=False)


class LookBackForm(forms.Form):
    from .models import LookBackOutcome as _Outcomes

    outcome = forms.ChoiceField(label="回头看结果", choices=_Outcomes.choices)
    note = _text("说明")
    new_deadline = forms.DateField(
        label="新的完成时限（延期整改时填）", required=False, widget=DATE
    )
