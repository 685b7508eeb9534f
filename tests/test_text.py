import html
from pathlib import Path

import pytest
import yaml

from replycoach.errors import InputError
from replycoach.text import clean, decode_bytes, html_to_text, source_end, source_offsets


def test_plain_text_is_kept_as_given():
    draft = "Hi Jo,\n\nYour order ships today.\n"
    cleaned = clean(draft)
    assert cleaned.text == draft and cleaned.analysed == draft and cleaned.input_format == "text"


def test_quoted_thread_is_blanked_not_cut():
    draft = "Your refund is done.\n\nOn Mon, 3 May 2024, Dana wrote:\n> where is my refund??\n"
    cleaned = clean(draft)
    assert len(cleaned.analysed) == len(draft)
    assert "refund??" not in cleaned.analysed
    assert cleaned.analysed.startswith("Your refund is done.")
    assert [s.kind for s in cleaned.excluded] == ["quoted"]


def test_a_reply_that_is_all_quote_is_checked_whole():
    draft = "> there is always a way to fix it! No there isn't."
    assert clean(draft).analysed == draft


def test_quoted_lines_and_signature_are_left_out():
    draft = "I fixed it.\n> old text here\nMore help.\n-- \nJo Bloggs\nAcme Support, 555-0100\n"
    cleaned = clean(draft)
    assert "old text" not in cleaned.analysed
    assert "Acme Support" not in cleaned.analysed
    assert "More help." in cleaned.analysed


def test_html_keeps_paragraphs_drops_scripts_and_keeps_placeholders():
    html = ("<html><head><script>alert('x')</script><style>p{}</style></head><body>"
            "<p>Hi <b>Dana</b>,</p><p>Hello &lt;NAME&gt; and <NAME>,<br>line two</p></body></html>")
    text = html_to_text(html)
    assert "alert" not in text and "p{}" not in text
    assert text.startswith("Hi Dana,\n\nHello <NAME> and <NAME>,\nline two")


def test_html_blockquote_becomes_quoted_thread():
    cleaned = clean("<p>Done.</p><blockquote>On Mon Dana wrote: old</blockquote>")
    assert cleaned.input_format == "html"
    assert "old" in cleaned.text and "old" not in cleaned.analysed


@pytest.mark.parametrize("fragment, kind", [
    ("https://example.com/a?b=1", "url"), ("dana@example.com", "email"), ("#A78213", "id"),
    ("1Z999AA10123456784", "id"), ("$42.50", "number"), ("`rm -rf`", "code"), ("@AcmeHelp", "handle"),
])
def test_protected_spans(fragment, kind):
    draft = f"Please see {fragment} today."
    cleaned = clean(draft)
    spans = [(s.kind, draft[s.start:s.end]) for s in cleaned.protected]
    assert (kind, fragment) in spans


def test_url_does_not_swallow_the_full_stop():
    draft = "Go to https://example.com/help."
    (span,) = clean(draft).protected
    assert draft[span.start:span.end] == "https://example.com/help"


@pytest.mark.parametrize("draft, code", [
    ("", "RC101"), ("   \n\t ", "RC101"),
    ("x" * 200_001, "RC104"), ("\x00\x01\x02binary\x03\x04\x05\x06\x07\x08", "RC102"),
])
def test_bad_input_gets_coded_errors(draft, code):
    with pytest.raises(InputError) as err:
        clean(draft)
    assert err.value.code == code
    assert err.value.remedy


def test_non_string_input_is_a_coded_error():
    with pytest.raises(InputError) as err:
        clean(b"bytes")  # type: ignore[arg-type]
    assert err.value.code == "RC102"


def test_decode_bytes():
    assert decode_bytes("café".encode()) == "café"
    assert decode_bytes("\ufeffhi".encode("utf-8")) == "hi"
    assert decode_bytes("hi".encode("utf-16")) == "hi"
    assert decode_bytes("café".encode("cp1252"), encoding="cp1252") == "café"
    with pytest.raises(InputError) as err:
        decode_bytes("café".encode("cp1252"))
    assert err.value.code == "RC103" and "offset 3" in str(err.value)
    with pytest.raises(InputError) as err:
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    assert err.value.code == "RC102"


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"])
def test_byte_order_marks_name_the_encoding(codec):
    data = ("\ufeff" if codec.endswith(("-le", "-be")) else "") + "Thanks, Jo — it ships today."
    assert decode_bytes(data.encode(codec)) == "Thanks, Jo — it ships today."


