"""The Django admin repairs data without bypassing the invariants: creation and renames go
through the actions, path/depth/unit are read-only, the own-unit rule holds, and every change
leaves an audit event."""

from __future__ import annotations

import pytest

from dudao.core.models import AuditEvent
from dudao.orgs.models import Organisation, Person, RoleAssignment

pytestmark = pytest.mark.django_db

MODELS = [
    "orgs/organisation",
    "orgs/person",
    "orgs/roleassignment",
    "campaigns/campaign",
    "campaigns/batch",
    "campaigns/supervisiongroup",
    "campaigns/inspectiongroup",
    "campaigns/participation",
    "campaigns/campaigntemplate",
    "core/auditevent",
]


@pytest.fixture
def admin_client(client, cast):
    client.force_login(cast.user("admin"))
    return client


def _person_form(person: Person, **changes) -> dict:
    data = {
        "name": person.name,
        "gender": person.gender,
        "id_number": person.id_number or "",
        "birth_date": "",
        "joined_on": "",
        "phone": person.phone,
        "position": person.position,
        "category": person.category,
        "cadre_level": person.cadre_level,
        "branch": person.branch_id,
        "user": person.user_id or "",
    }
    if person.is_leadership:
        data["is_leadership"] = "on"
    data.update(changes)
    return data


def test_it_renders_every_list_and_change_page(admin_client, cast):
    objects = {
        "orgs/organisation": cast.unit_a,
        "orgs/person": cast.people["member"],
        "campaigns/campaign": cast.campaign,
        "campaigns/supervisiongroup": cast.group1,
        "campaigns/inspectiongroup": cast.inspection,
        "campaigns/participation": cast.unit_a.participations.get(),
    }
    for model in MODELS:
        response = admin_client.get(f"/admin/{model}/")
        assert response.status_code == 200, model
    for model, obj in objects.items():
        response = admin_client.get(f"/admin/{model}/{obj.pk}/change/")
        assert response.status_code == 200, model
    assert admin_client.get("/admin/orgs/person/?q=陈").status_code == 200


def test_it_keeps_the_admin_closed_to_ordinary_accounts(client, cast):
    client.force_login(cast.user("office"))
    assert client.get("/admin/orgs/person/").status_code == 302


