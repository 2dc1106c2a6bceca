#include "hamail/uv/child_process.h"

#include <string.h>

#include <csignal>
#include <cstring>

#include "handle_state.h"

namespace hamail::uv {
namespace {

constexpr std::size_t kReadBufferBytes = 16 * 1024;

uv_handle_t* as_handle(void* h) { return static_cast<uv_handle_t*>(h); }
uv_stream_t* as_stream(uv_pipe_t* p) { return reinterpret_cast<uv_stream_t*>(p); }

struct ChildState : detail::HandleState {
  // running -(timeout)-> terminating -(grace)-> SIGKILL sent; any phase -(exit)->
  // draining output -(both pipes at EOF, or drain time up)-> done.
  enum class Phase { running, terminating, draining, done };

  ChildState(EventLoop& loop, HandleState** owner, ChildOptions opts, ChildProcess::OnExit cb)
      : HandleState(loop, owner), options(std::move(opts)), on_exit(std::move(cb)) {
    for (uv_pipe_t* p : {&out, &err}) {
      uv_pipe_init(loop.raw(), p, 0);
      track(as_handle(p));
    }
    if (!options.stdin_data.empty()) {
      uv_pipe_init(loop.raw(), &in, 0);
      track(as_handle(&in));
    }
    uv_timer_init(loop.raw(), &timer);
    track(as_handle(&timer));
  }

  void close_all() override {
    close_output();
    if (!exited && process.pid > 0) {
      uv_kill(-process.pid, SIGKILL);
      // Keep the process handle until the exit is reaped, or libuv never waits for
      // the child and it stays a zombie; unless the loop itself is going away.
      if (!loop_is_ending()) return;
    }
    close_handle(as_handle(&process));
  }

  void close_output() {
    close_handle(as_handle(&timer));
    close_handle(as_handle(&out));
    close_handle(as_handle(&err));
    close_handle(as_handle(&in));
  }

  // Called once uv_spawn was called: the process handle is initialized either way.
  int spawn(const uv_process_options_t& po) {
    uv_update_time(loop());  // timeout and duration count from now, on the loop clock
    started_ms = uv_now(loop());
    int rc = uv_spawn(loop(), &process, &po);
    track(as_handle(&process));
    if (rc != 0) {
      exited = true;
      phase = Phase::done;
      return rc;
    }
    for (uv_pipe_t* p : {&out, &err}) uv_read_start(as_stream(p), &on_alloc, &on_read);
    if (!options.stdin_data.empty()) {
      uv_buf_t buf = uv_buf_init(options.stdin_data.data(), static_cast<unsigned>(options.stdin_data.size()));
      stdin_write.data = static_cast<HandleState*>(this);
      if (uv_write(&stdin_write, as_stream(&in), &buf, 1, &on_stdin_written) != 0) close_handle(as_handle(&in));
    }
    if (options.timeout_ms > 0) uv_timer_start(&timer, &on_timer, options.timeout_ms, 0);
    return 0;
  }

  void maybe_finish() {
    if (phase == Phase::done || !exited) return;
    if (out_eof && err_eof) {
      finish();
    } else if (phase != Phase::draining) {
      phase = Phase::draining;
      uv_timer_start(&timer, &on_timer, options.output_drain_ms, 0);
    }
  }

  void finish() {
    phase = Phase::done;
    uv_update_time(loop());
    result.duration_ms = uv_now(loop()) - started_ms;
    close_output();
    if (released()) return;
    ChildProcess::OnExit cb = std::move(on_exit);  // may destroy the ChildProcess
    cb(std::move(result));
  }

  static void on_exit_cb(uv_process_t* p, int64_t exit_status, int term_signal) {
    auto* s = from<ChildState>(p->data);
    s->exited = true;
    s->result.exit_code = term_signal != 0 ? -1 : static_cast<int>(exit_status);
    s->result.term_signal = term_signal;
    if (s->released()) {
      s->close_handle(as_handle(&s->process));
      return;
    }
    // A timed-out group goes entirely: whatever survived SIGTERM gets SIGKILL.
    if (s->result.timed_out) uv_kill(-p->pid, SIGKILL);
    uv_timer_stop(&s->timer);
    s->maybe_finish();
  }

  static void on_timer(uv_timer_t* t) {
    auto* s = from<ChildState>(t->data);
    switch (s->phase) {
      case Phase::running:
        s->result.timed_out = true;
        s->phase = Phase::terminating;
        uv_kill(-s->process.pid, SIGTERM);
        uv_timer_start(&s->timer, &on_timer, s->options.kill_grace_ms, 0);
        break;
      case Phase::terminating:
        uv_kill(-s->process.pid, SIGKILL);
        break;
      case Phase::draining:
        s->finish();  // a process the child left behind holds the pipes open
        break;
      case Phase::done:
        break;
    }
  }

