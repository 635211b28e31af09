"""Tests for the e-mail source: .eml and mbox files, parts, replies, signatures and positions."""

from __future__ import annotations

import re
from pathlib import Path

from humanize_lint.model import Document, HumanizeLintError, InputError, Unit
from humanize_lint.sources import read_path
from humanize_lint.sources.email import read_eml, read_mbox, strip_replies


def _eml(tmp_path: Path, raw: str, name: str = "message.eml", **options: bool) -> tuple[list[Unit], list[HumanizeLintError], Document]:
    path = tmp_path / name
    path.write_bytes(raw.encode("utf-8"))
    document = read_path(path)
    errors: list[HumanizeLintError] = []
    reader = read_mbox if name.endswith(".mbox") else read_eml
    units = list(reader(document, errors=errors, **options))
    return units, errors, document


def _crlf(text: str) -> str:
    return text.replace("\n", "\r\n")


def _field(units: list[Unit], field: str) -> Unit:
    (unit,) = [u for u in units if u.field == field]
    return unit


def _assert_exact(unit: Unit) -> None:
    """Every non-blank unit character is the document character it maps to."""
    for i, char in enumerate(unit.text):
        if char.strip():
            assert unit.document.text[unit.to_doc(i)] == char, (i, char)


PLAIN = _crlf(
    """From: Ana Lopez <ana@example.com>
To: support@example.com
Subject: Refund for the
 renewal
Date: Mon, 3 Mar 2025 10:00:00 +0000
Message-ID: <m1@example.com>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

Hi team,

The renewal called again. Café owner, very upset.
"""
)


def test_plain_eml(tmp_path: Path) -> None:
    units, errors, document = _eml(tmp_path, PLAIN)
    assert errors == []
    subject, body = units
    assert (subject.record, subject.field, subject.text, subject.markup) == ("<m1@example.com>", "subject", "Refund for the renewal", "text")
    assert (body.record, body.field, body.customer, body.markup) == ("<m1@example.com>", "body", None, "text")
    assert body.text == "Hi team,\r\n\r\nThe renewal called again. Café owner, very upset.\r\n"
    assert body.meta["from"] == "Ana Lopez <ana@example.com>"
    _assert_exact(subject)
    _assert_exact(body)
    # The folded subject's second line maps to its own line in the file.
    pos = document.position(subject.to_doc(subject.text.index("renewal")))
    assert (pos.line, pos.column) == (4, 2)
    pos = document.position(body.to_doc(body.text.index("Café")))
    assert (pos.line, pos.column) == (13, len("The renewal called again. ") + 1)


def test_html_only_eml(tmp_path: Path) -> None:
    raw = _crlf(
        """From: agent@example.com
Subject: Ticket 4471
Content-Type: text/html; charset="utf-8"

<html><body><div>Hi&nbsp;Ana,</div><div>The account&#39;s owner called.<br>
Thanks</div><style>div {}</style></body></html>
"""
    )
    units, errors, document = _eml(tmp_path, raw)
    assert errors == []
    body = _field(units, "body")
    assert body.record == "1"
    assert body.markup == "text" and body.meta["html"] is True
    assert "<" not in body.text and "div {}" not in body.text
    assert "Hi\xa0" in body.text and "account'" in body.text
    start = raw.index("<html>")
    assert body.to_doc(0) == start
    owner = body.text.index("owner called")
    assert document.text[body.to_doc(owner) :].startswith("owner called.<br>")
    assert document.position(body.to_doc(body.text.index("Thanks"))).line == 6


MULTIPART = _crlf(
    """From: Ana <ana@example.com>
Subject: Multipart
Message-ID: <alt@example.com>
Content-Type: multipart/mixed; boundary="outer"

This is a multi-part message in MIME format.
--outer
Content-Type: multipart/alternative; boundary="inner"

--inner
Content-Type: text/html; charset=utf-8

<p>HTML version</p>
--inner
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 7bit

Plain version: the renewal called.
Second line.
--inner--
--outer
Content-Type: text/plain; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

Attachment text, never linted.
--outer--
"""
)


