"""Two threads take turns: while one sleeps, the other prints."""

import threading
import time

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def print_numbers(count, delay):
    for i in range(count):
        print(f"Number: {i}")
        time.sleep(delay)


def print_letters(count, delay):
    for letter in LETTERS[:count]:
        print(f"Letter: {letter}")
        time.sleep(delay)


def main(params):
    start_time = time.time()

    t1 = threading.Thread(target=print_numbers, args=(params["numbers"], params["sleep"]))
    t2 = threading.Thread(target=print_letters, args=(params["letters"], params["sleep"]))

    t1.start()
    t2.start()

    t1.join()
    t2.join()

    end_time = time.time()
    print("Total time:", end_time - start_time)
