#include "hamail/base/json_fields.h"

#include <gtest/gtest.h>

#include "hamail/base/utf8_text.h"

namespace hamail {
namespace {

using nlohmann::json;

std::string error_of(const json& j, const std::function<void(JsonFields&)>& read) {
  JsonFields f(j);
  read(f);
  Status st = f.finish();
  return st ? "" : st.message();
}

TEST(JsonFields, ReadsTypedValues) {
  json j = {{"cmd", "events"}, {"since_ms", 17}, {"follow", true}, {"n", -3}, {"list", {1, 2}}, {"m", {{"a", 1}}}};
  JsonFields f(j);
  EXPECT_EQ(f.text("cmd", 32), "events");
  EXPECT_EQ(f.unsigned_int("since_ms", 1000), 17u);
  EXPECT_EQ(f.optional_boolean("follow"), true);
  EXPECT_EQ(f.integer("n", -10, 10), -3);
  EXPECT_EQ(f.array("list", 8).size(), 2u);
  EXPECT_EQ(f.object("m", 8).size(), 1u);
  EXPECT_FALSE(f.optional_text("absent", 10));
  EXPECT_TRUE(f.finish());
}

TEST(JsonFields, WrongTypesAreErrorsNamingTheField) {
  EXPECT_EQ(error_of({{"since_ms", "x"}}, [](JsonFields& f) { (void)f.unsigned_int("since_ms", 100); }),
            "field \"since_ms\": expected a non-negative integer, found a string");
  EXPECT_EQ(error_of({{"on", "yes"}}, [](JsonFields& f) { (void)f.boolean("on"); }),
            "field \"on\": expected true or false, found a string");
  EXPECT_EQ(error_of({{"volume", 5}}, [](JsonFields& f) { (void)f.optional_text("volume", 10); }),
            "field \"volume\": expected a string, found an integer");
  EXPECT_EQ(error_of({{"n", 1.5}}, [](JsonFields& f) { (void)f.integer("n", 0, 9); }),
            "field \"n\": expected an integer, found a fractional number");
  EXPECT_EQ(error_of({{"list", "x"}}, [](JsonFields& f) { (void)f.array("list", 4); }),
            "field \"list\": expected an array, found a string");
}

TEST(JsonFields, BoundsMissingAndUnknownFields) {
  EXPECT_EQ(error_of({{"n", -1}}, [](JsonFields& f) { (void)f.unsigned_int("n", 10); }),
            "field \"n\": expected a non-negative integer, found a negative integer");
  EXPECT_EQ(error_of({{"s", std::string(2000, 'a')}}, [](JsonFields& f) { (void)f.text("s", 1024); }),
            "field \"s\": longer than 1024 bytes (2000)");
  EXPECT_EQ(error_of(json::object(), [](JsonFields& f) { (void)f.text("cmd", 8); }), "field \"cmd\": missing");
  EXPECT_EQ(error_of({{"cmd", "x"}, {"extra", 1}}, [](JsonFields& f) { (void)f.text("cmd", 8); }),
            "unknown field \"extra\"");
  std::string too_many = error_of({{"list", json::array({1, 2, 3})}}, [](JsonFields& f) { (void)f.array("list", 2); });
  EXPECT_EQ(too_many.rfind("field \"list\": more than 2 items", 0), 0u) << too_many;
}

TEST(JsonFields, FirstErrorWins) {
  json j = {{"a", "x"}, {"b", true}};
  JsonFields f(j);
  (void)f.boolean("a");
  (void)f.boolean("b");
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(f.finish().message(), "field \"a\": expected true or false, found a string");
}

TEST(JsonFields, DeepNestingIsSeenBeforeParsing) {
  EXPECT_TRUE(nests_deeper_than(std::string(100, '[') + std::string(100, ']'), 12));
  EXPECT_FALSE(nests_deeper_than(R"({"a":[{"b":"[[[[[[[[[[[[[[["}]})", 12));
}

TEST(Utf8Text, ClipsToValidUtf8) {
  EXPECT_EQ(clip_utf8("plain", 10), "plain");
  EXPECT_EQ(clip_utf8(std::string("a\xff" "b"), 10), "a?b");
  std::string clipped = clip_utf8(std::string(100, 'x'), 10);
  EXPECT_LE(clipped.size(), 13u);
  EXPECT_NO_THROW((void)json(clip_utf8(std::string("\xc3\x28"), 10)).dump());
}

}  // namespace
}  // namespace hamail
