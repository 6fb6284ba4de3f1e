"""/healthz: the database and, when configured, the broker."""

import json

from django.test import override_settings


def test_it_answers_200_with_the_state_of_each_check(db, client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    if settings.REDIS_URL:
        assert body["checks"]["broker"] == "ok"
    assert "no-cache" in response["Cache-Control"]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_it_answers_503_and_names_the_failure_when_the_broker_is_down(db, client, caplog):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] == "unavailable"
    # The internal address is for the log, not for whoever asks.
    assert "127.0.0.1" not in response.content.decode() and ":1" not in response.content.decode()
    assert "127.0.0.1" in caplog.text or "Connection" in caplog.text


@override_settings(REDIS_URL="")
def test_without_a_broker_only_the_database_is_checked(db, client):
    body = json.loads(client.get("/healthz").content)
    assert body["checks"] == {"database": "ok"}


def test_it_needs_no_sign_in_and_is_not_redirected_to_https(db, client):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert client.get("/healthz").status_code == 200
        assert client.get("/login/").status_code == 301
