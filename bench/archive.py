"""The per-unit archive at full size: `python -m bench.archive [--members 5000]`.

Builds (once per bench database, var/bench_archive.sqlite3 or <db>_bench_archive on PostgreSQL)
one unit of ``--members`` members (default 5,000) in 50 branches, on the 2005 template, with a
full campaign's records: 10 study sessions per phase with every member's attendance, 50
meetings per phase, a self-found problem per member, two personal documents per member (study
notes, self-analysis) of two versions each with two review rounds and a comment, a tenth of
them with an original file of 40 KB, the unit's plan and summaries, 300 rectification items with
progress and a photo each, four closed surveys, three approved transitions and one audit event
per record written (chained and keyed). Then measures:

- ``export_s``: the export of the unit's whole archive as one bundle (target < 60);
- ``bundle_mb``: the bundle's size;
- ``verify_s``: the shipped verify.py, run as a separate process on the zip;
- ``tamper_detected``: one byte of a member changed in a copy of the bundle: the verifier fails
  and names that member.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile

from bench.common import emit, machine, setup_django, table

BRANCHES = 50


def _build(members: int) -> int:
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils import timezone

    from dudao.campaigns.models import Batch, Campaign, Participation, SupervisionGroup
    from dudao.campaigns.template_loader import load_builtin_template
    from dudao.core.audit import compute_hash
    from dudao.core.models import AuditChainHead, AuditEvent
    from dudao.orgs.models import Organisation, OrgKind, Person, Role, RoleAssignment
    from dudao.records.models import Attendance, Meeting, ProblemFound, StudySession
    from dudao.rectification.models import Attachment, Item, ProgressUpdate
    from dudao.reviews.models import (
        Document,
        DocumentStatus,
        DocumentVersion,
        ReviewComment,
        ReviewRound,
    )
    from dudao.surveys.models import RoundStatus, SurveyRound, Tally
    from dudao.transitions.models import ApplicationStatus, TransitionApplication

    name = f"档案基准单位（{members}名党员）"
    existing = Participation.objects.filter(unit_name=name).first()
    if existing is not None:
        return existing.pk
    print(f"生成{name}……", flush=True)
    started = time.perf_counter()
    rng = random.Random(14)
    template = load_builtin_template("xianjinxing-2005")
    phases = [p["code"] for p in template.data["phases"]]
    User = get_user_model()
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        root = Organisation.objects.create(
            code=f"ARC{members}-ROOT",
            name="档案基准市委",
            kind=OrgKind.CITY_COMMITTEE,
            path="",
            depth=0,
        )
        Organisation.objects.filter(pk=root.pk).update(path=f"{root.pk:010d}/")
        root.refresh_from_db()
        unit = Organisation.objects.create(
            code=f"ARC{members}-U",
            name=name,
            kind=OrgKind.UNIT,
            parent=root,
            path="",
            depth=1,
        )
        Organisation.objects.filter(pk=unit.pk).update(
            path=f"{root.path}{unit.pk:010d}/", unit_id=unit.pk
        )
        unit.refresh_from_db()
        branches = [
            Organisation.objects.create(
                code=f"ARC{members}-B{b}",
                name=f"第{b + 1}党支部",
                kind=OrgKind.BRANCH,
                parent=unit,
                path="",
                depth=2,
                unit=unit,
            )
            for b in range(BRANCHES)
        ]
        for b in branches:
            Organisation.objects.filter(pk=b.pk).update(path=f"{unit.path}{b.pk:010d}/")
        Person.objects.bulk_create(
            [
                Person(
                    code=f"ARC{members}-P{n}",
                    name=f"党员{n}",
                    branch=branches[n % BRANCHES],
                    unit=unit,
                )
                for n in range(members)
            ],
            batch_size=5000,
        )
        people = list(Person.objects.filter(unit=unit).order_by("pk").values_list("pk", flat=True))
        campaign = Campaign.objects.create(
            name="档案基准活动",
            short_name="档案基准",
            template=template,
            root=root,
            start_date=today - dt.timedelta(days=180),
            status="running",
        )
        batch = Batch.objects.create(campaign=campaign, number=1, name="第一批")
        group = SupervisionGroup.objects.create(
            campaign=campaign, batch=batch, code="G1", name="第一督导组"
        )
        part = Participation.objects.create(
            campaign=campaign,
            batch=batch,
            unit=unit,
            unit_name=name,
            group=group,
            current_phase=phases[-1],
        )
        head = User.objects.create_user(f"arc{members}-head", first_name="单位负责人")
        leader = User.objects.create_user(f"arc{members}-leader", first_name="督导组长")
        RoleAssignment.objects.create(user=head, role=Role.UNIT_HEAD, organisation=unit)
        RoleAssignment.objects.create(user=leader, role=Role.GROUP_LEADER, group=group)
        day = today - dt.timedelta(days=150)
        for phase in phases:
            sessions = StudySession.objects.bulk_create(
                [
                    StudySession(
                        participation=part,
                        phase=phase,
                        kind="concentrated",
                        date=day,
                        hours=3,
                        topic=f"{phase}专题学习{s + 1}",
                        speaker="党委书记",
                        created_by=head,
                        updated_by=head,
                    )
                    for s in range(10)
                ]
            )
            sessions = list(StudySession.objects.filter(participation=part, phase=phase))
            for s in sessions:
                Attendance.objects.bulk_create(
                    [
                        Attendance(
                            session=s,
                            person_id=p,
                            participation=part,
                            phase=phase,
                            kind=s.kind,
                            hours=3,
                        )
                        for p in people
                    ],
                    batch_size=5000,
                )
            Meeting.objects.bulk_create(
                [
                    Meeting(
                        participation=part,
                        phase=phase,
                        kind="democratic_life",
                        date=day,
                        title=f"{phase}支部会议{m + 1}",
                        attendees=100,
                        created_by=head,
                        updated_by=head,
                    )
                    for m in range(50)
                ]
            )
        ProblemFound.objects.bulk_create(
            [
                ProblemFound(
                    participation=part,
                    phase="analysis",
                    person_id=p,
                    text="学习不够深入，联系群众不够紧密，工作作风有待改进。" * 2,
                    created_by=head,
                    updated_by=head,
                )
                for p in people
            ],
            batch_size=5000,
        )
        body = "对照党章和先进性具体要求，认真查找自身存在的问题，剖析根源，明确整改方向。" * 40
        docs = [
            Document(
                campaign=campaign,
                participation=part,
                kind=kind,
                phase=phase,
                author_id=p,
                title="",
                status=DocumentStatus.APPROVED,
                created_by=head,
                last_submitted_at=now,
            )
            for p in people
            for kind, phase in (("study_note", "study"), ("self_analysis", "analysis"))
        ]
        docs += [
            Document(
                campaign=campaign,
                participation=part,
                kind=kind,
                phase=phase,
                title=title,
                status=DocumentStatus.APPROVED,
                created_by=head,
                last_submitted_at=now,
            )
            for kind, phase, title in (
                ("implementation_plan", "study", "实施方案"),
                ("unit_analysis", "analysis", "本单位总结分析材料"),
                ("grassroots_rectification_plan", "rectify", "整改方案"),
                ("final_summary", "consolidate", "先进性教育活动总结"),
            )
        ]
        Document.objects.bulk_create(docs, batch_size=5000)
        docs = list(Document.objects.filter(participation=part).order_by("pk"))
        versions = []
        for d in docs:
            for n in (1, 2):
                versions.append(
                    DocumentVersion(
                        document=d,
                        number=n,
                        text=body + f"（第{n}稿）",
                        char_count=len(body),
                        submitted_by=head,
                        submitted_at=now,
                    )
                )
        DocumentVersion.objects.bulk_create(versions, batch_size=5000)
        v_by = {
            (v.document_id, v.number): v
            for v in DocumentVersion.objects.filter(document__participation=part)
        }
        originals = b"PK\x03\x04" + os.urandom(40 * 1024)
        for d in docs[::10]:
            v = v_by[(d.pk, 1)]
            v.original.save(f"bench-{d.pk}.docx", ContentFile(originals), save=False)
            v.original_name = "原稿.docx"
            v.save(update_fields=["original", "original_name"])
        rounds, comments = [], []
        for d in docs:
            v1, v2 = v_by[(d.pk, 1)], v_by[(d.pk, 2)]
            rounds.append(
                ReviewRound(
                    document=d,
                    version=v1,
                    number=1,
                    reviewer=leader,
                    decision="returned",
                    reason="问题查摆不够具体",
                    decided_at=now,
                )
            )
            rounds.append(
                ReviewRound(
                    document=d,
                    version=v2,
                    number=2,
                    reviewer=leader,
                    decision="approved",
                    decided_at=now,
                )
            )
            comments.append(
                ReviewComment(
                    document=d,
                    version=v1,
                    quote=body[:10],
                    start=0,
                    end=10,
                    body="请结合本人实际",
                    author=leader,
                )
            )
        ReviewRound.objects.bulk_create(rounds, batch_size=5000)
        ReviewComment.objects.bulk_create(comments, batch_size=5000)
        items = Item.objects.bulk_create(
            [
                Item(
                    campaign=campaign,
                    participation=part,
                    number=n + 1,
                    level="organisation",
                    problem=f"整改问题{n + 1}：办事流程繁琐",
                    rect_class="near_term",
                    measures="简化流程，公开时限",
                    deadline=today,
                    original_deadline=today,
                    status="closed" if n % 2 else "open",
                    closed_on=today if n % 2 else None,
                    created_by=leader,
                )
                for n in range(300)
            ]
        )
        items = list(Item.objects.filter(participation=part))
        photo = os.urandom(20 * 1024)
        for it in items:
            update = ProgressUpdate.objects.create(
                item=it, happened_on=today, text="已完成阶段整改", author=head
            )
            a = Attachment(
                update=update,
                kind="photo",
                original_name="现场.jpg",
                size=len(photo),
                content_type="image/jpeg",
            )
            a.file.save(f"bench-{it.pk}.jpg", ContentFile(photo), save=False)
            a.save()
        for inst in (
            "self_analysis_test",
            "phase_effectiveness",
            "rectification_survey",
            "mass_satisfaction",
        ):
            rnd = SurveyRound.objects.create(
                campaign=campaign,
                participation=part,
                instrument=inst,
                status=RoundStatus.CLOSED,
                created_by=leader,
                opened_at=now,
                closed_at=now,
            )
            inst_data = next(i for i in template.data["survey_instruments"] if i["code"] == inst)
            Tally.objects.bulk_create(
                Tally(round=rnd, question=q["code"], option=o, count=rng.randint(50, 500))
                for q in inst_data["questions"]
                for o in q["options"]
            )
        for a, b in zip(phases, phases[1:]):
            TransitionApplication.objects.create(
                campaign=campaign,
                participation=part,
                from_phase=a,
                to_phase=b,
                summary="本阶段工作已完成",
                status=ApplicationStatus.APPROVED,
                waiting_since=now,
                submitted_by=head,
                submitted_at=now,
                group_decided_by=leader,
                group_decided_at=now,
                office_decided_by=leader,
                office_decided_at=now,
                report_snapshot={"requirements": [{"code": "r", "passed": True}]},
                snapshot_taken_at=now,
            )
        # One audit event per record written, chained and keyed as record_event writes them.
        chain, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev, seq = chain.last_hash, chain.last_seq
        events = []
        count = members * 3 + len(docs) * 4 + 600
        for n in range(count):
            seq += 1
            fields = {
                "seq": seq,
                "created_at": now,
                "actor_id": head.pk,
                "actor_label": "单位负责人",
                "action": "records.problem.create",
                "target_type": "records.problemfound",
                "target_id": str(n),
                "target_label": f"记录{n}",
                "campaign_id": campaign.pk,
                "organisation_id": unit.pk,
                "reason": "",
                "data": {"n": n},
            }
            digest = compute_hash(prev_hash=prev, **fields)
            events.append(AuditEvent(prev_hash=prev, hash=digest, **fields))
            prev = digest
        AuditEvent.objects.bulk_create(events, batch_size=5000)
        AuditChainHead.objects.filter(pk=1).update(last_seq=seq, last_hash=prev)
    print(f"  生成用时 {time.perf_counter() - started:.1f} 秒", flush=True)
    return part.pk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=5000)
    args = parser.parse_args()
    vendor = setup_django("archive")
    from django.conf import settings

    settings.DUDAO_IMPORT_SYNC = True
    from django.contrib.auth import get_user_model

    from dudao.archive import actions
    from dudao.campaigns.models import Participation

    pid = _build(args.members)
    part = Participation.objects.select_related("campaign__template", "unit").get(pk=pid)
    office = get_user_model().objects.get(username=f"arc{args.members}-leader")
    started = time.perf_counter()
    export = actions.request_export(
        actor=office, participation=part, token=f"bench-{time.time_ns()}"
    )
    export_s = time.perf_counter() - started
    if export.failure:
        raise SystemExit(export.failure)
    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "bundle.zip")
        with export.file.open("rb") as src, open(bundle, "wb") as out:
            while block := src.read(1024 * 1024):
                out.write(block)
        verifier = os.path.join(tmp, "verify.py")
        with zipfile.ZipFile(bundle) as zf:
            with open(verifier, "wb") as fh:
                fh.write(zf.read("verify.py"))
            members = len(zf.infolist())
        started = time.perf_counter()
        clean = subprocess.run(
            [sys.executable, "-I", verifier, bundle],
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
        verify_s = time.perf_counter() - started
        tampered = os.path.join(tmp, "tampered.zip")
        victim = "surveys/results.json"
        with zipfile.ZipFile(bundle) as zin, zipfile.ZipFile(tampered, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info)
                if info.filename == victim:
                    data = bytes([data[0] ^ 0x01]) + data[1:]
                zout.writestr(info, data)
        bad = subprocess.run(
            [sys.executable, "-I", verifier, tampered],
            capture_output=True,
            text=True,
            encoding="utf-8",
        )
    tamper_detected = (
        clean.returncode == 0 and bad.returncode == 1 and f"被修改：{victim}" in bad.stdout
    )
    result = {
        "members": args.members,
        "export_s": round(export_s, 2),
        "bundle_mb": round(export.size / 1024 / 1024, 1),
        "files": members,
        "verify_s": round(verify_s, 2),
        "tamper_detected": tamper_detected,
        "database": vendor,
        **machine(),
    }
    table(
        [
            ("党员人数", args.members),
            ("导出用时（秒，目标 < 60）", result["export_s"]),
            ("档案包大小（MB）", result["bundle_mb"]),
            ("文件数", members),
            ("校验用时（秒）", result["verify_s"]),
            ("篡改被发现", "是" if tamper_detected else "否"),
        ],
        ("项目", "结果"),
    )
    emit(result)


if __name__ == "__main__":
    main()
