"""Django admin for data repair of campaigns, batches, groups and participations.

Set-up itself happens on the campaign office's pages; the admin is for repairing data. It never
changes what a workflow owns (a unit's current phase, its batch, a campaign's template or
organisation scope): those fields are read-only. A participation's group changes through
``assign_unit_to_group`` (which enforces "nobody supervises his own unit"), groups are created
through ``create_group``, and every other change writes an ``admin.change`` audit event in the
admin view's transaction, so nothing is changed silently.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from dudao.core.audit import record_event
from dudao.core.errors import DomainError
from dudao.orgs.admin import ActionForm, ActionFormAdmin

from . import actions
from .models import (
    Batch,
    Campaign,
    CampaignTemplate,
    InspectionGroup,
    Participation,
    SupervisionGroup,
)

REPAIR = "管理后台数据维护"


def _record_change(request, obj, form, *, campaign_id, organisation_id=None, fields=None):
    changed = [f for f in form.changed_data if fields is None or f in fields]
    if not changed:
        return
    data = {name: str(form.cleaned_data.get(name)) for name in changed}
    record_event(
        actor=request.user,
        action="admin.change",
        target=obj,
        campaign_id=campaign_id,
        organisation_id=organisation_id,
        reason=REPAIR,
        data={"model": obj._meta.model_name, "changes": data},
    )


@admin.register(CampaignTemplate)
class CampaignTemplateAdmin(admin.ModelAdmin):
    """Templates are loaded from validated files (manage.py load_template), never edited here."""

    list_display = ("name", "code", "version", "loaded_at", "sha256")
    search_fields = ("code", "name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BatchInline(admin.TabularInline):
    model = Batch
    fields = ("number", "name", "scope", "start_date", "end_date")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "template", "root", "start_date", "end_date", "status")
    list_filter = ("status",)
    search_fields = ("name", "short_name")
    list_select_related = ("template", "root")
    fields = ("name", "short_name", "template", "root", "start_date", "end_date", "status")
    readonly_fields = ("template", "root")
    inlines = [BatchInline]

    def has_add_permission(self, request):
        return False  # campaigns are created from a template on the office's set-up pages

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.save()
        _record_change(request, obj, form, campaign_id=obj.pk)


@admin.register(Batch)
class BatchAdmin(admin.ModelAdmin):
    list_display = ("name", "number", "campaign", "start_date", "end_date")
    list_filter = ("campaign",)
    fields = ("campaign", "number", "name", "scope", "start_date", "end_date")
    readonly_fields = ("campaign", "number")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.save()
        _record_change(request, obj, form, campaign_id=obj.campaign_id)


class GroupAddForm(ActionForm):
    class Meta:
        model = SupervisionGroup
        fields = ["campaign", "batch", "code", "name"]

    def clean(self):
        data = super().clean()
        batch, campaign = data.get("batch"), data.get("campaign")
        if batch is not None and campaign is not None and batch.campaign_id != campaign.pk:
            raise ValidationError(f"“{batch.name}”不属于“{campaign}”，请选择本活动的批次。")
        return data

    def run_action(self):
        data = self.cleaned_data
        return actions.create_group(
            actor=self.actor,
            campaign=data["campaign"],
            code=data["code"],
            name=data["name"],
            batch=data.get("batch"),
        )


class GroupChangeForm(forms.ModelForm):
    class Meta:
        model = SupervisionGroup
        fields = ["batch", "name"]

    def clean_batch(self):
        batch = self.cleaned_data.get("batch")
        if batch is not None and batch.campaign_id != self.instance.campaign_id:
            raise ValidationError(f"“{batch.name}”不属于本活动，请选择本活动的批次。")
        return batch


@admin.register(SupervisionGroup)
class SupervisionGroupAdmin(ActionFormAdmin):
    list_display = ("code", "name", "campaign", "batch")
    list_filter = ("campaign", "batch")
    search_fields = ("code", "name")
    list_select_related = ("campaign", "batch")

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = GroupChangeForm if obj is not None else GroupAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ["campaign", "batch", "code", "name"]

    def get_readonly_fields(self, request, obj=None):
        return ("campaign", "code") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            return  # created by create_group in the form
        obj.save()
        _record_change(request, obj, form, campaign_id=obj.campaign_id)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InspectionGroup)
class InspectionGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "campaign")
    list_filter = ("campaign",)
    search_fields = ("code", "name")
    autocomplete_fields = ("departments",)

    def get_readonly_fields(self, request, obj=None):
        return ("campaign", "code") if obj is not None else ()

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.departments.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(form.instance.departments.values_list("pk", flat=True))
        obj = form.instance
        record_event(
            actor=request.user,
            action="admin.change" if change else "admin.create",
            target=obj,
            campaign_id=obj.campaign_id,
            reason=REPAIR,
            data={
                "model": "inspectiongroup",
                "name": obj.name,
                "code": obj.code,
                "departments_added": sorted(after - before),
                "departments_removed": sorted(before - after),
            },
        )

    def has_delete_permission(self, request, obj=None):
        return False


class ParticipationForm(forms.ModelForm):
    class Meta:
        model = Participation
        fields = ["group", "reports_directly"]

    def clean_group(self):
        group = self.cleaned_data.get("group")
        if group is not None and group.campaign_id != self.instance.campaign_id:
            raise ValidationError(f"“{group.name}”不属于本活动，请选择本活动的督导组。")
        if group is not None and group.pk != self.instance.group_id:
            try:  # the same rule assign_unit_to_group enforces, shown on the form
                actions._check_group_members_not_from(unit=self.instance.unit, group=group)
            except DomainError as exc:
                raise ValidationError(str(exc)) from None
        return group


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    form = ParticipationForm
    list_display = (
        "unit_name",
        "campaign",
        "batch",
        "current_phase",
        "group",
        "phase_started_on",
        "reports_directly",
    )
    list_filter = ("campaign", "batch", "current_phase", "group", "reports_directly")
    search_fields = ("unit_name", "=unit__code")
    list_select_related = ("campaign", "batch", "group")
    fields = (
        "campaign",
        "unit",
        "unit_name",
        "batch",
        "current_phase",
        "phase_started_on",
        "group",
        "reports_directly",
    )
    # The phase moves only through phase transitions; a unit takes part in exactly one batch.
    readonly_fields = (
        "campaign",
        "unit",
        "unit_name",
        "batch",
        "current_phase",
        "phase_started_on",
    )
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # units are enrolled on the office's set-up pages or by import

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            # Only the campaign's own groups: a campaign has dozens, not thousands.
            form.base_fields["group"].queryset = SupervisionGroup.objects.filter(
                campaign_id=obj.campaign_id
            )
        return form

    def save_model(self, request, obj, form, change):
        new_group = form.cleaned_data.get("group")
        stored = Participation.objects.get(pk=obj.pk)
        if "reports_directly" in form.changed_data:
            stored.reports_directly = obj.reports_directly
            stored.save(update_fields=["reports_directly"])
            _record_change(
                request,
                stored,
                form,
                campaign_id=obj.campaign_id,
                organisation_id=obj.unit_id,
                fields={"reports_directly"},
            )
        if "group" in form.changed_data:
            actions.assign_unit_to_group(
                actor=request.user, participation=stored, group=new_group, reason=REPAIR
            )
