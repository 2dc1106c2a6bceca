#include "hamail/base/json_fields.h"

#include <gtest/gtest.h>

namespace hamail {
namespace {

using nlohmann::json;

std::string error_of(const json& j, const std::function<void(JsonFields&)>& read) {
  JsonFields f(j, "request");
  read(f);
  Status st = f.finish();
  return st ? "" : st.message();
}

TEST(JsonFields, ReadsTypedValues) {
  json j = {{"cmd", "events"}, {"since_ms", 17}, {"follow", true}, {"n", -3}, {"list", {1, 2}}, {"m", {{"a", 1}}}};
  JsonFields f(j, "request");
  EXPECT_EQ(f.string("cmd", Field::required), "events");
  EXPECT_EQ(f.unsigned_integer("since_ms"), 17u);
  EXPECT_EQ(f.boolean("follow"), true);
  EXPECT_EQ(f.integer("n", -10, 10), -3);
  ASSERT_NE(f.array("list"), nullptr);
  ASSERT_NE(f.object("m"), nullptr);
  EXPECT_FALSE(f.string("absent"));
  EXPECT_TRUE(f.finish());
}

TEST(JsonFields, WrongTypesAreErrorsNamingTheField) {
  EXPECT_EQ(error_of({{"since_ms", "x"}}, [](JsonFields& f) { (void)f.unsigned_integer("since_ms"); }),
            "request: field 'since_ms': expected an unsigned integer, found a string");
  EXPECT_EQ(error_of({{"on", "yes"}}, [](JsonFields& f) { (void)f.boolean("on"); }),
            "request: field 'on': expected true or false, found a string");
  EXPECT_EQ(error_of({{"volume", 5}}, [](JsonFields& f) { (void)f.string("volume"); }),
            "request: field 'volume': expected a string, found an integer");
  EXPECT_EQ(error_of({{"n", 1.5}}, [](JsonFields& f) { (void)f.integer("n", 0, 9); }),
            "request: field 'n': expected an integer, found a number with a fraction");
  EXPECT_EQ(error_of({{"list", "x"}}, [](JsonFields& f) { (void)f.array("list"); }),
            "request: field 'list': expected an array, found a string");
}

TEST(JsonFields, BoundsMissingAndUnknownFields) {
  EXPECT_EQ(error_of({{"n", 11}}, [](JsonFields& f) { (void)f.integer("n", 0, 10); }),
            "request: field 'n': value 11 out of range (0..10)");
  EXPECT_EQ(error_of({{"n", 18446744073709551615ull}}, [](JsonFields& f) { (void)f.integer("n", 0, 10); }),
            "request: field 'n': value 18446744073709551615 out of range (0..10)");
  EXPECT_EQ(error_of({{"n", -1}}, [](JsonFields& f) { (void)f.unsigned_integer("n"); }),
            "request: field 'n': value -1 is negative");
  EXPECT_EQ(error_of({{"s", std::string(2000, 'a')}}, [](JsonFields& f) { (void)f.string("s"); }),
            "request: field 's': longer than 1024 bytes");
  EXPECT_EQ(error_of({{"list", json::array({1, 2, 3})}}, [](JsonFields& f) { (void)f.array("list", Field::optional, 2); }),
            "request: field 'list': more than 2 items");
  EXPECT_EQ(error_of(json::object(), [](JsonFields& f) { (void)f.string("cmd", Field::required); }),
            "request: field 'cmd': missing");
  EXPECT_EQ(error_of({{"cmd", "x"}, {"extra", 1}}, [](JsonFields& f) { (void)f.string("cmd"); }),
            "request: unknown field 'extra'");
}

TEST(JsonFields, NotAnObject) {
  EXPECT_EQ(error_of(json::array(), [](JsonFields& f) { (void)f.string("cmd"); }),
            "request: expected a JSON object, found an array");
  EXPECT_EQ(error_of(json("x"), [](JsonFields&) {}), "request: expected a JSON object, found a string");
}

TEST(JsonFields, FirstErrorWinsAndLaterReadsReturnNothing) {
  json j = {{"a", "x"}, {"b", true}};
  JsonFields f(j, "request");
  EXPECT_FALSE(f.boolean("a"));
  EXPECT_FALSE(f.boolean("b"));
  EXPECT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "request: field 'a': expected true or false, found a string");
}

}  // namespace
}  // namespace hamail
