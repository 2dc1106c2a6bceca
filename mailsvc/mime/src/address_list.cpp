#include "address_list.h"

#include <cstddef>

namespace hamail::mailsvc::mime {
namespace {

constexpr std::size_t kMaxAddresses = 1000;

enum class Tok { word, special, end };

struct Token {
  Tok kind = Tok::end;
  std::string text;  // a word's text (quoted strings unquoted) or the special character
  bool quoted = false;
  bool unterminated = false;  // a quoted string without its closing quote
};

class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  Token next() {
    skip_cfws();
    Token t;
    if (pos_ >= s_.size()) return t;
    char c = s_[pos_];
    if (c == '"') {
      t.kind = Tok::word;
      t.quoted = true;
      ++pos_;
      while (pos_ < s_.size() && s_[pos_] != '"') {
        if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
        t.text.push_back(s_[pos_++]);
      }
      if (pos_ < s_.size()) ++pos_;
      else t.unterminated = true;
      return t;
    }
    if (c == '[') {  // domain literal, kept with its brackets
      t.kind = Tok::word;
      std::size_t close = s_.find(']', pos_);
      std::size_t stop = close == std::string_view::npos ? s_.size() : close + 1;
      t.text = std::string(s_.substr(pos_, stop - pos_));
      pos_ = stop;
      return t;
    }
    if (is_special(c)) {
      t.kind = Tok::special;
      t.text = std::string(1, c);
      ++pos_;
      return t;
    }
    t.kind = Tok::word;
    while (pos_ < s_.size() && !is_special(s_[pos_]) && s_[pos_] != ' ' && s_[pos_] != '\t' && s_[pos_] != '"' &&
           s_[pos_] != '(' && s_[pos_] != '[') {
      t.text.push_back(s_[pos_++]);
    }
    return t;
  }

 private:
  static bool is_special(char c) {
    return c == '<' || c == '>' || c == '@' || c == ',' || c == ';' || c == ':' || c == '.';
  }
  void skip_cfws() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        ++pos_;
      } else if (c == '(') {
        std::size_t open = pos_;
        int depth = 0;
        for (; pos_ < s_.size(); ++pos_) {
          if (s_[pos_] == '\\') { ++pos_; continue; }
          if (s_[pos_] == '(') ++depth;
          if (s_[pos_] == ')' && --depth == 0) { ++pos_; break; }
        }
        remember_comment(open, pos_);
      } else {
        return;
      }
    }
  }
  std::string_view s_;
  std::size_t pos_ = 0;

 public:
  std::string last_comment;  // the text of the last comment skipped (outer parentheses removed)

 private:
  void remember_comment(std::size_t open, std::size_t after) {
    if (after >= open + 2) last_comment = std::string(s_.substr(open + 1, after - open - 2));
  }
};

class ListReader {
 public:
  explicit ListReader(std::string_view s) : lex_(s) { advance(); }

  std::vector<EnvelopeAddress> read() {
    bool element_start = true;  // nothing read since the start or the last comma
    while (tok_.kind != Tok::end && !stop_ && out_.size() < kMaxAddresses) {
      if (is(",")) {
        if (element_start) out_.push_back(missing());  // an empty element, as Dovecot
        advance();
        element_start = true;
        continue;
      }
      element_start = false;
      if (is(";") && in_group_) {
        end_group();
        advance();
        skip_junk();
        continue;
      }
      if (is(";") || is(">")) { advance(); continue; }  // stray
      read_one();
    }
    if (in_group_) end_group();
    return std::move(out_);
  }

 private:
  bool is(const char* special) const { return tok_.kind == Tok::special && tok_.text == special; }
  void advance() { tok_ = lex_.next(); }
  void skip_junk() {  // anything but ',' (or a group's ';') after an address ends the list, as Dovecot
    if (tok_.kind != Tok::end && !is(",") && !(in_group_ && is(";"))) stop_ = true;
  }
  static EnvelopeAddress missing() {
    EnvelopeAddress a;
    a.mailbox = "MISSING_MAILBOX";
    a.host = "MISSING_DOMAIN";
    return a;
  }
  void end_group() {
    out_.push_back(EnvelopeAddress{});
    in_group_ = false;
  }

