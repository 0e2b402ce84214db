"""The draft checker: each rule fires where it should and stays quiet where it shouldn't."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.core.model import ToneRule
from tactful.core.tone import Finding, ToneChecker, check_tone


def words(text: str, rule: str) -> list[str]:
    """The words each finding of ``rule`` points at (a deletion's trailing space dropped)."""
    return [text[f.start : f.end].rstrip(", ") for f in check_tone(text) if f.rule == rule]


def rules(text: str) -> set[str]:
    return {f.rule for f in check_tone(text)}


def apply(text: str, finding: Finding) -> str:
    assert finding.replacement is not None
    return text[: finding.start] + finding.replacement + text[finding.end :]


# (rule, draft, the exact words the finding must point at)
POSITIVE = [
    (
        "sympathy-without-action",
        "Sorry you're having trouble with the app. Our developers are aware of it.",
        "Sorry you're having trouble",
    ),
    ("sympathy-without-action", "I understand your frustration. These are the rules.", None),
    (
        "sympathy-without-action",
        "That must be so frustrating. Anyway.",
        "That must be so frustrating",
    ),
    ("passive-apology", "We apologise for any inconvenience caused.", None),
    ("passive-apology", "I'm sorry you feel that way.", "sorry you feel"),
    ("passive-apology", "If you were upset by this, we apologise.", "If you were upset"),
    ("passive-apology", "Sorry if this caused any confusion.", None),
    ("blame", "You should have read the size guide.", "You should have read"),
    ("blame", "You didn't enter the code at checkout.", "You didn't enter"),
    ("blame", "You failed to cancel in time.", "You failed to cancel"),
    ("blame", "It was your fault the parcel went back.", "It was your fault"),
    ("dismissive", "Please calm down so I can help.", "calm down"),
    ("dismissive", "As I said, the refund takes five days.", "As I said"),
    ("dismissive", "Per my last email, the plan renews yearly.", "Per my last email"),
    ("dismissive", "It's just a small delay.", "It's just a small"),
    ("condescending", "The fee is obviously not refundable.", "obviously"),
    ("condescending", "To reset it, simply click the link.", "simply"),
    ("condescending", "You can just log out and back in.", "just"),
    ("condescending", "All you have to do is press reset.", "All you have to do is"),
    ("policy-wall", "Unfortunately it's company policy.", "it's company policy"),
    ("policy-wall", "I'm not allowed to change the address.", "I'm not allowed to"),
    ("policy-wall", "Our hands are tied on this.", "Our hands are tied"),
    ("hedged-commitment", "Hopefully it arrives tomorrow.", "Hopefully"),
    ("hedged-commitment", "The fix should be live soon.", "should be live"),
    ("hedged-commitment", "It might take another week.", "might take"),
    ("hedged-commitment", "We'll try to call you back.", "try to"),
    ("sorry-for-wait", "Sorry for the wait! Your order ships today.", "Sorry for the wait"),
    ("sorry-for-wait", "I'm sorry to keep you waiting.", "I'm sorry to keep you waiting"),
    ("sorry-for-wait", "Apologies for the delay in getting back to you.", None),
    ("no-next-step", "We apologise for the mix-up with your order.", "apologise"),
    ("no-next-step", "Thank you for your message. We have noted the details.", None),
    ("repeated-apology", "Sorry about the box. Sorry again for the mess.", "Sorry"),
    ("shouting", "YOUR ACCOUNT WILL BE CLOSED tomorrow.", "YOUR ACCOUNT WILL BE CLOSED"),
    ("shouting", "DO NOT reply to this email.", "DO NOT"),
    ("shouting", "We are on it!!!", "!!!"),
    ("unfilled-placeholder", "Hi {customer_name}, your order shipped.", "{customer_name}"),
    ("unfilled-placeholder", "Hi {name|there}, your order shipped.", "{name|there}"),
    ("unfilled-placeholder", "Hello {{ticket.requester.name}}, all done.", None),
    ("unfilled-placeholder", "Dear [Customer Name], thanks for waiting.", "[Customer Name]"),
    ("hidden-characters", "Your refund\u200b is on its way.", "\u200b"),
    ("hidden-characters", "Code \u202eABC\u202c applied.", "\u202e"),
]


@pytest.mark.parametrize(("rule", "text", "expected"), POSITIVE)
def test_rule_fires_on_the_exact_words(rule: str, text: str, expected: str | None) -> None:
    found = words(text, rule)
    assert found, f"{rule} did not fire on {text!r}: {rules(text)}"
    if expected is not None:
        assert expected in found


NEGATIVE = [
    ("sympathy-without-action", "I'm sorry you're having trouble logging in. I've reset it."),
    ("sympathy-without-action", "I understand your frustration, and I've refunded the fee."),
    ("passive-apology", "I'm sorry your parcel is three days late. I've sent a new one."),
    ("passive-apology", "If you were charged twice, I'll refund the second payment."),
    ("blame", "I'm sorry you didn't receive the email. I've sent it again."),
    ("blame", "You should have it by Friday; I'll check on Thursday."),
    ("blame", "It's not your fault at all: the form had a bug."),
    ("dismissive", "I won't ask you to calm down: you have every right to be angry."),
    ("dismissive", "There is no need to calm down for my sake; I've fixed it."),
    ("dismissive", "As I said I would, I've called the courier."),
    ("dismissive", "As I mentioned on the phone, here is the invoice."),
    ("condescending", "I've just checked the warehouse, and it's packed."),
    ("condescending", "Just to confirm, I've changed your plan."),
    ("condescending", "We simply made a mistake, and I've fixed it."),
    ("condescending", "That is not obviously wrong, so I checked again."),
    ("policy-wall", "Our policy is 30 days, but I can offer an exchange instead."),
    ("policy-wall", "It's against our policy to refund it, so I've offered store credit instead."),
    ("hedged-commitment", "That should never have happened. I've fixed it."),
    ("hedged-commitment", "I hope you have a lovely weekend."),
    ("hedged-commitment", "I hope this helps."),
    ("sorry-for-wait", "I'm sorry for the delay with your order; it ships today."),
    ("no-next-step", "I'm sorry your order arrived damaged. I've sent a replacement."),
    ("no-next-step", "Your order is on its way."),
    ("repeated-apology", "I'm sorry the box was crushed. I've sent a new one."),
    ("shouting", "Your IBAN and the VAT number are on the PDF."),
    ("shouting", "Is it really free? Great!"),
    ("shouting", "I'll call you at 9 AM EST."),
    ("unfilled-placeholder", "The set {1, 2} has two members, and I've added both."),
    ("unfilled-placeholder", "Hi Sam, your order shipped."),
    ("hidden-characters", "Family: \U0001f468\u200d\U0001f469\u200d\U0001f467 all set."),
    ("hidden-characters", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 help"),
]


@pytest.mark.parametrize(("rule", "text"), NEGATIVE)
def test_rule_stays_quiet(rule: str, text: str) -> None:
    assert not words(text, rule), f"{rule} fired on {text!r}: {words(text, rule)}"


GOOD_REPLIES = [
    "I'm sorry your order arrived damaged. I've sent a replacement that arrives Friday.",
    "Thank you for waiting. I've found your parcel and it will be with you tomorrow.",
    "I'm sorry you were charged twice. I've refunded the second payment today.",
    "We can't refund opened downloads, but I can swap this album for another one.",
    "I'm so sorry for your loss. I've closed the account and there's nothing more to do.",
]


@pytest.mark.parametrize("text", GOOD_REPLIES)
def test_specific_owned_replies_have_no_warnings(text: str) -> None:
    assert [f for f in check_tone(text) if f.severity == "warning"] == []


# --- mechanisms: the grammar, not the wording ---------------------------------------
# Each rule is a sentence shape filled from word lists; these drafts use words
# and orders the examples above don't, so they fail if a rule is only a string.

SHAPES = [
    # "you" + an omission or slip + something a customer does
    ("blame", "Per our records you never confirmed the booking.", "you never confirmed"),
    ("blame", "It seems you may have missed our email.", "you may have missed"),
    ("blame", "You clearly haven't read the description.", "You clearly haven't read"),
    ("blame", "You forgot to tick the gift box.", "You forgot to tick"),
    # what the customer gave, or a passive that puts the fault on them
    ("blame", "The address you entered was wrong.", "you entered was wrong"),
    ("blame", "The card details provided were invalid.", "provided were invalid"),
    ("blame", "The wrong size was selected at checkout.", "The wrong size was selected"),
    ("blame", "The form wasn't filled in correctly.", "wasn't filled in correctly"),
    ("blame", "Had you contacted us sooner, we'd have stopped it.", "Had you contacted"),
    ("blame", "The issue must be on your side.", "issue must be on your side"),
    # a rule or a machine that won't, with nothing offered
    ("policy-wall", "Our terms don't allow refunds after 30 days.", "Our terms don't allow"),
    ("policy-wall", "The system won't let me move the date.", "The system won't let"),
    ("policy-wall", "Company guidelines do not permit it.", None),
    ("policy-wall", "Refunds can only be issued to the card.", "can only be issued"),
    ("policy-wall", "Sorry, that's not something we do.", "not something we do"),
    ("policy-wall", "we cant do nothing about the courier", "we cant do nothing"),
    # dismissive and condescending intensifiers
    ("condescending", "It's really not that hard.", "not that hard"),
    ("condescending", "It's a pretty simple process.", "It's a pretty simple"),
    ("dismissive", "I already told you twice.", "I already told you"),
    ("dismissive", "Not sure what else you expect me to do.", None),
    ("dismissive", "No one else has complained about it.", None),
    # a hedging modal or adverb in front of a commitment
    ("hedged-commitment", "The technician might be able to come Monday.", "might be able to"),
    ("hedged-commitment", "We hope to have the site back up soon.", "We hope to have"),
    ("hedged-commitment", "We'll get back to you in due course.", "in due course"),
    ("hedged-commitment", "It arrives Monday, I think.", "I think"),
    # placeholders in other template languages
    ("unfilled-placeholder", "Hi %NAME%, it's done.", "%NAME%"),
    ("unfilled-placeholder", "Hi [CUSTOMER NAME], it's done.", "[CUSTOMER NAME]"),
    ("unfilled-placeholder", "Your tracking number is XXXXXX.", "XXXXXX"),
    # one word of emphasis
    ("shouting", "NO refunds will be given.", "NO"),
]


@pytest.mark.parametrize(("rule", "text", "expected"), SHAPES)
def test_rule_shapes_fire_on_new_wordings(rule: str, text: str, expected: str | None) -> None:
    found = words(text, rule)
    assert found, f"{rule} did not fire on {text!r}: {rules(text)}"
    if expected is not None:
        assert expected in found


QUIET_SHAPES = [
    # a conditional or sympathetic "you" is not blame
    ("blame", "If you didn't enter a code, I can add it now."),
    ("blame", "I'm sorry you missed the delivery; I've rebooked it for Friday."),
    ("blame", "You haven't been charged, and I've cancelled the order."),
    ("blame", "Nothing is needed on your side: the refund is done."),
    ("blame", "The technician should have called first. I've refunded the fee."),
    # a "no" with an alternative anywhere in the draft
    ("policy-wall", "I can offer store credit today. Our terms don't allow cash refunds."),
    ("policy-wall", "We don't ship to Norway yet, but you can use our partner Nordshop."),
    ("policy-wall", "The system won't let me change it, so I've cancelled and rebooked it."),
    # an easy thing the agent does, or a sympathetic "easy to miss"
    ("condescending", "It's a simple fix on our side: I've re-sent the link."),
    ("condescending", "It's easy to miss that option, so I've switched it on."),
    # an estimate with a firm time is not a hedge
    ("hedged-commitment", "It should arrive within five working days."),
    ("hedged-commitment", "I can't promise when it will ship, but I'll tell you if it does."),
    ("hedged-commitment", "I hope to see you again soon."),
    # "these things happen" with the fix is reassurance
    ("dismissive", "That happens a lot, and there's a way through: I've sent a reset link."),
    # acronyms and placeholder names in capitals are not shouting
    ("shouting", "Hi [CUSTOMER NAME], done."),
    ("shouting", "The VAT is on the PDF."),
]


@pytest.mark.parametrize(("rule", "text"), QUIET_SHAPES)
def test_rule_shapes_stay_quiet(rule: str, text: str) -> None:
    assert not words(text, rule), f"{rule} fired on {text!r}: {words(text, rule)}"


def test_sympathy_after_the_fix_is_not_without_action() -> None:
    text = "I've refunded the difference and fixed your plan. I'm sorry for the confusion."
    assert "sympathy-without-action" not in rules(text)
    assert "sympathy-without-action" in rules("I'm sorry for the confusion. Have a nice day.")


def test_bad_news_without_a_next_step() -> None:
    assert "no-next-step" in rules("Unfortunately the item is out of stock.")
    assert "no-next-step" not in rules(
        "Unfortunately the item is out of stock. I've reserved the next one for you."
    )


def test_vague_passing_on_is_no_next_step_but_a_named_recipient_is() -> None:
    assert "no-next-step" in rules("Thanks for your feedback. We'll pass your comments on.")
    assert "no-next-step" not in rules(
        "Thanks for your feedback. I'll share your note with the warehouse team who packed it."
    )


def test_long_sentence_is_info_over_35_words() -> None:
    long = " ".join(["word"] * 36) + "."
    found = [f for f in check_tone(long) if f.rule == "long-sentence"]
    assert len(found) == 1
    assert found[0].severity == "info"
    assert check_tone(" ".join(["word"] * 35) + ".") == []


# --- quotation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        'You wrote "calm down" in your message, and I\'ve passed it on.',
        "You wrote \u201ccalm down\u201d in your message, and I've passed it on.",
        "You wrote 'calm down' in your message, and I've passed it on.",
        "You wrote \u2018calm down\u2019 in your message, and I've passed it on.",
    ],
)
def test_quoted_customer_words_are_not_the_agent_speaking(text: str) -> None:
    assert "dismissive" not in rules(text)