def test_multipart_alternative_prefers_plain(tmp_path: Path) -> None:
    units, errors, document = _eml(tmp_path, MULTIPART)
    assert errors == []
    body = _field(units, "body")
    assert body.text == "Plain version: the renewal called.\r\nSecond line."
    assert "html" not in body.meta
    _assert_exact(body)
    assert document.position(body.to_doc(0)).line == 18
    assert document.position(body.to_doc(body.text.index("Second"))).line == 19
    assert all("Attachment" not in u.text for u in units)


def test_quoted_printable_body_is_body_relative(tmp_path: Path) -> None:
    raw = _crlf(
        """Subject: QP
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

The caf=C3=A9 owner called about a very long line that was soft=
 wrapped by the mailer.
"""
    )
    units, errors, document = _eml(tmp_path, raw)
    assert errors == []
    body = _field(units, "body")
    assert body.text == "The café owner called about a very long line that was soft wrapped by the mailer.\r\n"
    start = raw.index("The caf")
    assert {body.to_doc(i) for i in range(len(body.text) + 1)} == {start}
    assert document.position(start).line == 5


def test_base64_html_body(tmp_path: Path) -> None:
    import base64

    payload = base64.b64encode("<p>The renewal called.</p>".encode()).decode()
    raw = f"Subject: B64\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{payload}\n"
    units, errors, _ = _eml(tmp_path, raw)
    assert errors == []
    assert _field(units, "body").text.strip() == "The renewal called."


REPLY = _crlf(
    """From: agent@example.com
Subject: Re: Refund
Message-ID: <reply@example.com>
Content-Type: text/plain; charset=utf-8

Hi Ana,

We have refunded the renewal.
> an inline quote from the customer
Thanks for waiting.

-- 
Eva, Support Team
Example Inc.

On Mon, 3 Mar 2025, Ana wrote:
> The renewal called me twice.
> Please stop.
"""
)


def test_reply_quotes_and_signature_become_spaces(tmp_path: Path) -> None:
    units, errors, document = _eml(tmp_path, REPLY)
    assert errors == []
    body = _field(units, "body")
    start = REPLY.index("Hi Ana,")
    raw_body = REPLY[start:]
    assert len(body.text) == len(raw_body)
    assert body.to_doc(0) == start
    kept = [line for line in body.text.split("\r\n") if line.strip()]
    assert kept == ["Hi Ana,", "We have refunded the renewal.", "Thanks for waiting."]
    # Blanked text keeps the line breaks, so later offsets are still exact.
    assert body.text.count("\r\n") == raw_body.count("\r\n")
    assert re.sub(r"[^\r\n]", " ", raw_body[raw_body.index("-- ") :]) == body.text[raw_body.index("-- ") :]
    _assert_exact(body)

    with_all, _, _ = _eml(tmp_path, REPLY, include_quoted=True, include_signature=True)
    assert _field(with_all, "body").text == raw_body
    quoted_only, _, _ = _eml(tmp_path, REPLY, include_quoted=True)
    text = _field(quoted_only, "body").text
    assert "Ana wrote:" in text and "The renewal called me twice." in text and "Eva" not in text
    signature_only, _, _ = _eml(tmp_path, REPLY, include_signature=True)
    text = _field(signature_only, "body").text
    assert "Eva, Support Team" in text and "Ana wrote" not in text and "inline quote" not in text


