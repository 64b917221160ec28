"""The report's content: Indonesian formatting, escaped HTML blocks, tables, sentences, charts, the data-quality annex."""
