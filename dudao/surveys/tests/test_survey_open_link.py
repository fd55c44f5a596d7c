"""An open link for the public, one answer per device, where the template allows it
(``open_link: true``): each device that opens the link gets a one-time code kept in a cookie on
the device; the server stores no device data and shows no visitor count while the round is
open."""

from __future__ import annotations

import pytest
import yaml
from django.test import Client

from dudao.campaigns.template_loader import (
    builtin_template_paths,
    load_template,
    validate_template_file,
)
from dudao.core.errors import DomainError
from dudao.core.models import AuditEvent
from dudao.surveys import actions
from dudao.surveys.models import SurveyCode, Tally
from dudao.surveys.selectors import code_counts, counts_for_rounds
from dudao.testing import build_cast

from .helpers import close, open_round

pytestmark = pytest.mark.django_db
ANSWERS = {"found_problems": "找准抓住了", "formality": "扎实认真"}


def _template_file(tmp_path, **changes):
    """The 2005 template with phase_effectiveness changed (a new code, so it loads beside it)."""
    path = next(p for p in builtin_template_paths() if p.stem == "xianjinxing-2005")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["code"] = "xianjinxing-2005-link"
    for inst in data["survey_instruments"]:
        if inst["code"] == "phase_effectiveness":
            inst.update(changes)
    out = tmp_path / "xianjinxing-2005-link.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return out


@pytest.fixture
def cast(tmp_path):
    template = load_template(actor=None, path=_template_file(tmp_path, open_link=True))
    return build_cast(template=template)


def _link(cast):
    round_, _ = open_round(cast)
    round_ = actions.enable_open_link(actor=cast.user("office"), round_=round_)
    return round_, f"/s/open/{round_.open_token}/"


def _device_code(client, round_) -> str:
    return client.cookies[f"dudao_link_{round_.pk}"].value


def test_it_refuses_open_link_for_an_instrument_without_public_respondents(tmp_path):
    _clean, errors = validate_template_file(
        _template_file(tmp_path, open_link=True, respondents=["members"])
    )
    assert any("open_link 只能用于群众参加的测评" in str(e) for e in errors)


def test_it_refuses_open_link_on_a_sampled_instrument(tmp_path):
    _clean, errors = validate_template_file(
        _template_file(
            tmp_path, open_link=True, sampling={"by": "group", "within": "notified_scope"}
        )
    )
    assert any("随机抽样的测评不能同时开放公开链接" in str(e) for e in errors)


def test_it_refuses_to_open_a_link_the_template_does_not_allow(cast05):
    round_, _ = open_round(cast05)
    with pytest.raises(DomainError, match="只能凭测评码作答"):
        actions.enable_open_link(actor=cast05.user("office"), round_=round_)
    round_.refresh_from_db()
    assert round_.open_token is None


def test_it_counts_one_answer_per_device(cast):
    round_, url = _link(cast)
    phone = Client()
    page = phone.get(url)
    assert page.status_code == 200
    assert "是否找准抓住了突出问题" in page.content.decode()
    code = _device_code(phone, round_)
    assert phone.post("/s/submit/", {"code": code, **ANSWERS}).status_code == 200
    # The same device again: told it has answered, no new code.
    again = phone.get(url)
    assert "这台设备已经回答过本次测评" in again.content.decode()
    assert SurveyCode.objects.filter(round=round_, via_link=True).count() == 1
    # Another device answers too.
    other = Client()
    other.get(url)
    other.post("/s/submit/", {"code": _device_code(other, round_), **ANSWERS})
    close(cast, round_)
    counts = counts_for_rounds([round_.pk])[round_.pk]
    assert counts["found_problems"]["找准抓住了"] == 2


def test_it_keeps_the_device_on_its_code_until_it_answers(cast):
    round_, url = _link(cast)
    phone = Client()
    phone.get(url)
    first = _device_code(phone, round_)
    phone.get(url)
    assert _device_code(phone, round_) == first
    assert SurveyCode.objects.filter(round=round_, via_link=True).count() == 1


def test_it_counts_a_double_submit_from_one_device_once(cast):
    round_, url = _link(cast)
    phone = Client()
    phone.get(url)
    code = _device_code(phone, round_)
    phone.post("/s/submit/", {"code": code, **ANSWERS})
    phone.post("/s/submit/", {"code": code, **ANSWERS})
    close(cast, round_)
    assert counts_for_rounds([round_.pk])[round_.pk]["formality"]["扎实认真"] == 1


def test_it_shows_no_visitor_count_while_open_and_prints_no_link_codes(cast):
    round_, url = _link(cast)
    actions.issue_codes(actor=cast.user("office"), round_=round_, count=3)
    for _ in range(2):
        Client().get(url)
    counts = code_counts([round_.pk])[round_.pk]
    assert counts["issued"] == 3 and counts["via_link"] is None
    office = Client()
    office.force_login(cast.user("office"))
    page = office.get(f"/surveys/rounds/{round_.pk}/").content.decode()
    assert "公开链接发出" not in page
    assert f"/s/open/{round_.open_token}/" in page
    close(cast, round_)
    assert code_counts([round_.pk])[round_.pk]["via_link"] == 2


def test_it_stores_nothing_about_the_device_and_audits_no_visit(cast):
    round_, url = _link(cast)
    events_before = AuditEvent.objects.count()
    tallies_before = list(Tally.objects.filter(round=round_).values_list("pk", "count"))
    phone = Client()
    response = phone.get(url)
    assert AuditEvent.objects.count() == events_before
    assert list(Tally.objects.filter(round=round_).values_list("pk", "count")) == tallies_before
    assert set(response.cookies) == {f"dudao_link_{round_.pk}"}  # no session, no CSRF cookie
    cookie = response.cookies[f"dudao_link_{round_.pk}"]
    assert cookie["httponly"] and cookie["path"] == "/s/"
    fields = {f.name for f in SurveyCode._meta.get_fields()}
    assert fields == {"id", "round", "code", "used", "via_link"}


def test_it_tells_a_visitor_when_the_link_is_unknown_or_the_round_closed(cast):
    round_, url = _link(cast)
    assert "链接无效" in Client().get("/s/open/no-such-token/").content.decode()
    close(cast, round_)
    assert "测评已经结束" in Client().get(url).content.decode()


def test_it_turns_the_link_on_once_and_audits_who_did_it(cast):
    round_, _ = _link(cast)
    token = round_.open_token
    again = actions.enable_open_link(actor=cast.user("office"), round_=round_)
    assert again.open_token == token
    events = AuditEvent.objects.filter(action="survey.link.enable")
    assert events.count() == 1
    assert token not in str(events.get().data)
