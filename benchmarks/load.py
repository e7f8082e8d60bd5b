"""Read pytest-benchmark JSON files into flat rows, one per benchmark, grouped into report sections.

A row: implementation, family ("rnn", "attention" or "peak"), n, d, B (0 for the peak), seconds (median of the
rounds), best_seconds (fastest round), rounds, flops, device, device_name, threads, versions, source file.
A section is one (device, device_name, threads): a CPU run and a GPU run, or runs with 1 and all threads,
are reported separately even when given together.

Ceilings other than the fp32 peak (copy bandwidth, TF32 matmul, launch cost; benchmarks/ceiling_impls.py) are
read apart, by ceiling_rows: load_rows keeps to its three families, which the lesson reads too.
"""

import json


def rows_from_json(path):
    """Rows of one pytest-benchmark JSON file (benchmarks without our extra_info are ignored)."""
    with open(path) as f:
        data = json.load(f)
    rows = []
    for bench in data.get("benchmarks", []):
        info = bench.get("extra_info", {})
        if info.get("family") not in ("rnn", "attention", "peak"):
            continue
        stats = bench["stats"]
        rows.append({
            "implementation": info["implementation"], "family": info["family"],
            "n": info.get("n", 0), "d": info.get("d", 0), "B": info.get("B", 0), "size": info.get("size", 0),
            "seconds": stats["median"], "best_seconds": stats["min"], "rounds": stats["rounds"],
            "flops": info["flops"], "device": info["device"], "device_name": info.get("device_name", "?"),
            "threads": info.get("threads", "?"), "torch_version": info.get("torch_version", "?"),
            "numpy_version": info.get("numpy_version", "?"), "mode": info.get("mode", "?"), "source": str(path),
            "load_avg_1m": info.get("load_avg_1m"), "cores_available": info.get("cores_available"),
            "page_faults_per_call": info.get("page_faults_per_call"), "allocator": info.get("allocator"),
            "check_max_abs_err": info.get("check_max_abs_err"),
        })
    return rows


def ceiling_rows(paths):
    """Ceiling rows of several files: implementation, device, device_name, threads, size, work, work_unit
    ("byte", "flop" or "launch"), seconds (median), best_seconds, check_max_abs_err; a later file's row replaces
    an earlier one's."""
    merged = {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for bench in data.get("benchmarks", []):
            info = bench.get("extra_info", {})
            if info.get("family") != "ceiling":
                continue
            row = {key: info.get(key) for key in ("implementation", "device", "device_name", "threads", "size",
                                                  "work", "work_unit", "check_max_abs_err")}
            row.update(seconds=bench["stats"]["median"], best_seconds=bench["stats"]["min"])
            merged[(section_key(row), row["implementation"])] = row
    return list(merged.values())


def load_rows(paths):
    """Rows of several files; a (section, family, implementation, n, d) given twice keeps the later file's."""
    merged = {}
    for path in paths:
        for row in rows_from_json(path):
            key = (section_key(row), row["family"], row["implementation"], row["n"], row["d"], row["size"])
            merged[key] = row
    return list(merged.values())


def section_key(row):
    return (row["device"], row["device_name"], row["threads"])


def sections(rows):
    """{(device, device_name, threads): rows}, CPU sections first."""
    out = {}
    for row in rows:
        out.setdefault(section_key(row), []).append(row)
    return dict(sorted(out.items(), key=lambda kv: (kv[0][0] != "cpu", str(kv[0]))))
