"""Roster import at scale: `python -m bench.roster_import --rows 400000`.

Generates a workbook of N people (about N/40 units, 1–3 branches each), then times the import
through the same code the page uses (read + validate + write), then imports it again and checks
that nothing changed. Target: `seconds` < 120 for 400,000 rows on a 2-core machine.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench.common import emit, setup_django, table

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏建国志文斌辉宇浩凯健俊帆帅旭宁晨阳佳欣怡"


def generate(path: Path, rows: int, seed: int = 2005) -> dict:
    import xlsxwriter

    rnd = random.Random(seed)
    units = max(1, rows // 40)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    orgs = wb.add_worksheet("组织")
    orgs.write_row(0, 0, ["组织编码", "组织名称", "组织类型", "上级组织编码"])
    r = 1
    orgs.write_row(r, 0, ["B-C", "基准市委", "市委", ""])
    r += 1
    for d in range(20):
        orgs.write_row(r, 0, [f"B-D{d:02d}", f"基准第{d + 1}区委", "区县", "B-C"])
        r += 1
    branches = []
    for u in range(units):
        orgs.write_row(r, 0, [f"B-U{u:05d}", f"基准单位{u:05d}", "单位", f"B-D{u % 20:02d}"])
        r += 1
        for b in range(rnd.randint(1, 3)):
            code = f"B-U{u:05d}-{b}"
            orgs.write_row(r, 0, [code, f"基准单位{u:05d}第{b + 1}支部", "党支部", f"B-U{u:05d}"])
            branches.append(code)
            r += 1
    people = wb.add_worksheet("人员")
    people.write_row(
        0,
        0,
        [
            "人员编号",
            "姓名",
            "性别",
            "出生日期",
            "入党日期",
            "所在支部编码",
            "人员类别",
            "干部级别",
            "班子成员",
            "职务",
        ],
    )
    categories = ["在职"] * 16 + ["离退休"] * 3 + ["外出流动"]
    for i in range(rows):
        people.write_row(
            i + 1,
            0,
            [
                f"B-P{i:07d}",
                rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if i % 3 else ""),
                "男" if i % 3 else "女",
                f"19{50 + i % 40}年{1 + i % 12}月{1 + i % 28}日",
                f"{1980 + i % 25}.{1 + i % 12}.1",
                branches[i % len(branches)],
                categories[i % len(categories)],
                "无",
                "否",
                "",
            ],
        )
    wb.close()
    return {"orgs": r - 1, "units": units, "branches": len(branches)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=400000)
    args = parser.parse_args()
    vendor = setup_django("import", fresh=True)
    from dudao.imports import roster

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "roster.xlsx"
        started = time.perf_counter()
        shape = generate(path, args.rows)
        generate_s = time.perf_counter() - started
        data = path.read_bytes()

    t0 = time.perf_counter()
    plan, lookups = roster.check(data)
    t1 = time.perf_counter()
    assert not plan.problems, plan.problems[:5]
    summary = roster.apply(plan, lookups, actor=None, only_valid=False, file_name="bench.xlsx")
    t2 = time.perf_counter()
    plan2, lookups2 = roster.check(data)
    again = roster.apply(plan2, lookups2, actor=None, only_valid=False, file_name="bench.xlsx")
    t3 = time.perf_counter()
    assert summary["people_created"] == args.rows, summary
    result = {
        "rows": args.rows,
        "seconds": round(t2 - t0, 2),
        "validate_s": round(t1 - t0, 2),
        "write_s": round(t2 - t1, 2),
        "reimport_s": round(t3 - t2, 2),
        "reimport_changes": again["changed"],
        "generate_s": round(generate_s, 2),
        "file_mb": round(len(data) / 1e6, 1),
        "organisations": shape["orgs"],
        "database": vendor,
    }
    table([(k, v) for k, v in result.items()], ("figure", "value"))
    emit(result)


if __name__ == "__main__":
    main()
