// broker_bench: whole-process throughput and latency of a Kafka broker (Sluice's or any other) through
// librdkafka, plus the machine limits to compare with.
//
//   broker_bench produce  BOOTSTRAP TOPIC MSG_BYTES COUNT [RATE_MSGS_PER_S]   acks=all, lz4 off
//   broker_bench consume  BOOTSTRAP TOPIC COUNT                                librdkafka consumer (group)
//   broker_bench fetch    BOOTSTRAP TOPIC PARTITIONS MSG_BYTES COUNT           raw Fetch requests
//   broker_bench rawproduce BOOTSTRAP TOPIC PARTITIONS MSG_BYTES COUNT [RATE]  raw Produce requests
//   broker_bench loopback MB                                                 TCP copy over 127.0.0.1
//   broker_bench disk     DIR MB                                              sequential write + fdatasync
//   broker_bench mock     PARTITIONS MSG_BYTES COUNT                         produce to a mock broker
// `fetch` measures what the broker serves without a client's per-message work: one connection (Sluice's
// own codec, kafka/client) sends Fetch requests for all partitions back to back and counts records from
// the batch headers; it reports payload MB/s (COUNT x MSG_BYTES), wire MB/s (record batches) and msg/s.
// `rawproduce` is its counterpart: two connections send Produce requests (acks=-1) of prebuilt batches
// of 1000 records (partitions in turn), so the broker's cost per byte shows without a client's
// per-message work; with RATE (msg/s) the batches are paced and p50/p99 are per request.
// `mock` is the producer's own ceiling: the same produce run against librdkafka's in-memory mock broker
// (rdkafka_mock.h) in this process, no disk and no second process. A broker reached over a socket that
// matches it is not what bounds the librdkafka figures on this machine. (The mock broker's Fetch is far
// too slow to give a consumer ceiling: 141 msg/s in a try.)
// Each prints one line of key=value pairs (throughput in MB/s and msg/s, produce latency p50/p99 in ms
// measured from produce() to the delivery report).
// Thread-safety: single-threaded tool (librdkafka runs its own threads).
#include <arpa/inet.h>
#include <fcntl.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "kafka/client/connection.h"
#include "kafka/protocol/generated/create_topics.h"
#include "kafka/protocol/generated/fetch.h"
#include "kafka/protocol/generated/produce.h"
#include "kafka/protocol/record_batch.h"
#include "kafka/protocol/record_builder.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct ProduceState {
  std::vector<double> latencies_ms;
  int64_t delivered = 0;
  int64_t failed = 0;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* m, void* opaque) {
  auto* st = static_cast<ProduceState*>(opaque);
  if (m->err) {
    ++st->failed;
    return;
  }
  ++st->delivered;
  auto* sent = static_cast<Clock::time_point*>(m->_private);
  st->latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - *sent).count());
  delete sent;
}

rd_kafka_conf_t* Conf(const char* bootstrap) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char err[256];
  auto set = [&](const char* k, const char* v) {
    if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
      std::fprintf(stderr, "%s: %s\n", k, err);
      std::exit(2);
    }
  };
  set("bootstrap.servers", bootstrap);
  // Extra librdkafka settings for experiments: BROKER_BENCH_CONF="key=value,key=value".
  if (const char* extra = std::getenv("BROKER_BENCH_CONF"); extra != nullptr) {
    std::string all(extra);
    size_t pos = 0;
    while (pos < all.size()) {
      size_t end = all.find(',', pos);
      if (end == std::string::npos) end = all.size();
      const std::string kv = all.substr(pos, end - pos);
      const size_t eq = kv.find('=');
      if (eq != std::string::npos) set(kv.substr(0, eq).c_str(), kv.substr(eq + 1).c_str());
      pos = end + 1;
    }
  }
  return conf;
}

double Percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<long>(i), v.end());
  return v[i];
}

