// RETR/TOP bodies: byte-stuffing, CRLF line ends, and the TOP cut.
#include "hamail/mailsvc/pop3/stuffing.h"

#include <gtest/gtest.h>

namespace hamail::mailsvc::pop3 {
namespace {

TEST(Pop3Stuffing, DotsAndLineEnds) {
  EXPECT_EQ(dot_stuff(""), "");
  EXPECT_EQ(dot_stuff("a\r\n.b\r\n..c\r\n.\r\n"), "a\r\n..b\r\n...c\r\n..\r\n");
  EXPECT_EQ(dot_stuff("a\nb\n"), "a\r\nb\r\n");
  EXPECT_EQ(dot_stuff("no final newline"), "no final newline\r\n");
  EXPECT_EQ(dot_stuff(".\n."), "..\r\n..\r\n");
  EXPECT_EQ(dot_stuff("a\rb\r\n"), "a\rb\r\n");  // a bare CR stays inside its line
  EXPECT_EQ(dot_stuff("x.\r\n"), "x.\r\n");
}

TEST(Pop3Stuffing, Top) {
  std::string m = "H1: a\r\nH2: b\r\n\r\nl1\r\n.l2\r\n\r\nl4\r\n";
  EXPECT_EQ(dot_stuff(m, 0), "H1: a\r\nH2: b\r\n\r\n");
  EXPECT_EQ(dot_stuff(m, 2), "H1: a\r\nH2: b\r\n\r\nl1\r\n..l2\r\n");
  EXPECT_EQ(dot_stuff(m, 3), "H1: a\r\nH2: b\r\n\r\nl1\r\n..l2\r\n\r\n");
  EXPECT_EQ(dot_stuff(m, 100), dot_stuff(m));
  EXPECT_EQ(dot_stuff("H: only headers\n", 5), "H: only headers\r\n");
}

}  // namespace
}  // namespace hamail::mailsvc::pop3
