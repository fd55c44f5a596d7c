"""The organisation tree, people and the roles they play (DOMAIN.md §1, §2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

PATH_WIDTH = 10  # zero-padded id per level: subtree queries are one indexed prefix match


class OrgKind(models.TextChoices):
    CITY_COMMITTEE = "city_committee", "市委"
    DISTRICT = "district", "区县"
    DEPARTMENT = "department", "市直部门"
    UNIT = "unit", "单位"
    PARTY_COMMITTEE = "party_committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"


class Organisation(models.Model):
    """A node of the tree. ``path`` is the ids from the root, each zero-padded and followed by '/'."""

    code = models.CharField("组织编码", max_length=64, unique=True)
    name = models.CharField("组织名称", max_length=200)
    kind = models.CharField("组织类型", max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    # The participating unit this node belongs to (itself for a unit; null above units).
    unit = models.ForeignKey(
        "self",
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_unit(self) -> bool:
        return self.kind == OrgKind.UNIT


class PersonCategory(models.TextChoices):
    SERVING = "serving", "在职"
    RETIRED = "retired", "离退休"
    AWAY = "away", "外出/流动"
    LAID_OFF = "laid_off", "下岗失业"


class CadreLevel(models.TextChoices):
    NONE = "none", "无"
    SECTION = "section", "科级及以上"
    COUNTY = "county", "县处级及以上"


class Person(models.Model):
    """A party member (or another person the campaign needs to know)."""

    code = models.CharField("人员编号", max_length=64, unique=True)
    name = models.CharField("姓名", max_length=100)
    gender = models.CharField("性别", max_length=8, blank=True)
    id_number = models.CharField("身份证号", max_length=18, null=True, blank=True, unique=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    joined_on = models.DateField("入党日期", null=True, blank=True)
    phone = models.CharField("手机号", max_length=32, blank=True)
    position = models.CharField("职务", max_length=100, blank=True)
    category = models.CharField(
        "人员类别", max_length=16, choices=PersonCategory.choices, default=PersonCategory.SERVING
    )
    cadre_level = models.CharField(
        "干部级别", max_length=16, choices=CadreLevel.choices, default=CadreLevel.NONE
    )
    is_leadership = models.BooleanField("班子成员", default=False)
    # Seed 003: non-party staff of an organ take part in its study sessions too ("非党员同志也是
    # 机关的一员"); they are on the roster for attendance but no per-member requirement counts them.
    is_party_member = models.BooleanField("党员", default=True)
    branch = models.ForeignKey(
        Organisation, verbose_name="所在支部", on_delete=models.PROTECT, related_name="members"
    )
    # Denormalised from the branch so that per-unit counts are one indexed GROUP BY.
    unit = models.ForeignKey(
        Organisation,
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="登录账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        indexes = [models.Index(fields=["unit", "category"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    OFFICE = "office", "活动办公室"
    LEADING_GROUP = "leading_group", "领导小组"
    GROUP_LEADER = "group_leader", "督导组组长"
    GROUP_MEMBER = "group_member", "督导组组员"
    INSPECTOR = "inspector", "巡回检查组成员"
    UNIT_HEAD = "unit_head", "单位主要负责人"
    UNIT_LIAISON = "unit_liaison", "单位联络员"
    BRANCH_SECRETARY = "branch_secretary", "支部书记"


CAMPAIGN_ROLES = {Role.OFFICE, Role.LEADING_GROUP}
GROUP_ROLES = {Role.GROUP_LEADER, Role.GROUP_MEMBER}
ORG_ROLES = {Role.UNIT_HEAD, Role.UNIT_LIAISON, Role.BRANCH_SECRETARY}


class RoleAssignment(models.Model):
    """Who plays which role where. The scope column that matters depends on the role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="账号",
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField("角色", max_length=32, choices=Role.choices)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name="活动",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name="组织",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    group = models.ForeignKey(
        "campaigns.SupervisionGroup",
        verbose_name="督导组",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    inspection_group = models.ForeignKey(
        "campaigns.InspectionGroup",
        verbose_name="巡回检查组",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    created_at = models.DateTimeField("授权时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(role__in=["office", "leading_group"], campaign__isnull=False)
                    | Q(role__in=["group_leader", "group_member"], group__isnull=False)
                    | Q(role="inspector", inspection_group__isnull=False)
                    | Q(
                        role__in=["unit_head", "unit_liaison", "branch_secretary"],
                        organisation__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "campaign", "organisation", "group", "inspection_group"],
                name="role_assignment_unique",
            ),
            # One leader per supervision group.
            models.UniqueConstraint(
                fields=["group"], condition=Q(role="group_leader"), name="one_leader_per_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
