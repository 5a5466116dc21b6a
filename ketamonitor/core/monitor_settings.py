"""The monitor feed's settings checked (issue 21): where the listener binds, who may send,
and the bounds on frames, idle connections and connections at once.

Pure checks, each taking the typed text and giving the text kept or a ValueError with the
reason in words (core.settings turns it into a ValidationError naming the setting);
`listen_settings` reads them back as values for the listener. By default the listener binds
to the loopback address and takes frames from the loopback address only: another interface
and an allow-list of senders are an administrator's audited change.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: The listener's address by default: this workstation only.
LOOPBACK = "127.0.0.1"
#: HL7's registered port for MLLP.
MLLP_PORT = 2575
#: The largest frame limit a clinic may set, in KB (core.monitor_feed keeps at most this).
MAX_FRAME_KB_HIGHEST = 16 * 1024


def check_listen_address(text: str) -> str:
    """An IP address to bind to (a name is not taken: it could resolve elsewhere later)."""
    cleaned = text.strip()
    try:
        return str(ipaddress.ip_address(cleaned))
    except ValueError:
        raise ValueError("must be an IP address of this workstation, such as 127.0.0.1 "
                         "(this workstation only), 192.168.1.20 (one network card) or "
                         "0.0.0.0 (every one)") from None


def check_port(text: str) -> str:
    """A TCP port number, 1 to 65535."""
    cleaned = text.strip()
    if not _digits(cleaned) or not 1 <= int(cleaned) <= 65535:
        raise ValueError(f"must be a port number from 1 to 65535 (HL7's is {MLLP_PORT})")
    return str(int(cleaned))


def _digits(text: str) -> bool:
    """A short run of ASCII digits (a number any of these settings could be)."""
    return text.isascii() and text.isdigit() and len(text) <= 12


def check_allowed_senders(text: str) -> str:
    """A comma-separated list of IP addresses and networks (CIDR, such as 10.1.2.0/24),
    kept in their usual form; empty: the loopback address only."""
    return ", ".join(_shown(network) for network in allowed_networks(text))


def allowed_networks(text: str) -> tuple[Network, ...]:
    """The networks of an allow-list (an address is a network of one); empty: none given,
    which allows the loopback address only (see `sender_allowed`). ValueError naming the
    first entry that is neither an address nor a network."""
    networks: list[Network] = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry))
        except ValueError:
            raise ValueError(_not_a_network(entry)) from None
    return tuple(networks)


def _not_a_network(entry: str) -> str:
    if " " in entry:
        return (f"“{entry}” is not an IP address or network: separate the addresses with "
                "commas")
    try:
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return (f"“{entry}” is not an IP address or network (such as 10.1.2.3 or "
                "10.1.2.0/24)")
    return f"“{entry}” has bits set beyond its prefix: did you mean {network}?"


def _shown(network: Network) -> str:
    """A network of one address as the address, any other in CIDR form."""
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def sender_allowed(address: str, networks: tuple[Network, ...]) -> bool:
    """Whether a sender at `address` (as the socket gives it) may send: in one of the
    networks; with none given, only from the loopback address. An IPv4 address seen
    through an IPv6 socket (::ffff:10.1.2.3) counts as itself."""
    try:
        sender: Address = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(sender, ipaddress.IPv6Address) and sender.ipv4_mapped is not None:
        sender = sender.ipv4_mapped
    if not networks:
        return sender.is_loopback
    return any(sender in network for network in networks)


def whole_number(low: int, high: int, unit: str) -> Callable[[str], str]:
    """A check of a whole number from `low` to `high` (said with its `unit`)."""

    def check(text: str) -> str:
        cleaned = text.strip()
        if not _digits(cleaned) or not low <= int(cleaned) <= high:
            raise ValueError(f"must be a whole number of {unit} from {low:,} to {high:,}")
        return str(int(cleaned))

    return check


check_max_frame_kb = whole_number(1, MAX_FRAME_KB_HIGHEST, "KB")
check_idle_seconds = whole_number(10, 86_400, "seconds")
check_max_connections = whole_number(1, 256, "connections")


@dataclass(frozen=True)
class ListenSettings:
    """The monitor feed's settings as the listener uses them."""

    address: str
    port: int
    #: Empty: the loopback address only (see `sender_allowed`).
    allowed: tuple[Network, ...]
    max_frame_bytes: int
    idle_seconds: int
    max_connections: int


def listen_settings(setting: Callable[[str], str]) -> ListenSettings:
    """The listener's settings from `setting` (a key to its value in force, such as the
    store's `setting`), each checked again: a value put in the file by hand that no check
    would take is a ValueError, never a listener bound where no one chose."""
    return ListenSettings(
        address=check_listen_address(setting("monitor_listen_address")),
        port=int(check_port(setting("monitor_listen_port"))),
        allowed=allowed_networks(check_allowed_senders(setting("monitor_allowed_senders"))),
        max_frame_bytes=int(check_max_frame_kb(setting("monitor_max_frame_kb"))) * 1024,
        idle_seconds=int(check_idle_seconds(setting("monitor_idle_seconds"))),
        max_connections=int(check_max_connections(setting("monitor_max_connections"))),
    )
