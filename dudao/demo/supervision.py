"""The supervision groups' own work in the demo (issue 13): visits, problems found in every
state, 一把手约谈, spot-checks, typical experiences, a roving inspection visit with its checks,
exchange of views and report, and the weekly reports.

Written through the supervision app's actions (so every row has its audit event and the pages
see exactly what a real group would leave), for a handful of groups only: the story is the
same at every scale, so the cost does not grow with the city (a few hundred actions; the weekly
compile is set-based over all groups).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from dudao.campaigns.models import Participation, SupervisionGroup
from dudao.orgs.models import Role, RoleAssignment
from dudao.rectification.models import Regulation
from dudao.supervision import actions, experiences, inspection, selectors
from dudao.supervision.models import ProblemStatus
from dudao.supervision.weekly import compile_week, week_start_of

# How many groups get the full story; the others keep their weekly report from the compile.
STORY_GROUPS = 6

PROBLEMS = [
    "集中学习签到人数与实际到会人数不符，部分党员代签。",
    "学习笔记内容雷同，心得体会照抄辅导材料。",
    "征求意见范围偏窄，未听取服务对象意见。",
    "班子成员谈心谈话记录过于简单，没有指出具体问题。",
    "整改措施不具体，没有明确责任人和完成时限。",
]
ANSWERS = [
    "已重新组织补学，签到表由支部书记当场核对。",
    "已要求重写心得体会，并组织交流。",
    "已补充召开服务对象座谈会 2 场。",
]
# Each group nominates two of these, the groups taking them in turn (twelve, for six groups):
# a bulletin that printed one practice six times over would not look like a campaign.
EXPERIENCES = [
    (
        "“三会一课”台账化管理",
        "各支部每月公示学习台账，党员互查互评，问题当月整改。",
        "查阅支部台账和公示照片，座谈了解，党员反映较好。",
    ),
    (
        "党员“一岗一责”承诺公示",
        "每名党员结合岗位作出承诺，在窗口公示，接受群众监督。",
        "现场查看公示栏，随机询问办事群众 6 人，均知晓承诺内容。",
    ),
    (
        "流动党员“网上支部”",
        "为外出务工党员建立联系群，每周推送学习材料，按月交流心得。",
        "查阅联系群记录，电话联系流动党员 4 人，均按时参加学习。",
    ),
    (
        "老党员“送学上门”",
        "支部委员分片包干，为年老体弱党员上门送学、代为记录学习笔记。",
        "走访老党员 3 户，学习笔记和送学登记一致。",
    ),
    (
        "“民情日记”走访制度",
        "机关党员每月走访联系户，记民情日记，问题交办限时回复。",
        "抽查民情日记 12 本，交办问题回复率九成以上。",
    ),
    (
        "整改事项“红黄绿”三色督办",
        "按期限给整改事项标色，逾期亮红灯，由主要负责人牵头督办。",
        "查看整改台账和督办记录，逾期事项均已明确责任人和新期限。",
    ),
    (
        "窗口单位“服务承诺+群众评议”",
        "窗口岗位公开服务承诺，办事群众当场评价，结果与评先挂钩。",
        "调阅评议记录两个月，满意率逐月上升。",
    ),
    (
        "“党员先锋岗”创建",
        "在生产一线设立先锋岗，党员挂牌上岗，技术难题由先锋岗牵头攻关。",
        "现场查看先锋岗 5 个，攻关项目有台账、有成效。",
    ),
    (
        "征求意见“回头看”",
        "对征求到的意见逐条登记、分类办理，办理结果回访提意见的群众。",
        "抽查意见台账 20 条，回访记录齐全。",
    ),
    (
        "学习讨论“点题”制",
        "由群众和服务对象点题，支部围绕所点题目组织专题讨论。",
        "查阅点题记录和讨论纪要，题目来自基层的占多数。",
    ),
    (
        "村务“明白墙”",
        "村级财务、项目和惠民资金每月上墙公开，党员分片讲解。",
        "现场查看公开栏，随机询问村民 8 人，均表示看得明白。",
    ),
    (
        "机关党员“结对帮扶”",
        "机关支部与困难村结对，党员每人联系一户困难群众，帮办实事。",
        "查看帮扶台账，走访帮扶户 3 户，所办实事属实。",
    ),
]


def _user(role, **where):
    ra = (
        RoleAssignment.objects.filter(role=role, **where)
        .select_related("user")
        .order_by("user__username")
        .first()
    )
    return ra.user if ra else None


def _unit_staff(participation):
    return _user(Role.UNIT_LIAISON, organisation_id=participation.unit_id) or _user(
        Role.UNIT_HEAD, organisation_id=participation.unit_id
    )


def _group_story(group, *, turn, office, today, rnd, stats) -> None:
    leader = _user(Role.GROUP_LEADER, group=group)
    member = _user(Role.GROUP_MEMBER, group=group) or leader
    parts = list(
        Participation.objects.filter(group=group)
        .select_related("campaign__template", "unit", "group")
        .order_by("unit__code")[:3]
    )
    if leader is None or not parts:
        return
    token = f"demo-{group.pk}"
    visits = []
    for n, p in enumerate(parts):
        visit, _ = actions.log_visit(
            actor=member,
            participation=p,
            kind=["forum", "meeting", "talk"][n % 3],
            happened_on=today - dt.timedelta(days=1 + n * 2),
            spoke=n == 1,
            people_count=rnd.randint(6, 40),
            people_kinds="班子成员、普通党员、服务对象",
            notes=f"到{p.unit_name}了解集中学习和征求意见情况，听取意见建议。",
            client_token=f"{token}-v{n}",
        )
        visits.append(visit)
    stats["visits"] += len(visits)

    p = parts[0]
    staff = _unit_staff(p)
    found = []
    for n, text in enumerate(PROBLEMS[:4]):
        found.append(
            actions.record_problem(
                actor=leader,
                participation=parts[n % len(parts)],
                description=text,
                requirement="请在时限内整改并书面答复。",
                visit=visits[n % len(visits)],
                client_token=f"{token}-p{n}",
            )
        )
    # One each: answered and waiting for the group; solved; sent back with a reason; open.
    for n, problem in enumerate(found[:3]):
        answerer = _unit_staff(problem.participation)
        if answerer is None or problem.status != ProblemStatus.SENT:
            continue
        problem = actions.answer_problem(actor=answerer, problem=problem, answer=ANSWERS[n])
        if n == 1:
            actions.verify_problem(actor=leader, problem=problem, solved=True)
        elif n == 2:
            actions.verify_problem(
                actor=leader,
                problem=problem,
                solved=False,
                reason="只补开了一场座谈会，服务对象代表不足，请继续整改。",
            )
    # A member's problem waits for the leader's sign-off (when the template says so).
    actions.record_problem(
        actor=member,
        participation=p,
        description=PROBLEMS[4],
        client_token=f"{token}-p-member",
    )
    stats["problems"] += len(found) + 1

    if staff is not None:
        actions.record_interview(
            actor=leader,
            participation=p,
            interviewee=f"{p.unit_name}主要负责人",
            held_on=today - dt.timedelta(days=3),
            reason="学习走过场，发现的问题迟迟不整改。",
            said="指出集中学习签到不实、整改措施不具体等问题，提出限期整改要求。",
            promised="一周内重新组织集中学习，逐条落实整改。",
            follow_up_on=today + dt.timedelta(days=7),
            problems=[found[0]],
        )
        stats["interviews"] += 1

    for kind in ("meeting", "session"):
        candidates = selectors.claim_candidates(p, kind)
        if len(candidates) >= 2:
            checks = actions.draw_spot_checks(
                actor=leader,
                participation=p,
                claim_kind=kind,
                candidates=candidates,
                count=2,
                seed=rnd.randrange(2**31),
            )
            actions.record_spot_check(
                actor=member, check=checks[0], confirmed=True, method="查阅会议记录和签到表"
            )
            actions.record_spot_check(
                actor=member,
                check=checks[1],
                confirmed=False,
                method="电话核实 3 人",
                finding="3 人中有 2 人表示当天未参加。",
            )
            stats["spot_checks"] += 2
            break

    for n in range(2):
        title, practice, evidence = EXPERIENCES[(2 * turn + n) % len(EXPERIENCES)]
        exp, _ = experiences.nominate_experience(
            actor=member,
            participation=parts[n % len(parts)],
            title=title,
            practice=practice,
            evidence=evidence,
            visits=[visits[n % len(visits)]],
            client_token=f"{token}-e{n}",
        )
        if n == 0 and office is not None:
            exp = experiences.approve_experience(actor=office, experience=exp)
            experiences.publish_experience(actor=office, experience=exp)
        stats["experiences"] += 1


def _inspection_story(campaign, *, today, stats) -> None:
    ra = (
        RoleAssignment.objects.filter(role=Role.INSPECTOR, inspection_group__campaign=campaign)
        .select_related("user", "inspection_group")
        .order_by("pk")
        .first()
    )
    if ra is None:
        return
    group, inspector = ra.inspection_group, ra.user
    paths = list(group.departments.values_list("path", flat=True))
    if not paths:
        return
    p = (
        Participation.objects.filter(campaign=campaign)
        .filter(Q.create([("unit__path__startswith", x) for x in paths], connector=Q.OR))
        .select_related("campaign__template", "unit", "group")
        .order_by("batch__start_date", "unit__code")
        .first()
    )
    if p is None:
        return
    visit, _ = actions.log_visit(
        actor=inspector,
        participation=p,
        kind="inspection",
        happened_on=today - dt.timedelta(days=2),
        people_count=9,
        people_kinds="班子成员、支部书记",
        notes="检查建章立制和长效机制落实情况。",
        client_token=f"demo-inspection-{group.pk}",
    )
    regulation = Regulation.objects.filter(participation=p).order_by("pk").first()
    if regulation is not None:
        inspection.check_in_force(
            actor=inspector,
            participation=p,
            regulation=regulation,
            in_force=False,
            method="查阅执行记录、个别访谈 3 人",
            note="制度制定后未见执行记录。",
            visit=visit,
        )
    inspection.check_in_force(
        actor=inspector,
        participation=p,
        mechanism="党员联系服务群众机制",
        in_force=True,
        method="查阅联系记录 10 份",
        visit=visit,
    )
    inspection.record_exchange(
        actor=inspector,
        participation=p,
        held_on=today - dt.timedelta(days=1),
        attendees="单位主要负责人、分管负责人",
        views="长效机制建立较全，但部分制度执行不到位，记录不全。",
        response="一个月内逐项检查制度执行情况，补齐记录。",
    )
    report, _ = inspection.compile_inspection_report(
        actor=inspector,
        inspection_group=group,
        period_start=week_start_of(today),
        period_end=today,
    )
    inspection.save_inspection_report(
        actor=inspector,
        report=report,
        narrative=f"本周检查{p.unit_name}，重点检查建章立制落实情况。",
    )
    # Last week's report went to the leading group (its members and the office are told).
    last_week = week_start_of(today) - dt.timedelta(days=7)
    if last_week >= campaign.start_date - dt.timedelta(days=6):
        # What the report of last week rests on: a first visit to the same unit that week.
        first = actions.log_visit(
            actor=inspector,
            participation=p,
            kind="inspection",
            happened_on=max(last_week + dt.timedelta(days=2), campaign.start_date),
            people_count=5,
            people_kinds="班子成员、机关干部",
            notes="了解建章立制情况，商定检查计划。",
            client_token=f"demo-inspection-first-{group.pk}",
        )[0]
        inspection.check_in_force(
            actor=inspector,
            participation=p,
            mechanism="“三会一课”制度",
            in_force=True,
            method="查阅会议记录 12 份",
            checked_on=first.happened_on,
            visit=first,
        )
        last, _ = inspection.compile_inspection_report(
            actor=inspector,
            inspection_group=group,
            period_start=last_week,
            period_end=last_week + dt.timedelta(days=6),
        )
        inspection.save_inspection_report(
            actor=inspector,
            report=last,
            narrative=f"上周到{p.unit_name}了解建章立制情况，“三会一课”制度落实，商定本阶段检查计划。",
            submit=True,
        )
    stats["inspection_visits"] += 1


def seed_supervision(*, campaign, seed_value: int, today: dt.date, out) -> dict:
    """The supervision groups' work by today; returns counts."""
    rnd = random.Random(f"{seed_value}:supervision")
    stats = dict.fromkeys(
        ("visits", "problems", "interviews", "spot_checks", "experiences", "inspection_visits"), 0
    )
    office = _user(Role.OFFICE, campaign=campaign)
    groups = list(SupervisionGroup.objects.filter(campaign=campaign).order_by("code"))
    for turn, group in enumerate(groups[:STORY_GROUPS]):
        _group_story(group, turn=turn, office=office, today=today, rnd=rnd, stats=stats)
    _inspection_story(campaign, today=today, stats=stats)
    this_week = week_start_of(today)
    compile_week(campaign, this_week - dt.timedelta(days=7))
    compile_week(campaign, this_week)
    # Last week's reports of the story groups were written and sent to the office.
    for group in groups[:STORY_GROUPS]:
        leader = _user(Role.GROUP_LEADER, group=group)
        report = group.weekly_reports.filter(week_start=this_week - dt.timedelta(days=7)).first()
        if leader is not None and report is not None:
            actions.submit_report(
                actor=leader,
                report=report,
                narrative="本周深入联系单位开展督导，列席会议、召开座谈会，发现问题及时反馈。",
            )
    out.write(
        "  督导工作：调研 {visits} 次，发现问题 {problems} 个，约谈 {interviews} 人次，"
        "抽查 {spot_checks} 项，典型经验 {experiences} 个\n".format(**stats)
    )
    return {f"supervision:{k}": v for k, v in stats.items()}
