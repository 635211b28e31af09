"""Read e-mail (``.eml`` files and ``mbox`` mailboxes) into a subject unit and a body unit per message.

Messages are parsed with the stdlib :mod:`email` package
(``policy=email.policy.default``); the body is the ``text/plain`` part if
there is one, else the ``text/html`` part read through
:func:`humanize_lint.sources.html.visible_text` (attachments are never read).
The unit's record is the ``Message-ID`` header, else the message's 1-based
index in the file; ``meta`` holds the ``from``, ``to`` and ``date`` headers,
``from_name`` (the From display name) and ``direction`` (see below) when known. Earlier replies quoted below the message (lines
starting with ``>``, and everything from an attribution line such as ``On
Mon, 3 Mar 2025, Ana wrote:``, ``-----Original Message-----``, an Outlook
``From:``/``Sent:`` header block or a forwarded-message marker to the end,
plus ``<blockquote>`` elements in HTML) and the signature (from a line that
is exactly ``-- `` to the next quoted reply or the end) are replaced by spaces,
line breaks kept, unless asked for, so unit offsets stay those of the body.
Positions: a ``7bit``/``8bit``/``binary`` body (the usual case) is the file's
own text, so its runs map each character to its line and column in the file
(the part is found in the raw text by its header/body separator and MIME
boundaries, as the :mod:`email` parser finds it); a ``quoted-printable`` or
``base64`` body is decoded, and its positions are body-relative: every
character maps to the first character of that part's body in the file, while
finding offsets still count from the start of the decoded body. Charsets: the
file is read as UTF-8, each other byte kept as one character, and an 8-bit
body's bytes are read in its part's charset (a mailbox mixes them); in a
single-byte charset (windows-1252, ISO-8859-x, KOI8-R ...) every character
still maps to its own byte, a multi-byte one (Shift JIS ...) is decoded whole
and each character maps to its own bytes (``decoded_runs``), and header bytes that are not UTF-8, or a part that
declares no charset, are read as windows-1252 (see ``read_bytes_as``). A subject
maps character for character unless it has encoded words (``=?utf-8?...``),
which map to the start of the header value. In an ``mbox`` file messages
start at ``From`` lines that open the file, follow a blank line, or look like
a ``From_`` line (``From sender Mon Mar  3 ...``); ``>From`` quoting is shown
as a space before ``From``. A message without headers, with a broken MIME
structure, an unknown charset in its body, or that the parser rejects becomes
an :class:`~humanize_lint.model.InputError` at the line where it starts (the
part's line for a charset) and is skipped; the other messages are read.

Who the customer is. A wrong name in a suggestion is worse than "the
customer", so ``customer`` is set only when the headers say which way the
message goes, and then from the side that names the customer
(:func:`mail_direction`):

- internal (every To address in the sender's domain): None. "Hi Raj," in a
  colleague's escalation names a colleague, and the signature is the agent's.
- outbound (from a role mailbox such as ``support@`` or a desk-like display
  name, or to a personal mailbox such as ``gmail.com``): the greeting on the
  message's first line ("Hi Maria," "Dear Ms. Garcia,") names the customer,
  checked against the To display names: the matching To name gives the full
  name ("Maria" + ``Maria Garcia <...>`` -> "Maria Garcia"), a To name that
  does not match gives None. With no greeting or a generic one ("Hi there,")
  the display name of a single To address is used.
- inbound (the mirror case: from a personal mailbox, or to ``support@``):
  the From display name, else the signature name after a closing ("Thanks,
  / Maria Garcia"); if both are present and name different people, None.
- anything else (two company domains, no role mailbox, no personal
  provider): None. The sender's and the signer's names would be the agent's
  as often as the customer's, so neither is guessed from.

Quoted earlier messages are never read for names. ``customer=`` (the
``--customer`` option) overrides all of this.
"""

from __future__ import annotations

import bisect
import codecs
import email.errors
import email.policy
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from email.message import EmailMessage, Message
from email.parser import Parser

from humanize_lint.model import Document, HumanizeLintError, InputError, InputNote, Run, Unit, compose_runs
from humanize_lint.sources.html import blank_spans, element_spans, text_offset, text_runs, visible_text
from humanize_lint.sources.text import split_lines
from humanize_lint.suggest import customer_from_text, personal_name, same_person
from ..lazyre import lazy

__all__ = ["mail_direction", "read_eml", "read_mbox", "strip_replies"]

