"""A small BACnet Broadcast Management Device for the tests (Annex J.4/J.5 of ASHRAE 135, our own
reading of it, on 127.0.0.0/8 only): a foreign-device table filled by Register-Foreign-Device
(answered with BVLC-Result), Distribute-Broadcast-To-Network from a registered foreign device
forwarded as Forwarded-NPDU to the other foreign devices and to the "local network" (the
addresses given), and Original-Broadcast from a local peer forwarded to every foreign device.
restart() forgets the table, as a BBMD that lost power does."""
import socket
import struct
import threading
import time


class Bbmd:
    def __init__(self, address="127.0.0.1", port=0, local_peers=()):
        self.address = address
        self.local_peers = list(local_peers)  # (ip, port) of devices on the BBMD's own network
        self.registrations = []               # (time.monotonic(), (ip, port), ttl seconds), every one received
        self.forwarded = []                   # (from, bytes) Distribute-Broadcast-To-Network received
        self.fdt = {}
        self._lock = threading.Lock()
        self._open(port)

    def _open(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((self.address, port))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self):
        self._stop = True
        self._thread.join()
        self.sock.close()

    def restart(self):
        """The BBMD goes away and comes back on the same port with an empty foreign-device table."""
        port = self.port
        self.close()
        with self._lock:
            self.fdt.clear()
        self._open(port)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @staticmethod
    def _forwarded(origin, npdu):
        ip = socket.inet_aton(origin[0])
        body = ip + struct.pack(">H", origin[1]) + npdu
        return struct.pack(">BBH", 0x81, 0x04, len(body) + 4) + body

    def _serve(self):
        while not self._stop:
            try:
                data, peer = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                return
            if len(data) < 4 or data[0] != 0x81:
                continue
            function = data[1]
            payload = data[4:]
            if function == 0x05 and len(payload) == 2:  # Register-Foreign-Device
                ttl = struct.unpack(">H", payload)[0]
                with self._lock:
                    self.registrations.append((time.monotonic(), peer, ttl))
                    self.fdt[peer] = ttl
                self.sock.sendto(struct.pack(">BBHH", 0x81, 0x00, 6, 0x0000), peer)
            elif function == 0x09:  # Distribute-Broadcast-To-Network
                with self._lock:
                    known = peer in self.fdt
                    targets = [p for p in self.fdt if p != peer] + self.local_peers
                if not known:
                    self.sock.sendto(struct.pack(">BBHH", 0x81, 0x00, 6, 0x0060), peer)
                    continue
                with self._lock:
                    self.forwarded.append((peer, payload))
                for t in targets:
                    self.sock.sendto(self._forwarded(peer, payload), t)
            elif function == 0x0B:  # Original-Broadcast-NPDU from the local network
                with self._lock:
                    targets = list(self.fdt)
                for t in targets:
                    self.sock.sendto(self._forwarded(peer, payload), t)

    def registrations_from(self, address):
        with self._lock:
            return [r for r in self.registrations if r[1] == address]
