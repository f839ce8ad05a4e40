"""`releasegate simulate jenkins`: a simulated Jenkins on loopback, for trying things out,
the demo, tests and benchmarks."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("simulate", help="run a simulated Jenkins (more to come)")
    systems = parser.add_subparsers(dest="system", required=True, metavar="SYSTEM")
    jenkins = systems.add_parser("jenkins", help="a Jenkins that speaks the real REST API")
    jenkins.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    jenkins.add_argument("--port", type=int, default=8081, help="port (0 picks a free one)")
    jenkins.add_argument(
        "--scenario", default="demo", help="a built-in scenario name or a TOML file (default: demo)"
    )
    jenkins.add_argument("--user", help="the API user's name (default: the scenario's first user)")
    jenkins.add_argument("--token", help="that user's API token (default: the scenario's)")
    jenkins.set_defaults(run=run_jenkins)


def run_jenkins(args: argparse.Namespace) -> int:
    from releasegate.simulators.jenkins.scenario import UserSpec, load_scenario
    from releasegate.simulators.jenkins.server import JenkinsSimulator

    try:
        scenario = load_scenario(args.scenario)
    except (FileNotFoundError, ValueError) as exc:
        print(f"releasegate simulate: {exc}", file=sys.stderr)
        return 2
    first = scenario.users[0] if scenario.users else UserSpec(name="releasegate")
    user = first.model_copy(
        update={"name": args.user or first.name, "token": args.token or first.token}
    )
    scenario = scenario.model_copy(update={"users": [user, *scenario.users[1:]]})
    simulator = JenkinsSimulator(scenario, host=args.host, port=args.port)
    print(f"Jenkins simulator (scenario {args.scenario}) at {simulator.url}")
    print(f"  user:        {user.name}")
    print(f"  token:       {user.token}")
    print(f"  control API: {simulator.url}_sim/")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()
    return 0
