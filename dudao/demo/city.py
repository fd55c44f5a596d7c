"""The demo city's names and shape: districts, departments, enterprises and institutions,
the sizes of each kind of unit, Chinese names drawn reproducibly (``NameMaker``) and the
plan of the units in their three batches (``plan_units``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import accumulate

from dudao.orgs.models import Organisation

DEMO_ROOT_CODE = "DEMO-C000"


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
