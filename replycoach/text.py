"""Input clean-up: bytes to text, HTML to text, quoted thread and signature, protected spans.

Offsets never move: for plain text the analysed string has the draft's exact length, with
the quoted thread and signature blanked out (newlines kept) rather than cut. For HTML the
cleaned text becomes the text that offsets refer to, and the report carries it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser

from .errors import InputError

__all__ = ["CleanText", "Span", "bom_encoding", "clean", "decode_bytes", "replace_unencodable", "source_end",
           "source_offsets"]

DEFAULT_MAX_CHARS = 100_000


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range with a reason, e.g. ('url', 10, 32)."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class CleanText:
    """The draft ready for analysis."""

    text: str  # what offsets refer to
    analysed: str  # same length as `text`; excluded regions blanked, long symbol runs segmented
    input_format: str  # "text" or "html"
    excluded: tuple[Span, ...] = ()
    protected: tuple[Span, ...] = field(default=())
    replaced: int = 0  # unencodable characters (lone surrogates) replaced by U+FFFD in `text`

    def is_protected(self, start: int, end: int) -> bool:
        return any(s.start < end and start < s.end for s in self.protected)

    @cached_property
    def straight(self) -> str:
        """`analysed` with curly quotes made straight, one character for one (offsets kept): what
        regular expressions search, so that a pattern written "can't" also hears the "can’t"
        that phones type. Phrase rules match on normalised tokens and need no such copy."""
        return self.analysed.translate(_STRAIGHT_QUOTES)


_STRAIGHT_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201b": "'", "\u2032": "'",
                                  "\u201c": '"', "\u201d": '"', "\u201f": '"', "\u2033": '"'})


# Byte-order marks, longest first: UTF-32's little-endian mark begins with UTF-16's.
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
         (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig"))


def bom_encoding(head: bytes) -> str | None:
    """The codec a file's byte-order mark names (one that also strips the mark), or None."""
    return next((codec for bom, codec in _BOMS if head.startswith(bom)), None)


def decode_bytes(data: bytes, *, encoding: str = "utf-8", name: str = "input") -> str:
    """Decode a file's bytes, refusing binary data and invalid encodings with coded errors.
    A byte-order mark (UTF-8, UTF-16 or UTF-32) names the encoding, whatever `encoding` says."""
    encoding = bom_encoding(data[:4]) or encoding
    if encoding.replace("-", "").lower() in {"utf8", "utf8sig"} and b"\x00" in data[:8192]:
        raise InputError(f"{name} looks like a binary file (it contains NUL bytes)", code="RC102",
                         remedy="pass the text of the reply, not a document or image file")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise InputError(f"{name} is not valid {encoding} (bad byte at offset {err.start})",
                         code="RC103",
                         remedy="save it as UTF-8, or name its encoding with --encoding (e.g. cp1252)"
                         ) from None
    except LookupError:
        raise InputError(f"unknown encoding {encoding!r}", code="RC103",
                         remedy="use a Python codec name such as utf-8 or cp1252") from None


# Python strings can hold lone surrogates (a JSON "\ud800", half of a split emoji) that no
# encoding can write: spaCy's string store, `to_json()` and every output would fail on them.
# Each becomes U+FFFD, one character for one, so offsets still point into the caller's string,
# and the report counts them (`metrics.replaced_characters`).
_UNENCODABLE = re.compile(r"[\ud800-\udfff]")


def replace_unencodable(text: str) -> tuple[str, int]:
    """`text` with each lone surrogate replaced by U+FFFD, and how many there were."""
    if text.isascii():  # a flag of the string, known without a scan
        return text, 0
    return _UNENCODABLE.subn("\ufffd", text)


# spaCy's tokenizer strips one prefix or suffix character at a time from a chunk without spaces,
# copying the rest each time: a run of punctuation, symbols or emoji costs the square of its
# length (10,000 "%" took 15 s). In the analysed text a space takes the place of every 33rd
# character of such a run, so no chunk holds more than 32 of them; nothing else moves.
_RUN = 32
_SYMBOL_RUN = re.compile(rf"(?:[^\w\s]|_){{{_RUN + 1},}}")


def _segment_runs(text: str) -> str:
    if _SYMBOL_RUN.search(text) is None:
        return text
    chars = list(text)
    for m in _SYMBOL_RUN.finditer(text):
        for i in range(m.start() + _RUN, m.end(), _RUN + 1):
            chars[i] = " "
    return "".join(chars)


