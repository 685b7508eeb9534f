"""The `replycoach` command: thin, it parses arguments, calls the API and renders.

Exit status (the same for one input or many: the run's worst):
  0  every draft passed
  1  a draft scored below --min-score or has an error-severity finding (or rule examples failed)
  2  bad usage, broken rules or config, or an input that could not be checked (unreadable,
     binary, empty, not English), each with a one-line reason; the other inputs are still checked
  74 batch: the output cannot be written (disk full, read-only)
  75 batch: a worker process was lost: the output keeps its complete lines, and --resume carries on
"""

from __future__ import annotations

import argparse
import errno
import gc
import json
import os
import signal
import stat
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, NoReturn

from . import __version__
from .errors import InputError, ReplycoachError
from .formats import FORMATS, Checked
from .inputs import DEFAULT_EXTENSIONS, Input, expand, names_one_file

if TYPE_CHECKING:  # the Coach (and spaCy with it) is imported by the commands that check drafts;
    # config (pydantic), rich and the text cleaner by the commands that use them, so --version
    # and --help start in a blink
    from rich.console import Console

    from .batch import RunTimes
    from .coach import Coach
    from .config import Config
    from .records import Columns, Item

__all__ = ["main"]

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 70
EXIT_CANT_WRITE, EXIT_TRY_AGAIN = 74, 75  # sysexits' EX_IOERR and EX_TEMPFAIL
_EXIT_STATUS = """exit status (for many inputs, the worst of the run):
  0  every draft passed
  1  a draft failed: below --min-score, or an error-severity finding
  2  bad usage, rules or config; or an input could not be checked (each is
     reported, and the other inputs are still checked)"""