def test_strip_replies_markers() -> None:
    outlook = "Done, thanks.\n\n________________________________\nFrom: Ana <a@x.com>\nSent: Monday, March 3, 2025 10:00\nTo: Support\nSubject: Help\n\nThe account called.\n"
    stripped = strip_replies(outlook)
    assert len(stripped) == len(outlook)
    assert stripped.split() == ["Done,", "thanks."]
    original = "Ok.\n-----Original Message-----\nold\n"
    assert strip_replies(original).split() == ["Ok."]
    wrapped = "Ok.\nOn Mon, 3 Mar 2025 at 10:00, Ana Lopez <\nana@example.com> wrote:\nold\n"
    assert strip_replies(wrapped).split() == ["Ok."]
    german = "Ok.\nAm 03.03.2025 um 10:00 schrieb Ana <ana@example.com>:\nalt\n"
    assert strip_replies(german).split() == ["Ok."]
    # Not a signature separator: "--" without the space (plain text), a dash line in prose.
    assert strip_replies("a\n--\nb\n").split() == ["a", "--", "b"]
    assert strip_replies("a\n  --  \nb\n", lenient_signature=True).split() == ["a"]
    # A sentence starting with "On" is not an attribution.
    assert strip_replies("On Monday the account called.\nOk.\n").split() == "On Monday the account called. Ok.".split()
    # mboxrd ">From " quoting is not a quotation.
    assert strip_replies(">From here on.\n> quoted\n", mbox=True) == " From here on.\n        \n"


def test_gmail_html_reply(tmp_path: Path) -> None:
    raw = (
        "Subject: Re: x\nContent-Type: text/html; charset=utf-8\n\n"
        '<div dir="ltr">Thanks, we called her back.</div><br><div class="gmail_quote">'
        '<div dir="ltr" class="gmail_attr">On Mon, 3 Mar 2025 at 10:00, Ana &lt;ana@x.com&gt; wrote:<br></div>'
        '<blockquote class="gmail_quote">The renewal is angry.</blockquote></div>\n'
    )
    units, errors, _ = _eml(tmp_path, raw)
    assert errors == []
    assert _field(units, "body").text.split() == ["Thanks,", "we", "called", "her", "back."]


def test_carriage_return_line_endings_map_the_subject_exactly(tmp_path: Path) -> None:
    # Old Mac mail: lone CRs end the lines; the subject is found on its own line, not mapped
    # to the message's start.
    units, errors, document = _eml(tmp_path, PLAIN.replace("\r\n", "\r"))
    assert errors == []
    subject = _field(units, "subject")
    assert subject.text == "Refund for the renewal"
    _assert_exact(subject)
    pos = document.position(subject.to_doc(0))
    assert (pos.line, pos.column) == (3, len("Subject: ") + 1)


def test_encoded_subject_maps_to_value_start(tmp_path: Path) -> None:
    raw = "Subject: =?utf-8?q?Caf=C3=A9_owner?= called\nMessage-ID: <e@x>\n\nBody.\n"
    units, errors, _ = _eml(tmp_path, raw)
    assert errors == []
    subject = _field(units, "subject")
    assert subject.text == "Café owner called"
    value = raw.index("=?utf-8")
    assert {subject.to_doc(i) for i in range(len(subject.text))} == {value}


def test_unknown_charset_skips_message(tmp_path: Path) -> None:
    raw = "Subject: x\nContent-Type: text/plain; charset=x-klingon\n\nBody.\n"
    units, errors, _ = _eml(tmp_path, raw)
    assert units == []
    (error,) = errors
    assert isinstance(error, InputError)
    assert "unknown charset 'x-klingon'" in error.message and error.line == 1


MBOX = """From ana@example.com Mon Mar  3 10:00:00 2025
From: Ana <ana@example.com>
Subject: First
Message-ID: <one@example.com>

The renewal called.
>From the desk of Ana.

From garbage Mon Mar  3 10:05:00 2025
this line is not a header and there are none

From bo@example.com Mon Mar  3 10:10:00 2025
From: Bo <bo@example.com>
Subject: Third
Content-Type: multipart/alternative; boundary=b1

--b1
Content-Type: text/plain

Third body: the account is upset.
--b1--
"""