def test_unclosed_quote_does_not_hide_the_rest() -> None:
    text = 'He said "hi.\n\nCalm down, please.'
    assert words(text, "dismissive") == ["Calm down"]


def test_apostrophes_are_not_quotes() -> None:
    text = "The customers' parcels are late. It's obviously the courier's fault."
    assert words(text, "condescending")


def test_placeholders_are_flagged_even_in_quotes() -> None:
    assert words('The subject line says "Order {order_id}".', "unfilled-placeholder")


def test_quote_marks_fold_for_matching_and_offsets_stay_exact() -> None:
    text = "I\u2019m sorry for the wait. I\u2019ve refunded it."
    assert words(text, "sorry-for-wait") == ["I\u2019m sorry for the wait"]


# --- negation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I won't ask you to calm down.",
        "I would never tell you to calm down.",
        "There is no need to calm down.",
        "I don't think it's obviously your mistake.",
    ],
)
def test_negation_before_a_dismissive_phrase_cancels_it(text: str) -> None:
    assert not rules(text) & {"dismissive", "condescending"}


def test_negation_does_not_reach_into_the_next_clause() -> None:
    assert words("No. Calm down.", "dismissive") == ["Calm down"]
    assert words("No, calm down.", "dismissive") == ["calm down"]


# --- replacements ----------------------------------------------------------------------


