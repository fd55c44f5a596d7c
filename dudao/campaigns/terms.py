"""The words a campaign uses for its bodies and steps, from its template (one lookup).

Later campaigns name things differently: the supervising body is a 督导组 in 2005 and 2014 and a
指导组 in 2019; a campaign without sequential phases has no 转段, only an end review. Every page,
message, export and Word output takes these words from here: ``terms_of(obj)[key]`` in Python,
``{% term "group" %}`` in templates (the tag finds the campaign in the page's context). A template
sets any of them in its ``terms`` section; the rest keep today's wording (``TERM_DEFAULTS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# key -> (default wording, what it names; the second is shown to template writers)
TERM_SPECS: dict[str, tuple[str, str]] = {
    "group": ("督导组", "上级派出的督导（指导）机构"),
    "office": ("活动办公室", "领导小组办公室（页面上的全称）"),
    "office_short": ("活动办", "领导小组办公室（简称，用于按钮和表头）"),
    "leading_group": ("领导小组", "活动领导小组"),
    "unit": ("参加单位", "参加活动的单位"),
    "phase": ("阶段", "顺序进行的阶段"),
    "measure": ("措施", "并行推进的重点措施（不划阶段时）"),
    "step": ("环节", "阶段或措施中的环节"),
    "transition": ("转段", "单位结束一个阶段、进入下一阶段（或结束活动）"),
    "application": ("转段申请", "单位为此提出的申请"),
    "transition_meeting": ("小结和转段动员会", "批准后召开的会议"),
    "end": ("结束集中教育", "最后一个阶段结束、单位结束参加活动"),
    "end_review": ("结束验收", "单位结束活动时的审核"),
    "remedial": ("补课", "未达到要求时责令补做"),
    "campaign": ("集中教育", "活动的统称"),
}
TERM_DEFAULTS: dict[str, str] = {key: spec[0] for key, spec in TERM_SPECS.items()}


class Terms(Mapping):
    """Read-only mapping of every term key to the campaign's wording."""

    __slots__ = ("_words",)

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        words = dict(TERM_DEFAULTS)
        for key, value in (overrides or {}).items():
            if key in words and value:
                words[key] = str(value)
        self._words = words

    def __getitem__(self, key: str) -> str:
        try:
            return self._words[key]
        except KeyError:
            raise KeyError(f"unknown term {key!r}; known: {', '.join(TERM_SPECS)}") from None

    def __iter__(self):
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)

    def __getattr__(self, key: str) -> str:  # terms.group in templates
        try:
            return self._words[key]
        except KeyError:
            raise AttributeError(key) from None

    def __repr__(self) -> str:
        return f"Terms({self._words!r})"


DEFAULT_TERMS = Terms()


def terms_from_data(data: Mapping[str, Any] | None) -> Terms:
    """Terms of a template's (validated) data."""
    if not data:
        return DEFAULT_TERMS
    return Terms(data.get("terms") or {})


def _template_of(obj: Any):
    """The CampaignTemplate behind a campaign, participation, group, batch or application."""
    seen = 0
    while obj is not None and seen < 4:
        if hasattr(obj, "data") and hasattr(obj, "sha256"):
            return obj
        if hasattr(obj, "template_id") and hasattr(obj, "root_id"):  # a Campaign
            return obj.template
        for attr in ("campaign", "participation"):
            nxt = getattr(obj, attr, None) if not isinstance(obj, Mapping) else None
            if nxt is not None:
                obj = nxt
                break
        else:
            return None
        seen += 1
    return None


def terms_of(obj: Any = None) -> Terms:
    """The terms of whatever campaign ``obj`` belongs to; today's wording when it has none.

    Cached on the template object, so a page that asks a hundred times reads the data once.
    """
    if isinstance(obj, Terms):
        return obj
    template = _template_of(obj)
    if template is None:
        return DEFAULT_TERMS
    cached = getattr(template, "_terms_cache", None)
    if cached is None:
        cached = terms_from_data(template.data)
        try:
            template._terms_cache = cached
        except AttributeError:  # pragma: no cover - a read-only object
            pass
    return cached


def term(obj: Any, key: str) -> str:
    return terms_of(obj)[key]


# Context names under which pages pass the object a page is about, most specific first.
CONTEXT_NAMES = (
    "terms",
    "dudao_campaign_terms",
    "campaign",
    "participation",
    "p",
    "part",
    "app",
    "application",
    "group",
    "batch",
    "doc",
    "round",
)


def terms_in_context(context) -> Terms:
    """The terms of the campaign a page is about; else of the one campaign the user works in
    (``dudao_user_terms``, from the context processor, looked up only when needed)."""
    for name in CONTEXT_NAMES:
        try:
            value = context.get(name)
        except Exception:  # noqa: BLE001 - a context variable that fails to resolve
            value = None
        if value is None:
            continue
        if isinstance(value, Terms):
            return value
        found = _template_of(value)
        if found is not None:
            return terms_of(found)
    fallback = context.get("dudao_user_terms")
    if isinstance(fallback, UserTerms):
        return fallback.get()
    return DEFAULT_TERMS


class UserTerms:
    """The terms of the only campaign a user's roles are in (or the only campaign there is);
    today's wording when there are several. Read from the database once, and only if a page
    that names no campaign asks."""

    def __init__(self, campaign_ids) -> None:
        self._ids = campaign_ids
        self._terms: Terms | None = None

    def get(self) -> Terms:
        if self._terms is None:
            from .models import Campaign

            ids = self._ids() if callable(self._ids) else self._ids
            qs = Campaign.objects.select_related("template")
            if ids:
                qs = qs.filter(pk__in=ids)
            found = list(qs[:2])
            self._terms = terms_of(found[0]) if len(found) == 1 else DEFAULT_TERMS
        return self._terms


# Today's wording → the term it is; used to put labels written in today's wording (status and
# role labels, audit labels, messages) into a campaign's terms. Longest first.
_DEFAULT_WORDS = sorted(
    ((TERM_DEFAULTS[key], key) for key in TERM_SPECS if key not in ("phase", "step", "measure")),
    key=lambda pair: -len(pair[0]),
)


def reword(text: Any, terms: Terms | None = None) -> str:
    """``text`` (written in today's wording) in the campaign's terms: "待督导组审核" becomes
    "待指导组审核" where the template calls the group 指导组."""
    text = "" if text is None else str(text)
    terms = terms or DEFAULT_TERMS
    if not text or all(terms[k] == TERM_DEFAULTS[k] for k in TERM_DEFAULTS):
        return text
    changed = [(word, terms[key]) for word, key in _DEFAULT_WORDS if terms[key] != word]
    if not changed:
        return text
    import re

    mapping = dict(changed)
    # Every default word is matched (so a longer one wins over its part), unchanged ones stay.
    pattern = re.compile("|".join(re.escape(w) for w, _k in _DEFAULT_WORDS))
    return pattern.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)
