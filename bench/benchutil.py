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