def _check_text(text: str, *, max_chars: int, name: str) -> None:
    if len(text) > max_chars:
        raise InputError(f"{name} is {len(text):,} characters; the limit is {max_chars:,}",
                         code="RC104", remedy="check one reply at a time, or raise max_chars in config")
    head = text[:4096]
    controls = 0 if head.isprintable() else sum(1 for ch in head if ch < " " and ch not in "\n\r\t\f")
    if "\x00" in text[:4096] or controls > 0.1 * min(len(text), 4096):
        raise InputError(f"{name} looks like binary data, not text", code="RC102",
                         remedy="pass the text of the reply")


# --- HTML -----------------------------------------------------------------------------------

_HTML_HINT = re.compile(
    r"<(?:p|div|br|html|body|span|a|b|i|u|strong|em|ul|ol|li|table|tr|td|h[1-6]|blockquote|"
    r"font|img|hr|pre|code|script|style)\b[^<>]{0,500}>|&(?:nbsp|amp|lt|gt|quot|#\d{1,6});",
    re.IGNORECASE,
)
_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
          "blockquote", "pre", "section", "article", "header", "footer", "hr", "dl", "dt", "dd"}
_INLINE = {"a", "b", "i", "u", "em", "strong", "span", "font", "small", "big", "sub", "sup",
           "img", "abbr", "mark", "s", "strike", "label", "html", "body", "head", "meta", "link",
           "title", "tbody", "thead", "tfoot", "center", "o:p", "wbr"}
_CELL = {"td", "th"}
_SKIP = {"script", "style", "head", "title", "template", "noscript"}


