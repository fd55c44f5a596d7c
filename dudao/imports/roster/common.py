"""The roster's shared parts: sheet and column labels, the row and plan types, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from dudao.orgs.models import (
    CadreLevel,
    OrgKind,
    PersonCategory,
    Role,
)

from ..excel import (
    Problem,
    clean_text,
)

Progress = Callable[[str, int, int], None]
CHUNK = 5000

KIND_LABELS = {
    "市委": OrgKind.CITY_COMMITTEE,
    "区县": OrgKind.DISTRICT,
    "区县委": OrgKind.DISTRICT,
    "市直部门": OrgKind.DEPARTMENT,
    "部门": OrgKind.DEPARTMENT,
    "单位": OrgKind.UNIT,
    "党委": OrgKind.PARTY_COMMITTEE,
    "党总支": OrgKind.GENERAL_BRANCH,
    "总支": OrgKind.GENERAL_BRANCH,
    "党支部": OrgKind.BRANCH,
    "支部": OrgKind.BRANCH,
}
CATEGORY_LABELS = {
    "在职": PersonCategory.SERVING,
    "离退休": PersonCategory.RETIRED,
    "退休": PersonCategory.RETIRED,
    "离休": PersonCategory.RETIRED,
    "外出流动": PersonCategory.AWAY,
    "外出/流动": PersonCategory.AWAY,
    "外出": PersonCategory.AWAY,
    "流动": PersonCategory.AWAY,
    "下岗失业": PersonCategory.LAID_OFF,
    "下岗": PersonCategory.LAID_OFF,
    "失业": PersonCategory.LAID_OFF,
}
CADRE_LABELS = {
    "无": CadreLevel.NONE,
    "科级及以上": CadreLevel.SECTION,
    "科级": CadreLevel.SECTION,
    "县处级及以上": CadreLevel.COUNTY,
    "县处级": CadreLevel.COUNTY,
    "处级": CadreLevel.COUNTY,
}
ROLE_LABELS = {
    "单位主要负责人": Role.UNIT_HEAD,
    "一把手": Role.UNIT_HEAD,
    "单位联络员": Role.UNIT_LIAISON,
    "联络员": Role.UNIT_LIAISON,
    "支部书记": Role.BRANCH_SECRETARY,
}

SHEETS: dict[str, dict] = {
    "组织": {
        "columns": {
            "组织编码": "code",
            "组织名称": "name",
            "组织类型": "kind",
            "上级组织编码": "parent",
        },
        "required": {"code", "name", "kind"},
    },
    "人员": {
        "columns": {
            "人员编号": "code",
            "姓名": "name",
            "性别": "gender",
            "身份证号": "id_number",
            "出生日期": "birth_date",
            "入党日期": "joined_on",
            "所在支部编码": "branch",
            "人员类别": "category",
            "干部级别": "cadre_level",
            "班子成员": "is_leadership",
            "职务": "position",
            "手机号": "phone",
            "登录账号": "username",
        },
        "required": {"code", "name", "branch"},
    },
    "角色": {
        "columns": {"登录账号": "username", "角色": "role", "组织编码": "org"},
        "required": {"username", "role", "org"},
    },
}
PERSON_FIELDS = [
    "name",
    "gender",
    "id_number",
    "birth_date",
    "joined_on",
    "category",
    "cadre_level",
    "is_leadership",
    "position",
    "phone",
]


@dataclass
class Row:
    sheet: str
    row: int
    values: dict


@dataclass
class RosterPlan:
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    orgs: list[Row] = field(default_factory=list)
    people: list[Row] = field(default_factory=list)
    roles: list[Row] = field(default_factory=list)
    bad: set[tuple[str, int]] = field(default_factory=set)
    skipped: set[tuple[str, int]] = field(default_factory=set)

    @property
    def total_rows(self) -> int:
        return len(self.orgs) + len(self.people) + len(self.roles)

    def add(self, row: Row, column: str, value, message: str) -> None:
        self.problems.append(Problem(row.sheet, row.row, column, clean_text(value)[:100], message))
        self.bad.add((row.sheet, row.row))

    def is_ok(self, row: Row) -> bool:
        return (row.sheet, row.row) not in self.bad and (row.sheet, row.row) not in self.skipped


def _noop(stage: str, done: int, total: int) -> None:
    pass


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]
