"""A pool of processes takes tasks from a list; results come back in input order."""

import time
from concurrent.futures import ProcessPoolExecutor


def square(n, delay):
    time.sleep(delay)
    return f"Square: {n * n}"


def main(params):
    numbers = list(range(1, params["items"] + 1))
    delays = [params["sleep"]] * len(numbers)

    with ProcessPoolExecutor(max_workers=params["workers"]) as executor:
        results = executor.map(square, numbers, delays)

    for r in results:
        print(r)
