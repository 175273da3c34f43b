"""The notebook cell's two functions, moved to a module a child process can import."""

import time


def square_numbers():
    for i in range(5):
        time.sleep(1)
        print(f"Square of {i}: {i * i}", flush=True)


def cube_numbers():
    for i in range(5):
        time.sleep(1.5)
        print(f"Cube of {i}: {i * i * i}", flush=True)
