#!/usr/bin/env python3
"""Quiver's side-by-side benchmark.

The same workloads, on the same data, in one Spark session (Spark 4.1.3, as PySpark ships it):
Spark's built-in SQL (the baseline, ratio 1.0), JVM row-at-a-time functions (a Java UDF1, an
Aggregator through functions.udaf, Dataset group/flat maps), PySpark's Arrow functions
(@pandas_udf, @arrow_udf, a grouped-aggregate pandas UDF, @arrow_udtf) and Quiver. Every
measurement runs the query to completion into Spark's no-op sink; the time reported is the median
of several runs after a warm-up run. Run it with bin/bench.
"""

import argparse
import csv
import os
import platform
import statistics
import sys
import time
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.functions import arrow_udf, arrow_udtf, pandas_udf

# erf by Abramowitz and Stegun 7.1.26: Spark SQL has no erf, so every contender evaluates this
# same polynomial (see dev.quiver.bench.ScalarWorkloads).
A1, A2, A3, A4, A5, P = 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429, 0.3275911

CDF_SQL = (
    "0.5 * (1 + signum(value / sqrt(2)) * (1 - ((((({a5} * t - {a4n}) * t + {a3}) * t - {a2n}) * t"
    " + {a1}) * t * exp(-(value / sqrt(2)) * (value / sqrt(2))))))"
).format(a1=A1, a2n=-A2, a3=A3, a4n=-A4, a5=A5)
CDF_BUILTIN = ("SELECT " + CDF_SQL + " AS r FROM (SELECT value, 1.0 / (1.0 + " + str(P)
               + " * abs(value / sqrt(2))) AS t FROM scalar)")


def np_normal_cdf(v: np.ndarray) -> np.ndarray:
    x = v / np.sqrt(2.0)
    ax = np.abs(x)
    t = 1.0 / (1.0 + P * ax)
    y = 1.0 - (((((A5 * t + A4) * t) + A3) * t + A2) * t + A1) * t * np.exp(-ax * ax)
    return 0.5 * (1.0 + np.sign(x) * y)


# ---- PySpark contenders -----------------------------------------------------------------------

def register_python_contenders(spark: SparkSession) -> None:
    """Defines the PySpark functions (their DDL types need a session) and registers them."""

    @pandas_udf("double")
    def pandas_arith(v: pd.Series) -> pd.Series:
        return v * 2 + 1


    @arrow_udf("double")
    def arrow_arith(v: pa.Array) -> pa.Array:
        return pc.add(pc.multiply(v, 2), 1)


    @pandas_udf("string")
    def pandas_upper_suffix(v: pd.Series) -> pd.Series:
        return v.str.upper() + "_SUFFIX"


    @arrow_udf("string")
    def arrow_upper_suffix(v: pa.Array) -> pa.Array:
        return pc.binary_join_element_wise(pc.utf8_upper(v), "_SUFFIX", "")


    @pandas_udf("double")
    def pandas_normal_cdf(v: pd.Series) -> pd.Series:
        return pd.Series(np_normal_cdf(v.to_numpy()))


    @arrow_udf("double")
    def arrow_normal_cdf(v: pa.Array) -> pa.Array:
        return pa.array(np_normal_cdf(v.to_numpy(zero_copy_only=False)))


    @pandas_udf("array<double>")
    def pandas_stats(v: pd.Series) -> List[float]:
        # A grouped-aggregate pandas UDF cannot return a struct: count, mean, stddev, max as an array.
        return [float(v.count()), float(v.mean()), float(v.std(ddof=0)), float(v.max())]


    @arrow_udtf(returnType="device_id int, count int, mean double, stddev double, max_value int")
    class DeviceStats:
        """The source document's example, as it is written there."""

        def __init__(self):
            self._device = None
            self._count = 0
            self._sum = 0.0
            self._sumsq = 0.0
            self._max = None

        def eval(self, batch: pa.RecordBatch) -> Iterator[pa.Table]:
            tbl = pa.table(batch)
            self._device = pc.unique(tbl["device_id"]).to_pylist()[0]
            vals = tbl["reading"].cast(pa.float64())
            self._count += len(vals)
            self._sum += pc.sum(vals).as_py() or 0.0
            self._sumsq += pc.sum(pc.multiply(vals, vals)).as_py() or 0.0
            cur_max = pc.max(vals).as_py()
            self._max = cur_max if self._max is None else max(self._max, cur_max)
            return iter(())

        def terminate(self) -> Iterator[pa.Table]:
            if self._device is not None and self._count > 0:
                mean = self._sum / self._count
                var = max(self._sumsq / self._count - mean * mean, 0.0)
                yield pa.table({
                    "device_id": pa.array([self._device], pa.int32()),
                    "count": pa.array([self._count], pa.int32()),
                    "mean": pa.array([round(mean, 2)], pa.float64()),
                    "stddev": pa.array([round(var ** 0.5, 2)], pa.float64()),
                    "max_value": pa.array([int(self._max)], pa.int32()),
                })


    @arrow_udtf(returnType="doc_id int, word string")
    class Tokenize:
        """The source document's example, as it is written there."""

        def eval(self, batch: pa.RecordBatch) -> Iterator[pa.Table]:
            tbl = pa.table(batch)
            doc_ids: list = []
            words: list = []
            for doc_id, text in zip(tbl["doc_id"].to_pylist(), tbl["text"].to_pylist()):
                for w in (text or "").split():
                    doc_ids.append(doc_id)
                    words.append(w)
            if doc_ids:
                yield pa.table({"doc_id": pa.array(doc_ids, pa.int32()), "word": pa.array(words)})

    for name, f in (("pandas_arith", pandas_arith), ("arrow_arith", arrow_arith),
                    ("pandas_upper_suffix", pandas_upper_suffix),
                    ("arrow_upper_suffix", arrow_upper_suffix),
                    ("pandas_normal_cdf", pandas_normal_cdf),
                    ("arrow_normal_cdf", arrow_normal_cdf), ("pandas_stats", pandas_stats)):
        spark.udf.register(name, f)
    spark.udtf.register("py_device_stats", DeviceStats)
    spark.udtf.register("py_tokenize", Tokenize)