_EXIT_BY_CODE = {"RC112": EXIT_TRY_AGAIN, "RC113": EXIT_CANT_WRITE, "RC114": EXIT_CANT_WRITE}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2, as for every other usage error
        self.exit(EXIT_USAGE, f"replycoach: usage error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="replycoach", description="Check a support reply before you send it.",
                     epilog=_EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"replycoach {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def shared(p: argparse.ArgumentParser) -> None:
        p.add_argument("--rules", action="append", default=[], metavar="PATH",
                       help="an extra rule pack folder (repeatable)")
        p.add_argument("--config", metavar="FILE",
                       help="replycoach.toml or pyproject.toml (default: the nearest one)")
        p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text output (auto: on a terminal, unless NO_COLOR is set or "
                            "FORCE_COLOR asks for it)")
        p.add_argument("--no-cache", action="store_true",
                       help="compile the rule packs afresh, without the compiled-pack cache")

    def ignoring(p: argparse.ArgumentParser) -> None:
        p.add_argument("--ignore", action="append", default=[], metavar="RULE",
                       help="turn a rule off for this run: an id or a prefix such as tone (repeatable)")

    check = sub.add_parser("check", help="check draft replies or a macro library", epilog=_EXIT_STATUS,
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Check drafts (text or HTML): files, folders (walked for "
                                       f"{', '.join(DEFAULT_EXTENSIONS)}), globs, or '-' for standard input.")
    check.add_argument("files", nargs="*", metavar="PATH",
                       help="drafts: files, folders, globs ('**' too); '-' or none reads standard input")
    check.add_argument("--customer", metavar="FILE", help="the customer message the drafts answer")
    check.add_argument("--channel", help="email or chat (or a channel from the config)")
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="text; json (one object, or an array for several inputs); jsonl; concise "
                            "(path:line:col: severity rule message); sarif (2.1.0); github (annotations)")
    check.add_argument("--min-score", type=int, metavar="N", help="fail below this score (0-100)")
    check.add_argument("--input-format", choices=("auto", "text", "html"), default="auto")
    check.add_argument("--encoding", default="utf-8", help="encoding of the input files")
    check.add_argument("--fix", action="store_true",
                       help="also rewrite each draft: after its report, or as its JSON's \"rewrite\" member")
    check.add_argument("--stdin-filename", metavar="NAME", help="the name reported for standard input")
    check.add_argument("--extensions", metavar=".TXT,...", default=",".join(DEFAULT_EXTENSIONS),
                       help=f"suffixes of the files read in folders (default: {','.join(DEFAULT_EXTENSIONS)})")
    check.add_argument("--macros", action="extend", nargs="+", default=[], metavar="FILE",
                       help="macro exports (CSV or JSON) to check, each macro as a draft; "
                            "{{template.variables}} count as filled")
    ignoring(check)
    shared(check)

    rewrite = sub.add_parser("rewrite", help="rewrite a draft: plainer, and scoring at least as well")
    rewrite.add_argument("file", nargs="?", default=None, metavar="FILE|-",
                         help="the draft (text or HTML); '-' or omitted reads standard input")
    rewrite.add_argument("--customer", metavar="FILE", help="the customer message the draft answers")
    rewrite.add_argument("--channel", help="email or chat (or a channel from the config)")
    rewrite.add_argument("--format", choices=("text", "json", "diff"), default="text")
    rewrite.add_argument("--input-format", choices=("auto", "text", "html"), default="auto")
    rewrite.add_argument("--encoding", default="utf-8", help="encoding of the input files")
    rewrite.add_argument("--slots", action="store_true",
                         help='also make edits that leave a slot to fill in ("soon" -> "by [day]"), listed as to-dos')
    ignoring(rewrite)
    shared(rewrite)

    batch = sub.add_parser("batch", help="score an export of replies or conversations")
    batch.add_argument("input", metavar="INPUT", help="a .jsonl, .csv or .parquet export")
    batch.add_argument("--out", required=True, metavar="FILE", help="results, one JSON line per input record")
    batch.add_argument("--report", metavar="FILE", help="a self-contained HTML report for trainers")
    batch.add_argument("--summary", metavar="FILE", help="per-agent and per-team figures as CSV")
    batch.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    batch.add_argument("--resume", action="store_true", help="continue an interrupted run from --out")
    batch.add_argument("--timings", metavar="FILE",
                       help="write the CPU seconds each process spent, as JSON (what benchmarks/batch.py reads)")
    batch.add_argument("--shape", choices=("replies", "conversations"), help="default: detected")
    batch.add_argument("--input-format", choices=("jsonl", "csv", "parquet"), help="default: from the suffix")
    batch.add_argument("--macros", metavar="FILE", help="approved macros, one per line: not reported as reuse")
    for name in ("id", "text", "customer", "agent", "team", "channel", "time", "turns", "role", "author"):
        batch.add_argument(f"--{name}-col", metavar="NAME", help=f"the column holding the {name} (default: {name})")
    batch.add_argument("--reply-to-col", metavar="NAME",
                       help="tweets linked by reply ids: the column with the id a row answers")
    batch.add_argument("--inbound-col", metavar="NAME", help="tweets: the column that is true for customer rows")
    batch.add_argument("--role-map", action="append", default=[], metavar="FROM=TO",
                       help="map an export's role name to customer or agent, e.g. helpdesk=agent")
    shared(batch)

    serve = sub.add_parser("serve", help="the HTTP API and the pre-send web page")
    serve.add_argument("--host", default="127.0.0.1", help="default: loopback only")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="server processes")
    serve.add_argument("--max-body", type=int, default=256_000, metavar="BYTES", help="larger requests get 413")
    serve.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                       help="time a request may take before it gets 504 (default 10)")
    serve.add_argument("--checkers", type=int, default=2, metavar="N",
                       help="check processes per server process (default 2): a slow request holds only one")
    serve.add_argument("--access-log", action="store_true", help="log a line per request to stderr (costs CPU)")
    serve.add_argument("--cors-origin", action="append", default=[], metavar="ORIGIN",
                       help="allow browser calls from this origin (repeatable; default: none)")
    shared(serve)

    sub.add_parser("schema", help="print the JSON Schema of `check --format json` output")

    config = sub.add_parser("config", help="print the effective configuration and where each part came from")
    config.add_argument("--min-score", type=int, metavar="N", help="as for check: overrides the threshold")
    config.add_argument("--format", choices=("text", "json"), default="text")
    shared(config)

    train = sub.add_parser("train", help="fit a `model` rule's weights on labelled replies")
    train.add_argument("labels", nargs="+", metavar="LABELS.jsonl",
                       help="labelled replies: {reply, customer, labels: {NAME: 0|1}} per line")
    train.add_argument("--label", required=True, help="the label to learn, e.g. tone")
    train.add_argument("--reads", choices=("reply", "customer", "both"), required=True)
    train.add_argument("--out", required=True, metavar="FILE.json", help="the weights file to write")
    train.add_argument("--recipe", metavar="FILE.json", help="the feature recipe (default: words and pairs)")
    train.add_argument("--ngrams", help="n-gram sizes, e.g. 1,2")
    train.add_argument("--numeric", help="numeric cues, comma-separated, e.g. vader,exclaim,caps")
    train.add_argument("--rule-features", help="rule ids whose findings are features, comma-separated")
    train.add_argument("--only-upset", action="store_true",
                       help="learn only from replies to customers the customer-state model calls upset "
                            "(for a rule with `when: {customer_upset: true}`)")
    train.add_argument("--exclude", metavar="IDS.txt", help="ids never to train on (a held-out list)")
    train.add_argument("--folds", type=int, default=5)
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    train.add_argument("--min-count", type=int, default=2, help="drop n-grams seen in fewer rows")
    train.add_argument("--data", default="", help="where the labels came from (written into the file)")
    train.add_argument("--licence", default="", help="the training texts' licence (written into the file)")
    shared(train)

    rules = sub.add_parser("rules", help="list, show, validate or test rules")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True, parser_class=_Parser)
    listing = rules_sub.add_parser("list", help="list the loaded rules")
    listing.add_argument("--format", choices=("text", "json"), default="text")
    shared(listing)
    show = rules_sub.add_parser("show", help="show one rule")
    show.add_argument("rule_id")
    shared(show)
    for name, text in (("validate", "check that a rule pack loads"), ("test", "run a pack's examples")):
        p = rules_sub.add_parser(name, help=text)
        p.add_argument("path", metavar="PATH", help="a pack folder, or a folder of packs")
    return parser


