from django.test import RequestFactory

from oficialia.net import client_ip


def test_without_a_proxy_header_the_address_is_remote_addr(settings):
    settings.CLIENT_IP_HEADER = ""
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client_ip(request) == "203.0.113.7"


def test_behind_a_proxy_only_the_address_it_appended_counts(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    forged = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20"
    )
    assert client_ip(forged) == "198.51.100.20"


def test_a_missing_or_broken_header_falls_back_instead_of_failing(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    broken = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="nonsense")
    assert client_ip(broken) == "10.0.0.2"
