"""The session cookie's serializer: signed as Pyramid signs it, verified once per cookie."""

import pytest
from pyramid.session import JSONSerializer
from webob.cookies import SignedSerializer

from cs_handbook.security import RememberingSignedSerializer

SECRET = "a-secret-of-the-site"


def test_a_cookie_reads_back_as_what_was_signed():
    serializer = RememberingSignedSerializer(SECRET)
    value = [1767000000, 1767000000, {"sid": "abc", "_f_": ["已保存"]}]
    assert serializer.loads(serializer.dumps(value)) == value


def test_cookies_signed_before_the_change_are_still_read():
    """Browsers signed in before an upgrade keep their session: the format is Pyramid's own."""
    # What pyramid.session.SignedCookieSessionFactory(SECRET, serializer=JSONSerializer()) signs with.
    factory_serializer = SignedSerializer(SECRET, "pyramid.session.", "sha512", serializer=JSONSerializer())
    value = [1, 2, {"sid": "abc"}]
    assert RememberingSignedSerializer(SECRET).loads(factory_serializer.dumps(value)) == value
    assert factory_serializer.loads(RememberingSignedSerializer(SECRET).dumps(value)) == value


def test_each_read_gets_its_own_objects():
    """Two requests with the same cookie must not share a flash queue that one of them appends to."""
    serializer = RememberingSignedSerializer(SECRET)
    cookie = serializer.dumps([1, 2, {"_f_": ["一条消息"]}])
    first = serializer.loads(cookie)
    first[2]["_f_"].append("另一条")
    assert serializer.loads(cookie) == [1, 2, {"_f_": ["一条消息"]}]


@pytest.mark.parametrize("forge", [
    lambda cookie: RememberingSignedSerializer("another-secret").dumps([1, 2, {"sid": "abc"}]),
    lambda cookie: cookie[:-3] + (b"AAA" if not cookie.endswith(b"AAA") else b"BBB"),
    lambda cookie: b"not base64 at all!",
])
def test_a_forged_cookie_is_refused_even_after_the_real_one_was_read(forge):
    serializer = RememberingSignedSerializer(SECRET)
    cookie = serializer.dumps([1, 2, {"sid": "abc"}])
    serializer.loads(cookie)
    with pytest.raises(ValueError):
        serializer.loads(forge(cookie))
    # Refused again: a failure is never remembered as a success.
    with pytest.raises(ValueError):
        serializer.loads(forge(cookie))