# ---- Workloads --------------------------------------------------------------------------------

class Workload:
    def __init__(self, name: str, description: str, table: str,
                 contenders: Dict[str, Callable[[SparkSession], DataFrame]]):
        self.name = name
        self.description = description
        self.table = table
        self.contenders = contenders


def sql(query: str) -> Callable[[SparkSession], DataFrame]:
    return lambda spark: spark.sql(query)


def jvm(method: str, *args) -> Callable[[SparkSession], DataFrame]:
    def run(spark: SparkSession) -> DataFrame:
        jdf = getattr(spark._jvm.dev.quiver.bench.JvmContenders, method)(spark._jsparkSession,
                                                                         *args)
        return DataFrame(jdf, spark)
    return run


CONTENDERS = ["built-in", "JVM row", "pandas_udf", "arrow_udf", "Quiver"]


def workloads() -> List[Workload]:
    stats_builtin = "SELECT k, count(v), avg(v), stddev_pop(v), max(v) FROM {t} GROUP BY k"
    out = [
        Workload("scalar: value * 2 + 1", "arithmetic", "scalar", {
            "built-in": sql("SELECT value * 2 + 1 AS r FROM scalar"),
            "JVM row": sql("SELECT jvm_arith(value) AS r FROM scalar"),
            "pandas_udf": sql("SELECT pandas_arith(value) AS r FROM scalar"),
            "arrow_udf": sql("SELECT arrow_arith(value) AS r FROM scalar"),
            "Quiver": sql("SELECT bench_arith(value) AS r FROM scalar"),
        }),
        Workload("scalar: upper(name) || '_SUFFIX'", "string", "scalar", {
            "built-in": sql("SELECT concat(upper(name), '_SUFFIX') AS r FROM scalar"),
            "JVM row": sql("SELECT jvm_upper_suffix(name) AS r FROM scalar"),
            "pandas_udf": sql("SELECT pandas_upper_suffix(name) AS r FROM scalar"),
            "arrow_udf": sql("SELECT arrow_upper_suffix(name) AS r FROM scalar"),
            "Quiver": sql("SELECT bench_upper_suffix(name) AS r FROM scalar"),
        }),
        Workload("scalar: normal CDF", "0.5 * (1 + erf(value / sqrt(2)))", "scalar", {
            "built-in": sql(CDF_BUILTIN),
            "JVM row": sql("SELECT jvm_normal_cdf(value) AS r FROM scalar"),
            "pandas_udf": sql("SELECT pandas_normal_cdf(value) AS r FROM scalar"),
            "arrow_udf": sql("SELECT arrow_normal_cdf(value) AS r FROM scalar"),
            "Quiver": sql("SELECT bench_normal_cdf(value) AS r FROM scalar"),
        }),
    ]
    for keys, table in (("1 thousand", "agg_1k"), ("1 million", "agg_1m")):
        out.append(Workload(f"aggregate: {keys} keys", "count/mean/stddev/max per key", table, {
            "built-in": sql(stats_builtin.format(t=table)),
            "JVM row": sql(f"SELECT k, jvm_stats(v) FROM {table} GROUP BY k"),
            "pandas_udf": sql(f"SELECT k, pandas_stats(v) FROM {table} GROUP BY k"),
            "Quiver": sql(f"SELECT k, summary_stats(v) FROM {table} GROUP BY k"),
        }))
    out.append(Workload("table: device_stats", "PARTITION BY device_id", "readings", {
        "built-in": sql("SELECT device_id, count(reading), round(avg(reading), 2), "
                        "round(stddev_pop(reading), 2), max(reading) FROM readings "
                        "GROUP BY device_id"),
        "JVM row": jvm("deviceStatsFlatMapGroups", "readings"),
        "arrow_udtf": sql("SELECT * FROM py_device_stats(TABLE(readings) PARTITION BY device_id)"),
        "Quiver": sql("SELECT * FROM device_stats(TABLE(readings) PARTITION BY device_id)"),
    }))
    out.append(Workload("table: tokenize", "split documents into words", "docs", {
        "built-in": sql("SELECT doc_id, explode(split(text, ' ')) AS word FROM docs"),
        "JVM row": jvm("tokenizeFlatMap", "docs"),
        "arrow_udtf": sql("SELECT * FROM py_tokenize(TABLE(docs))"),
        "Quiver": sql("SELECT * FROM tokenize(TABLE(docs))"),
    }))
    return out