# As email.feedparser.headerRE: a header line, a continuation, or a From_ line.
_HEADER_LINE = lazy(r"From |[\041-\071\073-\176]*:|[\t ]")
_LINE_BREAK = lazy(r"\r\n|\r|\n")
_MBOX_SEPARATOR = lazy(r"^From ", re.MULTILINE)
_FROM_LINE = lazy(r"From \S+ +[A-Z][a-z]{2},? +[A-Z][a-z]{2} +\d{1,2} +\d{1,2}:\d{2}")
# At a line start: after a line feed, or after a lone carriage return (old Mac line endings).
_SUBJECT = lazy(r"(?:^|(?<=\r))subject[ \t]*:[ \t]*", re.IGNORECASE | re.MULTILINE)
_RAW_ENCODINGS = frozenset({"", "7bit", "8bit", "binary"})
# Defects the email package records when a part's transfer encoding does not decode.
_UNDECODABLE = (
    email.errors.InvalidBase64CharactersDefect,
    email.errors.InvalidBase64PaddingDefect,
    email.errors.InvalidBase64LengthDefect,
)
# Longest header field read (folded lines included); the rest of a longer one is cut.
MAX_HEADER = 4096
_FIELD_NAME = lazy(r"([\041-\071\073-\176]+)[ \t]*:")
_LONG_FIELD_LINE = lazy(r"(?:^|(?<=\r))[\041-\071\073-\176]+[ \t]*:[^\r\n]{%d,}" % MAX_HEADER, re.MULTILINE)


# --- bytes that are not UTF-8 ---------------------------------------------------------
#
# A mail file is read as UTF-8, and each byte that is not part of UTF-8 becomes a lone
# surrogate (U+DC80-U+DCFF, Python's "surrogateescape"), one character per byte. A mailbox
# often mixes charsets (older messages in windows-1252, newer ones in UTF-8), so no
# one charset reads a whole file; each part's bytes are read in the charset it declares.
# In a single-byte charset each byte is still one character, so offsets, lines and
# columns stay those of the file.

_SURROGATE_RE = lazy("[\udc80-\udcff]")
# Headers and parts that declare no charset (or US-ASCII, which has no 8-bit bytes): 8-bit
# bytes there are nearly always windows-1252 (a superset of Latin-1 in its printable
# range), as browsers read them.
_FALLBACK_CHARSET = "cp1252"


@lru_cache(maxsize=64)
def _byte_table(charset: str) -> dict[int, str] | None:
    """For a single-byte charset, each escaped byte's character (``str.translate`` table:
    surrogate -> character, U+FFFD for a byte the charset leaves undefined); None for a
    multi-byte or stateful charset, whose bytes cannot be read one at a time. UTF-8 itself
    maps every escaped byte (bytes that are not UTF-8) to U+FFFD."""
    name = codecs.lookup(charset).name
    if name == "ascii":
        return _byte_table(_FALLBACK_CHARSET)  # 8-bit bytes in a part that says US-ASCII: as undeclared
    if name in ("utf-8", "utf-8-sig"):
        return {0xDC00 + b: "\ufffd" for b in range(0x80, 0x100)}
    try:
        if len(bytes(range(0x80, 0x100)).decode(name, "replace")) != 0x80:
            return None  # bytes combine: a multi-byte charset
    except (UnicodeError, LookupError, TypeError, ValueError):
        return None
    table: dict[int, str] = {}
    for b in range(0x80, 0x100):
        try:
            ch = bytes([b]).decode(name)
        except UnicodeDecodeError:
            ch = "\ufffd"
        if len(ch) != 1:
            return None
        table[0xDC00 + b] = ch
    return table


def read_bytes_as(text: str, charset: str | None) -> tuple[str, list[tuple[int, int, int]] | None]:
    """``text`` (from a file read as UTF-8 with escaped bytes) with its escaped bytes read
    in ``charset`` (windows-1252 when None or unknown), and None when the result keeps
    ``text``'s length character for character, else (a multi-byte charset, whose bytes
    are decoded together) the runs that map it back (``decoded_runs``)."""
    if _SURROGATE_RE.search(text) is None:
        return text, None
    table = None
    if charset:
        try:
            table = _byte_table(charset)
        except LookupError:
            charset = None
        else:
            if table is None:  # shift_jis, gb2312, ...: the bytes are read together
                return decoded_runs(text, charset)
    if table is None:
        table = _byte_table(_FALLBACK_CHARSET)
        assert table is not None
    return text.translate(table), None


