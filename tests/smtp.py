"""A real local SMTP server for the tests (aiosmtpd): an inbox that refuses addresses at refused.example,
a login, a self-signed certificate for TLS, and the ``smtp_server`` fixture that starts servers and stops them.

The fixtures are registered in ``tests/conftest.py``, so every test can ask for ``smtp_server`` and
``certificate``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import subprocess
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

__all__ = ["PASSWORD", "USER", "Inbox", "authenticator", "certificate", "free_port", "server_context", "smtp_server",
           "trusting"]

PASSWORD = "Zebra-hunter2-Xq9"
USER = "klynge"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- a real SMTP server -----------------------------------------------------------------------------------------


class Inbox:
    """What the server received; it refuses any address at refused.example."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        """The messages to ``address`` received so far."""
        return [m for m in self.messages if any(a.addr_spec == address for a in m["To"].addresses)]

    def arrived(self, address: str, before: int = 0, timeout: float = 30) -> email.message.EmailMessage:
        """The latest message to ``address``, once more than ``before`` have come (waiting up to ``timeout`` s)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = self.to(address)
            if len(found) > before:
                return found[-1]
            time.sleep(0.2)
        raise AssertionError(f"no new e-mail to {address} arrived; the server got {len(self.messages)}")


def authenticator(server, session, envelope, mechanism, auth_data):
    # handled=False: aiosmtpd then answers a failure with 535 itself
    return AuthResult(success=auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode(),
                      handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (certificate file, key file), made with cryptography or openssl."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import NameOID
    except ImportError:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                        "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                        "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
        return cert, key
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    built = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(private.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
             .not_valid_after(now + dt.timedelta(days=2))
             .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                            critical=False)
             .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .sign(private, hashes.SHA256()))
    cert.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return cert, key


@pytest.fixture
def trusting(certificate):
    """A client context that trusts the test certificate (and checks the host name against it)."""
    return ssl.create_default_context(cafile=str(certificate[0]))


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(certificate[0]), str(certificate[1]))
    return context


@pytest.fixture
def smtp_server():
    """Start aiosmtpd with the given options; yields a function returning (inbox, port). Stops them all after.

    ``inbox`` is the handler (a new :class:`Inbox` by default), ``port`` the port to listen on (a free one
    by default: a test that brings a server back gives the port it had).
    """
    started = []

    def start(*, inbox: Inbox | None = None, port: int | None = None, **options):
        inbox, port = inbox or Inbox(), port or free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()
