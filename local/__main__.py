"""`python -m local`: runs the SAM application of template.yaml on this machine (see local/__init__.py)."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from types import FrameType

from .cfn import Template, TemplateError
from .runtime import HandlerLoadError, cpu_count
from .stack import TOKEN_ENV, LocalStack, StackConfig, StackError

STATE_ENV = "RECORDENGINE_LOCAL_STATE"

# Template parameters the local stack runs with unless --parameter-overrides says otherwise: a webhook
# receiver on this machine is allowed, failed webhook deliveries are retried within seconds, and as many
# documents are extracted at once as there are cores (Lambda gives each execution a CPU of its own; here
# they share this machine's, and more OCR executions than cores would only make each document slower).
LOCAL_PARAMETER_DEFAULTS = {
    "WebhookAllowLoopback": "true",
    "WebhookRetrySchedule": "2,5,10,20,30",
    "ExtractionReservedConcurrency": str(cpu_count()),
}


def _local_defaults(template: Path) -> dict[str, str]:
    """LOCAL_PARAMETER_DEFAULTS for the parameters this template declares (an unknown one is an error)."""
    try:
        declared = Template.load(template).parameters_section
    except (TemplateError, OSError):
        return {}  # reported when the stack loads the template
    return {name: value for name, value in LOCAL_PARAMETER_DEFAULTS.items() if name in declared}


def _port(value: str) -> int:
    port = int(value)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port")
    return port


def _override(value: str) -> tuple[str, str]:
    key, sep, val = value.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{value!r}: expected Name=Value")
    return key, val


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m local",
        description="Run the SAM application locally: moto for AWS, the template's routes on HTTP, S3 and "
        "DynamoDB stream events delivered to the functions. No Docker, no AWS account.",
    )
    parser.add_argument("--template", type=Path, default=Path("template.yaml"), help="default: %(default)s")
    parser.add_argument(
        "--port",
        type=_port,
        default=_port(os.environ.get("PORT", "3000")),
        help="HTTP port (env PORT, default 3000; 0: any free port)",
    )
    parser.add_argument(
        "--moto-port",
        type=_port,
        default=_port(os.environ.get("MOTO_PORT", "0")),
        help="moto's port (env MOTO_PORT, default: any free port)",
    )
    parser.add_argument(
        "--parameter-overrides",
        nargs="*",
        type=_override,
        default=[],
        metavar="NAME=VALUE",
        help="template parameters (as sam deploy --parameter-overrides)",
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        default=os.environ.get(STATE_ENV),
        help=f"where to describe the running stack (env {STATE_ENV}, default .local/stack.json next to the template)",
    )
    parser.add_argument("--log-level", default=os.environ.get("LOCAL_LOG_LEVEL", "INFO"))
    return parser.parse_args(argv)


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug"):
        logging.getLogger(noisy).setLevel(logging.WARNING)

    template: Path = args.template
    if not template.is_file():
        print(f"error: {template} not found (run from the repository root or pass --template)", file=sys.stderr)
        return 2
    state_file = args.state_file or template.resolve().parent / ".local" / "stack.json"
    config = StackConfig(
        template_path=template,
        port=args.port,
        moto_port=args.moto_port,
        parameter_overrides={**_local_defaults(template), **dict(args.parameter_overrides)},
        dev_token=os.environ.get(TOKEN_ENV) or None,
        state_file=Path(state_file),
    )
    stack = LocalStack(config)
    # SIGTERM stops the stack the same way as Ctrl-C does. SIGINT is set explicitly too: a shell starts
    # background jobs with SIGINT ignored, and `kill -INT` should stop the stack all the same.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        stack.start()
        print(stack.banner(), flush=True)
        _wait_until_stopped(stack)
    except KeyboardInterrupt:
        pass
    except (TemplateError, StackError, HandlerLoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        # A second Ctrl-C while stopping ends the process at once.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        stack.stop()
    print("local stack stopped", file=sys.stderr, flush=True)
    return 0


def _wait_until_stopped(stack: LocalStack) -> None:
    # Event.wait in short slices: the main thread then sees signals promptly on every platform.
    while not stack.stop_event.wait(0.5):
        pass


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Handlers leave non-daemon threads behind (FastAPI's anyio workers idle for 10 s before exiting), and
    # the interpreter would wait for them; everything of the stack's own is stopped by now.
    os._exit(code)