def decoded_runs(text: str, charset: str) -> tuple[str, list[tuple[int, int, int]]]:
    """``text``'s bytes decoded whole in a multi-byte charset (Shift JIS, GB2312, Big5, EUC-KR
    ...), and ``(decoded start, text start, length)`` runs mapping it back character for
    character: every character the charset writes as the file has it (ASCII, the same bytes
    in these charsets) sits in a run; one written in several bytes lies between runs, with a
    zero-length run at its start and at its end, so that a span beginning or ending with it
    maps to all of its bytes (as an HTML reference does, ``html.text_runs``)."""
    data = text.encode("utf-8", "surrogateescape")
    # The text character each byte belongs to (a character the file read as UTF-8 is several bytes).
    char_of: list[int] = []
    for k, ch in enumerate(text):
        char_of.extend([k] * (len(ch.encode("utf-8", "surrogateescape")) if ch > "\x7f" else 1))
    char_of.append(len(text))
    decoder = codecs.getincrementaldecoder(charset)("replace")
    out: list[str] = []
    starts: list[int] = []  # byte offset where each decoded character's bytes begin
    pending = 0
    for b in range(len(data)):
        piece = decoder.decode(data[b : b + 1])
        for ch in piece:
            out.append(ch)
            starts.append(pending)
        if piece:
            pending = b + 1
    for ch in decoder.decode(b"", final=True):
        out.append(ch)
        starts.append(pending)
    starts.append(len(data))
    runs: list[tuple[int, int, int]] = []
    i = 0
    while i < len(out):
        at = char_of[starts[i]]
        if starts[i + 1] - starts[i] == 1 and at < len(text) and text[at] == out[i]:
            j = i
            while j + 1 < len(out) and starts[j + 2] - starts[j + 1] == 1 and text[char_of[starts[j + 1]]] == out[j + 1]:
                j += 1
            if runs and runs[-1][2] == 0 and runs[-1][0] == i:
                runs.pop()  # (an end mark where a run starts says nothing more)
            runs.append((i, at, j - i + 1))
            i = j + 1
        else:
            if not (runs and runs[-1][2] == 0 and runs[-1][0] == i):
                runs.append((i, at, 0))
            runs.append((i + 1, char_of[starts[i + 1]], 0))
            i += 1
    return "".join(out), runs


def _truncate_headers(text: str, start: int, end: int) -> tuple[str, list[tuple[str, int, int]]]:
    """The message ``text[start:end]`` with every header field cut to ``MAX_HEADER`` characters,
    and ``(name, length, offset)`` of each field that was cut. The body is untouched."""
    headers_end, _ = _body_start(text, start, end)
    if headers_end - start <= MAX_HEADER and end - start <= MAX_HEADER:
        return text[start:end], []
    cut: list[tuple[str, int, int]] = []
    pieces: list[str] = []
    pos = start
    field_start: int | None = None
    i = start
    while i < headers_end:
        brk = _LINE_BREAK.search(text, i, headers_end)
        line_end = headers_end if brk is None else brk.end()
        if text[i] not in " \t":  # a new field starts here
            if field_start is not None:
                pos = _close_field(text, field_start, i, pos, pieces, cut)
            field_start = i
        i = line_end
    if field_start is not None:
        pos = _close_field(text, field_start, headers_end, pos, pieces, cut)
    pieces.append(text[pos:end])
    source = "".join(pieces)
    # MIME part headers sit in the body: a header-like line there is cut the same way.
    if _LONG_FIELD_LINE.search(source, len(source) - (end - pos)):
        body_from = len(source) - (end - pos)
        tail = source[body_from:]
        for m in _LONG_FIELD_LINE.finditer(tail):
            name = _FIELD_NAME.match(m.group())
            cut.append((name.group(1) if name else "?", len(m.group()), pos + m.start()))
        source = source[:body_from] + _LONG_FIELD_LINE.sub(lambda m: m.group()[:MAX_HEADER], tail)
    return source, cut


def _close_field(text: str, a: int, b: int, pos: int, pieces: list[str], cut: list[tuple[str, int, int]]) -> int:
    if b - a <= MAX_HEADER:
        return pos
    brk = _LINE_BREAK.search(text, b - 2 if b - 2 > a else a, b)
    ending = brk.group() if brk is not None and brk.end() == b else ""
    name = _FIELD_NAME.match(text, a)
    pieces.append(text[pos:a])
    pieces.append(text[a : a + MAX_HEADER].rstrip("\r\n") + (ending or "\n"))
    cut.append((name.group(1) if name else "?", b - a, a))
    return b

# --- replies and signatures ---------------------------------------------------------

