"""The round page of blind double entry: the second clerk's form is empty (he never sees the
first entry), the first clerk sees only his own; a mismatch is shown to both."""

from __future__ import annotations

import pytest

from dudao.surveys.tests.helpers import open_round

pytestmark = pytest.mark.django_db

FORM = {
    "issued": "21",
    "returned": "19",
    "void": "2",
    "valid": "17",
    "rectification:满意": "11",
    "rectification:基本满意": "4",
    "rectification:不满意": "2",
}


def test_it_hides_the_first_entry_and_shows_a_mismatch_to_both(client, cast05):
    round_, _ = open_round(cast05, instrument="rectification_survey")
    url = f"/surveys/rounds/{round_.pk}/"
    client.force_login(cast05.user("liaison"))
    client.post(f"{url}paper/", FORM)
    mine = client.get(url).content.decode()
    assert "您已录入，等待另一位同志独立录入" in mine and 'value="17"' in mine

    client.force_login(cast05.user("unit_head"))
    blind = client.get(url).content.decode()
    assert "请您根据纸质票独立清点后录入" in blind
    for figure in ("21", "19", "17", "11"):
        assert f'value="{figure}"' not in blind
    client.post(f"{url}paper/", {**FORM, "rectification:满意": "10", "rectification:不满意": "3"})
    for who in ("unit_head", "liaison"):
        client.force_login(cast05.user(who))
        page = client.get(url).content.decode()
        assert "两次录入不一致" in page and 'id="paper-differences"' in page
        assert "满意" in page.split('id="paper-differences"')[1].split("</table>")[0]