class _HtmlToText(HTMLParser):
    """Keeps paragraphs, line breaks and table rows (cells split by tabs); drops scripts; keeps
    unknown tags like <NAME> as text.

    Hand-written, by measurement (benchmarks/deps.py html): inscriptis lays tables and lists out
    as well, but drops <NAME> placeholders, numbers list items with text the HTML does not have
    (so a finding's line:col cannot be mapped back) and needs lxml and requests; selectolax is
    a parser, fast, whose text() runs inline tags onto lines of their own and rows together."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0
        self.cells = 0  # in the current table row

    def _newline(self, count: int) -> None:
        self.parts.append("\x00" * count)  # placeholder, squeezed in `text()`

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip_depth += 1
        elif tag == "br":
            self._newline(1)
        elif tag == "blockquote":
            self.quote_depth += 1
            self._newline(2)
        elif tag in ("code", "pre"):
            self.pre_depth += tag == "pre"
            self.parts.append("`")
            if tag == "pre":
                self._newline(1)
        elif tag == "li":
            self._newline(1)
            self.parts.append("- ")
        elif tag in _CELL:
            self.parts.append("\t" if self.cells else "")
            self.cells += 1
        elif tag == "tr":
            self.cells = 0
            self._newline(1)
        elif tag in _BLOCK:
            self._newline(2)
        elif tag not in _INLINE:
            self.parts.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "blockquote":
            self.quote_depth = max(0, self.quote_depth - 1)
            self._newline(2)
        elif tag in ("code", "pre"):
            self.pre_depth = max(0, self.pre_depth - (tag == "pre"))
            self.parts.append("`")
        elif tag in _BLOCK:
            self._newline(0 if tag == "tr" else 2)  # a row's line break comes at the next row's start
        elif tag not in _INLINE and tag not in _CELL and tag != "br":
            self.parts.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if not self.pre_depth:
            data = re.sub(r"\s+", " ", data)
        if self.quote_depth:
            data = data.replace("\n", "\n> ")
            if not self.parts or self.parts[-1].endswith(("\x00", "\n")):
                data = "> " + data.lstrip()
        self.parts.append(data)

    def text(self) -> str:
        raw = "".join(self.parts)
        lines = [line.strip(" ") for line in re.split(r"\x00", raw)]
        text = "\n".join(lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip()


def html_to_text(html: str) -> str:
    parser = _HtmlToText()
    parser.feed(html)
    parser.close()
    return parser.text()


# --- from the cleaned text back to the draft as written -------------------------------------

_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_MARKERS = frozenset("->`")  # what HTML clean-up writes of its own: quote and list marks, code ticks


def source_offsets(source: str, cleaned: str) -> list[int] | None:
    """For each offset of the cleaned text (and its end), the offset in `source` (the draft as
    written) where that character comes from. Clean-up decodes entities, drops tags, squeezes
    spaces and writes line breaks, quote and list marks and code ticks of its own (each maps to
    the next character of the source); anything else means the two cannot be aligned: None."""
    offsets: list[int] = []
    i = j = 0
    while j < len(cleaned):
        # An entity first: "&amp;" is read as "&", not as the "&" it begins with.
        entity = _ENTITY.match(source, i) if i < len(source) and source[i] == "&" else None
        decoded = html.unescape(entity.group()) if entity else ""
        if entity and (decoded == cleaned[j:j + len(decoded)] or (decoded.isspace() and cleaned[j].isspace())):
            offsets.extend([i] * len(decoded))  # "&nbsp;" is white space, which clean-up squeezes
            i, j = entity.end(), j + len(decoded)
        elif i < len(source) and source[i] == cleaned[j]:
            offsets.append(i)
            i += 1
            j += 1
        elif i < len(source) and source[i] == "<":
            i = _past_markup(source, i)
            if i < 0:
                return None
        elif i < len(source) and source[i].isspace():
            i += 1
        elif entity and decoded.isspace():
            i = entity.end()
        elif cleaned[j].isspace() or cleaned[j] in _MARKERS:
            offsets.append(i)
            j += 1
        else:
            return None
    offsets.append(i)
    return offsets


_TAG_NAME = re.compile(r"<([A-Za-z][\w:-]*)")


def _past_markup(source: str, at: int) -> int:
    """Where the tag, comment or skipped element (a script, a style) that starts at `at` ends;
    -1 where it never does."""
    if source.startswith("<!--", at):
        close = source.find("-->", at + 4)
        return close + 3 if close >= 0 else -1
    name = _TAG_NAME.match(source, at)
    if name and name.group(1).lower() in _SKIP:
        ends = re.compile(rf"</{re.escape(name.group(1))}\s*>", re.IGNORECASE).search(source, at)
        if ends:
            return ends.end()
    close = source.find(">", at)
    return close + 1 if close >= 0 else -1


def source_end(source: str, at: int) -> int:
    """The end of the source character (or entity) that starts at `at`."""
    m = _ENTITY.match(source, at)
    return m.end() if m else at + 1


# --- thread, signature, protected spans -----------------------------------------------------

# Hand-written, by measurement (benchmarks/deps.py threads): mail-parser-reply finds more thread
# headers than the English-only patterns did, but it also cuts a reply's sign-off ("Thanks,",
# "Mvh") and dash lists, returns a string rather than spans, and its patterns take seconds on
# one 10 KB line ("On On On ..."); email-reply-parser and quotequail read English only. Every
# pattern here is bounded (no nested open repeats), so the search stays linear.

# The end of an attribution, "... Dana <dana@example.com> wrote:", in the languages help desks
# meet most (German puts the name and address after the verb, and may wrap before the address);
# or a date and an address then the colon (Japanese mail). Each is looked for only before a colon
# that ends a line, in the 600 characters before it. Drafts saved on Windows end lines in CR LF.
_WROTE = (r"wrote|schrieb|skrev|schreef|a écrit|escribió|ha scritto|escreveu|napisał(?:\(a\))?|"
          r"napsal(?:\(a\))?|kirjoitti|написал(?:\(а\))?")
_ADDRESS = r"[^\s<>@]{1,64}@[^\s<>]{1,255}"
_LINE_END_COLON = re.compile(r":[ \t\r]*$", re.MULTILINE)
_ATTRIBUTION_END = re.compile(
    rf"(?:(?<!\w)(?P<verb>{_WROTE})(?:[ \t][^\n<>]{{0,200}}<\r?\n?{_ADDRESS}>)?|<{_ADDRESS}>)[ \t]?$", re.IGNORECASE)
_ATTRIBUTION_REACH = 600
_ATTRIBUTION_LINE = 300  # characters before the verb or address, at most
# A long attribution wraps: it may start up to two lines up, on a line that opens like one.
_ATTRIBUTION_OPENER = re.compile(r"[> \t]*(?:On|Am|Le|El|Il|Op|Em|Den|Dnia|Dne)\s", re.IGNORECASE)
_WRAP = 2


def _line_pattern(body: str) -> re.Pattern[str]:
    """A pattern for lines that start with `body`, to search for in "\n" + text with `_lines`.
    Led by a newline, the engine jumps from line to line; a "^" is tried at every character."""
    return re.compile(rf"\n(?:{body})", re.MULTILINE | re.IGNORECASE)


def _lines(pattern: re.Pattern[str], text: str, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) in `text` of each line that `pattern` (from `_line_pattern`) matches, before `end`."""
    padded = "\n" + text
    for m in pattern.finditer(padded, 0, len(padded) if end is None else end + 1):
        yield m.start(), m.end() - 1