# What one command reads from a file or stdin at most: far above any draft, customer message or
# macro export, and a bound on memory for a device or pipe that never ends (/dev/zero).
READ_LIMIT = 64 * 1024 * 1024


def _read(path: str, *, encoding: str, what: str) -> str:
    from .text import decode_bytes

    if path == "-":
        if sys.stdin.isatty():
            raise InputError(f"no {what} given", code="RC106",
                             remedy="pass a FILE, or pipe the text in: replycoach check - < draft.txt")
        return decode_bytes(_bounded(sys.stdin.buffer, what=what, place="stdin"), encoding=encoding,
                            name=f"{what} (stdin)")
    try:
        with Path(path).open("rb") as fh:
            data = _bounded(fh, what=what, place=path)
    except OSError as err:
        raise InputError(f"cannot read {what}: {err.strerror}", code="RC106", place=path) from None
    return decode_bytes(data, encoding=encoding, name=path)


def _bounded(fh: BinaryIO, *, what: str, place: str) -> bytes:
    data = fh.read(READ_LIMIT + 1)
    if len(data) > READ_LIMIT:
        raise InputError(f"the {what} is larger than {READ_LIMIT // 2**20} MiB", code="RC104", place=place,
                         remedy="check one reply at a time (batch reads large exports record by record)")
    return data


def _config(args: argparse.Namespace) -> Config:
    from .config import find_config, load_config

    return load_config(args.config or find_config())


# Commands that start by building a Coach: the cyclic garbage collector is off until it is built
# (see replycoach.cache.gc_paused), and what start-up built is then left out of later collections.
_BUILD_A_COACH = frozenset({"check", "rewrite", "batch", "train"})


def _coach(*, config: Config, rules: Sequence[str]) -> Coach:
    """The command's Coach; from here on garbage is collected, among what start-up did not build."""
    from .coach import Coach

    coach = Coach(config=config, rules=rules)
    gc.freeze()
    gc.enable()
    return coach


def _cmd_check(args: argparse.Namespace) -> int:
    config = _config(args)
    if args.min_score is not None:
        if not 0 <= args.min_score <= 100:
            raise InputError("--min-score must be between 0 and 100", code="RC303")
        config = config.merged(threshold=args.min_score)
    if args.fix and args.macros:
        raise InputError("--fix rewrites drafts, not macros", code="RC303",
                         remedy="check the macros without --fix, and edit them in the help desk")
    inputs = expand(args.files or ([] if args.macros else ["-"]),
                    extensions=[e.strip() for e in args.extensions.split(",") if e.strip()])
    customer = _read(args.customer, encoding=args.encoding, what="customer message") if args.customer else None
    coach = _coach(config=config, rules=args.rules)
    options = {"channel": args.channel, "ignore": args.ignore}
    results = [_check_one(coach, i, args, customer=customer, **options) for i in inputs]
    for path in args.macros:
        results.extend(_check_export(coach, path, args, **options))
    # One file (or standard input) gives one object; a folder, a glob or several give an array,
    # however many they held: a script's parsing should not depend on what was found.
    single = len(args.files) <= 1 and not args.macros and all(names_one_file(a) for a in args.files)
    if single and results[0].error is not None:
        raise results[0].error  # one input: a one-line reason on stderr, as ever
    for r in results:  # the text report shows them itself; other formats carry them for tools
        if r.error is not None and args.format != "text":
            print(f"replycoach: {r.error}", file=sys.stderr)
    from .formats import render

    # Only the text report is drawn by rich; the other formats print() their lines, without importing it (0.02 s)
    out = _console(args.color) if args.format == "text" else None
    render(results, args.format, console=out, rules=coach.rules, version=__version__, many=not single)
    if any(r.error is not None for r in results):
        return EXIT_USAGE
    return EXIT_PASSED if all(r.report is not None and r.report.passed for r in results) else EXIT_FAILED


