r"""TeX to MathML on the server, so math needs no script in the visitor's browser.

What is math is what kramdown (GitHub Pages) reads as math: `$$...$$` standing as a block of its own (blank lines
around it) is display math, `$$...$$` inside a paragraph is inline math, and a single `$` is never math (it is a
price). academicpages tells authors to write `\\(...\\)` for inline and `\\[...\\]` for display math: kramdown turns
`\\` into `\` and MathJax reads the result, so those are math here too, as are `\(...\)` and a block of its own
`\[...\]` (a `\[` inside a paragraph is an escaped bracket: '\[PDF\]'). Code spans and code blocks are never math.

latex2mathml writes the MathML; we serialize its tree ourselves, because its own serializer leaves text unescaped
('\text{<b>}' came out as a <b> tag). What the MathML may contain is decided by the sanitizer, like any HTML. A
formula we cannot render is shown as TeX with a notice naming its line, never an error page.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field

from latex2mathml.converter import convert_to_element
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.util import STX, AtomicString

from .budget import OutOfTime

# latex2mathml takes about 10 µs a character of TeX and writes 6 (up to 30) characters of MathML for it, which
# cost the sanitizer about 2.5 s a MB.
MAX_TEX_CHARS = 10_000
MAX_FORMULAS = 2_000
MAX_MATHML_CHARS = 1_000_000
MAX_DEPTH = 64  # nested elements in one formula; html5lib's cost grows with the square of the depth
MAX_NOTICES = 20

INLINE_PRIORITY = 189.9  # after code spans (190), before backslash escapes (180), emphasis and links
DISPLAY_PRIORITY = 77  # before tables (75), headings and lists, which would otherwise cut into a multi-line formula
DISPLAY_MAX_BLOCKS = 20  # a display formula may hold blank lines, as in kramdown, but not a whole page of them

INLINE_MATH = (r"(?<!\\)\$\$(?P<dollar>.+?)\$\$|\\\\\((?P<round2>.+?)\\\\\)|\\\\\[(?P<square2>.+?)\\\\\]"
               r"|(?<!\\)\\\((?P<round>.+?)\\\)")
DISPLAY_DELIMITERS = (("$$", "$$"), ("\\\\[", "\\\\]"), ("\\[", "\\]"))
ENTITY = re.compile(r"&#x([0-9A-Fa-f]{1,6});")
UNKNOWN_COMMAND = re.compile(r"^\\[A-Za-z]+$")
# Standard LaTeX that latex2mathml does not know, in words it does: '\arg' is an operator name like '\max', '\ '
# a space (academicpages' own sample page ends its lines with '\\\ '), and '\label' and '\nonumber' only matter
# to equation numbers, which a page does not have. '\\' is matched first, so its second backslash starts nothing.
TEX_SYNONYM = re.compile(r"\\\\|\\arg(?![A-Za-z])|\\(?=\s)|\\(?:nonumber|notag)(?![A-Za-z])|\\label\{[^{}]*\}")
SYNONYMS = {"\\\\": "\\\\", "\\arg": "\\operatorname{arg}", "\\": "\\;"}

REASONS = {
    "MissingEndError": "a \\begin{...} has no \\end{...}",
    "ExtraLeftOrMissingRightError": "a \\left has no \\right",
    "DoubleSuperscriptsError": "two superscripts in a row: write x^{a^b}",
    "DoubleSubscriptsError": "two subscripts in a row: write x_{a_b}",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "NumeratorNotFoundError": "a fraction has no numerator",
    "DenominatorNotFoundError": "a fraction has no denominator",
    "NoAvailableTokensError": "a command is missing its argument",
    "InvalidAlignmentError": "a column alignment is not l, c or r",
    "InvalidStyleForGenfracError": "\\genfrac has a style other than 0 to 3",
    "RecursionError": "it is nested too deeply",
}


class MathError(Exception):
    """A formula that could not be rendered; the message says why, for the author."""


@dataclass(frozen=True)
class MathML:
    markup: str
    unknown_commands: tuple[str, ...]  # rendered as written ('\label'), the way MathJax shows an unknown macro


def tex_to_mathml(tex: str, *, display: bool = False) -> MathML:
    """MathML for one formula, its TeX kept as an annotation; raises MathError."""
    known = TEX_SYNONYM.sub(lambda match: SYNONYMS.get(match.group(0), ""), tex)
    try:
        tree = convert_to_element(known, display="block" if display else "inline")
    except OutOfTime:
        raise
    except Exception as error:  # latex2mathml raises its own errors, and StopIteration, IndexError... on odd TeX
        raise MathError(REASONS.get(type(error).__name__, "it is not TeX we can read")) from None
    rows = list(tree)
    unknown = tuple(dict.fromkeys(
        element.text for element in tree.iter() if element.text and UNKNOWN_COMMAND.match(element.text)))
    out = ['<math display="block">' if display else "<math>", "<semantics>"]
    for row in rows:
        _serialize(row, out, 1)
    out += ['<annotation encoding="application/x-tex">', html.escape(tex, quote=False), "</annotation>",
            "</semantics></math>"]
    return MathML("".join(out), unknown)


def _serialize(element: etree.Element, out: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise MathError(f"it is nested more than {MAX_DEPTH} levels deep")
    attributes = "".join(f' {name}="{html.escape(value)}"' for name, value in element.attrib.items())
    out.append(f"<{element.tag}{attributes}>{_text(element.text)}")
    for child in element:
        _serialize(child, out, depth + 1)
    out.append(f"</{element.tag}>{_text(element.tail)}")


def _text(value: str | None) -> str:
    # latex2mathml writes symbols as character references ('&#x02211;') in text it otherwise leaves as written.
    return html.escape(ENTITY.sub(_character, value), quote=False) if value else ""


def _character(match: re.Match) -> str:
    code = int(match.group(1), 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


@dataclass
class MathPage:
    """The formulas of one page: the limits, and the notices with the line each formula starts on."""

    body: str = ""
    first_line: int = 1
    formulas: int = 0
    mathml_chars: int = 0
    notices: list[tuple[int, str]] = field(default_factory=list)
    unreported: int = 0
    _searched: dict[str, int] = field(default_factory=dict)

    def render(self, tex: str, source: str, display: bool) -> str:
        self.formulas += 1
        if self.formulas == MAX_FORMULAS + 1:
            self._notice(source, f"this page has more than {MAX_FORMULAS:,} formulas; from here on they are shown "
                                 "as TeX")
        if self.formulas > MAX_FORMULAS or self.mathml_chars > MAX_MATHML_CHARS:
            return _as_tex(source, display)
        if len(tex) > MAX_TEX_CHARS:
            self._notice(source, f"the math `{_short(tex)}` is longer than {MAX_TEX_CHARS:,} characters; it is "
                                 "shown as TeX")
            return _as_tex(source, display)
        try:
            mathml = tex_to_mathml(tex, display=display)
        except MathError as error:
            self._notice(source, f"could not render the math `{_short(tex)}`: {error}; it is shown as TeX")
            return _as_tex(source, display)
        for command in mathml.unknown_commands:
            self._notice(source, f"the math `{_short(tex)}` uses `{command}`, which is not a command we know; it "
                                 "is shown as written")
        self.mathml_chars += len(mathml.markup)
        if self.mathml_chars > MAX_MATHML_CHARS:
            self._notice(source, f"the math on this page makes more than {MAX_MATHML_CHARS // 1_000_000} MB of "
                                 "MathML; from here on it is shown as TeX")
            return _as_tex(source, display)
        return mathml.markup

    def _notice(self, source: str, message: str) -> None:
        if len(self.notices) < MAX_NOTICES:
            self.notices.append((self._line_of(source), message))
        else:
            self.unreported += 1

    def _line_of(self, source: str) -> int:
        # The Markdown seen here has lost its quote marks and may be re-indented; the formula's first two lines
        # (a display formula's first is only '$$') are otherwise as written. The n-th same formula is the n-th one.
        lines = [line.strip() for line in source.split("\n") if line.strip()][:2]
        needle = re.compile(r"[\s>]*".join(re.escape(line) for line in lines))
        found = needle.search(self.body, self._searched.get(needle.pattern, 0)) or needle.search(self.body)
        start = found.start() if found else 0
        self._searched[needle.pattern] = start + 1
        return self.first_line + self.body.count("\n", 0, start)

    def all_notices(self) -> list[str]:
        # In page order: display formulas are found before the paragraphs' inline ones.
        found = [f"line {line}: {message}" for line, message in sorted(self.notices, key=lambda notice: notice[0])]
        more = [f"{self.unreported} more notices about math on this page are not shown"] if self.unreported else []
        return found + more


def _as_tex(source: str, display: bool) -> str:
    escaped = html.escape(source.strip(), quote=False)
    return f'<pre class="math-tex"><code>{escaped}</code></pre>' if display else \
        f'<code class="math-tex">{escaped}</code>'


def _short(tex: str) -> str:
    flat = " ".join(tex.split())
    return flat if len(flat) <= 60 else flat[:57] + "..."


class _InlineMath(InlineProcessor):
    def __init__(self, md, extension: MathExtension) -> None:
        super().__init__(INLINE_MATH, md)
        self.extension = extension

    def handleMatch(  # type: ignore[override]  # noqa: N802 (Python-Markdown's name and signature)
            self, m: re.Match[str], data: str) -> tuple[str | None, int | None, int | None]:
        kind = m.lastgroup or ""
        tex = m.group(kind).strip()
        if not tex or STX in tex:  # an empty pair, or one around a code span: kramdown's code span comes first
            return None, None, None
        stash = self.md.htmlStash.store
        return stash(self.extension.page.render(tex, m.group(0), display=kind == "square2")), m.start(), m.end()


class _DisplayMath(BlockProcessor):
    """A formula that is a block of its own, kramdown's math block: it opens the block and closes at its end."""

    def __init__(self, parser, extension: MathExtension) -> None:
        super().__init__(parser)
        self.extension = extension

    def test(self, parent, block: str) -> bool:
        return _delimiters(block) is not None

    def run(self, parent, blocks: list[str]) -> bool:
        delimiters = _delimiters(blocks[0])
        if delimiters is None:  # never: test() said this block opens a formula
            return False
        opener, closer = delimiters
        text = blocks[0].lstrip(" ")
        end, taken = text.find(closer, len(opener)), 1
        while end == -1 and taken < min(len(blocks), DISPLAY_MAX_BLOCKS):
            if closer in blocks[taken]:
                end = len(text) + 2 + blocks[taken].find(closer)
            text += "\n\n" + blocks[taken]
            taken += 1
        tex = text[len(opener):end].strip() if end != -1 else ""
        if not tex or text[end + len(closer):].strip() or (opener == "\\[" and "](" in tex):
            return False  # not a block of its own (or '\[[PDF](paper.pdf)\]'): a paragraph, maybe with inline math
        del blocks[:taken]
        placeholder = self.parser.md.htmlStash.store(self.extension.page.render(tex, text, display=True))
        paragraph = etree.SubElement(parent, "p")
        paragraph.text = AtomicString(placeholder)  # '<p>' + a block-level stash is unwrapped by Python-Markdown
        return True


def _delimiters(block: str) -> tuple[str, str] | None:
    stripped = block.lstrip(" ")
    if len(block) - len(stripped) > 3:
        return None
    return next(((opener, closer) for opener, closer in DISPLAY_DELIMITERS if stripped.startswith(opener)), None)


class MathExtension(Extension):
    """Registers the two syntaxes; `begin_page` before each conversion, then `page.all_notices()`."""

    def __init__(self) -> None:
        super().__init__()
        self.page = MathPage()

    def begin_page(self, body: str, first_line: int) -> None:
        self.page = MathPage(body=body, first_line=first_line)

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        md.registerExtension(self)
        md.inlinePatterns.register(_InlineMath(md, self), "math_inline", INLINE_PRIORITY)
        md.parser.blockprocessors.register(_DisplayMath(md.parser, self), "math_display", DISPLAY_PRIORITY)
        md.ESCAPED_CHARS.append("$")  # kramdown reads '\$' as a dollar sign
