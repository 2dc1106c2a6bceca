#include "hamail/uv/blocking_work.h"

namespace hamail::uv {

struct BlockingWork::Request {
  uv_work_t req{};
  std::function<void()> work;
  std::function<void()> done;
  BlockingWork* owner = nullptr;  // null once the owner is gone: the result is dropped

  static void run(uv_work_t* w) { static_cast<Request*>(w->data)->work(); }
  static void after(uv_work_t* w, int /*status*/) {
    std::unique_ptr<Request> r(static_cast<Request*>(w->data));
    if (!r->owner) return;
    r->owner->request_ = nullptr;  // `done` may destroy the owner
    r->owner = nullptr;
    if (r->done) r->done();
  }
};

Result<std::unique_ptr<BlockingWork>> BlockingWork::start(EventLoop& loop, std::function<void()> work,
                                                           std::function<void()> done) {
  std::unique_ptr<BlockingWork> w(new BlockingWork());
  auto r = std::make_unique<Request>();
  r->req.data = r.get();
  r->work = std::move(work);
  r->done = std::move(done);
  r->owner = w.get();
  int rc = uv_queue_work(loop.raw(), &r->req, &Request::run, &Request::after);
  if (rc != 0) return Error{"cannot queue blocking work: " + error_text(rc)};
  w->request_ = r.release();
  return w;
}

BlockingWork::~BlockingWork() {
  if (request_) request_->owner = nullptr;  // freed by `after` on the loop
}

}  // namespace hamail::uv
