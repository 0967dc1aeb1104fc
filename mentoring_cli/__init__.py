"""The operators' command line: `mentoring --help`."""
