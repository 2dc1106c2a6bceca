"""NBD TRIM and WRITE_ZEROES longer than 0xFC000000 bytes on a volume over 4 GiB (blkdiscard
of a whole device): the request is split into pieces the activity log can hold, and the
client gets exactly one reply, correct, after every piece is done."""

import drbdtest
from drbdtest import ClusterTest, log


class LargeRequestTest(ClusterTest):
    device_size = 5 << 30  # sparse files

    def test_trim_and_write_zeroes_over_0xfc000000_bytes(self):
        n1 = self.n1
        n1.start()
        n1.cli("create-md", "r0")
        n1.cli("up", "r0")
        n1.cli("primary", "r0", "--force")
        n1.wait_status("the NBD export", lambda s: s.get("nbd_socket"))
        h = self.open_nbd(n1)
        size = h.get_size()
        self.assertGreater(size, 1 << 32)
        pattern = b"\xA5" * 4096
        for off in (0, 0xFC000000, 0xFFFFE000):
            h.pwrite(pattern, off)
        length = 0xFFFFF000  # > 0xFC000000: the piece count needs more than 32 bits
        h.trim(length, 0)
        log(f"trim of {length:#x} bytes answered")
        for off in (0, 0xFC000000, 0xFFFFE000):
            self.assertEqual(h.pread(4096, off), b"\0" * 4096, f"block at {off:#x} not trimmed")
        h.pwrite(pattern, 0xFFFFF000)   # the last block of the zeroed range [0x1000, 0x100000000)
        h.pwrite(pattern, 0x100000000)  # just past it: untouched
        h.zero(length, 0x1000)
        self.assertEqual(h.pread(4096, 0xFFFFF000), b"\0" * 4096)
        self.assertEqual(h.pread(4096, 0x100000000), pattern)
        # The connection is still in step: one reply per request, nothing left over.
        h.pwrite(pattern, 8192)
        self.assertEqual(h.pread(4096, 8192), pattern)
        h.flush()


if __name__ == "__main__":
    drbdtest.main()
