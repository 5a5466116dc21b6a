"""The monitor feed's settings (core.monitor_settings): where the listener binds, who may
send, the bounds; each refusal in words, and the values read back for the listener."""

from __future__ import annotations

import ipaddress

import pytest

from ketamonitor.core.monitor_settings import (
    ListenSettings,
    allowed_networks,
    check_allowed_senders,
    check_idle_seconds,
    check_listen_address,
    check_max_connections,
    check_max_frame_kb,
    check_port,
    listen_settings,
    sender_allowed,
)
from ketamonitor.core.settings import SETTINGS


@pytest.mark.parametrize(("typed", "kept"), [
    ("127.0.0.1", "127.0.0.1"), (" 192.168.1.20 ", "192.168.1.20"), ("0.0.0.0", "0.0.0.0"),
    ("::1", "::1"), ("0:0:0:0:0:0:0:1", "::1"), ("::", "::")])
def test_the_listen_address_is_an_ip_address(typed, kept):
    assert check_listen_address(typed) == kept


@pytest.mark.parametrize("typed", ["localhost", "", "256.1.1.1", "10.1.2.0/24", "10.1.2.3:2575"])
def test_a_name_or_anything_but_an_address_is_refused(typed):
    with pytest.raises(ValueError, match="must be an IP address of this workstation"):
        check_listen_address(typed)


@pytest.mark.parametrize(("typed", "kept"), [("2575", "2575"), (" 1 ", "1"), ("65535", "65535"),
                                             ("02575", "2575")])
def test_a_port_is_a_number_from_1_to_65535(typed, kept):
    assert check_port(typed) == kept


@pytest.mark.parametrize("typed", ["0", "70000", "65536", "-1", "", "2575.0", "http", "٢٥٧٥",
                                   "9" * 5000])
def test_a_port_out_of_range_is_refused(typed):
    with pytest.raises(ValueError, match="must be a port number from 1 to 65535"):
        check_port(typed)


@pytest.mark.parametrize(("typed", "kept"), [
    ("", ""),
    ("10.1.2.3", "10.1.2.3"),
    ("10.1.2.3/32, 10.1.3.0/24", "10.1.2.3, 10.1.3.0/24"),
    ("10.1.2.3,fe80::/10 ,, ::1", "10.1.2.3, fe80::/10, ::1"),
])
def test_an_allow_list_is_kept_in_its_usual_form(typed, kept):
    assert check_allowed_senders(typed) == kept


@pytest.mark.parametrize(("typed", "words"), [
    ("10.1.2.5/24", "“10.1.2.5/24” has bits set beyond its prefix: did you mean 10.1.2.0/24?"),
    ("10.1.2.3 10.1.2.4", "separate the addresses with commas"),
    ("10.1.2.0/33", "“10.1.2.0/33” is not an IP address or network"),
    ("10.1.2.3, monitors.local", "“monitors.local” is not an IP address or network"),
    ("*", "is not an IP address or network"),
])
def test_a_malformed_allow_list_is_refused_naming_the_entry(typed, words):
    with pytest.raises(ValueError) as refused:
        check_allowed_senders(typed)
    assert words in str(refused.value)


def test_with_no_list_only_the_loopback_address_may_send():
    for address in ("127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"):
        assert sender_allowed(address, ())
    for address in ("10.1.2.3", "192.168.1.20", "fe80::1", "0.0.0.0"):
        assert not sender_allowed(address, ())


def test_with_a_list_exactly_its_addresses_and_networks_may_send():
    networks = allowed_networks("10.1.2.3, 10.1.3.0/24, fe80::/10")
    for address in ("10.1.2.3", "10.1.3.200", "::ffff:10.1.3.7", "fe80::1%eth0"):
        assert sender_allowed(address, networks)
    for address in ("10.1.2.4", "127.0.0.1", "::1", "not an address", ""):
        assert not sender_allowed(address, networks)


@pytest.mark.parametrize(("check", "low", "high"), [
    (check_max_frame_kb, 1, 16384), (check_idle_seconds, 10, 86400),
    (check_max_connections, 1, 256)])
def test_the_bounds_are_whole_numbers_within_their_range(check, low, high):
    assert check(str(low)) == str(low) and check(f" {high} ") == str(high)
    for typed in (str(low - 1), str(high + 1), "1.5", "", "many"):
        with pytest.raises(ValueError, match=f"must be a whole number of .* from {low:,} to "
                                             f"{high:,}"):
            check(typed)


def test_the_listener_reads_its_defaults_as_values():
    defaults = {key: setting.default for key, setting in SETTINGS.items()}
    assert listen_settings(defaults.__getitem__) == ListenSettings(
        address="127.0.0.1", port=2575, allowed=(), max_frame_bytes=1024 * 1024,
        idle_seconds=300, max_connections=16)


def test_the_listener_reads_an_allow_list_as_networks():
    values = {key: setting.default for key, setting in SETTINGS.items()}
    values |= {"monitor_listen_address": "0.0.0.0", "monitor_allowed_senders": "10.1.2.0/24"}
    assert listen_settings(values.__getitem__).allowed == (ipaddress.ip_network("10.1.2.0/24"),)


def test_a_value_put_in_the_file_by_hand_is_refused_not_bound():
    values = {key: setting.default for key, setting in SETTINGS.items()}
    values["monitor_listen_port"] = "0"
    with pytest.raises(ValueError, match="port number"):
        listen_settings(values.__getitem__)
