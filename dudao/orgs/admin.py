"""Django admin for data repair of the organisation tree, people and roles.

The admin never writes around the invariants: creation goes through the actions (which compute
``path``/``depth``/``unit`` and write the audit event), renames go through
``rename_organisation`` (which also renames the participations), a person's ``unit`` is derived
again from the new branch, and every other change writes an ``admin.change`` audit event in the
same transaction (the admin's change view is atomic). Moving a node to another parent or changing
its kind would rewrite the paths of a whole subtree, so both are read-only here.

Foreign keys to people and organisations are raw-id or autocomplete widgets: a city has 400,000
people and tens of thousands of organisations, far too many for a <select>.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from dudao.core.audit import record_event
from dudao.core.errors import DomainError

from . import actions
from .independence import find_conflicts
from .models import Organisation, Person, RoleAssignment

SENSITIVE = {"id_number", "phone"}


def _changes(form, fields) -> dict:
    """Old → new values of the changed fields, masking personal identifiers."""
    out = {}
    for name in fields:
        if name not in form.changed_data:
            continue
        old, new = form.initial.get(name), form.cleaned_data.get(name)
        if name in SENSITIVE:
            out[name] = "（已修改）"
        else:
            out[name] = {
                "from": str(old) if old is not None else None,
                "to": str(getattr(new, "pk", new)),
            }
    return out


class ActionForm(forms.ModelForm):
    """A ModelForm whose creation runs an action once the fields are valid.

    The action runs in ``_post_clean`` so that a ``DomainError`` becomes a form error shown on
    the page (in Chinese) instead of a server error; the admin view's transaction keeps the write
    and its audit event together. ``save()`` then returns what the action created.
    """

    actor = None

    def run_action(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self.errors or self.instance.pk:
            return
        try:
            self.instance = self.run_action()
        except DomainError as exc:
            self.add_error(None, ValidationError(str(exc)))

    def save(self, commit=True):
        # The action has saved the object already; the admin's save_model must not save again.
        self.save_m2m = lambda: None
        return self.instance


class ActionFormAdmin(admin.ModelAdmin):
    """Passes the request's user to the form, whose action records him as the actor."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user
        return form


# --- organisations ---------------------------------------------------------------------------


class OrganisationAddForm(ActionForm):
    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "parent"]

    def run_action(self):
        data = self.cleaned_data
        return actions.create_organisation(
            actor=self.actor,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
        )


class OrganisationChangeForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(ActionFormAdmin):
    list_display = ("code", "name", "kind", "parent", "unit", "depth")
    list_filter = ("kind", "depth")
    search_fields = ("=code", "name")
    list_select_related = ("parent", "unit")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "depth", "unit")
    show_full_result_count = False
    ordering = ("path",)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = OrganisationChangeForm if obj is not None else OrganisationAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["code", "name", "kind", "parent"]
        return ["name", "code", "kind", "parent", "path", "depth", "unit"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        # Moving a node or changing its kind rewrites a subtree's paths and units: not here.
        return ("code", "kind", "parent", "path", "depth", "unit")

    def save_model(self, request, obj, form, change):
        if not change:
            return  # created by create_organisation in the form
        if "name" in form.changed_data:
            new_name = obj.name
            obj.name = form.initial["name"]
            actions.rename_organisation(actor=request.user, organisation=obj, name=new_name)

    def has_delete_permission(self, request, obj=None):
        # Deleting a node would orphan people and audit references; there is no delete action.
        return False


# --- people -------------------------------------------------------------------------------


class PersonRulesMixin:
    """Checks shared by the add and change forms of a person."""

    def clean_id_number(self):
        # Blank means unknown: stored as NULL so that the unique index ignores it.
        return self.cleaned_data.get("id_number") or None

    def clean_branch(self):
        branch = self.cleaned_data["branch"]
        if branch.kind not in actions.BRANCH_KINDS:
            raise ValidationError(
                f"“{branch.name}”不是党组织（支部/总支/党委），不能作为所在支部。"
            )
        return branch

    def clean(self):
        data = super().clean()
        branch, user = data.get("branch"), data.get("user")
        if branch is None or user is None or branch.unit_id is None:
            return data
        # Nobody supervises his own unit: moving a group member into a supervised unit (or
        # linking such a person to a group member's account) would break the rule silently.
        clash = next(iter(find_conflicts(person_unit={user.pk: branch.unit_id})), None)
        if clash is not None:
            raise ValidationError(
                f"该账号是“{clash.group_name}”的成员，而“{branch.name}”所在单位由该组督导，"
                "不能督导本单位：请先调整督导组成员或该单位的督导组。"
            )
        return data


PERSON_FIELDS = [
    "name",
    "gender",
    "id_number",
    "birth_date",
    "joined_on",
    "phone",
    "position",
    "category",
    "cadre_level",
    "is_leadership",
    "branch",
    "user",
]


class PersonAddForm(PersonRulesMixin, ActionForm):
    class Meta:
        model = Person
        fields = ["code", *PERSON_FIELDS]

    def run_action(self):
        data = dict(self.cleaned_data)
        code, name, branch = data.pop("code"), data.pop("name"), data.pop("branch")
        data = {k: v for k, v in data.items() if v not in (None, "")}
        return actions.create_person(actor=self.actor, code=code, name=name, branch=branch, **data)


class PersonChangeForm(PersonRulesMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = PERSON_FIELDS


@admin.register(Person)
class PersonAdmin(ActionFormAdmin):
    list_display = (
        "code",
        "name",
        "category",
        "cadre_level",
        "is_leadership",
        "position",
        "branch",
        "unit",
    )
    list_filter = ("category", "cadre_level", "is_leadership")
    search_fields = ("=code", "=id_number", "name")
    list_select_related = ("branch", "unit")
    raw_id_fields = ("branch", "user")
    readonly_fields = ("unit",)
    show_full_result_count = False
    ordering = ("code",)

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = PersonChangeForm if obj is not None else PersonAddForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return list(PersonAddForm.Meta.fields)
        return ["code", *PersonChangeForm.Meta.fields, "unit"]

    def get_readonly_fields(self, request, obj=None):
        # The code is the key imports match on; the unit always follows the branch.
        return ("code", "unit") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if not change:
            return  # created by create_person in the form
        if not form.changed_data:
            return
        obj.unit_id = obj.branch.unit_id
        obj.save()
        record_event(
            actor=request.user,
            action="admin.change",
            target=obj,
            organisation_id=obj.unit_id,
            reason="管理后台数据维护",
            data={"model": "person", "changes": _changes(form, PersonChangeForm.Meta.fields)},
        )

    def has_delete_permission(self, request, obj=None):
        return False


# --- roles ----------------------------------------------------------------------------------


class RoleAssignmentForm(ActionForm):
    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "campaign", "organisation", "group", "inspection_group"]

    def run_action(self):
        data = self.cleaned_data
        return actions.grant_role(
            actor=self.actor,
            user=data["user"],
            role=data["role"],
            campaign=data.get("campaign"),
            organisation=data.get("organisation"),
            group=data.get("group"),
            inspection_group=data.get("inspection_group"),
            reason="管理后台授权",
        )


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ActionFormAdmin):
    """Grant through grant_role (own-unit rule, one leader per group); revoke through revoke_role.
    An assignment is never edited in place: revoke it and grant the right one."""

    form = RoleAssignmentForm
    list_display = (
        "user",
        "role",
        "campaign",
        "organisation",
        "group",
        "inspection_group",
        "created_at",
    )
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "organisation__name", "group__name")
    list_select_related = ("user", "campaign", "organisation", "group", "inspection_group")
    raw_id_fields = ("user", "organisation")

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        pass  # saved by grant_role in the form

    def delete_model(self, request, obj):
        actions.revoke_role(
            actor=request.user, assignment=obj, reason=f"管理后台撤销（{request.user.username}）"
        )

    def delete_queryset(self, request, queryset):
        for assignment in queryset.select_related("user"):
            self.delete_model(request, assignment)
        messages.info(request, "已撤销所选角色，并记入审计。")
