"""Text to (front matter, body): PyYAML's safe loader only, bounded, with errors that name the line and field."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

import yaml

from .errors import PublishError

MAX_FRONT_MATTER = 64 * 1024
# A document whose aliases would expand past this many nodes is refused ("billion laughs").
MAX_EXPANDED_NODES = 20_000
# Lists and mappings inside one another: PyYAML builds them by recursion, and a few kilobytes of '[[[' overflowed
# the stack. Real front matter, configs and menus nest a handful of levels.
MAX_YAML_DEPTH = 50
OPENING = re.compile(r"\A---[ \t]*\n")
CLOSING = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)
# Front matter that Jekyll, and so profilehost, reads as text: blank lines, then '---', a 'key: value' line and
# more such lines (or their indented or listed values, comments, blank lines), then '---'.
_KEY_LINE = r"[A-Za-z_][\w-]*:(?:[ \t].*)?\n"
_VALUE_LINE = r"(?:[ \t]+\S.*|-(?:[ \t].*)?|#.*|[ \t]*)\n"  # one way to match a line: no backtracking blow-up
AFTER_BLANK_LINES = re.compile(
    rf"\A((?:[ \t]*\n)+)---[ \t]*\n{_KEY_LINE}(?:{_KEY_LINE}|{_VALUE_LINE})*---[ \t]*(?:\n|\Z)")


@dataclass
class FrontMatter:
    values: dict
    lines: dict[str, int] = field(default_factory=dict)  # key -> line number in the file


def split_front_matter(text: str, filename: str) -> tuple[FrontMatter, str, int]:
    """(front matter, body, line number where the body starts). No front matter: the whole text is the body."""
    opening = OPENING.match(text)
    if opening is None:
        return FrontMatter({}), text, 1
    end = CLOSING.search(text, opening.end())
    if end is None:
        raise PublishError(f"{filename}, line 1: the front matter starts with '---' but never ends. Add a line "
                           "with '---' after the last front matter line.", line=1)
    yaml_text = text[opening.end(): end.start()]
    if len(yaml_text.encode()) > MAX_FRONT_MATTER:
        raise PublishError(f"{filename}: the front matter is over 64 KiB. Keep long content in the page body.")
    body = text[end.end():].lstrip("\n")
    # Counted after the blank lines that follow the front matter, which go: notices name the line in the file.
    body_start = text.count("\n", 0, len(text) - len(body)) + 1
    return load_front_matter(yaml_text, filename, first_line=2), body, body_start


def front_matter_after_blank_lines(text: str, filename: str) -> list[str]:
    """A notice when the text starts with blank lines and then what looks like front matter: published as text,
    as Jekyll publishes it, but the author surely meant it as front matter."""
    late = AFTER_BLANK_LINES.match(text)
    if late is None:
        return []
    blank = late.group(1).count("\n")
    lines = "the blank line" if blank == 1 else f"the {blank} blank lines"
    return [f"{filename}: the front matter starts on line {blank + 1}, after blank lines, so it is shown as text on "
            "the page (Jekyll does the same): front matter must start on line 1 with '---'. Delete "
            f"{lines} before '---' and publish the file again."]


# What PyYAML was reading when the text ran out, said the way an author would look for it.
NEVER_CLOSED = {"quoted scalar": "a quote opened on this line is never closed",
                "flow sequence": "a '[' list opened on this line is never closed with ']'",
                "flow mapping": "a '{' opened on this line is never closed with '}'"}


def _where_and_what(error: yaml.MarkedYAMLError, yaml_text: str) -> tuple[int, str]:
    """The 0-based line and the problem: where a quote or bracket was opened, when the mistake is that it never
    closes; else where PyYAML stopped, in its words."""
    opened = _never_closed(error) or _quote_ran_on(error, yaml_text)
    if opened:
        return opened
    mark = error.problem_mark or error.context_mark
    return (mark.line if mark else 0), (error.problem or "invalid YAML").strip()


def _never_closed(error: yaml.MarkedYAMLError) -> tuple[int, str] | None:
    """The text ended inside a quote or bracket, or a bracket ran on past its line into the next key, whose ':'
    cannot be inside it."""
    what = next((what for what in NEVER_CLOSED if what in (error.context or "")), None)
    if what is None or error.context_mark is None:
        return None
    problem = error.problem or ""
    ran_out = "end of stream" in problem or "<stream end>" in problem
    # A quote's own errors on a later line (an unknown escape) are real errors inside a quote that may close.
    ran_on = (what != "quoted scalar" and error.problem_mark is not None
              and error.problem_mark.line > error.context_mark.line)
    return (error.context_mark.line, NEVER_CLOSED[what]) if ran_out or ran_on else None


def _quote_ran_on(error: yaml.MarkedYAMLError, yaml_text: str) -> tuple[int, str] | None:
    """A quoted value that runs over lines to end where PyYAML stumbled: in front matter, a closing quote left
    out, and the quote that ended the value was the next value's opening one."""
    if error.problem_mark is None:
        return None
    stumbled = error.problem_mark
    depth = 0
    try:
        # PyYAML's scanner weighs every open '[' or '{' of a line again at each token: bounded as the load is (its
        # depth), by the tokens it may read, and never past where the load stumbled.
        for count, token in enumerate(yaml.scan(yaml_text, Loader=yaml.SafeLoader)):
            depth += isinstance(token, FLOW_STARTS) - isinstance(token, FLOW_ENDS)
            if token.start_mark.index > stumbled.index or depth > MAX_YAML_DEPTH or count >= MAX_SCANNED_TOKENS:
                break
            if (isinstance(token, yaml.ScalarToken) and token.style in ('"', "'")
                    and token.start_mark.line < token.end_mark.line == stumbled.line):
                return token.start_mark.line, NEVER_CLOSED["quoted scalar"]
    except yaml.YAMLError:
        pass  # the scan stops where the load did, having given every token before it
    return None


