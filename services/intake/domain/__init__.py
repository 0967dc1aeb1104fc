"""Intake's domain: programs, the people enrolled in them, and their requests. No I/O."""