def test_sorry_for_the_wait_becomes_thank_you_for_waiting() -> None:
    text = "Sorry for the wait! I've refunded it."
    (finding,) = [f for f in check_tone(text) if f.rule == "sorry-for-wait"]
    assert apply(text, finding) == "Thank you for waiting! I've refunded it."


def test_deletion_takes_the_space_with_it() -> None:
    text = "To reset it, simply click the link."
    (finding,) = [f for f in check_tone(text) if f.rule == "condescending"]
    assert apply(text, finding) == "To reset it, click the link."


def test_word_that_starts_a_sentence_has_no_one_click_deletion() -> None:
    text = "Obviously we can't do that."
    (finding,) = [f for f in check_tone(text) if f.rule == "condescending"]
    assert text[finding.start : finding.end] == "Obviously"
    assert finding.replacement is None


def test_placeholder_fallback_is_the_replacement() -> None:
    text = "Hi {name|there}, done."
    (finding,) = [f for f in check_tone(text) if f.rule == "unfilled-placeholder"]
    assert apply(text, finding) == "Hi there, done."


def test_shouting_becomes_normal_case_keeping_acronyms() -> None:
    text = "Hello. PLEASE SEND THE PDF NOW."
    (finding,) = [f for f in check_tone(text) if f.rule == "shouting"]
    assert apply(text, finding) == "Hello. Please send the PDF now."