# ---- Data -------------------------------------------------------------------------------------

def make_data(spark: SparkSession, data_dir: str, scale: float) -> Dict[str, int]:
    sizes = {
        "scalar": int(50_000_000 * scale),
        "agg_1k": int(10_000_000 * scale),
        "agg_1m": int(10_000_000 * scale),
        "readings": int(10_000_000 * scale),
        "docs": int(1_000_000 * scale),
    }
    queries = {
        "scalar": "SELECT id, randn(42) * 2 AS value, concat('name_', id % 1000) AS name "
                  "FROM range({n})",
        "agg_1k": "SELECT id % 1000 AS k, rand(7) * 100 AS v FROM range({n})",
        "agg_1m": "SELECT id % 1000000 AS k, rand(7) * 100 AS v FROM range({n})",
        "readings": "SELECT cast(id % 1000 AS int) AS device_id, "
                    "cast(rand(3) * 1000 AS int) AS reading FROM range({n})",
        "docs": "SELECT cast(id AS int) AS doc_id, concat_ws(' ', transform(sequence(1, 10), "
                "i -> element_at(array('spark', 'arrow', 'quiver', 'batch', 'vector', 'table', "
                "'row', 'column', 'fast', 'jvm', 'udf', 'sql'), "
                "cast(1 + (id * 7 + i * 13) % 12 AS int)))) AS text FROM range({n})",
    }
    for name, n in sizes.items():
        path = os.path.join(data_dir, f"{name}-{n}")
        if not os.path.exists(os.path.join(path, "_SUCCESS")):
            spark.sql(queries[name].format(n=n)).write.mode("overwrite").parquet(path)
        spark.read.parquet(path).createOrReplaceTempView(name)
    return sizes


# ---- Measurement ------------------------------------------------------------------------------

def run_once(spark: SparkSession, build: Callable[[SparkSession], DataFrame]) -> float:
    start = time.perf_counter()
    build(spark).write.format("noop").mode("overwrite").save()
    return time.perf_counter() - start


