"""Access-matrix rows of the token page and of the records endpoints of the JSON API."""

from __future__ import annotations

from dudao.testing.matrix import ALL_ROLES, GROUP1, READ_ALL, UNIT_A, Row

MANAGERS = {"office", "admin"}
READERS = READ_ALL | GROUP1 | UNIT_A


def _part(c):
    from dudao.campaigns.models import Participation

    return Participation.objects.get(campaign=c.campaign, unit=c.unit_a)


def _token(c):
    from dudao.tokens.actions import create_token
    from dudao.tokens.models import ApiToken

    token = ApiToken.objects.filter(user=c.user("office"), revoked_at__isnull=True).first()
    if token is None:
        token, _ = create_token(actor=c.user("office"), name="矩阵测试")
    return token


def _problem(c):
    from dudao.records.models import FindingSource, ProblemFound

    found = ProblemFound.objects.filter(participation=_part(c)).first()
    if found is None:
        from dudao.records.actions import create_record

        found = create_record(
            "problems",
            actor=c.user("unit_head"),
            participation=_part(c),
            data={"source": FindingSource.SELF, "person": None, "text": "矩阵测试问题"},
        )
    return found


def _application(c):
    from dudao.transitions.tests.matrix_rows import _application as make

    return make(c)


def _item(c):
    from dudao.rectification.tests.matrix_rows import _item as make

    return make(c)


def _doc(c):
    from dudao.reviews.tests.matrix_rows import _doc as make

    return make(c)


def _round(c):
    from dudao.surveys.models import SurveyRound
    from dudao.surveys.tests.matrix_rows import _round as make

    found = SurveyRound.objects.filter(
        participation=_part(c), instrument="phase_effectiveness", subject_person=None
    ).first()
    return found or make(c)


def _opinion(c):
    from dudao.opinions.tests.matrix_rows import _opinion as make

    return make(c)


def _bulletin(c):
    from dudao.reports.tests.matrix_rows import _bulletin as make

    return make(c)


RECT_UNIT = READERS | {"admin"}
OPINION_PAGE = READERS | {"admin"}
OPINION_WRITERS = {"office", "admin"} | GROUP1 | UNIT_A
REPORT_READERS = READERS | {"inspector", "admin"}
REPORT_UNIT_A = READERS | {"admin"}
RECT_CREATORS = {"office", "admin"} | GROUP1 | UNIT_A
# Bulletins: the office and the leading group read and print (as the pages); the office drafts.
BULLETIN_READERS = READ_ALL | {"admin"}
BULLETIN_WRITERS = {"office", "admin"}
RECT_ITEM = RECT_UNIT | {"member"}

