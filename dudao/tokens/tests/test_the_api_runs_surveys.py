"""Surveys through the API (not answering: ballots stay on the anonymous pages): who runs an
instrument is the template's, as on the page; a closed round gives its decision, no ballot."""

from __future__ import annotations

import pytest

from dudao.core.models import AuditEvent
from dudao.surveys.models import SurveyRound

pytestmark = pytest.mark.django_db


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_office_runs_a_survey_the_unit_may_not(client, cast):
    from dudao.campaigns.models import Participation

    p = Participation.objects.get(campaign=cast.campaign, unit=cast.unit_a)
    url = f"/api/surveys/units/{p.pk}/rounds"
    client.force_login(cast.user("unit_head"))
    refused = _post(client, url, {"instrument": "phase_effectiveness"})
    assert refused.status_code == 403 and "组织实施" in refused.json()["detail"]
    unknown = _post(client, url, {"instrument": "no_such"})
    assert unknown.status_code == 400 and "no_such" in unknown.json()["detail"]
    assert _post(client, url, {}).json()["errors"][0]["label"] == "测评"
    client.force_login(cast.user("office"))
    made = _post(client, url, {"instrument": "phase_effectiveness"})
    assert made.status_code == 201, made.json()
    rid = made.json()[0]["id"]
    detail = f"/api/surveys/rounds/{rid}"
    opened = _post(client, detail, {"action": "open"})
    assert opened.status_code == 200, opened.json()
    assert opened.json()["status"] == "open"
    closed = _post(client, detail, {"action": "close"})
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["result"]
    again = _post(client, detail, {"action": "close"})
    assert again.status_code in (403, 409)
    assert AuditEvent.objects.filter(target_id=str(rid)).count() >= 3
    assert SurveyRound.objects.count() == 1
    client.force_login(cast.user("outsider"))
    assert client.get(detail).status_code == 404
    assert client.get(url).status_code == 404