def test_long_symbol_runs_are_segmented_without_moving_anything():
    draft = "Thanks! " + "%" * 100 + " and " + "_" * 40 + " ok " + "!" * 32
    cleaned = clean(draft)
    assert cleaned.text == draft and len(cleaned.analysed) == len(draft)
    assert max(len(chunk) for chunk in cleaned.analysed.split()) == 32
    changed = [i for i, (a, b) in enumerate(zip(draft, cleaned.analysed, strict=True)) if a != b]
    assert all(cleaned.analysed[i] == " " and draft[i] in "%_" for i in changed) and len(changed) == 4
    assert clean("Wow!!!!!! 🙏🙏🙏").analysed == "Wow!!!!!! 🙏🙏🙏"  # ordinary runs are left alone


@pytest.mark.parametrize("draft", ["\u200b\u200b\u200d", "🙏👍", "!!! ... ???", "— — —", "> 🙏"])
def test_a_draft_without_words_is_empty(draft):
    with pytest.raises(InputError) as err:
        clean(draft, require_words=True)
    assert err.value.code == "RC101" and "empty" in str(err.value)
    clean(draft)  # a customer message may be only emoji: it still says how they feel


@pytest.mark.parametrize("draft", ["👍 #A1234", "OK", "2", "🙏 Thanks"])
def test_one_letter_or_digit_is_enough(draft):
    assert clean(draft, require_words=True).text == draft


HELPDESK_THREADS = yaml.safe_load((Path(__file__).parent / "fixtures" / "threads" / "helpdesk.yaml").read_text("utf-8"))


@pytest.mark.parametrize("case", HELPDESK_THREADS, ids=[c["name"] for c in HELPDESK_THREADS])
def test_help_desk_threads_keep_the_reply_and_blank_the_rest(case):
    cleaned = clean(case["draft"], input_format="text")
    assert cleaned.text == case["draft"] and len(cleaned.analysed) == len(case["draft"])
    assert all(snippet in cleaned.analysed for snippet in case["keep"])
    assert not any(snippet in cleaned.analysed for snippet in case["drop"])


@pytest.mark.parametrize("header", [
    "On Tue, Sep 25, 2012 at 8:59 AM, Chris Wanstrath\n<notifications@github.com>wrote:",
    "Am So., 1. Jan. 2023 um 17:22 Uhr schrieb John Doe <\nnoreply@github.com>:",
    "ons 4 dec. 2024 kl. 20:42 skrev Person B <person.b@example.com>:",
    "Dnia 28 lutego 2023 14:00 Anna Nowak <anna@example.com> napisał(a):",
    "2022年1月1日(金) 9:00 田中太郎 <taro.tanaka@example.com>:",
    "-----Ursprüngliche Nachricht-----",
    "---------- Forwarded message ---------",
])
def test_thread_headers_in_other_forms_and_languages(header):
    draft = f"Your refund is done.\n\n{header}\nwhere is my refund??\n"
    analysed = clean(draft).analysed
    assert analysed.startswith("Your refund is done.\n\n") and "refund??" not in analysed
    assert clean(draft.replace("\n", "\r\n")).analysed.strip() == "Your refund is done."


def test_an_inline_quote_keeps_the_answers_between_quoted_lines():
    draft = ("On Tue, Apr 29, 2014 at 4:22 PM, Dana <dana@example.com> wrote:\n\n> Can you move my slot?\n\n"
             "Yes, it's Saturday now.\n\n> And the address?\n\nUpdated too.\n")
    analysed = clean(draft).analysed
    assert "Yes, it's Saturday now." in analysed and "Updated too." in analysed
    assert "Dana" not in analysed and "slot" not in analysed and "address" not in analysed