def test_exclamation_marks_become_one() -> None:
    text = "Done!!!"
    (finding,) = check_tone(text)
    assert apply(text, finding) == "Done!"


def test_hidden_characters_are_removed() -> None:
    text = "Pay\u200b\u200bnow, I've sent the link."
    (finding,) = [f for f in check_tone(text) if f.rule == "hidden-characters"]
    assert apply(text, finding) == "Paynow, I've sent the link."


def test_direction_marks_are_info_not_warnings() -> None:
    (finding,) = check_tone("Order \u200f42 is ready, I've emailed it.")
    assert (finding.rule, finding.severity) == ("hidden-characters", "info")


def test_replacing_removes_the_finding() -> None:
    text = "Sorry for the wait. To reset it, simply click the link. Hi {name|there}!!"
    for _ in range(10):
        fixable = [f for f in check_tone(text) if f.replacement is not None]
        if not fixable:
            break
        text = apply(text, fixable[-1])
    assert [f.rule for f in check_tone(text) if f.replacement is not None] == []
    assert text == "Thank you for waiting. To reset it, click the link. Hi there!"


# --- team rules ------------------------------------------------------------------------

TEAM = (
    ToneRule(id="acme.ticket", phrases=("ticket",), message="Say 'request'.", suggestion="request"),
    ToneRule(
        id="acme.regex",
        phrases=("a.b", "(x+)+$", "[unclosed"),
        message="Literal only.",
        suggestion="Say it another way, please, and mean it.",
        severity="info",
    ),
)