FLOW_STARTS = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
FLOW_ENDS = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)
MAX_SCANNED_TOKENS = 5_000  # front matter of that many tokens is rare; its explanation then is PyYAML's own


class _NestedTooDeep(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line  # 0-based, of the list or mapping that goes one level too deep


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that refuses deep nesting while composing, and alias bombs before building anything."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_sequence_node(self, anchor):
        return self._one_level_deeper(super().compose_sequence_node, anchor)

    def compose_mapping_node(self, anchor):
        return self._one_level_deeper(super().compose_mapping_node, anchor)

    def _one_level_deeper(self, compose, anchor):
        if self.depth >= MAX_YAML_DEPTH:
            raise _NestedTooDeep(self.peek_event().start_mark.line)
        self.depth += 1
        try:
            return compose(anchor)
        finally:
            self.depth -= 1


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    key = id(node)
    if key in memo:
        return memo[key]
    if depth > MAX_YAML_DEPTH:
        # Only aliases reach here (composing stops deeper nesting): one inside its own anchor, or chained.
        return MAX_EXPANDED_NODES + 1
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(child, memo, depth + 1) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(_expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1) for k, v in node.value)
    memo[key] = size
    return size


def load_yaml(yaml_text: str, filename: str, *, first_line: int = 1) -> tuple[object, dict[str, int]]:
    """Parse YAML safely: (value, {top-level key: line}). Raises PublishError naming the line."""
    try:
        loader = _BoundedLoader(yaml_text)
    except yaml.reader.ReaderError as error:
        # The reader refuses control characters before parsing starts, with a position but no mark.
        line = yaml_text.count("\n", 0, error.position) + first_line
        raise PublishError(f"{filename}, line {line}: the invisible character U+{_code_point(error.character):04X} "
                           "cannot appear in YAML. Delete it and upload the file "
                           "again.", line=line) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        if _expanded_size(node, {}) > MAX_EXPANDED_NODES:
            raise PublishError(f"{filename}: the YAML uses anchors and aliases that expand to an enormous "
                               f"document, or nest more than {MAX_YAML_DEPTH} levels deep. Write the values out "
                               "instead of repeating aliases.")
        value = loader.construct_document(node)
    except _NestedTooDeep as deep:
        line = deep.line + first_line
        raise PublishError(f"{filename}, line {line}: lists and mappings are nested {MAX_YAML_DEPTH + 1} levels "
                           f"deep here; at most {MAX_YAML_DEPTH} are accepted. Flatten the deepest part (a long run "
                           "of '[' or '{', or ever deeper indentation).", line=line) from None
    except yaml.MarkedYAMLError as error:
        line, problem = _where_and_what(error, yaml_text)
        line += first_line
        raise PublishError(f"{filename}, line {line}: {problem}. Check the quotes, colons and indentation on this "
                           "line (values containing ':' or '#' need quotes).", line=line) from None
    except yaml.YAMLError as error:
        raise PublishError(f"{filename}: this YAML cannot be read ({error}).") from None
    except PublishError:
        raise
    except (ValueError, TypeError, OverflowError) as error:
        # YAML's own types (dates like 2024-13-45) fail after parsing, without a position.
        raise PublishError(f"{filename}: a value in the YAML cannot be read ({error}). Check dates (YYYY-MM-DD) "
                           "and put values that are not dates or numbers in quotes.") from None
    finally:
        loader.dispose()
    lines = {}
    if isinstance(node, yaml.MappingNode):
        lines = {str(key.value): key.start_mark.line + first_line for key, _value in node.value}
    return value, lines


def _code_point(character: int | str) -> int:
    return character if isinstance(character, int) else ord(character)


def load_front_matter(yaml_text: str, filename: str, *, first_line: int) -> FrontMatter:
    value, lines = load_yaml(yaml_text, filename, first_line=first_line)
    if value is None:
        return FrontMatter({})
    if not isinstance(value, dict):
        raise PublishError(f"{filename}, line {first_line}: the front matter must be 'key: value' lines, "
                           "like 'title: About me'.", line=first_line)
    return FrontMatter({str(key): _jsonable(item) for key, item in value.items()}, lines)


def _jsonable(value):
    """Front matter as stored and exported: dates become ISO strings, everything else JSON types."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value