def test_mbox_with_a_broken_message(tmp_path: Path) -> None:
    units, errors, document = _eml(tmp_path, MBOX, name="box.mbox")
    assert [(u.record, u.field, u.text.strip()) for u in units] == [
        ("<one@example.com>", "subject", "First"),
        ("<one@example.com>", "body", "The renewal called.\n From the desk of Ana."),
        ("3", "subject", "Third"),
        ("3", "body", "Third body: the account is upset."),
    ]
    (error,) = errors
    assert isinstance(error, InputError)
    assert (error.line, error.column) == (9, 1)
    assert "no headers" in error.message
    for unit in units:
        _assert_exact(unit)
    assert document.position(units[3].to_doc(0)).line == 20


def test_mbox_broken_mime_and_unknown_charset_continue(tmp_path: Path) -> None:
    mbox = (
        "From a Mon Mar  3 10:00:00 2025\nSubject: ok\n\nFine body.\n\n"
        "From b Mon Mar  3 10:00:00 2025\nSubject: bad\nContent-Type: multipart/mixed; boundary=zz\n\nno parts here\n\n"
        "From c Mon Mar  3 10:00:00 2025\nSubject: cs\nContent-Type: text/plain; charset=bogus-8\n\nx\n\n"
        "From d Mon Mar  3 10:00:00 2025\nSubject: last\n\nLast body.\n"
    )
    units, errors, _ = _eml(tmp_path, mbox, name="box.mbox")
    assert [u.text.strip() for u in units if u.field == "body"] == ["Fine body.", "Last body."]
    assert [(e.line, "boundary" in str(e) or "MIME" in str(e), "bogus-8" in str(e)) for e in errors if isinstance(e, InputError)] == [
        (6, True, False),
        (12, False, True),
    ]


def test_mbox_without_from_lines_is_one_message(tmp_path: Path) -> None:
    units, errors, _ = _eml(tmp_path, PLAIN, name="single.mbox")
    assert errors == []
    assert [u.field for u in units] == ["subject", "body"]


def test_html_body_references_are_one_character_and_map_back(tmp_path: Path) -> None:
    """"the&nbsp;renewal" is one phrase in an 8bit HTML body, a name written with a reference
    is one word, the quoted reply after them is still blanked, and every visible word maps to
    the same word in the file."""
    raw = (
        "From: J&uuml;rgen <j@example.com>\nSubject: x\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        "<p>Later the&nbsp;renewal called &amp; is upset.</p><p>J&uuml;rgen</p>"
        "<blockquote>The escalation is angry.</blockquote>\n"
    )
    units, errors, document = _eml(tmp_path, raw)
    assert errors == []
    body = _field(units, "body")
    assert "Later the\xa0renewal called & is upset." in body.text and "Jürgen" in body.text
    assert "escalation" not in body.text
    for word in ("renewal", "called", "upset."):
        at = body.text.index(word)
        assert document.text[body.to_doc(at) :].startswith(word)


# --- messages in other charsets -------------------------------------------------------------

_UTF8_MESSAGE = (
    "From a@example.com Mon Mar  3 10:00:00 2025\n"
    "From: Support <support@acme.example>\nTo: María Núñez <maria@gmail.com>\nSubject: Your renewal – update\n"
    "Message-ID: <m1@acme.example>\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
    "Hi María,\n\nThe renewal called about the café invoice and wants an update by EOD.\n\n"
)


def _message_in(charset: str, body: str, sender: str = "Jürgen Müller <jm@gmail.com>", header_charset: str = "cp1252") -> bytes:
    head = (
        "From b@example.com Mon Mar  3 11:00:00 2025\n"
        f"From: {sender}\nTo: support@acme.example\nSubject: Re: order – status\n"
        f"Message-ID: <m2@acme.example>\nContent-Type: text/plain; charset={charset}\nContent-Transfer-Encoding: 8bit\n\n"
    )
    return head.encode(header_charset) + body.encode(charset)


