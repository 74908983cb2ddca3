"""Validation of xAPI statements against the Data part of xAPI 1.0.3 and 2.0.0 (IEEE 9274.1.1).

:func:`validate_statement` walks one statement and raises :class:`XapiError` (400) with the JSON path
of the first problem. Every object's properties are checked against the list the specification
allows (unknown properties are rejected, as the specification recommends and the conformance suite
expects), ``null`` is refused everywhere but inside extension values, and each value's format is
checked: IRIs, UUIDs, ISO 8601 timestamps and durations, RFC 5646 language tags, ``mailto:`` IRIs,
SHA-1 sums, the IFI rules of agents and groups, the SubStatement restrictions and the context rules
(``revision``/``platform`` only when the object is an Activity). Section numbers refer to xAPI-Data.md
(1.0.3) and the matching clause of 9274.1.1 (2.0).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from tsunagu.learning.xapi.errors import XapiError

IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
SHA1_RE = re.compile(r"^[0-9a-fA-F]{40}$")
SHA2_RE = re.compile(r"^([0-9a-fA-F]{56}|[0-9a-fA-F]{64}|[0-9a-fA-F]{96}|[0-9a-fA-F]{128})$")
LANG_RE = re.compile(r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z0-9]{1,8})*$")
MAILTO_RE = re.compile(r"^mailto:[^@\s]+@[^@\s]+$")
TIMESTAMP_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(Z|z|[+-]\d{2}(?::?\d{2})?)?$"
)
#: ISO 8601:2004 §4.4.3.2 durations: weeks stand alone (``P4W``; ``P4W1D`` is not a duration).
DURATION_RE = re.compile(
    r"^P(?:\d+(?:[.,]\d+)?W"
    r"|(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?)$"
)
VERSION_RE = re.compile(r"^(1\.0(\.\d+)?|2\.0(\.\d+)?)$")

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")
STATEMENT_KEYS = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
SUBSTATEMENT_KEYS = {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
CONTEXT_KEYS = {
    "registration",
    "instructor",
    "team",
    "contextActivities",
    "revision",
    "platform",
    "language",
    "statement",
    "extensions",
}
CONTEXT_KEYS_2 = CONTEXT_KEYS | {"contextAgents", "contextGroups"}
DEFINITION_KEYS = {
    "name",
    "description",
    "type",
    "moreInfo",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
    "extensions",
}
INTERACTION_TYPES = {
    "true-false": set(),
    "choice": {"choices"},
    "fill-in": set(),
    "long-fill-in": set(),
    "matching": {"source", "target"},
    "performance": {"steps"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "numeric": set(),
    "other": set(),
}
COMPONENT_LISTS = {"choices", "scale", "source", "target", "steps"}
VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"


def _fail(path: str, message: str) -> XapiError:
    return XapiError(400, f"{path}: {message}")


def check_object(value: Any, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """``value`` is a JSON object with only ``allowed`` keys, every ``required`` one, and no nulls."""
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    # The set operations run in C; the loops that name the fault run only when there is one
    # (this check runs ~12 times per statement, so its cost is a share of the ingest's).
    if not allowed.issuperset(value):
        raise _fail(path, f"unknown property {sorted(set(value) - allowed)[0]!r}")
    if None in value.values():
        key = next(k for k, item in value.items() if item is None)
        raise _fail(f"{path}.{key}", "must not be null")
    for key in required:
        if key not in value:
            raise _fail(path, f"{key!r} is required")
    return value


def check_string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")
    return value


def check_iri(value: Any, path: str) -> str:
    """An absolute IRI (a scheme, no white space)."""
    if not isinstance(value, str) or not IRI_RE.match(value):
        raise _fail(path, "must be an absolute IRI")
    return value


def check_uuid(value: Any, path: str) -> str:
    """A UUID in its 8-4-4-4-12 hexadecimal form."""
    if not isinstance(value, str) or not UUID_RE.match(value):
        raise _fail(path, "must be a UUID")
    return value


def check_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(path, "must be true or false")
    return value


def check_number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(path, "must be a number")
    return float(value)


def check_language_map(value: Any, path: str) -> dict[str, str]:
    """A language map: RFC 5646 tags to strings."""
    if not isinstance(value, dict):
        raise _fail(path, "must be a language map (JSON object)")
    for tag, text in value.items():
        if not LANG_RE.match(tag):
            raise _fail(path, f"{tag!r} is not a RFC 5646 language tag")
        if not isinstance(text, str):
            raise _fail(f"{path}.{tag}", "must be a string")
    return value


def check_extensions(value: Any, path: str) -> dict[str, Any]:
    """Extensions: keys are IRIs, values any JSON (null included)."""
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    for key in value:
        check_iri(key, f"{path} key {key!r}")
    return value


def parse_timestamp(value: Any, path: str) -> dt.datetime:
    """An ISO 8601 date and time; a missing offset means UTC; the offset ``-00:00`` is refused (RFC 3339).
    A space may stand for the ``T`` (RFC 3339 §5.6, accepted by 9274.1.1's timestamps)."""
    if not isinstance(value, str):
        raise _fail(path, "must be an ISO 8601 timestamp string")
    match = TIMESTAMP_RE.match(value)
    if not match:
        raise _fail(path, f"{value!r} is not an ISO 8601 timestamp")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if zone in ("-00", "-00:00", "-0000"):
        raise _fail(path, "the offset -00:00 is not allowed")
    tz = dt.UTC
    if zone and zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        digits = zone[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
        tz = dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
    try:
        micro = int((fraction or "0")[:6].ljust(6, "0"))
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tzinfo=tz
        )
    except ValueError as exc:
        raise _fail(path, f"{value!r} is not a valid date and time") from exc


def format_timestamp(value: dt.datetime) -> str:
    """The LRS's own form of a timestamp: UTC, milliseconds, ``Z``."""
    utc = value.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


# --- agents ---------------------------------------------------------------------------------------


def _check_ifi(value: dict[str, Any], path: str) -> int:
    count = 0
    if "mbox" in value:
        count += 1
        if not isinstance(value["mbox"], str) or not MAILTO_RE.match(value["mbox"]):
            raise _fail(f"{path}.mbox", "must be a mailto: IRI")
    if "mbox_sha1sum" in value:
        count += 1
        if not isinstance(value["mbox_sha1sum"], str) or not SHA1_RE.match(value["mbox_sha1sum"]):
            raise _fail(f"{path}.mbox_sha1sum", "must be a SHA-1 hex digest")
    if "openid" in value:
        count += 1
        check_iri(value["openid"], f"{path}.openid")
    if "account" in value:
        count += 1
        account = check_object(
            value["account"], f"{path}.account", {"homePage", "name"}, ("homePage", "name")
        )
        check_iri(account["homePage"], f"{path}.account.homePage")
        check_string(account["name"], f"{path}.account.name")
    return count


def check_agent(value: Any, path: str, *, object_type_required: bool = False) -> dict[str, Any]:
    """An Agent: exactly one IFI, optional name and objectType ``Agent``."""
    agent = check_object(value, path, {"objectType", "name", *IFIS})
    if object_type_required and "objectType" not in agent:
        raise _fail(path, "'objectType' is required")
    if "objectType" in agent and agent["objectType"] != "Agent":
        raise _fail(f"{path}.objectType", "must be 'Agent'")
    if "name" in agent:
        check_string(agent["name"], f"{path}.name")
    if _check_ifi(agent, path) != 1:
        raise _fail(path, "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account")
    return agent


def check_group(value: Any, path: str) -> dict[str, Any]:
    """A Group: anonymous (members, no IFI) or identified (exactly one IFI); members are Agents."""
    group = check_object(value, path, {"objectType", "name", "member", *IFIS}, ("objectType",))
    if group["objectType"] != "Group":
        raise _fail(f"{path}.objectType", "must be 'Group'")
    if "name" in group:
        check_string(group["name"], f"{path}.name")
    ifis = _check_ifi(group, path)
    if ifis > 1:
        raise _fail(path, "a Group may have only one IFI")
    if "member" in group:
        if not isinstance(group["member"], list):
            raise _fail(f"{path}.member", "must be an array of Agents")
        for i, member in enumerate(group["member"]):
            check_agent(member, f"{path}.member[{i}]")
    if ifis == 0 and not group.get("member"):
        raise _fail(path, "an anonymous Group needs members")
    return group


def check_actor(value: Any, path: str) -> dict[str, Any]:
    """An Agent or a Group (by ``objectType``)."""
    if isinstance(value, dict) and value.get("objectType") == "Group":
        return check_group(value, path)
    return check_agent(value, path)


def check_authority(value: Any, path: str) -> dict[str, Any]:
    """An ``authority`` as a client may send it (the LRS replaces it with its own): an Agent, or an
    anonymous Group of exactly two Agents — the OAuth application and the user (Data §2.4.9,
    XAPI-00024, XAPI-00098). An identified Group, or a Group of one or three, is 400."""
    authority = check_actor(value, path)
    if authority.get("objectType") == "Group":
        if any(key in authority for key in IFIS):
            raise _fail(path, "a Group authority must be anonymous")
        if len(authority.get("member", [])) != 2:
            raise _fail(f"{path}.member", "a Group authority has exactly two Agents")
    return authority


# --- activities -----------------------------------------------------------------------------------


def _check_components(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise _fail(path, "must be an array of interaction components")
    seen: set[str] = set()
    for i, item in enumerate(value):
        component = check_object(item, f"{path}[{i}]", {"id", "description"}, ("id",))
        ident = check_string(component["id"], f"{path}[{i}].id")
        if ident in seen:
            raise _fail(f"{path}[{i}].id", "interaction component ids must be distinct")
        seen.add(ident)
        if "description" in component:
            check_language_map(component["description"], f"{path}[{i}].description")


def check_definition(value: Any, path: str) -> dict[str, Any]:
    """An activity definition, with interaction components only for the matching interactionType."""
    definition = check_object(value, path, DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in definition:
            check_language_map(definition[key], f"{path}.{key}")
    for key in ("type", "moreInfo"):
        if key in definition:
            check_iri(definition[key], f"{path}.{key}")
    if "extensions" in definition:
        check_extensions(definition["extensions"], f"{path}.extensions")
    interaction = definition.get("interactionType")
    lists = COMPONENT_LISTS & set(definition)
    if interaction is None:
        if lists or "correctResponsesPattern" in definition:
            raise _fail(path, "interaction properties need an interactionType")
        return definition
    if interaction not in INTERACTION_TYPES:
        raise _fail(f"{path}.interactionType", f"{interaction!r} is not an interaction type")
    extra = lists - INTERACTION_TYPES[interaction]
    if extra:
        raise _fail(path, f"{sorted(extra)[0]!r} is not allowed for interactionType {interaction!r}")
    for key in lists:
        _check_components(definition[key], f"{path}.{key}")
    if "correctResponsesPattern" in definition:
        pattern = definition["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise _fail(f"{path}.correctResponsesPattern", "must be an array of strings")
    return definition


def check_activity(value: Any, path: str) -> dict[str, Any]:
    """An Activity: an IRI ``id`` and an optional definition."""
    activity = check_object(value, path, {"objectType", "id", "definition"}, ("id",))
    if activity.get("objectType", "Activity") != "Activity":
        raise _fail(f"{path}.objectType", "must be 'Activity'")
    check_iri(activity["id"], f"{path}.id")
    if "definition" in activity:
        check_definition(activity["definition"], f"{path}.definition")
    return activity


def check_statement_ref(value: Any, path: str) -> dict[str, Any]:
    ref = check_object(value, path, {"objectType", "id"}, ("objectType", "id"))
    if ref["objectType"] != "StatementRef":
        raise _fail(f"{path}.objectType", "must be 'StatementRef'")
    check_uuid(ref["id"], f"{path}.id")
    return ref


def check_statement_object(value: Any, path: str, *, in_substatement: bool, version: str) -> str:
    """The object of a statement or sub-statement; returns its objectType."""
    if not isinstance(value, dict):
        raise _fail(path, "must be a JSON object")
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        check_activity(value, path)
    elif kind == "Agent":
        check_agent(value, path, object_type_required=True)
    elif kind == "Group":
        check_group(value, path)
    elif kind == "StatementRef":
        check_statement_ref(value, path)
    elif kind == "SubStatement":
        if in_substatement:
            raise _fail(path, "a SubStatement must not contain a SubStatement")
        check_object(value, path, SUBSTATEMENT_KEYS, ("actor", "verb", "object"))
        _check_body(value, path, in_substatement=True, version=version)
    else:
        raise _fail(f"{path}.objectType", f"{kind!r} is not an object type")
    return str(kind)


# --- the parts of a statement ---------------------------------------------------------------------


def check_verb(value: Any, path: str) -> dict[str, Any]:
    verb = check_object(value, path, {"id", "display"}, ("id",))
    check_iri(verb["id"], f"{path}.id")
    if "display" in verb:
        check_language_map(verb["display"], f"{path}.display")
    return verb


def check_result(value: Any, path: str) -> None:
    result = check_object(
        value, path, {"score", "success", "completion", "response", "duration", "extensions"}
    )
    if "score" in result:
        score = check_object(result["score"], f"{path}.score", {"scaled", "raw", "min", "max"})
        numbers = {k: check_number(v, f"{path}.score.{k}") for k, v in score.items()}
        if "scaled" in numbers and not -1 <= numbers["scaled"] <= 1:
            raise _fail(f"{path}.score.scaled", "must be between -1 and 1")
        if "min" in numbers and "max" in numbers and numbers["min"] >= numbers["max"]:
            raise _fail(f"{path}.score", "min must be less than max")
        if "raw" in numbers:
            if "min" in numbers and numbers["raw"] < numbers["min"]:
                raise _fail(f"{path}.score.raw", "must not be less than min")
            if "max" in numbers and numbers["raw"] > numbers["max"]:
                raise _fail(f"{path}.score.raw", "must not be more than max")
    for key in ("success", "completion"):
        if key in result:
            check_bool(result[key], f"{path}.{key}")
    if "response" in result:
        check_string(result["response"], f"{path}.response")
    if "duration" in result:
        duration = result["duration"]
        if not isinstance(duration, str) or not DURATION_RE.match(duration):
            raise _fail(f"{path}.duration", "must be an ISO 8601 duration")
    if "extensions" in result:
        check_extensions(result["extensions"], f"{path}.extensions")


def _activity_list(value: Any, path: str) -> None:
    items = value if isinstance(value, list) else [value]
    for i, item in enumerate(items):
        check_activity(item, f"{path}[{i}]" if isinstance(value, list) else path)


def check_context(value: Any, path: str, *, object_type: str, version: str) -> None:
    """A context; ``revision`` and ``platform`` only when the object is an Activity (Data §2.4.6)."""
    allowed = CONTEXT_KEYS_2 if version.startswith("2.") else CONTEXT_KEYS
    context = check_object(value, path, allowed)
    if "registration" in context:
        check_uuid(context["registration"], f"{path}.registration")
    if "instructor" in context:
        check_actor(context["instructor"], f"{path}.instructor")
    if "team" in context:
        check_group(context["team"], f"{path}.team")
    if "contextActivities" in context:
        activities = check_object(
            context["contextActivities"],
            f"{path}.contextActivities",
            {"parent", "grouping", "category", "other"},
        )
        for key, item in activities.items():
            _activity_list(item, f"{path}.contextActivities.{key}")
    for key in ("revision", "platform"):
        if key in context:
            check_string(context[key], f"{path}.{key}")
            if object_type != "Activity":
                raise _fail(f"{path}.{key}", "may only be used when the object is an Activity")
    if "language" in context and (
        not isinstance(context["language"], str) or not LANG_RE.match(context["language"])
    ):
        raise _fail(f"{path}.language", "must be a RFC 5646 language tag")
    if "statement" in context:
        check_statement_ref(context["statement"], f"{path}.statement")
    if "extensions" in context:
        check_extensions(context["extensions"], f"{path}.extensions")
    for key, inner, checker in (
        ("contextAgents", "agent", check_agent),
        ("contextGroups", "group", check_group),
    ):
        if key not in context:
            continue
        if not isinstance(context[key], list) or not context[key]:
            raise _fail(f"{path}.{key}", "must be a non-empty array")
        expected_type = "contextAgent" if key == "contextAgents" else "contextGroup"
        for i, item in enumerate(context[key]):
            where = f"{path}.{key}[{i}]"
            entry = check_object(item, where, {"objectType", inner, "relevantTypes"}, ("objectType", inner))
            if entry["objectType"] != expected_type:
                raise _fail(f"{where}.objectType", f"must be {expected_type!r}")
            checker(entry[inner], f"{where}.{inner}")
            if "relevantTypes" in entry:
                types = entry["relevantTypes"]
                if not isinstance(types, list) or not types:
                    raise _fail(f"{where}.relevantTypes", "must be a non-empty array of IRIs")
                for j, iri in enumerate(types):
                    check_iri(iri, f"{where}.relevantTypes[{j}]")


def check_attachments(value: Any, path: str) -> None:
    if not isinstance(value, list):
        raise _fail(path, "must be an array")
    for i, item in enumerate(value):
        where = f"{path}[{i}]"
        attachment = check_object(
            item,
            where,
            {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"},
            ("usageType", "display", "contentType", "length", "sha2"),
        )
        check_iri(attachment["usageType"], f"{where}.usageType")
        check_language_map(attachment["display"], f"{where}.display")
        if "description" in attachment:
            check_language_map(attachment["description"], f"{where}.description")
        check_string(attachment["contentType"], f"{where}.contentType")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise _fail(f"{where}.length", "must be a non-negative integer")
        if not isinstance(attachment["sha2"], str) or not SHA2_RE.match(attachment["sha2"]):
            raise _fail(f"{where}.sha2", "must be a SHA-2 hex digest")
        if "fileUrl" in attachment:
            check_iri(attachment["fileUrl"], f"{where}.fileUrl")


def _check_body(value: dict[str, Any], path: str, *, in_substatement: bool, version: str) -> None:
    check_actor(value["actor"], f"{path}.actor")
    verb = check_verb(value["verb"], f"{path}.verb")
    object_type = check_statement_object(
        value["object"], f"{path}.object", in_substatement=in_substatement, version=version
    )
    if verb["id"] == VOIDED_VERB and object_type != "StatementRef":
        raise _fail(f"{path}.object", "a voiding statement's object must be a StatementRef")
    if "result" in value:
        check_result(value["result"], f"{path}.result")
    if "context" in value:
        check_context(value["context"], f"{path}.context", object_type=object_type, version=version)
    if "timestamp" in value:
        parse_timestamp(value["timestamp"], f"{path}.timestamp")
    if "attachments" in value:
        check_attachments(value["attachments"], f"{path}.attachments")


def validate_statement(value: Any, *, version: str, path: str = "statement") -> dict[str, Any]:
    """Check one statement as received (Data §2.2, §2.4); raise :class:`XapiError` 400 on the first fault.

    ``version`` is the request's xAPI version (``1.0.3`` or ``2.0.0``): 2.0 adds ``contextAgents`` and
    ``contextGroups``.
    """
    statement = check_object(value, path, STATEMENT_KEYS, ("actor", "verb", "object"))
    if "id" in statement:
        check_uuid(statement["id"], f"{path}.id")
    _check_body(statement, path, in_substatement=False, version=version)
    if "stored" in statement:
        parse_timestamp(statement["stored"], f"{path}.stored")
    if "authority" in statement:
        check_authority(statement["authority"], f"{path}.authority")
    if "version" in statement and (
        not isinstance(statement["version"], str) or not VERSION_RE.match(statement["version"])
    ):
        raise _fail(f"{path}.version", "must be 1.0.x or 2.0.x")
    return statement


def new_statement_id() -> str:
    """A fresh statement id (UUID version 4)."""
    return str(uuid.uuid4())
