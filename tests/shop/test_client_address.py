"""The client address: REMOTE_ADDR, or X-Forwarded-For only through the trusted proxies."""

import pytest

from shop.client_address import client_address


@pytest.fixture
def request_from(rf):
    def make(remote_address: str, forwarded_for: str | None = None):
        headers = {"REMOTE_ADDR": remote_address}
        if forwarded_for is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
        return rf.get("/", **headers)

    return make


def test_without_trusted_proxies_the_header_is_ignored(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 0

    assert client_address(request_from("198.51.100.7", "203.0.113.1")) == "198.51.100.7"


def test_one_trusted_proxy_gives_the_rightmost_entry(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    # The client wrote "6.6.6.6"; the proxy appended the address it saw.
    assert client_address(request_from("10.0.0.2", "6.6.6.6, 203.0.113.1")) == "203.0.113.1"


def test_two_trusted_proxies_give_the_second_entry_from_the_right(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_address(request_from("10.0.0.3", "6.6.6.6,203.0.113.1, 10.0.0.2")) == "203.0.113.1"


def test_fewer_entries_than_proxies_gives_the_leftmost(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 2

    assert client_address(request_from("10.0.0.3", "203.0.113.1")) == "203.0.113.1"


@pytest.mark.parametrize("forwarded_for", [None, "", " , ", "not-an-address", "203.0.113.1:4711"])
def test_a_missing_or_malformed_header_falls_back_to_the_peer(request_from, settings, forwarded_for):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_address(request_from("10.0.0.2", forwarded_for)) == "10.0.0.2"


def test_ipv6_entries_are_normalised(request_from, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    assert client_address(request_from("10.0.0.2", "2001:DB8::0:1")) == "2001:db8::1"
