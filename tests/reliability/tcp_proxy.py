"""A small TCP proxy for fault tests: sits between the Neo4j driver and the server and can add latency,
stall, drop every open connection, or refuse new ones.

    with TcpProxy("127.0.0.1", 7687) as proxy:      # proxy.uri == "bolt://127.0.0.1:<free port>"
        proxy.latency = 0.01                         # seconds added to every chunk, both ways
        proxy.stall(2.0)                             # nothing passes for 2 s
        proxy.drop_all()                             # close every open connection (the driver must retry)
        proxy.refuse = True                          # new connections are closed at once
"""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType


class TcpProxy:
    """Forwards 127.0.0.1:<port> to (host, port); counts the connections it accepted."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.latency = 0.0
        self.refuse = False
        self.accepted = 0
        self.dropped = 0
        self._stall_until = 0.0
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self._closing = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def stall(self, seconds: float) -> None:
        """Hold every byte, both ways, for `seconds` from now."""
        self._stall_until = time.monotonic() + seconds

    def drop_all(self) -> int:
        """Close every open connection (client and server side); how many pairs were cut."""
        with self._lock:
            socks = list(self._open)
            self._open.clear()
        for s in socks:
            _close(s)
        self.dropped += len(socks) // 2
        return len(socks) // 2

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            if self.refuse:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self.accepted += 1
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                if self.latency:
                    time.sleep(self.latency)
                while (wait := self._stall_until - time.monotonic()) > 0:
                    time.sleep(min(wait, 0.05))
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)
            _close(src)
            _close(dst)

    def close(self) -> None:
        self._closing = True
        _close(self._server)
        self.drop_all()

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()
