"""The records app's reader for the requirements engine (dudao/campaigns/requirements/ports.py).

Imported once at start-up by ``CampaignsConfig.ready()`` (``autodiscover_modules("ports")``), so
the engine, which sits below this app, reads records without importing it.
"""

from __future__ import annotations

from dudao.campaigns.requirements.ports import RecordReader, register_record_reader

from .models import (
    Attendance,
    Criticism,
    Exemption,
    ExemptionReason,
    KnowledgeTest,
    Meeting,
    ProblemFound,
    SpeakerRole,
    StudySession,
    Talk,
    TestResult,
)

register_record_reader(
    RecordReader(
        study_session=StudySession,
        attendance=Attendance,
        meeting=Meeting,
        knowledge_test=KnowledgeTest,
        test_result=TestResult,
        talk=Talk,
        problem_found=ProblemFound,
        criticism=Criticism,
        exemption=Exemption,
        speaker_roles=dict(SpeakerRole.choices),
        exemption_reasons=dict(ExemptionReason.choices),
    )
)
