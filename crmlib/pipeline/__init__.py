"""Building reports: context, section execution, stitching, export, the figure book, manifest, verify, build, CLI."""
