"""Check the ledger: parse every file, every quote found in its source (run from the repo root)."""

import sys

from steelbond.ledger import check_ledger

if __name__ == "__main__":
    problems = check_ledger()
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)
