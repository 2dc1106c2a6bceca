// The cluster protocol's codec: every type round-trips; every malformed shape is an error
// naming the sender, the type and the field, never an exception; foreign versions are
// recognized from the envelope alone.
#include <gtest/gtest.h>

#include <set>

#include "hamail/hacore/cluster/protocol.h"
#include "sample_messages.h"

namespace hamail::cluster::protocol {
namespace {

using nlohmann::json;

json sample_json(const std::string& type) {
  for (const auto& m : samples::one_of_each())
    if (type_name(m.body) == type) return json::parse(encode(m));
  ADD_FAILURE() << "no sample of " << type;
  return json::object();
}

// Decodes and expects an error containing every one of `parts`.
void expect_error(const std::string& bytes, std::initializer_list<std::string> parts) {
  Result<Message> r = decode(bytes);
  ASSERT_FALSE(r) << "accepted: " << bytes.substr(0, 300);
  for (const auto& p : parts) EXPECT_NE(r.error().find(p), std::string::npos) << r.error() << "\nmissing: " << p;
}

TEST(Protocol, EveryTypeRoundTrips) {
  std::set<std::string> types;
  for (const auto& m : samples::one_of_each()) {
    std::string bytes = encode(m);
    auto back = decode(bytes);
    ASSERT_TRUE(back) << back.error();
    EXPECT_EQ(back->version, kVersion);
    EXPECT_EQ(back->from, m.from);
    EXPECT_EQ(type_name(back->body), type_name(m.body));
    EXPECT_EQ(encode(*back), bytes);
    EXPECT_EQ(json::parse(bytes)["v"], kVersion) << "every message carries the version";
    types.insert(type_name(m.body));
  }
  EXPECT_EQ(types.size(), std::variant_size_v<Body> - 1) << "a sample of every type but ForeignVersion";
}

TEST(Protocol, RefusesBytesThatAreNoMessage) {
  expect_error("", {"not JSON"});
  expect_error("not json", {"not JSON"});
  expect_error("{", {"not JSON"});
  expect_error("{}x", {"not JSON"});
  expect_error("\xff\xfe{}", {"not JSON"});
  expect_error(R"({"v":5,"t":"hello","from":"node1","node":"node\xff"})", {"not JSON"});
  expect_error("[]", {"not a JSON object but an array"});
  expect_error("\"hello\"", {"not a JSON object but a string"});
  expect_error("42", {"not a JSON object"});
  expect_error("null", {"not a JSON object but null"});
  expect_error(std::string(200, '[') + std::string(200, ']'), {"deeper than"});
  expect_error(R"({"v":5,"t":"hello","from":"node1","node":)" + std::string(100, '{'), {"deeper than"});
  expect_error(std::string(kMaxMessageBytes + 1, ' '), {"bytes: more than the"});
}

TEST(Protocol, RefusesBadEnvelopes) {
  expect_error(R"({"v":5,"from":"node1","node":"node1"})", {"field \"t\": missing"});
  expect_error(R"({"v":5,"t":7,"from":"node1"})", {"field \"t\": expected a string, found an integer"});
  expect_error(R"({"v":5,"t":"reboot_everything","from":"node1"})",
               {"message \"reboot_everything\" from node1: unknown message type"});
  expect_error(R"({"v":5,"t":"hello","node":"node1"})", {"from an unnamed sender", "field \"from\": missing"});
  expect_error(R"({"v":5,"t":"hello","from":"","node":"node1"})", {"field \"from\": empty"});
  expect_error(R"({"v":5,"t":"hello","from":["node1"],"node":"node1"})", {"field \"from\": expected a string"});
  expect_error(R"({"v":"2","t":"hello","from":"node1","node":"node1"})", {"field \"v\": expected an integer"});
  expect_error(R"({"v":0,"t":"hello","from":"node1","node":"node1"})", {"field \"v\": out of range"});
  expect_error(R"({"v":-3,"t":"hello","from":"node1","node":"node1"})", {"field \"v\": out of range"});
  expect_error(R"({"v":5.5,"t":"hello","from":"node1","node":"node1"})", {"field \"v\": expected an integer, found a fractional"});
  expect_error(R"({"v":18446744073709551615,"t":"hello","from":"node1","node":"node1"})", {"field \"v\": out of range"});
}

TEST(Protocol, ErrorsNameTheSenderTheTypeAndTheField) {
  json j = sample_json("action_result");
  j["from"] = "node2";
  j["node"] = "node2";
  j["index"] = "0";
  Result<Message> r = decode(j.dump());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), "message \"action_result\" from node2: field \"index\": expected a non-negative integer, found a string");
}

