"""Reading YAML a user wrote, within bounds: a small file must not be able to take the machine.

One loader serves scenario files, experiment files and `--set` values. It is PyYAML's safe
loader (no Python objects, only plain data) with limits a hand-written file never reaches:

- size: at most `MAX_BYTES` (a scenario or experiment file is a few kilobytes);
- text: UTF-8 without NUL bytes (a binary file is refused, not parsed);
- depth: at most `MAX_DEPTH` levels of nesting, counted after aliases are expanded;
- aliases: the document, with every alias expanded, has at most `MAX_VALUES` values, and no
  alias may contain itself (so "billion laughs" documents are refused before they expand);
- duplicate keys in one mapping are refused (PyYAML would silently keep the last).

Each refusal is one line naming the file (its `origin`) and what is allowed, raised as the
caller's error class.
"""
from __future__ import annotations

import copy
from typing import Any

import yaml

MAX_BYTES = 1_000_000
MAX_DEPTH = 50
MAX_VALUES = 100_000


class YamlRefused(ValueError):
    """A document refused by the bounds or not valid YAML; the message is one line."""


class _TooDeep(yaml.YAMLError):
    pass


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that stops composing past MAX_DEPTH and refuses duplicate keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _TooDeep(f"nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen = set()
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                except TypeError:  # an unhashable key; PyYAML reports it below
                    continue
                if duplicate:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {_brief(key)} (each key may appear once)", key_node.start_mark)
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _brief(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_expansion(root: yaml.Node) -> None:
    """Refuse a document whose aliases expand past MAX_VALUES values or MAX_DEPTH levels.

    Sizes are memoised per node, so the check costs the document's size, not its expansion.
    """
    sizes: dict[int, tuple[int, int]] = {}
    open_nodes: set[int] = set()

    def measure(node: yaml.Node, depth: int) -> tuple[int, int]:
        key = id(node)
        if key in open_nodes:
            raise _TooDeep("an alias refers to a value that contains it")
        if key not in sizes:
            if depth > MAX_DEPTH:
                raise _TooDeep(f"nested more than {MAX_DEPTH} levels deep once aliases are expanded")
            open_nodes.add(key)
            count, height = 1, 1
            children = []
            if isinstance(node, yaml.SequenceNode):
                children = node.value
            elif isinstance(node, yaml.MappingNode):
                children = [item for pair in node.value for item in pair]
            for child in children:
                child_count, child_height = measure(child, depth + 1)
                count += child_count
                height = max(height, child_height + 1)
                if count > MAX_VALUES:
                    raise _TooDeep(f"aliases expand to more than {MAX_VALUES:,} values")
            open_nodes.discard(key)
            sizes[key] = (count, height)
        count, height = sizes[key]
        if depth + height - 1 > MAX_DEPTH:
            raise _TooDeep(f"nested more than {MAX_DEPTH} levels deep once aliases are expanded")
        return sizes[key]

    measure(root, 1)


def _text(data: bytes | str, origin: str, error: type[Exception]) -> str:
    if len(data) > MAX_BYTES:
        raise error(f"{origin}: too large ({len(data):,} bytes; the limit is {MAX_BYTES:,})")
    if isinstance(data, str):
        return data
    if b"\x00" in data:
        raise error(f"{origin}: not a text file (it holds binary data); expected YAML text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"{origin}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                    f"save it as UTF-8") from None


def parse_yaml(data: bytes | str, origin: str, error: type[Exception] = YamlRefused) -> Any:
    """Parse one YAML document within the bounds above; raise `error` with one line if refused."""
    text = _text(data, origin, error)
    loader = None
    try:
        loader = _BoundedLoader(text)  # the reader checks the characters here
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node)
        return loader.construct_document(node)
    except _TooDeep as exc:
        raise error(f"{origin}: refused: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        problem = " ".join(str(problem).split())[:160]
        raise error(f"{origin}: not valid YAML{where}: {problem}") from None
    except RecursionError:
        raise error(f"{origin}: refused: nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


# Documents already parsed, by their bytes: a sweep builds thousands of models from the same
# few files, and parsing with the checks here costs more than a small run's first weeks. The
# file is read every time, so an edited file is parsed afresh; callers get their own copy.
_PARSED_FILES_KEPT = 64
_parsed_files: dict[bytes, Any] = {}


def read_yaml_file(path, origin: str, error: type[Exception] = YamlRefused) -> Any:
    """Read and parse a YAML file within the bounds; the size is checked before reading."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise error(f"{origin}: too large ({size:,} bytes; the limit is {MAX_BYTES:,})")
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise error(f"{origin}: cannot read ({exc.strerror or exc})") from None
    parsed = _parsed_files.get(data)
    if parsed is None:
        parsed = parse_yaml(data, origin, error)
        if len(_parsed_files) >= _PARSED_FILES_KEPT:
            _parsed_files.pop(next(iter(_parsed_files)))
        _parsed_files[data] = parsed
    return copy.deepcopy(parsed)

