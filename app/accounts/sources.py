"""Where a request comes from: the client's address, as throttles count it."""

from __future__ import annotations

import ipaddress


def client_address(peer: str, forwarded_for: str = "", trusted_proxy_hops: int = 0) -> str:
    """The client's address: the peer's, or with N trusted proxies in front, the address the
    Nth proxy from us saw (X-Forwarded-For is written by the client unless a proxy we trust
    appended to it, so it is read only then)."""
    if trusted_proxy_hops > 0:
        hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(hops) >= trusted_proxy_hops:
            return hops[-trusted_proxy_hops]
    return peer


def source_key(address: str) -> str:
    """The address as a throttle counts it: an IPv6 client by its /64 (one home or host has
    the whole block), anything unparsable as given, cut to 64 characters."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip()[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
