// Predicates: TopicNameMatches (pattern, whole-name match), HasHeaderKey (name) and RecordIsTombstone
// (the value is null).
//
// Thread-safety: Test() is const and only reads configuration; Configure must not race with Test.
#include <algorithm>
#include <string>

#include "connect/transforms/java_regex.h"
#include "connect/transforms/transforms.h"

namespace sluice::connect::transforms {
namespace {

class TopicNameMatches final : public Predicate {
 public:
  const ConfigDef& config() const override {
    static const ConfigDef* def = new ConfigDef(ConfigDef().Define(
        ConfigKey("pattern", ConfigType::kString)
            .Validate(All({NonEmptyString(), RegexPattern()}))
            .Importance(Importance::kMedium)
            .Doc("A Java regular expression for matching against the name of a record's topic.")));
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    Result<JavaRegex> re = JavaRegex::Compile(c.GetString("pattern"));
    if (!re.ok())
      return InvalidValue("pattern", c.GetString("pattern"), "Invalid regex: " + re.status().message());
    regex_ = std::move(re).value();
    return Status::OK();
  }

  bool Test(const ConnectRecord& r) const override { return regex_ && regex_->Matches(r.topic); }

 private:
  std::optional<JavaRegex> regex_;
};

class HasHeaderKey final : public Predicate {
 public:
  const ConfigDef& config() const override {
    static const ConfigDef* def = new ConfigDef(ConfigDef().Define(ConfigKey("name", ConfigType::kString)
                                                                       .Validate(NonEmptyString())
                                                                       .Importance(Importance::kMedium)
                                                                       .Doc("The header name.")));
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    name_ = c.GetString("name");
    return Status::OK();
  }

  bool Test(const ConnectRecord& r) const override {
    return std::any_of(r.headers.begin(), r.headers.end(),
                       [this](const Header& h) { return h.key == name_; });
  }

 private:
  std::string name_;
};

class RecordIsTombstone final : public Predicate {
 public:
  const ConfigDef& config() const override {
    static const ConfigDef* def = new ConfigDef();
    return *def;
  }
  Status Configure(const ConfigMap&) override { return Status::OK(); }
  bool Test(const ConnectRecord& r) const override { return r.value.is_null(); }
};

}  // namespace

std::unique_ptr<Predicate> NewTopicNameMatches() { return std::make_unique<TopicNameMatches>(); }
std::unique_ptr<Predicate> NewHasHeaderKey() { return std::make_unique<HasHeaderKey>(); }
std::unique_ptr<Predicate> NewRecordIsTombstone() { return std::make_unique<RecordIsTombstone>(); }

}  // namespace sluice::connect::transforms
