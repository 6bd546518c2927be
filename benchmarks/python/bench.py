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

import memory
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


CONTENDERS = ["floor", "built-in", "JVM row", "pandas_udf", "arrow_udf", "arrow_udtf", "Quiver"]

# Scalar workloads: (name, description, argument column, built-in SQL of the argument v,
# JVM UDF, PySpark functions, Quiver function). The row-input variants read the same columns
# from a view over spark.range, so nothing of their input is columnar.
SCALAR = [
    ("value * 2 + 1", "arithmetic", "value", "{v} * 2 + 1", "jvm_arith", "arith", "bench_arith"),
    ("upper(name) || '_SUFFIX'", "string", "name", "concat(upper({v}), '_SUFFIX')",
     "jvm_upper_suffix", "upper_suffix", "bench_upper_suffix"),
    ("normal CDF", "0.5 * (1 + erf(value / sqrt(2)))", "value", None, "jvm_normal_cdf",
     "normal_cdf", "bench_normal_cdf"),
]


def scalar_workloads(table: str, label: str) -> List[Workload]:
    out = []
    for name, description, column, builtin, jvm_f, py_f, quiver_f in SCALAR:
        built_in = (CDF_BUILTIN.replace("FROM scalar", f"FROM {table}") if builtin is None
                    else f"SELECT {builtin.format(v=column)} AS r FROM {table}")
        out.append(Workload(f"{label}: {name}", description, table, {
            "floor": sql(f"SELECT {column} AS r FROM {table}"),
            "built-in": sql(built_in),
            "JVM row": sql(f"SELECT {jvm_f}({column}) AS r FROM {table}"),
            "pandas_udf": sql(f"SELECT pandas_{py_f}({column}) AS r FROM {table}"),
            "arrow_udf": sql(f"SELECT arrow_{py_f}({column}) AS r FROM {table}"),
            "Quiver": sql(f"SELECT {quiver_f}({column}) AS r FROM {table}"),
        }))
    return out


def guarded_workload() -> Workload:
    """The call under a condition: Quiver evaluates it on the rows where the condition holds."""
    def case(call: str) -> str:
        return f"SELECT CASE WHEN value > 0 THEN {call} ELSE 0 END AS r FROM scalar"
    return Workload("scalar: CASE WHEN value > 0 THEN f(value)", "arithmetic, guarded", "scalar", {
        "floor": sql("SELECT value AS r FROM scalar"),
        "built-in": sql(case("value * 2 + 1")),
        "JVM row": sql(case("jvm_arith(value)")),
        "pandas_udf": sql(case("pandas_arith(value)")),
        "arrow_udf": sql(case("arrow_arith(value)")),
        "Quiver": sql(case("bench_arith(value)")),
    })


def table_workloads(readings: str, docs: str, label: str) -> List[Workload]:
    return [
        Workload(f"{label}: device_stats", "PARTITION BY device_id", readings, {
            # What PARTITION BY costs without a function: the same shuffle and sort.
            "floor": sql(f"SELECT * FROM {readings} DISTRIBUTE BY device_id SORT BY device_id"),
            "built-in": sql("SELECT device_id, count(reading), round(avg(reading), 2), "
                            f"round(stddev_pop(reading), 2), max(reading) FROM {readings} "
                            "GROUP BY device_id"),
            "JVM row": jvm("deviceStatsFlatMapGroups", readings),
            "arrow_udtf": sql(f"SELECT * FROM py_device_stats(TABLE({readings}) "
                              "PARTITION BY device_id)"),
            "Quiver": sql(f"SELECT * FROM device_stats(TABLE({readings}) PARTITION BY device_id)"),
        }),
        Workload(f"{label}: tokenize", "split documents into words", docs, {
            "floor": sql(f"SELECT doc_id, text FROM {docs}"),
            "built-in": sql(f"SELECT doc_id, explode(split(text, ' ')) AS word FROM {docs}"),
            "JVM row": jvm("tokenizeFlatMap", docs),
            "arrow_udtf": sql(f"SELECT * FROM py_tokenize(TABLE({docs}))"),
            "Quiver": sql(f"SELECT * FROM tokenize(TABLE({docs}))"),
        }),
    ]


