// THREAD=REFERENCES (RFC 5256 section 3, the REFERENCES algorithm), steps 1-6, over
// containers in one vector linked by index; placeholders ("dummies") have no message.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "hamail/mailsvc/mime/thread.h"

namespace hamail::mailsvc::mime {
namespace {

struct Container {
  int msg = -1;  // index into the input; -1: a dummy
  int parent = -1;
  std::vector<int> children;
};

class Threader {
 public:
  explicit Threader(const std::vector<ThreadInput>& in) : in_(in) {}

  std::vector<ThreadNode> run() {
    for (int i = 0; i < static_cast<int>(in_.size()); ++i) link_message(i);  // step 1
    std::vector<int> roots;
    for (int k = 0; k < static_cast<int>(c_.size()); ++k) {  // step 2
      if (c_[k].parent == -1) roots.push_back(k);
    }
    roots = prune(roots, true);  // step 3
    sort_all(roots);             // step 4
    roots = group_by_subject(roots);  // step 5
    sort_all(roots);                  // step 6
    std::vector<ThreadNode> out;
    for (int k : roots) out.push_back(node(k));
    return out;
  }

 private:
  int make() {
    c_.emplace_back();
    return static_cast<int>(c_.size()) - 1;
  }
  int by_id(const std::string& id) {
    auto it = ids_.find(id);
    if (it != ids_.end()) return it->second;
    int k = make();
    ids_.emplace(id, k);
    return k;
  }
  bool is_ancestor(int a, int b) const {  // a is b or above it
    for (std::size_t steps = 0; b != -1 && steps <= c_.size(); ++steps, b = c_[b].parent) {
      if (a == b) return true;
    }
    return false;
  }
  void unlink(int child) {
    int p = c_[child].parent;
    if (p == -1) return;
    auto& siblings = c_[p].children;
    siblings.erase(std::remove(siblings.begin(), siblings.end(), child), siblings.end());
    c_[child].parent = -1;
  }
  void link(int parent, int child) {
    if (is_ancestor(child, parent)) return;  // a loop (or itself)
    unlink(child);
    c_[parent].children.push_back(child);
    c_[child].parent = parent;
  }

  void link_message(int i) {
    const ThreadInput& m = in_[i];
    int x = -1;
    if (m.message_id) {
      x = by_id(*m.message_id);
      if (c_[x].msg != -1) x = make();  // a duplicate id: a container of its own
    } else {
      x = make();
    }
    c_[x].msg = i;
    std::vector<std::string> refs = m.references;
    if (refs.empty() && m.in_reply_to) refs.push_back(*m.in_reply_to);
    for (std::size_t r = 0; r + 1 < refs.size(); ++r) {  // step 1A
      int parent = by_id(refs[r]);
      int child = by_id(refs[r + 1]);
      if (c_[child].parent == -1) link(parent, child);
    }
    unlink(x);  // step 1B
    if (!refs.empty()) link(by_id(refs.back()), x);
  }

  std::vector<int> prune(const std::vector<int>& level, bool root) {
    std::vector<int> out;
    for (int k : level) {
      c_[k].children = prune(c_[k].children, false);
      for (int child : c_[k].children) c_[child].parent = k;
      if (c_[k].msg != -1) {
        out.push_back(k);
      } else if (!c_[k].children.empty() && (!root || c_[k].children.size() == 1)) {
        for (int child : c_[k].children) {
          c_[child].parent = root ? -1 : c_[k].parent;
          out.push_back(child);
        }
      } else if (!c_[k].children.empty()) {
        out.push_back(k);
      }
    }
    return out;
  }

  int representative(int k) const {  // the message giving a container its date and subject
    while (c_[k].msg == -1 && !c_[k].children.empty()) k = c_[k].children.front();
    return c_[k].msg;
  }
  bool earlier(int a, int b) const {
    const ThreadInput& x = in_[representative(a)];
    const ThreadInput& y = in_[representative(b)];
    return x.sent_date != y.sent_date ? x.sent_date < y.sent_date : x.number < y.number;
  }
  void sort_all(std::vector<int>& level) {
    for (int k : level) sort_all(c_[k].children);
    std::stable_sort(level.begin(), level.end(), [this](int a, int b) { return earlier(a, b); });
  }

  std::vector<int> group_by_subject(std::vector<int> roots) {
    std::map<std::string, int> table;
    for (int k : roots) {
      const ThreadInput& m = in_[representative(k)];
      if (m.base_subject.empty()) continue;
      auto [it, fresh] = table.emplace(m.base_subject, k);
      int t = it->second;
      if (!fresh && ((c_[t].msg != -1 && c_[k].msg == -1) ||
                     (in_[representative(t)].reply_or_forward && !m.reply_or_forward))) {
        it->second = k;
      }
    }
    std::vector<bool> gone(c_.size(), false);
    for (std::size_t r = 0; r < roots.size(); ++r) {
      int k = roots[r];
      const ThreadInput& m = in_[representative(k)];
      if (m.base_subject.empty()) continue;
      int t = table[m.base_subject];
      if (t == k || gone[k]) continue;
      bool t_dummy = c_[t].msg == -1, k_dummy = c_[k].msg == -1;
      gone[k] = true;
      if (t_dummy && k_dummy) {
        for (int child : c_[k].children) c_[child].parent = -1, link(t, child);
      } else if (t_dummy) {
        link(t, k);
      } else if (!in_[c_[t].msg].reply_or_forward && m.reply_or_forward) {
        link(t, k);
      } else {
        int d = make();
        gone.push_back(false);
        std::replace(roots.begin(), roots.end(), t, d);
        link(d, t);
        link(d, k);
        table[m.base_subject] = d;
      }
    }
    std::vector<int> out;
    for (int k : roots) {
      if (!gone[k]) out.push_back(k);
    }
    return out;
  }

  ThreadNode node(int k) const {
    ThreadNode n;
    n.number = c_[k].msg == -1 ? 0 : in_[c_[k].msg].number;
    for (int child : c_[k].children) n.children.push_back(node(child));
    return n;
  }

  const std::vector<ThreadInput>& in_;
  std::vector<Container> c_;
  std::unordered_map<std::string, int> ids_;
};

}  // namespace

std::vector<ThreadNode> thread_references(const std::vector<ThreadInput>& messages) {
  return Threader(messages).run();
}

}  // namespace hamail::mailsvc::mime
