"""Hand the data a run has validated to the notebook kernels it starts, never writing them to disk.

While its notebooks execute, the runner streams the validated tables from its own memory,
pickled straight into a local connection (:class:`multiprocessing.connection.Listener`: a Unix
socket in the run's private folder, in Linux's abstract namespace when that folder's path is too
long for a socket, or a named pipe on Windows) that serves only clients proving they hold a
random key. Address and key reach the kernels through their environment (:data:`ADDRESS_ENV`,
:data:`KEY_ENV`), never through a file, so a run killed outright leaves no copy of the people
table behind: the socket holds no data, and the key dies with the processes. The server can be
started before the data are validated (:func:`serving`), so that the kernels start meanwhile.
"""

from __future__ import annotations

import io
import os
import pickle
import secrets
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Connection, Listener
from pathlib import Path
from typing import Any

__all__ = ["ADDRESS_ENV", "KEY_ENV", "Handover", "receive", "serve", "serving"]

#: Where the kernels find the runner's server (a socket path or a pipe name).
ADDRESS_ENV = "ANALYSIS_HANDOVER_ADDRESS"
#: The key (hexadecimal) a kernel proves it holds before the server sends it anything.
KEY_ENV = "ANALYSIS_HANDOVER_KEY"
#: Bytes per message of the stream.
CHUNK = 1 << 20


class _Writer(io.RawIOBase):
    """A stream of bytes sent as messages on a connection (an empty message ends it)."""

    def __init__(self, conn: Connection):
        self._conn = conn

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = memoryview(b).cast("B")
        if data.nbytes:
            self._conn.send_bytes(data)
        return data.nbytes


class _Reader(io.RawIOBase):
    """The stream of bytes sent by :class:`_Writer`, read message by message."""

    def __init__(self, conn: Connection):
        self._conn = conn
        self._pending = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if not self._pending.nbytes:
            self._pending = memoryview(self._conn.recv_bytes())
        n = min(len(buffer), self._pending.nbytes)
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


class _Server:
    """Stream the data, once :meth:`provide` has given them, to every client that authenticates,
    one at a time, until closed.

    The data are pickled straight into the connection for each client, so no second copy of
    them is held in memory, let alone written to disk. A client that connects before the data
    are given waits for them.
    """

    def __init__(self, address: str, key: bytes):
        self._data: Any = None
        self._fingerprint = ""
        self._ready = threading.Event()
        self._closing = threading.Event()
        self._listener = Listener(address, backlog=8, authkey=key)
        self.address = address
        self._thread = threading.Thread(target=self._serve, name="analysis-handover", daemon=True)
        self._thread.start()

    def provide(self, data: Any, fingerprint: str) -> None:
        """Serve ``data``, read from the files ``fingerprint`` names, from now on."""
        self._data, self._fingerprint = data, fingerprint
        self._ready.set()

    def _send(self, conn: Connection) -> None:
        while not self._ready.wait(timeout=0.1):
            if self._closing.is_set():
                return
        conn.send_bytes(self._fingerprint.encode())
        with io.BufferedWriter(_Writer(conn), buffer_size=CHUNK) as stream:
            pickle.dump(self._data, stream, protocol=pickle.HIGHEST_PROTOCOL)
        conn.send_bytes(b"")

    def _serve(self) -> None:
        while True:
            try:
                conn = self._listener.accept()
            except (OSError, EOFError, AuthenticationError):  # a client that failed the handshake
                if self._closing.is_set():
                    return
                continue
            with conn:
                if self._closing.is_set():
                    return
                try:
                    self._send(conn)
                except OSError:  # the client went away (e.g. its data came from other files)
                    continue

    def close(self) -> None:
        """Stop serving: wake the waiting ``accept`` with a connection that is never served."""
        self._closing.set()
        try:
            Client(self.address).close()  # no key: the server's handshake with it fails
        except OSError:
            pass
        self._thread.join(timeout=10)
        self._listener.close()


#: Longest socket path the operating systems take (108 bytes on Linux, 104 on macOS).
MAX_SOCKET_PATH = 100


def _address(folder: Path) -> str:
    """A named pipe on Windows; else a socket in ``folder``, or on Linux, when that path is too
    long for a socket, a socket in the abstract namespace (no file at all)."""
    name = f"analysis-handover-{os.getpid()}-{secrets.token_hex(8)}"
    if os.name == "nt":
        return rf"\\.\pipe\{name}"
    path = str(folder / "data.sock")
    if len(path.encode()) > MAX_SOCKET_PATH and sys.platform == "linux":
        return f"\0{name}"
    return path


def _to_environment(address: str) -> str:
    """An abstract socket's leading NUL, which no environment variable can hold, as ``@``."""
    return "@" + address[1:] if address.startswith("\0") else address


def _from_environment(address: str) -> str:
    return "\0" + address[1:] if address.startswith("@") else address


class Handover:
    """A server of validated data for the kernels of a run (:func:`serving`).

    Attributes
    ----------
    environment : dict of str to str
        The environment variables that let a kernel fetch the data (:func:`receive`).
    """

    def __init__(self, server: _Server, key: bytes):
        self._server = server
        self.environment = {ADDRESS_ENV: _to_environment(server.address), KEY_ENV: key.hex()}

    def provide(self, data: Any, fingerprint: str) -> None:
        """Serve ``data`` (:class:`analysis.data.loading.ValidatedData`), read from the files
        and with the data parameters ``fingerprint`` names (:func:`analysis.data.loading.
        data_fingerprint`); a kernel uses them only if its own parameters give the same."""
        self._server.provide(data, fingerprint)


@contextmanager
def serving(folder: Path) -> Iterator[Handover]:
    """A server for the kernels started inside the block, given its data later.

    The kernels can so be started, and import their libraries, while the runner reads and
    validates the data (:meth:`Handover.provide` then hands them over).

    Parameters
    ----------
    folder : Path
        The run's private folder (mode 0700), for the socket.
    """
    key = secrets.token_bytes(32)
    server = _Server(_address(folder), key)
    try:
        yield Handover(server, key)
    finally:
        server.close()


@contextmanager
def serve(data: Any, fingerprint: str, folder: Path) -> Iterator[dict[str, str]]:
    """Serve ``data`` to the kernels started inside the block.

    Parameters
    ----------
    data : object
        The validated data (:class:`analysis.data.loading.ValidatedData`).
    fingerprint : str
        What the data were read from (:func:`analysis.data.loading.data_fingerprint`); a kernel
        uses the data only if its own parameters give the same fingerprint.
    folder : Path
        The run's private folder (mode 0700), for the socket.

    Yields
    ------
    dict of str to str
        The environment variables that let a kernel fetch the data (:func:`receive`).
    """
    with serving(folder) as handover:
        handover.provide(data, fingerprint)
        yield handover.environment


def receive(fingerprint: str) -> Any | None:
    """The data served by the runner that started this kernel, if they match ``fingerprint``.

    Returns None outside a run (no address in the environment), when the server cannot be
    reached, or when the data were read from other files or with other data parameters.
    """
    address, key = os.environ.get(ADDRESS_ENV), os.environ.get(KEY_ENV)
    if not address or not key:
        return None
    try:
        with Client(_from_environment(address), authkey=bytes.fromhex(key)) as conn:
            if conn.recv_bytes().decode() != fingerprint:
                return None
            with io.BufferedReader(_Reader(conn), buffer_size=CHUNK) as stream:
                return pickle.load(stream)  # sent by this run's runner, authenticated
    except (OSError, EOFError, ValueError, AuthenticationError, pickle.UnpicklingError):
        return None
