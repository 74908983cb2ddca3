"""The reasons of refused LRS requests in the reader's language, for the monitoring page.

The LRS answers machines in English (the reason is in the JSON error body and is stored as sent, so
the board can quote it to the app's vendor). The page shows our own reasons translated: each
template below is an English message the LRS writes, with ``%(name)s`` where it puts a value; the
Japanese is in the app's catalogue (msgid = the template). A reason that matches no template (a
JSON parser's own words, say) is shown as it is.
"""

from __future__ import annotations

import re
from functools import cache

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

#: Whole reasons.
TEMPLATES = [
    _("the X-Experience-API-Version header is required"),
    _("X-Experience-API-Version %(value)s is not a version this LRS accepts (%(versions)s)"),
    _(
        "HTTP Basic credentials or an OAuth 2.0 bearer token of a registered, active learning app are "
        "required"
    ),
    _("HTTP Basic credentials of a registered, active learning app are required"),
    _("this learning app may not do this (needs %(permissions)s)"),
    _("statement %(id)s is about a pupil of a school this learning app does not serve"),
    _("the agent is a pupil of a school this learning app does not serve"),
    _("another learning app keeps a document under this key"),
    _("statements must be sent as application/json or multipart/mixed"),
    _("statement %(id)s is already stored with other content"),
    _("%(method)s is not allowed here"),
    _("the request body is too large"),
    _("the body is not valid JSON: %(detail)s"),
    _("the batch is empty"),
    _("the batch holds two statements with the same id"),
    _("POST takes no parameters"),
    _("PUT needs the statementId parameter (and nothing else)"),
    _("PUT takes one statement (a JSON object)"),
    _("statement.id differs from the statementId parameter"),
    _("a voiding statement cannot be voided"),
    _("unknown parameter %(name)s"),
    _("the more token is not valid"),
    _("a more link takes no other parameters"),
    _("give statementId or voidedStatementId, not both"),
    _("an attachment without fileUrl needs a multipart/mixed request"),
    _("an attachment part does not hash to its X-Experience-API-Hash"),
    _("the signature does not verify with its certificate"),
    _("the signed payload differs from the statement"),
    _("If-Match does not match the document's ETag"),
    _("If-None-Match: the document exists"),
    _("the document exists: send If-Match or If-None-Match to change it"),
    _("xAPI 2.0 has no alternate request syntax"),
]

#: What the statement validation says after the JSON path of the fault (``<path>: <message>``).
FIELD_TEMPLATES = [
    _("must be a JSON object"),
    _("unknown property %(name)s"),
    _("must not be null"),
    _("%(name)s is required"),
    _("must be a string"),
    _("must be an absolute IRI"),
    _("must be a UUID"),
    _("must be true or false"),
    _("must be a number"),
    _("must be a language map (JSON object)"),
    _("%(tag)s is not a RFC 5646 language tag"),
    _("%(value)s is not an ISO 8601 timestamp"),
    _("%(value)s is not a valid date and time"),
    _("must be an ISO 8601 duration"),
    _("must be a mailto: IRI"),
    _("an Agent needs exactly one of mbox, mbox_sha1sum, openid, account"),
    _("a voiding statement's object must be a StatementRef"),
    _("may only be used when the object is an Activity"),
    _("must be between -1 and 1"),
    _("min must be less than max"),
    _("must not be less than min"),
    _("must not be more than max"),
    _("%(kind)s is not an object type"),
    _("must be 1.0.x or 2.0.x"),
    _("a Group authority must be anonymous"),
    _("a Group authority has exactly two Agents"),
]

_PATH = re.compile(r"^(?P<path>[A-Za-z][\w.\[\]]*): (?P<message>.+)$", re.DOTALL)


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"%\((\w+)\)s", template)
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


@cache
def _compiled(templates: tuple[str, ...]) -> list[tuple[re.Pattern[str], str]]:
    return [(_pattern(t), t) for t in templates]


def _translate(text: str, templates: list[str]) -> str | None:
    for pattern, template in _compiled(tuple(templates)):
        match = pattern.match(text)
        if match:
            return gettext(template) % match.groupdict()
    return None


def reason_display(reason: str) -> str:
    """``reason`` in the active language where it is one of ours, else as stored."""
    whole = _translate(reason, TEMPLATES)
    if whole is not None:
        return whole
    field = _PATH.match(reason)
    if field:
        message = _translate(field["message"], FIELD_TEMPLATES)
        if message is not None:
            return f"{field['path']}: {message}"
    return reason