int Produce(const char* bootstrap, const char* topic, size_t msg_bytes, int64_t count, double rate) {
  ProduceState st;
  rd_kafka_conf_t* conf = Conf(bootstrap);
  char err[256];
  rd_kafka_conf_set(conf, "acks", "all", err, sizeof err);
  rd_kafka_conf_set(conf, "linger.ms", rate > 0 ? "0" : "5", err, sizeof err);
  rd_kafka_conf_set(conf, "batch.size", "1000000", err, sizeof err);
  rd_kafka_conf_set(conf, "queue.buffering.max.messages", "1000000", err, sizeof err);
  rd_kafka_conf_set_dr_msg_cb(conf, OnDelivery);
  rd_kafka_conf_set_opaque(conf, &st);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "producer: %s\n", err);
    return 1;
  }
  rd_kafka_topic_t* rkt = rd_kafka_topic_new(rk, topic, nullptr);
  std::vector<char> payload(msg_bytes, 'x');
  st.latencies_ms.reserve(static_cast<size_t>(count));
  const auto start = Clock::now();
  for (int64_t i = 0; i < count; ++i) {
    if (rate > 0) {
      // Open-loop pacing in 1 ms ticks: a tick's messages are produced together, then the thread sleeps
      // (a busy-wait would take one of the machine's cores from the broker and librdkafka's threads).
      const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(std::floor(i / rate * 1000) / 1000));
      while (Clock::now() < due) {
        rd_kafka_poll(rk, 0);
        std::this_thread::sleep_until(std::min(due, Clock::now() + std::chrono::microseconds(200)));
      }
    }
    auto* sent = new Clock::time_point(Clock::now());
    while (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(),
                            nullptr, 0, sent) != 0) {
      if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        std::fprintf(stderr, "produce: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
        return 1;
      }
      rd_kafka_poll(rk, 1);
    }
    rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 120000);
  const double secs = Seconds(start, Clock::now());
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  const double mb = static_cast<double>(st.delivered) * static_cast<double>(msg_bytes) / 1e6;
  std::printf(
      "mode=produce msg_bytes=%zu delivered=%lld failed=%lld secs=%.3f MBps=%.1f msgps=%.0f p50_ms=%.3f "
      "p99_ms=%.3f\n",
      msg_bytes, static_cast<long long>(st.delivered), static_cast<long long>(st.failed), secs, mb / secs,
      static_cast<double>(st.delivered) / secs, Percentile(st.latencies_ms, 0.5),
      Percentile(st.latencies_ms, 0.99));
  return st.failed == 0 ? 0 : 1;
}

int Consume(const char* bootstrap, const char* topic, int64_t count) {
  rd_kafka_conf_t* conf = Conf(bootstrap);
  char err[256];
  rd_kafka_conf_set(conf, "group.id", "broker-bench", err, sizeof err);
  rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof err);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof err);
  rd_kafka_conf_set(conf, "fetch.max.bytes", "52428800", err, sizeof err);
  // librdkafka 2.0 stops fetching a partition once queued.min.messages (default 100000) are queued and
  // looks again only on its next 1 s wakeup, not when the application drains the queue: with 100-byte
  // messages the consumer then idles most of the time (0.5M msg/s) whatever the broker. A deeper queue
  // keeps it fetching (librdkafka >= 2.2 has fetch.queue.backoff.ms for this).
  rd_kafka_conf_set(conf, "queued.min.messages", "1000000", err, sizeof err);
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (rk == nullptr) {
    std::fprintf(stderr, "consumer: %s\n", err);
    return 1;
  }
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  int64_t got = 0;
  int64_t bytes = 0;
  Clock::time_point start{};
  bool started = false;
  const auto deadline = Clock::now() + std::chrono::seconds(300);
  while (got < count && Clock::now() < deadline) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
    if (m == nullptr) continue;
    if (!m->err) {
      if (!started) {
        start = Clock::now();
        started = true;
      }
      ++got;
      bytes += static_cast<int64_t>(m->len);
    }
    rd_kafka_message_destroy(m);
  }
  const double secs = Seconds(start, Clock::now());
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  std::printf("mode=consume consumed=%lld secs=%.3f MBps=%.1f msgps=%.0f\n", static_cast<long long>(got),
              secs, static_cast<double>(bytes) / 1e6 / secs, static_cast<double>(got) / secs);
  return got == count ? 0 : 1;
}