def test_a_pasted_message_loses_its_header_not_its_body():
    draft = "From: Jan <jan@example.com>\nSent: Monday, 1 March 2023 12:00\nSubject: Hi\n\nHow are you?\n"
    analysed = clean(draft).analysed
    assert "How are you?" in analysed and "jan@example.com" not in analysed


@pytest.mark.parametrize("draft", [
    "Here is what our engineer wrote:\nthe router needs a reset.",  # prose, not an attribution
    "Sent from my desk, is much easier than my mobile phone.",
    "Hi Jo,\nthe fix is below.\n- restart the app\n- sign in again\nThanks,\nSam",
    "Hi Jo,\nyour order ships today.\n\nMvh,\nPer",
])
def test_the_reply_itself_is_never_taken_for_a_thread(draft):
    assert clean(draft).analysed == draft


def test_a_mail_app_line_with_a_link_is_a_signature():
    draft = "My number is +44 20 7946 0000.\nGet Outlook for iOS<https://aka.ms/o0ukef>\n"
    cleaned = clean(draft)
    assert [s.kind for s in cleaned.excluded] == ["signature"] and "Outlook" not in cleaned.analysed


HTML = Path(__file__).parent / "fixtures" / "html"
HTML_EXPECTED = yaml.safe_load((HTML / "expected.yaml").read_text("utf-8"))


def _squeezed_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


@pytest.mark.parametrize("name", sorted(HTML_EXPECTED))
def test_help_desk_html_reads_as_written(name):
    page, expected = (HTML / name).read_text("utf-8"), HTML_EXPECTED[name]
    cleaned = clean(page)
    lines = _squeezed_lines(cleaned.text)
    assert cleaned.input_format == "html"
    assert all(" ".join(line.split()) in lines for line in expected.get("lines", []))
    assert all(f"- {' '.join(item.split())}" in lines for item in expected.get("items", []))
    assert all("\t".join(row) in cleaned.text.splitlines() for row in expected.get("rows", []))
    assert all(" ".join(s.split()) in " ".join(cleaned.text.split()) for s in expected.get("contains", []))
    assert not any(s in cleaned.text for s in expected.get("absent", []))
    analysed = " ".join(cleaned.analysed.split())
    assert not any(s in analysed for s in expected.get("blanked", []))


@pytest.mark.parametrize("name", sorted(HTML_EXPECTED))
def test_every_character_of_html_text_maps_to_where_it_is_written(name):
    page = (HTML / name).read_text("utf-8")
    text = html_to_text(page)
    offsets = source_offsets(page, text)
    assert offsets is not None and len(offsets) == len(text) + 1
    for j, char in enumerate(text):
        if char.isalnum():
            at = offsets[j]
            written = page[at:source_end(page, at)]
            assert written == char or html.unescape(written) == char, (j, char, written)


@pytest.mark.parametrize("source, cleaned, mapped", [
    ("<p>a &amp; b</p>", "a & b", [3, 4, 5, 10, 11, 12]),  # the entity, not its "&"
    ("<p>30&nbsp;seconds</p>", "30 seconds", [3, 4, 5, 11, 12, 13, 14, 15, 16, 17, 18]),
])
def test_source_offsets_read_entities_as_written(source, cleaned, mapped):
    assert html_to_text(source) == cleaned
    assert source_offsets(source, cleaned) == mapped


def test_table_cells_are_split_by_tabs_and_rows_by_lines():
    page = "<table><tr><th>Item</th><th>Qty</th></tr><tr><td>Socks</td><td>2</td></tr></table><p>Thanks</p>"
    assert html_to_text(page) == "Item\tQty\nSocks\t2\n\nThanks"


@pytest.mark.parametrize("draft", [
    "Hi Jo,\nyour parcel left today.\nSent from our Leeds depot on Monday.\nThanks,\nSam",
    "Hi Jo,\nCaution: the update takes ten minutes.\nDo not unplug it.",
])
def test_lines_that_only_look_like_a_signature_are_the_reply(draft):
    assert clean(draft).analysed == draft
