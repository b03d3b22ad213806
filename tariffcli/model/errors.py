"""Errors that reach the user: each names where the problem is and how to fix it.

A :class:`DataError` means the input data is wrong (exit code 1); a
:class:`UsageError` means the command was called wrongly (exit code 2).
Anything else escaping the core is a bug and keeps its traceback.

A problem printed as text (``str(problem)``, the ``Error:`` lines on stderr) has the
control and bidi characters of its parts escaped (:func:`tariffcli.model.sanitise.one_line`):
a message quoting a plan's text cannot drive the terminal. :meth:`Problem.to_dict`
(the JSON error) keeps the raw text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tariffcli.model.sanitise import one_line


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    message: str
    """What is wrong and, where we can tell, what to do about it."""
    file: str | None = None
    """The file (or other source name) the problem is in."""
    line: int | None = None
    """1-based line number in that file."""
    field: str | None = None
    """The key, column or field concerned."""
    code: str = "invalid"
    """A stable machine-readable code (for JSON errors)."""

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = one_line(str(self.file))
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        what = f"{one_line(self.field)}: " if self.field and self.field not in self.message else ""
        return f"{where}{what}{one_line(self.message)}"

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "field": self.field,
        }


@dataclass
class TariffError(Exception):
    """Base of all user-facing errors; carries one or more problems."""

    problems: list[Problem] = field(default_factory=list)
    exit_code: int = 1

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class DataError(TariffError):
    """Bad input data: exit code 1."""

    def __init__(self, problems: list[Problem] | Problem | str, **where: object) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems, **where)]  # type: ignore[arg-type]
        elif isinstance(problems, Problem):
            problems = [problems]
        super().__init__(problems=list(problems), exit_code=1)


class UsageError(TariffError):
    """The command was used wrongly (a bad option or argument): exit code 2."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(problems=[Problem(message, field=field, code="usage")], exit_code=2)
