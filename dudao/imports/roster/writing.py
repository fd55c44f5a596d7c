"""Writing a checked roster plan in one transaction, idempotent by code."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F, OuterRef, Subquery, Value
from django.db.models.functions import Concat, Substr

from dudao.core.audit import record_event
from dudao.core.errors import DomainError
from dudao.orgs.actions import grant_role
from dudao.orgs.models import (
    PATH_WIDTH,
    Organisation,
    OrgKind,
    Person,
)

from .common import PERSON_FIELDS, Progress, RosterPlan, _chunks, _noop

# --- writing -------------------------------------------------------------------------------------


@transaction.atomic
def apply(
    plan: RosterPlan,
    lookups: dict,
    *,
    actor,
    only_valid: bool,
    file_name: str,
    progress: Progress = _noop,
) -> dict:
    """Write the valid rows. Refuses (DomainError) when there are problems and only_valid is off."""
    if plan.bad and not only_valid:
        raise DomainError(
            f"文件有 {len(plan.bad)} 行错误，未导入任何数据。请改正后重新上传，或选择“仅导入无误的行”。"
        )
    User = get_user_model()
    counts = defaultdict(int)
    changed_codes: list[str] = []
    db_orgs: dict[str, dict] = lookups["db_orgs"]

    # Organisations: new ones level by level (a parent before its children), then renames and moves.
    org_rows = [r for r in plan.orgs if plan.is_ok(r)]
    counts["skipped"] += len(plan.orgs) - len(org_rows)
    by_code = {r.values["code"]: r for r in org_rows}
    nodes: dict[str, dict] = {code: dict(o) for code, o in db_orgs.items()}
    pending = [r for r in org_rows if r.values["code"] not in db_orgs]
    while pending:
        level = [r for r in pending if not r.values["parent"] or r.values["parent"] in nodes]
        if not level:
            raise DomainError("组织上下级关系无法解析（可能存在循环）")
        objs = [
            Organisation(
                code=r.values["code"],
                name=r.values["name"],
                kind=r.values["kind"],
                parent_id=nodes[r.values["parent"]]["id"] if r.values["parent"] else None,
                path="-",
            )
            for r in level
        ]
        Organisation.objects.bulk_create(objs, batch_size=500)
        for obj in objs:
            parent = (
                nodes.get(by_code[obj.code].values["parent"])
                if by_code[obj.code].values["parent"]
                else None
            )
            obj.path = (parent["path"] if parent else "") + f"{obj.pk:0{PATH_WIDTH}d}/"
            obj.depth = parent["depth"] + 1 if parent else 0
            obj.unit_id = (
                obj.pk if obj.kind == OrgKind.UNIT else (parent["unit_id"] if parent else None)
            )
            nodes[obj.code] = {
                "id": obj.pk,
                "code": obj.code,
                "kind": obj.kind,
                "path": obj.path,
                "depth": obj.depth,
                "unit_id": obj.unit_id,
            }
        Organisation.objects.bulk_update(objs, ["path", "depth", "unit"], batch_size=500)
        counts["orgs_created"] += len(objs)
        changed_codes += [o.code for o in objs[:50]]
        done = {id(r) for r in level}
        pending = [r for r in pending if id(r) not in done]
    renamed_units = []
    for row in org_rows:
        code, v = row.values["code"], row.values
        old = db_orgs.get(code)
        if old is None:
            continue
        dirty = False
        if old["name"] != v["name"]:
            Organisation.objects.filter(pk=old["id"]).update(name=v["name"])
            if old["kind"] == OrgKind.UNIT:
                renamed_units.append((old["id"], v["name"]))
            dirty = True
        if (old["parent__code"] or "") != v["parent"]:
            _move(old, nodes.get(v["parent"]) if v["parent"] else None)
            dirty = True
        if dirty:
            counts["orgs_updated"] += 1
            changed_codes.append(code)
        else:
            counts["orgs_unchanged"] += 1
    if renamed_units:
        from dudao.campaigns.models import Participation

        for unit_id, name in renamed_units:
            Participation.objects.filter(unit_id=unit_id).update(unit_name=name)
    # Branches named by people but not in the file.
    branch_codes = {r.values["branch"] for r in plan.people} - set(nodes)
    for chunk in _chunks(sorted(branch_codes)):
        for o in Organisation.objects.filter(code__in=chunk).values(
            "id", "code", "kind", "path", "depth", "unit_id"
        ):
            nodes[o["code"]] = o
    progress(
        "写入",
        counts["orgs_created"] + counts["orgs_updated"] + counts["orgs_unchanged"],
        plan.total_rows,
    )

    # Accounts for people (no password: each sets his first one through a one-time first-login
    # link that the office prints or sends, see dudao/orgs/first_login.py).
    people_rows = [r for r in plan.people if plan.is_ok(r)]
    counts["skipped"] += len(plan.people) - len(people_rows)
    users: dict[str, dict] = lookups["users"]
    new_users = [
        User(
            username=r.values["username"],
            first_name=r.values["name"][:150],
            password=make_password(None),
        )
        for r in people_rows
        if r.values["username"] and r.values["username"] not in users
    ]
    User.objects.bulk_create(new_users, batch_size=1000)
    counts["accounts_created"] = len(new_users)
    if new_users:
        for chunk in _chunks([u.username for u in new_users]):
            for u in User.objects.filter(username__in=chunk).values("id", "username"):
                users[u["username"]] = {
                    "id": u["id"],
                    "username": u["username"],
                    "person__code": None,
                }

    # People.
    existing: dict[str, dict] = lookups["existing_people"]
    to_create, to_update, update_fields = [], [], set()
    for i, row in enumerate(people_rows, 1):
        v = row.values
        branch = nodes[v["branch"]]
        user_id = users[v["username"]]["id"] if v["username"] else None
        fields = {k: v[k] for k in PERSON_FIELDS}
        old = existing.get(v["code"])
        if old is None:
            to_create.append(
                Person(
                    code=v["code"],
                    branch_id=branch["id"],
                    unit_id=branch["unit_id"],
                    user_id=user_id,
                    **fields,
                )
            )
        else:
            diff = [k for k in PERSON_FIELDS if old[k] != fields[k]]
            moved = old["branch__code"] != v["branch"]
            link = user_id is not None and old["user__username"] is None
            if diff or moved or link:
                p = Person(
                    id=old["id"],
                    code=v["code"],
                    branch_id=branch["id"],
                    unit_id=branch["unit_id"],
                    user_id=user_id,
                    **fields,
                )
                to_update.append(p)
                update_fields.update(diff)
                if moved:
                    update_fields.update({"branch", "unit"})
                if link:
                    update_fields.add("user")
                if len(changed_codes) < 200:
                    changed_codes.append(v["code"])
            else:
                counts["people_unchanged"] += 1
        if len(to_create) >= 2000:
            Person.objects.bulk_create(to_create, batch_size=1000)
            counts["people_created"] += len(to_create)
            to_create = []
            progress("写入", i, len(people_rows))
    if to_create:
        Person.objects.bulk_create(to_create, batch_size=1000)
        counts["people_created"] += len(to_create)
    if to_update:
        Person.objects.bulk_update(to_update, sorted(update_fields), batch_size=500)
        counts["people_updated"] = len(to_update)
    progress("写入", len(people_rows), len(people_rows))

    # Roles: few rows, through the ordinary action (idempotent, checks the rules, audited).
    role_rows = [r for r in plan.roles if plan.is_ok(r)]
    counts["skipped"] += len(plan.roles) - len(role_rows)
    for row in role_rows:
        v = row.values
        user = User.objects.get(username=v["username"])
        org = Organisation.objects.get(code=v["org"])
        from dudao.orgs.models import RoleAssignment

        if RoleAssignment.objects.filter(user=user, role=v["role"], organisation=org).exists():
            counts["roles_unchanged"] += 1
            continue
        grant_role(
            actor=actor,
            user=user,
            role=v["role"],
            organisation=org,
            reason=f"名册导入：{file_name}",
        )
        counts["roles_created"] += 1

    summary = dict(counts)
    written = sum(n for k, n in counts.items() if k.endswith(("_created", "_updated")))
    summary["changed"] = written
    if written:
        record_event(
            actor=actor,
            action="roster.import",
            target_type="imports.roster",
            target_id=plan.sha256[:16],
            target_label=file_name,
            reason="仅导入无误的行" if only_valid else "",
            data={
                "file": file_name,
                "sha256": plan.sha256,
                "counts": summary,
                "changed_codes": changed_codes[:200],
            },
        )
    return summary


def _move(old: dict, parent: dict | None) -> None:
    """Move an existing organisation and its subtree under a new parent (set-based updates)."""
    old_path = old["path"]
    new_path = (parent["path"] if parent else "") + f"{old['id']:0{PATH_WIDTH}d}/"
    delta = (parent["depth"] + 1 if parent else 0) - old["depth"]
    subtree = Organisation.objects.filter(path__startswith=old_path)
    ids = list(subtree.values_list("id", flat=True))
    subtree.update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)), depth=F("depth") + delta
    )
    Organisation.objects.filter(pk=old["id"]).update(parent_id=parent["id"] if parent else None)
    if old["kind"] != OrgKind.UNIT:
        new_unit = parent["unit_id"] if parent else None
        Organisation.objects.filter(pk__in=ids, unit_id=old["unit_id"]).exclude(
            kind=OrgKind.UNIT
        ).update(unit_id=new_unit)
        Person.objects.filter(branch_id__in=ids).update(
            unit_id=Subquery(
                Organisation.objects.filter(pk=OuterRef("branch_id")).values("unit_id")[:1]
            )
        )
