"""A pool of threads takes tasks from a list; results come back in input order."""

import time
from concurrent.futures import ThreadPoolExecutor


def print_number(n, delay):
    time.sleep(delay)
    return f"Number: {n}"


def main(params):
    numbers = list(range(1, params["items"] + 1))
    delays = [params["sleep"]] * len(numbers)

    with ThreadPoolExecutor(max_workers=params["workers"]) as executor:
        results = executor.map(print_number, numbers, delays)

    for r in results:
        print(r)
