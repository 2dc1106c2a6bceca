// The trace API's routes: every search parameter, bounds, bad parameters named (400),
// unknown endpoints (404), methods (405), a message id percent-decoded.
#include <gtest/gtest.h>

#include "hamail/mailsvc/traceweb/trace_route.h"

namespace hamail::mailsvc::traceweb {
namespace {

std::variant<TraceRoute, TraceRouteError> parse(const std::string& target, const std::string& method = "GET") {
  http::HttpRequest r;
  r.method = method;
  r.target = target;
  return parse_trace_route(r);
}

TraceRouteError error_of(const std::string& target, const std::string& method = "GET") {
  auto r = parse(target, method);
  EXPECT_TRUE(std::holds_alternative<TraceRouteError>(r)) << target;
  return std::holds_alternative<TraceRouteError>(r) ? std::get<TraceRouteError>(r) : TraceRouteError{};
}

TEST(TraceRoute, SearchTakesEveryParameter) {
  auto r = parse("/trace/api/messages?message_id=m1%40x.org&queue_id=06B1AB&from=Alice%40Example.org&to=%3Cbob%40x.org%3E"
                 "&subject=Hello+World&status=delivered&since=2026-12-05&until=2026-12-06T10&limit=7&order=oldest");
  ASSERT_TRUE(std::holds_alternative<TraceRoute>(r));
  const auto& q = std::get<SearchRoute>(std::get<TraceRoute>(r)).query;
  EXPECT_EQ(q.message_id, "<m1@x.org>");
  EXPECT_EQ(q.queue_id, "06B1AB");
  EXPECT_EQ(q.from, "alice@example.org");
  EXPECT_EQ(q.to, "bob@x.org");
  EXPECT_EQ(q.subject, "hello world");
  EXPECT_EQ(q.status, "delivered");
  EXPECT_EQ(q.since, "2026-12-05");
  EXPECT_EQ(q.until, "2026-12-06T10");
  EXPECT_EQ(q.limit, 7u);
  EXPECT_FALSE(q.newest_first);
}

TEST(TraceRoute, SearchDefaultsAndEmptyFieldsSkipped) {
  auto r = parse("/trace/api/messages?from=&status=&");
  ASSERT_TRUE(std::holds_alternative<TraceRoute>(r));
  const auto& q = std::get<SearchRoute>(std::get<TraceRoute>(r)).query;
  EXPECT_EQ(q.limit, kPageDefault);
  EXPECT_TRUE(q.newest_first);
  EXPECT_TRUE(q.from.empty());
  EXPECT_TRUE(q.status.empty());
}

TEST(TraceRoute, BadParametersAreNamed) {
  for (auto [target, name] : std::vector<std::pair<std::string, std::string>>{
           {"/trace/api/messages?limit=0", "limit"},
           {"/trace/api/messages?limit=201", "limit"},
           {"/trace/api/messages?limit=5x", "limit"},
           {"/trace/api/messages?status=lost", "status"},
           {"/trace/api/messages?since=yesterday", "since"},
           {"/trace/api/messages?until=2026/12/01", "until"},
           {"/trace/api/messages?queue_id=a%2Fb", "queue_id"},
           {"/trace/api/messages?message_id=nobody", "message_id"},
           {"/trace/api/messages?colour=red", "colour"},
           {"/trace/api/messages?order=random", "order"},
           {"/trace/api/messages?from=%zz", "from"},
           {"/trace/api/messages?to=" + std::string(321, 'a'), "to"},
           {"/trace/api/indicators?since=x", "since"},
           {"/trace/api/indicators?limit=3", "limit"},
           {"/trace/api/messages/a%2Fb", "id"},
       }) {
    TraceRouteError e = error_of(target);
    EXPECT_EQ(e.status, 400) << target;
    EXPECT_TRUE(e.message.starts_with(name + ":")) << target << " -> " << e.message;
  }
  std::string many = "/trace/api/messages?";
  for (int i = 0; i < 17; ++i) many += "from=a&";
  EXPECT_EQ(error_of(many).status, 400);
}

TEST(TraceRoute, MessageIdDecoded) {
  auto r = parse("/trace/api/messages/%3Cm1.trace%40test%3E");
  ASSERT_TRUE(std::holds_alternative<TraceRoute>(r));
  EXPECT_EQ(std::get<MessageRoute>(std::get<TraceRoute>(r)).id, "<m1.trace@test>");
  r = parse("/trace/api/messages/06B149F3");
  EXPECT_EQ(std::get<MessageRoute>(std::get<TraceRoute>(r)).id, "06B149F3");
}

TEST(TraceRoute, IndicatorsWindow) {
  auto r = parse("/trace/api/indicators?since=2026-12-05T10&until=2026-12-06");
  ASSERT_TRUE(std::holds_alternative<TraceRoute>(r));
  const auto& i = std::get<IndicatorsRoute>(std::get<TraceRoute>(r));
  EXPECT_EQ(i.since, "2026-12-05T10");
  EXPECT_EQ(i.until, "2026-12-06");
}

TEST(TraceRoute, UnknownEndpointsAndMethods) {
  EXPECT_EQ(error_of("/trace/api/other").status, 404);
  EXPECT_EQ(error_of("/trace/api/").status, 404);
  EXPECT_EQ(error_of("/trace/api/messages", "POST").status, 405);
  EXPECT_EQ(error_of("/trace/api/messages/x", "DELETE").status, 405);
  EXPECT_TRUE(is_trace_api("/trace/api/messages"));
  EXPECT_FALSE(is_trace_api("/trace/index.html"));
  EXPECT_FALSE(is_trace_api("/api/folders"));
}

}  // namespace
}  // namespace hamail::mailsvc::traceweb