_QUOTED_LINE = lazy(r"[ \t]*>")
_MBOX_QUOTED_FROM = lazy(r">+From ")
_ATTRIBUTION_START = lazy(r"[ \t\xa0]*(?:On|Le|Am|El|Em|Op|Il|Den|På|W dniu)[ \t\xa0]")
_ATTRIBUTION_END = lazy(
    r"(?:wrote|writes|a écrit|schrieb|escribió|escreveu|schreef|ha scritto|napisał|skrev)\b[^\n]{0,120}:[ \t\xa0]*$",
    re.IGNORECASE,
)
_SEPARATOR_LINE = lazy(
    r"[ \t\xa0]*(?:-{2,}[ \t\xa0]*(?:Original Message|Forwarded message|Ursprüngliche Nachricht"
    r"|Message d'origine|Mensaje original|Mensagem original)[ \t\xa0]*-{2,}"
    r"|Begin forwarded message:)[ \t\xa0]*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = lazy(r"[ \t\xa0]*\*?(?:From|De|Von|Van|Da)[ \t\xa0]*:\*?[ \t\xa0]*\S", re.IGNORECASE)
_OUTLOOK_SENT = lazy(
    r"[ \t\xa0]*\*?(?:Sent|Date|Envoyé|Gesendet|Enviado|Verzonden|Inviato)[ \t\xa0]*:", re.IGNORECASE
)
_UNDERSCORES = lazy(r"[ \t\xa0]*_{10,}[ \t\xa0]*$")
_MAX_ATTRIBUTION = 400


def _reply_start(text: str, lines: list[tuple[int, int]], index: int) -> int | None:
    """Line index where a quoted earlier message starts if line ``index`` introduces one."""
    start, end = lines[index]
    line = text[start:end]
    if _SEPARATOR_LINE.match(line):
        return index
    if _ATTRIBUTION_START.match(line) and len(line) <= _MAX_ATTRIBUTION:
        if _ATTRIBUTION_END.search(line):
            return index
        if index + 1 < len(lines):
            nstart, nend = lines[index + 1]
            if nend - start <= _MAX_ATTRIBUTION and _ATTRIBUTION_END.search(text, nstart, nend):
                return index
    if _OUTLOOK_FROM.match(line):
        seen = 0
        for later in range(index + 1, min(len(lines), index + 8)):
            lstart, lend = lines[later]
            if lstart == lend or text[lstart:lend].isspace():
                continue
            if _OUTLOOK_SENT.match(text, lstart, lend):
                previous = index - 1
                while previous >= 0 and text[lines[previous][0] : lines[previous][1]].strip() == "":
                    previous -= 1
                if previous >= 0 and _UNDERSCORES.match(text, *lines[previous]):
                    return previous
                return index
            seen += 1
            if seen >= 3:
                break
    return None


def strip_replies(
    text: str,
    *,
    include_quoted: bool = False,
    include_signature: bool = False,
    lenient_signature: bool = False,
    mbox: bool = False,
) -> str:
    """``text`` with quoted replies and the signature replaced by spaces (same length, line breaks kept).

    ``lenient_signature`` also takes ``--`` with other surrounding spaces as
    the separator (for text from HTML); ``mbox`` shows the ``>`` that quotes a
    body line starting with ``From `` as a space instead of taking the line
    for a quotation.
    """
    lines = split_lines(text)
    spans: list[tuple[int, int]] = []
    replies: list[int] = []
    for index in range(len(lines)):
        reply = _reply_start(text, lines, index)
        if reply is not None:
            replies.append(reply)
    first_reply = min(replies, default=len(lines))
    for index, (start, end) in enumerate(lines):
        if mbox and _MBOX_QUOTED_FROM.match(text, start, end):
            spans.append((start, start + 1))
            continue
        if not include_quoted and index < first_reply and _QUOTED_LINE.match(text, start, end):
            spans.append((start, end))
    if not include_quoted and replies:
        spans.append((lines[first_reply][0], len(text)))
    if not include_signature:
        for index, (start, end) in enumerate(lines):
            line = text[start:end]
            if line == "-- " or (lenient_signature and line.strip() == "--"):
                stop = next((lines[r][0] for r in replies if r > index), len(text))
                spans.append((start, stop))
    return blank_spans(text, spans)


# --- locating parts in the raw text ---------------------------------------------------


class _Skip(Exception):
    """The message cannot be read; ``offset`` is where to report it."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def _body_start(text: str, start: int, end: int) -> tuple[int, int]:
    """``(headers_end, body_start)`` of the entity in ``text[start:end]``, as the feed parser splits it."""
    i = start
    while i < end:
        brk = _LINE_BREAK.search(text, i, end)
        line_end, next_line = (end, end) if brk is None else (brk.start(), brk.end())
        if line_end == i:  # the blank separator line
            return i, next_line
        if not _HEADER_LINE.match(text, i, line_end):
            return i, i  # a non-header line starts the body
        i = next_line
    return end, end


def _map_parts(text: str, part: Message, start: int, end: int, regions: dict[int, tuple[int, int, int]]) -> None:
    """Record ``(entity_start, body_start, body_end)`` of ``part`` and of its subparts by ``id``."""
    _, body = _body_start(text, start, end)
    regions[id(part)] = (start, body, end)
    if not part.is_multipart():
        return
    boundary = part.get_boundary()
    subparts = part.get_payload()
    if boundary is None or not isinstance(subparts, list):
        return
    delimiter = re.compile(r"(?<![^\r\n])--" + re.escape(boundary) + r"(--)?[ \t]*(?:\r\n|\r|\n|\Z)")
    bounds: list[tuple[int, int]] = []
    part_start: int | None = None
    for match in delimiter.finditer(text, body, end):
        if part_start is not None:
            stop = match.start()
            if stop > part_start and text[stop - 1] == "\n":
                stop -= 1
            if stop > part_start and text[stop - 1] == "\r":
                stop -= 1
            bounds.append((part_start, stop))
        if match.group(1):
            part_start = None
            break
        part_start = match.end()
    if part_start is not None:
        bounds.append((part_start, end))
    if len(bounds) != len(subparts):
        return
    for sub, (sub_start, sub_end) in zip(subparts, bounds):
        if isinstance(sub, Message):
            _map_parts(text, sub, sub_start, sub_end, regions)


# --- who the customer is -------------------------------------------------------------

# Personal mailbox providers: an address here is a person, not a support desk.
_FREEMAIL = frozenset(
    """
    gmail.com googlemail.com yahoo.com yahoo.co.uk yahoo.fr yahoo.de yahoo.es yahoo.it ymail.com
    hotmail.com hotmail.co.uk hotmail.fr hotmail.de hotmail.es hotmail.it outlook.com outlook.fr
    outlook.de outlook.es live.com live.co.uk live.fr msn.com icloud.com me.com mac.com aol.com
    proton.me protonmail.com pm.me gmx.com gmx.de gmx.net gmx.at web.de t-online.de mail.com
    yandex.com yandex.ru mail.ru zoho.com fastmail.com hey.com tutanota.com orange.fr free.fr
    laposte.net libero.it virgilio.it btinternet.com sky.com virginmedia.com bigpond.com
    comcast.net verizon.net att.net sbcglobal.net qq.com 163.com 126.com naver.com uol.com.br
    bol.com.br terra.com.br rediffmail.com seznam.cz wp.pl o2.pl interia.pl
    """.split()
)
# Local parts of shared desk and role mailboxes: the company's side of a conversation.
_ROLE_MAILBOX = lazy(
    r"(?:support|help|helpdesk|service|services|customerservice|customer[._-]?service|customer[._-]?care|care"
    r"|billing|accounts|invoices|sales|success|cs|contact|enquiries|inquiries|orders|returns|escalations?"
    r"|feedback|hello|info|team|no[._-]?reply|do[._-]?not[._-]?reply|notifications?|tickets?|desk)"
    r"(?:[._+-].*)?",
    re.IGNORECASE,
)
# Display names of desks and agents writing for one ("Dana at Northwind", "Northwind Support").
_TEAM_NAME = lazy(
    r"\b(?:support|team|help[ -]?desk|service|services|customer success|customer care|billing|accounts|sales"
    r"|no-?reply)\b|\s(?:at|via|from)\s|[|@]",
    re.IGNORECASE,
)
_DISPLAY_NOTE = lazy(r"\s*[(\[][^)\]]*[)\]]\s*")


def _mailboxes(msg: Message, header: str) -> list[tuple[str, str, str]]:
    """``(display name, local part, domain)`` of each address in a header (lower-case address)."""
    value = msg.get(header)
    addresses = getattr(value, "addresses", None)
    if not addresses:
        return []
    return [(a.display_name or "", (a.username or "").lower(), (a.domain or "").lower().rstrip(".")) for a in addresses]


def _same_organisation(a: str, b: str) -> bool:
    return bool(a) and bool(b) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def _desk_side(box: tuple[str, str, str]) -> bool:
    display, local, _ = box
    return bool(_ROLE_MAILBOX.fullmatch(local) or _TEAM_NAME.search(display))


def _person_side(box: tuple[str, str, str]) -> bool:
    return box[2] in _FREEMAIL


def mail_direction(sender: tuple[str, str, str] | None, recipients: list[tuple[str, str, str]]) -> str | None:
    """``"internal"``, ``"inbound"`` (from the customer), ``"outbound"`` (to the customer), or None if unsure.

    Internal: every To address is in the sender's domain (or a subdomain of
    it, or the other way round). Otherwise the desk side is a role mailbox
    (``support@``, ``billing@``, ``no-reply@``) or a desk-like display name
    ("Northwind Support", "Dana at Northwind"), and the customer side a
    personal mailbox provider (``gmail.com``, ``outlook.com``): a message is
    outbound when the sender looks like the desk or a recipient like a
    person and nothing points the other way, inbound in the mirror case.
    """
    if sender is None or not recipients:
        return None
    if all(_same_organisation(sender[2], box[2]) for box in recipients):
        return "internal"
    desk_from, person_from = _desk_side(sender), _person_side(sender)
    desk_to = any(_desk_side(box) for box in recipients)
    person_to = any(_person_side(box) for box in recipients)
    if (desk_from or person_to) and not (person_from or desk_to):
        return "outbound"
    if (person_from or desk_to) and not (desk_from or person_to):
        return "inbound"
    return None


def _display_person(display: str) -> str | None:
    """A display name as a personal name: "Maria Garcia", "Garcia, Maria" -> "Maria Garcia"; else None."""
    display = _DISPLAY_NOTE.sub(" ", display).strip().strip("'\"")
    if display.count(",") == 1:
        last, first = (part.strip() for part in display.split(","))
        display = f"{first} {last}"
    return personal_name(display)


_BodyRead = tuple[Message | None, "tuple[str, tuple[Run, ...], str | None] | None"]


def _naming_text(read_body: Callable[[], _BodyRead]) -> str:
    """The message's own text for finding names: quoted replies removed, the signature kept."""
    try:
        part, read = read_body()
    except _Skip:
        return ""  # the body reader reports it
    if part is None or read is None:
        return ""
    content = read[0]
    is_html = part.get_content_type() == "text/html"
    if is_html:
        content, _ = _html_body(content)
    return strip_replies(content, include_signature=True, lenient_signature=is_html)


