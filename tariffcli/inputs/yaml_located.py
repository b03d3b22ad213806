"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader still accepts duplicate keys silently and expands alias
bombs ("billion laughs") without limit. Here the document is composed into
nodes with the safe loader and then walked by hand, so that:

- duplicate keys are an error naming both lines;
- only the standard YAML tags are accepted (never ``!!python/...``);
- the number of nodes composed and values built, and the nesting depth, are
  bounded (PyYAML's composer is recursive: without a bound, a file of
  thousands of '[' exhausts the Python stack);
- integers written in octal, hex, binary or base 60 (YAML 1.1 reads ``010``
  as 8 and ``1:30`` as 90) are refused rather than silently converted;
- every mapping key and list item gets its line number, for error messages;
- floats are read as exact Decimals from the text the author wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from tariffcli.model.errors import DataError, Problem

MAX_NODES = 100_000
MAX_DEPTH = 50
MAX_ITEMS = 1_000
"""Most items in one YAML list: composing stops at the next one (a plan has a few phases, tiers, sources)."""
MAX_BYTES = 2_000_000

Path = tuple[str | int, ...]

_STD = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_SHOWN = 60
"""Values longer than this are cut short in messages."""


def _tag_name(tag: str) -> str:
    """A tag as the author writes it: ``!!python/object`` rather than its long form."""
    return "!!" + tag[len(_STD):] if tag.startswith(_STD) else tag


def _show(value: str) -> str:
    """``repr`` of a scalar for a message, cut short when long."""
    return repr(value if len(value) <= _SHOWN else value[:_SHOWN] + "...")


def _resolves_to(value: str, tag: str) -> bool:
    """Whether plain ``value`` would be read as ``tag`` without an explicit tag."""
    resolvers = yaml.SafeLoader.yaml_implicit_resolvers.get(value[:1] if value else "", [])
    return any(t == tag and regexp.match(value) for t, regexp in resolvers)


class _Limit(Exception):
    """A composition limit was reached (turned into a :class:`DataError` by :func:`load_yaml`)."""

    def __init__(self, mark: yaml.Mark, message: str, code: str) -> None:
        super().__init__(message)
        self.mark, self.message, self.code = mark, message, code


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, composing at most MAX_NODES nodes nested at most MAX_DEPTH deep."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        mark = self.peek_event().start_mark
        if isinstance(index, int) and index >= MAX_ITEMS:  # the composer passes a list item's index
            raise _Limit(mark, f"a list of more than {MAX_ITEMS:,} items: too long for this file", "yaml_too_large")
        if self.check_event(yaml.AliasEvent):  # an alias reuses a composed node: nothing new is built
            return super().compose_node(parent, index)
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _Limit(mark, f"document too large: more than {MAX_NODES} values", "yaml_too_large")
        if self._depth > MAX_DEPTH:
            raise _Limit(mark, f"document nested more than {MAX_DEPTH} levels deep", "yaml_too_deep")
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


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

    def fail(self, node: yaml.Node, message: str, code: str = "yaml", path: Path = ()) -> DataError:
        field = ".".join(map(str, path)) or None
        return DataError(Problem(message, file=self.source, line=node.start_mark.line + 1, field=field, code=code))

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"document too large: more than {MAX_NODES} values (alias bomb?)", "yaml_too_large")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"document nested more than {MAX_DEPTH} levels deep", "yaml_too_deep")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            if node.tag != _STD + "map":
                raise self.fail(node, f"tag {_tag_name(node.tag)!r} is not allowed", "yaml_tag", path)
            out: dict[str, Any] = {}
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _STD + "merge":
                    raise self.fail(key_node, "merge keys ('<<') are not supported in plan files", "yaml_tag", path)
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self.fail(key_node, "a mapping key must be plain text", "yaml_key", path)
                key = str(key_node.value)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise self.fail(
                        key_node, f"duplicate key {key!r} (first on line {seen[key]})", "yaml_duplicate_key",
                        path + (key,),
                    )
                seen[key] = line
                self.lines[path + (key,)] = line
                out[key] = self.build(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _STD + "seq":
                raise self.fail(node, f"tag {_tag_name(node.tag)!r} is not allowed", "yaml_tag", path)
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(node, f"tag {_tag_name(node.tag)!r} is not allowed", "yaml_tag", path)
        value = node.value
        if node.tag in (_STD + "int", _STD + "float"):
            digits = value.replace("_", "").lstrip("+-")
            if ":" in digits:
                raise self.fail(
                    node, f"{_show(value)} would be read as a base-60 number; write it in decimal, or quote it",
                    "yaml_number", path,
                )
            if node.tag == _STD + "int" and len(digits) > 1 and digits[0] == "0":
                kind = {"x": "a hexadecimal", "b": "a binary"}.get(digits[1].lower(), "an octal")
                raise self.fail(
                    node, f"{_show(value)} would be read as {kind} number; write it in decimal, or quote it",
                    "yaml_number", path,
                )
            if node.tag == _STD + "int" and len(digits) > 30:
                raise self.fail(node, f"{_show(value)} is far too large a number", "yaml_number", path)
        if node.tag not in (_STD + "str", _STD + "float") and not _resolves_to(value, node.tag):
            # an explicit tag (!!bool abc) skips the checks PyYAML's constructors rely on
            raise self.fail(node, f"{_show(value)} is not a valid {_tag_name(node.tag)}", "yaml_value", path)
        if node.tag == _STD + "float":
            try:
                d = Decimal(value.replace("_", ""))
            except InvalidOperation:
                raise self.fail(node, f"{_show(value)} is not a finite number", "yaml_number", path) from None
            if not d.is_finite():
                raise self.fail(node, f"{_show(value)} is not a finite number", "yaml_number", path)
            return d
        try:
            return self.ctor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            # e.g. a date that does not exist (2026-02-30)
            raise self.fail(node, f"cannot read {_show(value)}: {exc}", "yaml_value", path) from None


def load_yaml(text: str, source: str) -> Located:
    """Parse one YAML document from ``text``; ``source`` names it in errors."""
    if len(text) > MAX_BYTES:
        raise DataError(Problem(f"file is larger than {MAX_BYTES} bytes", file=source, code="yaml_too_large"))
    if not text.strip():
        raise DataError(Problem("file is empty", file=source, line=1, code="empty"))
    try:
        loader = _BoundedLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except _Limit as exc:
        raise DataError(Problem(exc.message, file=source, line=exc.mark.line + 1, code=exc.code)) from None
    except yaml.reader.ReaderError as exc:
        where = text.count("\n", 0, exc.position) + 1
        char = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        raise DataError(Problem(
            f"the file contains a character YAML does not allow ({char}, a control character or a lone surrogate)",
            file=source, line=where, code="yaml_syntax",
        )) from None
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
