"""Network errors in a few words: "cannot reach the host (DNS lookup failed)" instead of requests'
own text, which nests three exceptions deep and names the URL and the connection pool again.

``describe_network_error`` looks through the exception's causes (requests wraps urllib3's
``MaxRetryError``, which holds the real reason) for what people can act on: a name that does
not resolve, a refused or timed-out connection, a certificate, an answer cut off. Anything
else keeps its type and the first line of its message, cut short.
"""

from __future__ import annotations

import http.client
import socket
import ssl

import httplib2
import requests
import urllib3

MAX_OTHER = 160  # characters kept of an error we have no words for

# (exception types, words of their messages, what people read); the first match wins, so the
# most specific come first (a TLS error is a connection error too).
_KINDS: tuple[tuple[tuple[type[BaseException], ...], tuple[str, ...], str], ...] = (
    ((socket.gaierror, getattr(urllib3.exceptions, "NameResolutionError", socket.gaierror),  # urllib3 2
      httplib2.ServerNotFoundError),  # the YouTube client's transport
     ("Unable to find the server", "Name or service not known", "Temporary failure in name resolution",
      "Failed to resolve", "nodename nor servname", "getaddrinfo failed"),
     "cannot reach the host (DNS lookup failed)"),
    ((ConnectionRefusedError,), ("Connection refused",), "cannot reach the host (connection refused)"),
    ((ssl.SSLCertVerificationError,), ("CERTIFICATE_VERIFY_FAILED", "certificate verify failed"),
     "TLS error (the host's certificate is not trusted)"),
    ((ssl.SSLError, requests.exceptions.SSLError), (), "TLS error (the secure connection failed)"),
    ((requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError), (),
     "cannot reach the host (connection timed out)"),
    ((requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError), ("timed out",),
     "no answer in time (read timed out)"),
    ((ConnectionResetError, ConnectionAbortedError, http.client.RemoteDisconnected),
     ("Connection reset", "Connection aborted", "RemoteDisconnected"), "the host closed the connection"),
    ((requests.exceptions.ChunkedEncodingError, http.client.IncompleteRead, urllib3.exceptions.ProtocolError),
     (), "the answer was cut off"),
    ((), ("Network is unreachable", "No route to host"), "cannot reach the host (no network route)"),
)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and every exception behind it (causes, contexts, urllib3's ``reason``, args)."""
    found: list[BaseException] = []
    pending: list[object] = [exc]
    while pending and len(found) < 20:  # a chain is a few links; the cap guards against cycles
        item = pending.pop(0)
        if not isinstance(item, BaseException) or any(item is seen for seen in found):
            continue
        found.append(item)
        pending += [item.__cause__, item.__context__, getattr(item, "reason", None), *item.args]
    return found


def describe_network_error(exc: BaseException) -> str:
    """A short, plain reason for a failed request (no URL: the caller names it once)."""
    chain = _chain(exc)
    text = " ".join(str(item) for item in chain)
    for types, words, phrase in _KINDS:
        if any(isinstance(item, types) for item in chain) or any(word in text for word in words):
            return phrase
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first[:MAX_OTHER]}{'…' if len(first) > MAX_OTHER else ''}"