def workloads() -> List[Workload]:
    stats_builtin = "SELECT k, count(v), avg(v), stddev_pop(v), max(v) FROM {t} GROUP BY k"
    out = scalar_workloads("scalar", "scalar") + [guarded_workload()]
    out += scalar_workloads("scalar_rows", "scalar rows")
    for keys, table in (("1 thousand", "agg_1k"), ("1 million", "agg_1m")):
        out.append(Workload(f"aggregate: {keys} keys", "count/mean/stddev/max per key", table, {
            "built-in": sql(stats_builtin.format(t=table)),
            "JVM row": sql(f"SELECT k, jvm_stats(v) FROM {table} GROUP BY k"),
            "pandas_udf": sql(f"SELECT k, pandas_stats(v) FROM {table} GROUP BY k"),
            "Quiver": sql(f"SELECT k, summary_stats(v) FROM {table} GROUP BY k"),
        }))
    out += table_workloads("readings", "docs", "table")
    out += table_workloads("readings_rows", "docs_rows", "table rows")
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
    for name, n in list(sizes.items()):
        path = os.path.join(data_dir, f"{name}-{n}")
        if not os.path.exists(os.path.join(path, "_SUCCESS")):
            spark.sql(queries[name].format(n=n)).write.mode("overwrite").parquet(path)
        spark.read.parquet(path).createOrReplaceTempView(name)
        if name in ("scalar", "readings", "docs"):
            # The row-input variant: the same rows computed from spark.range, never columnar.
            spark.sql(queries[name].format(n=n)).createOrReplaceTempView(name + "_rows")
            sizes[name + "_rows"] = n
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


