"""Reproducible demo data: a city with its organisations, members, one campaign and its groups.

The same seed gives the same names, codes and structure (one random.Random drives everything;
nothing depends on set or dict iteration order or on ids). The bulk is written with bulk_create
(ids allocated here, so paths are known before insert) and recorded as ONE audit event; the
demo accounts printed for each role are made through the ordinary actions.

Shape (DOMAIN.md §2, seeds 001/002/004): 市委 → 区县 and 市直部门 → units → 党委/党总支 →
党支部 → members. Units come in the three batches of seed 001: city and county organs plus some
enterprises and institutions; urban grassroots and township organs; rural villages.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Max

from dudao.campaigns import actions as campaign_actions
from dudao.campaigns.models import (
    Campaign,
    CampaignStatus,
    InspectionGroup,
    Participation,
    SupervisionGroup,
)
from dudao.core.audit import record_event
from dudao.core.models import AuditEvent
from dudao.orgs import actions as org_actions
from dudao.orgs.models import PATH_WIDTH, Organisation, Person, Role, RoleAssignment
from dudao.records.models import Attendance
from dudao.testing import PASSWORD

from . import activity, bulk
from .evaluation import seed_evaluation

DEMO_ROOT_CODE = "DEMO-C000"
# The demo campaign is under way today (the 2005 rules run again): it started with its first
# batch some four months ago, so that phase dates, overdue flags and waiting times on the pages
# look like a live campaign (activity.BATCH_START_DAYS_AGO dates the batches).
CAMPAIGN_AGE_DAYS = activity.BATCH_START_DAYS_AGO[1]


def campaign_start() -> dt.date:
    return dt.date.today() - dt.timedelta(days=CAMPAIGN_AGE_DAYS)


@dataclass(frozen=True)
class Scale:
    districts: int
    departments: int
    units: int
    members: int
    groups: int
    inspection_groups: int
    # Seed 004: an industrial group with 208 grassroots organisations and 5,047 members.
    industrial_group: bool = False


SCALES = {
    "tiny": Scale(districts=2, departments=3, units=12, members=360, groups=4, inspection_groups=1),
    # seed 002: 23 groups of 3 people for 107 units
    "small": Scale(
        districts=4, departments=6, units=107, members=4000, groups=23, inspection_groups=1
    ),
    # seed 004: a city of 400,000 members
    "city": Scale(
        districts=12,
        departments=60,
        units=10000,
        members=400000,
        groups=140,
        inspection_groups=6,
        industrial_group=True,
    ),
}

# Mixed so that any prefix has both urban districts (区) and rural counties (县).
DISTRICTS = """
东城区 临江县 西城区 青山县 南湖区 白水县 北山区 石桥县 高新区 河口县 经开区
云岭县 新港区 柳溪县 龙泉区 平原县
""".split()
# City departments as named around 2005. The first six are the small demo's: the organisation
# department plus the three that own schools, hospitals and state enterprises.
DEPARTMENTS = """
市委组织部 市教育局 市卫生局 市国有资产监督管理委员会 市财政局 市公安局 市委办公室
市政府办公室 市纪委 市委宣传部 市委统战部 市委政法委 市委政策研究室 市委党校
市人大常委会机关 市政协机关 市发展和改革委员会 市经济委员会 市科技局 市民政局
市司法局 市人事局 市劳动和社会保障局 市国土资源局 市建设委员会 市规划局
市交通委员会 市水利局 市农业局 市林业局 市对外贸易经济合作局 市文化局
市人口和计划生育委员会 市审计局 市地方税务局 市环境保护局 市广播电视局 市体育局
市统计局 市工商行政管理局 市质量技术监督局 市食品药品监督管理局 市安全生产监督管理局
市物价局 市旅游局 市粮食局 市信访局 市档案局 市人民防空办公室 市民族宗教事务局
市外事办公室 市中级人民法院 市人民检察院 市总工会 团市委 市妇联 市科协 市残联
市供销合作总社 市机关事务管理局
""".split()
# A district's or county's own organs: "东城区财政局", "临江县委组织部".
LOCAL_ORGANS = """
委办公室 政府办公室 纪委 委组织部 委宣传部 财政局 教育局 公安局 民政局 卫生局
人事局 劳动和社会保障局 委统战部 委政法委 发展和改革局 司法局 国土资源局 建设局
交通局 水利局 农业局 林业局 商务局 文化局 审计局 统计局 环境保护局 工商局
质量技术监督局 安全生产监督管理局 计划生育局 粮食局 信访局 档案局 委党校
人大常委会机关 政协机关 人民法院 人民检察院 总工会 妇联 科协 残联 机关事务管理局
""".split()
CITY_ENTERPRISES = """
市城市建设投资集团有限公司 市交通投资集团有限公司 市水务集团有限公司
市燃气集团有限公司 市公共交通集团有限公司 市钢铁集团有限公司 市机械工业集团有限公司
市纺织集团有限公司 市化工集团有限公司 市建材集团有限公司 市粮油集团有限公司
市商贸集团有限公司 市旅游集团有限公司 市医药集团有限公司 市电子信息集团有限公司
市农业发展集团有限公司 市建筑工程集团有限公司 市物资集团有限公司
""".split()
# Trade names and trades of local enterprises.
FIRM_NAMES = """
宏达 鑫源 恒通 华兴 金鼎 永盛 远大 新星 正大 兴业 大成 长城 东方 天元 利民
振华 海丰 瑞丰 中兴 德隆 佳禾 凌云 和泰 群英 彩虹 九方 天益 明腾 四通 太极
""".split()
TRADES = """
机械 电子 纺织 建材 食品 物流 建筑工程 商贸 化工 印刷 服装 家具 农产品 医药
汽车配件 塑料制品 包装 酿造 陶瓷 电缆
""".split()
# Village and community names: common auspicious names and "<surname>家<place>" shapes.
GOOD_NAMES = """
红星 新华 前进 胜利 东风 光明 和平 团结 联合 建设 向阳 幸福 太平 兴隆 永丰
丰收 长青 民主 新民 红旗 跃进 星火 东升 朝阳 长兴 富民 安乐 双龙 柳林 桃园
枣园 槐树 沙河 青龙 白马 马鞍 凤凰 清水 大坪 高桥 永安 新兴 三合 五星 金星
解放 友谊 新生 先锋 红光
""".split()
PLACE_FIRST = list("东西南北前后上下大小新老高石柳杨沙黄白青马龙金水长三双")
PLACE_LAST = list("庄河桥坪沟湾岭岗店屯堡寨营台洼坡峪集湖塘")
# Seed 004's industrial group: its second-level works, each with a general branch.
GROUP_WORKS = """
机关 炼铁厂 炼钢厂 轧钢厂 焦化厂 动力厂 运输部 机修厂 质检中心 销售公司
供应公司 建设公司 矿业公司 耐材公司 职工医院 技工学校 技术中心 物业公司
离退休管理处
""".split()
INDUSTRIAL_GROUP_NAME = "市工业发展集团有限公司"
INDUSTRIAL_GROUP_MEMBERS = 5047
INDUSTRIAL_GROUP_BRANCHES = 188  # + 19 general branches + 1 party committee = 208 (seed 004)

# Typical party membership by kind of unit; scaled afterwards to hit the member total exactly.
BASE_SIZE = {
    "city_organ": 90,
    "local_organ": 45,
    "school": 55,
    "institution": 30,
    "hospital": 140,
    "enterprise": 80,
    "township": 50,
    "street": 40,
    "community": 28,
    "township_inst": 22,
    "village": 32,
    "farm": 45,
}
# Leading cadres (DOMAIN §2): county level and above lead city organs; section level leads
# county organs, townships, schools, hospitals and enterprises; villages have none.
HEAD_LEVEL = {"city_organ": "county", "industrial_group": "county"}
NO_CADRES = {"village", "community", "farm"}
ROLE_LABELS = {
    "admin": "系统管理员",
    "clerk": Role.OFFICE.label,
    "leader": Role.LEADING_GROUP.label,
    "group_leader": Role.GROUP_LEADER.label,
    "group_member": Role.GROUP_MEMBER.label,
    "inspector": Role.INSPECTOR.label,
    "unit_head": Role.UNIT_HEAD.label,
    "liaison": Role.UNIT_LIAISON.label,
    "secretary": Role.BRANCH_SECRETARY.label,
    "member": "党员",
}
ADMIN_SCOPE = "全部数据（/admin/ 数据维护）"
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (ordinal names of schools, branches)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def _progress(out, label: str, done: int, total: int) -> None:
    pct = int(done * 100 / total) if total else 100
    out.write(
        f"  {label} {done}/{total} ({pct}%)" + (bulk.clock.lap() if done == total else "") + "\n"
    )
    out.flush()


class NameMaker:
    """Chinese names drawn from Faker's zh_CN data lists with our own Random (calling Faker per
    row is far too slow at 400,000 rows, and its global random state is not ours)."""

    def __init__(self, rnd: random.Random) -> None:
        from faker.providers.address.zh_CN import Provider as Address
        from faker.providers.person.zh_CN import Provider as PersonNames

        self.rnd = rnd
        self.surnames = list(PersonNames.last_names.keys())
        self.surname_weights = list(accumulate(PersonNames.last_names.values()))
        self.given = {
            "男": list(PersonNames.first_names_male),
            "女": list(PersonNames.first_names_female),
        }
        self.single = {g: [n for n in names if len(n) == 1] for g, names in self.given.items()}
        # Faker's county names, without the odd leftovers of stripped suffixes ("六枝特").
        self.places = sorted(
            p for p in set(Address.districts) if len(p) == 2 and p[-1] not in "区县市"
        )

    def surname(self) -> str:
        return self.rnd.choices(self.surnames, cum_weights=self.surname_weights)[0]

    def person(self, gender: str) -> str:
        r = self.rnd.random()
        if r < 0.7:
            given = self.rnd.choice(self.given[gender])  # one or two characters
        else:
            given = self.rnd.choice(self.single[gender]) + self.rnd.choice(self.single[gender])
        return self.surname() + given

    def place(self) -> str:
        r = self.rnd.random()
        if r < 0.4:
            return self.rnd.choice(self.places)
        if r < 0.7:
            return self.rnd.choice(PLACE_FIRST) + self.rnd.choice(PLACE_LAST)
        return self.rnd.choice(GOOD_NAMES)

    def village(self) -> str:
        r = self.rnd.random()
        if r < 0.45:
            return self.rnd.choice(GOOD_NAMES)
        if r < 0.8:
            return self.surname() + "家" + self.rnd.choice(PLACE_LAST)
        return self.rnd.choice(PLACE_FIRST) + self.rnd.choice(PLACE_LAST)

    def firm(self) -> str:
        return self.rnd.choice(FIRM_NAMES) + self.rnd.choice(TRADES)


@dataclass
class UnitPlan:
    name: str
    kind: str  # a key of BASE_SIZE, or "industrial_group"
    batch: int
    parent: Organisation
    size: int = 0


@dataclass
class _Area:
    """A district or county while its units are planned: the places named so far."""

    org: Organisation | None  # None for the city's own institutions
    name: str  # "东城区", or "市"
    townships: list[str] = field(default_factory=list)  # "石桥镇"
    streets: list[str] = field(default_factory=list)  # "和平街道"
    counters: dict[str, int] = field(default_factory=dict)

    @property
    def is_county(self) -> bool:
        return self.name.endswith("县")

    def next(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split total into integer shares proportional to weights (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    shares = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


# Mix of batch-2 units in every 20, in the order they are named (a township before its school,
# a street before its communities). Counties are mostly townships; urban districts mostly
# streets and communities.
BATCH2_PATTERN = {
    "county": """
    township township_inst enterprise township_inst street community township
    township_inst enterprise community township township_inst enterprise
    township_inst community township township_inst enterprise community
    township_inst
    """.split(),
    "district": """
    street community community enterprise township community street community
    enterprise community township_inst community street community enterprise
    community township_inst community community enterprise
    """.split(),
}
# Public institutions of a county or of the city, named in this order, then by ordinal.
SCHOOLS = ["实验小学", "实验中学", "职业中学"]
HOSPITALS = ["人民医院", "中医院", "妇幼保健院", "疾病预防控制中心", "卫生监督所", "结核病防治所"]
INSTITUTIONS = """
广播电视台 图书馆 文化馆 体育中心 房地产管理所 公证处 就业服务中心 社会福利院
城建档案馆 农业技术推广中心 畜牧兽医站 水文站 气象局 地方志办公室
""".split()
TOWNSHIP_INSTITUTIONS = ["中心小学", "中学", "卫生院", "中心幼儿园", "农技站", "财政所"]
LOCAL_ENTERPRISES = ["自来水公司", "供电局", "公共汽车公司", "粮食购销公司", "城市建设投资公司"]


def plan_units(
    scale: Scale, rnd: random.Random, names: NameMaker, districts, departments
) -> list[UnitPlan]:
    """Names, kinds, batches and parents of the units, and their membership sizes."""
    used: set[str] = set()

    def unique(make, qualify=None) -> str:
        # Random names are retried; then qualified by the county ("临江县城关镇卫生院", as
        # offices write them when two counties have a 城关镇); then given a plain ordinal.
        name = make()
        for _ in range(30):
            if name not in used:
                break
            name = make()
        if name in used and qualify is not None:
            name = qualify(name)
        base, n = name, 2
        while name in used:
            name = f"{base}（{n}）"
            n += 1
        used.add(name)
        return name

    def in_order(area: _Area, key: str, fixed: list[str], numbered) -> str:
        """The area's next institution of a kind: the usual ones first, then by ordinal."""
        i = area.next(key)
        return area.name + (fixed[i - 1] if i <= len(fixed) else numbered(i - len(fixed)))

    def school(area: _Area) -> str:
        # 第一中学, 第一小学, 第二中学, … after the experimental schools.
        return in_order(
            area,
            "school",
            SCHOOLS,
            lambda k: f"第{cn_number((k + 1) // 2)}{'中学' if k % 2 else '小学'}",
        )

    def hospital(area: _Area) -> str:
        return in_order(area, "hospital", HOSPITALS, lambda k: f"第{cn_number(k + 1)}人民医院")

    def institution(area: _Area) -> str:
        return unique(lambda: in_order(area, "inst", INSTITUTIONS, lambda k: INSTITUTIONS[0]))

    def firm(area: _Area) -> str:
        short = area.name.removesuffix("区").removesuffix("县")
        return unique(lambda: short + names.firm() + "有限公司")

    city = _Area(org=None, name="市")
    areas = [_Area(org=d, name=d.name.removesuffix("委")) for d in districts]
    plans: list[UnitPlan] = []
    group_share = 1 if scale.industrial_group else 0
    n1 = round(scale.units * 0.20)
    n2 = round(scale.units * 0.35)
    n3 = scale.units - n1 - n2
    n1 -= group_share
    dept = {d.name: d for d in departments}

    # --- batch 1: city and county organs, some enterprises and institutions (seed 001) ------
    for d in departments[:n1]:
        plans.append(UnitPlan(d.name + "机关", "city_organ", 1, d))
        used.add(d.name + "机关")
    left = n1 - len(plans)
    local_organs = min(round(left * 0.55), len(areas) * len(LOCAL_ORGANS))
    for i in range(local_organs):
        area = areas[i % len(areas)]
        name = area.name + LOCAL_ORGANS[i // len(areas)]
        used.add(name)
        plans.append(UnitPlan(name, "local_organ", 1, area.org))
    for _ in range(n1 - len(plans)):
        r = rnd.random()
        # The city's own schools, hospitals and enterprises, up to what a city has.
        if r < 0.10 and "市教育局" in dept and city.counters.get("school", 0) < 40:
            plans.append(UnitPlan(unique(lambda: school(city)), "school", 1, dept["市教育局"]))
        elif r < 0.16 and "市卫生局" in dept and city.counters.get("hospital", 0) < 12:
            plans.append(UnitPlan(unique(lambda: hospital(city)), "hospital", 1, dept["市卫生局"]))
        elif (
            r < 0.24
            and "市国有资产监督管理委员会" in dept
            and city.counters.get("enterprise", 0) < 40
        ):
            name = unique(
                lambda: (
                    CITY_ENTERPRISES[city.next("enterprise") - 1]
                    if city.counters.get("enterprise", 0) < len(CITY_ENTERPRISES)
                    else "市" + names.firm() + "集团有限公司"
                )
            )
            plans.append(UnitPlan(name, "enterprise", 1, dept["市国有资产监督管理委员会"]))
        else:
            area = rnd.choice(areas)
            r = rnd.random()
            if r < 0.45:
                plans.append(UnitPlan(unique(lambda a=area: school(a)), "school", 1, area.org))
            elif r < 0.60:
                plans.append(UnitPlan(unique(lambda a=area: hospital(a)), "hospital", 1, area.org))
            elif r < 0.75 and area.counters.get("inst", 0) < len(INSTITUTIONS):
                plans.append(UnitPlan(institution(area), "institution", 1, area.org))
            elif r < 0.75:
                plans.append(UnitPlan(unique(lambda a=area: school(a)), "school", 1, area.org))
            else:
                i = area.next("enterprise")
                name = (
                    unique(lambda a=area, i=i: a.name + LOCAL_ENTERPRISES[i - 1])
                    if i <= len(LOCAL_ENTERPRISES)
                    else firm(area)
                )
                plans.append(UnitPlan(name, "enterprise", 1, area.org))
    if scale.industrial_group:
        parent = dept.get("市国有资产监督管理委员会", departments[0])
        used.add(INDUSTRIAL_GROUP_NAME)
        plans.append(
            UnitPlan(INDUSTRIAL_GROUP_NAME, "industrial_group", 1, parent, INDUSTRIAL_GROUP_MEMBERS)
        )

    def township(area: _Area) -> str:
        if not area.townships:  # a village needs a township for its name
            area.townships.append(("城关" if area.is_county else names.place()) + "镇")
        return rnd.choice(area.townships)

    # --- batch 2: urban grassroots and township organs ------------------------------------
    per_area = _apportion(n2, [1.0 if a.is_county else 2.0 for a in areas])
    for area, count in zip(areas, per_area):
        pattern = BATCH2_PATTERN["county" if area.is_county else "district"]
        for k in range(count):
            kind = pattern[k % len(pattern)]
            if kind == "township":
                first = not area.townships and area.is_county
                name = unique(
                    lambda a=area, f=first: (
                        a.name + ("城关镇" if f else names.place() + rnd.choice("镇镇镇乡"))
                    )
                )
                area.townships.append(name.removeprefix(area.name))
            elif kind == "street":
                name = unique(lambda a=area: a.name + names.place() + "街道")
                area.streets.append(name.removeprefix(area.name))
            elif kind == "community":
                street = rnd.choice(area.streets) if area.streets else area.name
                name = unique(lambda s=street: s + names.place() + "社区")
            elif kind == "township_inst":
                name = unique(
                    lambda a=area: township(a) + rnd.choice(TOWNSHIP_INSTITUTIONS),
                    qualify=lambda n, a=area: a.name + n,
                )
            else:
                name = firm(area)
            plans.append(UnitPlan(name, kind, 2, area.org))

    # --- batch 3: rural (villages, a few state farms) ---------------------------------------
    per_area = _apportion(n3, [3.0 if a.is_county else 1.0 for a in areas])
    for area, count in zip(areas, per_area):
        for _ in range(count):
            if rnd.random() < 0.03:
                name = unique(
                    lambda a=area: a.name + names.place() + rnd.choice(["农场", "林场", "茶场"])
                )
                plans.append(UnitPlan(name, "farm", 3, area.org))
            else:
                name = unique(
                    lambda a=area: township(a) + names.village() + "村",
                    qualify=lambda n, a=area: a.name + n,
                )
                plans.append(UnitPlan(name, "village", 3, area.org))

    # --- sizes: typical by kind, scaled to the member total exactly ------------------------
    for p in plans:
        if p.kind != "industrial_group":
            p.size = max(3, round(BASE_SIZE[p.kind] * rnd.lognormvariate(0, 0.45)))
    free = [p for p in plans if p.kind != "industrial_group"]
    target = scale.members - sum(p.size for p in plans if p.kind == "industrial_group")
    factor = target / sum(p.size for p in free)
    for p in free:
        p.size = max(3, int(p.size * factor))
    # The rounding remainder goes, one member each, to the largest units.
    diff = target - sum(p.size for p in free)
    by_size = sorted(free, key=lambda p: -p.size)
    for i in range(abs(diff)):
        by_size[i % len(by_size)].size += 1 if diff > 0 else -1
    return plans


def demo_exists() -> bool:
    return Organisation.objects.filter(code=DEMO_ROOT_CODE).exists()


def demo_description() -> str:
    """What the existing demo was generated with, from its `demo.seed` audit event."""
    from dudao.core.models import AuditEvent

    data = (
        AuditEvent.objects.filter(action="demo.seed")
        .order_by("-seq")
        .values_list("data", flat=True)
    ).first()
    if not data:
        return ""
    return (
        f"规模 {data.get('scale')}，随机种子 {data.get('seed')}："
        f"{data.get('units')} 个单位、{data.get('members')} 名党员、{data.get('groups')} 个督导组"
    )


def seed_figures() -> dict:
    """What a seed wrote, for the command's last line: units, members, attendance rows, audit
    events."""
    campaign = demo_campaign()
    return {
        "units": Participation.objects.filter(campaign=campaign).count() if campaign else 0,
        "members": Person.objects.filter(code__startswith="DEMO-M").count(),
        "attendance_rows": Attendance.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def demo_campaign() -> Campaign | None:
    return Campaign.objects.filter(root__code=DEMO_ROOT_CODE).order_by("pk").first()


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _reset_sequences(models) -> None:
    # Ids were allocated here; PostgreSQL's sequences must move past them.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for model in models:
            table = model._meta.db_table
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def _phase_plan(template_data: dict) -> list[tuple[str, int]]:
    """The template's phases in order, each with its planned days."""
    phases = sorted(template_data["phases"], key=lambda p: p.get("order", 0))
    return [(p["code"], int(p.get("duration_days", 30))) for p in phases]


def seed(
    *, scale_name: str, seed_value: int = 2005, out=sys.stdout, with_records: bool = True
) -> dict:
    """Generate the demo. Returns the demo accounts {key: (username, role label, where)}.

    All or nothing: one outer transaction (the chunks inside are savepoints), so an interrupted
    run leaves no half demo behind that a second run would take for a finished one."""
    bulk.clock.start()
    with bulk.seed_connection():
        with transaction.atomic():
            accounts = _seed(
                scale_name=scale_name, seed_value=seed_value, out=out, with_records=with_records
            )
        out.write(f"  已写入{bulk.clock.lap()}\n")
    _update_statistics()
    out.write(f"  统计信息已更新（ANALYZE）{bulk.clock.lap()}\n")
    return accounts


def _update_statistics() -> None:
    """Give the query planner statistics for the freshly loaded tables.

    After a bulk load PostgreSQL has none until autovacuum comes round minutes later, and guesses
    a handful of rows where a campaign has 10,000 participations: measured at city scale, the
    bare overview query's p95 went from 22 ms to 3 ms after ANALYZE. SQLite likewise plans
    better with sqlite_stat1. It takes about a second at city scale."""
    models = [Organisation, Person, Participation, SupervisionGroup, RoleAssignment]
    bulk.analyze(models + activity.written_tables())


def _seed(*, scale_name: str, seed_value: int, out, with_records: bool = True) -> dict:
    from dudao.campaigns.template_loader import load_builtin_template

    scale = SCALES[scale_name]
    rnd = random.Random(seed_value)
    names = NameMaker(rnd)
    User = get_user_model()
    template = load_builtin_template("xianjinxing-2005")
    phases = _phase_plan(template.data)
    today = dt.date.today()
    # A Random of its own for the unit timelines and their records, so that the city's shape
    # drawn above stays what it was for a seed.
    timeline_rnd = random.Random(f"{seed_value}:timeline")
    out.write(f"生成演示数据：规模 {scale_name}，随机种子 {seed_value}\n")

    # --- organisations (ids allocated here so paths are known before insert) ---------------
    org_id = _next_id(Organisation)
    orgs: list[Organisation] = []

    def add_org(code, name, kind, parent):
        nonlocal org_id
        o = Organisation(
            id=org_id, code=code, name=name, kind=kind, parent_id=parent.id if parent else None
        )
        o.path = (parent.path if parent else "") + f"{org_id:0{PATH_WIDTH}d}/"
        o.depth = parent.depth + 1 if parent else 0
        o.unit_id = org_id if kind == "unit" else (parent.unit_id if parent else None)
        org_id += 1
        orgs.append(o)
        return o

    city = add_org(DEMO_ROOT_CODE, "示范市委", "city_committee", None)
    districts = [
        add_org(f"DEMO-D{i + 1:02d}", DISTRICTS[i % len(DISTRICTS)] + "委", "district", city)
        for i in range(scale.districts)
    ]
    departments = [
        add_org(f"DEMO-P{i + 1:02d}", DEPARTMENTS[i % len(DEPARTMENTS)], "department", city)
        for i in range(scale.departments)
    ]
    plans = plan_units(scale, rnd, names, districts, departments)
    per_batch_units = Counter(p.batch for p in plans)
    out.write(
        f"  单位 {len(plans)} 个（"
        + "、".join(f"第{cn_number(n)}批 {per_batch_units[n]}" for n in sorted(per_batch_units))
        + f"），党员 {sum(p.size for p in plans)} 名\n"
    )

    # Units and their party organisations. working[u] takes serving members, retired[u] the
    # retired ones where the unit has its own 离退休党支部 (common in organs and enterprises).
    units: list[tuple[Organisation, UnitPlan]] = []
    working: dict[int, list[Organisation]] = {}
    retired: dict[int, list[Organisation]] = {}
    secretary_title: dict[int, str] = {}
    for i, plan in enumerate(plans):
        unit = add_org(f"DEMO-U{i + 1:05d}", plan.name, "unit", plan.parent)
        units.append((unit, plan))
        code, name = unit.code, unit.name
        if plan.kind == "industrial_group":
            pc = add_org(code + "-PC", name + "党委", "party_committee", unit)
            per_work = _apportion(INDUSTRIAL_GROUP_BRANCHES, [1.0] * len(GROUP_WORKS))
            branches, old = [], []
            for w, (work, count) in enumerate(zip(GROUP_WORKS, per_work)):
                gb = add_org(f"{code}-G{w + 1:02d}", f"{name}{work}党总支", "general_branch", pc)
                for b in range(count):
                    br = add_org(
                        f"{code}-G{w + 1:02d}-B{b + 1:02d}",
                        f"{name}{work}第{cn_number(b + 1)}党支部",
                        "branch",
                        gb,
                    )
                    (old if work == "离退休管理处" else branches).append(br)
            working[unit.id], retired[unit.id] = branches, old
            secretary_title[unit.id] = "党委书记"
            continue
        count = max(1, plan.size // 28)
        if plan.size > 100:
            holder = add_org(code + "-PC", name + "党委", "party_committee", unit)
            secretary_title[unit.id] = "党委书记"
        elif count > 1:
            holder = add_org(code + "-GB", name + "党总支", "general_branch", unit)
            secretary_title[unit.id] = "党总支书记"
        else:
            holder = unit
            secretary_title[unit.id] = "党支部书记"
        # Large party committees group their branches under general branches, six at most each.
        parents = [holder]
        if count > 8:
            parents = [
                add_org(
                    f"{code}-G{g + 1:02d}",
                    f"{name}第{cn_number(g + 1)}党总支",
                    "general_branch",
                    holder,
                )
                for g in range(-(-count // 6))
            ]
        has_retired = count > 1 and plan.kind not in NO_CADRES
        branches = []
        for b in range(count):
            last = b == count - 1
            if has_retired and last:
                label = "离退休党支部"
            else:
                label = f"第{cn_number(b + 1)}党支部" if count > 1 else "党支部"
            branches.append(
                add_org(
                    f"{code}-B{b + 1:02d}",
                    name + label,
                    "branch",
                    parents[b * len(parents) // count],
                )
            )
        working[unit.id] = branches[:-1] if has_retired else branches
        retired[unit.id] = branches[-1:] if has_retired else []

    with transaction.atomic():
        for start in range(0, len(orgs), 2000):
            Organisation.objects.bulk_create(orgs[start : start + 2000], batch_size=500)
            _progress(out, "组织", min(start + 2000, len(orgs)), len(orgs))
        _reset_sequences([Organisation])

    # --- people -----------------------------------------------------------------------------
    total = sum(p.size for p in plans)
    # Rows, not model instances: a city has 400,000 (ids allocated here, as for organisations).
    people = bulk.Rows(Person)
    # Nothing reads the members before they are all written: their secondary indexes (the name
    # index is filled in random order) are built once after them.
    deferred = bulk.defer_indexes([Person])
    seq = written = 0
    for unit, plan in units:
        work_branches, old_branches = working[unit.id], retired[unit.id]
        lead_n = min(plan.size, rnd.randint(5, 9))
        cadres = plan.kind not in NO_CADRES
        for k in range(plan.size):
            seq += 1
            is_lead = k < lead_n
            # Categories (DOMAIN §2): mostly serving, ~15% retired, ~3% away, ~2% laid off
            # overall; the leadership team (~1 in 6) is serving by definition, so the others
            # are drawn with a little more weight on the rest.
            r = rnd.random()
            if is_lead or r < 0.76:
                category = "serving"
            elif r < 0.94:
                category = "retired"
            elif r < 0.976:
                category = "away"
            else:
                category = "laid_off"
            if is_lead:
                position = (
                    secretary_title[unit.id] if k == 0 else ("副书记" if k == 1 else "班子成员")
                )
                level = HEAD_LEVEL.get(plan.kind, "section") if cadres else "none"
            else:
                position = ""
                level = "section" if cadres and plan.batch == 1 and r < 0.12 else "none"
            if category == "retired" and old_branches:
                branch = old_branches[k % len(old_branches)]
            else:
                branch = work_branches[k % len(work_branches)]
            gender = "男" if rnd.random() < 0.7 else "女"
            born = 1930 + rnd.randint(0, 25) if category == "retired" else 1945 + rnd.randint(0, 40)
            birth = dt.date(born, rnd.randint(1, 12), rnd.randint(1, 28))
            name = names.person(gender)
            joined = dt.date(min(2004, born + rnd.randint(18, 40)), rnd.randint(1, 12), 1)
            people.add(code=f"DEMO-M{seq:07d}", name=name, gender=gender, birth_date=birth,
                       joined_on=joined, position=position, category=category, cadre_level=level,
                       is_leadership=is_lead, branch_id=branch.id, unit_id=unit.id)  # fmt: skip
            if len(people.rows) >= 5000:
                written += len(people.rows)
                with transaction.atomic():
                    people.flush()
                _progress(out, "党员", written, total)
    if people.rows:
        written += len(people.rows)
        with transaction.atomic():
            people.flush()
        _progress(out, "党员", written, total)
    deferred.restore()
    bulk.reset_sequences([Person])

    # --- campaign, groups, enrolment -----------------------------------------------------------
    with transaction.atomic():
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User.objects.create_superuser(
                "admin", password=PASSWORD, first_name="系统管理员"
            )
        batch_days = {
            b["number"]: int(b.get("duration_days", 180)) for b in template.data["batches"]
        }
        batch_start = {
            n: today - dt.timedelta(days=activity.BATCH_START_DAYS_AGO[n]) for n in batch_days
        }
        campaign = campaign_actions.create_campaign(
            actor=admin,
            template=template,
            root=city,
            start_date=campaign_start(),
            end_date=max(batch_start[n] + dt.timedelta(days=d) for n, d in batch_days.items()),
        )
        # Seed 001: each batch about six months; the campaign runs from the first batch's start
        # to the last one's end. No action starts a campaign yet: the demo's is under way.
        Campaign.objects.filter(pk=campaign.pk).update(status=CampaignStatus.RUNNING)
        batches = {}
        for b in campaign.batches.all():
            batches[b.number] = campaign_actions.update_batch(
                actor=admin,
                batch=b,
                name=b.name,
                scope=b.scope,
                start_date=batch_start[b.number],
                end_date=batch_start[b.number] + dt.timedelta(days=batch_days[b.number]),
            )
        timelines: dict[int, activity.Timeline] = {}
        by_batch_units = {n: [u for u, p in units if p.batch == n] for n in (1, 2, 3)}
        # Groups in proportion to each batch's units; every group covers a run of neighbouring
        # units (one district or department mostly), as a real group covers an area.
        per_batch = _apportion(scale.groups, [len(by_batch_units[n]) for n in (1, 2, 3)])
        group_batch = [n for n, c in zip((1, 2, 3), per_batch) for _ in range(c)]
        groups = SupervisionGroup.objects.bulk_create(
            [
                SupervisionGroup(
                    campaign=campaign,
                    batch=batches[group_batch[g]],
                    code=f"G{g + 1:03d}",
                    name=f"第{g + 1}督导组",
                )
                for g in range(scale.groups)
            ]
        )
        parts = []
        for n in (1, 2, 3):
            pool = [grp for grp, b in zip(groups, group_batch) if b == n] or groups
            batch_units = by_batch_units[n]
            for i, unit in enumerate(batch_units):
                group = pool[i * len(pool) // len(batch_units)]
                # Units move at their own pace from their batch's start: the phase that holds
                # today is the current one (some are past its due date, a few have finished).
                tl = activity.plan_timeline(timeline_rnd, batches[n].start_date, phases, today)
                timelines[unit.id] = tl
                code, starts = tl.current.code, tl.current.start
                parts.append(
                    Participation(
                        campaign=campaign,
                        batch=batches[n],
                        unit=unit,
                        group=group,
                        unit_name=unit.name,
                        current_phase=code,
                        phase_started_on=starts,
                        reports_directly=False,
                    )
                )
        Participation.objects.bulk_create(parts, batch_size=1000)
        _progress(out, "参加单位", len(parts), len(parts))
        group_of_unit = {p.unit_id: p.group_id for p in parts}

        # Group staff: three cadres from organs that their group does not supervise (nobody
        # supervises his own unit). One password hash for all of them: hashing hundreds of
        # times would take minutes with the production hasher.
        password_hash = make_password(PASSWORD)
        organs = [u.id for u, p in units if p.kind in ("city_organ", "local_organ")]
        serving = Person.objects.filter(category="serving", is_leadership=False, user__isnull=True)
        candidates = list(serving.filter(unit_id__in=organs).values_list("id", "unit_id", "name"))
        candidates.sort()
        rnd.shuffle(candidates)
        candidates = candidates[: scale.groups * 6]
        new_users, staff, taken = [], [], set()
        for grp in groups:
            picked = []
            for cand in list(candidates):
                if group_of_unit.get(cand[1]) != grp.id:
                    picked.append(cand)
                    candidates.remove(cand)
                if len(picked) == 3:
                    break
            if len(picked) < 3:
                # Where organs are few (small test scales), anyone from a unit the group does
                # not supervise makes up the numbers.
                own = [u for u, g in group_of_unit.items() if g == grp.id]
                picked += list(
                    serving.exclude(unit_id__in=own)
                    .exclude(pk__in=taken | {c[0] for c in candidates})
                    .order_by("code")
                    .values_list("id", "unit_id", "name")[: 3 - len(picked)]
                )
            taken.update(c[0] for c in picked)
            for n, (pid, _unit_id, pname) in enumerate(picked):
                username = f"{grp.code.lower()}-{n + 1}"
                new_users.append(User(username=username, first_name=pname, password=password_hash))
                staff.append(
                    (username, pid, grp, Role.GROUP_LEADER if n == 0 else Role.GROUP_MEMBER)
                )
        User.objects.bulk_create(new_users)
        out.write(
            f"  督导组 {len(groups)} 个，组长和组员账号 {len(new_users)} 个{bulk.clock.lap()}\n"
        )
        user_ids = dict(
            User.objects.filter(username__in=[s[0] for s in staff]).values_list("username", "id")
        )
        Person.objects.bulk_update(
            [Person(pk=pid, user_id=user_ids[username]) for username, pid, _g, _r in staff],
            ["user"],
            batch_size=500,
        )
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user_id=user_ids[username], role=role, group=grp)
                for username, _pid, grp, role in staff
            ]
        )
        # Inspection groups visit city departments (seed 000), a share each.
        inspections = []
        for i in range(scale.inspection_groups):
            ig = InspectionGroup.objects.create(
                campaign=campaign, code=f"I{i + 1:02d}", name=f"第{i + 1}巡回检查组"
            )
            ig.departments.add(*departments[i :: scale.inspection_groups])
            inspections.append(ig)
        _reset_sequences([SupervisionGroup, Participation, get_user_model(), RoleAssignment])

        # --- one demo account per role, through the ordinary actions ---------------------------
        group = groups[0]
        size_of = {u.id: p.size for u, p in units}
        unit_id = next(
            p.unit_id for p in parts if p.group_id == group.id and size_of[p.unit_id] >= 12
        )
        unit = Organisation.objects.get(pk=unit_id)
        grant = org_actions.grant_role
        accounts: dict = {"admin": ("admin", ROLE_LABELS["admin"], ADMIN_SCOPE)}

        def account(username, full_name, person=None):
            return org_actions.create_account(
                actor=admin,
                username=username,
                full_name=full_name,
                password=PASSWORD,
                person=person,
            )

        grant(
            actor=admin,
            user=account("clerk", "活动办公室文员"),
            role=Role.OFFICE,
            campaign=campaign,
        )
        accounts["clerk"] = ("clerk", ROLE_LABELS["clerk"], campaign.short_name)
        grant(
            actor=admin,
            user=account("leader", "领导小组成员"),
            role=Role.LEADING_GROUP,
            campaign=campaign,
        )
        accounts["leader"] = ("leader", ROLE_LABELS["leader"], campaign.short_name)
        # The group's own generated leader and first member get readable usernames.
        for key, role in (("group_leader", Role.GROUP_LEADER), ("group_member", Role.GROUP_MEMBER)):
            ra = (
                RoleAssignment.objects.filter(group=group, role=role)
                .select_related("user")
                .order_by("user__username")
                .first()
            )
            ra.user.username = key
            ra.user.save(update_fields=["username"])
            accounts[key] = (key, ROLE_LABELS[key], group.name)
        insp = account("inspector", "巡回检查组成员")
        grant(actor=admin, user=insp, role=Role.INSPECTOR, inspection_group=inspections[0])
        accounts["inspector"] = ("inspector", ROLE_LABELS["inspector"], inspections[0].name)
        unit_people = list(
            Person.objects.filter(unit_id=unit_id, user__isnull=True).order_by("code")
        )
        head = unit_people[0]  # the unit's first member is its party secretary
        grant(
            actor=admin,
            user=account("unit_head", head.name, head),
            role=Role.UNIT_HEAD,
            organisation=unit,
        )
        accounts["unit_head"] = ("unit_head", ROLE_LABELS["unit_head"], unit.name)
        rest = [p for p in unit_people if p.pk != head.pk]
        liaison = rest[0]
        grant(
            actor=admin,
            user=account("liaison", liaison.name, liaison),
            role=Role.UNIT_LIAISON,
            organisation=unit,
        )
        accounts["liaison"] = ("liaison", ROLE_LABELS["liaison"], unit.name)
        secretary = next(p for p in rest[1:] if p.is_leadership)
        branch = Organisation.objects.get(pk=secretary.branch_id)
        grant(
            actor=admin,
            user=account("secretary", secretary.name, secretary),
            role=Role.BRANCH_SECRETARY,
            organisation=branch,
        )
        accounts["secretary"] = ("secretary", ROLE_LABELS["secretary"], branch.name)
        member = next(
            p
            for p in rest[1:]
            if p.pk != secretary.pk and not p.is_leadership and p.category == "serving"
        )
        account("member", member.name, member)
        accounts["member"] = ("member", ROLE_LABELS["member"], unit.name)

        # ``with_records=False``: the city, its people and groups only (benchmarks that add their
        # own records); unit dates are the same either way.
        out.write("  各单位的学习、会议、文书、测评和转段记录……\n" if with_records else "")
        stats = (
            {}
            if not with_records
            else activity.seed_activity(
                campaign=campaign,
                timelines=timelines,
                seed_value=seed_value,
                password_hash=password_hash,
                today=today,
                out=out,
            )
        )
        if with_records:
            stats.update(
                seed_evaluation(campaign=campaign, seed_value=seed_value, today=today, out=out)
            )
            out.write(f"  民主评议党员已生成{bulk.clock.lap()}\n")
        record_event(
            actor=admin,
            action="demo.seed",
            target=campaign,
            campaign_id=campaign.pk,
            data={
                "scale": scale_name,
                "seed": seed_value,
                "units": len(units),
                "members": total,
                "groups": len(groups),
                "inspection_groups": len(inspections),
                "organisations": len(orgs),
                "group_accounts": len(new_users),
                "activity": stats,
            },
        )
    return accounts


def demo_accounts() -> dict:
    """The printed accounts of an existing demo (for a second `seed_demo` run)."""
    User = get_user_model()
    campaign = demo_campaign()
    out = {}
    for key in ROLE_LABELS:
        user = User.objects.filter(username=key).first()
        if user is None:
            continue
        where = ADMIN_SCOPE if key == "admin" else (campaign.short_name if campaign else "")
        ra = (
            RoleAssignment.objects.filter(user=user)
            .select_related("organisation", "group", "inspection_group")
            .first()
        )
        if ra is not None:
            where = ra.organisation or ra.group or ra.inspection_group or campaign
            where = str(where)
        elif hasattr(user, "person"):
            where = user.person.unit.name if user.person.unit else ""
        out[key] = (key, ROLE_LABELS[key], where)
    return out


def _pad(text: str, width: int) -> str:
    """Left-justify in terminal columns: Chinese characters take two."""
    from unicodedata import east_asian_width

    cols = sum(2 if east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(1, width - cols)


def print_accounts(accounts: dict, out=sys.stdout) -> None:
    out.write(f"\n演示账号（密码均为 {PASSWORD}）：\n")
    out.write(f"  {_pad('账号', 16)}{_pad('角色', 18)}范围\n")
    for username, label, where in accounts.values():
        out.write(f"  {_pad(username, 16)}{_pad(label, 18)}{where}\n")
    out.write("\n")
