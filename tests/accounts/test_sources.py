"""Client addresses: X-Forwarded-For only through trusted proxies; IPv6 clients by /64."""

from __future__ import annotations

from app.accounts.sources import client_address, source_key


def test_forwarded_for_is_ignored_unless_proxies_are_trusted() -> None:
    assert client_address("10.0.0.2", "1.2.3.4") == "10.0.0.2"
    assert client_address("10.0.0.2", "6.6.6.6, 1.2.3.4", trusted_proxy_hops=1) == "1.2.3.4"
    assert client_address("10.0.0.2", "6.6.6.6, 1.2.3.4", trusted_proxy_hops=2) == "6.6.6.6"
    assert client_address("10.0.0.2", "", trusted_proxy_hops=1) == "10.0.0.2"


def test_ipv6_clients_count_by_their_64() -> None:
    assert source_key("2001:db8:1:2:aaaa::1") == source_key("2001:db8:1:2:bbbb::9")
    assert source_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert source_key("::ffff:203.0.113.9") == "203.0.113.9"
    assert source_key(" 203.0.113.9 ") == "203.0.113.9"