def write_outputs(results: List[dict], out_dir: str, header: str, goals: List[str],
                  memory: List[str], memory_header: str = "") -> None:
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "benchmark.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["workload", "rows", "contender", "seconds",
                                               "runs", "ratio_to_builtin", "above_floor"])
        writer.writeheader()
        writer.writerows(results)
    workloads_seen = list(dict.fromkeys(r["workload"] for r in results))
    contenders_seen = [c for c in CONTENDERS if any(r["contender"] == c for r in results)]
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
    above = [c for c in contenders_seen if c != "floor"]
    lines += ["", "Seconds above the floor (the scan alone for the scalar workloads and tokenize; "
              "the same shuffle and sort, without a function, for device_stats), and that as a "
              "ratio to built-in's:", "",
              "| workload | " + " | ".join(above) + " |", "|---|" + "---:|" * len(above)]
    for w in workloads_seen:
        base = next((r for r in results if r["workload"] == w and r["contender"] == "built-in"))
        if base["above_floor"] is None:
            continue
        cells = []
        for c in above:
            r = next((r for r in results if r["workload"] == w and r["contender"] == c), None)
            if r is None:
                cells.append("")
            else:
                ratio = (f" ({r['above_floor'] / base['above_floor']:.2f}x)"
                         if base["above_floor"] > 0.005 else "")
                cells.append(f"{r['above_floor']:.2f}{ratio}")
        lines.append(f"| {w.replace('|', chr(92) + '|')} | " + " | ".join(cells) + " |")
    if memory:
        lines += ["", memory_header] + memory
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
        charted = contenders_seen
        width = 0.8 / len(charted)
        for i, c in enumerate(charted):
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
    """The performance goals, each reported as met or not from this run's numbers."""
    def t(workload: str, contender: str) -> Optional[float]:
        rs = [r["seconds"] for r in results
              if r["workload"] == workload and r["contender"] == contender]
        return rs[0] if rs else None

    def verdict(ok: bool) -> str:
        return "met" if ok else "not met"

    names = list(dict.fromkeys(r["workload"] for r in results))
    out = []
    # 1. Never behind the JVM row contender; within 1.1x of built-in SQL.
    for baseline, limit, goal, missed_label in (
            ("JVM row", 1.0, "no slower than JVM row on every workload", "slower on"),
            ("built-in", 1.1, "within 1.1x of built-in SQL", "beyond 1.1x on")):
        ratios = [(w, t(w, "Quiver") / t(w, baseline)) for w in names
                  if t(w, "Quiver") and t(w, baseline)]
        if ratios:
            worst = max(ratios, key=lambda x: x[1])
            missed = [f"{w} {r:.2f}x" for w, r in ratios if r > limit]
            out.append(f"1. Quiver {goal}: worst Quiver / {baseline} = "
                       f"{worst[1]:.2f}x ({worst[0]}); {verdict(not missed)}"
                       + (f" ({missed_label}: {'; '.join(missed)})" if missed else ""))
    # 2. Scalar over row input.
    rows = [(w, t(w, "Quiver") / t(w, "JVM row"), t(w, "Quiver") / t(w, "built-in"))
            for w in names if w.startswith("scalar rows") and t(w, "Quiver") and t(w, "JVM row")]
    if rows:
        cells = "; ".join(f"{w[len('scalar rows: '):]} {j:.2f}x JVM row, {b:.2f}x built-in"
                          for w, j, b in rows)
        out.append(f"2. Scalar over row input, Quiver no slower than JVM row: {cells}; "
                   f"{verdict(all(j <= 1.0 for _, j, _ in rows))}")
    # 3. Aggregates at most built-in SQL.
    for w in names:
        if w.startswith("aggregate") and t(w, "Quiver") and t(w, "built-in"):
            r = t(w, "Quiver") / t(w, "built-in")
            out.append(f"3. {w}: Quiver / built-in = {r:.2f}x (goal at most 1.0x): "
                       f"{verdict(r <= 1.0)}")
    # 4. Table functions: device_stats near the shuffle-and-sort floor, tokenize at most explode.
    for w in names:
        q, f, b = t(w, "Quiver"), t(w, "floor"), t(w, "built-in")
        if w.endswith("device_stats") and q and f:
            out.append(f"4. {w}: Quiver / shuffle-and-sort floor = {q / f:.2f}x (goal 1.1x): "
                       f"{verdict(q / f <= 1.1)}")
        if w.endswith("tokenize") and q and b:
            out.append(f"4. {w}: Quiver / explode(split(...)) = {q / b:.2f}x (goal 1.0x): "
                       f"{verdict(q / b <= 1.0)}")
    # The earlier goals against PySpark's Arrow functions.
    for w in names:
        q = t(w, "Quiver")
        for py in ("pandas_udf", "arrow_udf", "arrow_udtf"):
            p = t(w, py)
            if q and p and not w.startswith("aggregate"):
                out.append(f"{w}: {py} / Quiver = {p / q:.1f}x")
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
    parser.add_argument("--skew-rows", type=int, default=0,
                        help="rows of the one skewed group of the memory measurement "
                             "(default 20 million times --scale)")
    parser.add_argument("--probe-memory", default="1g",
                        help="driver memory of each memory measurement's own session")
    parser.add_argument("--probe", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    # Python workers run in this interpreter's environment, where pandas and pyarrow are.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    skew_rows = args.skew_rows or int(20_000_000 * args.scale)
    if args.probe:
        memory.probe(args.probe, args.jars, args.data, skew_rows, args.probe_memory,
                     register_python_contenders)
        return

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
              + (f" --scale {args.scale}" if args.scale != 1.0 else "")
              + (f" --runs {args.runs}" if args.runs != 5 else "") + "`.")
    results: List[dict] = []
    for w in workloads():
        if args.only and args.only not in w.name:
            continue
        measured_all = measure_workload(spark, w, args.runs, args.slow)
        baseline = measured_all["built-in"][0]
        floor = measured_all["floor"][0] if "floor" in measured_all else None
        for contender in w.contenders:
            seconds, measured = measured_all[contender]
            row = {"workload": w.name, "rows": sizes[w.table], "contender": contender,
                   "seconds": round(seconds, 3), "runs": measured,
                   "ratio_to_builtin": round(seconds / baseline, 3),
                   "above_floor": round(seconds - floor, 3) if floor is not None else None}
            results.append(row)
            print(f"{w.name:45s} {contender:12s} {seconds:8.2f}s "
                  f"{row['ratio_to_builtin']:.2f}x", flush=True)
    memory_lines: List[str] = []
    memory_header = ""
    if not args.only or args.only in "memory":
        path = os.path.join(args.data, f"skew-{skew_rows}")
        if not os.path.exists(os.path.join(path, "_SUCCESS")):
            spark.sql(memory.skew_query(skew_rows)).write.mode("overwrite").parquet(path)
        probes = memory.measure(os.path.abspath(__file__), args.jars, args.data, skew_rows,
                                args.probe_memory, timeout=max(300.0, 30 * skew_rows / 1e6))
        memory_header = (f"Memory: one skewed group ({skew_rows:,} rows, all with one "
                         f"device_id) through device_stats PARTITION BY, each contender in a "
                         f"local[2] session of its own with spark.driver.memory="
                         f"{args.probe_memory}; peaks sampled every 50 ms (off-heap: the JVM's "
                         f"resident memory minus its committed heap).\n")
        memory_lines = memory.table(probes, args.probe_memory)
    write_outputs(results, args.out, header, goals(results), memory_lines, memory_header)
    spark.stop()


if __name__ == "__main__":
    main()