def test_it_creates_an_organisation_through_the_action(admin_client, cast):
    response = admin_client.post(
        "/admin/orgs/organisation/add/",
        {
            "code": "U001-B3",
            "name": "财政局第三支部",
            "kind": "branch",
            "parent": cast.branch_a1.parent_id,
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(code="U001-B3")
    assert org.path == f"{cast.branch_a1.parent.path}{org.pk:010d}/"
    assert org.depth == cast.branch_a1.depth and org.unit_id == cast.unit_a.pk
    assert AuditEvent.objects.filter(action="org.create", target_id=str(org.pk)).exists()


def test_it_shows_a_rule_violation_as_a_chinese_form_error(admin_client, cast):
    response = admin_client.post(
        "/admin/orgs/organisation/add/",
        {"code": "ZZ-B", "name": "悬空支部", "kind": "branch", "parent": ""},
    )
    assert response.status_code == 200
    assert "其上级必须是某个单位或单位下属组织" in response.content.decode()
    assert not Organisation.objects.filter(code="ZZ-B").exists()


def test_it_renames_through_the_action_and_keeps_the_tree_fields_read_only(admin_client, cast):
    old_path = cast.unit_a.path
    response = admin_client.post(
        f"/admin/orgs/organisation/{cast.unit_a.pk}/change/",
        {
            "name": "东城区财政局（更名）",
            "parent": cast.department.pk,
            "kind": "branch",
            "path": "0/",
        },
    )
    assert response.status_code == 302
    unit = Organisation.objects.get(pk=cast.unit_a.pk)
    assert unit.name == "东城区财政局（更名）"
    assert (unit.parent_id, unit.kind, unit.path) == (cast.district.pk, "unit", old_path)
    assert unit.participations.get().unit_name == "东城区财政局（更名）"
    assert AuditEvent.objects.filter(action="org.rename", organisation_id=unit.pk).exists()


def test_it_moves_a_person_with_his_unit_and_records_it(admin_client, cast):
    person = cast.people["member"]
    response = admin_client.post(
        f"/admin/orgs/person/{person.pk}/change/",
        _person_form(person, branch=cast.branch_b1.pk, phone="13900000000"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert person.branch_id == cast.branch_b1.pk and person.unit_id == cast.unit_b.pk
    event = AuditEvent.objects.get(action="admin.change", target_id=str(person.pk))
    assert event.data["changes"]["branch"]["to"] == str(cast.branch_b1.pk)
    assert event.data["changes"]["phone"] == "（已修改）"  # no phone number in the audit trail


def test_it_refuses_to_move_a_group_member_into_a_unit_his_group_supervises(admin_client, cast):
    person = cast.people["group_member"]  # unit C; his group1 supervises unit A
    response = admin_client.post(
        f"/admin/orgs/person/{person.pk}/change/", _person_form(person, branch=cast.branch_a1.pk)
    )
    assert response.status_code == 200 and "不能督导本单位" in response.content.decode()
    person.refresh_from_db()
    assert person.unit_id == cast.unit_c.pk


def test_it_grants_roles_through_grant_role(admin_client, cast):
    data = {"user": cast.user("unit_head").pk, "role": "group_member", "group": cast.group1.pk}
    response = admin_client.post("/admin/orgs/roleassignment/add/", data)
    assert response.status_code == 200 and "不能督导本单位" in response.content.decode()
    assert not RoleAssignment.objects.filter(
        user=cast.user("unit_head"), group=cast.group1
    ).exists()
    data["group"] = cast.group2.pk
    assert admin_client.post("/admin/orgs/roleassignment/add/", data).status_code == 302
    ra = RoleAssignment.objects.get(user=cast.user("unit_head"), group=cast.group2)
    assert AuditEvent.objects.filter(action="role.grant", target_id=str(ra.pk)).exists()


def test_it_revokes_roles_through_revoke_role(admin_client, cast):
    ra = RoleAssignment.objects.get(user=cast.user("liaison"))
    response = admin_client.post(f"/admin/orgs/roleassignment/{ra.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=ra.pk).exists()
    assert AuditEvent.objects.get(action="role.revoke", target_id=str(ra.pk)).reason.startswith(
        "管理后台撤销"
    )


def test_it_reassigns_a_participation_only_through_the_own_unit_rule(admin_client, cast):
    participation = cast.unit_c.participations.get()  # group1's people come from unit C
    url = f"/admin/campaigns/participation/{participation.pk}/change/"
    response = admin_client.post(url, {"group": cast.group1.pk})
    assert response.status_code == 200 and "不能督导本单位" in response.content.decode()
    participation.refresh_from_db()
    assert participation.group_id == cast.group2.pk
    participation = cast.unit_b.participations.get()
    url = f"/admin/campaigns/participation/{participation.pk}/change/"
    assert (
        admin_client.post(url, {"group": cast.group1.pk, "current_phase": "rectify"}).status_code
        == 302
    )
    participation.refresh_from_db()
    assert participation.group_id == cast.group1.pk and participation.current_phase == "study"
    assert AuditEvent.objects.filter(
        action="participation.assign_group", target_id=str(participation.pk)
    ).exists()


def test_it_registers_a_person_through_create_person(admin_client, cast):
    data = _person_form(
        Person(name="新党员", branch=cast.branch_a2, category="serving", cadre_level="none"),
        code="P-new",
        id_number="",
    )
    response = admin_client.post("/admin/orgs/person/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(code="P-new")
    assert person.unit_id == cast.unit_a.pk and person.id_number is None
    assert AuditEvent.objects.filter(action="person.create", target_id=str(person.pk)).exists()


def test_it_records_changes_to_an_inspection_groups_departments(admin_client, cast):
    url = f"/admin/campaigns/inspectiongroup/{cast.inspection.pk}/change/"
    response = admin_client.post(
        url, {"name": "第一巡回检查组", "departments": [cast.department.pk, cast.district.pk]}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="admin.change", target_id=str(cast.inspection.pk))
    assert event.data["departments_added"] == [cast.district.pk]
