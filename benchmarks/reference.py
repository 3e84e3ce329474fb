"""Reference: the tightest plausible pure-Python per-order loop (a stale replica, finite stock).
Its orders/s on this machine is the yardstick the engine's throughput is held against, in one run."""

import random
import time

S, RATE, INIT, PERIOD, RESTOCK = 10, 5.0, 100, 100, 50


def orders(n, seed=1, k=20):
    rng = random.Random(seed)
    rnd, expo = rng.random, rng.expovariate
    R = k + 1
    stock = [INIT] * S
    ring = [stock[:] for _ in range(R)]
    cur_ms, t = 0, 0.0
    accepted = oversell = 0
    for _ in range(n):
        t += expo(RATE)
        ms = int(t)
        while cur_ms < ms:
            cur_ms += 1
            if cur_ms % PERIOD == 0:
                stock = [x + RESTOCK for x in stock]
            ring[cur_ms % R] = stock[:]
        sku = int(rnd() * S)
        qty = 1 if rnd() < 0.8 else 2
        if ring[(ms - k) % R][sku] >= qty:
            accepted += 1
            if stock[sku] < qty:
                oversell += 1
            stock[sku] -= qty
    return accepted, oversell


def rate(n=500_000):
    best = 0.0
    for _ in range(3):
        t = time.perf_counter()
        orders(n)
        best = max(best, n / (time.perf_counter() - t))
    return best


if __name__ == "__main__":
    print(f"{rate():.0f}")
