"""The plugin's settings in `mkdocs.yml`, and the typed activity-type rules read from them."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TypeVar, cast

from mkdocs.config.base import BaseConfigOption, Config, ConfigErrors, ConfigWarnings, ValidationError

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
T = TypeVar("T")


class _Option(BaseConfigOption[T]):
    """A plugin option whose mistakes are explained in Chinese (MkDocs' own options answer in English)."""

    def __init__(self, default: object = None, *, optional: bool = False) -> None:
        super().__init__()
        self.default = default
        self.optional = optional

    def validate(self, value: object, /) -> T:
        if value is None:
            if self.optional:
                return cast("T", None)
            value = self.default
        return self.run_validation(value)

    def check(self, value: object) -> T:
        raise NotImplementedError

    def run_validation(self, value: object, /) -> T:
        return self.check(value)


def _quoted(value: object) -> str:
    return f"“{value}”" if isinstance(value, str) else f"“{_yaml_word(value)}”"


def _yaml_word(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "空" if value is None else str(value)


class Flag(_Option[bool]):
    def check(self, value: object) -> bool:
        if not isinstance(value, bool):
            raise ValidationError(f"应该是 true 或 false，现在是{_quoted(value)}")
        return value


class Whole(_Option[int]):
    def __init__(self, default: int, minimum: int, maximum: int | None = None) -> None:
        super().__init__(default)
        self.minimum, self.maximum = minimum, maximum

    def check(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"应该是一个整数，例如 {self.default}，现在是{_quoted(value)}")
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            limit = f"在 {self.minimum} 到 {self.maximum} 之间" if self.maximum else f"至少是 {self.minimum}"
            raise ValidationError(f"应该{limit}，现在是 {value}")
        return value


class Text(_Option[str]):
    def check(self, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"应该是一段文字，例如 {self.default}，现在是{_quoted(value)}")
        return value


class Choice(_Option[str]):
    def __init__(
        self, choices: tuple[str, ...], default: str | None = None, *, optional: bool = False
    ) -> None:
        super().__init__(default, optional=optional)
        self.choices = choices

    def check(self, value: object) -> str:
        if value not in self.choices:
            raise ValidationError(f"只能是 {' 或 '.join(self.choices)}，现在是{_quoted(value)}")
        return cast("str", value)


class Folder(Text):
    """A folder next to mkdocs.yml."""

    def check(self, value: object) -> str:
        text = super().check(value)
        parts = PurePosixPath(text.replace("\\", "/")).parts
        if not parts or parts[0] == "/" or re.match(r"^[a-zA-Z]:", text) or ".." in parts or parts == (".",):
            raise ValidationError(
                f"应该是 mkdocs.yml 旁边的一个文件夹名，例如 {self.default}，现在是{_quoted(value)}"
            )
        return text


class Names(_Option[list[str]]):
    def check(self, value: object) -> list[str]:
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise ValidationError(
                f"应该是一个文字的列表，例如 [{', '.join(self.default)}]，现在是{_quoted(value)}"
            )
        return value


class Widths(_Option[list[int]]):
    def check(self, value: object) -> list[int]:
        ok = isinstance(value, list) and value and all(type(v) is int for v in value)
        if not ok or not all(1 <= v <= MAX_IMAGE_WIDTH for v in cast("list[int]", value)):
            raise ValidationError(
                f"应该是 1 到 {MAX_IMAGE_WIDTH} 之间的整数的列表，例如 [480, 960, 1600]，现在是{_quoted(value)}"
            )
        return cast("list[int]", value)


class Rules(_Option[dict[str, object]]):
    """Activity types → how often each must happen."""

    def check(self, value: object) -> dict[str, object]:
        if not isinstance(value, dict) or not value:
            raise ValidationError("应该是每行一个“活动类型: 频次”，例如 支委会: 每月（频次可以留空）")
        try:
            activity_types(value)
        except RuleError as exc:
            raise ValidationError(str(exc)) from None
        return value


MAX_IMAGE_WIDTH = 16383  # WebP's limit


class BranchesConfig(Config):
    content_dir = Folder("branches")
    branch_types = Names(list(DEFAULT_BRANCH_TYPES))
    activity_types = Rules(dict(DEFAULT_ACTIVITY_TYPES))
    review_required = Flag(True)
    # Raw HTML in editors' Markdown is sanitised (scripts, iframes, event handlers removed) unless allowed.
    allow_raw_html = Flag(False)
    # Which edition to build: `public` (what is published) or `internal` (for editors and reviewers:
    # drafts and unreviewed items marked, meeting records, the review pages). Unset: internal for
    # `mkdocs serve`, public otherwise. BRANCHES_EDITION=public / internal overrides it.
    edition = Choice(("public", "internal"), optional=True)
    preview = Flag(None, optional=True)  # the older name: true = internal, false = public
    # The compliance dashboard (heat map and counts, no records, reports or spreadsheets) in the public
    # edition too, for a college that wants it.
    public_dashboard = Flag(False)
    publish_guide = Flag(False)  # the editor's guide and the error catalogue in the public edition too
    # Site search: `pagefind` (a small index per page of results, see search.py) or `material` (Material's
    # own search plugin, which must then be listed in `plugins`; one JSON of the whole site per visit).
    search = Choice(("pagefind", "material"), "pagefind")

    # Photos: published at these widths as WebP + JPEG (PNG when transparent), metadata removed.
    image_widths = Widths([480, 960, 1600])
    image_quality = Whole(80, 1, 100)
    image_keep_exif = Flag(False)  # keep camera model and exposure; never location, serial numbers or names
    image_publish_original = Flag(False)

    list_page_size = Whole(20, 1)
    branch_latest = Whole(10, 0)
    home_latest = Whole(8, 0)

    def validate(self) -> tuple[ConfigErrors, ConfigWarnings]:
        """Every wrong option, not only the first (MkDocs stops at one): each found is set to its default
        and the rest validated again."""
        problems: ConfigErrors = []
        while True:
            failed, warnings = super().validate()
            if not failed or any(key in dict(problems) for key, _ in failed):
                return problems + failed, warnings
            problems += failed
            for key, _ in failed:
                self[key] = None


def describe(errors: ConfigErrors, warnings: ConfigWarnings) -> tuple[list[str], list[str]]:
    """What MkDocs found wrong with the plugin's options, in Chinese: (errors, warnings)."""
    known = [name for name in vars(BranchesConfig) if isinstance(getattr(BranchesConfig, name), _Option)]
    notes = []
    for key, warning in warnings:
        if warning.startswith("Unrecognised configuration name"):
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            guess = f"是不是想写“{close[0]}”？" if close else "请对照 README 里的设置列表检查拼写"
            notes.append(f"mkdocs.yml 里 branches 的设置“{key}”网站不认识，这一行不起作用。{guess}")
        else:
            notes.append(f"mkdocs.yml 里 branches 的 {key} 设置：{warning}")
    return [f"mkdocs.yml 里 branches 的 {key} 设置有误：{error}" for key, error in errors], notes


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
    """The configured types; two names with one URL (其他 and 其它 are both `qi-ta`) are refused."""
    types: dict[str, ActivityType] = {}
    for name, rule in setting.items():
        kind = ActivityType(str(name), slugify(str(name)), parse_rule(rule))
        other = types.get(kind.slug)
        if other is not None:
            raise RuleError(
                f"活动类型“{other.name}”和“{kind.name}”的网址相同（types/{kind.slug}/），"
                "两个列表会变成一个：请删掉其中一个，或者把名字改得读音不一样"
            )
        types[kind.slug] = kind
    return list(types.values())