# Where an unquoted copy of the thread starts: a mail client's header block (From: then Sent: or
# Date: within four lines, in several languages, *bold* or not), a separator line, a help desk's
# reply-above marker.
_FROM = r"From|Von|De|Da|Fra|Från|Van|Od|Lähettäjä|От"
_SENT = r"Sent|Date|Gesendet|Datum|Envoyé|Enviado|Fecha|Inviato|Data|Sendt|Skickat|Verzonden|Wysłano|Lähetetty"
_SEPARATOR = (r"Original Message|Forwarded message|Ursprüngliche Nachricht|Weitergeleitete Nachricht|"
              r"Message d'origine|Message transféré|Mensaje original|Mensaje reenviado|Messaggio originale|"
              r"Messaggio inoltrato|Oorspronkelijk bericht|Doorgestuurd bericht|Oprindelig meddelelse|"
              r"Videresendt meddelelse|Ursprungligt meddelande|Vidarebefordrat meddelande|Opprinnelig melding|"
              r"Mensagem original|Mensagem encaminhada|Wiadomość oryginalna|Alkuperäinen viesti")
_THREAD_COPY = _line_pattern(
    rf"[ \t>]*\*?(?:{_FROM}) ?:\*?[ \t][^\n]{{1,300}}\n(?:[^\n]{{0,300}}\n){{0,3}}"
    rf"[ \t>]*\*?(?:{_SENT}) ?:\*?[ \t][^\n]{{1,300}}$"
    rf"|[ \t]*-{{2,}} ?(?:{_SEPARATOR}) ?-{{2,}}[ \t\r]*$|Begin forwarded message:[ \t\r]*$"
    r"|##- [^\n]{1,100} -##[ \t\r]*$"
)
_QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*$", re.MULTILINE)
_NEXT_LINE = re.compile(r"\s*(\S)")
_UNQUOTED_LINE = re.compile(r"^[ \t]*[^\s>]", re.MULTILINE)
# A signature starts at a "-- " or underscore line, a phone's or mail app's "sent from" line, or
# a disclaimer heading alone on its line. The app line names the device ("Sent from my", not
# "Sent from our depot") in a few words ("Sent from my desk, is much easier" is prose), perhaps
# with a link.
_SIGNATURE = _line_pattern(
    r"(?:-- ?|__+)\r?$"
    r"|(?:Sent from my |Sent from (?=Yahoo Mail|Mail for Windows|Outlook)|Get Outlook for |Gesendet von meinem |"
    r"Von meinem |Envoyé de mon |Enviado desde mi |Enviado do meu |Inviato da(?:l mio)? |"
    r"Verzonden (?:vanaf|met) (?:mijn )?|Skickat från min |Sendt fra min |Hent Outlook til |Wysłano z (?:mojego )?)"
    r"[\w .-]{1,40}(?:<[^\s<>]{1,300}>)?[ \t\r]*$"
    r"|(?:Disclaimer|Confidentiality notice)[ \t]*:?[ \t\r]*$"
)


def _attributions(text: str) -> Iterator[tuple[int, int]]:
    """Each attribution's (start, end): from its first line, wrapped or not, to its colon. One
    with neither a date, an address nor an opening such as "On " is prose ("our engineer wrote:")."""
    for colon in _LINE_END_COLON.finditer(text) if ":" in text else ():
        end = _ATTRIBUTION_END.search(text, max(0, colon.start() - _ATTRIBUTION_REACH), colon.start())
        if end is None:
            continue
        start = line = text.rfind("\n", 0, end.start()) + 1
        opening = text[line:end.start()]
        if len(opening) > _ATTRIBUTION_LINE or not (end.group("verb") or any(c.isdigit() for c in opening)):
            continue  # too long for a header; an address with no date is not one
        for _ in range(_WRAP):
            above = text.rfind("\n", 0, line - 1) + 1 if line else 0
            if not line or not text[above:line - 1].strip():
                break
            line = above
            if _ATTRIBUTION_OPENER.match(text, line):
                start = line
        block = text[start:colon.end()]
        if _ATTRIBUTION_OPENER.match(block) or any(c.isdigit() or c == "@" for c in block):
            yield start, colon.end()


def _thread_headers(text: str) -> list[tuple[int, int]]:
    headers = [*_attributions(text), *_lines(_THREAD_COPY, text)]
    return sorted(headers)


