"""Every sign-in and account page uses the site's layout, in English and in French."""

from __future__ import annotations

import re

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

pytestmark = pytest.mark.django_db

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def uses_the_site_layout(html: str, *, lang: str) -> bool:
    return (
        f'<html lang="{lang}">' in html
        and 'class="site-nav"' in html
        and 'class="lang-switch"' in html
        and "accounts/css/accounts.css" in html
        and "Menu:" not in html  # allauth's own bare layout
    )


def test_the_login_page_in_french_uses_the_site_layout(client):
    response = client.get(reverse("account_login"), headers=FRENCH)

    html = response.content.decode()
    assert response.status_code == 200
    assert uses_the_site_layout(html, lang="fr")
    assert "<title>" in html and "Connexion" in html.split("</title>")[0]
    assert re.search(r"<h1>\s*Connexion\s*</h1>", html)
    assert "Mot de passe" in html
    assert "Tableau de bord" in html  # the site's own navigation, in French


def test_the_login_page_in_english(client):
    html = client.get(reverse("account_login"), headers=ENGLISH).content.decode()

    assert uses_the_site_layout(html, lang="en")
    assert re.search(r"<h1>\s*Sign In\s*</h1>", html)
    assert "Password" in html


def anonymous_pages(alice) -> dict[str, str]:
    address = EmailAddress.objects.get(user=alice)
    address.verified = False  # only an unconfirmed address has a confirmation page
    address.save()
    reset_key = default_token_generator.make_token(alice)
    return {
        "signup": reverse("account_signup"),
        "password reset": reverse("account_reset_password"),
        "password reset sent": reverse("account_reset_password_done"),
        "password reset from key": reverse(
            "account_reset_password_from_key",
            kwargs={"uidb36": user_pk_to_url_str(alice), "key": reset_key},
        ),
        "password reset done": reverse("account_reset_password_from_key_done"),
        "email confirm": reverse(
            "account_confirm_email", args=[EmailConfirmationHMAC(address).key]
        ),
        "verification sent": reverse("account_email_verification_sent"),
    }


SIGNED_IN_PAGES = {
    "email management": "account_email",
    "password change": "account_change_password",
    "logout": "account_logout",
    "profile": "accounts:profile",
    "delete account": "accounts:delete",
}

FRENCH_TITLES = {
    "signup": "Création de compte",
    "password reset": "Réinitialisation du mot de passe",
    "password reset sent": "Réinitialisation du mot de passe",
    "password reset from key": "Modifier le mot de passe",
    "password reset done": "Votre mot de passe a été modifié.",
    "email confirm": "Confirmer l'adresse e-mail",
    "verification sent": "Vérifiez votre adresse e-mail",
    "email management": "Changer pour",  # ACCOUNT_CHANGE_EMAIL: one address
    "password change": "Modifier le mot de passe",
    "logout": "Se déconnecter",
    "profile": "Profil",
    "delete account": "Supprimer votre compte",
}


@pytest.mark.parametrize("page", sorted(FRENCH_TITLES))
def test_every_account_page_uses_the_site_layout_in_french(client, alice, page):
    if page in SIGNED_IN_PAGES:
        client.force_login(alice)
        url = reverse(SIGNED_IN_PAGES[page])
    else:
        url = anonymous_pages(alice)[page]

    response = client.get(url, headers=FRENCH, follow=True)

    html = response.content.decode()
    assert response.status_code == 200
    assert uses_the_site_layout(html, lang="fr")
    assert FRENCH_TITLES[page] in html
    if page == "password reset from key":
        assert 'name="password1"' in html  # the key was accepted


@pytest.mark.parametrize("name", sorted(SIGNED_IN_PAGES.values()))
def test_signed_in_account_pages_link_to_each_other(client, alice, name):
    client.force_login(alice)

    html = client.get(reverse(name), headers=ENGLISH).content.decode()

    assert 'class="account-nav"' in html
    assert f'href="{reverse("accounts:profile")}"' in html
    assert f'href="{reverse("account_email")}"' in html
    assert 'aria-current="page"' in html.split('class="account-nav"')[1].split("</nav>")[0]


@pytest.mark.parametrize(("headers", "label"), [(ENGLISH, "Sign in"), (FRENCH, "Connexion")])
def test_the_password_reset_done_page_leads_on_to_sign_in(client, headers, label):
    response = client.get(reverse("account_reset_password_from_key_done"), headers=headers)

    html = response.content.decode()
    main = html.split('<main id="main"')[1].split("</main>")[0]
    login = reverse("account_login")
    assert re.search(rf'<a href="{login}" class="btn">\s*{label}\s*</a>', main)


@pytest.mark.parametrize("page", ["account_signup", "account_login", "account_reset_password"])
def test_french_sign_in_pages_say_e_mail_as_the_rest_of_the_site_not_courriel(client, page):
    """The sign-up form said "Courriel :" (Django's own French) above a placeholder "Adresse
    e-mail", while every other page says "e-mail"."""
    html = client.get(reverse(page), headers=FRENCH).content.decode()

    assert "courriel" not in html.lower() and "électronique" not in html
    assert "E-mail" in html or "Adresse e-mail" in html


def test_a_french_sign_up_with_a_broken_address_is_refused_in_the_site_s_words(client):
    password = "Tr3s-secret-pw!"
    response = client.post(
        reverse("account_signup"),
        {"email": "pas-une-adresse", "password1": password, "password2": password},
        headers=FRENCH,
    )

    html = response.content.decode()
    assert "Saisissez une adresse e-mail valide." in html
    assert "courriel" not in html.lower()
    assert 'value="pas-une-adresse"' in html  # nothing typed is lost


def test_the_email_page_s_labels_put_french_spacing_before_their_colon(client, alice):
    """The labels read "E-mail actuel:" and "Changer pour:": the colon was typed into the
    template, without the narrow no-break space French puts before it, as other labels do."""
    client.force_login(alice)
    html = client.get(reverse("account_email"), headers=FRENCH).content.decode()
    labels = [  # tags out, ASCII spaces squeezed: a U+202F or U+00A0 is kept as it is
        re.sub(r"[ \n]+", " ", re.sub(r"<[^>]+>", " ", label)).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    ]
    assert "E-mail actuel\u202f:" in labels and "Changer pour\u202f:" in labels, labels
    english = client.get(reverse("account_email"), headers=ENGLISH).content.decode()
    assert re.search(r"Current email:\s*</label>", english)
