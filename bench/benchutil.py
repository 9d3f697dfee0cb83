"""What every peer benchmark shares: CUDA-event timing and the error metric."""
import torch


def median_ms(fn, warmup=5, iters=30):
    """Median of `iters` CUDA-event timings of fn() after `warmup` calls.

    GPU time: before each timing a sleep kernel keeps the GPU busy while the
    host enqueues the start event and fn's launches, so host-side launch
    overhead (Python, ctypes, PyTorch dispatch) is not counted, for every
    implementation alike.
    """
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        torch.cuda._sleep(2_000_000)  # ~1 ms at H100 clocks
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    times.sort()
    return times[len(times) // 2]


def rel_l2(out, ref):
    """||out - ref|| / ||ref|| in f32; inf when out has a NaN or inf."""
    out = out.float()
    if not torch.isfinite(out).all():
        return float("inf")
    return ((out - ref).norm() / ref.norm()).item()


def timed(fn, ref, out=None, rotate=None):
    """Runs fn() once (out poisoned with NaN first), checks its result
    against ref, then times rotate() (or fn): {"ms", "rel_l2", "ok"}, or
    {"error"} when the implementation refuses the shape."""
    try:
        if out is not None:
            out.fill_(float("nan"))
        result = fn()
        torch.cuda.synchronize()
        error = rel_l2(result, ref)
        return {"ms": median_ms(rotate or fn), "rel_l2": error, "ok": error <= 1e-2}
    except Exception as exc:  # a peer may not fit or support a shape
        return {"error": str(exc).splitlines()[0][:160]}
