"""A section's measured ceilings as numbers: what benchmarks/ceiling_impls.py timed, read back from the JSON.

    copy bandwidth  = 2 * size MiB / fastest round        (bytes read + bytes written per second)
    TF32 rate       = 2 s^3 / fastest round                (FLOP/s)
    eager op        = median round / size                  (seconds per tiny torch op issued from Python)
    graph kernel    = median round / size                  (seconds per tiny kernel replayed in a CUDA graph)

Rates are best rounds, like the fp32 peak (a ceiling is what the device can do); the two launch costs are
medians, since they are compared with median times per step.
"""

import dataclasses


@dataclasses.dataclass(frozen=True)
class Ceilings:
    copy_bytes_per_s: float | None = None
    copy_mib: int | None = None
    tf32_flops_per_s: float | None = None
    tf32_check_err: float | None = None
    eager_op_s: float | None = None
    graph_kernel_s: float | None = None


def ceilings(rows):
    """Ceilings of one section's ceiling rows (benchmarks.load.ceiling_rows); absent ones stay None."""
    by_name = {row["implementation"]: row for row in rows}
    values = {}
    if "torch_copy" in by_name:
        row = by_name["torch_copy"]
        values.update(copy_bytes_per_s=row["work"] / row["best_seconds"], copy_mib=row["size"])
    if "torch_matmul_tf32" in by_name:
        row = by_name["torch_matmul_tf32"]
        values.update(tf32_flops_per_s=row["work"] / row["best_seconds"], tf32_check_err=row["check_max_abs_err"])
    if "launch_eager" in by_name:
        values["eager_op_s"] = by_name["launch_eager"]["seconds"] / by_name["launch_eager"]["size"]
    if "launch_graph" in by_name:
        values["graph_kernel_s"] = by_name["launch_graph"]["seconds"] / by_name["launch_graph"]["size"]
    return Ceilings(**values)
