from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model


def ask(api_client):
    return api_client.post(
        "/api/v1/auth/token/", {"username": "ines@example.org", "password": "pw-123456!"},
        format="json",
    )  # fmt: skip


def test_with_mandatory_verification_an_unconfirmed_email_gets_no_token(api_client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    user = get_user_model().objects.create_user(
        "u1", email="ines@example.org", password="pw-123456!"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    response = ask(api_client)
    assert response.status_code == 400
    assert "Confirm your email" in response.json()["detail"]
    EmailAddress.objects.filter(user=user).update(verified=True)
    assert ask(api_client).status_code == 200


def test_the_unconfirmed_email_refusal_is_in_french_for_a_french_client(api_client, db, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    user = get_user_model().objects.create_user(
        "u1", email="ines@example.org", password="pw-123456!"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    api_client.credentials(HTTP_ACCEPT_LANGUAGE="fr")

    response = ask(api_client)

    assert response.status_code == 400
    assert "Confirmez d\u2019abord votre adresse e-mail" in response.json()["detail"]


def test_a_forged_forwarded_for_header_does_not_escape_the_rate_limit(api_client, db, settings):
    from core.api.throttles import AnonCounterThrottle

    AnonCounterThrottle.THROTTLE_RATES = {**AnonCounterThrottle.THROTTLE_RATES, "anon": "3/min"}
    try:
        codes = [
            api_client.get("/api/v1/lists/", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}").status_code
            for i in range(5)
        ]
    finally:
        del AnonCounterThrottle.THROTTLE_RATES
    assert codes.count(429) == 2
