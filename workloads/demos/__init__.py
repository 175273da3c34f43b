"""The code each demo runs. Each module has a ``main(params)``; metadata is in the catalog.

These modules read like the lesson's plain Python on purpose: the run host makes
``threading``, ``multiprocessing``, ``concurrent.futures``, ``time.sleep`` and
``print`` report what they do (see :mod:`workloads.instrument`).
"""
