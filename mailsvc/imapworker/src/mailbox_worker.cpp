// MailboxWorker: sends each command to its handler, checks the selected state, and turns
// anything unexpected into a tagged NO (nothing is thrown out of run() or poll()).
#include "hamail/mailsvc/imapworker/mailbox_worker.h"

#include <exception>
#include <type_traits>
#include <variant>

#include "handlers.h"

namespace hamail::mailsvc::imapworker {
namespace {

template <class T>
constexpr bool kNeedsSelected =
    std::is_same_v<T, imap::Check> || std::is_same_v<T, imap::Close> || std::is_same_v<T, imap::Unselect> ||
    std::is_same_v<T, imap::Expunge> || std::is_same_v<T, imap::Copy> || std::is_same_v<T, imap::Move> ||
    std::is_same_v<T, imap::Fetch> || std::is_same_v<T, imap::Store> || std::is_same_v<T, imap::Search> ||
    std::is_same_v<T, imap::Sort> || std::is_same_v<T, imap::Thread>;

MailboxReply dispatch(WorkerState& st, const imap::MailboxRequest& request) {
  const imap::Command& cmd = request.command;
  const SessionFlags& flags = request.flags;
  return std::visit(
      [&](const auto& body) -> MailboxReply {
        using T = std::decay_t<decltype(body)>;
        MailboxReply reply;
        if constexpr (kNeedsSelected<T>) {
          if (!st.mailbox) return tagged(reply, cmd.tag, "BAD", "No mailbox selected");
        }
        if constexpr (std::is_same_v<T, imap::Select>) {
          return handle_select(st, cmd, body, false, flags);
        } else if constexpr (std::is_same_v<T, imap::Examine>) {
          return handle_select(st, cmd, body, true, flags);
        } else if constexpr (std::is_same_v<T, imap::Close>) {
          return handle_close(st, cmd, true);
        } else if constexpr (std::is_same_v<T, imap::Unselect>) {
          return handle_close(st, cmd, false);
        } else if constexpr (std::is_same_v<T, imap::Noop> || std::is_same_v<T, imap::Check>) {
          return handle_noop(st, cmd, flags);
        } else if constexpr (std::is_same_v<T, imap::Expunge>) {
          return handle_expunge(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Fetch>) {
          return handle_fetch(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Store>) {
          return handle_store(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::List>) {
          return handle_list(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Lsub>) {
          return handle_lsub(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Create>) {
          return handle_create(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Delete>) {
          return handle_delete(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Rename>) {
          return handle_rename(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Subscribe>) {
          return handle_subscribe(st, cmd, body.mailbox, true, flags);
        } else if constexpr (std::is_same_v<T, imap::Unsubscribe>) {
          return handle_subscribe(st, cmd, body.mailbox, false, flags);
        } else if constexpr (std::is_same_v<T, imap::Status>) {
          return handle_status(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Append>) {
          return handle_append(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Copy>) {
          return handle_copy(st, cmd, body.set, body.uid, body.mailbox, false, flags);
        } else if constexpr (std::is_same_v<T, imap::Move>) {
          return handle_copy(st, cmd, body.set, body.uid, body.mailbox, true, flags);
        } else if constexpr (std::is_same_v<T, imap::Search>) {
          return handle_search(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Sort>) {
          return handle_sort(st, cmd, body, flags);
        } else if constexpr (std::is_same_v<T, imap::Thread>) {
          return handle_thread(st, cmd, body, flags);
        } else {
          return tagged(reply, cmd.tag, "NO", "[CANNOT] " + imap::command_name(cmd) + " is not supported here");
        }
      },
      cmd.body);
}

}  // namespace

imap::MailboxReply MailboxWorker::run(const imap::MailboxRequest& request) {
  fetch_.reset();
  try {
    return dispatch(state_, request);
  } catch (const std::exception& e) {
    MailboxReply reply;
    return tagged_no(state_, reply, request.command.tag, "SERVERBUG", std::string("Internal error: ") + e.what());
  } catch (...) {
    MailboxReply reply;
    return tagged_no(state_, reply, request.command.tag, "SERVERBUG", "Internal error");
  }
}

MailboxWorker::Part MailboxWorker::run_in_parts(const imap::MailboxRequest& request, std::size_t part_bytes) {
  fetch_.reset();
  const auto* f = std::get_if<imap::Fetch>(&request.command.body);
  if (!f || !state_.mailbox) return Part{run(request), false};
  Part part;
  try {
    fetch_ = begin_fetch(state_, request.command, *f, request.flags, part.reply);
    if (fetch_) part.more = !continue_fetch(state_, *fetch_, part.reply, part_bytes);
  } catch (...) {
    fetch_.reset();
    part = Part{};
    tagged_no(state_, part.reply, request.command.tag, "SERVERBUG", "Internal error");
  }
  if (!part.more) fetch_.reset();
  return part;
}

MailboxWorker::Part MailboxWorker::next_part(std::size_t part_bytes) {
  Part part;
  if (!fetch_) {
    part.reply.bytes = "* BAD [SERVERBUG] No reply under way\r\n";
    return part;
  }
  try {
    part.more = !continue_fetch(state_, *fetch_, part.reply, part_bytes);
  } catch (...) {
    part = Part{};
    tagged_no(state_, part.reply, fetch_->tag, "SERVERBUG", "Internal error");
  }
  if (!part.more) fetch_.reset();
  return part;
}

std::string MailboxWorker::poll(const imap::MailboxPoll& poll) {
  try {
    MailboxReply reply;
    report_updates(state_, poll.flags, true, reply);
    return reply.bytes;
  } catch (...) {
    return {};
  }
}

}  // namespace hamail::mailsvc::imapworker
