"""The `syndic` command line. Every command that talks to Kafka takes --broker (SYNDIC_BROKER)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console

from syndic.settings import Settings, SettingsError, load_settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="syndic: normalize news articles, detect duplicates and stories, publish clean events.",
)
topics_app = typer.Typer(no_args_is_help=True, help="Create or list the topics syndic uses.")
app.add_typer(topics_app, name="topics")
err = Console(stderr=True)

BrokerOpt = Annotated[
    str | None,
    typer.Option(
        "--broker", "-b", help="Kafka bootstrap servers (env SYNDIC_BROKER).", show_default=False
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="TOML config file (env SYNDIC_CONFIG).", show_default=False
    ),
]


def _settings(**overrides: Any) -> Settings:
    config = overrides.pop("config", None)
    try:
        return load_settings(overrides=overrides, config_file=config)
    except SettingsError as exc:
        err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from None


def _open_input(path: str) -> Any:
    if path == "-":
        return sys.stdin.buffer
    file = Path(path)
    if not file.is_file():
        err.print(f"[red]no such file:[/red] {path}")
        raise typer.Exit(2)
    return file.open("rb")


def _print_jsonl(records: Any) -> None:
    out = sys.stdout.buffer
    for record in records:
        out.write(orjson.dumps(record) + b"\n")
    out.flush()


@app.command()
def dedup(
    path: Annotated[str, typer.Argument(help="JSON Lines of raw articles, or - for stdin.")],
    config: ConfigOpt = None,
) -> None:
    """Run the stream's core over a file: one clean article or DLQ record per line, in order."""
    from syndic.batch import dedup_lines, read_lines

    settings = _settings(config=config)
    with _open_input(path) as handle:
        _print_jsonl(dedup_lines(read_lines(handle), settings))


@app.command()
def normalize(
    path: Annotated[str, typer.Argument(help="JSON Lines of raw articles, or - for stdin.")],
    config: ConfigOpt = None,
) -> None:
    """Normalize a file: one clean article (no dedup fields) or DLQ record per line."""
    from syndic.batch import normalize_lines, read_lines

    settings = _settings(config=config)
    with _open_input(path) as handle:
        _print_jsonl(normalize_lines(read_lines(handle), settings))


@app.command()
def worker(
    broker: BrokerOpt = None,
    config: ConfigOpt = None,
    web_bind: Annotated[str | None, typer.Option(help="Metrics/health bind address.")] = None,
    web_port: Annotated[int | None, typer.Option(help="Metrics/health port.")] = None,
    data_dir: Annotated[str | None, typer.Option(help="faust data directory.")] = None,
) -> None:
    """Run a stream worker (any number share the work through the consumer group)."""
    from syndic.worker import run_worker

    settings = _settings(
        broker=broker, config=config, web_bind=web_bind, web_port=web_port, data_dir=data_dir
    )
    sys.argv = [sys.argv[0], "worker"]
    run_worker(settings)


@app.command()
def broker(
    port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1.")] = 9092,
    topics: Annotated[bool, typer.Option(help="Also create syndic's topics.")] = True,
) -> None:
    """Run the embedded Kafka-compatible broker (Tansu) in the foreground."""
    from syndic.admin import create_topics
    from syndic.broker import EmbeddedBroker

    embedded = EmbeddedBroker(port=port).start(quiet=False)
    err.print(f"Tansu broker on {embedded.bootstrap} (Ctrl-C stops it)")
    try:
        if topics:
            asyncio.run(create_topics(_settings(broker=embedded.bootstrap)))
        assert embedded.process is not None
        embedded.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        embedded.stop()


@topics_app.command("create")
def topics_create(broker: BrokerOpt = None, config: ConfigOpt = None) -> None:
    """Create every topic syndic needs, with explicit partitions and configs."""
    from syndic.admin import create_topics

    settings = _settings(broker=broker, config=config)
    for state in asyncio.run(create_topics(settings)):
        verb = "created" if state.created else "exists "
        typer.echo(f"{verb} {state.name} ({state.partitions} partitions)")


