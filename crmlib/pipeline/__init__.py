"""Building reports, by role: what a section sees (context), running sections (execution), the deliverables,
the audit, and orchestration (build, batch, command line); a BuildRequest and the kinds of report tie them."""
