"""The staff pages end to end through the test client: create a round, issue codes, open,
enter and confirm paper ballots, close; the result and the group summary appear only then."""

from __future__ import annotations

import pytest

from dudao.surveys.models import SurveyCode, SurveyRound
from dudao.surveys.tests.helpers import participation, vote

pytestmark = pytest.mark.django_db


def test_a_unit_runs_its_rectification_survey_through_the_pages(client, cast05):
    p = participation(cast05)
    client.force_login(cast05.user("liaison"))
    page = client.get(f"/surveys/units/{p.pk}/").content.decode()
    assert "整改情况满意度问卷测评" in page and "建立测评" in page
    response = client.post(f"/surveys/units/{p.pk}/new/", {"instrument": "rectification_survey"})
    round_ = SurveyRound.objects.get(instrument="rectification_survey")
    assert response["Location"] == f"/surveys/rounds/{round_.pk}/"
    client.post(f"/surveys/rounds/{round_.pk}/codes/", {"count": "6"})
    client.post(f"/surveys/rounds/{round_.pk}/open/", {"expires_on": ""})
    vote(
        list(SurveyCode.objects.filter(round=round_).values_list("code", flat=True)),
        {"rectification": "满意"},
    )
    page = client.get(f"/surveys/rounds/{round_.pk}/").content.decode()
    assert "测评进行中" in page and "使用 6 个" not in page
    form = {
        "issued": "10",
        "returned": "9",
        "void": "1",
        "valid": "8",
        "rectification:满意": "5",
        "rectification:基本满意": "1",
        "rectification:不满意": "2",
    }
    client.post(f"/surveys/rounds/{round_.pk}/paper/", form)
    client.force_login(cast05.user("unit_head"))  # the second clerk counts blind
    page = client.get(f"/surveys/rounds/{round_.pk}/").content.decode()
    assert "请您根据纸质票独立清点后录入" in page and 'value="10"' not in page
    client.post(f"/surveys/rounds/{round_.pk}/paper/", form)
    response = client.post(f"/surveys/rounds/{round_.pk}/close/", follow=True)
    page = response.content.decode()
    # 6 online + 6 paper satisfied of 14: 12/14 ≥ 2/3.
    assert "达到要求" in page and "满意 12/14" in page and "使用 6 个" in page
    client.force_login(cast05.user("leading"))
    overview = client.get(
        f"/surveys/campaigns/{cast05.campaign.pk}/?instrument=rectification_survey"
    ).content.decode()
    assert "东城区财政局" in overview and "第一督导组" in overview and "满意 12/14" in overview


def test_an_unknown_instrument_is_named_in_the_message(client, cast05):
    client.force_login(cast05.user("office"))
    response = client.post(
        f"/surveys/units/{participation(cast05).pk}/new/", {"instrument": "nope"}, follow=True
    )
    assert "没有编码为“nope”的测评" in response.content.decode()
