"""The filter grammar of OneRoster collections, as a parser: every well-formed expression parses to
what it says, and any other text is refused with ``invalid_filter_field`` (never another error)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tsunagu.roster_sync.query import Filter, Predicate, QueryError, filter_parse, known_field

FIELDS = ["sourcedId", "status", "dateLastModified", "familyName", "grades", "metadata", "primaryOrg"]
known = known_field(FIELDS)
fields = st.sampled_from([*FIELDS, "metadata.jp.kanaFamilyName", "primaryOrg.sourcedId"])
ops = st.sampled_from(["=", "!=", ">", ">=", "<", "<=", "~"])
values = st.text(alphabet=st.characters(blacklist_characters="'\x00"), max_size=20)
#: The machine the suite runs on is shared: slow draws are the machine's, not the strategies'.
shared_machine = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@shared_machine
@given(fields, ops, values, st.sampled_from(["", "AND", "OR"]), fields, ops, values)
def test_a_well_formed_filter_parses_to_its_predicates(
    f1: str, op1: str, v1: str, joiner: str, f2: str, op2: str, v2: str
) -> None:
    text = f"{f1}{op1}'{v1}'" + (f" {joiner} {f2}{op2}'{v2}'" if joiner else "")
    parsed = filter_parse(text, known)
    expected = Filter(Predicate(f1, op1, v1), joiner, Predicate(f2, op2, v2) if joiner else None)
    assert parsed == expected


@shared_machine
@given(st.text(max_size=60))
def test_any_other_text_is_refused_as_invalid_filter_field(text: str) -> None:
    try:
        filter_parse(text, known)
    except QueryError as error:
        assert error.code_minor == "invalid_filter_field"


def test_the_filter_matches_lists_references_and_instants() -> None:
    record = {
        "grades": ["P3", "P4"],
        "primaryOrg": {"sourcedId": "s1"},
        "dateLastModified": "2026-05-01T10:00:00.000+09:00",
        "metadata": {"jp.kanaFamilyName": "タナカ"},
    }
    assert filter_parse("grades='P4'", known).matches(record)
    assert not filter_parse("grades!='P4'", known).matches(record)
    assert filter_parse("primaryOrg.sourcedId='s1'", known).matches(record)
    assert filter_parse("dateLastModified>'2026-04-30'", known).matches(record)
    assert not filter_parse("dateLastModified>'2026-05-01T02:00:00Z'", known).matches(record)
    assert filter_parse("metadata.jp.kanaFamilyName~'ナカ' AND grades='P3'", known).matches(record)
    assert filter_parse("grades='J1' OR primaryOrg.sourcedId='s1'", known).matches(record)