def _mbox_bytes(tmp_path: Path, data: bytes, name: str = "mixed.mbox") -> tuple[list[Unit], list[HumanizeLintError], Document]:
    path = tmp_path / name
    path.write_bytes(data)
    document = read_path(path)
    errors: list[HumanizeLintError] = []
    units = list((read_mbox if name.endswith(".mbox") else read_eml)(document, errors=errors))
    return units, errors, document


def test_a_mailbox_mixing_charsets_reads_each_message_in_its_own(tmp_path: Path) -> None:
    """A mailbox of a UTF-8 message and a windows-1252 one is not UTF-8 as a whole, yet each
    message reads right: no "cafÃ©" in the first, "doesn’t" (byte 0x92) in the second,
    names from both, and every character of the first maps to its own column."""
    body = "Hello,\n\nThe refund doesn’t show yet and the renewal called twice – the QBR is Friday.\n\nThanks,\nJürgen Müller\n"
    units, errors, document = _mbox_bytes(tmp_path, _UTF8_MESSAGE.encode("utf-8") + _message_in("windows-1252", body))
    assert errors == [] and document.encoding == "utf-8"
    first, second = [u for u in units if u.field == "body"]
    assert "the café invoice" in first.text and first.customer == "María Núñez"
    _assert_exact(first)
    at = first.text.index("EOD")
    assert document.position(first.to_doc(at)).column == len("The renewal called about the café invoice and wants an update by ") + 1
    assert "doesn’t show yet" in second.text and "twice – the QBR" in second.text and "Jürgen Müller" in second.text
    assert second.customer == "Jürgen Müller" and second.meta["from_name"] == "Jürgen Müller"
    subject = [u for u in units if u.field == "subject"][1]
    assert subject.text == "Re: order – status" and len(subject.runs) == 1 and subject.runs[0].length == len(subject.text)  # mapped char for char
    # Each character of the windows-1252 body sits at its own byte's place in the file.
    for word in ("doesn’t", "–", "QBR", "Müller"):
        at = second.text.index(word)
        assert len(document.text[second.to_doc(at) : second.to_doc(at) + len(word)]) == len(word)
        assert document.text[second.to_doc(at) :].encode("utf-8", "surrogateescape").startswith(word.encode("windows-1252"))


def test_single_byte_charsets_keep_positions_and_multi_byte_ones_map_to_their_bytes(tmp_path: Path) -> None:
    """A part in ISO-8859-2 or KOI8-R reads in that charset, byte for byte in place; one in
    Shift JIS or GB2312 is decoded whole, and each character maps to its own bytes (a
    two-byte character is two columns, as each byte that is not UTF-8 is)."""
    for charset, word in (("iso-8859-2", "Łódź"), ("koi8-r", "Москва")):
        body = f"Hello from {word}. The renewal called about the SLA.\n"
        units, errors, document = _mbox_bytes(tmp_path, _message_in(charset, body, sender="Ana <ana@gmail.com>"), name=f"{charset}.eml")
        assert errors == [], charset
        unit = _field(units, "body")
        assert unit.text == body, charset
        at = unit.text.index("SLA")
        assert document.text[unit.to_doc(at) : unit.to_doc(at) + 3] == "SLA"
        assert document.position(unit.to_doc(at)).column == at + 1
    for charset in ("shift_jis", "gb2312"):
        body = "东京。The renewal called about the SLA, 东京.\n" if charset == "gb2312" else "東京から。The renewal called about the SLA, 東京.\n"
        units, errors, document = _mbox_bytes(tmp_path, _message_in(charset, body, sender="Ana <ana@gmail.com>"), name=f"{charset}.eml")
        assert errors == [], charset
        unit = _field(units, "body")
        assert unit.text == body
        start = document.text.index("\n\n") + 2
        data = body.encode(charset)
        for word in ("The renewal", "SLA", "东京" if charset == "gb2312" else "東京"):
            at = unit.text.index(word)
            # The document offset is the byte offset in the body (one character per byte there).
            assert unit.to_doc(at) == start + len(body[:at].encode(charset)), (charset, word)
            assert unit.to_doc_end(at + len(word)) == start + len(body[: at + len(word)].encode(charset)), (charset, word)
        last = unit.text.rindex("东京" if charset == "gb2312" else "東京")
        assert unit.to_doc_end(last + 2) - unit.to_doc(last) == 4 and len(data) == len(document.text[start : start + len(data)])


