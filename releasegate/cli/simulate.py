"""`releasegate simulate jenkins|dingtalk|feishu|wecom`: a simulated Jenkins, DingTalk, Feishu
or WeCom on loopback, for trying things out, the demo, tests and benchmarks."""

from __future__ import annotations

import argparse
import contextlib
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from releasegate.simulators.dingtalk.settings import SimSettings


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate", help="run a simulated Jenkins, DingTalk, Feishu or WeCom"
    )
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
    register_dingtalk(systems)
    register_feishu(systems)
    register_wecom(systems)


def register_dingtalk(systems: Any) -> None:
    from releasegate.cli.demo import DEMO_DINGTALK

    demo = DEMO_DINGTALK
    dingtalk = systems.add_parser(
        "dingtalk", help="DingTalk's token, approval, event-push and message APIs"
    )
    option = dingtalk.add_argument
    option("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    option("--port", type=int, default=8082, help="port (0 picks a free one)")
    option("--app-key", default=demo["DINGTALK_APP_KEY"], help="the app's AppKey")
    option("--app-secret", default=demo["DINGTALK_APP_SECRET"], help="the app's AppSecret")
    option("--agent-id", type=int, default=int(demo["DINGTALK_AGENT_ID"]), help="AgentId")
    option("--process-code", default=demo["DINGTALK_PROCESS_CODE"], help="the form's code")
    option("--event-token", default=demo["DINGTALK_EVENT_TOKEN"], help="event 签名 token")
    option("--aes-key", default=demo["DINGTALK_EVENT_AES_KEY"], help="event 加密 aes_key")
    option("--event-url", help="where to push approval events (default: no HTTP push)")
    option(
        "--push",
        choices=("http", "stream", "both"),
        default="both",
        help="which channels deliver events: HTTP push, Stream mode or both (default: both)",
    )
    option(
        "--connector-url",
        help="ReleaseGate's base URL: the form's options, its submit check and the connector "
        "node call its /dingtalk/connector/… actions (default: no connector)",
    )
    option(
        "--connector-secret",
        default=demo["DINGTALK_CONNECTOR_SECRET"],
        help="the connector's API Secret, or user:password for basic (default: the demo's)",
    )
    option(
        "--connector-auth",
        choices=("apisecret", "basic", "none"),
        default="apisecret",
        help="the connector's 鉴权方式 (default: apisecret)",
    )
    option(
        "--connector-node",
        choices=("none", "sync", "async"),
        default="async",
        help="the connector node after the last approver (default: async)",
    )
    option(
        "--connector-timeout",
        type=float,
        default=3.0,
        help="seconds each connector call may take (default: 3)",
    )
    option("--robot-token", help="the group robot's access_token (default: the demo's)")
    option("--robot-secret", help="the group robot's SEC… signing secret (default: the demo's)")
    dingtalk.set_defaults(run=run_dingtalk)


def register_feishu(systems: Any) -> None:
    from releasegate.simulators.feishu.settings import SimSettings as FeishuSettings

    demo = FeishuSettings.demo()
    feishu = systems.add_parser(
        "feishu", help="Feishu's tenant token, approval, event-push, message and bot APIs"
    )
    option = feishu.add_argument
    option("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    option("--port", type=int, default=8083, help="port (0 picks a free one)")
    option("--app-id", default=demo.app_id, help="the app's App ID")
    option("--app-secret", default=demo.app_secret, help="the app's App Secret")
    option("--approval-code", default=demo.approval_code, help="the approval definition's code")
    option("--verification-token", default=demo.verification_token, help="Verification Token")
    option("--encrypt-key", default=demo.encrypt_key, help="Encrypt Key ('' sends plain events)")
    option("--event-url", help="where to push approval events (default: no push)")
    option(
        "--long-connection",
        action="store_true",
        help="deliver events over the long connection the app opens (长连接) instead of "
        "pushing them to --event-url",
    )
    option(
        "--options-url",
        help="ReleaseGate's external-options base URL: the form asks <url>/projects and "
        "<url>/applications (default: the form's fixed options)",
    )
    option("--options-token", default=demo.options_token, help="the options sources' Token")
    option("--options-key", default="", help="the options sources' Key (default: none)")
    option(
        "--push-time-factor",
        type=float,
        default=1.0,
        help="multiply the push retry delays (15 s, 5 min, 1 h, 6 h) by this (default: 1)",
    )
    feishu.set_defaults(run=run_feishu)


def register_wecom(systems: Any) -> None:
    from releasegate.simulators.wecom.settings import SimSettings as WeComSettings

    demo = WeComSettings.demo()
    wecom = systems.add_parser(
        "wecom", help="WeCom's token, approval, callback, message and group-robot APIs"
    )
    option = wecom.add_argument
    option("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    option("--port", type=int, default=8084, help="port (0 picks a free one)")
    option("--corp-id", default=demo.corp_id, help="the corp's CorpID")
    option("--corp-secret", default=demo.corp_secret, help="the app's Secret")
    option("--agent-id", type=int, default=demo.agent_id, help="the app's AgentId")
    option("--template-id", default=demo.template_id, help="the release template's id")
    option("--callback-token", default=demo.callback_token, help="the callback's Token")
    option("--aes-key", default=demo.encoding_aes_key, help="the callback's EncodingAESKey")
    option("--callback-url", help="where to call back sys_approval_change (default: nowhere)")
    option(
        "--picker-url",
        help="ReleaseGate's picker pages' base URL: the form opens <url>/projects and "
        "<url>/applications for the external-options selectors (default: plain inputs)",
    )
    option("--robot-key", default=demo.robot_key, help="the group robot's webhook key")
    option(
        "--drop-probability",
        type=float,
        default=0.0,
        help="the chance that a callback is never sent, as WeCom warns (default: 0)",
    )
    wecom.set_defaults(run=run_wecom)


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


def run_dingtalk(args: argparse.Namespace) -> int:
    from releasegate.integrations.dingtalk.crypto import aes_key_problem
    from releasegate.simulators.dingtalk.server import DingTalkSimulator
    from releasegate.simulators.dingtalk.settings import SimSettings

    problem = aes_key_problem(args.aes_key)
    if problem:
        print(f"releasegate simulate: --aes-key {problem}", file=sys.stderr)
        return 2
    robot = {
        name: value
        for name, value in (("robot_token", args.robot_token), ("robot_secret", args.robot_secret))
        if value is not None
    }
    settings = SimSettings.demo(
        app_key=args.app_key,
        app_secret=args.app_secret,
        agent_id=args.agent_id,
        process_code=args.process_code,
        event_token=args.event_token,
        aes_key=args.aes_key,
        event_url=args.event_url,
        http_push=args.push != "stream",
        stream_push=args.push != "http",
        connector_url=args.connector_url,
        connector_secret=args.connector_secret,
        connector_auth=args.connector_auth,
        connector_node=args.connector_node,
        connector_timeout=args.connector_timeout,
        **robot,
    )
    simulator = DingTalkSimulator(settings, host=args.host, port=args.port)
    print(f"DingTalk simulator at {simulator.url}")
    print(f"  app key:      {settings.app_key}")
    print(f"  app secret:   {settings.app_secret}")
    print(f"  agent id:     {settings.agent_id}")
    print(f"  process code: {settings.process_code}")
    print(f"  event token:  {settings.event_token}")
    print(f"  aes key:      {settings.aes_key}")
    print(f"  event url:    {settings.event_url or '(none: events are not pushed)'}")
    print(f"  robot:        {simulator.robot_webhook} (secret {settings.robot_secret})")
    print(f"  control API:  {simulator.url}_sim/")
    print(f"  connector:    {_connector_line(settings)}")
    print(f"  stream:       {simulator.world.stream.endpoint} (events: {args.push})")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()
    return 0


def _connector_line(settings: SimSettings) -> str:
    if not settings.connector_url:
        return "(none: the form has no connector, no connector node)"
    return (
        f"{settings.connector_url} ({settings.connector_auth}, node {settings.connector_node}, "
        f"timeout {settings.connector_timeout:g} s)"
    )


def run_feishu(args: argparse.Namespace) -> int:
    from releasegate.simulators.feishu.server import FeishuSimulator
    from releasegate.simulators.feishu.settings import SimSettings as FeishuSettings

    settings = FeishuSettings.demo(
        app_id=args.app_id,
        app_secret=args.app_secret,
        approval_code=args.approval_code,
        verification_token=args.verification_token,
        encrypt_key=args.encrypt_key,
        event_url=args.event_url,
        options_url=args.options_url,
        options_token=args.options_token,
        options_key=args.options_key,
        push_time_factor=args.push_time_factor,
        event_delivery="long_connection" if args.long_connection else "webhook",
    )
    simulator = FeishuSimulator(settings, host=args.host, port=args.port)
    print(f"Feishu simulator at {simulator.url}")
    print(f"  app id:             {settings.app_id}")
    print(f"  app secret:         {settings.app_secret}")
    print(f"  approval code:      {settings.approval_code}")
    print(f"  verification token: {settings.verification_token}")
    print(f"  encrypt key:        {settings.encrypt_key or '(none: events are sent plain)'}")
    print(f"  event url:          {settings.event_url or '(none: events are not pushed)'}")
    print(f"  options url:        {settings.options_url or '(none: fixed options)'}")
    print(f"  bot:                {simulator.bot_webhook} (secret {settings.bot_secret})")
    print(f"  control API:        {simulator.url}_sim/")
    events = "events" if args.long_connection else "no events: they go to the event url"
    print(f"  long connection:    {simulator.url}callback/ws/endpoint ({events})")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()
    return 0


def run_wecom(args: argparse.Namespace) -> int:
    from releasegate.simulators.wecom.crypto import aes_key
    from releasegate.simulators.wecom.server import WeComSimulator
    from releasegate.simulators.wecom.settings import SimSettings as WeComSettings

    try:
        aes_key(args.aes_key)
    except ValueError as exc:
        print(f"releasegate simulate: --aes-key: {exc}", file=sys.stderr)
        return 2
    settings = WeComSettings.demo(
        corp_id=args.corp_id,
        corp_secret=args.corp_secret,
        agent_id=args.agent_id,
        template_id=args.template_id,
        callback_token=args.callback_token,
        encoding_aes_key=args.aes_key,
        callback_url=args.callback_url,
        picker_url=args.picker_url,
        robot_key=args.robot_key,
        drop_probability=args.drop_probability,
    )
    simulator = WeComSimulator(settings, host=args.host, port=args.port)
    print(f"WeCom simulator at {simulator.url}")
    print(f"  corp id:        {settings.corp_id}")
    print(f"  corp secret:    {settings.corp_secret}")
    print(f"  agent id:       {settings.agent_id}")
    print(f"  template id:    {settings.template_id}")
    print(f"  callback token: {settings.callback_token}")
    print(f"  aes key:        {settings.encoding_aes_key}")
    print(f"  callback url:   {settings.callback_url or '(none: nothing is called back)'}")
    print(f"  picker url:     {settings.picker_url or '(none: plain inputs)'}")
    print(f"  robot:          {simulator.robot_webhook}")
    print(f"  js-sdk:         {simulator.url}jssdk/jwxwork.js")
    print(f"  form:           {simulator.url}_sim/form")
    print(f"  control API:    {simulator.url}_sim/")
    sys.stdout.flush()
    with contextlib.suppress(KeyboardInterrupt):
        simulator.serve_forever()
    return 0
