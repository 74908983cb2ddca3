"""What the settings make of the environment: production's refusals, the cache per profile, the typed
values (docs/deployment.md §3). Each case loads the settings module in a fresh Python process, as a
server would, with none of the test run's own TSUNAGU_* variables or DATABASE_URL.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from tsunagu.core.tests.environments import PRODUCTION_ENV, run_settings

SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({{k: getattr(s, k) for k in {names!r}}}, default=str))"
)


def settings_of(env: dict[str, str], *names: str) -> dict[str, object]:
    """The named settings as a process with ``env`` sees them."""
    result = run_settings(env, "-c", SHOW.format(names=list(names)))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def refusal(env: dict[str, str]) -> str:
    """The ImproperlyConfigured message with which settings refuse ``env`` (fails if they load)."""
    result = run_settings(env, "-c", "import django; django.setup()")
    assert result.returncode != 0, "the settings loaded"
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    return last


def without(name: str) -> dict[str, str]:
    return {k: v for k, v in PRODUCTION_ENV.items() if k != name}


# --- production refuses unsafe defaults --------------------------------------------------------


def test_the_complete_production_environment_loads() -> None:
    values = settings_of(PRODUCTION_ENV, "DEBUG", "TSUNAGU_XAPI_ISSUER")
    assert values == {"DEBUG": False, "TSUNAGU_XAPI_ISSUER": "https://tsunagu.city.example.lg.jp"}


def test_production_refuses_to_start_without_a_database_url() -> None:
    message = refusal(without("DATABASE_URL"))
    assert "DATABASE_URL must point to PostgreSQL in production" in message
    assert "TSUNAGU_ALLOW_SQLITE=true" in message


def test_production_refuses_an_explicit_sqlite_url_too() -> None:
    message = refusal(PRODUCTION_ENV | {"DATABASE_URL": "sqlite:////tmp/tsunagu-trial.sqlite3"})
    assert "DATABASE_URL" in message


def test_a_single_school_trial_may_opt_in_to_sqlite() -> None:
    env = without("DATABASE_URL") | {"TSUNAGU_ALLOW_SQLITE": "true"}
    values = settings_of(env, "DATABASES")
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"  # type: ignore[index]


def test_production_refuses_to_start_without_allowed_hosts() -> None:
    assert "TSUNAGU_ALLOWED_HOSTS must name the host names" in refusal(without("TSUNAGU_ALLOWED_HOSTS"))
    assert "TSUNAGU_ALLOWED_HOSTS" in refusal(PRODUCTION_ENV | {"TSUNAGU_ALLOWED_HOSTS": " , "})


def test_production_refuses_the_example_xapi_issuer() -> None:
    assert "TSUNAGU_XAPI_ISSUER must be set to the ward's own" in refusal(without("TSUNAGU_XAPI_ISSUER"))
    example = PRODUCTION_ENV | {"TSUNAGU_XAPI_ISSUER": "https://tsunagu.example.jp"}
    assert "TSUNAGU_XAPI_ISSUER" in refusal(example)


def test_production_still_refuses_a_missing_secret_key() -> None:
    assert "TSUNAGU_SECRET_KEY" in refusal(without("TSUNAGU_SECRET_KEY"))


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TSUNAGU_TRUSTED_PROXIES", "-1"),
        ("TSUNAGU_TRUSTED_PROXIES", "one"),
        ("TSUNAGU_CACHE", "memcached"),
        ("TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES", "0"),
        ("TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES", "an hour"),
    ],
)
def test_a_wrong_value_stops_the_start(name: str, value: str) -> None:
    assert name in refusal(PRODUCTION_ENV | {name: value})


def test_development_keeps_its_defaults() -> None:
    """Nothing of production's refusals applies to a fresh checkout: SQLite, example issuer, localhost."""
    values = settings_of({}, "DATABASES", "ALLOWED_HOSTS", "TSUNAGU_XAPI_ISSUER")
    assert values["DATABASES"]["default"]["ENGINE"] == "django.db.backends.sqlite3"  # type: ignore[index]
    assert "localhost" in values["ALLOWED_HOSTS"]  # type: ignore[operator]


# --- the cache per profile ----------------------------------------------------------------------

DB_CACHE = "django.core.cache.backends.db.DatabaseCache"
LOCAL_CACHE = "django.core.cache.backends.locmem.LocMemCache"


