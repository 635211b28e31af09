"""The customer's name from the text itself: greetings, signatures, labels, and where sources use them.

A wrong name in a suggestion is worse than "the customer", so most of these
tests check that nothing is found: generic greetings, a colleague greeted in
a note, a signature in a message whose direction is unclear, a name only in
a quoted earlier message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from humanize_lint.model import HumanizeLintError, Unit
from humanize_lint.sources import read_path
from humanize_lint.sources.email import mail_direction, read_eml, read_mbox
from humanize_lint.sources.records import read_csv, read_json, read_jsonl
from humanize_lint.suggest import Customer, customer_from_text, personal_name, person_phrases

from conftest import run_cli

# --- greetings: a message to the customer ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hi Maria,\n\nThanks for your patience.", "Maria"),
        ("Dear Ms. Garcia,\n\nYour refund has been issued.", "Ms. Garcia"),
        ("Dear Ms Garcia\n\nYour refund has been issued.", "Ms. Garcia"),
        ("Hello Tomás Echeverría,\nthe engineer is booked.", "Tomás Echeverría"),
        ("\n\n  Hi Maria Garcia!\n", "Maria Garcia"),
        ("Good morning Priya,\n", "Priya"),
        ("Hey Jean-Luc - quick update on your order.", "Jean-Luc"),
        ("Hi Siobhán O'Brien,\n", "Siobhán O'Brien"),
        ("Hello Ana de Souza,\n", "Ana de Souza"),
        ("Dear Dr. Adler,\n", "Dr. Adler"),
    ],
)
def test_greeting_names_the_customer(text: str, name: str) -> None:
    assert customer_from_text(text, kind="email-outbound") == name
    assert customer_from_text(text, kind="reply") == name


@pytest.mark.parametrize(
    "text",
    [
        "Hi team,\n\nThe renewal called.",
        "Hi Team,\n",
        "Hi all,\n",
        "Hello everyone,\n",
        "Hi there,\n",
        "Hi folks!\n",
        "Dear customer,\n",
        "Dear Customer,\n",
        "Dear Valued Customer,\n",
        "Dear Sir or Madam,\n",
        "Dear Sir/Madam,\n",
        "Hi both,\n",
        "Hello Support,\n",
        "Hi Billing Team,\n",
        "Dear Brightwater Hotels Ltd,\n",
        "Hi SRE,\n",
        "Hi Maria and Tom,\n",
        "Hi maria,\n",
        "Hi Maria thanks for getting back to me\n",
        "Hello,\n\nHi Maria, this is not on the first line.",
        "Thanks for calling, Maria.\n",
        "Hi J,\n",
        "Hi 4471-22,\n",
        "",
    ],
)
def test_generic_or_unclear_greetings_name_nobody(text: str) -> None:
    assert customer_from_text(text, kind="email-outbound") is None


# --- signatures: a message from the customer -----------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My router keeps dropping.\n\nThanks,\nMaria Garcia\n", "Maria Garcia"),
        ("My router keeps dropping.\n\nThanks!\nMaria", "Maria"),
        ("It broke again.\n\nKind regards,\n\nHelen Brooks\nOperations Manager\nBrightwater Hotels\n01423 496 0192\n", "Helen Brooks"),
        ("It broke again.\n\nBest regards,\nDr. Ruth Adler\n", "Dr. Ruth Adler"),
        ("It broke again.\n\nCheers,\nTom\n", "Tom"),
        ("It broke again.\n\nThanks for looking into this,\nTom Okafor\n", "Tom Okafor"),
        ("It broke again.\n\n-- \nTom Okafor\n", "Tom Okafor"),
    ],
)
def test_signature_names_the_sender(text: str, name: str) -> None:
    assert customer_from_text(text, kind="email-inbound") == name


@pytest.mark.parametrize(
    "text",
    [
        "It broke again.\n\nThanks,\nBilling Team\n",
        "It broke again.\n\nRegards,\nCustomer Support\n",
        "It broke again.\n\nYours sincerely,\nClaims\n",
        "It broke again.\n\nKind regards,\nBrightwater Hotels Ltd\n",
        "It broke again.\n\nThanks,\nAccount 4471-22\n",
        "It broke again.\n\nSent from my iPhone\n",
        "Thanks,\nbut the line is still dead.\nI have tried everything.\n",
        "It broke again.\n\nThanks,\nMaria\n\nP.S. one\nP.S. two\nthree\nfour\nfive\n",
        "It broke again. Maria Garcia\n",
        "Thanks, Maria\n",
    ],
)
def test_no_signature_name(text: str) -> None:
    assert customer_from_text(text, kind="email-inbound") is None


def test_kinds_use_only_their_own_rule() -> None:
    text = "Hi Maria,\n\nThe line is fixed.\n\nThanks,\nDana Whitfield\n"
    assert customer_from_text(text, kind="email-outbound") == "Maria"
    assert customer_from_text(text, kind="email-inbound") == "Dana Whitfield"
    assert customer_from_text(text, kind="note") is None
    with pytest.raises(ValueError, match="unknown text kind"):
        customer_from_text(text, kind="chat")


# --- labels: an internal note ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Customer: Maria Garcia\nThe renewal called.", "Maria Garcia"),
        ("Called back.\ncustomer name: Maria Garcia\n", "Maria Garcia"),
        ("Caller: Mr. Okafor (acct 4471-22)\n#88213 rang back.", "Mr. Okafor"),
        ("**Customer:** Maria Garcia\n", "Maria Garcia"),
        ("- Contact: Samuel Boateng\n- Samuel is on the legacy tariff", "Samuel Boateng"),
        ("Contact name: Helen Brooks <helen.brooks@brightwaterhotels.example>\n", "Helen Brooks"),
        ("Requester: Tomás Echeverría, via phone\n", "Tomás Echeverría"),
        ("Account holder: Ana de Souza.\n", "Ana de Souza"),
    ],
)
def test_label_names_the_customer(text: str, name: str) -> None:
    assert customer_from_text(text, kind="note") == name


@pytest.mark.parametrize(
    "text",
    [
        "Hi Raj,\n\nThe renewal called again, can you take it?",
        "Dear Maria,\n\nThe renewal called.",
        "Customer: Residential\n",
        "Customer: Maria\n",
        "Caller: Unknown Number\n",
        "Customer: Acme Ltd\n",
        "Customer: N/A\n",
        "Customer: Maria Garcia called about the refund\n",
        "Spoke with the customer: Maria Garcia\n",
        "Agent: Dana Whitfield\n",
        "Spoke with Maria Garcia about the refund.\n",
        "Refund issued to acct 4471-22. Closing the case.",
    ],
)
def test_note_without_a_label_names_nobody(text: str) -> None:
    assert customer_from_text(text, kind="note") is None


def test_personal_name_rules() -> None:
    assert personal_name("Maria Garcia") == "Maria Garcia"
    assert personal_name("ms garcia") is None
    assert personal_name("Ms garcia") is None
    assert personal_name("Maria J. Garcia") == "Maria J. Garcia"
    assert personal_name("Anna Maria Louisa Garcia") is None  # more than three words
    assert personal_name("Maria2") is None
    assert personal_name("MARIA GARCIA") is None
    assert personal_name("Maria", min_words=2) is None
    assert personal_name("Mrs. Brooks", min_words=2) == "Mrs. Brooks"


def test_title_and_surname_is_kept_whole_in_suggestions() -> None:
    customer = Customer.parse("Ms. Garcia")
    assert customer is not None
    assert (customer.full, customer.styled("first"), customer.styled("title-last")) == ("Ms. Garcia", "Ms. Garcia", "Ms. Garcia")
    full = Customer.parse("Ms. Helen Brooks")
    assert full is not None and (full.full, full.first, full.title) == ("Helen Brooks", "Helen", "Ms.")
    phrases = person_phrases("The renewal", customer="Ms. Garcia", plural=False, count_word=None, sentence_start=True, templates={})
    assert phrases == ("Ms. Garcia",)


# --- e-mail: which way a message goes -------------------------------------------------

AGENT = ("Dana Whitfield", "dana.whitfield", "kestrelbroadband.example")
DESK = ("Kestrel Broadband Support", "support", "kestrelbroadband.example")
COLLEAGUE = ("Raj Patel", "raj.patel", "kestrelbroadband.example")
FREEMAIL = ("Maria Garcia", "maria.garcia", "gmail.com")
BUSINESS = ("Helen Brooks", "helen.brooks", "brightwaterhotels.example")


def test_mail_direction() -> None:
    assert mail_direction(AGENT, [COLLEAGUE]) == "internal"
    assert mail_direction(AGENT, [("", "raj", "eu.kestrelbroadband.example")]) == "internal"
    assert mail_direction(AGENT, [FREEMAIL]) == "outbound"
    assert mail_direction(DESK, [BUSINESS]) == "outbound"
    assert mail_direction(FREEMAIL, [DESK]) == "inbound"
    assert mail_direction(BUSINESS, [DESK]) == "inbound"
    assert mail_direction(FREEMAIL, [AGENT]) == "inbound"
    # Two companies and nothing else to go on: unsure.
    assert mail_direction(AGENT, [BUSINESS]) is None
    assert mail_direction(BUSINESS, [AGENT]) is None
    # Contradicting signs: unsure.
    assert mail_direction(FREEMAIL, [("Ana Lopez", "ana.lopez", "outlook.com")]) is None
    assert mail_direction(DESK, [("", "billing", "brightwaterhotels.example")]) is None
    assert mail_direction(None, [FREEMAIL]) is None
    assert mail_direction(AGENT, []) is None


def _message(sender: str, to: str, body: str, subject: str = "Your bill", extra: str = "") -> str:
    return (
        f"From: {sender}\nTo: {to}\n{extra}Subject: {subject}\nDate: Tue, 4 Mar 2025 09:26:41 +0000\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n" + body
    )


def _eml_units(tmp_path: Path, raw: str, **options: str) -> list[Unit]:
    path = tmp_path / "message.eml"
    path.write_text(raw, encoding="utf-8")
    errors: list[HumanizeLintError] = []
    units = list(read_eml(read_path(path), errors=errors, **options))
    assert errors == []
    assert units
    return units


def _customer(tmp_path: Path, raw: str, **options: str) -> str | None:
    units = _eml_units(tmp_path, raw, **options)
    assert len({u.customer for u in units}) == 1  # subject and body agree
    return units[0].customer


REPLY = "Hi Maria,\n\nThe refund is on its way.\n\nKind regards,\nDana Whitfield\nKestrel Broadband\n"


def test_outbound_greeting_names_the_customer_with_the_to_name(tmp_path: Path) -> None:
    raw = _message("Dana Whitfield <dana.whitfield@kestrelbroadband.example>", "Maria Garcia <maria.garcia@gmail.com>", REPLY)
    units = _eml_units(tmp_path, raw)
    assert [u.customer for u in units] == ["Maria Garcia", "Maria Garcia"]
    assert units[1].meta["direction"] == "outbound"
    assert units[1].meta["from_name"] == "Dana Whitfield"


def test_outbound_greeting_without_to_name(tmp_path: Path) -> None:
    raw = _message("Kestrel Broadband Support <support@kestrelbroadband.example>", "maria.garcia@gmail.com", REPLY)
    assert _customer(tmp_path, raw) == "Maria"


def test_outbound_title_from_greeting_kept(tmp_path: Path) -> None:
    body = "Dear Ms. Garcia,\n\nYour refund has been issued.\n\nYours sincerely,\nBilling Team\n"
    raw = _message("Kestrel Broadband <billing@kestrelbroadband.example>", '"Garcia, Maria" <maria.garcia@gmail.com>', body)
    assert _customer(tmp_path, raw) == "Ms. Maria Garcia"


def test_outbound_greeting_to_someone_the_to_header_does_not_name(tmp_path: Path) -> None:
    raw = _message("Dana Whitfield <dana.whitfield@kestrelbroadband.example>", "Tom Okafor <tom.okafor@gmail.com>", REPLY)
    assert _customer(tmp_path, raw) is None


def test_outbound_generic_greeting_uses_the_single_to_name(tmp_path: Path) -> None:
    body = "Hi there,\n\nYour engineer is booked for Friday.\n"
    raw = _message("Kestrel Broadband Support <support@kestrelbroadband.example>", "Maria Garcia <maria.garcia@gmail.com>", body)
    assert _customer(tmp_path, raw) == "Maria Garcia"
    two = _message(
        "Kestrel Broadband Support <support@kestrelbroadband.example>",
        "Maria Garcia <maria.garcia@gmail.com>, Tom Okafor <tom.okafor@gmail.com>",
        body,
    )
    assert _customer(tmp_path, two) is None


def test_internal_message_names_nobody(tmp_path: Path) -> None:
    body = "Hi Raj,\n\nThe renewal has called three times, can you call her?\n\nThanks,\nDana Whitfield\n"
    raw = _message("Dana Whitfield <dana.whitfield@kestrelbroadband.example>", "Raj Patel <raj.patel@kestrelbroadband.example>", body)
    units = _eml_units(tmp_path, raw)
    assert [u.customer for u in units] == [None, None]
    assert units[1].meta["direction"] == "internal"


def test_two_companies_name_nobody(tmp_path: Path) -> None:
    # Agent to a business customer from a personal company address: the
    # greeting is the customer's and the signature the agent's, but nothing in
    # the headers says which way the message goes.
    raw = _message("Dana Whitfield <dana.whitfield@kestrelbroadband.example>", "Helen Brooks <helen.brooks@brightwaterhotels.example>", REPLY)
    units = _eml_units(tmp_path, raw)
    assert [u.customer for u in units] == [None, None]
    assert "direction" not in units[1].meta


def test_inbound_from_name_and_signature(tmp_path: Path) -> None:
    body = "Hello,\n\nThe landline has no dial tone.\n\nThanks,\nTom\n"
    raw = _message("Tom Okafor <tom.okafor@outlook.com>", "support@kestrelbroadband.example", body)
    assert _customer(tmp_path, raw) == "Tom Okafor"
    no_display = _message("helen.brooks@brightwaterhotels.example", "support@kestrelbroadband.example", body.replace("Tom", "Helen Brooks"))
    assert _customer(tmp_path, no_display) == "Helen Brooks"
    someone_else = _message("Tom Okafor <tom.okafor@outlook.com>", "support@kestrelbroadband.example", body.replace("Tom", "Grace"))
    assert _customer(tmp_path, someone_else) is None


def test_inbound_greeting_to_the_agent_is_not_the_customer(tmp_path: Path) -> None:
    body = "Hi Dana,\n\nStill no dial tone.\n"
    raw = _message("tom.okafor@outlook.com", "Dana Whitfield <dana.whitfield@kestrelbroadband.example>", body)
    assert _customer(tmp_path, raw) is None


def test_quoted_message_is_never_read_for_names(tmp_path: Path) -> None:
    body = (
        "Still no dial tone, can someone call me?\n\n"
        "On Mon, 3 Mar 2025 at 11:05, Kestrel Broadband Support <support@kestrelbroadband.example> wrote:\n"
        "> Hi Tom,\n>\n> The engineer is booked.\n>\n> Kind regards,\n> Dana Whitfield\n"
    )
    raw = _message("tom.okafor@outlook.com", "support@kestrelbroadband.example", body)
    assert _customer(tmp_path, raw) is None


def test_html_only_message(tmp_path: Path) -> None:
    reply = (
        '<html><body><div dir="ltr"><p>Hi Maria,</p><p>The refund is on its way.</p><p>Thanks,<br>Dana</p></div>'
        "<blockquote><p>Hi Dana,</p><p>Where is my refund?</p><p>Thanks,<br>Maria Garcia</p></blockquote></body></html>\n"
    )
    raw = _message("Dana Whitfield <dana.whitfield@kestrelbroadband.example>", "maria.garcia@gmail.com", reply)
    assert _customer(tmp_path, raw.replace("text/plain", "text/html")) == "Maria"

    question = (
        '<html><body><div dir="ltr"><p>Any news on my refund?</p>{signature}</div>'
        "<blockquote><p>Hi Grace,</p><p>We are looking into it.</p><p>Kind regards,<br>Dana Whitfield</p></blockquote></body></html>\n"
    )
    signed = _message("grace.lee@gmail.com", "support@kestrelbroadband.example", question.format(signature="<p>Thanks,<br>Grace Lee</p>"))
    assert _customer(tmp_path, signed.replace("text/plain", "text/html")) == "Grace Lee"
    unsigned = _message("grace.lee@gmail.com", "support@kestrelbroadband.example", question.format(signature=""))
    assert _customer(tmp_path, unsigned.replace("text/plain", "text/html")) is None  # not the quoted agent


def test_customer_option_overrides(tmp_path: Path) -> None:
    raw = _message("Dana Whitfield <dana.whitfield@kestrelbroadband.example>", "Maria Garcia <maria.garcia@gmail.com>", REPLY)
    assert _customer(tmp_path, raw, customer="Ms. M. Garcia") == "Ms. M. Garcia"


def test_mbox_messages_are_named_one_by_one(tmp_path: Path) -> None:
    inbound = _message("Tom Okafor <tom.okafor@outlook.com>", "support@kestrelbroadband.example", "No dial tone.\n\nThanks,\nTom\n")
    internal = _message("Li Wei <li.wei@kestrelbroadband.example>", "Kemi Adeyemi <kemi.adeyemi@kestrelbroadband.example>", "Hi Kemi,\n\nAcct 6120-44 called.\n")
    raw = f"From tom Mon Mar  3 08:41:17 2025\n{inbound}\nFrom li Mon Mar  3 16:20:09 2025\n{internal}"
    path = tmp_path / "inbox.mbox"
    path.write_text(raw, encoding="utf-8")
    errors: list[HumanizeLintError] = []
    units = list(read_mbox(read_path(path), errors=errors))
    assert errors == []
    assert [(u.field, u.customer) for u in units] == [("subject", "Tom Okafor"), ("body", "Tom Okafor"), ("subject", None), ("body", None)]


# --- records: labels only --------------------------------------------------------------


def test_jsonl_label_when_no_name_field(tmp_path: Path) -> None:
    lines = [
        {"id": 1, "customer": "Maria Garcia", "body": "Caller: Tom Okafor\nThe renewal called."},
        {"id": 2, "customer": "", "body": "Caller: Tom Okafor\n#88213 rang back."},
        {"id": 3, "body": "Hi Raj,\n\nThe renewal called again, can you take it?"},
        {"id": 4, "body": "Spoke with Maria Garcia.", "notes": "Customer: Grace Lee"},
        {"id": 5, "body": "<p><strong>Contact name:</strong> Amira Haddad</p><p>The new install called.</p>"},
    ]
    path = tmp_path / "notes.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    errors: list[HumanizeLintError] = []
    units = list(read_jsonl(read_path(path), text_fields=("body", "notes"), id_field="id", name_field="customer", errors=errors))
    assert [(u.record, u.field, u.customer) for u in units] == [
        ("1", "body", "Maria Garcia"),  # the name field wins
        ("2", "body", "Tom Okafor"),
        ("3", "body", None),  # a colleague greeted in a note
        ("4", "body", "Grace Lee"),  # the label in another text field of the record
        ("4", "notes", "Grace Lee"),
        ("5", "body", "Amira Haddad"),
    ]
    # Records without a "notes" field are reported as such; nothing else.
    assert all("notes" in str(error) for error in errors)


def test_json_and_csv_labels(tmp_path: Path) -> None:
    records = {"tickets": [{"id": "A", "requester": {"name": None}, "text": "Customer: Priya Natarajan\nCustomer 100293 is angry."}]}
    path = tmp_path / "export.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    errors: list[HumanizeLintError] = []
    units = list(read_json(read_path(path), records_key="tickets", text_fields=("text",), id_field="id", name_field="requester.name", errors=errors))
    assert errors == [] and [u.customer for u in units] == ["Priya Natarajan"]

    csv_path = tmp_path / "export.csv"
    csv_path.write_text(
        'id,name,text\nT-1,,"Caller: Jorge Alvarez\n#88213 rang back."\nT-2,Grace Lee,"Caller: Jorge Alvarez\nok"\nT-3,,"Hi Raj, can you call back?"\n',
        encoding="utf-8",
    )
    errors = []
    units = list(read_csv(read_path(csv_path), text_fields=("text",), id_field="id", name_field="name", errors=errors))
    assert errors == [] and [(u.record, u.customer) for u in units] == [("T-1", "Jorge Alvarez"), ("T-2", "Grace Lee"), ("T-3", None)]


# --- end to end: the real CLI ---------------------------------------------------------

ESCALATION = (
    "From: Dana Whitfield <dana.whitfield@kestrelbroadband.example>\n"
    "To: Maria Garcia <maria.garcia@gmail.com>\n"
    "Cc: Raj Patel <raj.patel@kestrelbroadband.example>\n"
    "Subject: Re: Price went up at renewal\n"
    "Date: Tue, 4 Mar 2025 09:26:41 +0000\n"
    "Message-ID: <reply-1@kestrelbroadband.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Hi Maria,\n"
    "\n"
    "I'm sorry you had to chase us again. The refund of £7.00 is on its way.\n"
    "\n"
    "Raj - the renewal has called three times about this now, so please treat it as urgent.\n"
    "\n"
    "Kind regards,\n"
    "Dana Whitfield\n"
)


def _json_findings(*args: str | Path, cwd: Path) -> tuple[int, list[dict[str, object]]]:
    proc = run_cli("check", *args, "--format", "json", cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return proc.returncode, json.loads(proc.stdout)["findings"]


def test_cli_suggestion_names_the_customer_from_the_greeting(tmp_path: Path) -> None:
    (tmp_path / "reply.eml").write_text(ESCALATION, encoding="utf-8")
    internal = ESCALATION.replace("Maria Garcia <maria.garcia@gmail.com>", "Raj Patel <raj.patel@kestrelbroadband.example>").replace("Hi Maria,", "Hi Raj,")
    (tmp_path / "internal.eml").write_text(internal, encoding="utf-8")

    code, findings = _json_findings("reply.eml", cwd=tmp_path)
    assert code == 1
    assert [(f["record"], f["rule"], f["text"], f["suggestions"]) for f in findings] == [
        ("<reply-1@kestrelbroadband.example>", "thing-as-person", "the renewal", ["Maria Garcia"]),
    ]
    assert "'Maria Garcia'" in str(findings[0]["message"])

    code, findings = _json_findings("reply.eml", "--name-style", "first", cwd=tmp_path)
    assert [f["suggestions"] for f in findings] == [["Maria"]]

    # The same message between colleagues: "Hi Raj," names no customer.
    code, findings = _json_findings("internal.eml", cwd=tmp_path)
    assert code == 1
    assert [(f["text"], f["suggestions"]) for f in findings] == [("the renewal", ["the customer"])]
