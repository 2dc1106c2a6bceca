// Streamed answers: the head's framing (chunked for HTTP/1.1, the connection's end for
// HTTP/1.0, HEAD without a body), the chunks and the last-chunk, a pipelined request after
// a streamed answer, and a producer that has nothing yet and wakes the shell later.
#include <gtest/gtest.h>

#include <deque>
#include <string>

#include "hamail/mailsvc/http/body_stream.h"
#include "hamail/mailsvc/http/session.h"

namespace hamail::mailsvc::http {
namespace {

constexpr std::time_t kNow = 784111777;

// Gives its parts in order (cut to the max asked for); "" in the list means "later".
struct ListProducer : BodyProducer {
  std::deque<std::string> parts;
  std::size_t asked_max = 0;
  Produced produce(std::size_t max_bytes) override {
    asked_max = max_bytes;
    if (parts.empty()) return Produced::end();
    std::string& p = parts.front();
    if (p.empty()) return Produced::later();
    std::string out = p.substr(0, max_bytes);
    p.erase(0, out.size());
    if (p.empty()) parts.pop_front();
    return Produced::data_of(out);
  }
};

// Like an SSE source: has nothing until push(), which wakes the shell.
struct EventProducer : BodyProducer {
  std::deque<std::string> events;
  bool ended = false;
  void push(std::string e) {
    events.push_back(std::move(e));
    wake();
  }
  void stop() {
    ended = true;
    wake();
  }
  Produced produce(std::size_t max_bytes) override {
    if (events.empty()) return ended ? Produced::end() : Produced::later();
    if (events.front().size() > max_bytes) return Produced::failure("event larger than a part");
    std::string e = std::move(events.front());
    events.pop_front();
    return Produced::data_of(std::move(e));
  }
};

struct StreamHandler : RequestHandler {
  std::shared_ptr<BodyProducer> next;
  HttpResponse handle(const HttpRequest& request, std::time_t) override {
    HttpResponse r;
    r.add("Content-Type", "text/plain");
    if (request.target == "/stream") {
      r.stream = next;
    } else {
      r.body = request.target;
    }
    return r;
  }
};

std::shared_ptr<ListProducer> producer_of(std::deque<std::string> parts) {
  auto p = std::make_shared<ListProducer>();
  p->parts = std::move(parts);
  return p;
}

// The wire bytes of a stream pulled to its end in parts of at most `max`.
std::string drain(StreamedBody& body, std::size_t max = 4) {
  std::string out;
  for (int i = 0; i < 1000; ++i) {
    auto step = body.next(max);
    out += step.wire;
    if (step.state != StreamedBody::State::more) return out;
  }
  ADD_FAILURE() << "the stream never ended";
  return out;
}

template <typename T>
std::vector<std::size_t> positions(const std::vector<HttpAction>& actions) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < actions.size(); ++i)
    if (std::holds_alternative<T>(actions[i])) out.push_back(i);
  return out;
}

TEST(HttpStream, Http11GetsChunksAndTheLastChunk) {
  StreamHandler h;
  h.next = producer_of({"hello ", "world"});
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  ASSERT_EQ(out.size(), 3u);  // head, stream, exchange
  const std::string& head = std::get<SendBytes>(out[0]).bytes;
  EXPECT_EQ(head,
            "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: hamail-httpd\r\n"
            "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: keep-alive\r\n\r\n");
  auto& body = std::get<SendStream>(out[1]).body;
  EXPECT_TRUE(body.chunked());
  EXPECT_EQ(drain(body), "4\r\nhell\r\n2\r\no \r\n4\r\nworl\r\n1\r\nd\r\n0\r\n\r\n");
  EXPECT_EQ(body.body_bytes(), 11u);
  EXPECT_EQ(body.next(4).state, StreamedBody::State::done);  // nothing after the last-chunk
  auto& ex = std::get<Exchange>(out[2]);
  EXPECT_TRUE(ex.streamed);
  EXPECT_FALSE(s.closed());
}

TEST(HttpStream, Http10IsFramedByTheConnectionsEnd) {
  StreamHandler h;
  h.next = producer_of({"abc", "def"});
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", kNow);
  ASSERT_EQ(out.size(), 4u);
  const std::string& head = std::get<SendBytes>(out[0]).bytes;
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
  auto& body = std::get<SendStream>(out[1]).body;
  EXPECT_FALSE(body.chunked());
  EXPECT_EQ(drain(body, 100), "abcdef");
  EXPECT_TRUE(std::holds_alternative<CloseConnection>(out[3]));
  EXPECT_TRUE(s.closed());
}