  static void on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
    auto* s = from<ChildState>(h->data);
    *buf = uv_buf_init(s->read_buffer, sizeof s->read_buffer);
  }

  static void on_read(uv_stream_t* stream, ssize_t n, const uv_buf_t*) {
    auto* s = from<ChildState>(stream->data);
    bool is_out = stream == as_stream(&s->out);
    if (n > 0) {
      std::string& dst = is_out ? s->result.stdout_data : s->result.stderr_data;
      std::size_t room = s->options.max_output_bytes - dst.size();
      std::size_t take = std::min(room, static_cast<std::size_t>(n));
      dst.append(s->read_buffer, take);
      // Keep reading and dropping, so the child never blocks on a full pipe.
      if (take < static_cast<std::size_t>(n)) (is_out ? s->result.stdout_truncated : s->result.stderr_truncated) = true;
    } else if (n < 0) {  // EOF or a read error: either way this stream is finished
      (is_out ? s->out_eof : s->err_eof) = true;
      s->close_handle(as_handle(stream));
      s->maybe_finish();
    }
  }

  static void on_stdin_written(uv_write_t* req, int) {
    auto* s = from<ChildState>(req->data);
    s->close_handle(as_handle(&s->in));  // EOF for the child; a child that exited early is fine
  }

  ChildOptions options;
  ChildProcess::OnExit on_exit;
  uv_process_t process{};
  uv_pipe_t out{}, err{}, in{};
  uv_timer_t timer{};
  uv_write_t stdin_write{};
  Phase phase = Phase::running;
  bool exited = false;
  bool out_eof = false;
  bool err_eof = false;
  std::uint64_t started_ms = 0;
  ChildResult result;
  char read_buffer[kReadBufferBytes];
};

ChildState* child_state(detail::HandleState* s) { return static_cast<ChildState*>(s); }

}  // namespace

std::string ChildResult::describe() const {
  std::string text = term_signal != 0
                         ? "killed by signal " + std::to_string(term_signal) + " (" + ::strsignal(term_signal) + ")"
                         : "exit code " + std::to_string(exit_code);
  if (timed_out) text += " after a timeout";
  return text;
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::spawn(EventLoop& loop, ChildOptions options, OnExit on_exit) {
  if (options.argv.empty() || options.argv[0].empty()) return Error{"cannot run a program: argv is empty"};
  std::string program = options.argv[0];
  std::string where = options.cwd.empty() ? "" : " in directory " + options.cwd;

  std::unique_ptr<ChildProcess> child(new ChildProcess());
  auto* s = new ChildState(loop, &child->state_, std::move(options), std::move(on_exit));
  child->state_ = s;

  std::vector<char*> args, env;
  for (std::string& a : s->options.argv) args.push_back(a.data());
  args.push_back(nullptr);
  for (std::string& e : s->options.env) env.push_back(e.data());
  env.push_back(nullptr);

  uv_stdio_container_t stdio[3] = {};
  if (s->options.stdin_data.empty()) {
    stdio[0].flags = UV_IGNORE;  // /dev/null
  } else {
    stdio[0].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE);
    stdio[0].data.stream = as_stream(&s->in);
  }
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[1].data.stream = as_stream(&s->out);
  stdio[2].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[2].data.stream = as_stream(&s->err);

  uv_process_options_t po{};
  po.exit_cb = &ChildState::on_exit_cb;
  po.file = args[0];
  po.args = args.data();
  po.env = env.data();  // exactly these; an empty list is an empty environment
  po.cwd = s->options.cwd.empty() ? nullptr : s->options.cwd.c_str();
  po.flags = UV_PROCESS_DETACHED;  // setsid(): own session and process group, pgid == pid
  po.stdio_count = 3;
  po.stdio = stdio;

  int rc = s->spawn(po);
  if (rc != 0) return Error{"cannot run '" + program + "'" + where + ": " + error_text(rc)};
  child->pid_ = s->process.pid;
  return child;
}

ChildProcess::~ChildProcess() {
  if (state_) state_->release();
}

bool ChildProcess::running() const { return state_ && !child_state(state_)->exited; }

Status ChildProcess::kill(int signum) {
  if (!state_ || pid_ <= 0) return Error{"cannot signal a child that was not started"};
  int rc = uv_kill(-pid_, signum);
  if (rc != 0)
    return Error{"cannot send signal " + std::to_string(signum) + " to process group " + std::to_string(pid_) + ": " +
                 error_text(rc)};
  return Status::ok();
}

}  // namespace hamail::uv