def _check_one(coach: Coach, item: Input, args: argparse.Namespace, *, customer: str | None,
               **options: object) -> Checked:
    """One draft's report (and rewrite), or the input error that stopped it."""
    name = (args.stdin_filename or "-") if item.path is None and item.error is None else item.name
    if item.error is not None:
        return Checked(path=name, error=item.error)
    try:
        source = _read("-" if item.path is None else str(item.path), encoding=args.encoding, what="draft")
        report = coach.check(source, customer=customer, input_format=args.input_format, **options)  # type: ignore[arg-type]
        fixed = coach.rewrite(source, customer=customer, input_format=args.input_format,
                              **options) if args.fix else None  # type: ignore[arg-type]
    except InputError as err:  # the draft's own fault; a broken rule or config stops the run
        if item.path is not None and err.place is None and str(item.path) not in err.message:
            err.place = str(item.path)
        return Checked(path=name, error=err)
    return Checked(path=name, source=source, report=report, rewrite=fixed)


def _check_export(coach: Coach, path: str, args: argparse.Namespace, **options: object) -> list[Checked]:
    """Each macro of a help desk's export, reported as EXPORT#title at its line of the export."""
    from .macros import check_macros, read_macros

    try:
        macros = read_macros(_read(path, encoding=args.encoding, what="macro export"), name=path)
    except InputError as err:
        return [Checked(path=path, error=err)]
    return [Checked(path=f"{path}#{macro.title}", file=path, line=macro.line, source=macro.body,
                    **({"error": result} if isinstance(result, ReplycoachError) else {"report": result}))
            for macro, result in check_macros(coach, macros, **options)]  # type: ignore[arg-type]


def _cmd_rewrite(args: argparse.Namespace, out: Console) -> int:
    draft = _read(args.file or "-", encoding=args.encoding, what="draft")
    customer = _read(args.customer, encoding=args.encoding, what="customer message") if args.customer else None
    coach = _coach(config=_config(args), rules=args.rules)
    result = coach.rewrite(draft, customer=customer, channel=args.channel, input_format=args.input_format,
                           slots=args.slots, ignore=args.ignore)
    if args.format == "json":
        print(result.to_json())
    elif args.format == "diff":
        from .render_terminal import print_edits

        print_edits(result, out)
    else:
        print(result.text)
        for todo in result.todos:  # on stderr, so the rewrite on stdout stays the text to send
            line = result.text.count("\n", 0, todo.start) + 1
            print(f"to do: line {line}: {todo.slot}: {todo.question}", file=sys.stderr)
    return EXIT_PASSED if result.after.passed else EXIT_FAILED


def _columns(args: argparse.Namespace) -> Columns:
    from .records import Columns

    mapped = {name: getattr(args, f"{name}_col") for name in
              ("id", "text", "customer", "agent", "team", "channel", "time", "turns", "role", "author")
              if getattr(args, f"{name}_col")}
    roles = {}
    for pair in args.role_map:
        source, _, target = pair.partition("=")
        if target not in ("customer", "agent") or not source:
            raise InputError(f"--role-map {pair!r} must look like NAME=agent or NAME=customer", code="RC303")
        roles[source] = target
    return Columns(**mapped, role_map=roles, reply_to=args.reply_to_col, inbound=args.inbound_col)