def _html_body(raw: str, quoted: bool = False) -> tuple[str, list[tuple[int, int, int]]]:
    """An HTML body's visible text, its quoted replies (``<blockquote>``) blanked unless
    ``quoted``, and its character references (see ``visible_text``): "J&uuml;rgen" is
    "Jürgen", one word."""
    references: list[tuple[int, int, int]] = []
    text = visible_text(raw, references)
    if quoted:
        return text, references
    quotes = [(text_offset(a, references), text_offset(b, references)) for a, b in element_spans(raw, "blockquote")]
    return blank_spans(text, quotes), references


def _mail_customer(msg: EmailMessage, meta: dict[str, object], naming_text: Callable[[], str]) -> str | None:
    """The customer's name for a message, by the rules in the module docstring (None when unsure).
    ``naming_text``: the message's own text (``_naming_text``), read only when needed."""
    senders = _mailboxes(msg, "from")
    recipients = _mailboxes(msg, "to")
    sender = senders[0] if len(senders) == 1 else None
    if sender is not None and sender[0]:
        meta["from_name"] = sender[0]
    direction = mail_direction(sender, recipients)
    if direction is not None:
        meta["direction"] = direction
    if direction == "outbound":
        text = naming_text()
        greeting = customer_from_text(text, kind="email-outbound")
        people = [name for name in (_display_person(box[0]) for box in recipients) if name]
        if greeting is None:
            # No greeting, or a generic one ("Hi there,"): the one addressee's display name.
            return people[0] if len(recipients) == 1 and len(people) == 1 else None
        if not people:
            return greeting
        matches = [name for name in people if same_person(name, greeting)]
        if len(matches) != 1:
            return None  # the greeting addresses someone the To header does not name
        title = greeting.split()[0] if greeting.split()[0].endswith(".") and len(greeting.split()) > 1 else None
        full = matches[0]
        if title and not full.split()[0].endswith("."):
            return f"{title} {full}"
        return full if len(full) >= len(greeting) else greeting
    if direction == "inbound":
        from_name = _display_person(sender[0]) if sender is not None else None
        signature = customer_from_text(naming_text(), kind="email-inbound")
        if from_name and signature:
            if not same_person(from_name, signature):
                return None  # someone signs for the sender: unclear who the customer is
            return from_name if len(from_name) >= len(signature) else signature
        return from_name or signature
    return None


