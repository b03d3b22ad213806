"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader still accepts duplicate keys silently and expands alias
bombs ("billion laughs") without limit. Here the document is composed into
nodes with the safe loader and then walked by hand, so that:

- duplicate keys are an error naming both lines;
- only the standard YAML tags are accepted (never ``!!python/...``);
- the number of values built and the nesting depth are bounded;
- every mapping key and list item gets its line number, for error messages;
- floats are read as exact Decimals from the text the author wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from .errors import DataError, Problem

MAX_NODES = 100_000
MAX_DEPTH = 50
MAX_BYTES = 2_000_000

Path = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass
class Located:
    """A parsed YAML document and the line of every path in it."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get(())


class _Walker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.count = 0
        self.lines: dict[Path, int] = {}
        self.ctor = yaml.SafeLoader("")

    def fail(self, node: yaml.Node, message: str, code: str = "yaml") -> DataError:
        return DataError(Problem(message, file=self.source, line=node.start_mark.line + 1, code=code))

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"document too large: more than {MAX_NODES} values (alias bomb?)", "yaml_too_large")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"document nested more than {MAX_DEPTH} levels deep", "yaml_too_deep")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _STD + "map":
                raise self.fail(node, f"tag {node.tag!r} is not allowed", "yaml_tag")
            out: dict[str, Any] = {}
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _STD + "merge":
                    raise self.fail(key_node, "merge keys ('<<') are not supported in plan files", "yaml_tag")
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "a mapping key must be plain text", "yaml_key")
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise self.fail(
                        key_node, f"duplicate key {key!r} (first on line {seen[key]})", "yaml_duplicate_key"
                    )
                seen[key] = line
                self.lines[path + (key,)] = line
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _STD + "seq":
                raise self.fail(node, f"tag {node.tag!r} is not allowed", "yaml_tag")
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"tag {node.tag!r} is not allowed", "yaml_tag")
        if node.tag == _STD + "float":
            try:
                d = Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                raise self.fail(node, f"{node.value!r} is not a finite number", "yaml_number") from None
            if not d.is_finite():
                raise self.fail(node, f"{node.value!r} is not a finite number", "yaml_number")
            return d
        try:
            return self.ctor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            raise self.fail(node, f"cannot read {node.value!r}: {exc}", "yaml_value") from None


def load_yaml(text: str, source: str) -> Located:
    """Parse one YAML document from ``text``; ``source`` names it in errors."""
    if len(text) > MAX_BYTES:
        raise DataError(Problem(f"file is larger than {MAX_BYTES} bytes", file=source, code="yaml_too_large"))
    if not text.strip():
        raise DataError(Problem("file is empty", file=source, line=1, code="empty"))
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{what} ({exc.context})"
        raise DataError(Problem(f"YAML syntax error: {what}", file=source, line=line, code="yaml_syntax")) from None
    except yaml.YAMLError as exc:
        raise DataError(Problem(f"YAML error: {exc}", file=source, code="yaml_syntax")) from None
    if node is None:
        raise DataError(Problem("file holds no YAML document", file=source, line=1, code="empty"))
    walker = _Walker(source)
    data = walker.build(node, (), 0)
    return Located(data, walker.lines)