def measure_workload(spark: SparkSession, w: Workload, runs: int,
                     slow: float) -> Dict[str, Tuple[float, int]]:
    """Each contender's median wall time over `runs` runs after a warm-up run. The runs are taken
    in rounds, every contender once per round, so JIT compilation, GC and caches that drift over
    time fall on all contenders alike rather than on whichever runs first. A contender whose
    warm-up alone takes longer than `slow` seconds is reported by that one run (the count says
    so)."""
    times: Dict[str, List[float]] = {}
    too_slow = set()
    for contender, build in w.contenders.items():
        warm_up = run_once(spark, build)  # JIT, Python workers, file listing
        times[contender] = []
        if warm_up > slow:
            times[contender].append(warm_up)
            too_slow.add(contender)
    for _ in range(runs):
        for contender, build in w.contenders.items():
            if contender not in too_slow:
                times[contender].append(run_once(spark, build))
    return {c: (statistics.median(ts), len(ts)) for c, ts in times.items()}


def machine() -> str:
    mem_kb = 0
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(f.readline().split()[1])
    except OSError:
        pass
    return (f"{os.cpu_count()} cores, {mem_kb / 1024 / 1024:.0f} GiB memory, "
            f"{platform.system()} {platform.machine()}, Python {platform.python_version()}")


def write_outputs(results: List[dict], out_dir: str, header: str, goals: List[str]) -> None:
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "benchmark.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["workload", "rows", "contender", "seconds",
                                               "runs", "ratio_to_builtin"])
        writer.writeheader()
        writer.writerows(results)
    workloads_seen = list(dict.fromkeys(r["workload"] for r in results))
    contenders_seen = [c for c in ["built-in", "JVM row", "pandas_udf", "arrow_udf",
                                   "arrow_udtf", "Quiver"]
                       if any(r["contender"] == c for r in results)]
    lines = [header, "", "Wall time in seconds (ratio to built-in; lower is better).", "",
             "| workload | rows | " + " | ".join(contenders_seen) + " |",
             "|---|---:|" + "---:|" * len(contenders_seen)]
    for w in workloads_seen:
        cells = []
        rows = ""
        for c in contenders_seen:
            r = next((r for r in results if r["workload"] == w and r["contender"] == c), None)
            if r is None:
                cells.append("")
            else:
                rows = f"{r['rows']:,}"
                once = "¹" if r["runs"] == 1 and r["contender"] != "built-in" else ""
                cells.append(f"{r['seconds']:.2f}{once} ({r['ratio_to_builtin']:.2f}x)")
        # A pipe inside a cell ends it in Markdown: the string workload's || is escaped.
        lines.append(f"| {w.replace('|', chr(92) + '|')} | {rows} | " + " | ".join(cells) + " |")
    if any(r["runs"] == 1 for r in results):
        lines += ["", "¹ one run only: its warm-up run alone took longer than the time limit "
                  "(--slow), so the warm-up time is reported."]
    lines += ["", "Goals:", ""] + [f"- {g}" for g in goals]
    with open(os.path.join(out_dir, "benchmark.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(12, 5.5))
        width = 0.8 / len(contenders_seen)
        for i, c in enumerate(contenders_seen):
            xs, ys = [], []
            for j, w in enumerate(workloads_seen):
                r = next((r for r in results if r["workload"] == w and r["contender"] == c), None)
                if r is not None:
                    xs.append(j + i * width)
                    ys.append(r["ratio_to_builtin"])
            ax.bar(xs, ys, width, label=c)
        ax.set_yscale("log")
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(workloads_seen))])
        ax.set_xticklabels(workloads_seen, rotation=20, ha="right", fontsize=8)
        ax.set_ylabel("wall time / built-in (log scale, lower is better)")
        ax.set_title("Quiver benchmark: " + header.split("\n")[0].lstrip("# "))
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(os.path.join(out_dir, "benchmark.png"), dpi=120)
    except ImportError:
        print("matplotlib not installed: no chart", file=sys.stderr)