int RawProduce(const char* bootstrap, const char* topic, int32_t partitions, size_t msg_bytes, int64_t count,
               double rate) {
  using namespace sluice::kafka;
  auto hp = client::ParseHostPort(bootstrap);
  if (!hp.ok()) return 2;
  constexpr int kRecordsPerBatch = 1000;
  constexpr int kConnections = 2;
  RecordBatchBuilder builder;
  const std::vector<uint8_t> value(msg_bytes, 'x');
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (int i = 0; i < kRecordsPerBatch; ++i) builder.Append(now_ms, std::nullopt, value);
  auto built = builder.Build();
  if (!built.ok()) return 2;
  const SharedBytes batch(std::move(*built));
  {  // The topic, if it is not there yet.
    auto admin = client::Connection::Open(hp->first, hp->second, client::ConnectionOptions{});
    if (!admin.ok()) return 1;
    messages::CreateTopicsRequest create;
    messages::CreateTopicsRequest::CreatableTopic t;
    t.name = topic;
    t.num_partitions = partitions;
    t.replication_factor = 1;
    create.topics.push_back(t);
    create.timeout_ms = 10000;
    (void)(*admin)->Call<messages::CreateTopicsResponse>(create);
  }
  const int64_t batches = (count + kRecordsPerBatch - 1) / kRecordsPerBatch;
  std::atomic<int64_t> next{0};
  std::atomic<bool> failed{false};
  std::vector<std::vector<double>> latencies(kConnections);
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < kConnections; ++c) {
    threads.emplace_back([&, c] {
      client::ConnectionOptions options;
      options.client_id = "broker-bench";
      auto conn = client::Connection::Open(hp->first, hp->second, options);
      if (!conn.ok()) {
        std::fprintf(stderr, "rawproduce: %s\n", conn.status().ToString().c_str());
        failed = true;
        return;
      }
      for (int64_t i = next++; i < batches && !failed; i = next++) {
        if (rate > 0) {
          std::this_thread::sleep_until(
              start + std::chrono::duration_cast<Clock::duration>(
                          std::chrono::duration<double>(static_cast<double>(i * kRecordsPerBatch) / rate)));
        }
        messages::ProduceRequest req;
        req.acks = -1;
        req.timeout_ms = 30000;
        messages::ProduceRequest::TopicProduceData td;
        td.name = topic;
        messages::ProduceRequest::PartitionProduceData pd;
        pd.index = static_cast<int32_t>(i % partitions);
        pd.records = batch;
        td.partition_data.push_back(std::move(pd));
        req.topic_data.push_back(std::move(td));
        const auto sent = Clock::now();
        auto resp = (*conn)->Call<messages::ProduceResponse>(req);
        if (!resp.ok() || resp->responses.empty() || resp->responses[0].partition_responses.empty() ||
            resp->responses[0].partition_responses[0].error_code != 0) {
          std::fprintf(
              stderr, "rawproduce: %s\n",
              resp.ok()
                  ? ("error code " +
                     std::to_string(resp->responses.empty() || resp->responses[0].partition_responses.empty()
                                        ? -1
                                        : resp->responses[0].partition_responses[0].error_code))
                        .c_str()
                  : resp.status().ToString().c_str());
          failed = true;
          return;
        }
        latencies[static_cast<size_t>(c)].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double secs = Seconds(start, Clock::now());
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  const double msgs = static_cast<double>(all.size()) * kRecordsPerBatch;
  std::printf(
      "mode=rawproduce msg_bytes=%zu produced=%.0f secs=%.3f MBps=%.1f wire_MBps=%.1f msgps=%.0f "
      "p50_ms=%.3f p99_ms=%.3f\n",
      msg_bytes, msgs, secs, msgs * static_cast<double>(msg_bytes) / 1e6 / secs,
      static_cast<double>(all.size() * batch.size()) / 1e6 / secs, msgs / secs, Percentile(all, 0.5),
      Percentile(all, 0.99));
  return failed ? 1 : 0;
}

int RawFetch(const char* bootstrap, const char* topic, int32_t partitions, size_t msg_bytes, int64_t count) {
  using namespace sluice::kafka;
  auto hp = client::ParseHostPort(bootstrap);
  if (!hp.ok()) return 2;
  client::ConnectionOptions options;
  options.client_id = "broker-bench";
  options.max_response_bytes = 256 * 1024 * 1024;
  auto conn = client::Connection::Open(hp->first, hp->second, options);
  if (!conn.ok()) {
    std::fprintf(stderr, "fetch: %s\n", conn.status().ToString().c_str());
    return 1;
  }
  std::vector<int64_t> next(static_cast<size_t>(partitions), 0);
  int64_t got = 0;
  int64_t wire = 0;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::seconds(300);
  while (got < count && Clock::now() < deadline) {
    messages::FetchRequest req;
    req.max_wait_ms = 500;
    req.min_bytes = 1;
    req.max_bytes = 16 * 1024 * 1024;
    messages::FetchRequest::FetchTopic ft;
    ft.topic = topic;
    for (int32_t p = 0; p < partitions; ++p) {
      messages::FetchRequest::FetchPartition fp;
      fp.partition = p;
      fp.fetch_offset = next[static_cast<size_t>(p)];
      fp.partition_max_bytes = 4 * 1024 * 1024;
      ft.partitions.push_back(fp);
    }
    req.topics.push_back(std::move(ft));
    // v12: the last version that names topics (v13+ want topic ids).
    auto resp = (*conn)->CallAt<messages::FetchResponse>(12, req);
    if (!resp.ok()) {
      std::fprintf(stderr, "fetch: %s\n", resp.status().ToString().c_str());
      return 1;
    }
    for (const auto& t : resp->responses) {
      for (const auto& pd : t.partitions) {
        if (pd.error_code != 0) {
          std::fprintf(stderr, "fetch: partition %d error %d\n", pd.partition_index, pd.error_code);
          return 1;
        }
        if (!pd.records) continue;
        RecordBatchIterator it(pd.records->span());
        RecordBatchView batch;
        while (it.Next(&batch)) {
          got += batch.header.records_count;
          wire += static_cast<int64_t>(batch.data.size());
          next[static_cast<size_t>(pd.partition_index)] = batch.header.next_offset();
        }
      }
    }
  }
  const double secs = Seconds(start, Clock::now());
  std::printf("mode=fetch consumed=%lld secs=%.3f MBps=%.1f wire_MBps=%.1f msgps=%.0f\n",
              static_cast<long long>(got), secs,
              static_cast<double>(got) * static_cast<double>(msg_bytes) / 1e6 / secs,
              static_cast<double>(wire) / 1e6 / secs, static_cast<double>(got) / secs);
  return got == count ? 0 : 1;
}

int Loopback(int64_t mb) {
  int srv = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(srv, reinterpret_cast<sockaddr*>(&addr), &len);
  listen(srv, 1);
  const int64_t total = mb * 1000000;
  std::thread reader([srv, total] {
    int c = accept(srv, nullptr, nullptr);
    std::vector<char> buf(1 << 20);
    int64_t got = 0;
    while (got < total) {
      ssize_t n = read(c, buf.data(), buf.size());
      if (n <= 0) break;
      got += n;
    }
    close(c);
  });
  int c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  std::vector<char> buf(1 << 20, 'x');
  const auto start = Clock::now();
  int64_t sent = 0;
  while (sent < total) {
    ssize_t n = write(c, buf.data(),
                      static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(buf.size()), total - sent)));
    if (n <= 0) break;
    sent += n;
  }
  close(c);
  reader.join();
  close(srv);
  const double secs = Seconds(start, Clock::now());
  std::printf("mode=loopback MB=%lld secs=%.3f MBps=%.1f\n", static_cast<long long>(mb), secs,
              static_cast<double>(sent) / 1e6 / secs);
  return 0;
}

int Disk(const char* dir, int64_t mb) {
  const std::string path = std::string(dir) + "/broker_bench_disk.tmp";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    return 1;
  }
  std::vector<char> buf(1 << 20, 'x');
  const auto start = Clock::now();
  for (int64_t i = 0; i < mb; ++i) {
    if (write(fd, buf.data(), 1000000) != 1000000) return 1;
  }
  fdatasync(fd);
  const double secs = Seconds(start, Clock::now());
  close(fd);
  unlink(path.c_str());
  std::printf("mode=disk MB=%lld secs=%.3f MBps=%.1f\n", static_cast<long long>(mb), secs,
              static_cast<double>(mb) / secs);
  return 0;
}

