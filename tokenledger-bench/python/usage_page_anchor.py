#!/usr/bin/env python3
"""Python anchor for UsagePageBenchmark: the same 1,440 x 20 usage page, parsed with the standard
library's json and summed by model + batch + service_tier, the way genai-devbench's scripts read
the Usage API (json.loads, then a loop over data[].results[] into a dict of sums).

Usage: python3 usage_page_anchor.py [seconds, 10] [page file]
Prints rows/s (CPU and wall time) and the totals. Without a page file the page is generated here
with the same shape as the Java benchmark's; UsagePageScenario passes the file it wrote, so that
both read the very same bytes, and compares the totals. Exits 1 when the page does not hold
28,800 rows.
"""
import json
import random
import sys
import time

BUCKETS, RESULTS = 1440, 20
ROWS = BUCKETS * RESULTS
MODELS = ["gpt-5-mini-2025-08-07", "gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14", "o4-mini-2025-04-16"]
TIERS = ["default", "flex", "priority"]


def generate():
    rnd = random.Random(20241009)
    start = 1_728_432_000
    data = []
    for b in range(BUCKETS):
        results = []
        for r in range(RESULTS):
            cached, write = rnd.randrange(2000), rnd.randrange(200)
            uncached, output = rnd.randrange(5000), rnd.randrange(3000)
            results.append({
                "object": "organization.usage.completions.result",
                "input_tokens": cached + write + uncached, "input_cached_tokens": cached,
                "input_cache_write_tokens": write, "input_uncached_tokens": uncached,
                "output_tokens": output, "input_text_tokens": uncached,
                "output_text_tokens": output, "input_cached_text_tokens": cached,
                "input_audio_tokens": 0, "input_cached_audio_tokens": 0, "output_audio_tokens": 0,
                "input_image_tokens": 0, "input_cached_image_tokens": 0, "output_image_tokens": 0,
                "num_model_requests": 1 + rnd.randrange(20), "project_id": "proj_%d" % (r % 3),
                "user_id": None, "api_key_id": "key_%d" % (r % 5), "model": MODELS[r % 4],
                "batch": r % 7 == 0, "service_tier": TIERS[r % 3]})
        s = start + 60 * b
        data.append({"object": "bucket", "start_time": s, "end_time": s + 60, "results": results})
    page = {"object": "page", "data": data, "has_more": False, "next_page": None}
    return json.dumps(page, separators=(",", ":")).encode()


def parse_and_aggregate(raw):
    page = json.loads(raw)
    sums = {}
    for bucket in page["data"]:
        for r in bucket.get("results") or []:
            if r.get("object") != "organization.usage.completions.result":
                continue
            key = (r.get("model"), r.get("batch"), r.get("service_tier"))
            s = sums.get(key)
            if s is None:
                s = sums[key] = [0, 0, 0, 0, 0]
            s[0] += r.get("input_tokens") or 0
            s[1] += r.get("input_cached_tokens") or 0
            s[2] += r.get("output_tokens") or 0
            s[3] += r.get("num_model_requests") or 0
            s[4] += 1
    return sums


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    raw = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else generate()
    sums = parse_and_aggregate(raw)
    rows = sum(s[4] for s in sums.values())
    if rows != ROWS:
        print("wrong: %d rows, not %d" % (rows, ROWS), file=sys.stderr)
        sys.exit(1)
    # CPU time of this thread as well as wall time: on a shared machine the wall clock also
    # counts the time other processes held the core.
    wall0, cpu0 = time.perf_counter(), time.thread_time()
    pages = 0
    while time.perf_counter() - wall0 < seconds:
        parse_and_aggregate(raw)
        pages += 1
    wall, cpu = time.perf_counter() - wall0, time.thread_time() - cpu0
    totals = [sum(s[i] for s in sums.values()) for i in range(5)]
    print("python %s json: %d bytes, %d pages: %.0f rows/s of CPU, %.0f rows/s of wall time"
          % (sys.version.split()[0], len(raw), pages, ROWS * pages / cpu, ROWS * pages / wall))
    print("totals: groups=%d input=%d cached=%d output=%d requests=%d rows=%d"
          % (len(sums), *totals))


if __name__ == "__main__":
    main()
