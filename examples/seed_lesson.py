# The four code cells of the lesson, pasted one after the other into one script.
# Run it:  interleave run examples/seed_lesson.py   (or open it from the menu)

# ---- cell 1: two threads ----
import threading, time

def print_numbers():
    for i in range(5):
        print(f"Number: {i}")
        time.sleep(2)

def print_letters():
    for letter in "ABCD":
        print(f"Letter: {letter}")
        time.sleep(2)

start_time = time.time()

t1 = threading.Thread(target=print_numbers)
t2 = threading.Thread(target=print_letters)

t1.start()
t2.start()

t1.join()
t2.join()

end_time = time.time()
print("Total time:", end_time - start_time)

# ---- cell 2: two processes ----
import multiprocessing
import time

def square_numbers():
    for i in range(5):
        time.sleep(1)
        print(f"Square of {i}: {i * i}", flush=True)

def cube_numbers():
    for i in range(5):
        time.sleep(1.5)
        print(f"Cube of {i}: {i * i * i}", flush=True)

if __name__ == "__main__":
    start_time = time.time()

    p1 = multiprocessing.Process(target=square_numbers)
    p2 = multiprocessing.Process(target=cube_numbers)

    p1.start()
    p2.start()

    p1.join()
    p2.join()

    end_time = time.time()
    print("Total time:", end_time - start_time)

# ---- cell 3: ThreadPoolExecutor ----
from concurrent.futures import ThreadPoolExecutor
import time

def print_number(n):
    time.sleep(1)
    return f"Number: {n}"

numbers = [1, 2, 3, 4, 5]

with ThreadPoolExecutor(max_workers=3) as executor:
    results = executor.map(print_number, numbers)

for r in results:
    print(r)

# ---- cell 4: ProcessPoolExecutor ----
from concurrent.futures import ProcessPoolExecutor
import time

def square(n):
    time.sleep(2)
    return f"Square: {n*n}"

numbers = [1, 2, 3, 4, 5]

if __name__ == "__main__":  # required for Windows/Jupyter
    with ProcessPoolExecutor(max_workers=3) as executor:
        results = executor.map(square, numbers)

    for r in results:
        print(r)
