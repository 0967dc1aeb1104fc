"""Matching's domain: who may be paired, how well, and the proposal lifecycle. No I/O."""
