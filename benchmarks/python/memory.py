"""The benchmark's memory measurement: one skewed group (every row under one key) through
device_stats, each contender in a Spark session of its own with a bounded driver (local mode:
the driver is the executor), so that one contender's heap cannot be another's.

Per contender it reports the peak JVM heap in use, the peak JVM memory outside the heap (the
process's resident memory minus its committed heap: Arrow buffers, Netty, direct buffers,
metaspace, thread stacks), the peak resident memory of the Python workers it started, and the
wall time; or that it failed, and how. The parent (bench.py) runs `python bench.py --probe
<contender>` once per contender and reads the line starting with PROBE.
"""

import json
import os
import subprocess
import sys
import threading
import time
from typing import Dict, List

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

CONTENDERS = ["JVM row", "applyInPandas", "applyInArrow", "arrow_udtf", "Quiver"]
SCHEMA = "device_id int, count int, mean double, stddev double, max_value int"


def skew_query(n: int) -> str:
    return (f"SELECT 1 AS device_id, cast(rand(3) * 1000 AS int) AS reading FROM range({n})")


def _stats(device: int, vals) -> Dict[str, list]:
    count = len(vals)
    mean = float(vals.mean()) if count else 0.0
    std = float(vals.std(ddof=0)) if count else 0.0
    return {"device_id": [device], "count": [count], "mean": [round(mean, 2)],
            "stddev": [round(std, 2)], "max_value": [int(vals.max()) if count else 0]}


def _pandas_stats(pdf: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(_stats(int(pdf["device_id"].iloc[0]), pdf["reading"].astype("float64")))
    return out.astype({"device_id": "int32", "count": "int32", "max_value": "int32"})


def _arrow_stats(table: pa.Table) -> pa.Table:
    vals = table["reading"].cast(pa.float64())
    count = len(vals)
    mean = pc.mean(vals).as_py() or 0.0
    var = pc.variance(vals, ddof=0).as_py() or 0.0
    return pa.table({
        "device_id": pa.array([table["device_id"][0].as_py()], pa.int32()),
        "count": pa.array([count], pa.int32()),
        "mean": pa.array([round(mean, 2)], pa.float64()),
        "stddev": pa.array([round(var ** 0.5, 2)], pa.float64()),
        "max_value": pa.array([pc.max(table["reading"]).as_py()], pa.int32()),
    })


def _descendants(pid: int) -> List[int]:
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def probe(contender: str, jars: str, data_dir: str, rows: int, memory: str,
          register_python_contenders) -> None:
    """Runs in the child process: one contender, one skewed group, sampled every 50 ms."""
    from pyspark import cloudpickle
    from pyspark.sql import DataFrame, SparkSession
    # The group functions below ship to the Python workers by value: they cannot import this file.
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (SparkSession.builder.master("local[2]").appName("quiver-memory-probe")
             .config("spark.jars", jars)
             .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
             .config("spark.driver.memory", memory)
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "10000")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    jvm = spark._jvm
    register_python_contenders(spark)
    path = os.path.join(data_dir, f"skew-{rows}")
    spark.read.parquet(path).createOrReplaceTempView("skew")
    if contender == "JVM row":
        df = DataFrame(jvm.dev.quiver.bench.JvmContenders.deviceStatsFlatMapGroups(
            spark._jsparkSession, "skew"), spark)
    elif contender == "applyInPandas":
        df = spark.table("skew").groupBy("device_id").applyInPandas(_pandas_stats, SCHEMA)
    elif contender == "applyInArrow":
        df = spark.table("skew").groupBy("device_id").applyInArrow(_arrow_stats, SCHEMA)
    elif contender == "arrow_udtf":
        df = spark.sql("SELECT * FROM py_device_stats(TABLE(skew) PARTITION BY device_id)")
    else:
        df = spark.sql("SELECT * FROM device_stats(TABLE(skew) PARTITION BY device_id)")

    mx = jvm.java.lang.management.ManagementFactory.getMemoryMXBean()
    jvm_pid = int(jvm.java.lang.ProcessHandle.current().pid())
    peak = {"heap": 0, "off_heap": 0, "python": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                heap = mx.getHeapMemoryUsage()
                used, committed = int(heap.getUsed()), int(heap.getCommitted())
                peak["heap"] = max(peak["heap"], used)
                peak["off_heap"] = max(peak["off_heap"], _rss(jvm_pid) - committed)
                py = sum(_rss(p) for p in _descendants(jvm_pid))
                peak["python"] = max(peak["python"], py)
            except Exception:  # the session may be going down with a failure
                pass
            done.wait(0.05)

    # The session's own start-up is not the contender's: the peaks start from here, and the
    # idle session's off-heap memory is reported with them.
    idle = _rss(jvm_pid) - int(mx.getHeapMemoryUsage().getCommitted())
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    start = time.perf_counter()
    result = {"contender": contender, "rows": rows, "idle_off_heap_bytes": idle}
    try:
        out = df.collect()
        result["status"] = "ok"
        result["count"] = int(out[0]["count"]) if out else 0
    except Exception as e:  # report how it failed, in one line
        text = str(e)
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        key = next((ln for ln in lines if "OutOfMemory" in ln or "Error" in ln or "Exception"
                    in ln), lines[0] if lines else type(e).__name__)
        result["status"] = "failed: " + key[:200]
    result["seconds"] = round(time.perf_counter() - start, 2)
    done.set()
    sampler.join()
    result.update({k + "_bytes": v for k, v in peak.items()})
    print("PROBE " + json.dumps(result), flush=True)
    try:
        spark.stop()
    except Exception:
        pass


def measure(bench_py: str, jars: str, data_dir: str, rows: int, memory: str,
            timeout: float) -> List[dict]:
    """Runs every contender's probe in a process of its own; returns what each reported."""
    out = []
    for contender in CONTENDERS:
        cmd = [sys.executable, bench_py, "--jars", jars, "--data", data_dir, "--probe", contender,
               "--skew-rows", str(rows), "--probe-memory", memory]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
            line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("PROBE ")), None)
            if line:
                out.append(json.loads(line[len("PROBE "):]))
            else:
                tail = [ln for ln in (proc.stderr or "").splitlines() if ln.strip()][-3:]
                out.append({"contender": contender, "rows": rows,
                            "status": f"failed: process exited {proc.returncode}: "
                                      + " / ".join(tail)[:300]})
        except subprocess.TimeoutExpired:
            out.append({"contender": contender, "rows": rows,
                        "status": f"failed: did not finish in {timeout:.0f} s"})
        print(f"memory {contender:14s} {out[-1]}", flush=True)
    return out


def table(results: List[dict], memory: str) -> List[str]:
    def mib(r: dict, key: str) -> str:
        return f"{r[key] / 2**20:,.0f}" if key in r else ""

    def off_heap(r: dict) -> str:
        if "off_heap_bytes" not in r:
            return ""
        return (f"{mib(r, 'off_heap_bytes')} "
                f"(+{(r['off_heap_bytes'] - r['idle_off_heap_bytes']) / 2**20:,.0f})")

    lines = ["| contender | result | seconds | peak JVM heap (MiB) | peak JVM off-heap (MiB) "
             "(+ over idle) | peak Python workers (MiB) |", "|---|---|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['contender']} | {r['status']} | {r.get('seconds', '')} | "
                     f"{mib(r, 'heap_bytes')} | {off_heap(r)} | "
                     f"{mib(r, 'python_bytes')} |")
    return lines
