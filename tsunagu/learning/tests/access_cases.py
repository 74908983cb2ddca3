"""Access-matrix cases of the learning pages and of the LRS (see tsunagu/core/tests/access_matrix.py).

The board's pages (app registry, quarantine, monitoring) are for the board only: every other role
holds no rule (403), anonymous visitors are sent to log in. The LRS under ``/xapi/`` is a machine
endpoint: a person's session is no credential, so every cast role and anonymous visitors alike get
401 without the app's Basic credentials; only ``/xapi/about`` is open to everyone (xAPI says so).
"""

from __future__ import annotations

from typing import Any

from tsunagu.core.tests.access_matrix import REDIRECT, Case, Places, expect
from tsunagu.learning.models import AgentStatus, LearningClient, XapiAgent

BOARD_ONLY_PAGE = expect(403, board=200)
BOARD_ONLY_POST = expect(403, board=REDIRECT)
MACHINE_ONLY = expect(401, anonymous=401)


def _client(places: Places) -> dict[str, Any]:
    """A learning app of the board (the demo registers two; any will do)."""
    client = LearningClient.objects.filter(board=places.school.board).order_by("pk").first()
    if client is None:
        from tsunagu.learning.services import client_register

        client, _ = client_register(
            actor=None, board=places.school.board, name="matrix", kind="app", all_schools=True, permissions=[]
        )
    return {"client_uuid": client.uuid}


def _unmatched(places: Places) -> dict[str, Any]:
    """An actor of one of the board's statements waiting in the quarantine (posted here if none)."""
    agent = XapiAgent.objects.filter(status=AgentStatus.UNMATCHED).order_by("pk").first()
    if agent is None:
        from tsunagu.learning.xapi.store import store_statements

        client = LearningClient.objects.get(uuid=_client(places)["client_uuid"])
        store_statements(
            raw=[
                {
                    "actor": {"mbox": "mailto:unknown@example.jp"},
                    "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
                    "object": {"id": "https://drill.example.jp/q/1"},
                }
            ],
            client=client,
            version="1.0.3",
        )
        agent = XapiAgent.objects.get(ifi="mbox:unknown@example.jp")
    return {"agent_uuid": agent.uuid}


CASES: list[Case] = [
    Case("learning:app_list", "board's apps", BOARD_ONLY_PAGE),
    Case("learning:app_create", "form", BOARD_ONLY_PAGE),
    Case("learning:app_create", "empty post", BOARD_ONLY_PAGE, method="post"),
    Case("learning:app_detail", "board's app", BOARD_ONLY_PAGE, _client),
    Case("learning:app_rotate", "board's app", BOARD_ONLY_PAGE, _client, method="post"),
    Case("learning:app_revoke", "board's app", BOARD_ONLY_POST, _client, method="post"),
    Case("learning:quarantine", "board's actors", BOARD_ONLY_PAGE),
    Case("learning:agent_match", "empty post", BOARD_ONLY_POST, _unmatched, method="post"),
    Case("learning:agent_reject", "unmatched actor", BOARD_ONLY_POST, _unmatched, method="post"),
    Case("learning:monitoring", "board", BOARD_ONLY_PAGE),
    # The LRS: machines with Basic credentials only.
    Case("xapi:about", "open", expect(200, anonymous=200)),
    Case("xapi:statements", "no credentials", MACHINE_ONLY),
    Case("xapi:statements", "post without credentials", MACHINE_ONLY, method="post"),
    Case("xapi:state", "no credentials", MACHINE_ONLY),
    Case("xapi:activity_profile", "no credentials", MACHINE_ONLY),
    Case("xapi:activities", "no credentials", MACHINE_ONLY),
    Case("xapi:agent_profile", "no credentials", MACHINE_ONLY),
    Case("xapi:agents", "no credentials", MACHINE_ONLY),
]