def test_production_shares_a_database_cache_between_processes() -> None:
    caches = settings_of(PRODUCTION_ENV, "CACHES")["CACHES"]
    assert caches["default"]["BACKEND"] == DB_CACHE  # type: ignore[index]
    assert caches["default"]["LOCATION"] == "tsunagu_cache"  # type: ignore[index]


def test_development_and_tests_keep_the_local_memory_cache() -> None:
    assert settings_of({}, "CACHES")["CACHES"]["default"]["BACKEND"] == LOCAL_CACHE  # type: ignore[index]
    test_env = {"TSUNAGU_ENV": "test"}
    assert settings_of(test_env, "CACHES")["CACHES"]["default"]["BACKEND"] == LOCAL_CACHE  # type: ignore[index]
    assert settings.CACHES["default"]["BACKEND"] == LOCAL_CACHE  # this very test run


def test_the_variable_chooses_the_cache_in_any_profile() -> None:
    local = settings_of(PRODUCTION_ENV | {"TSUNAGU_CACHE": "local"}, "CACHES")["CACHES"]
    assert local["default"]["BACKEND"] == LOCAL_CACHE  # type: ignore[index]
    shared = settings_of({"TSUNAGU_CACHE": "database"}, "CACHES")["CACHES"]
    assert shared["default"]["BACKEND"] == DB_CACHE  # type: ignore[index]


@pytest.mark.django_db
def test_the_migrated_cache_table_holds_values(settings: object) -> None:
    """Core's migration made the table on this test database (SQLite or PostgreSQL): the cache works."""
    from django.core.cache import caches

    production = settings_of(PRODUCTION_ENV, "CACHES")["CACHES"]
    settings.CACHES = production  # type: ignore[attr-defined]
    cache = caches["default"]
    assert type(cache).__name__ == "DatabaseCache"
    cache.set("tsunagu-test-counter", [1, 2, 3], 60)
    assert cache.get("tsunagu-test-counter") == [1, 2, 3]
    assert cache.add("tsunagu-test-counter-n", 1, 60)
    assert cache.incr("tsunagu-test-counter-n") == 2
    cache.delete("tsunagu-test-counter")
    cache.delete("tsunagu-test-counter-n")


# --- typed values -------------------------------------------------------------------------------


def test_the_talk_response_minutes_come_from_the_environment() -> None:
    name = "TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES"
    assert settings_of({}, name) == {name: 60}
    assert settings_of({name: "45"}, name) == {name: 45}
    assert settings.TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES == 60


def test_the_talk_deadline_follows_the_setting(settings: object) -> None:
    """health.services reads the setting when it computes a request's respond-by time."""
    import datetime as dt

    from tsunagu.health import services

    settings.TSUNAGU_HEALTH_TALK_RESPONSE_MINUTES = 45  # type: ignore[attr-defined]
    assert services.talk_response_time() == dt.timedelta(minutes=45)


def test_trusted_proxies_come_from_the_environment() -> None:
    assert settings_of({}, "TSUNAGU_TRUSTED_PROXIES") == {"TSUNAGU_TRUSTED_PROXIES": 0}
    assert settings_of({"TSUNAGU_TRUSTED_PROXIES": "2"}, "TSUNAGU_TRUSTED_PROXIES") == {
        "TSUNAGU_TRUSTED_PROXIES": 2
    }


# --- the first field key, before production's settings can load -------------------------------


def test_a_field_key_is_generated_without_any_settings() -> None:
    """``python -m tsunagu.core.crypto generate`` works where production's settings refuse to load."""
    from tsunagu.core import crypto

    env = {"TSUNAGU_ENV": "production"}  # no secret key, no field keys: settings would refuse
    assert "TSUNAGU_SECRET_KEY" in refusal(env)
    result = run_settings(env, "-m", "tsunagu.core.crypto", "generate", "--id", "k2027")
    assert result.returncode == 0, result.stderr
    entry = result.stdout.strip()
    assert crypto.parse_keys([entry]).current == "k2027"
    bad = run_settings(env, "-m", "tsunagu.core.crypto", "generate", "--id", "k-2027")
    assert bad.returncode == 2 and "letters and digits" in bad.stderr


def test_field_keys_generate_checks_the_id_like_the_keyring_does() -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="letters and digits"):
        call_command("field_keys", "generate", "--id", "k-1")
