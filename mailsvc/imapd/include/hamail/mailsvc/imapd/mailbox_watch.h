// IDLE's wake-up: watches a selected Maildir folder (the folder itself, for the store's
// index and keyword files, and its new/ and cur/) and calls back when anything in them
// changes, so a delivery or another session's change reaches an idling client at once
// instead of at the next poll tick.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "hamail/base/result.h"
#include "hamail/uv/directory_watch.h"

namespace hamail::mailsvc::imapd {

class MailboxWatch {
 public:
  // Watches `folder`, `folder`/new and `folder`/cur; on an error (a directory gone, the
  // inotify watch limit) nothing is watched and the error says which directory and why.
  static Result<std::unique_ptr<MailboxWatch>> start(uv::EventLoop& loop, const std::string& folder,
                                                     std::function<void()> changed);

 private:
  explicit MailboxWatch(uv::EventLoop& loop) : dir_(loop), new_(loop), cur_(loop) {}
  uv::DirectoryWatch dir_, new_, cur_;
};

}  // namespace hamail::mailsvc::imapd
