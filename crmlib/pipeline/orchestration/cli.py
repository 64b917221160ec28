"""Command line: ``python -m crmlib build|build-all|province|verify|verify-all|anomalies|backlog|sample``.

What the user must fix (a :class:`~crmlib.errors.UserError`: bad input, bad
settings, an unknown city or month) prints as one line and exits with 2. A
section that fails on such an error prints one line and exits with 1. Anything
else is a bug: it keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crmlib.errors import UsageError, UserError
from crmlib.pipeline.execution.sections import SectionError, skip_iri_grammar

skip_iri_grammar()


def _settings(args: argparse.Namespace):
    from crmlib.ingest.settings import load_settings

    return load_settings(args.params, outputs_dir=args.outputs)


def _build(args: argparse.Namespace) -> int:
    from crmlib.pipeline.orchestration.build import build_report
    from crmlib.pipeline.request import failed_dir

    request = _request(args, args.city)
    try:
        result = build_report(request)
    except SectionError as error:
        kept = failed_dir(request.out_dir)
        error.add_note(f"The executed notebooks are kept in {kept}. The previous report, if any, is unchanged.")
        raise
    print(f"report written to {result.out_dir}")
    _warn_unfilled(request.settings, [args.city], [args.month])
    return 0


def _request(args: argparse.Namespace, subject: str):
    from crmlib.pipeline.request import BuildRequest

    return BuildRequest(subject, args.month, _settings(args), args.data, args.coordinations, pdf=not args.no_pdf)


def _warn_unfilled(settings, cities: list[str], months: list[str]) -> None:
    """One warning line per city whose settings leave a placeholder in its reports (DPA number, signatory)."""
    from crmlib.ingest.settings import city_settings, unfilled
    from crmlib.pipeline.kinds import kind_of

    for city in cities:
        if not kind_of(city).has_city_settings:
            continue
        missing = dict.fromkeys(name for month in months
                                for name in unfilled(city_settings(settings, city, month), month))
        if missing:
            print(f"warning: {city}: not set in params/cities/{city}.yaml: {', '.join(missing)}; "
                  "the report shows a placeholder to fill in", file=sys.stderr, flush=True)


def _build_all(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from crmlib.pipeline.deliverables.index_page import write_index
    from crmlib.pipeline.orchestration import batch

    settings = _settings(args)
    cities = args.cities.split(",") if args.cities else sorted(settings.cities)
    unknown = sorted(set(cities) - set(settings.cities))
    if unknown:
        raise UsageError(f"unknown city {', '.join(unknown)}; choose from {', '.join(sorted(settings.cities))}")
    tickets = batch.load_once(args.data, args.coordinations, settings)
    months = batch.batch_months(tickets, args.month, args.year)
    total = len(cities) * len(months)
    _warn_unfilled(settings, cities, months)
    with tqdm(total=total, unit="report", file=sys.stderr, dynamic_ncols=True) as bar:
        def done(status: batch.ReportStatus) -> None:
            word = "ok" if status.ok else "FAILED"
            bar.write(f"{status.city:<10} {status.month}  {word:<6} {status.seconds:6.1f} s  {status.message}"[:300])
            bar.update()

        statuses = batch.build_all(cities, months, args.data, args.coordinations, settings=settings,
                                   pdf=not args.no_pdf, workers=args.workers, section_timeout=args.section_timeout,
                                   on_done=done)
    table = batch.summary(statuses, settings)
    print(table.to_string(index=False, na_rep="–"))
    for status in statuses:
        if status.detail:
            print(f"\n{status.city} {status.month}: {status.detail}", file=sys.stderr)
    print(f"index written to {write_index(settings.outputs_dir)}")
    failed = sum(not s.ok for s in statuses)
    print(f"{total - failed} of {total} reports built" + (f"; {failed} failed" if failed else ""))
    return 1 if failed else 0


def _verify_all(args: argparse.Namespace) -> int:
    from crmlib.pipeline.audit.verify import verify_report
    from crmlib.pipeline.deliverables.index_page import built_reports

    settings = _settings(args)
    reports = [(folder.parent.name, folder.name) for folder in built_reports(settings.outputs_dir)]
    if not reports:
        raise UsageError(f"no built report under {settings.outputs_dir}; run `make reports` first")
    failed = 0
    for city, month in reports:
        result = verify_report(city, month, settings)
        if result.ok:
            print(f"{city:<10} {month}  verified: all {len(result.recorded)} figures match", flush=True)
            continue
        failed += 1
        problems = [*(f"figure {n} differs" for n in result.differing), *result.printed, *result.lists,
                    *result.changed_inputs, *result.changed_settings, *([result.rerun_error] if result.rerun_error else [])]
        print(f"{city:<10} {month}  FAILED: {'; '.join(problems)}"[:500], flush=True)
    print(f"{len(reports) - failed} of {len(reports)} reports verified")
    return 1 if failed else 0


def _province(args: argparse.Namespace) -> int:
    from crmlib.pipeline.context.province import PROVINCE
    from crmlib.pipeline.orchestration.build import build_report

    result = build_report(_request(args, PROVINCE))
    print(f"report written to {result.out_dir}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from crmlib.pipeline.audit.verify import change_lines, read_audit, rerun

    audit = read_audit(args.city, args.month, _settings(args))
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
    found = [f"{len(result.differing)} figure(s) differ", f"{len(result.printed)} printed number(s) differ",
             f"{len(result.changed_inputs)} input(s) changed", f"{len(result.changed_settings)} settings file(s) changed"]
    if result.lists:
        found.insert(2, f"{len(result.lists)} list file(s) changed")
    if result.rerun_error:
        found.append("figures not compared")
    print(f"verification FAILED: {', '.join(found)}")
    return 1


def _anomalies(args: argparse.Namespace) -> int:
    from crmlib.pipeline.context.anomaly_scan import counts_by_kind, scan, write_csv
    from crmlib.pipeline.context.city import load_context

    context = load_context(args.city, args.month, args.data, args.coordinations, settings=_settings(args))
    flags = scan(context)
    for kind, count in counts_by_kind(flags).items():
        print(f"{kind:<18} {count:5d}")
    if args.csv:
        print(f"flags written to {write_csv(flags, args.csv)}")
    return 0


def _backlog(args: argparse.Namespace) -> int:
    from crmlib import formatting as fmt
    from crmlib.pipeline.context.backlog import city_backlog
    from crmlib.pipeline.deliverables.backlog_files import backlog_paths, write_backlog_files
    from crmlib.report.backlog_recap import recap_text

    settings = _settings(args)
    backlog = city_backlog(args.city, args.data, args.coordinations, settings=settings, at=args.at)
    if backlog.after_export:
        print(f"warning: --at {args.at!r} is after the export's latest time ({fmt.datetime_long(backlog.latest)}): "
              "complaints completed since then still count as open", file=sys.stderr)
    recap = recap_text(backlog.rows, backlog.city_label, backlog.at, response_max_hours=settings.rules.response_max_hours,
                       synthetic=backlog.synthetic)
    title = recap.splitlines()[0]
    paths = write_backlog_files(backlog.rows, backlog_paths(settings.outputs_dir, backlog.city, backlog.at), title,
                                synthetic=backlog.synthetic)
    # The recap alone on stdout, to paste or pipe; where the files went on stderr.
    print(recap)
    for path in paths:
        print(f"written to {path}", file=sys.stderr)
    return 0


def _sample(args: argparse.Namespace) -> int:
    from crmlib.sample import write_sample

    write_sample(Path(args.out) if args.out else None)
    return 0


def _inputs(command: argparse.ArgumentParser) -> None:
    """The export, settings and output options of the commands that read an export."""
    command.add_argument("--data", help="tickets export (csv/xlsx); default: the bundled synthetic sample")
    command.add_argument("--coordinations", help="coordinations export; optional")
    command.add_argument("--params", help="folder of settings files overriding the shipped ones, file by file; "
                                          "default: $CRM_PARAMS")
    _outputs(command)


def _outputs(command: argparse.ArgumentParser) -> None:
    command.add_argument("--outputs", help="reports folder; default: $CRM_OUTPUTS, else ./outputs")


def parser() -> argparse.ArgumentParser:
    """The command line's argument parser."""
    main_parser = argparse.ArgumentParser(prog="python -m crmlib", description="CRM monthly report builder")
    commands = main_parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build one city-month report")
    anomalies = commands.add_parser("anomalies", help="flag what is unusual in one city-month; counts per kind, "
                                                      "every flag to --csv")
    verify = commands.add_parser("verify", help="re-run a built report and compare every figure")
    for command, handler in ((build, _build), (anomalies, _anomalies), (verify, _verify)):
        command.add_argument("--city", required=True)
        command.add_argument("--month", required=True, help="YYYY-MM")
        command.set_defaults(handler=handler)
    for command in (build, anomalies):
        _inputs(command)
    build.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    anomalies.add_argument("--csv", help="write every flag to this CSV file")
    # verify re-runs with the settings folder the manifest records
    _outputs(verify)
    verify.set_defaults(params=None)

    batch = commands.add_parser("build-all", help="build every city for a month, or every month of a year")
    when = batch.add_mutually_exclusive_group(required=True)
    when.add_argument("--month", help="YYYY-MM")
    when.add_argument("--year", help="YYYY: every month of it that the export holds")
    batch.add_argument("--cities", help="comma-separated city codes; default: every city in the settings")
    _inputs(batch)
    batch.add_argument("--workers", type=int, help="sections run at once; default: one per core")
    batch.add_argument("--section-timeout", type=float, default=600.0,
                       help="seconds a cell of a section may run before its report fails (default 600)")
    batch.add_argument("--no-pdf", action="store_true", help="skip the PDFs")
    batch.set_defaults(handler=_build_all)

    province = commands.add_parser("province", help="build the DKI Jakarta overview of one month (outputs/dki/)")
    province.add_argument("--month", required=True, help="YYYY-MM")
    _inputs(province)
    province.add_argument("--no-pdf", action="store_true", help="skip the PDF")
    province.set_defaults(handler=_province)

    verify_all = commands.add_parser("verify-all", help="re-check every built report, one line each")
    _outputs(verify_all)
    verify_all.set_defaults(handler=_verify_all, params=None)

    backlog = commands.add_parser("backlog", help="the complaints still open at the export's latest time (or --at): "
                                                  "a recap to paste into a chat group, every row to CSV and XLSX")
    backlog.add_argument("--city", required=True)
    backlog.add_argument("--at", help="'YYYY-MM-DD HH:MM', Jakarta time; default: the export's latest time")
    _inputs(backlog)
    backlog.set_defaults(handler=_backlog)

    sample = commands.add_parser("sample", help="regenerate the bundled synthetic sample")
    sample.add_argument("--out", help="output folder; default: the package's sample folder")
    sample.set_defaults(handler=_sample)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = parser().parse_args(argv)
    try:
        return args.handler(args)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except SectionError as error:
        if not error.user_error:
            # A bug in a section: show where it happened, as the notebook recorded it.
            print(error.traceback, file=sys.stderr)
        print(" ".join([f"error: {str(error).rstrip('.')}.", *getattr(error, "__notes__", [])]), file=sys.stderr)
        return 1
