"""8. A wrong shared secret: node2 configured with another secret never connects, and
node1's log says why (replication_handshake_failed, naming the peer and the secret)."""

import time

import drbdtest
from drbdtest import ClusterTest, log, wait_for


class WrongSecretTest(ClusterTest):
    secret2 = b"a completely different secret!!!"

    def test_wrong_secret_never_connects(self):
        c = self.c
        c.start()
        for n in c.nodes:
            n.cli("create-md", "r0")
            n.cli("up", "r0")
        self.n1.cli("primary", "r0", "--force")
        seen = []

        def check():
            for n in c.nodes:
                s = n.status()
                self.assertFalse(s["link_up"] or s["connection"] not in ("Connecting", "StandAlone"),
                                 f"{n.name} connected with a wrong secret: {s}")
            recs = [l for l in self.n1.log_records("replication_handshake_failed") if "127.0.0.2" in l]
            seen[:] = recs
            return len(recs) >= 3  # three dial attempts (one a second), all refused
        _, took = wait_for("three failed handshakes in node1's log", check, 30, interval=0.1)
        log(f"{len(seen)} failed handshakes in {took:.1f}s; node1 log: {seen[0].strip()}")
        log(f"node2 log: {[l.strip() for l in self.n2.log_records('replication_handshake_failed')][:1]}")
        self.assertIn("peer=127.0.0.2", seen[0])
        self.assertIn("wrong shared secret", seen[0])
        s1 = self.n1.status()
        self.assertEqual(s1["peer_disk"], "DUnknown")


if __name__ == "__main__":
    drbdtest.main()
