"""Benchmarks (not tests): sellerauth against the plainest script and its peers, on one machine.

`python -m bench` (or `make bench`) runs everything once and writes `bench/results/`.
"""
