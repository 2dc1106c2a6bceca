// THREAD=ORDEREDSUBJECT (RFC 5256 section 3): messages grouped by base subject; in each
// group the earliest is the top and the others its children by date; threads by the
// date of their top. Also the thread list's text form.
#include <algorithm>

#include "hamail/mailsvc/mime/thread.h"

namespace hamail::mailsvc::mime {
namespace {

bool earlier(const ThreadInput* a, const ThreadInput* b) {
  return a->sent_date != b->sent_date ? a->sent_date < b->sent_date : a->number < b->number;
}

void write_members(const ThreadNode& n, std::string& out) {
  bool dummy = n.number == 0;
  if (!dummy) out += std::to_string(n.number);
  if (n.children.size() == 1 && !dummy) {
    out += ' ';
    write_members(n.children.front(), out);
    return;
  }
  if (!dummy && !n.children.empty()) out += ' ';
  for (const ThreadNode& child : n.children) {
    out += '(';
    write_members(child, out);
    out += ')';
  }
}

}  // namespace

std::vector<ThreadNode> thread_ordered_subject(const std::vector<ThreadInput>& messages) {
  std::vector<const ThreadInput*> sorted;
  for (const ThreadInput& m : messages) sorted.push_back(&m);
  std::stable_sort(sorted.begin(), sorted.end(), [](const ThreadInput* a, const ThreadInput* b) {
    return a->base_subject != b->base_subject ? a->base_subject < b->base_subject : earlier(a, b);
  });
  std::vector<std::pair<const ThreadInput*, ThreadNode>> threads;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i == 0 || sorted[i]->base_subject != sorted[i - 1]->base_subject) {
      threads.push_back({sorted[i], ThreadNode{sorted[i]->number, {}}});
    } else {
      threads.back().second.children.push_back(ThreadNode{sorted[i]->number, {}});
    }
  }
  std::stable_sort(threads.begin(), threads.end(), [](const auto& a, const auto& b) { return earlier(a.first, b.first); });
  std::vector<ThreadNode> out;
  for (auto& t : threads) out.push_back(std::move(t.second));
  return out;
}

std::string format_threads(const std::vector<ThreadNode>& threads) {
  std::string out;
  for (const ThreadNode& t : threads) {
    out += '(';
    write_members(t, out);
    out += ')';
  }
  return out;
}

}  // namespace hamail::mailsvc::mime
