"""Two processes, each with its own interpreter and memory, run side by side."""

import multiprocessing
import time


def square_numbers(count, delay):
    for i in range(count):
        time.sleep(delay)
        print(f"Square of {i}: {i * i}", flush=True)


def cube_numbers(count, delay):
    for i in range(count):
        time.sleep(delay)
        print(f"Cube of {i}: {i * i * i}", flush=True)


def main(params):
    start_time = time.time()

    p1 = multiprocessing.Process(
        target=square_numbers, args=(params["items"], params["square_sleep"])
    )
    p2 = multiprocessing.Process(target=cube_numbers, args=(params["items"], params["cube_sleep"]))

    p1.start()
    p2.start()

    p1.join()
    p2.join()

    end_time = time.time()
    print("Total time:", end_time - start_time)
