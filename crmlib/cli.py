"""Command line: ``python -m crmlib build|verify|sample``.

Errors in the input print as one line without a traceback and exit with 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmlib.errors import InputError
from crmlib.execute import SectionError, skip_iri_grammar

skip_iri_grammar()


def _build(args: argparse.Namespace) -> int:
    from crmlib.build import build_report

    result = build_report(args.city, args.month, args.data, args.coordinations, pdf=not args.no_pdf)
    print(f"report written to {result.out_dir}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from crmlib.verify import change_lines, read_audit, rerun

    audit = read_audit(args.city, args.month)
    # Changed files first: the auditor sees them even if the slow re-run fails or is interrupted.
    for line in change_lines(audit):
        print(line, flush=True)
    result = rerun(audit)
    if result.rerun_error:
        print(result.rerun_error[:500])
    for name in result.differing:
        print(f"figure differs: {name}: recorded {result.recorded.get(name)!r}, now {result.fresh.get(name)!r}"[:500])
    if result.ok:
        print(f"verified: all {len(result.recorded)} figures match")
        return 0
    found = [f"{len(result.differing)} figure(s) differ", f"{len(result.changed_inputs)} input(s) changed",
             f"{len(result.changed_settings)} settings file(s) changed"]
    if result.rerun_error:
        found.append("figures not compared")
    print(f"verification FAILED: {', '.join(found)}")
    return 1


def _sample(args: argparse.Namespace) -> int:
    from crmlib.sample import write_sample

    write_sample(Path(args.out) if args.out else None)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m crmlib", description="CRM monthly report builder")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, handler, help_text in (
        ("build", _build, "build one city-month report"),
        ("verify", _verify, "re-run a built report and compare every figure"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--city", required=True)
        command.add_argument("--month", required=True, help="YYYY-MM")
        command.set_defaults(handler=handler)
        if name == "build":
            command.add_argument("--data", help="tickets export (csv/xlsx); default: the bundled synthetic sample")
            command.add_argument("--coordinations", help="coordinations export; optional")
            command.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    sample = commands.add_parser("sample", help="regenerate the bundled synthetic sample")
    sample.add_argument("--out", help="output folder; default: the package's sample folder")
    sample.set_defaults(handler=_sample)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (InputError, ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SectionError as error:
        hint = ""
        if args.command == "build":
            from crmlib.build import failed_dir
            from crmlib.paths import OUTPUTS_DIR

            hint = f" The executed notebooks are kept in {failed_dir(OUTPUTS_DIR / args.city / args.month)}."
        print(f"error: {error}.{hint} The previous report, if any, is unchanged.", file=sys.stderr)
        return 1