def _cmd_batch(args: argparse.Namespace, out: Console) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .batch import RunTimes, resume_point, score_lines
    from .batch_report import batch_report_html
    from .records import column_warnings, count_records, first_record, read_items
    from .reuse import ReuseTracker
    from .summary import BatchSummary, write_summary

    if args.jobs < 1:
        raise InputError("--jobs must be 1 or more", code="RC303")
    config = _config(args)
    coach = _coach(config=config, rules=args.rules)
    out_path = Path(args.out)
    summary = BatchSummary()
    if args.macros:
        summary.reuse = ReuseTracker.with_macros(_read(args.macros, encoding="utf-8", what="macros").splitlines())
    done = resume_point(out_path) if args.resume else []
    if done:  # the summary covers the whole run, so read the finished lines back in
        with out_path.open(encoding="utf-8") as f:
            for line in f:
                summary.add(json.loads(line))
    items = read_items(args.input, cols=_columns(args), shape=args.shape, fmt=args.input_format)
    warned = column_warnings(first_record(args.input, fmt=args.input_format), cols=_columns(args), shape=args.shape)
    for warning in warned.values():
        print(f"replycoach: warning: {warning}", file=sys.stderr)

    def remaining() -> Iterator[Item]:
        for item in items:
            if item.index < len(done):
                if item.id != done[item.index]:
                    raise InputError(f"record {item.index + 1} is {item.id!r} but {out_path} has "
                                     f"{done[item.index]!r} there", code="RC111",
                                     remedy="resume with the same input, or start a new --out file")
                continue
            yield item

    err = Console(stderr=True)
    terminal = err.is_terminal  # asked once: rich works it out afresh on every call
    # Counting is a second read of the file: only worth it when a progress bar will show the total.
    total = count_records(args.input, fmt=args.input_format) if terminal else None
    progress = Progress(TextColumn("scoring"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.fields[rate]}/s"), TimeRemainingColumn(),
                        console=err, disable=not terminal, transient=True)
    interrupted = False
    stopped: ReplycoachError | None = None
    times = RunTimes()
    # A polite kill (SIGTERM) ends the run like Ctrl-C: complete lines only, workers stopped.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        sink = out_path.open("ab" if done else "wb", buffering=0)  # unbuffered: a failed write is seen at once
    except OSError as error:
        raise _output_error(error, out_path, "--out") from None
    with progress, sink:
        # Bytes known to end in a complete line: a write that fails part-way is cut back to here.
        good = out_path.stat().st_size if done and out_path.is_file() else 0
        task = progress.add_task("scoring", total=total, completed=len(done), rate="-")
        try:
            for done_count, (_, result, line) in enumerate(
                    score_lines(remaining(), coach=coach, config=config, rules=args.rules, jobs=args.jobs,
                                times=times), 1):
                try:
                    _write_all(sink, line)
                except OSError as error:
                    _cut_back(sink, good)
                    raise _output_error(error, out_path, "--out") from None
                good += len(line)
                summary.add(result)
                if terminal and done_count % 16 == 0:  # the rate is a walk over recent samples
                    progress.update(task, advance=16, rate=f"{progress.tasks[0].speed or 0:.0f}")
        except KeyboardInterrupt:
            interrupted = True
        except ReplycoachError as error:
            if error.code != "RC112":
                raise
            stopped = error
    if args.summary:
        try:
            write_summary(summary, args.summary)
        except OSError as error:
            raise _output_error(error, Path(args.summary), "--summary") from None
    if args.report:
        html = batch_report_html(summary, title=Path(args.input).name)
        try:
            Path(args.report).write_text(html, encoding="utf-8")
        except OSError as error:
            raise _output_error(error, Path(args.report), "--report") from None
    if args.timings:
        _write_timings(times, Path(args.timings))
    print(summary.line(), file=sys.stderr)
    for key, gap in summary.gaps().items():
        if key not in warned:
            print(f"replycoach: warning: {gap}", file=sys.stderr)
    if stopped:
        raise ReplycoachError(stopped.message, code=stopped.code,
                              remedy=f"{out_path} holds {summary.read} complete results: run again with --resume "
                                     "to finish (with fewer --jobs if memory is short)")
    if interrupted:
        print(f"replycoach: interrupted; {out_path} holds {summary.read} complete results; "
              "run again with --resume to finish", file=sys.stderr)
        return 130
    return EXIT_PASSED


def _write_timings(times: RunTimes, path: Path) -> None:
    """The run's CPU seconds by process, and this process's total so far (summary and report included)."""
    body = {**times.to_dict(), "total_s": round(time.process_time(), 3)}
    try:
        path.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    except OSError as error:
        raise _output_error(error, path, "--timings") from None


_NO_ROOM = frozenset(getattr(errno, name) for name in ("ENOSPC", "EDQUOT", "EFBIG") if hasattr(errno, name))


