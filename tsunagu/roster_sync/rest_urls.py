"""OneRoster 1.2 REST provider, mounted at ``/ims/oneroster/`` (namespace ``oneroster``).

``oauth/token`` issues access tokens (client credentials); ``rostering/v1p2/…`` are the rostering
operations, whose resource names come from the operations table (``rest.py``): an unknown resource
is no URL at all. No trailing slashes: OneRoster clients append paths to the base URL as they are.
"""

from django.urls import URLPattern, path, re_path

from tsunagu.roster_sync import rest_views
from tsunagu.roster_sync.rest import IN_SCHOOL_CLASS, NESTED, ROOTS

_ROOTS = "|".join(ROOTS)
_PARENTS = "|".join(sorted({parent for parent, _ in NESTED}))
_SUBS = "|".join(sorted({name for _, name in NESTED}))
_ID = r"[^/]+"

app_name = "oneroster"
urlpatterns: list[URLPattern] = [
    path("oauth/token", rest_views.token, name="token"),
    path("rostering/v1p2/openapi.json", rest_views.openapi, name="openapi"),
    re_path(rf"^rostering/v1p2/(?P<resource>{_ROOTS})$", rest_views.collection, name="collection"),
    re_path(rf"^rostering/v1p2/(?P<resource>{_ROOTS})/(?P<sourced_id>{_ID})$", rest_views.item, name="item"),
    re_path(
        rf"^rostering/v1p2/(?P<resource>{_PARENTS})/(?P<sourced_id>{_ID})/(?P<sub>{_SUBS})$",
        rest_views.nested,
        name="nested",
    ),
    re_path(
        rf"^rostering/v1p2/schools/(?P<school_id>{_ID})/classes/(?P<class_id>{_ID})/"
        rf"(?P<sub>{'|'.join(IN_SCHOOL_CLASS)})$",
        rest_views.school_class,
        name="school_class",
    ),
]