TEST(HttpStream, HeadHasTheFramingButNoBody) {
  StreamHandler h;
  auto p = producer_of({"never pulled"});
  h.next = p;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("HEAD /stream HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  EXPECT_TRUE(positions<SendStream>(out).empty());
  EXPECT_NE(std::get<SendBytes>(out[0]).bytes.find("Transfer-Encoding: chunked\r\nConnection: keep-alive"),
            std::string::npos);
  EXPECT_EQ(p->asked_max, 0u);
  EXPECT_FALSE(s.closed());
  // An HTTP/1.0 HEAD keeps its connection too: there is no body to frame.
  h.next = producer_of({"x"});
  out = s.feed("HEAD /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", kNow);
  EXPECT_EQ(std::get<SendBytes>(out[0]).bytes.find("Transfer-Encoding"), std::string::npos);
  EXPECT_FALSE(s.closed());
}

TEST(HttpStream, APipelinedRequestIsAnsweredAfterTheStream) {
  StreamHandler h;
  h.next = producer_of({"streamed"});
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /stream HTTP/1.1\r\nHost: h\r\n\r\nGET /next HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  ASSERT_EQ(positions<SendStream>(out), (std::vector<std::size_t>{1}));
  ASSERT_EQ(positions<Exchange>(out), (std::vector<std::size_t>{2, 4}));
  const std::string& second = std::get<SendBytes>(out[3]).bytes;
  EXPECT_NE(second.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_TRUE(second.ends_with("/next"));
  EXPECT_EQ(drain(std::get<SendStream>(out[1]).body, 100), "8\r\nstreamed\r\n0\r\n\r\n");
}

TEST(HttpStream, NotModifiedHasNoStream) {
  struct Handler : RequestHandler {
    HttpResponse handle(const HttpRequest&, std::time_t) override {
      HttpResponse r;
      r.status = Status::not_modified;
      r.stream = producer_of({"x"});
      return r;
    }
  } h;
  HttpSession s{RequestLimits{}, h};
  auto out = s.feed("GET /stream HTTP/1.1\r\nHost: h\r\n\r\n", kNow);
  EXPECT_TRUE(positions<SendStream>(out).empty());
  const std::string& head = std::get<SendBytes>(out[0]).bytes;
  EXPECT_EQ(head.find("Transfer-Encoding"), std::string::npos);
  EXPECT_EQ(head.find("Content-Length"), std::string::npos);
}

TEST(HttpStream, AProducerWithNothingYetWakesTheShellLater) {
  auto events = std::make_shared<EventProducer>();
  StreamedBody body(events, true);
  int wakes = 0;
  events->set_wake([&] { ++wakes; });
  EXPECT_EQ(body.next(64).state, StreamedBody::State::waiting);
  EXPECT_EQ(wakes, 0);
  events->push("data: one\n\n");
  EXPECT_EQ(wakes, 1);
  auto step = body.next(64);
  EXPECT_EQ(step.state, StreamedBody::State::more);
  EXPECT_EQ(step.wire, "b\r\ndata: one\n\n\r\n");
  EXPECT_EQ(body.next(64).state, StreamedBody::State::waiting);
  events->push("data: two\n\n");
  events->stop();
  EXPECT_EQ(wakes, 3);
  EXPECT_EQ(body.next(64).wire, "b\r\ndata: two\n\n\r\n");
  step = body.next(64);
  EXPECT_EQ(step.state, StreamedBody::State::done);
  EXPECT_EQ(step.wire, "0\r\n\r\n");
  // Detached (the client left): a later event wakes nobody.
  events->set_wake({});
  events->push("data: lost\n\n");
  EXPECT_EQ(wakes, 3);
}

TEST(HttpStream, AFailingOrOverlongProducerFailsTheStream) {
  auto events = std::make_shared<EventProducer>();
  events->events.push_back(std::string(100, 'x'));
  StreamedBody body(events, true);
  auto step = body.next(10);
  EXPECT_EQ(step.state, StreamedBody::State::failed);
  EXPECT_FALSE(step.error.empty());
  EXPECT_TRUE(step.wire.empty());  // no last-chunk: the client sees the body cut off

  struct Greedy : BodyProducer {
    Produced produce(std::size_t max_bytes) override { return Produced::data_of(std::string(max_bytes + 1, 'y')); }
  };
  StreamedBody greedy(std::make_shared<Greedy>(), true);
  EXPECT_EQ(greedy.next(8).state, StreamedBody::State::failed);
  EXPECT_EQ(greedy.next(8).state, StreamedBody::State::done);
}

}  // namespace
}  // namespace hamail::mailsvc::http
