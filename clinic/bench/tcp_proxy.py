"""A TCP proxy that a test or `manage.py bench_faults` controls, in front of Redis or PostgreSQL.

- ``up``: bytes go through both ways.
- ``hang``: connections are accepted (new and existing ones) but nothing is ever answered, like
  a server that is stuck: the client waits for its socket timeout.
- ``down``: the port refuses connections and open ones are cut, like a server that is gone.

``connections`` counts the connections accepted since start (or the last ``reset_counts``):
with the circuit breaker open, a hung Redis must see (almost) none.
"""

import contextlib
import socket
import threading


class Proxy:
    def __init__(self, target, port=0):
        # Port 0: the system picks a free one, kept when the proxy goes down and up again.
        self.port, self.target = port, target
        self.mode = "down"
        self.listener = None
        self.sockets = []
        self.lock = threading.Lock()
        self.connections = 0

    # --- What the test controls ----------------------------------------------------------

    def up(self):
        self._listen()
        self.mode = "up"

    def hang(self):
        self._listen()
        self.mode = "hang"

    def down(self):
        self.mode = "down"
        if self.listener is not None:
            # shutdown() wakes the thread blocked in accept(); close() alone would not.
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        self._cut()

    start = up
    stop = down

    def reset_counts(self):
        self.connections = 0

    # --- The proxy -------------------------------------------------------------------------

    def _listen(self):
        if self.listener is not None:
            return
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(128)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            with self.lock:
                self.connections += 1
                self.sockets.append(client)
            if self.mode == "hang":
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                if self.mode == "hang":
                    continue  # swallowed: the other side waits for ever
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def _cut(self):
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