def _excluded_regions(text: str) -> list[Span]:
    """The quoted thread and the signature. A header above ">" lines with more of the reply after
    them is an inline quote: the header and those lines go, the answers between them stay. So
    does the body under a header that opens the text (a pasted message). A header anywhere else
    starts an unquoted copy of the thread, which runs to the end."""
    spans: list[Span] = []
    limit = len(text)
    headers = _thread_headers(text)
    last_own_line = max((m.start() for m in _UNQUOTED_LINE.finditer(text)), default=-1) if headers else -1
    for start, end in headers:
        if start < (spans[-1].end if spans else 0):
            continue
        after = _NEXT_LINE.match(text, end)
        if (after and after.group(1) == ">" and last_own_line > end) or not text[:start].strip():
            spans.append(Span("quoted", start, end))
        else:
            spans.append(Span("quoted", start, len(text)))
            limit = start
            break
    sig = next((start for start, _ in _lines(_SIGNATURE, text, limit) if start > 0), None)
    if sig is not None:
        spans.append(Span("signature", sig, limit))
        limit = sig
    if ">" in text:  # (every quoted line holds one: most texts are not searched)
        spans.extend(Span("quoted", m.start(), m.end()) for m in _QUOTED_LINE.finditer(text, 0, limit))
    return sorted(spans, key=lambda s: (s.start, s.end))


# One pass, leftmost match first; where two kinds could start at one place, the earlier-listed wins
# (a URL's digits are not a separate number).
_PROTECTED = re.compile("|".join(f"(?P<{kind}>{pattern})" for kind, pattern in (
    ("code", r"```[^`]{0,20000}```|`[^`\n]{1,300}`"),
    ("url", r"\b(?i:https?://|www\.)[^\s<>\"'`]{1,2000}[^\s<>\"'`.,;:!?)\]]"),
    ("email", r"\b[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}\b"),
    ("handle", r"(?<![\w@])@\w{1,30}"),
    # Order, ticket and tracking ids have 3+ digits and a letter; "2FA", "WPA2" and "L2" are words.
    ("id", r"#\w{1,40}|\b(?=(?:[A-Za-z-]{0,40}\d){3})(?=[A-Za-z0-9-]{0,40}[A-Za-z])"
           r"[A-Za-z0-9]{2,20}(?:-[A-Za-z0-9]{1,20}){0,4}\b"),
    ("number", r"(?<![\w.])[$€£]?\d[\d,.:/-]{0,30}(?<![.,:/-])%?"),
)))


def _protected_spans(text: str) -> list[Span]:
    return [Span(m.lastgroup or "", m.start(), m.end()) for m in _PROTECTED.finditer(text)
            if m.end() > m.start()]


def _blank(text: str, spans: list[Span]) -> str:
    if not spans:
        return text
    chars = list(text)
    for s in spans:
        for i in range(s.start, s.end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def looks_like_html(text: str) -> bool:
    return _HTML_HINT.search(text[:20000]) is not None


def clean(draft: str, *, input_format: str = "auto", max_chars: int = DEFAULT_MAX_CHARS,
          name: str = "draft", require_words: bool = False) -> CleanText:
    """Turn a draft (plain text or HTML) into text ready for analysis, or raise InputError.
    With `require_words`, a text with no letter or digit (only emoji, punctuation or invisible
    characters) is empty too: there is nothing in it to coach."""
    if not isinstance(draft, str):
        raise InputError(f"{name} must be text (str), not {type(draft).__name__}", code="RC102",
                         remedy="decode bytes first, e.g. with replycoach.text.decode_bytes")
    _check_text(draft, max_chars=max_chars, name=name)
    draft, replaced = replace_unencodable(draft)
    if input_format == "auto":
        input_format = "html" if looks_like_html(draft) else "text"
    text = html_to_text(draft) if input_format == "html" else draft
    if not text.strip():
        raise InputError(f"{name} is empty", code="RC101", remedy="write the reply first")
    excluded = _excluded_regions(text)
    analysed = _blank(text, excluded)
    if not analysed.strip():
        # Nothing but "quoted" text: more likely a reply that opens with a quote ("> you said
        # ...") than an empty one. Check all of it rather than lose it.
        excluded, analysed = [], text
    if require_words and not any(c.isalnum() for c in analysed):
        raise InputError(f"{name} is empty: it has no words, only emoji, punctuation or invisible characters",
                         code="RC101", remedy="write the reply first")
    return CleanText(text=text, analysed=_segment_runs(analysed), input_format=input_format,
                     excluded=tuple(excluded), protected=tuple(_protected_spans(analysed)), replaced=replaced)
