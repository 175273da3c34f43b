# A lecturer's own script, run live inside a slide of examples/deck.md.
# Two threads take turns: while one sleeps (waits), the other prints.
import sys
import threading
import time

rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3


def greet(name: str) -> None:
    for i in range(rounds):
        print(f"{name}: hello {i}")
        time.sleep(0.5)


start = time.time()
threads = [threading.Thread(target=greet, args=(name,)) for name in ("Ada", "Bob")]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(f"Total time: {time.time() - start:.1f} s")