def test_fixes_for_a_part_that_is_not_utf8_stay_ascii(tmp_path: Path) -> None:
    """A fix (as SARIF carries it) may write a non-ASCII name only into a part that is UTF-8
    in the file: in the windows-1252 part its bytes would be the wrong ones."""
    from humanize_lint.containers import escaped_replacement

    body = "Hello,\n\nThe refund doesn’t show yet – the QBR is Friday.\n"
    units, _, _ = _mbox_bytes(tmp_path, _UTF8_MESSAGE.encode("utf-8") + _message_in("windows-1252", body))
    first, second = [u for u in units if u.field == "body"]
    assert first.meta["written_in"] == "utf-8" and second.meta["written_in"] == "cp1252"
    assert escaped_replacement("María", first, 0, 3) == "María"
    assert escaped_replacement("Jürgen", second, 0, 3) is None and escaped_replacement("the customer", second, 0, 3) == "the customer"


def test_a_greeting_name_in_an_8bit_utf8_body_is_read_whole(tmp_path: Path) -> None:
    """The name in "Hi María," comes from the body as the file has it: the email package's
    own reading of an 8-bit body it was given as text turned "í" into U+FFFD, and the name
    was lost."""
    raw = (
        "From: Support <support@acme.example>\nTo: maria@gmail.com\nSubject: x\n"
        "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        "Hi María,\n\nThe renewal called again.\n"
    )
    units, errors, _ = _eml(tmp_path, raw)
    assert errors == [] and _field(units, "body").customer == "María"


def test_read_bytes_as_each_charset() -> None:
    """Escaped bytes (lone surrogates) read in a part's charset: in place for a single-byte
    one (US-ASCII, which has no 8-bit bytes, and no charset at all read as windows-1252),
    U+FFFD for bytes that a UTF-8 part does not hold, whole for a multi-byte charset."""
    from humanize_lint.sources.email import read_bytes_as

    assert read_bytes_as("doesn\udc92t caf\udce9", None) == ("doesn’t café", None)
    assert read_bytes_as("doesn\udc92t", "us-ascii") == ("doesn’t", None)
    assert read_bytes_as("caf\udce9 \udcb3", "iso-8859-2") == ("café ł", None)
    assert read_bytes_as("caf\udce9", "utf-8") == ("caf\ufffd", None)
    assert read_bytes_as("\udc93\udc8c!", "shift_jis") == ("東!", [(0, 0, 0), (1, 2, 1)])  # (decoded whole, mapped back by its runs)
    assert read_bytes_as("plain é", "koi8-r") == ("plain é", None)  # (no escaped byte: the text as read)


def test_a_utf16_message_does_not_make_a_mailbox_binary(tmp_path: Path) -> None:
    """A message in UTF-16 (NUL bytes) near the top of a mailbox is that message's affair:
    the mailbox is read, each message in its charset, wherever the message sits."""
    utf16 = (
        b"From b@example.com Mon Mar  3 11:00:00 2025\nFrom: Uma <uma@gmail.com>\nTo: support@acme.example\nSubject: x\n"
        b"Message-ID: <u@x>\nContent-Type: text/plain; charset=utf-16\nContent-Transfer-Encoding: 8bit\n\n"
        + "The renewal called again.\n".encode("utf-16")
        + b"\n\n"
    )
    units, errors, _ = _mbox_bytes(tmp_path, utf16 + _message_in("koi8-r", "Москва. The renewal called about the SLA.\n"))
    assert errors == []
    bodies = [u.text for u in units if u.field == "body"]
    assert len(bodies) == 2 and "The renewal called again." in bodies[0] and bodies[1].startswith("Москва.")