def goals(results: List[dict]) -> List[str]:
    def t(workload_prefix: str, contender: str) -> Optional[float]:
        rs = [r["seconds"] for r in results
              if r["workload"].startswith(workload_prefix) and r["contender"] == contender]
        return rs[0] if rs else None

    out = []
    arith_q, arith_b = t("scalar: value", "Quiver"), t("scalar: value", "built-in")
    if arith_q and arith_b:
        ratio = arith_q / arith_b
        out.append(f"Quiver scalar within 1.2x of built-in on arithmetic: {ratio:.2f}x "
                   f"({'met' if ratio <= 1.2 else 'not met'})")
    for prefix, label in (("scalar: value", "arithmetic"), ("scalar: upper", "string"),
                          ("scalar: normal", "normal CDF")):
        for py in ("pandas_udf", "arrow_udf"):
            q, p = t(prefix, "Quiver"), t(prefix, py)
            if q and p:
                out.append(f"scalar {label}: {py} / Quiver = {p / q:.1f}x "
                           f"(goal 5x: {'met' if p / q >= 5 else 'not met'})")
    for keys in ("aggregate: 1 thousand", "aggregate: 1 million"):
        q, a, p = t(keys, "Quiver"), t(keys, "JVM row"), t(keys, "pandas_udf")
        if q and a:
            out.append(f"{keys} keys: Aggregator / Quiver = {a / q:.1f}x "
                       f"(goal 2x: {'met' if a / q >= 2 else 'not met'})")
        if q and p:
            out.append(f"{keys} keys: pandas UDAF / Quiver = {p / q:.1f}x "
                       f"(goal 10x: {'met' if p / q >= 10 else 'not met'})")
    for table in ("table: device_stats", "table: tokenize"):
        q, u = t(table, "Quiver"), t(table, "arrow_udtf")
        if q and u:
            out.append(f"{table}: @arrow_udtf / Quiver = {u / q:.1f}x "
                       f"(goal 10x: {'met' if u / q >= 10 else 'not met'})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jars", required=True, help="comma-separated jars to put on Spark")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="fraction of the full data sizes (1.0: 50M scalar rows, ...)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per measurement")
    parser.add_argument("--data", default="target/bench-data", help="where the data is kept")
    parser.add_argument("--out", default="benchmarks/results", help="where results go")
    parser.add_argument("--only", default="", help="run only workloads containing this text")
    parser.add_argument("--memory", default="12g", help="driver memory")
    parser.add_argument("--slow", type=float, default=120.0,
                        help="seconds after which a warm-up run counts as the measurement")
    args = parser.parse_args()
    # Python workers run in this interpreter's environment, where pandas and pyarrow are.
    os.environ["PYSPARK_PYTHON"] = sys.executable

    spark = (SparkSession.builder.master("local[*]").appName("quiver-benchmark")
             .config("spark.jars", args.jars)
             .config("spark.sql.extensions", "dev.quiver.spark.QuiverExtensions")
             .config("spark.driver.memory", args.memory)
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "10000")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    spark._jvm.dev.quiver.bench.JvmContenders.register(spark._jsparkSession)
    register_python_contenders(spark)

    sizes = make_data(spark, args.data, args.scale)
    header = (f"# Benchmark, Spark {spark.version}\n\n{machine()}; "
              f"{args.runs} runs per measurement after a warm-up, taken round-robin across the "
              f"contenders, median reported; "
              f"generated {time.strftime('%Y-%m-%d')} by `bin/bench"
              + (f" --scale {args.scale}" if args.scale != 1.0 else "") + "`.")
    results: List[dict] = []
    for w in workloads():
        if args.only and args.only not in w.name:
            continue
        baseline = None
        measured_all = measure_workload(spark, w, args.runs, args.slow)
        for contender in w.contenders:
            seconds, measured = measured_all[contender]
            if contender == "built-in":
                baseline = seconds
            row = {"workload": w.name, "rows": sizes[w.table], "contender": contender,
                   "seconds": round(seconds, 3), "runs": measured,
                   "ratio_to_builtin": round(seconds / baseline, 3) if baseline else None}
            results.append(row)
            print(f"{w.name:40s} {contender:12s} {seconds:8.2f}s "
                  f"{row['ratio_to_builtin']:.2f}x", flush=True)
    write_outputs(results, args.out, header, goals(results))
    spark.stop()


if __name__ == "__main__":
    main()
