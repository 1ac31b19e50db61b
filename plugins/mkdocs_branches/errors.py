"""Problems found in content, and the exception that stops a build.

Every problem names a file (relative to the site's root, with forward slashes), a line where
there is one, what is wrong and how to fix it, in plain Chinese for 宣传委员.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.Enum):
    ERROR = "错误"  # content unusable: the build fails
    WARNING = "警告"  # content left out or doubtful: `--strict` fails
    INFO = "提示"  # what was read, where an editor may wonder (a workbook's sheets): never fails


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    hint: str = ""
    line: int | None = None
    severity: Severity = Severity.ERROR

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        return f"{text}。{self.hint}" if self.hint else text


@dataclass
class Problems:
    """Collects every problem of one run, so editors see them all at once."""

    items: list[Problem] = field(default_factory=list)

    def error(self, path: str, message: str, hint: str = "", line: int | None = None) -> None:
        self.items.append(Problem(path, message, hint, line, Severity.ERROR))

    def warning(self, path: str, message: str, hint: str = "", line: int | None = None) -> None:
        self.items.append(Problem(path, message, hint, line, Severity.WARNING))

    def info(self, path: str, message: str, hint: str = "", line: int | None = None) -> None:
        self.items.append(Problem(path, message, hint, line, Severity.INFO))

    def extend(self, other: Problems) -> None:
        self.items.extend(other.items)

    def errors_since(self, start: int) -> bool:
        """Whether an error was recorded after the first `start` problems (one row's, one value's)."""
        return any(p.severity is Severity.ERROR for p in self.items[start:])

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity is Severity.WARNING]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.path, p.line or 0))


class ContentError(Exception):
    """Content that stops a build; carries every problem and the exit code a command should use."""

    exit_code = 1

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(summary(problems))


def summary(problems: list[Problem]) -> str:
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = sum(p.severity is Severity.WARNING for p in problems)
    parts = []
    if errors:
        parts.append(f"{errors} 个错误")
    if warnings:
        parts.append(f"{warnings} 个警告")
    return "内容检查发现 " + "、".join(parts) + "，请按上面的提示逐条修改后重新运行。"
