#include "hamail/mailsvc/imapd/mailbox_watch.h"

namespace hamail::mailsvc::imapd {

Result<std::unique_ptr<MailboxWatch>> MailboxWatch::start(uv::EventLoop& loop, const std::string& folder,
                                                          std::function<void()> changed) {
  std::unique_ptr<MailboxWatch> w(new MailboxWatch(loop));
  // One callback shared by the three watches (each keeps its own copy of the function).
  if (Status s = w->dir_.start(folder, changed); !s) return Error{s.message()};
  if (Status s = w->new_.start(folder + "/new", changed); !s) return Error{s.message()};
  if (Status s = w->cur_.start(folder + "/cur", changed); !s) return Error{s.message()};
  return w;
}

}  // namespace hamail::mailsvc::imapd
