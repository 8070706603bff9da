// Generator source and counting sink: see generator.h.
#include "connectors/generator/generator.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "base/logging.h"

namespace sluice::connect {
namespace {

const ConfigDef& GeneratorDef() {
  static const ConfigDef def = [] {
    ConfigDef d;
    d.Define(ConfigKey("topic", ConfigType::kString).Importance(Importance::kHigh).Doc("Topic to write to."));
    d.Define(ConfigKey("record.size", ConfigType::kInt)
                 .Default("100")
                 .Validate(Range::AtLeast(16))
                 .Doc("Approximate JSON size of a record value in bytes."));
    d.Define(ConfigKey("batch.size", ConfigType::kInt)
                 .Default("1000")
                 .Validate(Range::AtLeast(1))
                 .Doc("Records per poll."));
    d.Define(ConfigKey("max.records", ConfigType::kLong)
                 .Default("-1")
                 .Doc("Records per task before it idles; -1 for unlimited."));
    return d;
  }();
  return def;
}

const ConfigDef& CountingDef() {
  static const ConfigDef def = [] {
    ConfigDef d;
    d.Define(ConfigKey("log.interval.records", ConfigType::kLong)
                 .Default("1000000")
                 .Validate(Range::AtLeast(1))
                 .Doc("Log totals every this many records."));
    return d;
  }();
  return def;
}

class GeneratorTask : public SourceTask {
 public:
  Status Start(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, GeneratorDef().Parse(props));
    topic_ = c.GetString("topic");
    batch_ = c.GetInt("batch.size");
    max_ = c.GetLong("max.records");
    task_ = props.count("task.id") ? props.at("task.id") : "0";
    // {"id":<up to 19 digits>,"payload":"..."}: the payload fills the rest of record.size.
    int pad = std::max(1, c.GetInt("record.size") - 36);
    payload_ = std::string(static_cast<size_t>(pad), 'x');
    schema_ = SchemaBuilder::Struct()
                  .Name("generator.Record")
                  .Field("id", Schema::Int64())
                  .Field("payload", Schema::String())
                  .Build();
    partition_ = StringMap({{"task", task_}});
    ASSIGN_OR_RETURN(Value off, context()->offset_storage_reader().Offset(partition_));
    if (const Value* id = MapGet(off, "id"); id != nullptr && id->get_if<int64_t>() != nullptr)
      next_ = *id->get_if<int64_t>() + 1;
    return Status::OK();
  }
  Status Poll(std::vector<SourceRecord>& out) override {
    if (max_ >= 0 && next_ >= max_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return Status::OK();
    }
    int64_t end = max_ >= 0 ? std::min(max_, next_ + batch_) : next_ + batch_;
    out.reserve(out.size() + static_cast<size_t>(end - next_));
    for (; next_ < end && !stopped_.load(std::memory_order_relaxed); ++next_) {
      Struct s(schema_);
      (void)s.Put("id", Value(next_));
      (void)s.Put("payload", Value(payload_));
      SourceRecord r;
      r.topic = topic_;
      r.value_schema = schema_;
      r.value = Value(std::move(s));
      r.source_partition = partition_;
      r.source_offset = Value(Map{MapEntry{Value("id"), Value(next_)}});
      out.push_back(std::move(r));
    }
    return Status::OK();
  }
  void Stop() override { stopped_ = true; }

 private:
  std::string topic_;
  std::string task_;
  int batch_ = 1000;
  int64_t max_ = -1;
  int64_t next_ = 0;
  std::string payload_;
  SchemaPtr schema_;
  Value partition_;
  std::atomic<bool> stopped_{false};
};

class GeneratorConnector : public SourceConnector {
 public:
  const ConfigDef& config() const override { return GeneratorDef(); }
  Status Start(const ConfigMap& props) override {
    props_ = props;
    return GeneratorDef().Parse(props).status();
  }
  Result<std::vector<ConfigMap>> TaskConfigs(int max_tasks) override {
    std::vector<ConfigMap> out;
    for (int i = 0; i < max_tasks; ++i) {
      ConfigMap c = props_;
      c["task.id"] = std::to_string(i);
      out.push_back(std::move(c));
    }
    return out;
  }
  void Stop() override {}

 private:
  ConfigMap props_;
};

class CountingTask : public SinkTask {
 public:
  Status Start(const ConfigMap& props) override {
    ASSIGN_OR_RETURN(ParsedConfig c, CountingDef().Parse(props));
    interval_ = c.GetLong("log.interval.records");
    start_ = std::chrono::steady_clock::now();
    return Status::OK();
  }
  Status Put(std::vector<SinkRecord>& records) override {
    for (const SinkRecord& r : records) {
      (void)r;
      if (++count_ % interval_ == 0) {
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        LOG_INFO("counting sink: {} records in {:.2f} s ({:.0f} records/s)", count_, s,
                 static_cast<double>(count_) / s);
      }
    }
    return Status::OK();
  }
  void Stop() override {}

 private:
  int64_t interval_ = 1000000;
  int64_t count_ = 0;
  std::chrono::steady_clock::time_point start_;
};

class CountingConnector : public SinkConnector {
 public:
  const ConfigDef& config() const override { return CountingDef(); }
  Status Start(const ConfigMap& props) override {
    props_ = props;
    return Status::OK();
  }
  Result<std::vector<ConfigMap>> TaskConfigs(int max_tasks) override {
    return std::vector<ConfigMap>(static_cast<size_t>(max_tasks), props_);
  }
  void Stop() override {}

 private:
  ConfigMap props_;
};

}  // namespace

void RegisterGeneratorConnectors(PluginRegistry& registry) {
  PluginInfo g;
  g.class_name = "io.sluice.connect.generator.GeneratorSourceConnector";
  g.aliases = {"GeneratorSourceConnector", "Generator"};
  g.type = PluginType::kSource;
  g.new_connector = [] { return std::make_unique<GeneratorConnector>(); };
  g.new_task = [] { return std::make_unique<GeneratorTask>(); };
  registry.Add(std::move(g));
  PluginInfo c;
  c.class_name = "io.sluice.connect.generator.CountingSinkConnector";
  c.aliases = {"CountingSinkConnector", "CountingSink"};
  c.type = PluginType::kSink;
  c.new_connector = [] { return std::make_unique<CountingConnector>(); };
  c.new_task = [] { return std::make_unique<CountingTask>(); };
  registry.Add(std::move(c));
}

}  // namespace sluice::connect
