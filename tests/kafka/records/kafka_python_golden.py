#!/usr/bin/python3
"""Golden-test helper for kafka_records_test: reads and writes record batches v2 with kafka-python.

Usage:
  kafka_python_golden.py codecs            print the codec ids kafka-python can use here, one a line
  kafka_python_golden.py encode ID FILE    write a batch of the records below with codec ID to FILE
  kafka_python_golden.py decode FILE       check the CRC of the batch in FILE and print its records

Printed record lines: "offset timestamp key value h1=v1,h2=v2" with bytes as hex, "null" for null
and "-" for an empty header list; the first line is "batch base_offset count codec producer_id".
"""
import sys

from kafka import codec
from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder


def golden_records():
    out = []
    for i in range(50):
        key = None if i % 5 == 0 else ("key-%d" % i).encode()
        value = None if i % 7 == 3 else (("value-%d-" % i) * (i % 4 + 1)).encode()
        headers = [] if i % 3 else [("h%d" % i, ("hv%d" % i).encode()), ("null", None)]
        ts = 1700000000000 + 10 * i - (1000 if i % 6 == 5 else 0)
        out.append((i, ts, key, value, headers))
    return out


def hexs(b):
    return "null" if b is None else (b.hex() if b else "''")


def main(argv):
    if argv[1] == "codecs":
        checks = [(0, True), (1, codec.has_gzip()), (2, codec.has_snappy()), (3, codec.has_lz4()),
                  (4, codec.has_zstd())]
        for cid, ok in checks:
            if ok:
                print(cid)
    elif argv[1] == "encode":
        builder = DefaultRecordBatchBuilder(magic=2, compression_type=int(argv[2]), is_transactional=0,
                                            producer_id=1234, producer_epoch=5, base_sequence=6,
                                            batch_size=1 << 20)
        for offset, ts, key, value, headers in golden_records():
            assert builder.append(offset, ts, key, value, headers) is not None
        with open(argv[3], "wb") as f:
            f.write(bytes(builder.build()))
    elif argv[1] == "decode":
        with open(argv[2], "rb") as f:
            batch = DefaultRecordBatch(f.read())
        if not batch.validate_crc():
            print("CRC mismatch")
            return 2
        lines = []
        for r in batch:
            hs = ",".join("%s=%s" % (k, hexs(v)) for k, v in r.headers) or "-"
            lines.append("%d %d %s %s %s" % (r.offset, r.timestamp, hexs(r.key), hexs(r.value), hs))
        print("batch %d %d %d %d" % (batch.base_offset, len(lines), batch.compression_type,
                                      batch._header_data[9]))  # producerId
        print("\n".join(lines))
    else:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