# --- messages to units ----------------------------------------------------------------


def _subject_unit(
    document: Document, msg: Message, start: int, headers_end: int, record: str, meta: dict[str, object], customer: str | None
) -> Unit | None:
    raw_header = msg.get("subject")
    if raw_header is None:
        return None
    subject = str(raw_header)
    if not subject.strip():
        return None
    text = document.text
    match = _SUBJECT.search(text, start, headers_end)
    if match is None:
        mapped: tuple[Run, ...] = (Run(0, start, 0),)
        return Unit(document=document, text=subject, record=record, field="subject", customer=customer, runs=mapped, meta=meta)
    value_start = match.end()
    # The value runs over continuation lines (starting with a space or tab).
    runs: list[Run] = []
    pieces: list[str] = []
    unit = 0
    i = value_start
    while True:
        brk = _LINE_BREAK.search(text, i, headers_end)
        line_end = headers_end if brk is None else brk.start()
        if line_end > i:
            runs.append(Run(unit, i, line_end - i))
            pieces.append(text[i:line_end])
            unit += line_end - i
        if brk is None or brk.end() >= headers_end or text[brk.end()] not in " \t":
            break
        i = brk.end()
    joined, _ = read_bytes_as("".join(pieces), None)  # (as the headers were parsed)
    if joined == subject or joined.rstrip() == subject:
        mapped = tuple(runs)
    else:  # encoded words or other rewriting: map to the value's start
        mapped = (Run(0, value_start, 0),)
    return Unit(document=document, text=subject, record=record, field="subject", customer=customer, runs=mapped, meta=meta)