  // Words and dots until a special that decides what they were: words joined by one
  // space, a dot kept after its word ("John Q. Public").
  std::string phrase(bool* had_words) {
    std::string text;
    while (tok_.kind == Tok::word || is(".")) {
      if (is(".")) {
        text += '.';
      } else {
        if (!text.empty()) text += ' ';
        text += tok_.text;
        *had_words = true;
      }
      advance();
    }
    return text;
  }

  std::string dot_words() {  // local-part or domain: words joined by their dots as written
    std::string text;
    bool after_word = false;
    while ((tok_.kind == Tok::word && !after_word) || is(".")) {
      after_word = tok_.kind == Tok::word;
      text += tok_.text;
      advance();
    }
    return text;
  }

  void read_one() {
    if (tok_.unterminated) {  // as Dovecot: the rest cannot be read
      out_.push_back(missing());
      advance();
      return;
    }
    bool had_words = false;
    std::string words = phrase(&had_words);
    if (is(":") && !in_group_) {  // group start
      advance();
      EnvelopeAddress start;
      start.mailbox = words;
      out_.push_back(std::move(start));
      in_group_ = true;
      return;
    }
    if (is("<")) {
      advance();
      EnvelopeAddress a = angle_addr();
      if (had_words && !words.empty()) a.name = words;
      out_.push_back(std::move(a));
      skip_junk();
      return;
    }
    // addr-spec: the words were the local part (rebuild it with its dots)
    EnvelopeAddress a;
    a.mailbox = local_part_from(words);
    lex_.last_comment.clear();
    if (is("@")) {
      advance();
      a.host = dot_words();
      // "user@host (Name)": the comment after the address is its name, as Dovecot
      if (!lex_.last_comment.empty() && (is(",") || is(";") || tok_.kind == Tok::end)) a.name = lex_.last_comment;
    } else {
      a.host = "MISSING_DOMAIN";  // as Dovecot: a bare name must not look like a group start
    }
    if (a.mailbox->empty() && a.host && *a.host != "MISSING_DOMAIN") a.mailbox = "MISSING_MAILBOX";  // "@host", as Dovecot
    if (!a.mailbox->empty()) out_.push_back(std::move(a));
    skip_junk();
  }

  static std::string local_part_from(const std::string& words) {
    std::string out;
    for (std::size_t i = 0; i < words.size(); ++i) {
      if (words[i] == ' ' && ((i > 0 && words[i - 1] == '.') || (i + 1 < words.size() && words[i + 1] == '.'))) continue;
      out.push_back(words[i]);
    }
    return out;
  }

  EnvelopeAddress angle_addr() {
    EnvelopeAddress a;
    if (is("@")) {  // obsolete route: @a,@b:
      std::string route;
      while (tok_.kind != Tok::end && !is(":") && !is(">")) {
        route += tok_.text;
        advance();
      }
      if (is(":")) advance();
      a.route = route;
    }
    a.mailbox = dot_words();
    if (is("@")) {
      advance();
      a.host = dot_words();
    }
    while (tok_.kind != Tok::end && !is(">")) advance();
    if (is(">")) advance();
    else a.host = "SYNTAX_ERROR";  // no closing '>', as Dovecot
    if (a.mailbox->empty()) a.mailbox = "MISSING_MAILBOX";  // <>: Dovecot's placeholders
    if (!a.host) a.host = "MISSING_DOMAIN";
    return a;
  }

  Lexer lex_;
  Token tok_;
  std::vector<EnvelopeAddress> out_;
  bool in_group_ = false;
  bool stop_ = false;  // a syntax error: the rest of the field is not read
};

}  // namespace

std::vector<EnvelopeAddress> read_address_list(std::string_view unfolded) { return ListReader(unfolded).read(); }

}  // namespace hamail::mailsvc::mime