def _output_error(error: OSError, path: Path, option: str) -> ReplycoachError:
    """An output that cannot be written, as the coded error a user can act on."""
    if error.errno in _NO_ROOM:
        kept = "; the complete lines are kept, so --resume carries on" if option == "--out" else ""
        return ReplycoachError(f"cannot write: {error.strerror}", code="RC113", place=str(path),
                               remedy="free space on that disk (or raise the quota or file-size limit), or "
                                      f"write {option} elsewhere{kept}")
    return ReplycoachError(f"cannot write: {error.strerror}", code="RC114", place=str(path),
                           remedy=f"point {option} at a file in a folder you may write to")


def _write_all(sink: BinaryIO, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[sink.write(view) or 0:]


def _cut_back(sink: BinaryIO, size: int) -> None:
    """Drop a partly written last line, so the output keeps complete lines only."""
    try:
        if stat.S_ISREG(os.fstat(sink.fileno()).st_mode):
            os.ftruncate(sink.fileno(), size)
    except OSError:
        pass


def _cmd_serve(args: argparse.Namespace) -> int:
    from .config import find_config, load_config

    try:
        import uvicorn  # noqa: F401  (only to say which extra is missing, before any work)
    except ImportError:
        raise InputError("serving needs the service extra", code="RC304",
                         remedy="pip install 'replycoach[service]'") from None
    if args.timeout <= 0 or not 1 <= args.checkers <= 64 or args.max_body < 1_000:
        raise InputError("--timeout must be over 0, --checkers 1 to 64 and --max-body at least 1000", code="RC303")
    # The app reads its settings from the environment (as `uvicorn --factory` would); with
    # --workers N it is built once and the server processes are forked from it.
    found = args.config or find_config()
    os.environ["REPLYCOACH_SERVE"] = json.dumps({
        "config": str(found) if found else None, "rules": args.rules, "max_body_bytes": args.max_body,
        "cors_origins": args.cors_origin, "timeout": args.timeout, "checkers": args.checkers})
    load_config(found)  # fail now, with a clear message, rather than in every worker
    from .service import serve

    serve(host=args.host, port=args.port, workers=args.workers, access_log=args.access_log)
    return EXIT_PASSED


def _cmd_config(args: argparse.Namespace, out: Console) -> int:
    """The settings a check would run with, each with where it came from: the defaults, the
    config file (named by --config or found from the current folder upward) or an option."""
    from .config import find_config, load_config
    from .rules.loader import shipped_packs_dir

    found = args.config or find_config()
    config = load_config(found)
    file = str(Path(found).resolve()) if found else None
    from_file = set(config.model_fields_set) - ({"packs"} if not config.packs else set())
    settings = {k: {"value": v, "source": file if k in from_file else "default"}
                for k, v in config.model_dump(mode="json").items()}
    if args.min_score is not None:
        if not 0 <= args.min_score <= 100:
            raise InputError("--min-score must be between 0 and 100", code="RC303")
        settings["threshold"] = {"value": args.min_score, "source": "--min-score"}
    packs = ([{"path": str(shipped_packs_dir()), "source": "shipped"}] if config.shipped_packs else []) + \
        [{"path": str(p), "source": file} for p in config.packs] + \
        [{"path": str(Path(p).resolve()), "source": "--rules"} for p in args.rules]
    data = {"config_file": file, "found_by": "--config" if args.config else "search" if file else None,
            "settings": settings, "packs": packs}
    if args.format == "json":
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_PASSED
    print(f"# config file: {file} ({'--config' if args.config else 'nearest to the current folder'})"
          if file else "# config file: none found (replycoach.toml, or [tool.replycoach] in pyproject.toml): defaults")
    width = max(len(k) for k in settings)
    for key, item in settings.items():
        print(f"{key.ljust(width)} = {json.dumps(item['value'], ensure_ascii=False)}  # {item['source']}")
    print("# rule packs")
    for pack in packs:
        print(f"#   {pack['path']}  ({pack['source']})")
    return EXIT_PASSED


def _pack_coach(path: str) -> Coach:
    """A Coach with only the pack(s) at `path`, so its own rules are what is validated and tested."""
    from .coach import Coach
    from .config import Config

    return Coach(config=Config(shipped_packs=False), rules=[path])


def _cmd_rules(args: argparse.Namespace, out: Console) -> int:
    from rich.table import Table

    from .rules.loader import load_rules

    if args.rules_command == "list":
        coach = load_rules(_config(args), args.rules)  # parsed and validated; listing needs no compiling
        rows = [{"id": r.id, "kind": r.spec.kind, "category": r.category, "severity": r.severity.value,
                 "precision": _measure(r.spec.measured.precision if r.spec.measured else None,
                                       r.spec.measured.flagged if r.spec.measured else 0),
                 "recall": _measure(r.spec.measured.recall if r.spec.measured else None, 1),
                 "file": _shown_path(r.path)} for r in coach.rules]
        if args.format == "json":
            print(json.dumps([{**row, **{k: None if row[k] == "-" else float(row[k]) for k in ("precision", "recall")}}
                              for row in rows], indent=2))
            return EXIT_PASSED
        if out.is_terminal:
            table = Table(box=None, header_style="bold")
            for col in rows[0] if rows else ():
                table.add_column(col, justify="right" if col in ("precision", "recall") else "left",
                                 no_wrap=col != "file", overflow="fold")
            for row in rows:
                table.add_row(*row.values())
            out.print(table)
        else:  # a file or a pipe: plain columns, never cut to a terminal's width
            cols = list(rows[0]) if rows else []
            widths = {c: max(len(c), *(len(row[c]) for row in rows)) for c in cols}
            for row in [dict(zip(cols, cols, strict=True)), *rows]:
                print("  ".join(row[c].ljust(widths[c]) for c in cols).rstrip())
        dated = sorted({f"{r.spec.measured.data}, {r.spec.measured.date}" for r in coach.rules if r.spec.measured})
        print(f"{len(coach.rules)} rules" + (f"; precision and recall measured on {'; '.join(dated)} "
                                             "(benchmarks/judgement.py)" if dated else ""))
        return EXIT_PASSED
    if args.rules_command == "show":
        rule = load_rules(_config(args), args.rules).rule(args.rule_id)
        data = {"id": rule.id, "file": str(rule.path), "severity": rule.severity.value,
                **rule.spec.model_dump(mode="json", by_alias=True, exclude_none=True, exclude={"severity"})}
        if rule.spec.kind == "model":  # what the weights were trained on, and how well they did
            from .linear import load_weights

            spec = load_weights(rule.path.parent / rule.spec.weights).spec
            data["model"] = {"label": spec.label, "reads": spec.reads, "threshold": spec.threshold,
                             "features": len(spec.weights), "trained": spec.trained.model_dump(mode="json")}
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return EXIT_PASSED
    coach = _pack_coach(args.path)
    if args.rules_command == "validate":
        out.print(f"ok: {len(coach.rules)} rule{'' if len(coach.rules) == 1 else 's'} in {args.path}")
        return EXIT_PASSED
    from .selftest import run_examples

    results = run_examples(coach)
    failed = [r for r in results if not r.ok]
    for result in failed:
        why = result.error or ("did not fire" if result.expected == "flag" else "fired")
        out.print(f"[red]FAIL[/red] {result.rule} {result.expected}: {why}: {result.draft[:80]!r}")
    out.print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return EXIT_FAILED if failed else EXIT_PASSED


def _shown_path(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _measure(value: float | None, support: int) -> str:
    """A measured figure for the rules table: '-' where nothing was measured or nothing fired."""
    return "-" if value is None or not support else f"{value:.2f}"


def _cmd_train(args: argparse.Namespace, out: Console) -> int:
    from .evaluation import read_labelled
    from .linear import Recipe
    from .train import train

    if args.folds < 2:
        raise InputError("--folds must be 2 or more", code="RC303")
    recipe = Recipe()
    if args.recipe:
        try:
            recipe = Recipe.model_validate_json(Path(args.recipe).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise InputError(f"cannot read the recipe: {err}", code="RC106", place=args.recipe) from None
    changes: dict[str, object] = {}
    try:
        if args.ngrams:
            changes["ngrams"] = tuple(int(n) for n in args.ngrams.split(","))
        if args.numeric:
            changes["numeric"] = tuple(args.numeric.split(","))
        if args.rule_features:
            changes["rules"] = tuple(args.rule_features.split(","))
        recipe = Recipe.model_validate({**recipe.model_dump(), **changes})
    except ValueError as err:
        raise InputError(f"bad feature option: {err}", code="RC303",
                         remedy="see `replycoach train --help`") from None
    exclude: set[str] = set()
    if args.exclude:
        exclude = set(_read(args.exclude, encoding="utf-8", what="exclude list").split())
    out_path = Path(args.out)
    if not out_path.parent.is_dir():  # say so before minutes of training, not after
        raise InputError("the folder for --out does not exist", code="RC106", place=str(out_path.parent),
                         remedy="create it, or write the weights elsewhere")
    items = [i for path in args.labels for i in read_labelled(path, exclude=exclude)]
    coach = _coach(config=_config(args), rules=args.rules)
    result = train(coach, items, label=args.label, reads=args.reads, recipe=recipe, folds=args.folds,
                   seed=args.seed, c=args.c, min_count=args.min_count, data=args.data, licence=args.licence,
                   only_upset=args.only_upset)
    try:
        out_path.write_text(result.weights.model_dump_json(indent=1) + "\n", encoding="utf-8")
    except OSError as err:
        raise InputError(f"cannot write the weights: {err.strerror}", code="RC106", place=str(out_path)) from None
    cv, w = result.cv, result.weights
    out.print(f"{args.label}: {w.trained.examples} examples ({w.trained.positives} positive), "
              f"{result.dropped} left out (no agreed label, unreadable"
              + (", calm customer)" if args.only_upset else ")"))
    out.print(f"{args.folds}-fold cross-validation at threshold {w.threshold:.3f}: "
              f"precision {cv.precision:.3f}  recall {cv.recall:.3f}  F1 {cv.f1:.3f}")
    out.print(f"wrote {args.out}: {len(w.weights)} weights")
    return EXIT_PASSED


def _console(color: str) -> Console:
    """The console for text output. auto leaves it to rich, which colours a terminal and honours
    NO_COLOR and FORCE_COLOR; always and never overrule both."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else 160
    if color == "always":
        return Console(force_terminal=True, no_color=False, highlight=False, soft_wrap=True, width=width)
    if color == "never":
        return Console(color_system=None, no_color=True, highlight=False, soft_wrap=True, width=width)
    return Console(highlight=False, soft_wrap=True, width=width)


def _check_schema() -> dict[str, object]:
    """The JSON Schema of one `check --format json` object: the report, the "rewrite" member that
    --fix adds and the "path" member each object of an array of several has."""
    from .models import Report
    from .rewrite import Rewrite

    schema = Report.json_schema()
    rewrite = Rewrite.model_json_schema(mode="serialization")
    schema["$defs"] = {**rewrite.pop("$defs", {}), **schema.get("$defs", {}), "Rewrite": rewrite}
    schema["properties"]["path"] = {"type": "string", "description": "The input, when there are several."}
    schema["properties"]["rewrite"] = {"$ref": "#/$defs/Rewrite", "description": "With --fix: the rewrite."}
    return schema


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `replycoach` command."""
    args = _parser().parse_args(argv)
    if getattr(args, "no_cache", False):  # through the environment, so worker processes see it too
        os.environ["REPLYCOACH_NO_CACHE"] = "1"
    collecting = gc.isenabled()
    if args.command in _BUILD_A_COACH:
        gc.disable()
    try:
        if args.command == "check":  # its console, for the text format only
            return _cmd_check(args)
        out = _console(getattr(args, "color", "auto"))
        if args.command == "rewrite":
            return _cmd_rewrite(args, out)
        if args.command == "batch":
            return _cmd_batch(args, out)
        if args.command == "serve":
            return _cmd_serve(args)
        if args.command == "train":
            return _cmd_train(args, out)
        if args.command == "schema":
            print(json.dumps(_check_schema(), indent=2))
            return EXIT_PASSED
        if args.command == "config":
            return _cmd_config(args, out)
        return _cmd_rules(args, out)
    except ReplycoachError as err:
        print(f"replycoach: {err}", file=sys.stderr)
        return _EXIT_BY_CODE.get(err.code, EXIT_USAGE)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_PASSED
    except Exception as err:  # a bug: say so in one line; REPLYCOACH_DEBUG=1 shows the traceback
        if os.environ.get("REPLYCOACH_DEBUG"):
            raise
        print(f"replycoach: internal error ({type(err).__name__}: {err}); please report it, "
              "with REPLYCOACH_DEBUG=1 for the traceback", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        # The collector as it was. Called with arguments, main() runs in a caller's process (the
        # tests do that): what start-up built is collected again as usual. As the command itself
        # (arguments from sys.argv) the process ends here, and what start-up built stays out of
        # the collections Python runs on the way out (3% of a whole `replycoach check`).
        if argv is not None:
            gc.unfreeze()
        if collecting:
            gc.enable()


if __name__ == "__main__":
    sys.exit(main())