@topics_app.command("list")
def topics_list(broker: BrokerOpt = None, config: ConfigOpt = None) -> None:
    """List the broker's topics with their partition counts."""
    from syndic.admin import list_topics

    for name, partitions in asyncio.run(
        list_topics(_settings(broker=broker, config=config))
    ).items():
        typer.echo(f"{name}\t{partitions}")


@app.command()
def produce(
    paths: Annotated[list[Path], typer.Argument(help="Text files, directories, .jsonl files.")],
    broker: BrokerOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Post articles to the raw topic, with a progress bar and a summary."""
    from rich.progress import Progress

    from syndic.client import produce as produce_records
    from syndic.client import records_from_paths

    settings = _settings(broker=broker, config=config)
    missing = [p for p in paths if not p.exists()]
    if missing:
        err.print(f"[red]not found:[/red] {', '.join(map(str, missing))}")
        raise typer.Exit(2)
    records = list(records_from_paths(paths))
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("producing", total=len(records))
        report = asyncio.run(
            produce_records(settings, records, on_sent=lambda: progress.advance(task))
        )
    for line in report.errors[:20]:
        err.print(f"[red]failed[/red] {line}")
    err.print(f"sent {report.sent}, failed {report.failed} to {settings.topic_raw}")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def tail(
    topic: Annotated[str, typer.Argument(help="Topic to follow, e.g. articles.clean.")],
    broker: BrokerOpt = None,
    config: ConfigOpt = None,
    json_lines: Annotated[bool, typer.Option("--json", help="Print JSON Lines.")] = False,
    from_beginning: Annotated[bool, typer.Option(help="Start at the oldest record.")] = True,
    idle_exit: Annotated[
        float | None, typer.Option(help="Exit after this many seconds without records.")
    ] = None,
) -> None:
    """Follow a topic, as a readable table or as JSON Lines."""
    from syndic.tail import tail_topic

    settings = _settings(broker=broker, config=config)
    asyncio.run(tail_topic(settings, topic, json_lines, from_beginning, idle_exit))


@app.command()
def demo(
    broker: BrokerOpt = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the outputs.")] = 120.0,
) -> None:
    """Start a broker (unless one is given) and a worker, post samples, show the verdicts."""
    from syndic.demo import run_demo

    raise typer.Exit(run_demo(broker, timeout=timeout))


@app.command("eval")
def evaluate(
    path: Annotated[Path, typer.Argument(help="JSON Lines of articles with a gold `cluster`.")],
    config: ConfigOpt = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated copies and orders.")] = 0,
    dates: Annotated[
        bool,
        typer.Option(
            help="Event time from the articles' own dates, as the stream does (window, "
            "lateness, time proximity). By default every article is undated and ingested a "
            "second after the one before, as for ECB+, which has no dates."
        ),
    ] = False,
    more_copies: Annotated[
        bool,
        typer.Option(
            "--more-copies",
            help="Also score copies of six more kinds, which the targets are not set on: a "
            "lead-only teaser, a 20-40% cut, a paragraph dropped, two paragraphs swapped, the "
            "text as another site's HTML page, 8% of the words replaced.",
        ),
    ] = False,
) -> None:
    """Score stories (pairwise, BCubed) and near-duplicates (generated copies) on labelled data."""
    from syndic.evaluation import eval_command

    settings = _settings(config=config)
    raise typer.Exit(eval_command(path, settings, seed=seed, dated=dates, more_copies=more_copies))


_PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}


@app.command(context_settings=_PASS_THROUGH)
def bench(ctx: typer.Context) -> None:
    """Benchmark syndic against reference pipelines on a broker (options: `syndic bench -h`)."""
    from syndic.benchmarks.pipeline import main as bench_main

    raise typer.Exit(bench_main(ctx.args))


@app.command(context_settings=_PASS_THROUGH)
def chaos(ctx: typer.Context) -> None:
    """Kill and rescale workers under load, then check every record (options: `syndic chaos -h`)."""
    from syndic.chaos.harness import main as chaos_main

    raise typer.Exit(chaos_main(ctx.args))


def main() -> None:
    from aiokafka.errors import KafkaConnectionError

    try:
        app(standalone_mode=True)
    except KafkaConnectionError as exc:
        err.print(f"[red]cannot reach the Kafka broker:[/red] {exc}")
        sys.exit(1)
