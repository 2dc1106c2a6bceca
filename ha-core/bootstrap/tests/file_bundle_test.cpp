#include <gtest/gtest.h>

#include "hamail/hacore/bootstrap/file_bundle.h"

namespace hamail::bootstrap {
namespace {

std::vector<PlannedFile> sample() {
  std::string key;
  for (int i = 0; i < 256; ++i) key += static_cast<char>(i);  // every byte value, newlines and NULs included
  return {{"/etc/corosync/authkey", 0400, key, OnExisting::keep},
          {"/etc/corosync/corosync.conf", 0644, "totem {\n}\n", OnExisting::replace},
          {"/etc/hamail/cluster.yaml", 0644, "", OnExisting::keep_unless_example}};
}

std::string decode_error(const std::string& bytes) {
  auto r = decode_bundle(bytes);
  EXPECT_FALSE(r) << "accepted";
  return r ? std::string() : r.error();
}

TEST(FileBundle, RoundTrip) {
  auto files = sample();
  std::string bytes = encode_bundle(files);
  EXPECT_EQ(bytes.substr(0, 15), "hamail-files 1\n");
  auto back = decode_bundle(bytes);
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->size(), files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ((*back)[i].path, files[i].path);
    EXPECT_EQ((*back)[i].mode, files[i].mode);
    EXPECT_EQ((*back)[i].content, files[i].content);
    EXPECT_EQ((*back)[i].on_existing, files[i].on_existing);
  }
}

TEST(FileBundle, EveryTruncationIsRefused) {
  std::string bytes = encode_bundle(sample());
  for (std::size_t n = 0; n < bytes.size(); ++n) EXPECT_FALSE(decode_bundle(bytes.substr(0, n))) << "cut at " << n;
  EXPECT_EQ(decode_error(bytes.substr(0, 100)),
            "file bundle: file 1 (/etc/corosync/authkey): truncated: 256 content bytes announced, 41 left");
  EXPECT_EQ(decode_error(bytes.substr(0, bytes.size() - 6)), "file bundle: truncated after 3 files (no end line)");
}

TEST(FileBundle, ErrorsNeverQuoteAContent) {
  std::vector<PlannedFile> f = {{"/etc/hamail/r0.secret", 0600, "s3cr3t-s3cr3t-s3cr3t\n", OnExisting::keep}};
  std::string bytes = encode_bundle(f);
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    auto r = decode_bundle(bytes.substr(0, n));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().find("s3cr3t"), std::string::npos) << r.error();
  }
}

TEST(FileBundle, VersionAndHeader) {
  EXPECT_EQ(decode_error("hamail-files 2\nend 0\n"),
            "file bundle: version 2, this hactl reads version 1 (install the same hamail version on both nodes)");
  EXPECT_EQ(decode_error("hello\n"), "file bundle: not a hamail file bundle (bad header line)");
  EXPECT_EQ(decode_error(""), "file bundle: no header line (expected \"hamail-files 1\")");
  EXPECT_TRUE(decode_bundle("hamail-files 1\nend 0\n"));
}

TEST(FileBundle, BoundsAndShapes) {
  EXPECT_EQ(decode_error(std::string(kMaxBundleBytes + 1, 'x')), "file bundle: over 8388608 bytes");
  EXPECT_EQ(decode_error("hamail-files 1\nfile 0644 keep 4 2000000\n/a/b\n"),
            "file bundle: file 1: content length missing or over 1048576 bytes");
  EXPECT_EQ(decode_error("hamail-files 1\nfile 4755 keep 4 1\n/a/b\nx\nend 1\n"),
            "file bundle: file 1: mode must be 4 octal digits from 0000 to 0777");
  EXPECT_EQ(decode_error("hamail-files 1\nfile 0644 maybe 4 1\n/a/b\nx\nend 1\n"),
            "file bundle: file 1: rule must be replace, keep-unless-example or keep");
  for (std::string p : {"a/bc", "/a/./b", "/a/../b", "//ab", "/a b", "/ab/", "/a\x01b", "/", "/."})
    EXPECT_EQ(decode_error("hamail-files 1\nfile 0644 keep " + std::to_string(p.size()) + " 1\n" + p + "\nx\nend 1\n"),
              "file bundle: file 1: the path is not absolute and normalized")
        << p;
  EXPECT_EQ(decode_error("hamail-files 1\nfile 0644 keep 4 1\n/a/b\nx\nfile 0644 keep 4 1\n/a/b\ny\nend 2\n"),
            "file bundle: /a/b is given twice");
  EXPECT_EQ(decode_error("hamail-files 1\nfile 0644 keep 4 1\n/a/b\nx\nend 2\n"),
            "file bundle: the end line does not count the 1 files read");
  EXPECT_EQ(decode_error("hamail-files 1\nend 0\nmore"), "file bundle: 4 bytes after the end line");
  EXPECT_EQ(decode_error("hamail-files 1\nfile 0644 keep 04 1\n/a/b\nx\nend 1\n"),
            "file bundle: file 1: path length missing or over 1024 bytes");
  std::string many = "hamail-files 1\n";
  for (std::size_t i = 0; i <= kMaxBundleFiles; ++i) many += "file 0644 keep 4 0\n/f" + std::to_string(100 + i).substr(1) + "\n\n";
  EXPECT_EQ(decode_error(many + "end 65\n"), "file bundle: more than 64 files");
}

}  // namespace
}  // namespace hamail::bootstrap
