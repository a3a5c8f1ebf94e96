# /// script
# requires-python = ">=3.11"
# dependencies = []
# ///

# %% [markdown]
# # Caching: skip work that was already done
#
# `@reflow.cache` remembers a function's results by the *content* of its arguments, for the
# session. `with reflow.persistent_cache("name"):` keeps a block's results on disk
# (`__reflow__/cache/` beside the notebook): reopen the notebook and the block is skipped.

# %%
import time

import reflow

# %%
calls = []


@reflow.cache
def slow_square(n: int) -> int:
    """Pretend this takes a while."""
    calls.append(n)
    time.sleep(0.05)
    return n * n


# %%
first = [slow_square(n) for n in (3, 4, 3, 4)]
print(first, "computed", len(calls), "times for 4 calls")

# %%
with reflow.persistent_cache("primes"):
    # skipped on a later run with the same code and inputs: `primes` comes back from disk
    limit = 20_000
    sieve = bytearray([1]) * (limit + 1)
    sieve[0:2] = b"\x00\x00"
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(sieve[i * i :: i]))
    primes = [i for i, is_prime in enumerate(sieve) if is_prime]

# %%
print(f"{len(primes)} primes below {limit}; the largest is {primes[-1]}")