// Produces COUNT messages to a mock cluster of one broker hosted by this process.
int Mock(int partitions, size_t msg_bytes, int64_t count) {
  char err[256];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "log_level", "3", err, sizeof err);  // (no bootstrap.servers of its own)
  rd_kafka_t* host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (host == nullptr) {
    std::fprintf(stderr, "mock host: %s\n", err);
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(host, 1);
  if (cluster == nullptr) {
    std::fprintf(stderr, "mock cluster failed\n");
    return 1;
  }
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  const char* topic = "mock-bench";
  if (rd_kafka_mock_topic_create(cluster, topic, partitions, 1) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    std::fprintf(stderr, "mock topic failed\n");
    return 1;
  }
  const int rc = Produce(bootstrap.c_str(), topic, msg_bytes, count, 0.0);
  rd_kafka_mock_cluster_destroy(cluster);
  rd_kafka_destroy(host);
  return rc;
}

int Run(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "produce" && argc >= 6) {
    return Produce(argv[2], argv[3], std::strtoull(argv[4], nullptr, 10), std::strtoll(argv[5], nullptr, 10),
                   argc > 6 ? std::strtod(argv[6], nullptr) : 0.0);
  }
  if (mode == "consume" && argc >= 5) return Consume(argv[2], argv[3], std::strtoll(argv[4], nullptr, 10));
  if (mode == "fetch" && argc >= 7) {
    return RawFetch(argv[2], argv[3], static_cast<int32_t>(std::strtol(argv[4], nullptr, 10)),
                    std::strtoull(argv[5], nullptr, 10), std::strtoll(argv[6], nullptr, 10));
  }
  if (mode == "rawproduce" && argc >= 7) {
    return RawProduce(argv[2], argv[3], static_cast<int32_t>(std::strtol(argv[4], nullptr, 10)),
                      std::strtoull(argv[5], nullptr, 10), std::strtoll(argv[6], nullptr, 10),
                      argc > 7 ? std::strtod(argv[7], nullptr) : 0.0);
  }
  if (mode == "loopback" && argc >= 3) return Loopback(std::strtoll(argv[2], nullptr, 10));
  if (mode == "disk" && argc >= 4) return Disk(argv[2], std::strtoll(argv[3], nullptr, 10));
  if (mode == "mock" && argc >= 5) {
    return Mock(static_cast<int>(std::strtol(argv[2], nullptr, 10)), std::strtoull(argv[3], nullptr, 10),
                std::strtoll(argv[4], nullptr, 10));
  }
  std::fprintf(stderr,
               "usage: broker_bench produce BOOTSTRAP TOPIC MSG_BYTES COUNT [RATE]\n"
               "       broker_bench consume BOOTSTRAP TOPIC COUNT\n"
               "       broker_bench loopback MB\n"
               "       broker_bench disk DIR MB\n"
               "       broker_bench mock PARTITIONS MSG_BYTES COUNT\n");
  return 2;
}

}  // namespace

// After a measuring mode, the CPU this process (client thread and librdkafka's threads) used, so that a
// run can be told client-bound from broker-bound (the script reads the broker's CPU from /proc).
int main(int argc, char** argv) {
  const int rc = Run(argc, argv);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  std::printf("client_cpu_s=%.2f\n", secs(ru.ru_utime) + secs(ru.ru_stime));
  return rc;
}