def _message_units(
    document: Document,
    start: int,
    end: int,
    index: int,
    report: int,
    *,
    include_quoted: bool,
    include_signature: bool,
    mbox: bool,
    customer: str | None = None,
    notes: list[HumanizeLintError] | None = None,
) -> list[Unit]:
    """The units of the message in ``document.text[start:end]``; raises :class:`_Skip`.

    Header fields longer than ``MAX_HEADER`` are cut before parsing (a note
    per field goes to ``notes``): the standard library's header parser is
    quadratic in a field's parameters.
    """
    text = document.text
    source, long_headers = _truncate_headers(text, start, end)
    for name, length, offset in long_headers:
        if notes is not None:
            pos = document.position(offset)
            notes.append(
                InputNote(f"note: header '{name}' is {length:,} characters long; only its first {MAX_HEADER:,} are read", document.path, pos.line, 1)
            )
    # Headers declare no charset for 8-bit bytes in them (read as windows-1252); a body's bytes
    # are read in its part's charset by _part_text, from the file's text.
    source, _ = read_bytes_as(source, None)
    try:
        msg = Parser(policy=email.policy.default).parsestr(source)
    except (email.errors.MessageError, ValueError, LookupError, TypeError, IndexError, AttributeError, RecursionError) as exc:
        raise _Skip(f"cannot parse message: {exc}", report) from None
    if not isinstance(msg, EmailMessage) or not msg.keys():
        raise _Skip("message has no headers; skipped", report)
    for part in msg.walk():
        for defect in part.defects:
            if isinstance(defect, (email.errors.StartBoundaryNotFoundDefect, email.errors.NoBoundaryInMultipartDefect)):
                raise _Skip(f"broken MIME structure ({defect.__class__.__name__}); message skipped", report)
    headers_end, body_start = _body_start(text, start, end)
    regions: dict[int, tuple[int, int, int]] = {}
    _map_parts(text, msg, start, end, regions)

    read: list[_BodyRead] = []

    def read_body() -> _BodyRead:
        """The body part and its text (``_part_text``), read once for the name and the unit."""
        if not read:
            part = msg.get_body(preferencelist=("plain", "html"))
            read.append((part, None if part is None else _part_text(document, msg, part, regions, body_start, report)))
        return read[0]

    try:
        record = str(msg.get("message-id") or "").strip() or str(index)
        meta: dict[str, object] = {name: str(msg[name]) for name in ("from", "to", "date") if msg.get(name) is not None}
        try:
            found = _mail_customer(msg, meta, lambda: _naming_text(read_body))
        except (email.errors.MessageError, ValueError, LookupError, TypeError, IndexError, AttributeError, RecursionError):
            found = None  # the body reader reports what is wrong with the message
        units: list[Unit] = []
        subject = _subject_unit(document, msg, start, headers_end, record, meta, customer or found)
        if subject is not None:
            units.append(subject)
        body = _body_unit(document, read_body, record, meta, include_quoted, include_signature, mbox, customer or found)
    except _Skip:
        raise
    except (email.errors.MessageError, ValueError, LookupError, TypeError, IndexError, AttributeError, RecursionError) as exc:
        raise _Skip(f"cannot parse message: {exc}", report) from None
    if body is not None:
        units.append(body)
    return units


def _part_text(
    document: Document, msg: Message, part: Message, regions: dict[int, tuple[int, int, int]], message_body: int, report: int
) -> tuple[str, tuple[Run, ...], str | None] | None:
    """A text part's content, its runs into the file, and the charset its bytes are written
    in when the content maps character for character to them (None otherwise: a
    quoted-printable or base64 body, a multi-byte charset); None for content that is not
    text. Raises :class:`_Skip` for an unknown charset or a body that does not decode.

    A ``7bit``/``8bit``/``binary`` body is the file's own text, its bytes that are not UTF-8
    read in the part's charset (see ``read_bytes_as``); the email package's own reading of
    such a body would garble the UTF-8 in it.
    """
    region = regions.get(id(part))
    part_start, body_start, body_end = region if region is not None else (message_body, message_body, message_body)
    charset = part.get_content_charset()
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            where = part_start if region is not None and part is not msg else report
            raise _Skip(f"unknown charset '{charset}' in the {part.get_content_type()} part; message skipped", where) from None
    encoding = str(part.get("content-transfer-encoding") or "").strip().lower()
    if region is not None and encoding in _RAW_ENCODINGS:
        raw, runs = read_bytes_as(document.text[body_start:body_end], charset)
        if runs is None:
            return raw, (Run(0, body_start, len(raw)),), codecs.lookup(charset or "us-ascii").name
        return raw, tuple(Run(u, body_start + t, n) for u, t, n in runs), None  # (each character at its own bytes)
    content = part.get_content()
    bad = [d for d in part.defects if isinstance(d, _UNDECODABLE)]
    if bad:
        # Not silently nothing: a body that is not what its encoding says is this message's error.
        where = part_start if region is not None and part is not msg else report
        raise _Skip(
            f"the {part.get_content_type()} part's {encoding or 'encoded'} body cannot be decoded ({bad[0].__class__.__name__}); message skipped", where
        )
    if not isinstance(content, str):
        return None
    return content, (Run(0, body_start, 0),), None  # body-relative: everything maps to the body's start


