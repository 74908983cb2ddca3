"""The schools a learning app serves bound the document resources and the Agents resource too
(decision 0019 §4), in xAPI 1.0.3 and 2.0.0 alike, through ``/xapi/`` with real credentials:

- State and Agent Profile of a pupil of another school: 403 for every method, nothing written;
- documents of an agent that stands for no pupil, and Activity Profile documents: the app's own;
- Agents (the Person object): 403 for a pupil of another school;
- Activities (canonical definitions): not narrowed.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest

from tsunagu.accounts.models import User
from tsunagu.learning.models import RejectedRequest, XapiAgent, XapiDocument
from tsunagu.learning.services import agent_match
from tsunagu.learning.tests.conftest import Lrs, make_lrs, new_id, statement
from tsunagu.learning.tests.test_xapi_schools_served import about, pupil_of, serving
from tsunagu.learning.xapi.store import issuer

pytestmark = pytest.mark.django_db

ACTIVITY = "https://drill.example.jp/units/fractions"
STRANGER = {"objectType": "Agent", "mbox": "mailto:guest@example.jp"}


@pytest.fixture(params=["1.0.3", "2.0.0"])
def version(request: Any) -> str:
    return str(request.param)


@pytest.fixture
def schools(ward: Any) -> tuple[Any, Any]:
    sakura = ward.schools["sakura"]
    other = next(s for s in ward.schools.values() if s.pk != sakura.pk)
    return sakura, other


@pytest.fixture
def app(ward: Any, schools: Any, version: str) -> Lrs:
    """A learning app registered for さくら小 only, speaking ``version``."""
    lrs = serving(ward, schools[0])
    lrs.version = version
    return lrs


@pytest.fixture
def ward_app(ward: Any, version: str) -> Lrs:
    """Another learning app, serving every school."""
    lrs = make_lrs(ward, name="全校ポータル")
    lrs.version = version
    return lrs


def account(pupil: Any) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": issuer(), "name": str(pupil.uuid)}}


def state_url(agent: dict[str, Any], **extra: str) -> str:
    return "/xapi/activities/state?" + urlencode(
        {"activityId": ACTIVITY, "agent": json.dumps(agent), **extra}
    )


def agent_profile_url(agent: dict[str, Any], **extra: str) -> str:
    return "/xapi/agents/profile?" + urlencode({"agent": json.dumps(agent), **extra})


def activity_profile_url(**extra: str) -> str:
    return "/xapi/activities/profile?" + urlencode({"activityId": ACTIVITY, **extra})


def every_method_refused(lrs: Lrs, url: str, single: str) -> None:
    """GET (one document and the list), PUT, POST and DELETE each answer 403."""
    assert lrs.get(single).status_code == 403
    assert lrs.get(url).status_code == 403
    assert lrs.put({"page": 1}, single).status_code == 403
    assert lrs.post({"page": 1}, single).status_code == 403
    assert lrs.delete(single).status_code == 403


# --- State -------------------------------------------------------------------------------------


def test_state_of_a_pupil_of_a_served_school_is_read_and_written(app: Lrs, schools: Any) -> None:
    agent = account(pupil_of(schools[0]))
    assert app.put({"page": 3}, state_url(agent, stateId="bookmark")).status_code == 204
    assert app.post({"font": "large"}, state_url(agent, stateId="bookmark")).status_code == 204
    assert app.get(state_url(agent, stateId="bookmark")).json() == {"page": 3, "font": "large"}
    assert app.get(state_url(agent)).json() == ["bookmark"]
    assert app.delete(state_url(agent, stateId="bookmark")).status_code == 204


def test_state_of_a_pupil_of_a_served_school_written_by_another_app_is_shared(
    app: Lrs, ward_app: Lrs, schools: Any
) -> None:
    agent = account(pupil_of(schools[0]))
    assert ward_app.put({"page": 9}, state_url(agent, stateId="s")).status_code == 204
    assert app.get(state_url(agent, stateId="s")).json() == {"page": 9}


def test_state_of_another_schools_pupil_is_refused_for_every_method(
    app: Lrs, ward_app: Lrs, schools: Any
) -> None:
    # The pupil has never been a statement's actor: the account of our issuer names them all the same.
    outsider = account(pupil_of(schools[1]))
    assert ward_app.put({"page": 2}, state_url(outsider, stateId="s")).status_code == 204
    every_method_refused(app, state_url(outsider), state_url(outsider, stateId="s"))
    document = XapiDocument.objects.get(kind="state", document_id="s")
    assert json.loads(bytes(document.content)) == {"page": 2}
    assert RejectedRequest.objects.filter(client=app.app, status=403).count() == 5


def test_state_of_an_agent_the_board_matched_to_another_schools_pupil_is_refused(
    app: Lrs, ward_app: Lrs, schools: Any
) -> None:
    assert ward_app.post(statement(id=new_id(), actor=STRANGER)).status_code == 200
    agent = XapiAgent.objects.get(ifi="mbox:guest@example.jp")
    board = User.objects.get(username="board")
    agent_match(actor=board, agent=agent, pupil_uuid=str(pupil_of(schools[1]).uuid))
    every_method_refused(app, state_url(STRANGER), state_url(STRANGER, stateId="s"))


def test_state_of_an_agent_standing_for_no_pupil_is_the_apps_own(app: Lrs, ward_app: Lrs) -> None:
    assert ward_app.put({"theirs": 1}, state_url(STRANGER, stateId="theirs")).status_code == 204
    assert app.put({"mine": 1}, state_url(STRANGER, stateId="mine")).status_code == 204
    assert app.get(state_url(STRANGER)).json() == ["mine"]
    assert app.get(state_url(STRANGER, stateId="theirs")).status_code == 404
    assert app.put({"x": 1}, state_url(STRANGER, stateId="theirs")).status_code == 403
    assert app.post({"x": 1}, state_url(STRANGER, stateId="theirs")).status_code == 403
    assert app.delete(state_url(STRANGER)).status_code == 204  # removes its own only
    assert ward_app.get(state_url(STRANGER)).json() == ["theirs"]
    assert ward_app.get(state_url(STRANGER, stateId="theirs")).json() == {"theirs": 1}


# --- Agent Profile ------------------------------------------------------------------------------


def test_agent_profile_of_a_pupil_of_a_served_school_is_read_and_written(app: Lrs, schools: Any) -> None:
    agent = account(pupil_of(schools[0]))
    assert app.put({"furigana": True}, agent_profile_url(agent, profileId="prefs")).status_code == 204
    assert app.get(agent_profile_url(agent, profileId="prefs")).json() == {"furigana": True}
    assert app.get(agent_profile_url(agent)).json() == ["prefs"]


def test_agent_profile_of_another_schools_pupil_is_refused_for_every_method(
    app: Lrs, ward_app: Lrs, schools: Any
) -> None:
    outsider = account(pupil_of(schools[1]))
    assert ward_app.put({"furigana": True}, agent_profile_url(outsider, profileId="p")).status_code == 204
    every_method_refused(app, agent_profile_url(outsider), agent_profile_url(outsider, profileId="p"))
    assert ward_app.get(agent_profile_url(outsider, profileId="p")).json() == {"furigana": True}


def test_agent_profile_of_an_agent_standing_for_no_pupil_is_the_apps_own(app: Lrs, ward_app: Lrs) -> None:
    assert ward_app.put({"v": 1}, agent_profile_url(STRANGER, profileId="theirs")).status_code == 204
    assert app.put({"v": 2}, agent_profile_url(STRANGER, profileId="mine")).status_code == 204
    assert app.get(agent_profile_url(STRANGER)).json() == ["mine"]
    assert app.get(agent_profile_url(STRANGER, profileId="theirs")).status_code == 404
    assert app.put({"v": 3}, agent_profile_url(STRANGER, profileId="theirs")).status_code == 403


# --- Agents ---------------------------------------------------------------------------------------


def test_agents_answers_the_person_of_a_pupil_of_a_served_school(app: Lrs, schools: Any) -> None:
    agent = account(pupil_of(schools[0]))
    response = app.get("/xapi/agents", {"agent": json.dumps(agent)})
    assert response.status_code == 200
    assert response.json()["account"] == [agent["account"]]


def test_agents_refuses_the_person_of_another_schools_pupil(app: Lrs, ward_app: Lrs, schools: Any) -> None:
    outsider = pupil_of(schools[1])
    # Known under two identifiers: the Person would join them.
    assert ward_app.post(about(outsider)).status_code == 200
    assert ward_app.post(statement(id=new_id(), actor=STRANGER)).status_code == 200
    board = User.objects.get(username="board")
    agent_match(
        actor=board, agent=XapiAgent.objects.get(ifi="mbox:guest@example.jp"), pupil_uuid=str(outsider.uuid)
    )
    for agent in (account(outsider), STRANGER):
        response = app.get("/xapi/agents", {"agent": json.dumps(agent)})
        assert response.status_code == 403
        assert "guest@example.jp" not in response.content.decode()


def test_agents_answers_an_agent_standing_for_no_pupil_as_given(app: Lrs, ward_app: Lrs) -> None:
    # Another app told the LRS the quarantined actor's name: not passed on to an app of one school.
    named = statement(id=new_id(), actor=STRANGER | {"name": "たぶん児童の名前"})
    assert ward_app.post(named).status_code == 200
    response = app.get("/xapi/agents", {"agent": json.dumps(STRANGER)})
    assert response.status_code == 200
    assert response.json() == {"objectType": "Person", "mbox": ["mailto:guest@example.jp"]}


# --- Activity Profile and Activities -------------------------------------------------------------


def test_activity_profile_documents_are_the_apps_own(app: Lrs, ward_app: Lrs) -> None:
    assert ward_app.put({"levels": 3}, activity_profile_url(profileId="theirs")).status_code == 204
    assert app.put({"levels": 5}, activity_profile_url(profileId="mine")).status_code == 204
    assert app.get(activity_profile_url()).json() == ["mine"]
    assert app.get(activity_profile_url(profileId="theirs")).status_code == 404
    assert (
        app.put({"x": 1}, activity_profile_url(profileId="theirs"), HTTP_IF_NONE_MATCH="*").status_code == 403
    )
    assert app.post({"x": 1}, activity_profile_url(profileId="theirs")).status_code == 403
    assert app.delete(activity_profile_url(profileId="theirs")).status_code == 204
    assert ward_app.get(activity_profile_url(profileId="theirs")).json() == {"levels": 3}


def test_a_document_stays_its_creators_when_another_app_changes_it(app: Lrs, ward_app: Lrs) -> None:
    assert app.put({"levels": 5}, activity_profile_url(profileId="p")).status_code == 204
    etag = ward_app.get(activity_profile_url(profileId="p"))["ETag"]
    assert (
        ward_app.put({"levels": 6}, activity_profile_url(profileId="p"), HTTP_IF_MATCH=etag).status_code
        == 204
    )
    assert app.get(activity_profile_url(profileId="p")).json() == {"levels": 6}


def test_activities_are_answered_whatever_schools_the_app_serves(app: Lrs, ward_app: Lrs) -> None:
    definition = {"name": {"ja": "分数のたし算"}, "type": "http://adlnet.gov/expapi/activities/lesson"}
    body = statement(id=new_id(), object={"id": ACTIVITY, "definition": definition})
    assert ward_app.post(body).status_code == 200
    response = app.get("/xapi/activities", {"activityId": ACTIVITY})
    assert response.status_code == 200
    assert response.json()["definition"] == definition


def test_an_app_serving_every_school_is_not_narrowed(
    ward_app: Lrs, ward: Any, schools: Any, version: str
) -> None:
    other_app = serving(ward, schools[0])
    other_app.version = version
    outsider = account(pupil_of(schools[1]))
    assert other_app.put({"v": 1}, activity_profile_url(profileId="p")).status_code == 204
    assert other_app.put({"v": 1}, state_url(STRANGER, stateId="s")).status_code == 204
    assert ward_app.get(activity_profile_url(profileId="p")).json() == {"v": 1}
    assert ward_app.get(state_url(STRANGER, stateId="s")).json() == {"v": 1}
    assert ward_app.put({"v": 2}, state_url(outsider, stateId="s")).status_code == 204
    assert ward_app.get("/xapi/agents", {"agent": json.dumps(outsider)}).status_code == 200
