"""A connection from the peer's address that does not authenticate never replaces the live
replication link (any user on the peer host can open one): while Connected, plain TCP
connections to the listening node (one idle, one sending garbage) leave the link up, with
no new link-up, no resync and writes still replicated; the node logs the failed handshakes."""

import socket
import time

import drbdtest
from drbdtest import ClusterTest, log, wait_for


class LinkTakeoverTest(ClusterTest):
    def plain_connection(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((self.n1.addr, 0))  # from node1's (the peer's) address, as an intruder there would
        s.settimeout(10)
        s.connect((self.n2.addr, self.c.port))  # node2 listens (node1 dials)
        return s

    def test_unauthenticated_connections_leave_the_link_up(self):
        c = self.c
        c.up()
        ups_before = len(self.n2.log_records("replication_link_up"))
        gen_before = self.n2.status().get("generation")
        idle = self.plain_connection()
        noisy = self.plain_connection()
        noisy.sendall(b"GET / HTTP/1.0\r\n\r\n" * 4)
        deadline = time.time() + 2
        while time.time() < deadline:  # the idle one stays open meanwhile
            s = self.n2.status()
            self.assertTrue(s["link_up"], f"the link dropped: {s}")
            self.assertEqual(s["connection"], "Connected", s)
            time.sleep(0.1)
        wait_for("node2 logs the failed handshake with the live link kept",
                 lambda: any("live_link=kept" in l for l in self.n2.log_records("replication_handshake_failed")), 15)
        idle.close()
        noisy.close()
        h = self.open_nbd(self.n1)
        h.pwrite(b"\x5a" * 65536, 1 << 20)
        h.flush()
        self.n2.wait_status("still Connected and in sync", lambda s: s["connection"] == "Connected"
                            and s["out_of_sync_kib"] == 0 and s["link_up"])
        self.assertEqual(len(self.n2.log_records("replication_link_up")), ups_before, "the link went down and up")
        self.assertEqual(self.n2.status().get("generation"), gen_before, "a new data generation started")
        log(f"handshake failures on node2: {len(self.n2.log_records('replication_handshake_failed'))}")
        c.assert_identical(self)


if __name__ == "__main__":
    drbdtest.main()
