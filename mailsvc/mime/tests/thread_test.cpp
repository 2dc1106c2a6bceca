// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES on small hand-checked sets, and the thread
// list's text form.
#include <gtest/gtest.h>

#include "hamail/mailsvc/mime/sort_keys.h"
#include "hamail/mailsvc/mime/thread.h"

namespace hamail::mailsvc::mime {
namespace {

ThreadInput msg(std::uint32_t n, std::int64_t date, std::string subject, std::optional<std::string> id,
                std::vector<std::string> refs = {}, std::optional<std::string> irt = std::nullopt) {
  ThreadInput m;
  m.number = n;
  m.sent_date = date;
  m.base_subject = base_subject(subject, &m.reply_or_forward);
  m.message_id = std::move(id);
  m.references = std::move(refs);
  m.in_reply_to = std::move(irt);
  return m;
}

TEST(FormatThreads, SingleChildContinuesSeveralAreParenthesised) {
  std::vector<ThreadNode> t{ThreadNode{1, {ThreadNode{2, {}}}},
                            ThreadNode{3, {ThreadNode{4, {}}, ThreadNode{5, {ThreadNode{6, {}}}}}},
                            ThreadNode{0, {ThreadNode{7, {}}, ThreadNode{8, {}}}}};
  EXPECT_EQ(format_threads(t), "(1 2)(3 (4)(5 6))((7)(8))");
  EXPECT_EQ(format_threads({}), "");
}

TEST(OrderedSubject, GroupsBySubjectOrdersByDate) {
  std::vector<ThreadInput> in{msg(1, 100, "Lunch", "<1@x>"), msg(2, 50, "Report", "<2@x>"),
                              msg(3, 300, "Re: Lunch", "<3@x>"), msg(4, 200, "RE: lunch", "<4@x>"),
                              msg(5, 400, "Fwd: Report", "<5@x>"), msg(6, 10, "Other", "<6@x>")};
  // "lunch" differs in case from "Lunch": base subjects are compared as they are.
  EXPECT_EQ(format_threads(thread_ordered_subject(in)), "(6)(2 5)(1 3)(4)");
}

TEST(References, ChainsByReferencesAndInReplyTo) {
  std::vector<ThreadInput> in{
      msg(1, 100, "plan", "<a@x>"),
      msg(2, 200, "Re: plan", "<b@x>", {"<a@x>"}),
      msg(3, 300, "Re: plan", "<c@x>", {"<a@x>", "<b@x>"}),
      msg(4, 250, "Re: plan", "<d@x>", {}, "<a@x>"),
      msg(5, 150, "unrelated", "<e@x>"),
  };
  EXPECT_EQ(format_threads(thread_references(in)), "(1 (2 3)(4))(5)");
}

TEST(References, MissingParentBecomesADummyThatIsPrunedOrKept) {
  // 2 and 3 both answer <gone@x>, which is not in the set: a dummy with two children at
  // the root stays; 4 answers a missing message alone: promoted to the root.
  std::vector<ThreadInput> in{
      msg(2, 200, "Re: a", "<2@x>", {"<gone@x>"}),
      msg(3, 100, "Re: a", "<3@x>", {"<gone@x>"}),
      msg(4, 300, "Re: b", "<4@x>", {"<lost@x>"}),
  };
  EXPECT_EQ(format_threads(thread_references(in)), "((3)(2))(4)");
}

TEST(References, SameSubjectRootsAreGathered) {
  // No references at all: step 5 joins by base subject; a reply goes under the original.
  std::vector<ThreadInput> in{msg(1, 100, "status", "<1@x>"), msg(2, 200, "Re: status", "<2@x>"),
                              msg(3, 300, "status", "<3@x>")};
  // 1 is the original; 2 (a reply) becomes its child; 3 (not a reply) and 1 share a dummy.
  EXPECT_EQ(format_threads(thread_references(in)), "((1 2)(3))");
}

TEST(References, LoopsAndDuplicateIdsDoNotHang) {
  std::vector<ThreadInput> in{
      msg(1, 100, "x", "<a@x>", {"<b@x>"}),
      msg(2, 200, "y", "<b@x>", {"<a@x>"}),
      msg(3, 300, "z", "<a@x>"),  // duplicate Message-ID: its own container
      msg(4, 400, "w", std::nullopt, {"<a@x>", "<a@x>"}),
  };
  std::string out = format_threads(thread_references(in));
  for (const char* n : {"1", "2", "3", "4"}) EXPECT_NE(out.find(n), std::string::npos) << out;
  EXPECT_EQ(out, "(2 1 4)(3)");
}

}  // namespace
}  // namespace hamail::mailsvc::mime
