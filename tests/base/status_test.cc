// Tests for Status, Result<T> and the RETURN_IF_ERROR / ASSIGN_OR_RETURN macros.
#include "base/status.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <memory>
#include <string>

namespace sluice {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "OK");
  EXPECT_TRUE(Status::OK().ok());
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = Status::NotFound("topic x");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kNotFound);
  EXPECT_EQ(s.message(), "topic x");
  EXPECT_EQ(s.ToString(), "Not found: topic x");
}

TEST(StatusTest, EveryFactoryHasItsCode) {
  EXPECT_EQ(Status::InvalidArgument("m").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Status::AlreadyExists("m").code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(Status::Corruption("m").code(), Status::Code::kCorruption);
  EXPECT_EQ(Status::IOError("m").code(), Status::Code::kIOError);
  EXPECT_EQ(Status::Unsupported("m").code(), Status::Code::kUnsupported);
  EXPECT_EQ(Status::OutOfRange("m").code(), Status::Code::kOutOfRange);
  EXPECT_EQ(Status::Timeout("m").code(), Status::Code::kTimeout);
  EXPECT_EQ(Status::Unavailable("m").code(), Status::Code::kUnavailable);
  EXPECT_EQ(Status::Aborted("m").code(), Status::Code::kAborted);
  EXPECT_EQ(Status::Internal("m").code(), Status::Code::kInternal);
  EXPECT_EQ(Status::Corruption("bad crc").ToString(), "Corruption: bad crc");
}

TEST(StatusTest, ConstructingWithOkCodeIsOk) {
  Status s(Status::Code::kOk, "ignored");
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.message(), "");
}

TEST(StatusTest, FromErrno) {
  Status s = Status::FromErrno("open /x", ENOENT);
  EXPECT_EQ(s.code(), Status::Code::kIOError);
  EXPECT_EQ(s.message(), "open /x: No such file or directory");
}

TEST(StatusTest, CopyMoveAndEquality) {
  Status a = Status::Timeout("slow");
  Status b = a;
  EXPECT_EQ(a, b);
  Status c = std::move(b);
  EXPECT_EQ(c, a);
  Status d;
  d = a;
  EXPECT_EQ(d, a);
  d = Status::OK();
  EXPECT_TRUE(d.ok());
  EXPECT_FALSE(Status::Timeout("a") == Status::Timeout("b"));
  EXPECT_FALSE(Status::Timeout("a") == Status::Aborted("a"));
}

TEST(StatusTest, WithContext) {
  EXPECT_EQ(Status::IOError("disk full").WithContext("writing segment").message(),
            "writing segment: disk full");
  EXPECT_EQ(Status::IOError("x").WithContext("c").code(), Status::Code::kIOError);
  EXPECT_TRUE(Status::OK().WithContext("c").ok());
}

TEST(ResultTest, ValueAndStatus) {
  Result<int> r = 7;
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(r.value(), 7);
  EXPECT_TRUE(r.status().ok());
  EXPECT_EQ(r.value_or(3), 7);

  Result<int> e = Status::NotFound("nope");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(e.value_or(3), 3);
}

TEST(ResultTest, MoveOnlyValueAndArrow) {
  Result<std::unique_ptr<std::string>> r = std::make_unique<std::string>("abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->size(), 3u);
  std::unique_ptr<std::string> p = std::move(r).value();
  EXPECT_EQ(*p, "abc");
  Result<std::string> s = std::string("hello");
  EXPECT_EQ(s->size(), 5u);
}

Status FailIf(bool fail) { return fail ? Status::Aborted("failed") : Status::OK(); }

Status UsesReturnIfError(bool fail, int* reached) {
  RETURN_IF_ERROR(FailIf(fail));
  *reached = 1;
  return Status::OK();
}

Result<int> Half(int x) {
  if (x % 2 != 0) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  ASSIGN_OR_RETURN(int h, Half(x));
  ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(MacrosTest, ReturnIfError) {
  int reached = 0;
  EXPECT_TRUE(UsesReturnIfError(false, &reached).ok());
  EXPECT_EQ(reached, 1);
  reached = 0;
  Status s = UsesReturnIfError(true, &reached);
  EXPECT_EQ(s.code(), Status::Code::kAborted);
  EXPECT_EQ(reached, 0);
}

TEST(MacrosTest, AssignOrReturn) {
  Result<int> ok = Quarter(12);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, 3);
  Result<int> bad = Quarter(6);  // 6 -> 3 -> odd
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "odd");
}

TEST(MacrosTest, AssignOrReturnToExistingVariable) {
  auto f = [](int x) -> Result<int> {
    int v = 0;
    ASSIGN_OR_RETURN(v, Half(x));
    return v + 100;
  };
  EXPECT_EQ(*f(4), 102);
  EXPECT_FALSE(f(5).ok());
}

TEST(CodeNameTest, Names) {
  EXPECT_EQ(CodeName(Status::Code::kOk), "OK");
  EXPECT_EQ(CodeName(Status::Code::kInvalidArgument), "Invalid argument");
  EXPECT_EQ(CodeName(Status::Code::kIOError), "IO error");
}

}  // namespace
}  // namespace sluice