ROWS = [
    Row(
        "api tokens page",
        "tokens:list",
        lambda c: "/tokens/",
        MANAGERS,
        lambda c: "建立令牌",
        post=lambda c: {"name": "矩阵测试令牌"},
    ),
    Row(
        "api token revoke",
        "tokens:revoke",
        lambda c: f"/tokens/{_token(c).pk}/revoke/",
        {"office"},
        post=lambda c: {"reason": "矩阵测试"},
        post_only=True,
    ),
    Row(
        "api record kinds", "api:record_kinds", lambda c: "/api/records/kinds", ALL_ROLES, api=True
    ),
    Row(
        "api records of unit A",
        "api:records",
        lambda c: f"/api/records/{_part(c).pk}/problems",
        READERS,
        api=True,
        post=lambda c: {"source": "self", "text": "矩阵测试"},
        post_allowed=UNIT_A,
    ),
    Row(
        "api one record of unit A",
        "api:record",
        lambda c: f"/api/records/{_part(c).pk}/problems/{_problem(c).pk}",
        READERS,
        lambda c: "矩阵测试问题",
        api=True,
    ),
    Row(
        "api transition applications of unit A",
        "api:transition_applications",
        lambda c: f"/api/transitions/units/{_part(c).pk}/applications",
        UNIT_A,
        api=True,
        post=lambda c: {"summary": "矩阵测试"},
    ),
    # A decision's permit is asked once the body names the decision: everyone who sees the
    # application may send one, and is refused (403/409/422) by the same permits as the page.
    Row(
        "api transition application of unit A",
        "api:transition_application",
        lambda c: f"/api/transitions/applications/{_application(c).pk}",
        READERS,
        api=True,
        post=lambda c: {"decision": "forward"},
        post_allowed=READERS,
    ),
    Row(
        "api rectification items of unit A",
        "api:rectification_items",
        lambda c: f"/api/rectification/units/{_part(c).pk}/items",
        RECT_UNIT,
        api=True,
        post=lambda c: {"level": "organisation"},
        post_allowed=RECT_CREATORS,
    ),
    Row(
        "api rectification item of unit A",
        "api:rectification_item",
        lambda c: f"/api/rectification/items/{_item(c).pk}",
        RECT_ITEM,
        lambda c: "矩阵测试问题",
        api=True,
        post=lambda c: {"action": "post_progress"},
        post_allowed=RECT_ITEM,
    ),
    Row(
        "api documents of the campaign",
        "api:review_documents",
        lambda c: f"/api/reviews/campaigns/{c.campaign.pk}/documents",
        READERS | {"admin", "member", "secretary"},
        api=True,
        post=lambda c: {"participation": _part(c).pk},
        post_allowed=UNIT_A | GROUP1 | {"admin", "member", "secretary"},
    ),
    Row(
        "api one document of unit A",
        "api:review_document",
        lambda c: f"/api/reviews/documents/{_doc(c).pk}",
        READERS,
        lambda c: "矩阵测试文书",
        api=True,
        post=lambda c: {"action": "comment"},
        post_allowed=READERS,
    ),
    Row(
        "api survey rounds of unit A",
        "api:survey_rounds",
        lambda c: f"/api/surveys/units/{_part(c).pk}/rounds",
        READERS | {"admin"},
        api=True,
        post=lambda c: {"instrument": "x"},
        post_allowed=READERS | {"admin"},
    ),
    Row(
        "api survey round of unit A",
        "api:survey_round",
        lambda c: f"/api/surveys/rounds/{_round(c).pk}",
        READERS | {"admin"},
        api=True,
        post=lambda c: {"action": "open"},
        post_allowed=READERS | {"admin"},
    ),
    Row(
        "api opinions of unit A",
        "api:opinions",
        lambda c: f"/api/opinions/units/{_part(c).pk}/opinions",
        OPINION_PAGE,
        api=True,
        post=lambda c: {"text": "矩阵测试"},
        post_allowed=OPINION_WRITERS,
    ),
    Row(
        "api one opinion of unit A",
        "api:opinion",
        lambda c: f"/api/opinions/{_opinion(c).pk}",
        OPINION_PAGE,
        lambda c: "矩阵测试意见",
        api=True,
        post=lambda c: {"action": "classify"},
        post_allowed=OPINION_WRITERS,
    ),
    Row(
        "api feedback of unit A's opinions",
        "api:opinion_feedbacks",
        lambda c: f"/api/opinions/units/{_part(c).pk}/feedbacks",
        OPINION_PAGE,
        api=True,
        post=lambda c: {"opinions": [_opinion(c).pk]},
        post_allowed=UNIT_A,
    ),
    Row(
        "api tallies of the campaign",
        "api:report_tallies",
        lambda c: f"/api/reports/campaigns/{c.campaign.pk}/tallies",
        REPORT_READERS,
        api=True,
    ),
    Row(
        "api a tally's units",
        "api:report_figure_units",
        lambda c: f"/api/reports/campaigns/{c.campaign.pk}/tallies/forums/units",
        REPORT_READERS,
        api=True,
    ),
    Row(
        "api a tally's records of unit A",
        "api:report_figure_records",
        lambda c: f"/api/reports/campaigns/{c.campaign.pk}/tallies/forums/units/{_part(c).pk}",
        REPORT_UNIT_A,
        api=True,
    ),
    Row(
        "api bulletins of the campaign",
        "api:report_bulletins",
        lambda c: f"/api/reports/campaigns/{_bulletin(c).campaign_id}/bulletins",
        BULLETIN_READERS,
        lambda c: _bulletin(c).masthead,
        api=True,
        post=lambda c: {"issued_on": "2005-02-08"},
        post_allowed=BULLETIN_WRITERS,
    ),
    Row(
        "api one bulletin",
        "api:report_bulletin",
        lambda c: f"/api/reports/bulletins/{_bulletin(c).pk}",
        BULLETIN_READERS,
        lambda c: _bulletin(c).masthead,
        api=True,
        post=lambda c: {"action": "issue"},
        post_allowed=BULLETIN_WRITERS,
    ),
    Row(
        "api a bulletin's Word file",
        "api:report_bulletin_file",
        lambda c: f"/api/reports/bulletins/{_bulletin(c).pk}/files/docx",
        BULLETIN_READERS,
        api=True,
    ),
]
