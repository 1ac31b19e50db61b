"""The plugin's settings in `mkdocs.yml`, and the typed activity-type rules read from them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .slugs import slugify

# Activity types and how often each must happen (None: no rule). Local rules differ: sites override.
DEFAULT_ACTIVITY_TYPES: dict[str, str | None] = {
    "支部党员大会": "每季度",
    "支委会": "每月",
    "党小组会": "每月",
    "党课": "每季度",
    "主题党日": "每月",
    "组织生活会": "每年",
    "民主评议": "每年",
    "志愿服务": None,
    "支部共建": None,
    "理论学习": None,
    "其他": None,
}
DEFAULT_BRANCH_TYPES = ["教工", "学生", "师生联合", "离退休", "其他"]


class BranchesConfig(Config):
    content_dir = c.Type(str, default="branches")
    branch_types = c.ListOfItems(c.Type(str), default=list(DEFAULT_BRANCH_TYPES))
    activity_types = c.Type(dict, default=dict(DEFAULT_ACTIVITY_TYPES))
    review_required = c.Type(bool, default=True)
    # Raw HTML in editors' Markdown is sanitised (scripts, iframes, event handlers removed) unless allowed.
    allow_raw_html = c.Type(bool, default=False)
    # Which edition to build: `public` (what is published) or `internal` (for editors and reviewers:
    # drafts and unreviewed items marked, meeting records, the review pages). Unset: internal for
    # `mkdocs serve`, public otherwise. BRANCHES_EDITION=public / internal overrides it.
    edition = c.Optional(c.Choice(("public", "internal")))
    preview = c.Optional(c.Type(bool))  # the older name: true = internal, false = public
    # The compliance dashboard (heat map and counts, no records, reports or spreadsheets) in the public
    # edition too, for a college that wants it.
    public_dashboard = c.Type(bool, default=False)
    # Site search: `pagefind` (a small index per page of results, see search.py) or `material` (Material's
    # own search plugin, which must then be listed in `plugins`; one JSON of the whole site per visit).
    search = c.Choice(("pagefind", "material"), default="pagefind")

    # Photos: published at these widths as WebP + JPEG (PNG when transparent), metadata removed.
    image_widths = c.ListOfItems(c.Type(int), default=[480, 960, 1600])
    image_quality = c.Type(int, default=80)
    image_keep_exif = c.Type(bool, default=False)  # keep camera fields; location (GPS) is always removed
    image_publish_original = c.Type(bool, default=False)

    list_page_size = c.Type(int, default=20)
    branch_latest = c.Type(int, default=10)
    home_latest = c.Type(int, default=8)


PERIODS = {"month": "月", "quarter": "季度", "year": "年"}
_RULE = re.compile(
    r"^(?:每|every\s*|per\s*)?(?P<period>月|季度|年|month|quarter|year)(?:\s*(?P<times>\d+)\s*次?)?$"
)
_PERIOD_NAMES = {"月": "month", "季度": "quarter", "年": "year"}


@dataclass(frozen=True)
class Rule:
    period: str  # month | quarter | year
    times: int = 1

    def display(self) -> str:
        return f"每{PERIODS[self.period]}至少 {self.times} 次"


@dataclass(frozen=True)
class ActivityType:
    name: str
    slug: str
    rule: Rule | None


class RuleError(ValueError):
    pass


def parse_rule(value: object) -> Rule | None:
    """`每月` / `month` / `每季度2次` / `year 2` → Rule; empty → None."""
    if value in (None, "", False):
        return None
    m = _RULE.match(str(value).strip().lower())
    if not m:
        raise RuleError(
            f"频次“{value}”看不懂：请写 每月、每季度、每年（可加次数，如 每年2次），或留空表示不要求"
        )
    period = _PERIOD_NAMES.get(m["period"], m["period"])
    return Rule(period, int(m["times"] or 1))


def activity_types(setting: dict[str, object]) -> list[ActivityType]:
    return [ActivityType(str(name), slugify(str(name)), parse_rule(rule)) for name, rule in setting.items()]
