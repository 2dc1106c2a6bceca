// LIST (RFC 3501, LIST-EXTENDED RFC 5258 selection and return options, SPECIAL-USE RFC
// 6154, LIST-STATUS RFC 5819, CHILDREN RFC 3348) and LSUB.
#include <algorithm>
#include <map>

#include "handlers.h"
#include "hamail/mailsvc/imap/response_text.h"
#include "list_pattern.h"

namespace hamail::mailsvc::imapworker {
namespace {

struct Candidate {
  store::FolderInfo info;
  bool exists = true;  // false: only a subscription (or a subscription's parent)
};

bool inbox_first(const std::string& a, const std::string& b) {
  if ((a == "INBOX") != (b == "INBOX")) return a == "INBOX";
  return a < b;
}

// Every folder, every missing parent, every subscribed name (existing or not) and its parents.
Result<std::vector<Candidate>> candidates(store::MailboxTree& tree) {
  auto list = tree.list();
  if (!list) return Error{list.error()};
  auto subs = tree.subscriptions();
  if (!subs) return Error{subs.error()};
  std::map<std::string, Candidate, decltype(&inbox_first)> all(&inbox_first);
  for (auto& f : *list) all[f.name] = Candidate{f, true};
  for (const auto& s : *subs) {
    auto it = all.find(s);
    if (it != all.end()) {
      it->second.info.subscribed = true;
      continue;
    }
    Candidate c;
    c.info.name = s;
    c.info.subscribed = true;
    c.exists = false;
    all[s] = c;
  }
  // Parents of names that exist only as subscriptions.
  std::vector<std::string> names;
  for (auto& [n, c] : all) names.push_back(n);
  for (const auto& n : names) {
    for (std::size_t p = n.find(kDelimiter); p != std::string::npos; p = n.find(kDelimiter, p + 1)) {
      std::string parent = n.substr(0, p);
      auto& c = all[parent];
      if (c.info.name.empty()) {
        c.info.name = parent;
        c.exists = false;
      }
      // A folder's own \HasChildren is the tree's (existing children only).
      if (!c.exists) c.info.has_children = true;
    }
  }
  std::vector<Candidate> out;
  for (auto& [n, c] : all) out.push_back(std::move(c));
  return out;
}

bool has_subscribed_descendant(const std::vector<Candidate>& all, const std::string& name) {
  std::string prefix = name + kDelimiter;
  return std::any_of(all.begin(), all.end(), [&](const Candidate& c) {
    return c.info.subscribed && c.info.name.compare(0, prefix.size(), prefix) == 0;
  });
}

}  // namespace

MailboxReply handle_list(WorkerState& st, const imap::Command& cmd, const imap::List& l, const SessionFlags& flags) {
  MailboxReply reply;
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  if (!l.extended && l.patterns.size() == 1 && l.patterns[0].empty()) {
    reply.bytes += "* LIST (\\Noselect) \".\" \"\"\r\n";
    return finish(st, flags, reply, cmd.tag, "OK", "LIST completed");
  }
  auto all = candidates(**tree);
  if (!all) return tagged_no(st, reply, cmd.tag, "SERVERBUG", all.error());
  std::vector<std::string> patterns;
  for (const auto& p : l.patterns) patterns.push_back(canonical_pattern(l.reference, p));
  const auto& sel = l.selection;
  bool show_subscribed = l.returns.subscribed || sel.subscribed;
  bool want_status = l.returns.status.has_value();
  if (want_status && std::find(l.returns.status->begin(), l.returns.status->end(),
                               imap::StatusItem::highestmodseq) != l.returns.status->end())
    reply.condstore_now_on = !flags.condstore;

  for (const Candidate& c : *all) {
    const store::FolderInfo& f = c.info;
    bool matched = std::any_of(patterns.begin(), patterns.end(),
                               [&](const std::string& p) { return pattern_matches(p, f.name); });
    if (!matched) continue;
    std::string extra;
    if (sel.subscribed) {
      if (!f.subscribed) {
        if (!(sel.recursive_match && has_subscribed_descendant(*all, f.name))) continue;
        extra = " (\"CHILDINFO\" (\"SUBSCRIBED\"))";
      }
    } else {
      if (!c.exists) continue;
      if (sel.special_use && f.special_use.empty()) continue;
    }
    std::vector<std::string> attrs;
    bool selectable = c.exists && !f.noselect;
    if (!c.exists && !f.has_children) attrs.push_back("\\NonExistent");
    else if (!c.exists || f.noselect) attrs.push_back("\\Noselect");
    if (c.exists || f.has_children) attrs.push_back(f.has_children ? "\\HasChildren" : "\\HasNoChildren");
    if (!f.special_use.empty()) attrs.push_back(f.special_use);
    if (show_subscribed && f.subscribed) attrs.push_back("\\Subscribed");
    std::string line = "* LIST (";
    for (std::size_t i = 0; i < attrs.size(); ++i) line += (i ? " " : "") + attrs[i];
    reply.bytes += line + ") \".\" " + wire_name(f.name, flags) + extra + "\r\n";
    if (want_status && selectable) {
      auto path = (*tree)->path_of(f.name);
      if (!path) continue;
      auto items = status_items(*path, *l.returns.status);
      if (items) reply.bytes += "* STATUS " + wire_name(f.name, flags) + " " + *items + "\r\n";
    }
  }
  return finish(st, flags, reply, cmd.tag, "OK", "LIST completed");
}

MailboxReply handle_lsub(WorkerState& st, const imap::Command& cmd, const imap::Lsub& l, const SessionFlags& flags) {
  MailboxReply reply;
  auto tree = folders(st);
  if (!tree) return tagged_no(st, reply, cmd.tag, "SERVERBUG", tree.error());
  auto all = candidates(**tree);
  if (!all) return tagged_no(st, reply, cmd.tag, "SERVERBUG", all.error());
  std::string pattern = canonical_pattern(l.reference, l.pattern);
  for (const Candidate& c : *all) {
    const store::FolderInfo& f = c.info;
    if (!pattern_matches(pattern, f.name)) continue;
    std::string attrs;
    if (!f.subscribed) {
      // A parent of a subscribed name that "%" hides is listed \Noselect (RFC 3501 6.3.9).
      std::string prefix = f.name + kDelimiter;
      bool hidden_child = std::any_of(all->begin(), all->end(), [&](const Candidate& d) {
        return d.info.subscribed && d.info.name.compare(0, prefix.size(), prefix) == 0 &&
               !pattern_matches(pattern, d.info.name);
      });
      if (!hidden_child) continue;
      attrs = "\\Noselect";
    } else if (!c.exists || f.noselect) {
      attrs = "\\Noselect";
    }
    reply.bytes += "* LSUB (" + attrs + ") \".\" " + wire_name(f.name, flags) + "\r\n";
  }
  return finish(st, flags, reply, cmd.tag, "OK", "LSUB completed");
}

}  // namespace hamail::mailsvc::imapworker
