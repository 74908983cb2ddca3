"""OneRoster 1.2 REST provider, mounted at ``/ims/oneroster/`` (namespace ``oneroster``).

``oauth/token`` issues access tokens (client credentials); ``rostering/v1p2/…`` are the rostering
operations, whose resource names come from the operations table (``rest.py``) through path converters:
an unknown resource is no URL at all. No trailing slashes: OneRoster clients append paths to the base
URL as they are.
"""

from django.urls import URLPattern, path, register_converter

from tsunagu.roster_sync import rest_views
from tsunagu.roster_sync.rest import IN_SCHOOL_CLASS, NESTED, ROOTS


class _Choice:
    """A path converter accepting one of a fixed set of words."""

    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def _converter(name: str, words: list[str]) -> None:
    register_converter(type(name, (_Choice,), {"regex": "|".join(words)}), name)


_converter("or_root", list(ROOTS))
_converter("or_parent", sorted({parent for parent, _ in NESTED}))
_converter("or_nested", sorted({name for _, name in NESTED}))
_converter("or_in_class", list(IN_SCHOOL_CLASS))

app_name = "oneroster"
urlpatterns: list[URLPattern] = [
    path("oauth/token", rest_views.token, name="token"),
    path("rostering/v1p2/openapi.json", rest_views.openapi, name="openapi"),
    path("rostering/v1p2/<or_root:resource>", rest_views.collection, name="collection"),
    path("rostering/v1p2/<or_root:resource>/<str:sourced_id>", rest_views.item, name="item"),
    path(
        "rostering/v1p2/<or_parent:resource>/<str:sourced_id>/<or_nested:sub>",
        rest_views.nested,
        name="nested",
    ),
    path(
        "rostering/v1p2/schools/<str:school_id>/classes/<str:class_id>/<or_in_class:sub>",
        rest_views.school_class,
        name="school_class",
    ),
]
