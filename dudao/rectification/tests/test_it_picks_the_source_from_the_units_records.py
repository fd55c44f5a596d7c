"""The item's source (issue 11 §1) is picked from the unit's own records — problems found,
criticisms, survey rounds, review comments — listed through the owning apps' access rules,
stored as a link and shown on the item page with a link back."""

from __future__ import annotations

import pytest

from dudao.records.models import Criticism, ProblemFound
from dudao.rectification.models import Item

from .helpers import part

pytestmark = pytest.mark.django_db


def _records(cast):
    a, b = part(cast), part(cast, cast.unit_b)
    own = ProblemFound.objects.create(
        participation=a, phase="analysis", source="self", text="本单位自查：窗口午休无人值守",
        created_by=cast.user("liaison"),
    )  # fmt: skip
    group = ProblemFound.objects.create(
        participation=a, phase="analysis", source="group", text="督导组指出：会议文件偏多",
        created_by=cast.user("liaison"),
    )  # fmt: skip
    criticism = Criticism.objects.create(
        participation=a, phase="analysis", critic=cast.people["liaison"],
        target=cast.people["member"], text="批评：联系群众不够经常", created_by=cast.user("liaison"),
    )  # fmt: skip
    other = ProblemFound.objects.create(
        participation=b, phase="analysis", source="self", text="教育局自查：家访流于形式",
        created_by=cast.user("admin"),
    )  # fmt: skip
    return a, own, group, criticism, other


def _post(client, p, **extra):
    data = {
        "level": "organisation",
        "problem": "窗口午休无人值守，群众办事难",
        "source_kind": "other",
        "rect_class": "immediate",
        "measures": "实行午间轮流值班",
    }
    return client.post(f"/rectification/units/{p.pk}/new/", data | extra)


def test_the_picker_lists_only_the_units_own_records(cast2005, client):
    p, own, group, criticism, other = _records(cast2005)
    client.force_login(cast2005.user("liaison"))
    page = client.get(f"/rectification/units/{p.pk}/new/").content.decode()
    assert f'value="self_found:{own.pk}"' in page and "窗口午休无人值守" in page
    assert f'value="group_found:{group.pk}"' in page
    assert f'value="criticism:{criticism.pk}"' in page
    assert "家访流于形式" not in page and f':{other.pk}"' not in page
    # The group reads the unit's records too; it sees the same listing.
    client.force_login(cast2005.user("group_leader"))
    page = client.get(f"/rectification/units/{p.pk}/new/").content.decode()
    assert f'value="self_found:{own.pk}"' in page and "家访流于形式" not in page


def test_the_picked_record_is_stored_as_a_link_and_shown_with_a_link_back(cast2005, client):
    p, own, _group, criticism, other = _records(cast2005)
    client.force_login(cast2005.user("liaison"))
    response = _post(client, p, source_record=f"criticism:{criticism.pk}")
    assert response.status_code == 302
    item = Item.objects.get(participation=p)
    # The record decides the source, whatever the kind select said.
    assert (item.source_kind, item.source_id) == ("criticism", criticism.pk)
    page = client.get(f"/rectification/items/{item.pk}/").content.decode()
    assert f'href="/records/{p.pk}/criticisms/{criticism.pk}/" data-source-link' in page
    assert "联系群众不够经常" in page


def test_a_record_of_another_unit_cannot_be_linked(cast2005, client):
    p, _own, _group, _criticism, other = _records(cast2005)
    client.force_login(cast2005.user("liaison"))
    response = _post(client, p, source_record=f"self_found:{other.pk}")
    assert response.status_code == 200  # the form again, with the error
    assert not Item.objects.filter(participation=p).exists()
    response = _post(client, p, source_record="self_found:abc")
    assert not Item.objects.filter(participation=p).exists()
