"""Statement validation (1.0.3 Data §2.2–§2.4, 9274.1.1 §4.2): every case through the real endpoint;
a refused statement answers 400 and writes nothing. Each case's id names the rule it checks."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tsunagu.learning.models import Statement
from tsunagu.learning.tests.conftest import Lrs, statement

pytestmark = pytest.mark.django_db

ACTIVITY = "https://drill.example.jp/q/1"
MBOX = {"mbox": "mailto:taro@example.jp"}
MBOX2 = {"account": {"homePage": "https://oauth.example.jp", "name": "app-1"}}


def with_path(path: str, value: Any) -> dict[str, Any]:
    """A valid statement with ``value`` set at dotted ``path`` (``DELETE`` removes the key)."""
    body = copy.deepcopy(statement())
    parts = path.split(".")
    target = body
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    if value == "DELETE":
        target.pop(parts[-1], None)
    else:
        target[parts[-1]] = value
    return body


REJECTED = {
    # statement level
    "statement_unknown_property": with_path("foo", "bar"),
    "statement_null_value": with_path("result", None),
    "statement_id_not_uuid": with_path("id", "not-a-uuid"),
    "statement_needs_actor": with_path("actor", "DELETE"),
    "statement_needs_verb": with_path("verb", "DELETE"),
    "statement_needs_object": with_path("object", "DELETE"),
    "statement_version_must_be_1_0_or_2_0": with_path("version", "0.9.5"),
    "statement_is_an_object_not_a_string": "a string",
    # actor
    "agent_needs_an_ifi": with_path("actor", {"name": "nobody"}),
    "agent_has_only_one_ifi": with_path(
        "actor", {"mbox": "mailto:a@example.jp", "openid": "https://id.example.jp/a"}
    ),
    "agent_mbox_is_a_mailto_iri": with_path("actor", {"mbox": "taro@example.jp"}),
    "agent_mbox_sha1sum_is_hex": with_path("actor", {"mbox_sha1sum": "xyz"}),
    "agent_openid_is_an_iri": with_path("actor", {"openid": "not an iri"}),
    "agent_account_needs_home_page_and_name": with_path("actor", {"account": {"name": "x"}}),
    "agent_account_home_page_is_an_iri": with_path("actor", {"account": {"homePage": "x", "name": "x"}}),
    "agent_account_has_no_other_properties": with_path(
        "actor", {"account": {"homePage": "https://a.example.jp", "name": "x", "id": 1}}
    ),
    "agent_object_type_is_agent": with_path("actor", {"objectType": "Person", **MBOX}),
    "agent_name_is_a_string": with_path("actor", {"name": 3, **MBOX}),
    "anonymous_group_needs_members": with_path("actor", {"objectType": "Group", "member": []}),
    "group_members_are_agents_not_groups": with_path(
        "actor", {"objectType": "Group", "member": [{"objectType": "Group", **MBOX}]}
    ),
    "identified_group_has_only_one_ifi": with_path(
        "actor", {"objectType": "Group", "mbox": "mailto:g@example.jp", "openid": "https://id.example.jp/g"}
    ),
    # verb
    "verb_needs_an_id": with_path("verb", {"display": {"ja": "した"}}),
    "verb_id_is_an_iri": with_path("verb.id", "answered"),
    "verb_display_is_a_language_map": with_path("verb.display", "回答した"),
    "language_map_keys_are_rfc5646_tags": with_path("verb.display", {"japanese!": "回答した"}),
    "language_map_values_are_strings": with_path("verb.display", {"ja": 1}),
    # object
    "activity_needs_an_id": with_path("object", {"objectType": "Activity"}),
    "activity_id_is_an_iri": with_path("object.id", "q1"),
    "object_type_must_be_known": with_path("object", {"objectType": "Thing", "id": ACTIVITY}),
    "agent_as_object_needs_object_type": with_path("object", MBOX),
    "activity_definition_unknown_property": with_path("object.definition.foo", 1),
    "activity_definition_type_is_an_iri": with_path("object.definition.type", "quiz"),
    "activity_definition_more_info_is_an_iri": with_path("object.definition.moreInfo", "see below"),
    "interaction_type_must_be_known": with_path("object.definition.interactionType", "essay"),
    "interaction_components_only_for_their_type": with_path(
        "object.definition", {"interactionType": "true-false", "choices": [{"id": "a"}]}
    ),
    "interaction_component_ids_are_distinct": with_path(
        "object.definition", {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}
    ),
    "correct_responses_pattern_is_an_array_of_strings": with_path(
        "object.definition", {"interactionType": "choice", "correctResponsesPattern": [1]}
    ),
    "extension_keys_are_iris": with_path("object.definition.extensions", {"subject": "math"}),
    "statement_ref_id_is_a_uuid": with_path("object", {"objectType": "StatementRef", "id": "x"}),
    "statement_ref_has_only_type_and_id": with_path(
        "object", {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee", "x": 1}
    ),
    "substatement_must_not_nest_a_substatement": with_path(
        "object",
        {
            "objectType": "SubStatement",
            "actor": MBOX,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {
                "objectType": "SubStatement",
                "actor": MBOX,
                "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                "object": {"id": ACTIVITY},
            },
        },
    ),
    "substatement_must_not_have_id_stored_version_authority": with_path(
        "object",
        {
            "objectType": "SubStatement",
            "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "actor": MBOX,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": ACTIVITY},
        },
    ),
    # result
    "result_score_scaled_between_minus_1_and_1": with_path("result", {"score": {"scaled": 1.5}}),
    "result_score_raw_not_below_min": with_path("result", {"score": {"raw": 1, "min": 2, "max": 5}}),
    "result_score_raw_not_above_max": with_path("result", {"score": {"raw": 6, "min": 2, "max": 5}}),
    "result_score_min_less_than_max": with_path("result", {"score": {"min": 5, "max": 5}}),
    "result_score_values_are_numbers": with_path("result", {"score": {"raw": "10"}}),
    "result_success_is_boolean": with_path("result", {"success": "true"}),
    "result_completion_is_boolean": with_path("result", {"completion": 1}),
    "result_response_is_a_string": with_path("result", {"response": 1}),
    "result_duration_is_iso8601": with_path("result", {"duration": "90 seconds"}),
    "result_duration_weeks_stand_alone": with_path("result", {"duration": "P4W1D"}),
    "result_duration_alternative_format_is_refused": with_path(
        "result", {"duration": "P0001-02-03T04:05:06"}
    ),
    "result_unknown_property": with_path("result", {"grade": "A"}),
    # context
    "context_registration_is_a_uuid": with_path("context", {"registration": "r1"}),
    "context_revision_only_with_activity_object": {
        **statement(),
        "object": {"objectType": "Agent", **MBOX},
        "context": {"revision": "2"},
    },
    "context_platform_only_with_activity_object": {
        **statement(),
        "object": {"objectType": "Agent", **MBOX},
        "context": {"platform": "iPad"},
    },
    "context_language_is_a_tag": with_path("context", {"language": "日本語"}),
    "context_team_is_a_group": with_path("context", {"team": MBOX}),
    "context_activities_keys_are_parent_grouping_category_other": with_path(
        "context", {"contextActivities": {"sibling": {"id": ACTIVITY}}}
    ),
    "context_statement_is_a_statement_ref": with_path("context", {"statement": {"id": "x"}}),
    "context_agents_only_in_2_0": with_path(
        "context", {"contextAgents": [{"objectType": "contextAgent", "agent": MBOX}]}
    ),
    # timestamps
    "timestamp_is_iso8601": with_path("timestamp", "30/11/2026 09:00"),
    "timestamp_offset_minus_zero_is_refused": with_path("timestamp", "2026-11-30T09:00:00-00:00"),
    "timestamp_offset_minus_zero_short_is_refused": with_path("timestamp", "2026-11-30T09:00:00.601-00"),
    "timestamp_offset_minus_zero_basic_is_refused": with_path("timestamp", "2026-11-30T09:00:00.601-0000"),
    "timestamp_must_be_a_real_date": with_path("timestamp", "2026-02-30T09:00:00Z"),
    # authority (replaced by the LRS, but checked as sent)
    "authority_is_an_agent_or_group": with_path("authority", {"name": "nobody"}),
    "authority_group_is_anonymous": with_path(
        "authority", {"objectType": "Group", "openid": "https://id.example.jp/g", "member": [MBOX, MBOX2]}
    ),
    "authority_group_has_two_members_not_one": with_path(
        "authority", {"objectType": "Group", "member": [MBOX]}
    ),
    "authority_group_has_two_members_not_three": with_path(
        "authority", {"objectType": "Group", "member": [MBOX, MBOX2, {"mbox": "mailto:c@example.jp"}]}
    ),
    # attachments
    "attachment_needs_usage_type_display_content_type_length_sha2": with_path(
        "attachments", [{"usageType": "https://a.example.jp/u", "fileUrl": "https://a.example.jp/f"}]
    ),
}

ACCEPTED = {
    "agent_with_account": with_path("actor", {"account": {"homePage": "https://a.example.jp", "name": "x"}}),
    "identified_group_actor": with_path("actor", {"objectType": "Group", "mbox": "mailto:g@example.jp"}),
    "anonymous_group_actor": with_path(
        "actor", {"objectType": "Group", "member": [MBOX, {"openid": "https://id.example.jp/b"}]}
    ),
    "agent_object": with_path("object", {"objectType": "Agent", "mbox": "mailto:hanako@example.jp"}),
    "substatement_object": with_path(
        "object",
        {
            "objectType": "SubStatement",
            "actor": MBOX,
            "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
            "object": {"id": ACTIVITY},
            "context": {"platform": "iPad"},
        },
    ),
    "full_interaction_definition": with_path(
        "object.definition",
        {
            "name": {"ja": "問1", "en-US": "Q1"},
            "interactionType": "choice",
            "correctResponsesPattern": ["b"],
            "choices": [{"id": "a", "description": {"ja": "ア"}}, {"id": "b"}],
            "extensions": {"https://w3id.org/japan-xapi/extensions/subject": "math"},
        },
    ),
    "full_result": with_path(
        "result",
        {
            "score": {"scaled": 0.8, "raw": 8, "min": 0, "max": 10},
            "success": True,
            "completion": True,
            "response": "b",
            "duration": "PT1M30.5S",
            "extensions": {"https://example.jp/x": None},
        },
    ),
    "full_context": with_path(
        "context",
        {
            "registration": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
            "instructor": {"mbox": "mailto:sensei@example.jp"},
            "contextActivities": {
                "parent": {"id": "https://drill.example.jp/set/1"},
                "category": [{"id": "https://w3id.org/xapi/jpedudataspec/v/1"}],
            },
            "revision": "1",
            "platform": "iPad",
            "language": "ja-JP",
            "statement": {"objectType": "StatementRef", "id": "6690e6c9-3ef0-4ed3-8b37-7f3964730bee"},
        },
    ),
    "authority_agent": with_path("authority", MBOX),
    "authority_oauth_application_and_user": with_path(
        "authority", {"objectType": "Group", "member": [MBOX, MBOX2]}
    ),
    "durations_of_iso8601_section_4_4_3_2": with_path("result", {"duration": "P3Y1M29DT4H35M59.14S"}),
    "duration_in_weeks": with_path("result", {"duration": "P4W"}),
    "timestamp_with_offset": with_path("timestamp", "2026-11-30T09:00:00.123+09:00"),
    "timestamp_rfc3339_with_a_space_for_t": with_path("timestamp", "2026-11-30 09:00:00.601+00:00"),
    "timestamp_without_seconds_fraction": with_path("timestamp", "2026-11-30T00:00:00Z"),
    "language_tag_with_script_and_region": with_path("verb.display", {"zh-Hant-TW": "回答", "und": "x"}),
}


@pytest.mark.parametrize("body", list(REJECTED.values()), ids=list(REJECTED))
def test_rejected_with_400_and_nothing_written(lrs: Lrs, body: Any) -> None:
    response = lrs.post(body)
    assert response.status_code == 400, response.content
    assert response.json()["error"]["message"]
    assert Statement.objects.filter(client=lrs.app).count() == 0


@pytest.mark.parametrize("body", list(ACCEPTED.values()), ids=list(ACCEPTED))
def test_accepted(lrs: Lrs, body: Any) -> None:
    response = lrs.post(body)
    assert response.status_code == 200, response.content


def test_context_agents_accepted_in_2_0(lrs: Lrs) -> None:
    lrs.version = "2.0.0"
    body = with_path(
        "context",
        {
            "contextAgents": [
                {"objectType": "contextAgent", "agent": MBOX, "relevantTypes": ["https://example.jp/tutor"]}
            ],
            "contextGroups": [
                {
                    "objectType": "contextGroup",
                    "group": {"objectType": "Group", "mbox": "mailto:g@example.jp"},
                }
            ],
        },
    )
    assert lrs.post(body).status_code == 200
