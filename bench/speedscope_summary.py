"""Top frames of a py-spy speedscope profile, by share of samples: self time (the
frame was running) and total time (the frame was on the stack), over all threads.

    py-spy record -d 20 --format speedscope -o /tmp/intake.json --pid <pid>
    .venv/bin/python -m bench.speedscope_summary /tmp/intake.json [--top 25] [--match shared/] [--thread MainThread]
"""

import argparse
import json
from collections import Counter


def summarise(path: str, top: int, match: str, thread: str) -> None:
    with open(path) as file:
        profile = json.load(file)
    frames = profile["shared"]["frames"]
    own, total, samples = Counter[int](), Counter[int](), 0
    threads = [t for t in profile["profiles"] if thread in t["name"]]
    for one in threads:
        for stack, weight in zip(one["samples"], one["weights"], strict=True):
            samples += weight
            if stack:
                own[stack[-1]] += weight
            for frame in set(stack):
                total[frame] += weight

    def name(index: int) -> str:
        frame = frames[index]
        return f"{frame['name']} ({frame.get('file', '?').split('site-packages/')[-1]}:{frame.get('line', '?')})"

    # py-spy weighs each sample by the seconds it stands for.
    print(f"{samples:.1f} s of samples over {len(threads)} threads")
    for title, counts in (("self", own), ("total", total)):
        print(f"\n-- by {title} share --")
        shown = [(index, n) for index, n in counts.most_common() if match in frames[index].get("file", "")]
        for index, n in shown[:top]:
            print(f"  {n / samples:6.1%}  {name(index)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--match", default="", help="only frames whose file contains this")
    parser.add_argument("--thread", default="", help="only threads whose name contains this")
    args = parser.parse_args()
    summarise(args.path, args.top, args.match, args.thread)


if __name__ == "__main__":
    main()
