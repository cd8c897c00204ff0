"""A small stand-in for the `pyperf` module, so pyperformance's benchmark
scripts run as plain programs: under CPython for the golden output, and
compiled by py2wasm. Each benchmark body runs once (or `loops` times, from
--loops) and prints a deterministic summary of its result, never a timing,
so outputs can be compared exactly. The benchmark harness (bench/) times
whole runs from outside instead.
"""
import argparse
import time

perf_counter = time.perf_counter


def _summary(value):
    text = repr(value)
    if len(text) <= 200:
        return text
    try:
        return f'{type(value).__name__} of {len(value)} items'
    except TypeError:
        return type(value).__name__


class Runner:
    def __init__(self, add_cmdline_args=None, **kwargs):
        self.metadata = {}
        self.argparser = argparse.ArgumentParser()
        self.argparser.add_argument('--loops', type=int, default=1)
        self.args = None

    def parse_args(self, args=None):
        if self.args is None:
            self.args = self.argparser.parse_args(args)
        return self.args

    def bench_func(self, name, func, *args, inner_loops=None, **kwargs):
        loops = self.parse_args().loops
        result = None
        for _ in range(loops):
            result = func(*args)
        print(f'{name}: {_summary(result)}')

    def bench_time_func(self, name, time_func, *args, inner_loops=None, **kwargs):
        time_func(self.parse_args().loops, *args)
        print(f'{name}: ok')

    def bench_async_func(self, name, func, *args, **kwargs):
        import asyncio
        print(f'{name}: {_summary(asyncio.run(func(*args)))}')
