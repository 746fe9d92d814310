"""Corporate networks: explicit or system proxy, and the OS certificate store."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from app import netconfig
from app.context import AppContext
from app.errors import ValidationError
from app.networks.http import HttpClient


@pytest.fixture(autouse=True)
def restore_config() -> object:
    before = netconfig.current()
    yield
    netconfig.configure(before)


def test_system_certificates_adapter_used_for_https() -> None:
    session = netconfig.new_session(netconfig.NetConfig())
    adapter = session.get_adapter("https://graph.facebook.com/")
    assert isinstance(adapter, netconfig.SystemTrustAdapter)
    request = requests.Request("GET", "https://graph.facebook.com/v25.0/me").prepare()
    _host, pool = adapter.build_connection_pool_key_attributes(request, True)
    assert pool["ssl_context"] is adapter.ssl_context
    # An explicit CA bundle keeps its meaning.
    _host, pool = adapter.build_connection_pool_key_attributes(request, "/etc/ssl/ca.pem")
    assert "ssl_context" not in pool and pool["ca_certs"] == "/etc/ssl/ca.pem"


def test_truststore_context_when_available() -> None:
    import truststore

    assert isinstance(netconfig.system_ssl_context(), truststore.SSLContext)


def test_certifi_when_system_store_is_off() -> None:
    session = netconfig.new_session(netconfig.NetConfig(system_certificates=False))
    assert not isinstance(session.get_adapter("https://x.com/"), netconfig.SystemTrustAdapter)


def test_explicit_proxy_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    session = netconfig.new_session(netconfig.NetConfig(proxy="http://proxy.gva.es:8080"))
    assert session.proxies["https"] == "http://proxy.gva.es:8080"
    monkeypatch.setenv("HTTPS_PROXY", "http://env-proxy:3128")
    plain = netconfig.new_session(netconfig.NetConfig())
    assert plain.trust_env
    settings = plain.merge_environment_settings("https://api.x.com/2/tweets", {}, None, None, None)
    assert settings["proxies"]["https"] == "http://env-proxy:3128"


def test_http_client_sessions_follow_the_configuration() -> None:
    netconfig.configure(netconfig.NetConfig(proxy="http://p:1", system_certificates=True))
    client = HttpClient("https://graph.facebook.com")
    assert client.session.proxies["https"] == "http://p:1"
    assert isinstance(client.session.get_adapter("https://a/"), netconfig.SystemTrustAdapter)


def test_proxy_check() -> None:
    assert netconfig.check_proxy(" proxy.local:8080 ") == "http://proxy.local:8080"
    assert netconfig.check_proxy("") == ""
    with pytest.raises(ValidationError):
        netconfig.check_proxy("ftp://nope")
    with pytest.raises(ValidationError):
        netconfig.check_proxy("http://host:port")


def test_context_reads_the_settings(tmp_path: Path) -> None:
    ctx = AppContext(tmp_path / "p.sqlite3")
    ctx.store.set_setting(netconfig.PROXY_KEY, "http://proxy:8080")
    ctx.store.set_setting(netconfig.SYSTEM_CERTIFICATES_KEY, "0")
    ctx.close()
    ctx = AppContext(tmp_path / "p.sqlite3")
    assert netconfig.current() == netconfig.NetConfig("http://proxy:8080", False)
    ctx.close()