// Every field of every type, replaced by a value of each other kind: an error naming it.
TEST(Protocol, RefusesEveryFieldWithTheWrongType) {
  // As the wire has them: 3 is unsigned, -1 a (negative) integer.
  const std::vector<json> others = json::parse(R"(["x", 3, -1, 1.5, true, null, [], {}])");
  int checked = 0;
  for (const auto& m : samples::one_of_each()) {
    json good = json::parse(encode(m));
    for (const auto& [key, value] : good.items()) {
      if (key == "v" || key == "t" || key == "from") continue;
      for (const auto& other : others) {
        if (other.type() == value.type()) continue;
        json bad = good;
        bad[key] = other;
        SCOPED_TRACE(bad.dump().substr(0, 200));
        expect_error(bad.dump(), {"message \"" + type_name(m.body) + "\" from node1", "field \"" + key + "\""});
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 300);
}

TEST(Protocol, RefusesEveryMissingFieldAndAnyUnknownOne) {
  for (const auto& m : samples::one_of_each()) {
    json good = json::parse(encode(m));
    for (const auto& [key, value] : good.items()) {
      if (key == "v") continue;
      json bad = good;
      bad.erase(key);
      expect_error(bad.dump(), {"field \"" + key + "\": missing"});
    }
    json extra = good;
    extra["reboot"] = true;
    expect_error(extra.dump(), {"unknown field \"reboot\""});
  }
}

TEST(Protocol, RefusesOverlongStringsAndEmptyNames) {
  json j = sample_json("failure");
  j["resource"] = std::string(kMaxNameBytes + 1, 'r');
  expect_error(j.dump(), {"field \"resource\": longer than 255 bytes (256)"});
  j = sample_json("failure");
  j["reason"] = std::string(kMaxTextBytes + 1, 'x');
  expect_error(j.dump(), {"field \"reason\": longer than 4096 bytes"});
  j = sample_json("set_standby");
  j["node"] = "";
  expect_error(j.dump(), {"field \"node\": empty"});
  j = sample_json("probe_report");
  j["resources"][std::string(300, 'r')] = "started";
  expect_error(j.dump(), {"a resource name must be 1 to 255 bytes"});
  j = sample_json("connectivity");
  j["targets"] = json::array({std::string(300, 'h')});
  expect_error(j.dump(), {"field \"targets\": expected host names"});
}

TEST(Protocol, RefusesHugeArrays) {
  json j = sample_json("transition_start");
  const json one = j["actions"][0];
  j["actions"] = json::array();
  for (std::size_t i = 0; i <= kMaxActions; ++i) j["actions"].push_back(one);
  expect_error(j.dump(), {"field \"actions\": more than 1024 items (1025)"});
  j = sample_json("transition_start");
  j["notes"] = json::array();
  for (std::size_t i = 0; i <= kMaxNotes; ++i) j["notes"].push_back("n");
  expect_error(j.dump(), {"field \"notes\": more than 64 items"});
  j = sample_json("connectivity");
  j["targets"] = json(std::vector<std::string>(kMaxTargets + 1, "h"));
  expect_error(j.dump(), {"field \"targets\": more than 64 items"});
  j = sample_json("probe_report");
  for (std::size_t i = 0; i <= kMaxResources; ++i) j["resources"]["r" + std::to_string(i)] = "started";
  expect_error(j.dump(), {"field \"resources\": more than 1024 entries"});
  j = sample_json("state_sync");
  j["state"]["events"] = json::array();
  for (std::size_t i = 0; i <= kMaxEvents; ++i) j["state"]["events"].push_back({{"event", "x"}});
  expect_error(j.dump(), {"field \"state.events\": more than 2000 items"});
  j = sample_json("transition_start");
  j["actions"] = json::array();
  expect_error(j.dump(), {"at least one action"});
}

TEST(Protocol, RefusesNegativeHugeAndFractionalNumbers) {
  auto with = [](const std::string& type, const std::string& key, json v) {
    json j = sample_json(type);
    j[key] = v;
    return j.dump();
  };
  expect_error(with("action_request", "id", -1), {"field \"id\": expected a non-negative integer, found a negative integer"});
  expect_error(with("action_request", "id", 0), {"field \"id\": 0 is not an id"});
  expect_error(with("action_request", "id", 1e30), {"field \"id\": expected a non-negative integer, found a fractional"});
  expect_error(with("action_request", "id", std::numeric_limits<std::uint64_t>::max()), {"field \"id\": out of range"});
  expect_error(R"({"v":5,"t":"action_request","from":"node1","id":1e400,"index":0})", {"not JSON"});
  expect_error(with("action_request", "index", kMaxActions), {"field \"index\": out of range: 1024"});
  expect_error(with("action_result", "rc", 256), {"field \"rc\": out of range"});
  expect_error(with("action_result", "rc", -1), {"field \"rc\": out of range"});
  expect_error(with("action_result", "duration_ms", -5), {"field \"duration_ms\": expected a non-negative integer"});
  json j = sample_json("state_sync");
  j["state"]["failures"][0]["count"] = -1;
  expect_error(j.dump(), {"field \"state.failures[0].count\": out of range"});
  j = sample_json("state_sync");
  j["state"]["failures"][0]["age_ms"] = 1e300;
  expect_error(j.dump(), {"field \"state.failures[0].age_ms\": expected an integer, found a fractional"});
  j = sample_json("state_sync");
  j["state"]["switchover"]["age_ms"] = kMaxAgeMs + 1;
  expect_error(j.dump(), {"field \"state.switchover.age_ms\": out of range"});
}

TEST(Protocol, RefusesValuesOutsideTheirSet) {
  json j = sample_json("transition_start");
  j["actions"][1]["kind"] = "reboot";
  expect_error(j.dump(), {"field \"actions[1].kind\": expected fence, demote, stop, start or promote, found \"reboot\""});
  j = sample_json("transition_start");
  j["actions"][0]["resource"] = "";
  expect_error(j.dump(), {"field \"actions[0].resource\": empty"});
  j = sample_json("transition_start");
  j["actions"][1]["resource"] = "vip";
  expect_error(j.dump(), {"field \"actions[1].resource\": a fence names no resource"});
  j = sample_json("transition_start");
  j["actions"][0]["extra"] = 1;
  expect_error(j.dump(), {"unknown field \"actions[0].extra\""});
  j = sample_json("probe_report");
  j["resources"]["vip"] = "running";
  expect_error(j.dump(), {"field \"resources.vip\": expected stopped, started"});
  j = sample_json("probe_report");
  j["resources"]["vip"] = 0;
  expect_error(j.dump(), {"field \"resources.vip\"", "found an integer"});
  j = sample_json("probe_report");
  j["busy"] = json::array({""});
  expect_error(j.dump(), {"field \"busy\": expected resource names of 1 to 255 bytes"});
  j = sample_json("probe_report");
  j.erase("busy");
  expect_error(j.dump(), {"busy"});
  j = sample_json("switchover_end");
  j["result"] = "maybe";
  expect_error(j.dump(), {"field \"result\": expected done or failed"});
  j = sample_json("state_sync");
  j["state"]["events"][0].erase("event");
  expect_error(j.dump(), {"field \"state.events[0]\": has no \"event\" name"});
  j = sample_json("state_sync");
  j["state"]["nodes"]["node1"]["standby"] = "yes";
  expect_error(j.dump(), {"field \"state.nodes.node1.standby\": expected true or false"});
  j = sample_json("state_sync");
  j["state"] = json::array();
  expect_error(j.dump(), {"field \"state\": expected an object, found an array"});
}

TEST(Protocol, AnotherVersionIsRecognizedFromTheEnvelopeAndNeverRead) {
  auto r = decode(R"({"v":6,"t":"action_request","from":"node2","id":"whatever","index":[1,2]})");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->version, 6);
  EXPECT_EQ(r->from, "node2");
  ASSERT_TRUE(std::holds_alternative<ForeignVersion>(r->body));
  EXPECT_EQ(std::get<ForeignVersion>(r->body).type, "action_request");
  // hacored before the versioned protocol sent no "v": version 1.
  r = decode(R"({"t":"probe_report","from":"node2","ts":1700000000000,"node":"node2","resources":{}})");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->version, kLegacyVersion);
  EXPECT_TRUE(std::holds_alternative<ForeignVersion>(r->body));
  // The envelope itself must still be sound.
  expect_error(R"({"v":6,"t":"hello"})", {"field \"from\": missing"});
}

TEST(Protocol, EncodingNeverFailsOnBadUtf8) {
  Message m{kVersion, "node1", Failure{"node1", "smtpd", "monitor", 1, std::string("agent said \xff\xfe")}};
  std::string bytes = encode(m);
  auto back = decode(bytes);
  ASSERT_TRUE(back) << back.error();
}

}  // namespace
}  // namespace hamail::cluster::protocol
