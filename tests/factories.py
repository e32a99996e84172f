import factory

from markets.models import Token, TokenList, TokenListMembership


class TokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Token
        django_get_or_create = ("symbol",)

    symbol = factory.Sequence(lambda n: f"TK{n}")
    name = factory.LazyAttribute(lambda o: f"Token {o.symbol}")
    coingecko_id = factory.LazyAttribute(lambda o: o.symbol.lower())


class TokenListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TokenList

    slug = factory.Sequence(lambda n: f"list-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TokenListMembership

    token_list = factory.SubFactory(TokenListFactory)
    token = factory.SubFactory(TokenFactory)
    position = factory.Sequence(lambda n: n)