def _body_unit(
    document: Document,
    read_body: Callable[[], _BodyRead],
    record: str,
    meta: dict[str, object],
    include_quoted: bool,
    include_signature: bool,
    mbox: bool,
    customer: str | None = None,
) -> Unit | None:
    part, read = read_body()
    if part is None or read is None:
        return None
    raw, runs, written_in = read
    is_html = part.get_content_type() == "text/html"
    if is_html:
        body, references = _html_body(raw, quoted=include_quoted)
        if references and any(r.length for r in runs):  # (a body-relative unit maps everything to its start anyway)
            runs = compose_runs(text_runs(len(body), len(raw), references), runs, len(raw))
    else:
        body = raw
    body = strip_replies(
        body,
        include_quoted=include_quoted,
        include_signature=include_signature,
        lenient_signature=is_html,
        mbox=mbox,
    )
    if not body.strip():
        return None
    return Unit(
        document=document,
        text=body,
        record=record,
        field="body",
        customer=customer,
        runs=runs,
        markup="text",
        meta={**meta, "html": True, "written_in": written_in} if is_html else {**meta, "written_in": written_in},
    )


def _read(
    document: Document,
    messages: Iterator[tuple[int, int, int, int]],
    errors: list[HumanizeLintError],
    include_quoted: bool,
    include_signature: bool,
    mbox: bool,
    customer: str | None = None,
) -> Iterator[Unit]:
    for index, report, start, end in messages:
        if not document.text[start:end].strip():
            continue
        try:
            units = _message_units(
                document,
                start,
                end,
                index,
                report,
                include_quoted=include_quoted,
                include_signature=include_signature,
                mbox=mbox,
                customer=customer,
                notes=errors,
            )
        except _Skip as skip:
            pos = document.position(skip.offset)
            errors.append(InputError(skip.message, path=document.path, line=pos.line, column=1))
            continue
        yield from units


def read_eml(
    document: Document,
    *,
    errors: list[HumanizeLintError],
    include_quoted: bool = False,
    include_signature: bool = False,
    customer: str | None = None,
) -> Iterator[Unit]:
    """Yield the subject and body units of the single message in an ``.eml`` document.

    ``customer`` (``--customer``) names the customer instead of the headers and text.
    """
    yield from _read(document, iter([(1, 0, 0, len(document.text))]), errors, include_quoted, include_signature, False, customer)


def _mbox_messages(document: Document, errors: list[HumanizeLintError]) -> Iterator[tuple[int, int, int, int]]:
    """``(index, from_line, start, end)`` of each message of an mbox document (``start`` after its ``From_`` line)."""
    text = document.text
    starts = document.line_starts
    separators: list[int] = []
    for match in _MBOX_SEPARATOR.finditer(text):
        offset = match.start()
        line = bisect.bisect_right(starts, offset) - 1
        previous_blank = line > 0 and text[starts[line - 1] : offset] in ("\n", "\r\n", "\r")
        if offset == 0 or previous_blank or _FROM_LINE.match(text, offset):
            separators.append(offset)
    if not separators:
        yield 1, 0, 0, len(text)  # no From_ line: one message
        return
    if text[: separators[0]].strip():
        pos = document.position(0)
        errors.append(
            InputError("text before the first 'From ' line is not a message; skipped", path=document.path, line=pos.line, column=1)
        )
    for index, offset in enumerate(separators, 1):
        line = bisect.bisect_right(starts, offset) - 1
        start = starts[line + 1] if line + 1 < len(starts) else len(text)
        end = separators[index] if index < len(separators) else len(text)
        yield index, offset, min(start, end), end


def read_mbox(
    document: Document,
    *,
    errors: list[HumanizeLintError],
    include_quoted: bool = False,
    include_signature: bool = False,
    customer: str | None = None,
) -> Iterator[Unit]:
    """Yield the subject and body units of each message of an ``mbox`` document, in order.

    ``customer`` (``--customer``) names the customer of every message instead of its headers and text.
    """
    yield from _read(document, _mbox_messages(document, errors), errors, include_quoted, include_signature, True, customer)
