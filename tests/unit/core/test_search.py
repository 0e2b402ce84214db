"""The search index: matching, ranking, spans, bad input, pruning and incremental updates."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tactful.core.lexicon import Lexicon
from tactful.core.model import Situation, Template
from tactful.core.postings import Posting, brute_force, exact_score, top_k, weighted
from tactful.core.search import BOOST_LIMIT, DIVERSITY_POOL, Hit, SearchIndex, Span
from tactful.core.situations import STANDARD_SITUATIONS

SITUATIONS = {s.id: s for s in STANDARD_SITUATIONS}
LEXICON = Lexicon.from_groups(
    [
        ["parcel", "package", "order"],
        ["money back", "refund"],
        ["locked out", "can't log in", "login"],
        ["recvd", "received"],
    ]
)


def tpl(
    tid: str,
    title: str,
    body: str = "Hello there.",
    situation: str = "opening",
    pack: str = "p",
    keywords: tuple[str, ...] = (),
    tags: tuple[str, ...] = (),
    variants: tuple[tuple[str, str], ...] = (),
) -> Template:
    return Template(
        id=tid,
        title=title,
        situation=situation,
        body=body,
        pack_id=pack,
        keywords=keywords,
        tags=tags,
        variants=variants,
    )


LIBRARY = [
    tpl("late", "Order running late", "I am sorry your order is late.", "order_late"),
    tpl("lost", "Parcel lost in transit", "Your package was marked delivered.", "order_lost"),
    tpl("refund", "Refund on its way", "I have issued your refund today.", "refund_request"),
    tpl("twice", "Charged twice", "I can see the double charge.", "billing_error"),
    tpl("locked", "Locked out of the account", "Let us reset your password.", "account_access"),
    tpl("cafe", "Café voucher", "A voucher for the café.", "compliment"),
    tpl("angry", "Furious customer", "I hear how frustrating this is.", "angry_customer"),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(LIBRARY, SITUATIONS, LEXICON)


def ids(hits: list[Hit]) -> list[str]:
    return [h.template.id for h in hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("order late", "late"),
        ("late order", "late"),  # word order free
        ("ordr late", "late"),  # typo
        ("refnd", "refund"),  # typo in the last word
        ("ref", "refund"),  # prefix of the word being typed
        ("REFUND", "refund"),  # case
        ("cafe", "cafe"),  # accent folding, both ways
        ("Café", "cafe"),
        ("money back", "refund"),  # synonym phrase
        ("locked out", "locked"),
        ("furious", "angry"),
        ("charges", "twice"),  # stemming: charges ~ charged
    ],
)
def test_finds_the_right_template(index: SearchIndex, query: str, expected: str) -> None:
    assert ids(index.search(query, limit=1)) == [expected]


def test_situation_name_and_keywords_count(index: SearchIndex) -> None:
    # "overcharged" is only in the billing_error situation's keywords.
    assert ids(index.search("overcharged", limit=1)) == ["twice"]


def test_prefix_only_for_the_word_being_typed(index: SearchIndex) -> None:
    assert ids(index.search("refu", limit=1)) == ["refund"]
    # Followed by a space the word is finished: no completion, and too short for a typo.
    assert index.search("refu ", limit=1) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "the and of to",
        "!!! ??? ...",
        "😀😀😀",
        "注文が届きません",
        "x" * 100_000,
        "order late " * 10_000,
        "\x00\x01\ufffd",
    ],
)
def test_bad_input_gives_a_list(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert isinstance(hits, list)
    assert len(hits) <= 10


def test_long_paste_still_finds_the_situation(index: SearchIndex) -> None:
    message = (
        "Hello, I have written to you before. My parcel still has not arrived and it is "
        "now very late, two weeks past the date you promised me. " * 40
    )
    assert len(message) > 5000
    assert index.search(message, limit=3)[0].template.situation in {"order_late", "order_lost"}


def test_non_latin_words_match_exactly() -> None:
    index = SearchIndex.build([tpl("jp", "注文 遅延", "ご注文")], SITUATIONS, LEXICON)
    assert ids(index.search("注文")) == ["jp"]


def test_empty_library() -> None:
    index = SearchIndex.build([], SITUATIONS, LEXICON)
    assert index.search("order late") == []
    assert len(index) == 0


def test_limit(index: SearchIndex) -> None:
    assert index.search("order", limit=0) == []
    assert len(index.search("your", limit=2)) <= 2


def test_spans_point_at_the_matched_words(index: SearchIndex) -> None:
    hit = index.search("order late", limit=1)[0]
    title = hit.template.title
    words = {(s.field, title[s.start : s.end]) for s in hit.spans if s.field == "title"}
    assert words == {("title", "Order"), ("title", "late")}
    body = hit.template.body
    assert {body[s.start : s.end] for s in hit.spans if s.field == "body"} == {"order", "late"}


def test_spans_cover_typos_accents_and_synonyms(index: SearchIndex) -> None:
    hit = index.search("cafe", limit=1)[0]
    assert {hit.template.title[s.start : s.end] for s in hit.spans if s.field == "title"} == {
        "Café"
    }
    hit = index.search("money back", limit=1)[0]
    assert "Refund" in {hit.template.title[s.start : s.end] for s in hit.spans}


def test_spans_are_whole_words_outside_placeholders() -> None:
    body = "Reorder? Your order_id {order_id} and ORDER. O'order isn't an order."
    index = SearchIndex.build([tpl("w", "Orders", body)], SITUATIONS, LEXICON)
    hit = index.search("order", limit=1)[0]
    starts = [s.start for s in hit.spans if s.field == "body"]
    # "order_id" is two words as the analyzer sees it; the placeholder's name, "Reorder"
    # and "O'order" are not the word "order".
    assert starts == [body.index("order_id"), body.index("ORDER"), body.rindex("order")]
    assert all(s.end - s.start == len("order") for s in hit.spans if s.field == "body")


def test_spans_of_a_multi_word_synonym() -> None:
    index = SearchIndex.build(
        [tpl("m", "Getting your money back", "You get your money back today.")],
        SITUATIONS,
        LEXICON,
    )
    hit = index.search("refund", limit=1)[0]
    body = hit.template.body
    assert [body[s.start : s.end] for s in hit.spans if s.field == "body"] == ["money", "back"]


def test_spans_follow_the_channel() -> None:
    template = tpl("c", "Hello", "Default text.", variants=(("chat", "Quick refund note."),))
    index = SearchIndex.build([template], SITUATIONS, LEXICON)
    hit = index.search("refund", channel="chat")[0]
    assert [s for s in hit.spans if s.field == "body"] == [Span("body", 6, 12)]


def test_ties_are_in_full_id_order() -> None:
    same = [
        tpl(f"t{n}", "Twin wording", situation=sid, pack=pack)
        for n, pack, sid in ((2, "b", "how_to"), (1, "a", "compliment"), (3, "a", "follow_up"))
    ]
    hits = SearchIndex.build(same, SITUATIONS, LEXICON).search("twin wording")
    assert [h.template.full_id for h in hits] == ["a/t1", "a/t3", "b/t2"]
    assert len({h.score for h in hits}) == 1


def test_close_matches_of_other_situations_show_early() -> None:
    library = [
        tpl("a1", "Refund refund issued", situation="refund_request"),
        tpl("a2", "Refund refund sent", situation="refund_request"),
        tpl("a3", "Refund refund done", situation="refund_request"),
        tpl("b1", "Refund still pending", situation="refund_delayed"),
    ]
    hits = SearchIndex.build(library, SITUATIONS, LEXICON).search("refund")
    situations = [h.template.situation for h in hits]
    assert situations[0] == "refund_request"
    assert "refund_delayed" in situations[:3]
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


def test_boost_lifts_a_close_match_but_never_buries_a_much_better_one(
    index: SearchIndex,
) -> None:
    plain = index.search("order", limit=5)
    assert plain[0].template.id == "late"
    weaker = plain[1]
    boosted = index.search("order", limit=5, boosts={weaker.template.full_id: 1.0})
    lifted = next(h for h in boosted if h.template.id == weaker.template.id)
    assert lifted.score == pytest.approx(weaker.score * (1 + BOOST_LIMIT))
    if weaker.score * (1 + BOOST_LIMIT) < plain[0].score:
        assert boosted[0].template.id == "late"
    # A boost never makes a template that does not match appear.
    assert "cafe" not in ids(index.search("order", boosts={"p/cafe": 1.0}))
    # Out-of-range lifts are clamped.
    huge = index.search("order", limit=5, boosts={weaker.template.full_id: 1e9})
    assert next(h for h in huge if h.template.id == weaker.template.id).score == pytest.approx(
        lifted.score
    )


def test_boost_reorders_equal_matches() -> None:
    same = [tpl(f"t{n}", "Twin wording") for n in range(3)]
    index = SearchIndex.build(same, SITUATIONS, LEXICON)
    assert ids(index.search("twin", boosts={"p/t2": 0.5}))[0] == "t2"


def test_duplicate_full_ids_keep_the_first() -> None:
    index = SearchIndex.build([tpl("a", "First"), tpl("a", "Second")], SITUATIONS, LEXICON)
    assert [t.title for t in index.templates] == ["First"]


def test_pickle_round_trip(index: SearchIndex) -> None:
    copy = pickle.loads(pickle.dumps(index))
    for query in ("order late", "money back", "cafe", "refnd"):
        assert copy.search(query) == index.search(query)


def test_default_lexicon_is_the_bundled_one() -> None:
    index = SearchIndex.build([tpl("r", "Refund issued", "Done.")], SITUATIONS)
    assert ids(index.search("money back")) == ["r"]


# -- incremental updates ------------------------------------------------------


def pack_templates(pack: str, titles: list[str], situation: str = "order_late") -> list[Template]:
    return [tpl(f"{pack}{n}", title, title, situation, pack=pack) for n, title in enumerate(titles)]


QUERIES = ["order", "late parcel", "refund money back", "charged", "ordr", "lo", "xyz"]


def assert_same_results(left: SearchIndex, right: SearchIndex) -> None:
    for query in QUERIES:
        assert left.search(query, limit=20) == right.search(query, limit=20), query


def test_replace_pack_equals_a_full_rebuild() -> None:
    a = pack_templates("a", ["Order late", "Parcel lost", "Refund now"])
    b = pack_templates("b", ["Charged twice order", "Late late late"])
    b2 = pack_templates("b", ["Money back for the order", "Parcel charged"])
    index = SearchIndex.build(a + b, SITUATIONS, LEXICON)
    updated = index.replace_pack("b", b2, SITUATIONS)
    assert_same_results(updated, SearchIndex.build(a + b2, SITUATIONS, LEXICON))
    # The old index is untouched.
    assert_same_results(index, SearchIndex.build(a + b, SITUATIONS, LEXICON))
    # Removing and adding a pack.
    assert_same_results(
        index.replace_pack("b", [], SITUATIONS), SearchIndex.build(a, SITUATIONS, LEXICON)
    )
    c = pack_templates("c", ["Late order again"])
    assert_same_results(
        index.replace_pack("c", c, SITUATIONS), SearchIndex.build(a + b + c, SITUATIONS, LEXICON)
    )


def test_replace_pack_after_a_pickle_round_trip_equals_a_full_rebuild() -> None:
    a = pack_templates("a", ["Order late", "Parcel lost"])
    b = pack_templates("b", ["Refund now", "Charged twice"], situation="billing_error")
    b2 = pack_templates("b", ["Money back", "Late parcel"], situation="refund_request")
    loaded = pickle.loads(pickle.dumps(SearchIndex.build(a + b, SITUATIONS, LEXICON)))
    assert_same_results(
        loaded.replace_pack("b", b2, SITUATIONS), SearchIndex.build(a + b2, SITUATIONS, LEXICON)
    )


def test_replace_pack_with_changed_situations_equals_a_full_rebuild() -> None:
    a = pack_templates("a", ["Hello"], situation="loyalty")
    b = pack_templates("b", ["World"], situation="loyalty")
    before = {**SITUATIONS, "loyalty": Situation("loyalty", "Points", ("rewards",))}
    after = {**SITUATIONS, "loyalty": Situation("loyalty", "Points", ("stamps",))}
    index = SearchIndex.build(a + b, before, LEXICON).replace_pack("b", b, after)
    fresh = SearchIndex.build(a + b, after, LEXICON)
    for query in ("stamps", "rewards", "points"):
        assert index.search(query) == fresh.search(query)
    assert len(index.search("stamps")) == 2


words = st.sampled_from(
    "order late parcel refund money back charged twice locked out login lost "
    "package wrong item broken refunds ordered charging".split()
)
titles = st.lists(words, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    first=st.lists(titles, min_size=0, max_size=8),
    second=st.lists(titles, min_size=0, max_size=8),
    replacement=st.lists(titles, min_size=0, max_size=8),
)
def test_replace_pack_equals_rebuild_property(
    first: list[str], second: list[str], replacement: list[str]
) -> None:
    a = pack_templates("a", first)
    b = pack_templates("b", second, situation="refund_request")
    b2 = pack_templates("b", replacement, situation="billing_error")
    updated = SearchIndex.build(a + b, SITUATIONS, LEXICON).replace_pack("b", b2, SITUATIONS)
    assert_same_results(updated, SearchIndex.build(a + b2, SITUATIONS, LEXICON))


# -- the pruned top-k equals a brute-force ranking ----------------------------


def reference(index: SearchIndex, query: str, limit: int, boosts: dict[str, float]) -> list[Hit]:
    """Score every template by brute force with the same plan, sort, then diversify."""
    plan = index.plan(query)
    count = len(index.templates)
    scores = brute_force(index.query_terms(plan), count, index.query_lift(plan))
    lifts = {
        n: 1 + BOOST_LIMIT * min(boosts[t.full_id], 1.0)
        for n, t in enumerate(index.templates)
        if t.full_id in boosts and boosts[t.full_id] > 0
    }
    ranked = sorted(
        ((n, s * lifts.get(n, 1.0)) for n, s in scores.items()),
        key=lambda item: (-item[1], index.templates[item[0]].full_id),
    )
    picked = index.diversify(ranked[: limit * DIVERSITY_POOL], limit)
    return [Hit(index.templates[n], s, ()) for n, s in picked]


vocabulary = [f"w{n}" for n in range(30)]


@st.composite
def libraries(draw: st.DrawFn) -> list[Template]:
    count = draw(st.integers(min_value=0, max_value=60))
    out = []
    for n in range(count):
        title = " ".join(draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=5)))
        body = " ".join(draw(st.lists(st.sampled_from(vocabulary), min_size=0, max_size=30)))
        out.append(tpl(f"t{n:03d}", title, body, situation="how_to", pack=f"p{n % 3}"))
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    library=libraries(),
    query=st.lists(st.sampled_from([*vocabulary, "w", "w1x", "zz"]), min_size=1, max_size=12),
    limit=st.integers(min_value=1, max_value=12),
    boosted=st.dictionaries(
        st.integers(min_value=0, max_value=59), st.floats(min_value=0, max_value=1), max_size=5
    ),
)
def test_index_equals_reference_ranking(
    library: list[Template], query: list[str], limit: int, boosted: dict[int, float]
) -> None:
    index = SearchIndex.build(library, SITUATIONS, Lexicon.empty())
    boosts = {f"p{n % 3}/t{n:03d}": lift for n, lift in boosted.items()}
    text = " ".join(query)
    got = [(h.template.full_id, h.score) for h in index.search(text, limit, boosts=boosts)]
    want = [(h.template.full_id, h.score) for h in reference(index, text, limit, boosts)]
    assert got == want


@settings(max_examples=200, deadline=None)
@given(
    lists=st.lists(
        st.dictionaries(
            st.integers(min_value=0, max_value=400),
            st.floats(min_value=0.125, max_value=5, width=32),
            min_size=1,
            max_size=300,
        ),
        min_size=1,
        max_size=6,
    ),
    factors=st.lists(st.floats(min_value=0.01, max_value=10), min_size=6, max_size=6),
    k=st.integers(min_value=1, max_value=15),
)
def test_top_k_keeps_every_template_of_the_true_top_k(
    lists: list[dict[int, float]], factors: list[float], k: int
) -> None:
    terms = [
        weighted(Posting.from_entries(sorted(entries.items())), factor)
        for entries, factor in zip(lists, factors, strict=False)
    ]
    full = brute_force(terms, 401)
    kth = sorted(full.values(), reverse=True)[:k][-1]
    got = top_k(terms, k)
    for number, score in full.items():
        if score >= kth:
            assert number in got
            assert got[number] == pytest.approx(exact_score(terms, number))


def test_posting_tiers_and_lookup() -> None:
    entries = [(n, float(n % 7) + 0.5) for n in range(0, 6000, 2)]
    posting = Posting.from_entries(entries)
    assert posting.df == 3000
    assert [len(t.ids) for t in posting.tiers] == [32, 224, 1792, 952]
    tops = [t.top for t in posting.tiers]
    assert tops == sorted(tops, reverse=True)
    assert posting.entries() == [(n, pytest.approx(w)) for n, w in entries]
    assert posting.weight_of(10) == pytest.approx(3.5)
    assert posting.weight_of(11) == 0.0
    remaining = posting.without({n for n in range(0, 6000, 4)})
    assert remaining is not None
    assert remaining.df == 1500
    assert posting.without({n for n, _ in entries}) is None