def test_team_phrases_match_case_insensitively_on_word_boundaries() -> None:
    found = [f for f in check_tone("Your Ticket is open; tickets close daily.", TEAM)]
    team = [f for f in found if f.rule == "acme.ticket"]
    assert [(f.start, f.end, f.replacement) for f in team] == [(5, 11, "Request")]


def test_team_phrases_are_never_regular_expressions() -> None:
    text = "axb (x+)+$ a.b [unclosed"
    found = [text[f.start : f.end] for f in check_tone(text, TEAM) if f.rule == "acme.regex"]
    assert found == ["(x+)+$", "a.b", "[unclosed"]


def test_team_rule_long_suggestion_is_not_a_replacement_and_severity_kept() -> None:
    (finding,) = [f for f in check_tone("see a.b", TEAM) if f.rule == "acme.regex"]
    assert finding.replacement is None
    assert finding.severity == "info"


def test_team_rules_are_skipped_inside_quotes() -> None:
    assert not [f for f in check_tone('You said "ticket".', TEAM) if f.rule == "acme.ticket"]


def test_rule_without_phrases_is_ignored() -> None:
    empty = (ToneRule(id="acme.none", phrases=("", "  "), message="x"),)
    assert check_tone("anything", empty) == []


# --- bad input -------------------------------------------------------------------------


def check_invariants(text: str, findings: list[Finding]) -> None:
    assert findings == sorted(findings, key=lambda f: (f.start, f.end, f.rule))
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert f.severity in ("info", "warning")
        assert f.message


@pytest.mark.parametrize("text", ["", " ", "\n\n\t"])
def test_empty_text_has_no_findings(text: str) -> None:
    assert check_tone(text) == []


def test_one_megabyte_of_text() -> None:
    unit = "Sorry for the wait. You should have read the FAQ!! Hopefully it arrives. "
    text = (unit * (1_048_576 // len(unit) + 1))[:1_048_576]
    findings = check_tone(text)
    check_invariants(text, findings)
    assert {"sorry-for-wait", "blame", "shouting", "hedged-commitment"} <= {
        f.rule for f in findings
    }


def test_binary_garbage() -> None:
    rng = random.Random(6)
    raw = bytes(rng.randrange(256) for _ in range(50_000))
    for text in (raw.decode("latin-1"), raw.decode("utf-8", errors="surrogateescape")):
        check_invariants(text, check_tone(text))


def test_right_to_left_and_mixed_scripts() -> None:
    text = (
        "\u0634\u0643\u0631\u0627\u064b Karim, calm down. \u05e9\u05dc\u05d5\u05dd \u4f60\u597d!!"
    )
    findings = check_tone(text)
    check_invariants(text, findings)
    assert words(text, "dismissive") == ["calm down"]
    assert words(text, "shouting") == ["!!"]


def test_characters_that_lower_to_two_keep_offsets() -> None:
    text = "\u0130stanbul office: sorry for the wait."
    assert words(text, "sorry-for-wait") == ["sorry for the wait"]


def test_deterministic() -> None:
    text = "Sorry you feel that way. Hopefully it SHOULD BE FIXED!! {x}"
    assert check_tone(text) == check_tone(text) == ToneChecker().check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_valid_findings(text: str) -> None:
    check_invariants(text, check_tone(text))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "sorry",
                "for",
                "the",
                "wait",
                "calm",
                "down",
                '"',
                "'",
                "\u201c",
                "\u201d",
                "!!",
                "I",
                "will",
            ]
        ),
        max_size=40,
    ).map(" ".join)
)
def test_word_soup_gives_valid_findings(text: str) -> None:
    check_invariants(text, check_tone(text))
