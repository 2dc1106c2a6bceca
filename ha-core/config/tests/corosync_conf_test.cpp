#include <gtest/gtest.h>

#include "hamail/hacore/config/cluster_config_loader.h"
#include "hamail/hacore/config/corosync_conf.h"

namespace hamail::config {
namespace {

ClusterConfig load(const std::string& y) {
  ConfigLoad l = parse_cluster_config(y, "c.yaml");
  EXPECT_TRUE(l.config) << (l.errors.empty() ? "" : l.errors[0].to_string());
  return l.config ? *l.config : ClusterConfig{};
}

TEST(CorosyncConf, TwoNodeKnetWithCrypto) {
  ClusterConfig c = load(R"(cluster: {name: mail, crypto: {authkey: /etc/corosync/authkey}}
nodes:
  - {name: a, id: 1, ring_addrs: [10.0.0.1, 10.2.0.1]}
  - {name: b, id: 2, ring_addrs: [10.0.0.2, 10.2.0.2]}
timing: {token: 1000ms}
stonith: {enabled: false}
)");
  std::string out = render_corosync_conf(c);
  for (const char* want : {"cluster_name: mail\n", "transport: knet\n", "token: 1000\n", "crypto_cipher: aes256\n",
                           "crypto_hash: sha256\n", "keyfile: /etc/corosync/authkey\n", "linknumber: 1\n",
                           "name: a\n        nodeid: 1\n        ring0_addr: 10.0.0.1\n        ring1_addr: 10.2.0.1\n",
                           "provider: corosync_votequorum\n    two_node: 1\n    wait_for_all: 1\n"}) {
    EXPECT_NE(out.find(want), std::string::npos) << "missing: " << want << "\n" << out;
  }
  EXPECT_EQ(out.find("device {"), std::string::npos);
}

TEST(CorosyncConf, QdeviceReplacesTwoNode) {
  ClusterConfig c = load(R"(cluster: {name: mail}
nodes:
  - {name: a, ring_addrs: [10.0.0.1]}
  - {name: b, ring_addrs: [10.0.0.2]}
quorum: {qdevice: {host: 10.0.0.9, algorithm: lms}}
stonith: {enabled: false}
)");
  std::string out = render_corosync_conf(c);
  EXPECT_EQ(out.find("two_node"), std::string::npos) << out;
  EXPECT_NE(out.find("model: net"), std::string::npos);
  EXPECT_NE(out.find("host: 10.0.0.9"), std::string::npos);
  EXPECT_NE(out.find("algorithm: lms"), std::string::npos);
}

TEST(CorosyncConf, NoCryptoMeansNoKeyfile) {
  ClusterConfig c = load(R"(cluster: {name: mail, crypto: {cipher: none, hash: none}}
nodes:
  - {name: a, ring_addrs: [10.0.0.1]}
  - {name: b, ring_addrs: [10.0.0.2]}
stonith: {enabled: false}
)");
  std::string out = render_corosync_conf(c);
  EXPECT_EQ(out.find("keyfile"), std::string::npos);
  EXPECT_NE(out.find("crypto_cipher: none"), std::string::npos);
}

}  // namespace
}  // namespace hamail::config
