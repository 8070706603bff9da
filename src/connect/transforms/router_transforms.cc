// RegexRouter (regex + replacement on the topic, Java Matcher.matches + replaceFirst semantics) and
// Filter (drops every record; meant to be used with a predicate).
//
// Thread-safety: one instance per task; Apply only reads the compiled regex.
#include <string>

#include "connect/transforms/java_regex.h"
#include "connect/transforms/transforms.h"

namespace sluice::connect::transforms {
namespace {

class RegexRouter final : public Transformation {
 public:
  const ConfigDef& config() const override {
    static const ConfigDef* def = [] {
      auto* d = new ConfigDef();
      d->Define(ConfigKey("regex", ConfigType::kString)
                    .Validate(RegexPattern())
                    .Importance(Importance::kHigh)
                    .Doc("Regular expression to use for matching."));
      d->Define(ConfigKey("replacement", ConfigType::kString)
                    .Importance(Importance::kHigh)
                    .Doc("Replacement string."));
      return d;
    }();
    return *def;
  }

  Status Configure(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, config().Parse(props));
    Result<JavaRegex> re = JavaRegex::Compile(c.GetString("regex"));
    if (!re.ok())
      return InvalidValue("regex", c.GetString("regex"), "Invalid regex: " + re.status().message());
    replacement_ = c.GetString("replacement");
    Status st = re->CheckReplacement(replacement_);
    if (!st.ok()) return InvalidValue("replacement", replacement_, st.message());
    regex_ = std::move(re).value();
    return Status::OK();
  }

  Result<bool> Apply(ConnectRecord& r) override {
    if (!regex_) return Status::Internal("RegexRouter used before Configure");
    ASSIGN_OR_RETURN(std::optional<std::string> topic, regex_->ReplaceIfMatches(r.topic, replacement_));
    if (topic) r.topic = std::move(*topic);
    return true;
  }

 private:
  std::optional<JavaRegex> regex_;
  std::string replacement_;
};

class Filter final : public Transformation {
 public:
  const ConfigDef& config() const override {
    static const ConfigDef* def = new ConfigDef();
    return *def;
  }
  Status Configure(const ConfigMap&) override { return Status::OK(); }
  Result<bool> Apply(ConnectRecord&) override { return false; }
};

}  // namespace

std::unique_ptr<Transformation> NewRegexRouter() { return std::make_unique<RegexRouter>(); }
std::unique_ptr<Transformation> NewFilter() { return std::make_unique<Filter>(); }

}  // namespace sluice::connect::transforms
