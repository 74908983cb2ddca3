"""``python -m tsunagu.bench.worker <job>``: the child process that works in the benchmark database.

The parent (:mod:`tsunagu.bench.database`) starts it with ``DATABASE_URL`` naming the throwaway
database. Jobs:

``status --scale S``  whether that database holds a complete, current ward of scale S
``seed --scale S``    migrate the (empty) database, then seed the ward and time it
``roster``            time the school roster page of the largest school
``call --function F --kwargs JSON``
                      call ``F`` (``<module>:<function>`` of :mod:`tsunagu.bench.scenarios`) with the
                      keyword arguments; what a new scenario uses (``database.run_in_worker``), so that
                      adding a scenario never edits this file

Each job prints one JSON object as the last line of stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tsunagu.bench.worker")
    jobs = parser.add_subparsers(dest="job", required=True)
    jobs.add_parser("status").add_argument("--scale", required=True)
    jobs.add_parser("seed").add_argument("--scale", required=True)
    roster = jobs.add_parser("roster")
    roster.add_argument("--samples", type=int, required=True)
    roster.add_argument("--warmup", type=int, required=True)
    call = jobs.add_parser("call")
    call.add_argument("--function", required=True)
    call.add_argument("--kwargs", default="{}")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.config.settings")
    import django

    django.setup()
    from tsunagu.bench.scenarios.roster_page import measure_roster
    from tsunagu.bench.scenarios.seed_city import seed_here, ward_status

    data: dict[str, Any]
    if args.job == "status":
        data = ward_status(args.scale)
    elif args.job == "seed":
        data = seed_here(args.scale)
    else:
        from tsunagu.core.runtime import tune_gc

        tune_gc()  # as the WSGI entry point does, so pages are timed as they are served
        if args.job == "call":
            data = _call(args.function, json.loads(args.kwargs))
        else:
            data = measure_roster(samples=args.samples, warmup=args.warmup)
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    return 0


def _call(target: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Run ``<module>:<function>`` of tsunagu.bench.scenarios (nothing else may be named)."""
    import importlib

    module_name, _, function = target.partition(":")
    if not module_name.isidentifier() or not function.isidentifier():
        raise SystemExit(f"not a scenario function: {target!r}")
    module = importlib.import_module(f"tsunagu.bench.scenarios.{module_name}")
    result: dict[str, Any] = getattr(module, function)(**kwargs)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
